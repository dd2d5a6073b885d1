// The scenario library is fetched on demand: the page's wasm carries only each scenario's
// header, and the text comes from scenarios/<file> when someone opens it. A fetch that
// fails names the file and keeps the run; an answer for a scenario no longer wanted is
// ignored.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withPlayground, PLAYGROUND_URL } from './helpers.mjs';

/** A library file's `title:` line, as the page shows it in English. */
function titleOf(file) {
  const text = readFileSync(new URL(`../../src/scenario/library/${file}`, import.meta.url), 'utf8');
  return text.match(/^title:(.*)$/m)[1].trim();
}

/** The state hash the page shows while paused. */
async function pausedHash(page) {
  const h = await page.waitForFunction(() => document.querySelector('[data-state-hash]')?.dataset.stateHash ?? null);
  return h.jsonValue();
}

async function pick(page, file) {
  await page.locator('select.teach__picker').selectOption(file);
  await page.locator('select.teach__picker + button').click();
}

/** Pauses the page (keyboard: Space) and returns the state hash it shows. */
async function pause(page) {
  await page.locator('[data-server]').first().waitFor();
  await page.keyboard.press('k');
  return pausedHash(page);
}

test('a library scenario is fetched from scenarios/ when it is opened, not before', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('select.teach__picker').waitFor();
    const loadedAtStart = await page.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/scenarios/')));
    assert.deepEqual(loadedAtStart, [], 'no scenario file in the first load');
    // The picker lists every scenario from the headers the wasm carries.
    const listed = await page.locator('select.teach__picker option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(listed.includes('figure-7.scn') && listed.includes('exercise-grow.scn'), listed.join(' '));

    const requests = [];
    page.on('request', (r) => { if (r.url().includes('/scenarios/')) requests.push(r.url()); });
    await pick(page, 'figure-7.scn');
    await page.locator('.teach__title').waitFor();
    assert.equal(await page.locator('.teach__title').innerText(), titleOf('figure-7.scn'));
    assert.deepEqual(requests, [new URL('scenarios/figure-7.scn', PLAYGROUND_URL).href]);
    assert.equal(await page.locator('[data-loading]').count(), 0, 'nothing is loading any more');
    assert.deepEqual(errors, []);
  }, { name: 'library-fetch', path: '?seed=1&speed=1' }));

test('a failed fetch names the file and keeps the run; a stale answer is ignored', () =>
  withPlayground(async ({ page, errors }) => {
    const hash = await pause(page);
    const alert = page.locator('[data-link-error]');

    // Offline: the request is aborted.
    await page.route('**/scenarios/**', (route) => route.abort());
    await pick(page, 'figure-8.scn');
    await alert.waitFor();
    assert.ok((await alert.innerText()).includes('scenarios/figure-8.scn'), await alert.innerText());
    assert.equal(await pausedHash(page), hash, 'the run on the page is kept');
    assert.equal(await page.locator('.teach__title').count(), 0, 'no scenario loaded');
    await page.unroute('**/scenarios/**');

    // Not found.
    await page.route('**/scenarios/**', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await alert.getByRole('button').click();
    await pick(page, 'split-vote.scn');
    await alert.waitFor();
    assert.match(await alert.innerText(), /scenarios\/split-vote\.scn.*404/);
    assert.equal(await pausedHash(page), hash);
    await page.unroute('**/scenarios/**');

    // Not a scenario: the parse error's line is named with the file.
    await page.route('**/scenarios/**', (route) => route.fulfill({ status: 200, body: 'servers three\n' }));
    await alert.getByRole('button').click();
    await pick(page, 'leader-crash.scn');
    await alert.waitFor();
    assert.match(await alert.innerText(), /scenarios\/leader-crash\.scn.*line 1/);
    assert.equal(await pausedHash(page), hash);
    await page.unroute('**/scenarios/**');
    await alert.getByRole('button').click();

    // A slow answer for figure-7 arrives after split-vote was picked: split-vote stays.
    let release;
    const held = new Promise((resolve) => { release = resolve; });
    await page.route('**/scenarios/figure-7.scn', async (route) => { await held; await route.continue(); });
    await pick(page, 'figure-7.scn');
    await page.locator('[data-loading="figure-7.scn"]').waitFor();
    assert.equal(await pausedHash(page), hash, 'while loading, the run stays');
    await pick(page, 'split-vote.scn');
    await page.locator('.teach__title').waitFor();
    assert.equal(await page.locator('.teach__title').innerText(), titleOf('split-vote.scn'));
    const slow = page.waitForResponse('**/scenarios/figure-7.scn');
    release();
    await slow;
    await page.waitForTimeout(300);
    assert.equal(await page.locator('.teach__title').innerText(), titleOf('split-vote.scn'), 'the stale answer is ignored');
    assert.equal(await page.locator('[data-loading]').count(), 0);

    // What the routes refused shows up as failed requests, the 404 as an HTTP error and the
    // console's resource errors: nothing else went wrong.
    const other = errors.filter((e) => !/scenarios\/(figure-8|split-vote)\.scn|Failed to load resource/.test(e));
    assert.deepEqual(other, []);
  }, { name: 'library-fetch-fails', path: '?seed=1&speed=1' }));

test('a link to a run of a library scenario fetches the scenario, then replays; offline, it names the file', () =>
  withPlayground(async ({ browser, page, errors }) => {
    await pick(page, 'figure-7.scn');
    await page.locator('.teach__title').waitFor();
    const hash = await pausedHash(page);
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.waitForFunction(() => location.hash.startsWith('#v2:'));
    const fragment = await page.evaluate(() => location.hash);
    const url = new URL(`?seed=1${fragment}`, PLAYGROUND_URL).href;

    const online = await browser.newPage();
    await online.goto(url);
    // Paused from the start while the link is read: wait for its scenario, then compare.
    await online.locator('.teach__title').waitFor();
    assert.equal(await online.locator('.teach__title').innerText(), titleOf('figure-7.scn'));
    assert.equal(await pausedHash(online), hash, 'the link replays to the same state');
    const fetched = await online.evaluate(() =>
      performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.includes('/scenarios/')));
    assert.deepEqual(fetched, [new URL('scenarios/figure-7.scn', PLAYGROUND_URL).href]);

    const offline = await browser.newPage();
    await offline.route('**/scenarios/**', (route) => route.abort());
    await offline.goto(url);
    const alert = offline.locator('[data-link-error]');
    await alert.waitFor();
    assert.ok((await alert.innerText()).includes('scenarios/figure-7.scn'), await alert.innerText());
    assert.equal(await offline.locator('.teach__title').count(), 0, 'no scenario loaded');
    await offline.locator('[data-server][data-role="leader"]').first().waitFor({ timeout: 20_000 });
    assert.deepEqual(errors, []);
  }, { name: 'library-link', path: '?seed=1&speed=1' }));

test('"Show me" fetches its scenario; offline, it names the file and keeps the run', () =>
  withPlayground(async ({ page }) => {
    const hash = await pause(page);
    await page.route('**/scenarios/**', (route) => route.abort());
    const showMe = page.getByRole('button', { name: 'Show me — Commit old terms by counting' });
    await showMe.click();
    const alert = page.locator('[data-link-error]');
    await alert.waitFor();
    assert.ok((await alert.innerText()).includes('scenarios/figure-8-broken.scn'), await alert.innerText());
    assert.equal(await pausedHash(page), hash, 'the run on the page is kept');
    assert.equal(await page.locator('[data-modified]').count(), 0);
    await page.unroute('**/scenarios/**');
    await showMe.click();
    await page.waitForSelector('.violation');
    assert.equal(await page.locator('.teach__title').innerText(), titleOf('figure-8-broken.scn'));
  }, { name: 'library-show-me', path: '?seed=1&speed=1' }));
