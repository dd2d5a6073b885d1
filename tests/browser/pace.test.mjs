// Pacing and the explain mode outside the tour: a lesson opened from the picker explains as
// it plays; an election plays in slow motion at the default speed; an exercise has
// fast-forward; on a phone a toast does not cover the picker. Screenshots of a membership
// change in both languages.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPlayground, openPlayground, launchBrowser, loadLibraryScenario, screenshot } from './helpers.mjs';

const status = (page) => page.locator('.topbar .status').evaluate((el) => ({ ...el.dataset }));
const playing = async (page) => (await page.locator('.playback__play.is-playing').count()) > 0;

test('a lesson opened from the picker explains as it plays: it pauses at the win, with its line', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-server]').first().waitFor();
    const toggle = page.locator('[data-explain-toggle]');
    assert.equal(await toggle.isChecked(), false, 'off in free play');
    await loadLibraryScenario(page, 'leader-crash.scn');
    await page.locator('.lesson[data-step="0"]').waitFor();
    assert.equal(await page.locator('.lesson [data-tour-lesson]').count(), 0, 'not the tour');
    assert.equal(await toggle.isChecked(), true, 'on in a lesson');
    // Watch step 1 to 2: the old leader is down, a candidate campaigns, then wins.
    await page.locator('.lesson [data-lesson-watch]').click();
    const line = page.locator('[data-explain]');
    const seen = [];
    for (let i = 0; i < 12 && seen.at(-1) !== 'won'; i++) {
      if (seen.length > 0) {
        const time = (await status(page)).simTimeUs;
        await page.locator('.playback__play').click();
        await page.waitForFunction((t) => document.querySelector('.topbar .status').dataset.simTimeUs !== t, time);
      }
      await line.waitFor({ timeout: 30_000 });
      seen.push(await line.getAttribute('data-explain'));
      assert.equal(await playing(page), false, `paused at ${seen.at(-1)}`);
      assert.equal(await page.locator('.lesson[data-playing-to]').count(), 1, 'still on the way to the next step');
    }
    assert.deepEqual([seen[0], seen.at(-1)], ['campaign', 'won'], seen.join(' '));
    const s = await status(page);
    assert.equal(await page.locator(`[data-server="${s.leader}"]`).getAttribute('data-role'), 'leader');
    const text = await line.textContent();
    assert.ok(text.includes(s.leader) && new RegExp(`\\b${s.term}\\b`).test(text), `${text} names ${s.leader}, term ${s.term}`);
    assert.equal(await page.locator('.lesson__text').count(), 1, 'the lesson\'s step stays in view beside the line');
    await screenshot(page, 'pace-lesson-explain-won');
    // The toggle is still the reader's: off, Watch plays on to the next step without pausing.
    await toggle.uncheck();
    assert.equal(await line.count(), 0);
    await page.locator('.playback__play').click();
    await page.locator('.lesson[data-step="1"]').waitFor({ timeout: 30_000 });
    assert.equal(await line.count(), 0, 'no pause on the way');
    assert.deepEqual(errors, []);
  }, { name: 'pace-lesson-explain', path: '?seed=1&speed=1' }));

test('at the default speed an election plays in slow motion, and says so', () =>
  withPlayground(async ({ page, errors }) => {
    const badge = page.locator('.ring-box [data-pace="election"]');
    // The first election: the note shows while its votes are on the wire, with a candidate.
    await badge.waitFor({ timeout: 30_000 });
    const roles = await page.locator('[data-server]').evaluateAll((els) => els.map((e) => e.dataset.role));
    assert.ok(roles.includes('candidate') || roles.includes('leader'), roles.join(' '));
    assert.equal(await page.locator('.speed__value').textContent(), '0.05×', 'the chosen speed is unchanged');
    // Once the votes are in, the note goes: the heartbeats play at the chosen speed.
    await page.locator('[data-server][data-role="leader"]').waitFor({ timeout: 30_000 });
    await badge.waitFor({ state: 'detached', timeout: 30_000 });
    assert.deepEqual(errors, []);
  }, { name: 'pace-election' }));

test('an exercise has fast-forward: ten times the speed until the goal is met', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-server]').first().waitFor();
    assert.equal(await page.locator('.fast-forward').count(), 0, 'not in free play');
    await loadLibraryScenario(page, 'exercise-no-quorum.scn');
    const ff = page.locator('.playback .fast-forward');
    assert.equal(await ff.getAttribute('aria-pressed'), 'false');
    // The leader down, the other four in two pairs, none a majority: no leader, four up.
    // The goal asks for 3 s of it.
    const leader = (await status(page)).leader;
    assert.ok(leader, 'the exercise starts with a leader');
    const others = ['S1', 'S2', 'S3', 'S4', 'S5'].filter((s) => s !== leader);
    await page.locator('.cluster [data-quick]').first().click();
    await page.locator(`[data-server="${leader}"][data-alive="false"]`).waitFor();
    await page.locator('#partition-input').fill(`${leader} | ${others[0]} ${others[1]} | ${others[2]} ${others[3]}`);
    await page.locator('#partition-input').press('Enter');
    await page.locator('.link--cut').first().waitFor();
    const frames = () => page.evaluate(() => window.__rafCount);
    const before = { frames: await frames(), us: Number((await status(page)).simTimeUs) };
    await ff.click();
    assert.equal(await ff.getAttribute('aria-pressed'), 'true');
    assert.equal(await playing(page), true, 'fast-forward plays');
    await page.locator('[data-goal="met"]').waitFor({ timeout: 120_000 });
    const after = { frames: await frames(), us: Number((await status(page)).simTimeUs) };
    // At the chosen 0.05× a frame plays at most 5 ms (a frame counts for at most 100 ms of
    // wall time); fast-forward played more per frame than that allows.
    const perFrame = (after.us - before.us) / 1000 / (after.frames - before.frames);
    assert.ok(perFrame > 5, `${perFrame.toFixed(2)} ms of simulated time per frame`);
    assert.equal(await playing(page), false, 'paused at the goal');
    assert.equal(await page.locator('.fast-forward').count(), 0, 'no fast-forward once solved');
    assert.equal(await page.locator('.speed__value').textContent(), '0.05×', 'the chosen speed is unchanged');
    await screenshot(page, 'pace-exercise-solved');
    assert.deepEqual(errors, []);
  }, { name: 'pace-fast-forward', path: '?seed=1' }));

test('on a phone the "Loaded" toast leaves the picker and the bottom bar clear', async () => {
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPlayground(browser, { viewport: { width: 390, height: 844 } });
    await page.locator('[data-welcome] [data-start="free"]').click();
    const picker = page.locator('select.teach__picker');
    await picker.scrollIntoViewIfNeeded();
    await loadLibraryScenario(page, 'split-vote.scn');
    const toast = page.locator('.toast').first();
    await toast.waitFor();
    const box = async (l) => l.boundingBox();
    const t = await box(toast);
    for (const [name, l] of [['picker', picker], ['Load', page.locator('.teach__picker + .btn')], ['bar', page.locator('.playback')]]) {
      const b = await box(l);
      const apart = t.y + t.height <= b.y || b.y + b.height <= t.y || t.x + t.width <= b.x || b.x + b.width <= t.x;
      assert.ok(apart, `the toast ${JSON.stringify(t)} covers the ${name} ${JSON.stringify(b)}`);
    }
    await page.screenshot({ path: await screenshot(page, 'pace-phone-toast') });
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

for (const [lang, init] of [['en', undefined], ['zh', () => localStorage.setItem('raft-playground.lang', 'zh-CN')]]) {
  test(`a membership change on show (${lang}): both meters beside the ring`, async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPlayground(browser, { path: '?seed=1', viewport: { width: 1366, height: 900 }, initScript: init });
      await page.locator('[data-welcome] [data-start="free"]').click();
      await page.locator('[data-server][data-role="leader"]').waitFor({ timeout: 30_000 });
      await page.keyboard.press('a');
      // Past catching up, into joint consensus: C_old and C_new both counted.
      // Paused from inside the page, in the frame both meters first show.
      await page.waitForFunction(() => {
        const meters = document.querySelectorAll('.ring [data-ring-meters] [data-meter]');
        if (meters.length < 2) return false;
        document.querySelector('.playback__play.is-playing')?.click();
        return true;
      }, null, { polling: 'raf', timeout: 30_000 });
      const halves = await page.$$eval('.ring [data-ring-meters] [data-meter]', (els) => els.map((el) => el.dataset.meter));
      assert.deepEqual(halves, ['old', 'new']);
      await screenshot(page, `pace-membership-${lang}`);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}
