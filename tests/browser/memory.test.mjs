// Bounded memory: a run playing at 100x keeps its history within a memory budget, so the
// wasm memory levels off instead of growing with the run, and the timeline says how far
// back the kept history reaches.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, waitForApp, withPlayground } from './helpers.mjs';

const MB = 1 << 20;

test('at 100x the wasm memory levels off once the history reaches its budget; the timeline says its reach', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForApp(page);
    await page.waitForFunction(() => typeof window.wasmBindings?.setMemoryBudgetForTest === 'function');
    // The page's budget is 64 MB; a 4 MB one is reached in seconds at 100x.
    await page.evaluate((bytes) => window.wasmBindings.setMemoryBudgetForTest(bytes), 4 * MB);
    const sample = () => page.evaluate(() => {
      const bar = document.querySelector('.timebar');
      return {
        memory: window.wasmBindings.wasmMemoryBytesForTest(),
        reachUs: Number(bar.dataset.reachUs),
        horizonUs: Number(bar.dataset.horizonUs),
      };
    });
    const samples = [];
    // 16 samples 1.5 s apart: about 24 s of wall time, at most 2,400 simulated seconds.
    for (let i = 0; i < 16; i++) {
      await page.waitForTimeout(1500);
      samples.push(await sample());
    }
    console.log(samples.map((s) => `${(s.memory / MB).toFixed(1)}MB reach ${s.reachUs / 1e6}s of ${s.horizonUs / 1e6}s`).join('\n'));
    const last = samples[samples.length - 1];
    assert.ok(last.horizonUs > 600e6, `the run played on at 100x: ${last.horizonUs / 1e6} s`);
    assert.ok(last.reachUs > 0, 'older history was dropped');
    // From the time the history first dropped its oldest part, the run went on (growing
    // the horizon), but the wasm memory stayed where it was within a megabyte.
    const first = samples.findIndex((s) => s.reachUs > 0);
    assert.ok(first >= 0 && first < samples.length / 2, `the budget was reached early: sample ${first}`);
    const settled = samples[first + 1];
    assert.ok(last.horizonUs > 2 * settled.horizonUs, 'the run more than doubled after it reached the budget');
    assert.ok(last.memory - settled.memory <= MB,
      `wasm memory grew from ${settled.memory / MB} MB to ${last.memory / MB} MB after the budget was reached`);
    // Dragging the scrubber to its start pauses and travels to the reach, not before it;
    // the timeline says how far back the history reaches, and the scrubber starts there.
    const range = page.locator('.timebar__range');
    await range.fill('0');
    await page.locator('.timebar .timebar__reach').waitFor();
    const reachUs = Number(await page.locator('.timebar').getAttribute('data-reach-us'));
    assert.equal(Number(await range.getAttribute('min')), Math.floor(reachUs / 1000));
    assert.equal(Number(await range.inputValue()), Math.floor(reachUs / 1000));
    await screenshot(page, 'memory-reach');
    assert.deepEqual(errors, []);
  }, { name: 'memory', path: '?seed=3&speed=100' }));
