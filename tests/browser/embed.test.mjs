// Embedding and export: the blog example with two sandboxed iframes, the compact embed
// layout and its caption, autoplay and reduced motion, the Embed snippet, and Download SVG /
// PNG / trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ARTIFACTS_DIR, PLAYGROUND_URL, launchBrowser, screenshot, withPlayground } from './helpers.mjs';

const LEADER = '[data-server][data-role="leader"][data-alive="true"]';

test('the blog example embeds two sandboxed clusters, and each elects a leader', () =>
  withPlayground(async ({ page, errors, foreignRequests }) => {
    const frames = page.locator('iframe');
    assert.equal(await frames.count(), 2);
    for (let i = 0; i < 2; i++) {
      assert.equal(await frames.nth(i).getAttribute('sandbox'), 'allow-scripts');
      await frames.nth(i).scrollIntoViewIfNeeded();
      const frame = page.frameLocator('iframe').nth(i);
      await frame.locator(LEADER).first().waitFor({ timeout: 30_000 });
      assert.equal(await frame.locator('.app--embed').count(), 1);
      assert.equal(await frame.locator('.controls, .topbar, .inside').count(), 0, 'no panels in an embed');
      assert.equal(await frame.getByRole('button', { name: 'Pause', exact: true }).count(), 1, 'autoplay=1 plays');
    }
    await screenshot(page, 'embed-blog');
    await frames.first().screenshot({ path: join(ARTIFACTS_DIR, 'embed-blog-first-frame.png') });
    assert.deepEqual(errors, [], 'no console errors, although the frames have no storage');
    assert.deepEqual(foreignRequests, []);
  }, { name: 'embed-blog', path: 'examples/blog.html' }));

test('embed mode: only the diagram and Play, Step, Reset; a link to the full playground', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('.app--embed svg.ring').waitFor();
    assert.equal(await page.locator('.controls, .topbar, .inside, .legend, .logs').count(), 0);
    for (const name of ['Play', 'Step', 'Reset']) {
      assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
    }
    const open = page.getByRole('link', { name: 'Open in the full playground' });
    const href = await open.getAttribute('href');
    assert.ok(href.includes('scenario=split-vote') && href.includes('seed=4') && !href.includes('embed'), href);
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'embed-mode');
    await page.getByRole('button', { name: 'Reset', exact: true }).click();
    assert.ok((await page.evaluate(() => location.search)).includes('embed=1'), 'the embed keeps its address');
    assert.deepEqual(errors, []);
  }, { name: 'embed-mode', path: '?embed=1&scenario=split-vote&seed=4&speed=1' }));

test('Download SVG, PNG and trace; the Embed snippet', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator(LEADER).first().waitFor({ timeout: 30_000 });
    const save = async (name) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name, exact: true }).click(),
      ]);
      return { name: download.suggestedFilename(), bytes: await readFile(await download.path()) };
    };
    const svg = await save('Download SVG');
    assert.equal(svg.name, 'raft.svg');
    const text = svg.bytes.toString('utf8');
    assert.ok(text.startsWith('<svg'), text.slice(0, 80));
    const parsed = await page.evaluate((t) => {
      const doc = new DOMParser().parseFromString(t, 'image/svg+xml');
      return { root: doc.documentElement.nodeName, error: doc.querySelector('parsererror') !== null,
        servers: doc.querySelectorAll('[data-server]').length };
    }, text);
    assert.deepEqual(parsed, { root: 'svg', error: false, servers: 5 });

    const png = await save('Download PNG');
    assert.equal(png.name, 'raft.png');
    assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await writeFile(join(ARTIFACTS_DIR, 'embed-export.png'), png.bytes);
    await writeFile(join(ARTIFACTS_DIR, 'embed-export.svg'), svg.bytes);
    assert.ok(png.bytes.length > 2000, `a PNG of ${png.bytes.length} bytes`);

    const trace = await save('Download trace');
    assert.equal(trace.name, 'raft-trace.json');
    const json = JSON.parse(trace.bytes.toString('utf8'));
    assert.equal(json.format, 'raft-playground-trace');
    assert.equal(json.config.seed, 3);
    assert.ok(json.messages.length > 0 && json.messages[0].kind === 'RequestVote', JSON.stringify(json.messages[0]));
    assert.ok(json.notes.some((n) => n.note === 'role' && n.role === 'leader'));

    await page.getByRole('button', { name: 'Embed', exact: true }).click();
    const snippet = await page.getByRole('textbox', { name: 'HTML to embed this cluster in a page' }).inputValue();
    assert.match(snippet, /^<iframe src="[^"]*\?embed=1&autoplay=1&seed=3&servers=5" [^>]*sandbox="allow-scripts"/);
    assert.deepEqual(errors, []);
  }, { name: 'embed-export', path: '?seed=3&speed=1' }));

/** The `step:` lines of a library scenario, in order (the caption shows them as written). */
async function stepsOf(file) {
  const text = await readFile(join(dirname(fileURLToPath(import.meta.url)), '../../src/scenario/library', file), 'utf8');
  return text.split('\n').filter((l) => l.startsWith('step: ')).map((l) => l.slice('step: '.length).trim());
}

for (const [width, height] of [[600, 400], [400, 400]]) {
  test(`an embed's caption at ${width}×${height}: term, leader and the step the run is in; legible role labels`, () =>
    withPlayground(async ({ page, errors }) => {
      const steps = await stepsOf('leader-crash.scn');
      assert.ok(steps.length >= 2, 'the lesson has steps');
      const caption = page.locator('.embed__caption');
      // Read in the page as soon as it shows (polled every frame: the run plays on).
      const first = await page.waitForFunction(() => document.querySelector('[data-embed-step]')?.textContent ?? null);
      assert.equal(await first.jsonValue(), steps[0]);
      assert.equal(await page.locator('.toast').count(), 0, 'no toast over the ring: the caption says what is on show');
      // It follows the run: the old leader restarts in the last step; at the scenario's end
      // play stops, and Replay is offered.
      await page.waitForFunction((last) => document.querySelector('[data-embed-step]')?.textContent === last,
        steps[steps.length - 1], { timeout: 30_000 });
      const replay = page.locator('[data-replay]');
      await replay.waitFor({ timeout: 30_000 });
      assert.equal(await page.locator('.playback__play.is-playing').count(), 0, 'stopped at the end');
      const status = caption.locator('.status');
      const leader = await page.locator(LEADER).getAttribute('data-server');
      assert.equal(await status.getAttribute('data-leader'), leader, 'the caption names the ring\'s leader');
      const terms = await page.locator('[data-server]').evaluateAll((s) => s.map((e) => Number(e.dataset.term)));
      assert.equal(Number(await status.getAttribute('data-term')), Math.max(...terms));
      // Everything is in the frame, the caption clear of the ring, and the role labels legible.
      const box = async (sel) => page.locator(sel).first().boundingBox();
      const ring = await box('.app--embed svg.ring');
      const cap = await box('.embed__caption');
      for (const b of [ring, cap]) {
        assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.width <= width + 0.5 && b.y + b.height <= height + 0.5, JSON.stringify(b));
      }
      const apart = cap.x >= ring.x + ring.width - 0.5 || cap.y + cap.height <= ring.y + 0.5;
      assert.ok(apart, `caption ${JSON.stringify(cap)} clear of the ring ${JSON.stringify(ring)}`);
      const role = await page.locator('.server__role').evaluateAll((els) => Math.min(...els.map((e) => e.getBoundingClientRect().height)));
      assert.ok(role >= 8, `role labels ${role.toFixed(1)} px high`);
      await screenshot(page, `embed-caption-${width}x${height}`);
      // Replay: from the start again (its first step), to the same end, state for state.
      const end = { hash: await replay.getAttribute('data-state-hash'), us: await status.getAttribute('data-sim-time-us') };
      assert.match(end.hash, /^\d+$/);
      await replay.click();
      const again = await page.waitForFunction(() => document.querySelector('[data-embed-step]')?.textContent ?? null);
      assert.equal(await again.jsonValue(), steps[0], 'back at the first step');
      assert.equal(await page.locator('.playback__play.is-playing').count(), 1, 'Replay plays');
      await page.locator('[data-replay][data-state-hash]').waitFor({ timeout: 30_000 });
      assert.deepEqual({ hash: await replay.getAttribute('data-state-hash'), us: await status.getAttribute('data-sim-time-us') }, end,
        'the same run to the same end');
      assert.deepEqual(errors, []);
    }, { name: `embed-caption-${width}`, viewport: { width, height },
      path: '?embed=1&scenario=leader-crash&speed=1&autoplay=1' }));
}

test('autoplay holds still for a reader who prefers reduced motion', async () => {
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 600, height: 400 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(new URL('?embed=1&scenario=split-vote&speed=1&autoplay=1', PLAYGROUND_URL).href);
    await page.locator('.app--embed svg.ring').waitFor();
    const play = page.getByRole('button', { name: 'Play', exact: true });
    await play.waitFor();
    const time = () => page.locator('.embed__caption .status').getAttribute('data-sim-time-us');
    const before = await time();
    await page.waitForTimeout(600);
    assert.equal(await time(), before, 'nothing moved');
    await play.click();
    await page.waitForFunction((t) => document.querySelector('.embed__caption .status').dataset.simTimeUs !== t, before);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
