// The guided page: the welcome on a first visit, the tour (a lesson chained to the next,
// resumed after a reload), the per-server menu on the ring, forks that can be undone, and
// the layout at 1366×768 and on a phone.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPlayground, openPlayground, launchBrowser, screenshot } from './helpers.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });
const step = (page) => page.locator('.lesson').getAttribute('data-step');
const ZH = () => localStorage.setItem('raft-playground.lang', 'zh-CN');

/** Clicks the lesson's Next (or To the end) until the lesson is done. */
async function toLessonEnd(page) {
  for (let i = 0; i < 20 && (await page.locator('.lesson[data-done]').count()) === 0; i++) {
    await page.locator('.lesson [data-lesson-next]').click();
  }
  await page.locator('.lesson[data-done]').waitFor();
}

test('a first visit is welcomed; the tour chains its lessons and resumes after a reload', () =>
  withPlayground(async ({ page, errors }) => {
    const welcome = page.locator('[data-welcome]');
    await welcome.waitFor();
    assert.equal(await page.locator('.lesson').count(), 0, 'free play until the reader chooses');
    await screenshot(page, 'guide-first-visit-en');
    await welcome.locator('[data-start="tour"]').click();
    await page.locator('.lesson [data-tour-lesson="1"]').waitFor();
    assert.equal(await welcome.count(), 0, 'the welcome closes');
    assert.equal(await page.getByRole('combobox', { name: 'Scenario' }).inputValue(), 'leader-crash.scn');
    // The last step is watched too: its payoff plays, and the done card offers the next lesson.
    await toLessonEnd(page);
    const next = page.locator('[data-next-lesson]');
    assert.equal(await next.getAttribute('data-next-lesson'), 'split-vote.scn');
    await screenshot(page, 'guide-lesson-done-en');
    await next.click();
    await page.locator('.lesson [data-tour-lesson="2"]').waitFor();
    assert.equal(await step(page), '0');
    await page.locator('.lesson [data-lesson-next]').click();
    await page.waitForFunction(() => document.querySelector('.lesson')?.dataset.step === '1');
    // A reload goes back to where the reader stopped, without the welcome.
    await page.reload();
    await page.locator('.lesson [data-tour-lesson="2"]').waitFor();
    assert.equal(await step(page), '1');
    assert.equal(await page.getByRole('combobox', { name: 'Scenario' }).inputValue(), 'split-vote.scn');
    assert.equal(await welcome.count(), 0);
    // Leaving the tour forgets it: the next reload opens free play, and "Start here"
    // offers to continue the tour where the reader left it.
    await page.locator('.lesson__tour button').click();
    await page.reload();
    await page.locator('[data-server]').first().waitFor();
    assert.equal(await page.locator('.lesson').count(), 0);
    assert.equal(await welcome.count(), 0, 'the welcome is not shown again by itself');
    await page.locator('.guide-button').click();
    await welcome.locator('[data-start="free"]').click();
    assert.equal(await welcome.count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'guide-tour', viewport: { width: 1366, height: 900 } }));

/**
 * Clicks the lesson's Watch and, while the explain mode pauses on the way, checks each
 * pause and plays on, until `arrived` matches. Returns the moments paused at.
 */
async function watchOn(page, arrived) {
  const seen = [];
  await page.locator('.lesson [data-lesson-watch]').click();
  for (let i = 0; i < 40; i++) {
    await page.waitForFunction((sel) => document.querySelector(sel) || document.querySelector('[data-explain]'),
      arrived, { timeout: 30_000 });
    if (await page.locator(arrived).count() > 0) return seen;
    seen.push(await page.locator('[data-explain]').getAttribute('data-explain'));
    assert.equal(await page.locator('.playback__play.is-playing').count(), 0, 'paused at a moment');
    assert.ok(await page.locator('.lesson[data-playing-to]').count() > 0, 'still on the way');
    // Play on: the line goes with the pause (the next one may follow at once).
    const time = await page.locator('.status').getAttribute('data-sim-time-us');
    await page.locator('.playback__play').click();
    await page.waitForFunction((t) => document.querySelector('.status').dataset.simTimeUs !== t, time);
  }
  throw new Error(`never arrived at ${arrived}; paused at ${seen.join(' ')}`);
}

test('the tour explains as it plays, and the last step can be watched to the end of its run', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome] [data-start="tour"]').click();
    await page.locator('.lesson').waitFor();
    assert.ok(await page.locator('[data-explain-toggle]').isChecked(), 'explain is on in the tour');
    // Step 1 to 2 of "The leader crashes": the election after the crash is explained.
    const first = await watchOn(page, '.lesson[data-step="1"]');
    assert.equal(first[0], 'campaign', first.join(' '));
    assert.ok(first.includes('won'), first.join(' '));
    const count = Number(await page.locator('.lesson').getAttribute('data-steps'));
    while (Number(await step(page)) < count - 1) {
      const at = Number(await step(page));
      await page.locator('.lesson [data-lesson-next]').click();
      await page.waitForFunction((s) => document.querySelector('.lesson')?.dataset.step === String(s), at + 1);
    }
    const hash = await page.locator('[data-state-hash]').getAttribute('data-state-hash');
    await watchOn(page, '.lesson[data-done]');
    assert.notEqual(await page.locator('[data-state-hash]').getAttribute('data-state-hash'), hash, 'the run went on');
    assert.ok(await page.locator('.lesson [data-lesson-next]').isDisabled(), 'nothing after the end');
    assert.deepEqual(errors, []);
  }, { name: 'guide-watch-end', path: '?seed=1&speed=4' }));

test('the exercises are one click from the welcome; the picker is grouped', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome]').waitFor();
    // Four groups, none empty, holding every entry of the picker; the broken rules are one
    // "Show me" for each break-switch the page lists (counts from the page, not by hand).
    const groups = await page.locator('select.teach__picker optgroup').evaluateAll((gs) =>
      gs.map((g) => [...g.querySelectorAll('option')].length));
    assert.equal(groups.length, 4, `${groups}`);
    assert.ok(groups.every((n) => n > 0), `${groups}`);
    const entries = await page.locator('select.teach__picker option[value]:not([value=""])').count();
    assert.equal(groups.reduce((a, n) => a + n, 0), entries);
    assert.equal(groups[3], await page.locator('[data-break]').count());
    await page.locator('[data-welcome] [data-start="exercises"]').click();
    await page.locator('[data-goal="pending"]').waitFor();
    const picked = await page.getByRole('combobox', { name: 'Scenario' }).inputValue();
    assert.ok(picked.startsWith('exercise-'), picked);
    assert.deepEqual(errors, []);
  }, { name: 'guide-exercises' }));

test('the first visit and a lesson in 简体中文', async () => {
  const browser = await launchBrowser();
  try {
    const { page, errors } = await openPlayground(browser, { viewport: { width: 1366, height: 900 }, initScript: ZH });
    await page.locator('[data-welcome]').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    await screenshot(page, 'guide-first-visit-zh');
    await page.locator('[data-start="tour"]').click();
    await page.locator('.lesson [data-tour-lesson="1"]').waitFor();
    await screenshot(page, 'guide-lesson-zh');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

/** The element's box lies inside the viewport. */
async function inView(page, selector) {
  return page.locator(selector).first().evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.left >= 0 && r.top < innerHeight && r.right <= innerWidth;
  });
}

test('a server menu on the ring: cut a server off, and heal', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-server][data-role="leader"]').waitFor({ timeout: 20_000 });
    await page.locator('[data-server="S3"]').click();
    const menu = page.locator('.ring-box [data-panel="S3"]');
    await menu.waitFor();
    await menu.locator('[data-cut-off="S3"]').click();
    await page.locator('.ring-box .link--cut').first().waitFor();
    assert.equal(await page.locator('#partition-input').getAttribute('placeholder') !== null, true);
    await button(page, 'Heal').click();
    await page.waitForFunction(() => document.querySelectorAll('.ring-box .link--cut').length === 0);
    assert.deepEqual(errors, []);
  }, { name: 'guide-menu', path: '?seed=1&speed=1' }));

test('at 1366×768 the ring, its actions, the logs and the lesson step are in view', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome] [data-start="tour"]').click();
    await page.locator('.lesson').waitFor();
    for (const selector of ['svg.ring', '.cluster', '.logs', '.lesson__text', '.lesson [data-lesson-next]']) {
      assert.ok(await inView(page, selector), `${selector} is in view without scrolling`);
    }
    await screenshot(page, 'guide-1366x768-en');
    assert.deepEqual(errors, []);
  }, { name: 'guide-1366', viewport: { width: 1366, height: 768 } }));

for (const [lang, init] of [['en', undefined], ['zh', ZH]]) {
  test(`on a phone (${lang}) the bottom bar and the ring are both in view`, async () => {
    const browser = await launchBrowser();
    try {
      const { page, errors } = await openPlayground(browser, { viewport: { width: 390, height: 844 }, initScript: init });
      await page.locator('[data-welcome] [data-start="tour"]').click();
      await page.locator('.lesson').waitFor();
      assert.ok(await inView(page, 'svg.ring'), 'the ring');
      for (const selector of ['.playback__play', '.playback__quick .btn--danger', '.playback__quick [data-lesson-watch]', '.playback__quick [data-lesson-next]']) {
        assert.ok(await inView(page, selector), `${selector} in the bar`);
      }
      await page.locator('.playback__quick [data-lesson-next]').click();
      await page.waitForFunction(() => document.querySelector('.lesson')?.dataset.step === '1');
      assert.ok(await inView(page, 'svg.ring'), 'the ring is still in view');
      await page.screenshot({ path: await screenshot(page, `guide-phone-${lang}`) });
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
}

test('acting in the past keeps the run it replaces: "Back to the run you left" returns to it', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForFunction(() => Number(document.querySelector('.status')?.dataset.simTimeUs) > 1_500_000,
      null, { timeout: 20_000 });
    await page.locator('.playback__play').click();
    const status = () => page.locator('.status').evaluate((el) => ({ ...el.dataset }));
    const hash = () => page.locator('[data-state-hash]').getAttribute('data-state-hash');
    const horizon = () => page.locator('.timebar__range').getAttribute('max');
    const end = await horizon();
    await page.locator('.timebar__range').fill(String(Number(end) - 300));
    const past = await status();
    const pastHash = await hash();
    assert.ok(past.leader, 'a leader then');
    assert.equal(await page.locator('[data-fork-back]').count(), 0, 'nothing to go back to yet');
    await page.locator('.cluster [data-quick]').first().click();
    const back = page.locator('[data-fork-back]');
    await back.waitFor();
    assert.equal(await page.locator(`[data-server="${past.leader}"]`).getAttribute('data-alive'), 'false');
    assert.equal(await horizon(), String(Math.floor(Number(past.simTimeUs) / 1000)), 'the fork has no future yet');
    await back.click();
    await page.waitForFunction((end) => document.querySelector('.timebar__range').max === end, end);
    assert.deepEqual(await status(), past, 'the run left, where it was left');
    assert.equal(await hash(), pastHash);
    assert.equal(await page.locator(`[data-server="${past.leader}"]`).getAttribute('data-alive'), 'true');
    // The fork is kept in its turn: the same button goes back to it.
    await back.click();
    await page.waitForFunction((s) => document.querySelector(`[data-server="${s}"]`).dataset.alive === 'false', past.leader);
    assert.deepEqual(errors, []);
  }, { name: 'guide-fork', path: '?seed=3&speed=1' }));

test('explain mode pauses when a candidate wins, and its line names the leader and the term', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-server]').first().waitFor();
    await page.locator('[data-explain-toggle]').check();
    const line = page.locator('[data-explain]');
    const seen = [];
    for (let i = 0; i < 12; i++) {
      await line.waitFor({ timeout: 20_000 });
      seen.push(await line.getAttribute('data-explain'));
      if (seen.at(-1) === 'won') break;
      assert.equal(await page.locator('.playback__play.is-playing').count(), 0, 'paused at the moment');
      const time = await page.locator('.status').getAttribute('data-sim-time-us');
      await page.locator('.playback__play').click();
      await page.waitForFunction((t) => document.querySelector('.status').dataset.simTimeUs !== t, time);
    }
    assert.equal(seen.at(-1), 'won', seen.join(' '));
    assert.equal(seen[0], 'campaign', 'an election begins with a candidate');
    assert.equal(await page.locator('.playback__play.is-playing').count(), 0, 'paused at the win');
    const status = await page.locator('.status').evaluate((el) => ({ ...el.dataset }));
    assert.equal(await page.locator(`[data-server="${status.leader}"]`).getAttribute('data-role'), 'leader');
    const text = await line.textContent();
    assert.ok(text.includes(status.leader) && new RegExp(`\\b${status.term}\\b`).test(text), `${text} names ${status.leader}, term ${status.term}`);
    await screenshot(page, 'guide-explain-won');
    // Off again: play goes on without pausing.
    await page.locator('[data-explain-toggle]').uncheck();
    assert.equal(await line.count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'guide-explain', path: '?seed=1' }));
