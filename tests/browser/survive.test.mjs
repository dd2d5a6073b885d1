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
    await Promise.all([page.waitForEvent('load'), banner.locator('[data-action="reload"]').click()]);
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
    // A server's menu opens where the server is on the ring (placed through the CSSOM).
    await page.locator('[data-server="S3"]').click();
    const menu = page.locator('.ring-box [data-panel="S3"]');
    await menu.waitFor();
    const at = await menu.evaluate((m) => ['--x', '--y'].map((p) => getComputedStyle(m).getPropertyValue(p).trim()));
    for (const v of at) assert.match(v, /^\d+%$/);
    await menu.locator('.server-panel__head button').click();
    assert.equal(await save('Download SVG'), 'raft.svg');
    assert.equal(await save('Download PNG'), 'raft.png');
    await button(page, 'Pause').click();
    await button(page, 'Copy link').click();
    await page.waitForFunction(() => document.querySelector('input.teach__link')?.value.includes('#v2:'));
    const link = await page.locator('input.teach__link').inputValue();
    const hash = await page.evaluate(() => document.querySelector('[data-state-hash]').dataset.stateHash);
    const other = await openPlayground(browser, { path: `csp/${link.slice(link.indexOf('?'))}`, initScript: recordViolations });
    await other.page.waitForFunction((h) => document.querySelector('[data-state-hash]')?.dataset.stateHash === h, hash);
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

/** Waits for the progress line of the work `what` (`link`, `scenario`), then presses its
 * Cancel as soon as the bar moves, and waits for the line to go. The tab keeps answering
 * between slices: the click is taken at once (made in the same task that sees the bar
 * move, so the work cannot end first). */
async function cancelOnceItMoves(page, what) {
  const busy = page.locator(`[data-opening="${what}"][role="status"]`);
  await busy.waitFor();
  await page.waitForFunction((what) => {
    const progress = document.querySelector(`[data-opening="${what}"] progress`);
    if (!progress || Number(progress.value) === 0) return false;
    document.querySelector('[data-action="cancel-opening"]').click();
    return true;
  }, what);
  await busy.waitFor({ state: 'detached' });
}

test('opening a long link shows its progress and can be cancelled; the earlier cluster stays', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForApp(page);
    const data = await linkFor(page, STORM);
    await page.evaluate((d) => { location.hash = d; }, data);
    await cancelOnceItMoves(page, 'link');
    await screenshot(page, 'link-cancelled');
    assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before, not the link\'s 9');
    assert.equal(await page.locator('[data-link-error]').count(), 0, 'cancelled, not stopped by the budget');
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'link-cancel', path: '?seed=5' }));

test('a pasted scenario past the budget is refused at once; the cluster on show stays', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    for (const text of ['servers 3\nrun 1000000000s\n', 'servers 3\nstep 100000000\n']) {
      await loadText(page, text);
      const alert = page.locator('.teach [data-link-error][role="alert"]');
      await alert.waitFor();
      // The message names the limit (from the limits table), not some other number.
      assert.match(await alert.innerText(), text.includes('step') ? /2000000/ : /3600(\.0+)? ?s/);
      assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before');
      await alert.getByRole('button').click();
    }
    assert.deepEqual(errors, []);
  }, { name: 'scenario-budget', path: '?seed=6&speed=1' }));

/** A pasted scenario that runs far past the page's event budget within the hour a scenario
 * may last: the storm again, at the smallest timings the limits allow. */
const STORM_SCENARIO = 'servers 9\nheartbeat 5ms\nelection-timeout 10ms..20ms\nlatency 0ms\nrun 3599s\n';

/** Pastes `text` into the scenario box and presses Load text. */
async function loadText(page, text) {
  if (!(await page.locator('.teach__custom').evaluate((d) => d.open))) await page.locator('.teach__custom summary').click();
  await page.getByRole('textbox', { name: 'Scenario text' }).fill(text);
  await page.locator('button', { hasText: /^Load text$/ }).click();
}

const stateHash = (page) => page.evaluate(() => document.querySelector('[data-state-hash]')?.dataset.stateHash);

test('loading a long pasted scenario shows its progress and can be cancelled; the run on show stays and plays', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    await button(page, 'Pause').click();
    const before = await stateHash(page);
    assert.ok(before);
    await loadText(page, STORM_SCENARIO);
    await cancelOnceItMoves(page, 'scenario');
    await screenshot(page, 'scenario-cancelled');
    assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before, not the scenario\'s 9');
    assert.equal(await page.locator('[data-link-error]').count(), 0, 'cancelled, not stopped by the budget');
    assert.equal(await stateHash(page), before, 'the very run from before, where it was');
    // And it still plays: Play moves the run on from there.
    await button(page, 'Play').click();
    await page.waitForTimeout(1_500);
    await button(page, 'Pause').click();
    assert.notEqual(await stateHash(page), before, 'it played on');
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'scenario-cancel', path: '?seed=5&speed=1' }));

test('a pasted scenario that runs past the event budget stops, naming the limit; the run on show stays', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    await button(page, 'Pause').click();
    const before = await stateHash(page);
    await loadText(page, STORM_SCENARIO);
    await page.locator('[data-opening="scenario"]').waitFor();
    // The limit, by its name in the limits table (docs/limits.md), not by its English.
    const alert = page.locator('.teach [data-link-error][role="alert"]');
    await alert.waitFor({ timeout: 120_000 });
    assert.equal(await alert.getAttribute('data-limit'), 'run-events');
    assert.equal(await page.locator('[data-opening]').count(), 0);
    assert.equal(await page.locator('[data-server]').count(), 5, 'the cluster from before');
    assert.equal(await stateHash(page), before);
    await screenshot(page, 'scenario-over-budget');
    assert.deepEqual(errors, []);
  }, { name: 'scenario-over-budget', path: '?seed=7&speed=1' }));

/** Moves the time bar to `ms` as a drag would (an `input` event). */
const scrubTo = (page, ms) => page.locator('.timebar__range').evaluate((el, v) => {
  el.value = String(v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}, ms);
const timeBar = (page) => page.locator('.timebar').evaluate((el) => {
  const range = el.querySelector('input');
  return { min: Number(range.min), max: Number(range.max), nowMs: Math.floor(Number(el.dataset.nowUs) / 1000) };
});
/** Waits until the run is at `ms`, with no work under way. */
const arrivedAt = (page, ms) => page.waitForFunction((ms) => !document.querySelector('[data-opening]')
  && Math.floor(Number(document.querySelector('.timebar').dataset.nowUs) / 1000) === ms, ms, { timeout: 60_000 });

test('a long seek forward shows its progress and can be cancelled; finished, it lands on the same state', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    await button(page, 'Pause').click();
    // A long, busy run (within the budget); a run played on by hand is the same to a seek.
    await loadText(page, 'servers 9\nheartbeat 5ms\nelection-timeout 10ms..20ms\nlatency 0ms\nrun 400s\n');
    await page.locator('[data-opening="scenario"]').waitFor({ state: 'detached', timeout: 120_000 });
    assert.equal(await page.locator('[data-server]').count(), 9);
    const { min, max } = await timeBar(page);
    await scrubTo(page, max);
    await arrivedAt(page, max);
    const atEnd = await stateHash(page);
    await scrubTo(page, min);
    await arrivedAt(page, min);
    // Forward to the end: in slices, and the page takes the click on Cancel between them.
    await scrubTo(page, max);
    await cancelOnceItMoves(page, 'seek');
    const { nowMs, max: kept } = await timeBar(page);
    assert.ok(nowMs > min && nowMs < max, `it stays where it stopped (${min} < ${nowMs} < ${max})`);
    assert.notEqual(await stateHash(page), atEnd);
    assert.equal(kept, max, 'the rest of the run is kept');
    // Again, to the end: the very state reached before.
    await scrubTo(page, max);
    await arrivedAt(page, max);
    assert.equal(await stateHash(page), atEnd);
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'seek-forward', path: '?seed=5&speed=1' }));

test('hostile links and parameters each open to a message and a working default cluster', async () => {
  const { launchBrowser, openPlayground } = await import('./helpers.mjs');
  const browser = await launchBrowser();
  try {
    const scratch = await openPlayground(browser, { path: '?seed=1' });
    await waitForApp(scratch.page);
    const z = (text) => linkFor(scratch.page, text);
    // Deterministic "random" bytes.
    let x = 12345;
    const noise = Array.from({ length: 300 }, () => { x = (x * 1103515245 + 12345) % 2147483648; return 'Az09_-'[x % 6]; }).join('');
    const cases = [
      '?servers=4294967295', '?servers=-1', '?servers=', '?seed=-5', '?seed=999999999999999999999999',
      '?speed=NaN', '?speed=-1', '?speed=1e400',
      '#v9:abc', '#v2:', '#v2:!!!!', `#v2:${noise}`, `#v1:${noise}`, '#v2:' + 'A'.repeat(300_000),
      `#${await z('servers 4294967295\nuntil 0\n')}`,
      `#${await z('election-timeout 9223372036854775808 9223372036854775808\nuntil 1000\n')}`,
      `#${await z('servers 9\nheartbeat 1\nelection-timeout 2 3\nlatency 0 0\nuntil 3600000000\n')}`,
      `#${await z('until 99999999999999999999\n')}`,
      `#${await z('until 1000\nevents -1\n')}`,
      `#${await z('seed 1\nuntil 0\nhash 0000000000000000\n')}`,
      // Its scenario, past the budget, does not parse (the parser's caps are the limits').
      `#${await z('until 1000\nscenario-text\nservers 3\nrun 1000000000s\n')}`,
      `#${await z('\u0000\u00ff garbage')}`,
    ];
    for (const path of cases) {
      const { page, errors, context } = await openPlayground(browser, { path: `?embed=0${path.startsWith('?') ? '&' + path.slice(1) : path}` });
      const shown = path.slice(0, 80);
      try {
        await waitForApp(page);
        await page.waitForFunction(() => document.querySelector('[data-link-error], .toast') !== null, null, { timeout: 20_000 });
        await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
      } catch (error) {
        console.log(`failed for ${shown}`);
        error.message += `\nfor ${shown}`;
        throw error;
      }
      assert.equal(await page.locator('[data-server]').count(), 5, `${shown}: the default cluster`);
      assert.equal(await page.locator('#panic-banner').count(), 0, shown);
      assert.deepEqual(errors, [], shown);
      await context.close();
    }
  } finally {
    await browser.close();
  }
});

test('a seeded monkey (random clicks and keys) never kills the page', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForApp(page);
    let x = 20261202;
    const next = (n) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
    const keys = ['Space', '.', 'n', 'l', 'r', 'v', 't', 'a', 'h', '+', '-', '?', 'Escape', '1', '3', 'ArrowLeft', 'Tab', 'Enter'];
    for (let i = 0; i < 150; i++) {
      if (next(3) === 0) {
        await page.keyboard.press(keys[next(keys.length)]);
      } else {
        // A visible, enabled button or select (taken at once: the page changes under us).
        const targets = await page.locator('button:visible:enabled, select:visible:enabled').elementHandles();
        if (targets.length === 0) continue;
        const target = targets[next(targets.length)];
        const tag = await target.evaluate((el) => el.tagName).catch(() => null);
        if (tag === 'SELECT') {
          const options = await target.evaluate((el) => el.options.length).catch(() => 0);
          if (options > 0) await target.selectOption({ index: next(options) }).catch(() => {});
        } else if (tag) {
          await target.click({ timeout: 2_000 }).catch(() => {});
        }
      }
      await page.waitForTimeout(next(60));
    }
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.ok(await page.locator('[data-server]').count() >= 1, 'a cluster is drawn');
    assert.deepEqual(errors.filter((e) => !e.includes('clipboard')), []);
  }, { name: 'monkey', path: '?seed=9&speed=4' }));
