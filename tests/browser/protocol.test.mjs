// PreVote, CheckQuorum and leadership transfer, driven from the page's own controls: the
// toggles in the cluster settings and "Make S3 leader" in a server's panel.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS_DIR, screenshot, withPlayground } from './helpers.mjs';
import { waitForLeader } from './ring.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

const term = (page, id) => page.getAttribute(`[data-server="${id}"]`, 'data-term').then(Number);
const role = (page, id) => page.getAttribute(`[data-server="${id}"]`, 'data-role');
const simTime = (page) => page.$eval('.status', (el) => Number(el.dataset.simTimeUs));
const toggle = (page, option) => page.locator(`[data-option="${option}"] input`);

async function partition(page, groups) {
  await page.getByLabel('Partition groups').fill(groups.map((g) => g.join(' ')).join(' | '));
  await button(page, 'Partition').click();
}

test('with PreVote on, a cut-off minority asks for pre-votes and its terms do not rise', () =>
  withPlayground(async ({ page, errors }) => {
    const leader = await waitForLeader(page);
    await toggle(page, 'prevote').check();
    assert.equal(await toggle(page, 'prevote').isChecked(), true);
    const others = ['S1', 'S2', 'S3', 'S4', 'S5'].filter((s) => s !== leader);
    const minority = others.slice(0, 2);
    const before = await term(page, leader);
    await partition(page, [[leader, ...others.slice(2)], minority]);
    await page.waitForSelector(`[data-server="${minority[0]}"][data-role="pre-candidate"]`, { timeout: 20_000 });
    const start = await simTime(page);
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t + 2_000_000, start,
      { timeout: 30_000 });
    for (const s of minority) assert.equal(await term(page, s), before, `${s} stayed in term ${before}`);
    await screenshot(page, 'protocol-prevote');
    await button(page, 'Heal').click();
    const t = await simTime(page);
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t + 1_000_000, t,
      { timeout: 30_000 });
    assert.equal(await role(page, leader), 'leader', 'the leader was not disturbed');
    assert.equal(await term(page, leader), before);
    assert.deepEqual(errors, []);
  }, { name: 'protocol-prevote', path: '?seed=3&speed=1' }));

test('with CheckQuorum on, a leader cut off from the majority steps down and the count says why', () =>
  withPlayground(async ({ page, errors }) => {
    const old = await waitForLeader(page);
    await toggle(page, 'check-quorum').check();
    await page.waitForSelector('[data-contacts="5"][data-quorum="true"]', { timeout: 20_000 });
    const others = ['S1', 'S2', 'S3', 'S4', 'S5'].filter((s) => s !== old);
    await partition(page, [[old], others]);
    // Without CheckQuorum the old leader would keep believing it leads (see playground.test.mjs).
    await page.waitForFunction((old) => document.querySelector(`[data-server="${old}"]`).dataset.role !== 'leader', old,
      { timeout: 20_000 });
    const next = await waitForLeader(page, 20_000, old);
    assert.ok(others.includes(next));
    await page.waitForSelector('[data-contacts="4"][data-quorum="true"]', { timeout: 20_000 });
    await screenshot(page, 'protocol-check-quorum');
    assert.deepEqual(errors, []);
  }, { name: 'protocol-check-quorum', path: '?seed=4&speed=1' }));

test('"Make S3 leader" hands leadership over at once', () =>
  withPlayground(async ({ page, errors }) => {
    const old = await waitForLeader(page);
    const target = old === 'S3' ? 'S4' : 'S3';
    const before = await term(page, old);
    await page.click(`[data-server="${target}"]`);
    await page.click(`[data-transfer="${target}"]`);
    await page.waitForSelector(`[data-server="${target}"][data-role="leader"]`, { timeout: 20_000 });
    assert.equal(await term(page, target), before + 1, 'one election, won at once');
    assert.notEqual(await role(page, old), 'leader');
    // The new leader's own button is disabled: it is already the leader.
    assert.equal(await page.isDisabled(`[data-transfer="${target}"]`), true);
    await screenshot(page, 'protocol-transfer');
    assert.deepEqual(errors, []);
  }, { name: 'protocol-transfer', path: '?seed=5&speed=0.5' }));

for (const [viewport, lang] of [[{ width: 1366, height: 900 }, 'en'], [{ width: 390, height: 844 }, 'zh-CN']]) {
  test(`the toggles and the transfer button read well at ${viewport.width}px in ${lang}`, () =>
    withPlayground(async ({ page, errors }) => {
      await waitForLeader(page);
      if (lang !== 'en') await page.getByRole('combobox', { name: 'Language' }).selectOption(lang);
      await toggle(page, 'check-quorum').check();
      await page.waitForSelector('[data-contacts]');
      await page.click('[data-server="S2"]');
      await page.locator('.options').scrollIntoViewIfNeeded();
      await screenshot(page, `protocol-settings-${viewport.width}-${lang}`);
      // The two panels close up, to read the strings.
      const at = (what) => join(ARTIFACTS_DIR, `protocol-${what}-${viewport.width}-${lang}.png`);
      await page.locator('section[aria-labelledby="cluster-heading"]').screenshot({ path: at('cluster') });
      await page.locator('.server-panel').screenshot({ path: at('server-panel') });
      assert.deepEqual(errors, []);
    }, { name: `protocol-settings-${lang}`, path: '?seed=3&speed=0.2', viewport }));
}
