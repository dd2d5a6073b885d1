// The page survives anything: a panic shows the banner, hostile links and parameters open
// to a message and a working cluster, and random clicks and keys never kill the page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, waitForApp, withPlayground } from './helpers.mjs';

test('a panic after the app has rendered shows the banner with its message and a reload button', () =>
  withPlayground(async ({ page }) => {
    await waitForApp(page);
    await page.waitForFunction(() => typeof window.wasmBindings?.panicForTest === 'function');
    const path = await page.evaluate(() => location.href);
    // The panic aborts the wasm call: the exception it throws into JS is expected.
    await page.evaluate(() => {
      try { window.wasmBindings.panicForTest('banner check'); } catch (_) { /* the trap */ }
    });
    const banner = page.locator('#panic-banner[role="alert"]');
    await banner.waitFor();
    const detail = await banner.locator('code').textContent();
    assert.match(detail, /deliberate panic for a test: banner check/);
    await screenshot(page, 'panic-banner');
    // The button reloads the same address, and the page comes back without the banner.
    await Promise.all([page.waitForEvent('load'), banner.locator('[data-action="panic-reload"]').click()]);
    assert.equal(await page.evaluate(() => location.href), path);
    await waitForApp(page);
    assert.equal(await page.locator('#panic-banner').count(), 0);
  }, { name: 'panic-banner', path: '?seed=3#v1:AAAA' }));

const button = (page, name) => page.getByRole('button', { name, exact: true });
const LEADER = '[data-server][data-role="leader"][data-alive="true"]';

/** Records CSP violations in the page from its very start. */
const recordViolations = () => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
};

test('under the strict Content-Security-Policy the page boots, plays, opens a link and exports', async () => {
  const { launchBrowser, openPlayground } = await import('./helpers.mjs');
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPlayground(browser, { path: 'csp/?seed=3&speed=1', initScript: recordViolations });
    const response = await page.request.get(page.url());
    assert.match(response.headers()['content-security-policy'] ?? '', /^default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:$/);
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    const save = async (name) => {
      const [download] = await Promise.all([page.waitForEvent('download'), button(page, name).click()]);
      return download.suggestedFilename();
    };
    assert.equal(await save('Download SVG'), 'raft.svg');
    assert.equal(await save('Download PNG'), 'raft.png');
    await button(page, 'Pause').click();
    await button(page, 'Copy link').click();
    await page.waitForFunction(() => document.querySelector('input.teach__link')?.value.includes('#v2:'));
    const link = await page.locator('input.teach__link').inputValue();
    const hash = await page.evaluate(() => document.querySelector('.teach').dataset.stateHash);
    const other = await openPlayground(browser, { path: `csp/${link.slice(link.indexOf('?'))}`, initScript: recordViolations });
    await other.page.waitForFunction((h) => document.querySelector('.teach')?.dataset.stateHash === h, hash);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(await other.page.evaluate(() => window.__violations), []);
    assert.deepEqual(errors, []);
    assert.deepEqual(other.errors, []);
  } finally {
    await browser.close();
  }
});

test('an embed says, compactly, that it does not have the scenario asked for', () =>
  withPlayground(async ({ page, errors }) => {
    const alert = page.locator('.app--embed [data-link-error][role="alert"]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /nosuch\.scn/);
    assert.equal(await page.locator('[data-server]').count(), 5, 'the default cluster');
    await screenshot(page, 'embed-error');
    assert.deepEqual(errors, []);
  }, { name: 'embed-error', path: '?embed=1&scenario=nosuch&seed=2' }));

/** Link data (`v2:...`) for a run written as text, compressed by the browser's own zlib. */
async function linkFor(page, text, version = 'v2') {
  return page.evaluate(async ([text, version]) => {
    const stream = new Blob([new TextEncoder().encode(text)]).stream().pipeThrough(new CompressionStream('deflate'));
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    const b64 = btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return `${version}:${b64}`;
  }, [text, version]);
}

/** The storm the issue found (1 ms heartbeat, 2 ms elections, zero latency, 9 servers, an
 * hour), at the smallest timings the limits allow: far past the page's event budget. */
const STORM = 'servers 9\nheartbeat 5\nelection-timeout 10 20\nlatency 0 0\nuntil 3600000000\n';

test('opening a long link shows its progress and can be cancelled; the earlier cluster stays', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForApp(page);
    const data = await linkFor(page, STORM);
    await page.evaluate((d) => { location.hash = d; }, data);
    const busy = page.locator('[data-opening][role="status"]');
    await busy.waitFor();
    // The tab keeps answering between slices: the progress bar moves.
    await page.waitForFunction(() => Number(document.querySelector('[data-opening] progress')?.value) > 0);
    await screenshot(page, 'link-opening');
    await busy.locator('[data-action="cancel-opening"]').click();
    await busy.waitFor({ state: 'detached' });
    assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before, not the link\'s 9');
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'link-cancel', path: '?seed=5' }));

test('a pasted scenario past the budget is refused at once; the cluster on show stays', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    await page.locator('.teach__custom summary').click();
    for (const text of ['servers 3\nrun 1000000000s\n', 'servers 3\nstep 100000000\n']) {
      await page.getByRole('textbox', { name: 'Scenario text' }).fill(text);
      await page.locator('button', { hasText: /^Load text$/ }).click();
      const alert = page.locator('.teach [data-link-error][role="alert"]');
      await alert.waitFor();
      // The message names the limit (from the limits table), not some other number.
      assert.match(await alert.innerText(), text.includes('step') ? /2000000/ : /3600(\.0+)? s/);
      assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before');
      await alert.getByRole('button').click();
    }
    assert.deepEqual(errors, []);
  }, { name: 'scenario-budget', path: '?seed=6&speed=1' }));
