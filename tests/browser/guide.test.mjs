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

test('the last step of a lesson can be watched to the end of its run', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome] [data-start="tour"]').click();
    await page.locator('.lesson').waitFor();
    const count = Number(await page.locator('.lesson').getAttribute('data-steps'));
    while (Number(await step(page)) < count - 1) {
      const at = Number(await step(page));
      await page.locator('.lesson [data-lesson-next]').click();
      await page.waitForFunction((s) => document.querySelector('.lesson')?.dataset.step === String(s), at + 1);
    }
    const hash = await page.locator('[data-state-hash]').getAttribute('data-state-hash');
    await page.locator('.lesson [data-lesson-watch]').click();
    await page.locator('.lesson[data-done]').waitFor({ timeout: 30_000 });
    assert.notEqual(await page.locator('[data-state-hash]').getAttribute('data-state-hash'), hash, 'the run went on');
    assert.ok(await page.locator('.lesson [data-lesson-next]').isDisabled(), 'nothing after the end');
    assert.deepEqual(errors, []);
  }, { name: 'guide-watch-end', path: '?seed=1&speed=4' }));

test('the exercises are one click from the welcome; the picker is grouped', () =>
  withPlayground(async ({ page, errors }) => {
    const groups = await page.locator('select.teach__picker optgroup').evaluateAll((gs) =>
      gs.map((g) => [...g.querySelectorAll('option')].length));
    assert.deepEqual(groups, [5, 4, 5, 5]);
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
