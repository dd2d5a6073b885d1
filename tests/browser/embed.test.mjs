// Embedding and export: the blog example with two sandboxed iframes, the compact embed
// layout, the Embed snippet, and Download SVG / PNG / trace.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ARTIFACTS_DIR, screenshot, withPlayground } from './helpers.mjs';

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
