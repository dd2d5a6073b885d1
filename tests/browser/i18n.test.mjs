// The message catalogues: the page fetches only its visitor's language file
// (dist/i18n/<lang>.txt, made from src/view/i18n.rs and i18n_zh.rs), fetches the other
// one when the reader switches, and says so plainly when a file cannot be had. The text
// is compared with the catalogue files of the built page (dist/i18n), never written out here.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, PLAYGROUND_URL, screenshot, waitForApp } from './helpers.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * A catalogue file's lines: its messages in key order, then the library's titles and
 * descriptions (the header line dropped, escapes undone).
 */
function catalogue(code) {
  const lines = readFileSync(join(root, 'dist', 'i18n', `${code}.txt`), 'utf8').split('\n');
  assert.equal(lines.pop(), '', 'the file ends with a line break');
  return lines.slice(1).map((line) => line.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c)));
}
const en = catalogue('en');
const zh = catalogue('zh-CN');

/** The index of the key whose English is `text` (which must be one key's only). */
function key(text) {
  const i = en.indexOf(text);
  assert.ok(i >= 0 && en.lastIndexOf(text) === i, `exactly one message is ${JSON.stringify(text)}`);
  return i;
}
const TITLE = 0;
const LANGUAGE = key('Language');
const COPY_LINK = key('Copy link');
const NOT_LOADED = en.findIndex((m) => m.startsWith('{0} could not be loaded ({1})'));

/**
 * Opens the playground in a fresh context with `language` as the browser's, recording
 * the catalogue files it requests (`i18n`) and the page's errors. `route`, if given,
 * handles requests for the catalogue files (to delay or fail them).
 */
async function open(browser, { language = 'en-US', viewport = { width: 1366, height: 900 }, route } = {}) {
  const context = await browser.newContext({ viewport, locale: language });
  await context.addInitScript((l) => Object.defineProperty(navigator, 'language', { get: () => l }), language);
  const page = await context.newPage();
  const i18n = [];
  const errors = [];
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path.includes('/i18n/')) i18n.push(path.slice(path.indexOf('/i18n/') + 1));
  });
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console error: ${message.text()}`);
  });
  if (route) await page.route('**/i18n/*', route);
  await page.goto(new URL('?seed=2&speed=1', PLAYGROUND_URL).href, { waitUntil: 'load' });
  return { page, i18n, errors };
}

const languageSwitch = (page, label) => page.getByRole('combobox', { name: label, exact: true });

test('an English visitor fetches only the English file; switching fetches the Chinese one and the text changes', async () => {
  const browser = await launchBrowser();
  try {
    // The Chinese file is held back until the test lets it go: until then, English stays.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    const route = async (r) => {
      if (r.request().url().endsWith('/zh-CN.txt')) await held;
      await r.continue();
    };
    const { page, i18n, errors } = await open(browser, { route });
    await languageSwitch(page, en[LANGUAGE]).waitFor();
    assert.deepEqual(i18n, ['i18n/en.txt']);
    assert.equal(await page.title(), en[TITLE]);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('button', { name: en[COPY_LINK], exact: true }).waitFor();
    await screenshot(page, 'i18n-en');

    await languageSwitch(page, en[LANGUAGE]).selectOption('zh-CN');
    for (let i = 0; i < 100 && i18n.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    assert.deepEqual(i18n, ['i18n/en.txt', 'i18n/zh-CN.txt']);
    // Still English, whole, while the file is on its way.
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await page.title(), en[TITLE]);
    await page.getByRole('button', { name: en[COPY_LINK], exact: true }).waitFor({ timeout: 1000 });
    // The reader picks English again before the file arrives: the page stays in English.
    await languageSwitch(page, en[LANGUAGE]).selectOption('en');
    const arrived = page.waitForResponse((r) => r.url().endsWith('/zh-CN.txt'));
    release();
    await arrived;
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await page.getByRole('button', { name: en[COPY_LINK], exact: true }).waitFor({ timeout: 1000 });
    // Picked again, 简体中文 comes at once, from the file already fetched.
    await languageSwitch(page, en[LANGUAGE]).selectOption('zh-CN');
    await page.getByRole('button', { name: zh[COPY_LINK], exact: true }).waitFor();
    assert.deepEqual(i18n, ['i18n/en.txt', 'i18n/zh-CN.txt']);
    await languageSwitch(page, zh[LANGUAGE]).waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal(await page.title(), zh[TITLE]);
    // Back to English: its text is already here, so nothing more is fetched.
    await languageSwitch(page, zh[LANGUAGE]).selectOption('en');
    await page.getByRole('button', { name: en[COPY_LINK], exact: true }).waitFor();
    assert.deepEqual(i18n, ['i18n/en.txt', 'i18n/zh-CN.txt']);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a 简体中文 visitor fetches only the Chinese file', async () => {
  const browser = await launchBrowser();
  try {
    for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
      const { page, i18n, errors } = await open(browser, { language: 'zh-CN', viewport });
      await languageSwitch(page, zh[LANGUAGE]).waitFor();
      await page.getByRole('button', { name: zh[COPY_LINK], exact: true }).waitFor();
      assert.deepEqual(i18n, ['i18n/zh-CN.txt']);
      assert.equal(await page.title(), zh[TITLE]);
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
      await screenshot(page, `i18n-zh-${viewport.width}`);
      assert.deepEqual(errors, []);
      await page.context().close();
    }
  } finally {
    await browser.close();
  }
});

/** A library file's `key:` header line (in dist/scenarios, the files the page fetches), trimmed. */
function headerLine(file, key) {
  const lines = readFileSync(join(root, 'dist', 'scenarios', file), 'utf8').split('\n').map((l) => l.trim());
  const line = lines.find((l) => l.toLowerCase().startsWith(`${key}:`));
  assert.ok(line, `${file} has a ${key}: line`);
  return line.slice(key.length + 1).trim();
}

/** The picker's scenarios: [file, the title it shows, its tooltip (the description)]. */
const pickerOptions = (page) =>
  page.locator('select.teach__picker option[value]:not([value=""])')
    .evaluateAll((options) => options.map((o) => [o.value, o.textContent, o.title]));

test('the picker lists every scenario by its file\'s title and description, in the page\'s language', async () => {
  const browser = await launchBrowser();
  try {
    const { page, errors } = await open(browser);
    await languageSwitch(page, en[LANGUAGE]).waitFor();
    const files = readdirSync(join(root, 'dist', 'scenarios')).filter((f) => f.endsWith('.scn'));
    for (const [code, title, description] of [['en', 'title', 'description'], ['zh-CN', 'title-zh', 'description-zh']]) {
      if (code === 'zh-CN') {
        await languageSwitch(page, en[LANGUAGE]).selectOption('zh-CN');
        await page.getByRole('button', { name: zh[COPY_LINK], exact: true }).waitFor();
      }
      const options = await pickerOptions(page);
      assert.deepEqual(options.map(([file]) => file).sort(), [...files].sort(), code);
      for (const [file, shown, tooltip] of options) {
        assert.equal(shown, headerLine(file, title), `${code} ${file}`);
        assert.equal(tooltip, headerLine(file, description), `${code} ${file}`);
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a catalogue file that cannot be fetched, or is cut short, shows an error instead of a blank page', async () => {
  const browser = await launchBrowser();
  try {
    // Offline: the fetch fails.
    const offline = await open(browser, { route: (r) => r.abort('internetdisconnected') });
    const banner = offline.page.locator('#load-error[role="alert"]');
    await banner.waitFor();
    assert.match(await banner.locator('code').innerText(), /^i18n\/en\.txt: /);
    assert.equal(await banner.locator('button[data-action="reload"]').count(), 1, 'a reload button');
    assert.equal(await waitForApp(offline.page), 'div');
    assert.equal(await offline.page.locator('.app').count(), 0, 'the app never mounted');
    await screenshot(offline.page, 'i18n-offline');
    // A file cut short (here: after its header and 10 lines) is refused, with what is wrong.
    const text = readFileSync(join(root, 'dist', 'i18n', 'zh-CN.txt'), 'utf8');
    const cut = text.split('\n').slice(0, 11).join('\n') + '\n';
    const short = await open(browser, {
      language: 'zh-CN',
      route: (r) => r.fulfill({ status: 200, contentType: 'text/plain; charset=utf-8', body: cut }),
    });
    await short.page.locator('#load-error').waitFor();
    assert.equal(
      await short.page.locator('#load-error code').innerText(),
      `i18n/zh-CN.txt: cut short: 10 of its ${zh.length} lines`,
    );
    assert.deepEqual(short.errors, []);
  } finally {
    await browser.close();
  }
});

test('a switch whose file cannot be fetched keeps the page in its language and says why', async () => {
  const browser = await launchBrowser();
  try {
    const route = (r) => (r.request().url().endsWith('/zh-CN.txt') ? r.abort('internetdisconnected') : r.continue());
    const { page, i18n } = await open(browser, { route });
    await languageSwitch(page, en[LANGUAGE]).selectOption('zh-CN');
    const toast = page.locator('.toast span');
    await toast.waitFor();
    const [before, after] = en[NOT_LOADED].split('{1}');
    const said = await toast.innerText();
    assert.ok(said.startsWith(before.replace('{0}', '简体中文') + 'i18n/zh-CN.txt: '), said);
    assert.ok(said.endsWith(after), said);
    assert.deepEqual(i18n, ['i18n/en.txt', 'i18n/zh-CN.txt']);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await languageSwitch(page, en[LANGUAGE]).inputValue(), 'en', 'the switch is back on English');
    await page.getByRole('button', { name: en[COPY_LINK], exact: true }).waitFor();
  } finally {
    await browser.close();
  }
});
