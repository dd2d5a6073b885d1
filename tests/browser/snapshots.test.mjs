// Log compaction and InstallSnapshot (§7), driven from the page's own controls: the
// Snapshots toggle and its interval in the cluster settings, a server's Crash and Restart,
// and the request box. `?bench=sim&snapshots=N` runs the standard workload with snapshots.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';
import { waitForLeader } from './ring.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const snapshotOf = (page, id) =>
  page.$eval(`[data-log="${id}"]`, (row) => Number(row.querySelector('[data-snapshot]')?.dataset.snapshot ?? 0));
const kv = (page, id) => page.getAttribute(`[data-kv-server="${id}"]`, 'data-kv');

test('with snapshots on, a follower that was down is sent InstallSnapshot and the grid shows the compacted prefix', () =>
  withPlayground(async ({ page, errors }) => {
    const leader = await waitForLeader(page);
    const follower = ['S1', 'S2', 'S3'].find((s) => s !== leader);
    const settings = page.locator('[data-option="snapshots"]');
    await settings.locator('input[type="checkbox"]').check();
    await page.waitForSelector('[data-option="snapshots"][data-snapshots="20"]');
    await settings.locator('input[type="number"]').fill('3');
    await page.waitForSelector('[data-option="snapshots"][data-snapshots="3"]');
    await page.click(`[data-server="${follower}"]`);
    await button(page, `Crash ${follower}`).click();
    await page.waitForSelector(`[data-server="${follower}"][data-alive="false"]`);
    const field = page.getByLabel('Request', { exact: true });
    for (let i = 1; i <= 8; i++) {
      await field.fill(`set k${i} ${i}`);
      await button(page, 'Send').click();
    }
    // The leader compacts: its row starts with one block, labelled with its last index.
    await page.waitForFunction((l) => Number(document.querySelector(`[data-log="${l}"] [data-snapshot]`)?.dataset.snapshot) >= 6,
      leader, { timeout: 30_000 });
    const block = page.locator(`[data-log="${leader}"] [data-snapshot]`);
    const last = Number(await block.getAttribute('data-snapshot'));
    const term = await block.getAttribute('data-snapshot-term');
    assert.equal(await block.locator('text').textContent(), `≤${last} t${term}`);
    assert.equal(await page.locator(`[data-log="${leader}"] [data-index="${last}"]`).count(), 0, 'no cell inside the block');
    assert.equal(await page.locator(`[data-log="${leader}"] [data-index="${last + 1}"]`).count(), 1);
    assert.equal(await snapshotOf(page, follower), 0);
    // Its panel is still open from the crash.
    await button(page, `Restart ${follower}`).click();
    // The entries it needs are gone from the leader's log: InstallSnapshot, drawn as its
    // own arrow in the space-time diagram.
    await page.waitForSelector(`.arrow--install-snapshot`, { timeout: 30_000 });
    await page.waitForFunction((f) => Number(document.querySelector(`[data-log="${f}"] [data-snapshot]`)?.dataset.snapshot) > 0,
      follower, { timeout: 30_000 });
    await page.waitForFunction(([f, l]) => {
      const kv = (id) => document.querySelector(`[data-kv-server="${id}"]`).dataset.kv;
      return kv(f) === kv(l) && kv(l).includes('k8=8');
    }, [follower, leader], { timeout: 30_000 });
    assert.equal(await kv(page, follower), await kv(page, leader));
    await screenshot(page, 'snapshots');
    // Off again: no new snapshots; the ones taken stay.
    await settings.locator('input[type="checkbox"]').uncheck();
    await page.waitForSelector('[data-option="snapshots"][data-snapshots="off"]');
    assert.ok(await snapshotOf(page, leader) >= last);
    assert.deepEqual(errors, []);
  }, { name: 'snapshots', path: '?seed=13&servers=3&speed=1' }));

test('bench mode runs the standard workload with snapshots', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForSelector('#bench[data-done="true"]', { timeout: 180_000 });
    const result = JSON.parse(await page.textContent('#bench'));
    assert.ok(result.events > 0 && result.sim_seconds === 600 && result.wall_ms > 0, JSON.stringify(result));
    console.log(`bench snapshots=50: ${JSON.stringify(result)}`);
    assert.deepEqual(errors, []);
  }, { name: 'bench-snapshots', path: '?bench=sim&snapshots=50' }));
