// Smoke test: the built playground loads in Chromium, the app mounts, and nothing fails.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, waitForApp, withPlayground } from './helpers.mjs';

test('the playground loads, mounts the app, logs no error and asks no other host', () =>
  withPlayground(async ({ page, errors, foreignRequests }) => {
    assert.equal(await page.title(), 'Raft Playground');
    const mounted = await waitForApp(page);
    assert.ok(mounted, 'the app mounted an element into <body>');
    // Let the first frames run and any late request finish, then check nothing failed.
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    await screenshot(page, 'smoke');
    assert.deepEqual(errors, [], 'no console error, page error or failed request');
    assert.deepEqual(foreignRequests, [], 'every request goes to the playground\'s own host');
  }, { name: 'smoke' }));
