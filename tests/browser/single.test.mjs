// A single-server membership change in the page (dissertation §4.1): "Add, one at a
// time" catches S6 up as a learner with the one configuration in force counting, then puts
// C_new in force at once (never two counts, never C_old,new), and the membership panel
// names the method and lists its three steps. Checked through data-* attributes, so the
// checks hold in either language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';
import { key, pause, waitForLeader } from './ring.mjs';

const halves = (page) => page.$$eval('.ring [data-ring-meters] [data-meter]', (els) => els.map((el) => ({
  half: el.dataset.meter, members: Number(el.dataset.members), need: Number(el.dataset.need),
})));

test('"Add, one at a time": S6 catches up uncounted, then C_new alone counts', () =>
  withPlayground(async ({ page, errors }) => {
    const leader = await waitForLeader(page);
    // Let the leader commit its no-op first: a single-server change waits for that (2015).
    await page.waitForTimeout(1500);
    await pause(page);
    await page.locator('[data-add-server="single"]').click();
    const meters = page.locator('.ring [data-ring-meters]');
    await meters.waitFor();
    assert.equal(await meters.getAttribute('data-ring-meters'), leader);
    // Catching up: the one configuration in force on the leader counts; S6 does not.
    assert.deepEqual(await halves(page), [{ half: 'old', members: 5, need: 3 }]);
    const s6 = page.locator('[data-server="S6"]');
    assert.equal(await s6.getAttribute('data-voter'), 'false');
    assert.equal(await s6.locator('.server__note--learner').count(), 1, 'S6 is drawn as not counted');
    const panel = page.locator('.membership');
    assert.equal(await panel.locator('.membership__method').getAttribute('data-method'), 'single');
    const steps = await page.$$eval('.membership [data-phase-step]', (els) => els.map((el) => el.dataset.phaseStep));
    assert.deepEqual(steps, ['catching-up', 'new-appended', 'new-committed'], 'no joint steps');
    assert.equal(await panel.getAttribute('data-phase'), 'catching-up');
    await screenshot(page, 'single-catching-up');
    // Step until C_new is in the leader's log: it counts alone, at once, with S6 in it.
    let appended = false;
    for (let i = 0; i < 600 && !appended; i++) {
      await key(page, 'n');
      const h = await halves(page);
      assert.ok(h.length <= 1, `one count at a time, never C_old,new: ${JSON.stringify(h)}`);
      if (h.length === 1 && h[0].half === 'new') {
        assert.deepEqual(h, [{ half: 'new', members: 6, need: 4 }]);
        appended = true;
      }
    }
    assert.ok(appended, 'C_new came into force');
    assert.equal(await s6.locator('.server__note--learner').count(), 0, 'S6 counts in C_new now');
    assert.equal(await panel.getAttribute('data-phase'), 'new-appended');
    await screenshot(page, 'single-appended');
    await key(page, 'k');
    await page.waitForSelector('.membership[data-finished="true"]', { timeout: 30_000 });
    for (const step of steps) {
      assert.ok(await page.isVisible(`[data-phase-step="${step}"].phase--done`), `${step} is marked done`);
    }
    assert.deepEqual(errors, []);
  }, { name: 'single-server', path: '?seed=3&speed=1' }));
