// Shared helpers for the browser tests: launch headless Chromium, open the served
// playground, collect what went wrong on the page, take screenshots.
//
// `cargo xtask test` serves dist/ on a loopback port and runs every `*.test.mjs` here with
// node's test runner, passing PLAYGROUND_URL and CHROMIUM_PATH. To run only some files:
//   cargo xtask test --browser-filter smoke     (builds dist/, runs *smoke*.test.mjs)
//
// A new test file looks like:
//   import { test } from 'node:test';
//   import assert from 'node:assert/strict';
//   import { withPlayground } from './helpers.mjs';
//   test('what a person does', () => withPlayground(async ({ page }) => { ... }));

import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** The served dist/, ending in `/`. */
export const PLAYGROUND_URL = process.env.PLAYGROUND_URL ?? 'http://127.0.0.1:8080/';
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** Flags for a quiet, headless Chromium that talks to nothing but the page's own host. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Launches Chromium. Playwright gives every launch a fresh, temporary --user-data-dir of
 * its own (it refuses one in `args`), so no state leaks between runs.
 */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Opens the playground in a new page of `browser` and records, from the start:
 * - `errors`: console errors, uncaught exceptions, failed requests and HTTP errors;
 * - `foreignRequests`: requests to any host other than the playground's own.
 * `path` is appended to PLAYGROUND_URL (e.g. `?seed=7` or `#...`); `initScript`, if
 * given, runs in the page before any of its own scripts (to take a browser API away, say).
 */
export async function openPlayground(browser, { path = '', viewport = { width: 1280, height: 800 }, initScript } = {}) {
  const context = await browser.newContext({ viewport });
  if (initScript) await context.addInitScript(initScript);
  const page = await context.newPage();
  const origin = new URL(PLAYGROUND_URL).origin;
  const errors = [];
  const foreignRequests = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.stack ?? error.message}`));
  page.on('requestfailed', (request) =>
    errors.push(`request failed: ${request.url()} (${request.failure()?.errorText})`));
  page.on('response', (response) => {
    if (response.status() >= 400) errors.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && !url.startsWith('blob:') && new URL(url).origin !== origin) {
      foreignRequests.push(url);
    }
  });
  await page.goto(new URL(path, PLAYGROUND_URL).href, { waitUntil: 'load' });
  return { page, context, errors, foreignRequests };
}

/**
 * Waits until the Yew app has mounted: some element in <body> other than the page's own
 * <noscript> and scripts. Returns that element's tag name.
 */
export async function waitForApp(page) {
  const handle = await page.waitForFunction(() => {
    const mounted = [...document.body.children].find(
      (element) => !['SCRIPT', 'NOSCRIPT', 'LINK', 'STYLE'].includes(element.tagName));
    return mounted ? mounted.tagName.toLowerCase() : null;
  });
  return handle.jsonValue();
}

/** Picks library scenario `file` in the scenario picker, loads it, and waits until it is on show. */
export async function loadLibraryScenario(page, file) {
  await page.locator('select.teach__picker').selectOption(file);
  await page.locator('.teach__picker + .btn').click();
  await page.locator(`.teach__loaded[data-file="${file}"]`).waitFor();
}

/** Saves a full-page screenshot as tests/browser/artifacts/<name>.png; returns its path. */
export async function screenshot(page, name) {
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Runs `body({ browser, page, context, errors, foreignRequests })` in a fresh browser on
 * the playground; always closes the browser. On failure it adds the errors seen on the page
 * to the message and saves a screenshot named after `name` (if given) before rethrowing.
 */
export async function withPlayground(body, { name, path, viewport } = {}) {
  const browser = await launchBrowser();
  let session;
  try {
    session = await openPlayground(browser, { path, viewport });
    return await body({ browser, ...session });
  } catch (error) {
    // Say what went wrong on the page too: often the real cause of a timeout.
    let notes = '';
    if (session?.errors.length) notes += `\nerrors on the page:\n  ${session.errors.join('\n  ')}`;
    if (session && name) {
      const file = await screenshot(session.page, `${name}-failure`).catch(() => null);
      if (file) notes += `\nscreenshot: ${file}`;
    }
    if (notes && error instanceof Error) {
      error.message += notes;
      if (error.stack) error.stack += notes;
    }
    throw error;
  } finally {
    await browser.close();
  }
}
