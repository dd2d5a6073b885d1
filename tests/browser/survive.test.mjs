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
