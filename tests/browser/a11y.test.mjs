// Accessibility: axe-core (tests/browser/node_modules/axe-core, an exact version in
// package.json) run inside the page on the default page, a lesson in progress, the
// 简体中文 page and the embed: no violation of any rule it runs by default. And the
// keyboard: the help dialog keeps the focus inside it, and a focused server's ring does
// not look like a candidate's dashed one.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { launchBrowser, openPlayground, screenshot, withPlayground } from './helpers.mjs';
import { key, pause, waitForLeader } from './ring.mjs';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Runs axe on the page as it stands (paused, so nothing moves under it) and returns its
 * violations as `rule: target…` lines, with the rule's help. Injected with `evaluate` so
 * that the page's Content-Security-Policy, which forbids inline scripts, does not apply.
 */
async function axeViolations(page) {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, help: v.help, nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1] ?? ''}`),
    }));
  });
  return violations.map((v) => `${v.id} (${v.help}):\n    ${v.nodes.join('\n    ')}`);
}

test('axe finds no violation on the default page', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await pause(page);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
  }, { name: 'a11y-default', path: '?seed=1&speed=1' }));

test('axe finds no violation in a lesson in progress, with a candidate and a violation on show', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('.lesson').waitFor();
    await pause(page);
    assert.deepEqual(await axeViolations(page), []);
    // A break-switch's "Show me": the monitor's violation, the modified-Raft badge.
    await page.locator('[data-break="single-step-membership"] button').click();
    await page.waitForSelector('.violation');
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
  }, { name: 'a11y-lesson', path: '?seed=1&speed=1&scenario=split-vote' }));

test('axe finds no violation on the 简体中文 page', async () => {
  const browser = await launchBrowser();
  try {
    // The page speaks the browser's language: a browser set to 简体中文.
    const { page, errors } = await openPlayground(browser, {
      path: '?seed=2&speed=1',
      viewport: { width: 1366, height: 900 },
      initScript: () => Object.defineProperty(navigator, 'language', { get: () => 'zh-CN' }),
    });
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    await waitForLeader(page);
    await pause(page);
    assert.deepEqual(await axeViolations(page), []);
    await screenshot(page, 'a11y-zh');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('axe finds no violation in the embed', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForSelector('[data-server]');
    await pause(page);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(errors, []);
  }, { name: 'a11y-embed', path: '?embed=1&seed=3&speed=1', viewport: { width: 600, height: 400 } }));

test('the help dialog keeps the focus inside it, and a focused server has a solid ring', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await pause(page);
    await key(page, '?');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const inside = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    assert.ok(await inside(), 'the dialog takes the focus');
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      assert.ok(await inside(), `Tab ${i + 1} stays in the dialog`);
      await page.keyboard.press('Shift+Tab');
      assert.ok(await inside(), `Shift+Tab ${i + 1} stays in the dialog`);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Tab to a server: its focus ring is solid, unlike a candidate's dashed disc.
    const server = page.locator('[data-server="S1"] [role="button"]');
    await server.focus();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Tab');
    const ring = await server.evaluate((el) => {
      const halo = getComputedStyle(el.querySelector('.server__halo'));
      return { focused: document.activeElement === el, stroke: halo.stroke, dash: halo.strokeDasharray };
    });
    assert.ok(ring.focused, 'S1 has the keyboard focus');
    assert.notEqual(ring.stroke, 'none');
    assert.equal(ring.dash, 'none', 'a solid focus ring');
    await screenshot(page, 'a11y-focus');
    assert.deepEqual(errors, []);
  }, { name: 'a11y-keyboard', path: '?seed=1&speed=1' }));
