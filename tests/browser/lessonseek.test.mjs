// A lesson's moves (Next, Back) through a long run go in slices, under the page's one
// progress line with Cancel: the lesson arrives at a step only once the run is there, with
// the state of the run straight to that point; Cancel keeps the step it was on. And the
// welcome closes once the reader has chosen a scenario.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';

/** A busy run near the page's event budget (about 1,700,000 of 2,000,000 events): past the
 * memory budget, so the history before about 328 s is dropped by its end. Its first step
 * (10 s) is older than the history kept; the next two are long runs apart. */
const SETUP = 'servers 9\nheartbeat 5ms\nelection-timeout 10ms..20ms\nlatency 0ms\n';
const LESSON = `${SETUP}run 10s\nstep: Early.\nrun 390s\nstep: Most of the way.\nrun 100s\nstep: The end.\nrun 1ms\n`;
/** The same run straight to the lesson's last step (500 s), shown there: the reference. */
const STRAIGHT = `${SETUP}run 10s\nrun 390s\nrun 100s\nstep: Here.\n`;

/** Pastes `text` into the scenario box, presses Load text and waits until it has loaded. */
async function loadText(page, text) {
  if (!(await page.locator('.teach__custom').evaluate((d) => d.open))) await page.locator('.teach__custom summary').click();
  await page.locator('.teach__custom textarea').fill(text);
  await page.locator('.teach__custom .teach__row > button').click();
  await page.locator('[data-opening="scenario"]').waitFor();
  await page.locator('[data-opening]').waitFor({ state: 'detached', timeout: 180_000 });
}

const stateHash = (page) => page.evaluate(() => document.querySelector('[data-state-hash]')?.dataset.stateHash);
const step = (page) => page.locator('.lesson').getAttribute('data-step');
const clock = (page) => page.locator('.timebar').evaluate((el) => ({ now: Number(el.dataset.nowUs), reach: Number(el.dataset.reachUs) }));

/** Waits until the lesson is at `n` with no work under way. */
const arrivedAt = (page, n) => page.waitForFunction((n) => !document.querySelector('[data-opening]')
  && document.querySelector('.lesson')?.dataset.step === String(n), n, { timeout: 120_000 });

/** From now on, the longest main-thread task (PerformanceObserver `longtask`), in ms. */
const watchLongTasks = (page) => page.evaluate(() => {
  window.__longest = 0;
  window.__longTasks?.disconnect();
  window.__longTasks = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
  });
  window.__longTasks.observe({ type: 'longtask' });
});
const longest = (page) => page.evaluate(() => window.__longest);

test('a lesson\'s Next through a long run goes in slices with Cancel, and arrives at the state of the run straight there', () =>
  withPlayground(async ({ page, errors }) => {
    // A first visit: the welcome is open until the reader chooses.
    await page.locator('[data-welcome]').waitFor();
    await loadText(page, STRAIGHT);
    assert.equal(await page.locator('[data-welcome]').count(), 0, 'loading a scenario closes the welcome');
    const straight = await stateHash(page);
    assert.ok(straight);

    await watchLongTasks(page);
    await loadText(page, LESSON);
    const loadMs = await longest(page);
    // The first step (10 s) is older than the history kept: the lesson is at the step the
    // oldest history kept is in, and the cluster there, not at 10 s.
    assert.equal(await step(page), '0');
    const start = await clock(page);
    assert.ok(start.reach > 10_000_000 && start.now === start.reach, JSON.stringify(start));

    // Next: in slices, and the step arrives only once the run is there.
    await watchLongTasks(page);
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 1);
    const nextMs = await longest(page);
    assert.equal((await clock(page)).now, 400_000_000, 'at the step\'s own point');
    const one = await stateHash(page);

    // Next again, cancelled on the way: still step 1 while it went, and after. The page is
    // watched from the click on, and Cancel pressed as soon as the progress line shows the
    // run moving (on a fast machine the move takes only a few slices).
    const busy = page.locator('[data-opening="lesson"][role="status"]');
    const seen = await page.evaluate(() => new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        const progress = document.querySelector('[data-opening="lesson"] progress');
        if (!progress || Number(progress.value) === 0) return;
        observer.disconnect();
        const at = { step: document.querySelector('.lesson').dataset.step, answer: document.querySelectorAll('.lesson__answer').length };
        document.querySelector('[data-action="cancel-opening"]').click();
        resolve(at);
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      document.querySelector('.lesson [data-lesson-next]').click();
    }));
    assert.deepEqual(seen, { step: '1', answer: 0 }, 'no arrival while the run is on its way');
    await busy.waitFor({ state: 'detached' });
    await screenshot(page, 'lesson-next-cancelled');
    assert.equal(await step(page), '1', 'Cancel keeps the step it was on');
    const stopped = (await clock(page)).now;
    assert.ok(stopped > 400_000_000 && stopped < 500_000_000, `the run stays where it stopped (${stopped} µs)`);
    assert.notEqual(await stateHash(page), one);

    // Next, to the end of the move: the very state of the run straight there.
    await watchLongTasks(page);
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 2);
    const againMs = await longest(page);
    assert.equal(await stateHash(page), straight, 'the same state as the run straight to the step');

    // Back: from the last checkpoint before, in slices too; the state the lesson had there.
    await page.locator('.lesson [data-lesson-back]').click();
    await arrivedAt(page, 1);
    assert.equal(await stateHash(page), one);
    // Back to a step older than the history kept: as far back as it reaches, at the step
    // that is in.
    await page.locator('.lesson [data-lesson-back]').click();
    await arrivedAt(page, 0);
    assert.deepEqual(await clock(page), start);
    // Watch, then Skip (a move in slices): the step's own state, and the Watch is over.
    await page.locator('.lesson [data-lesson-watch]').click();
    await page.locator('.lesson[data-playing-to="1"] [data-lesson-skip]').click();
    await arrivedAt(page, 1);
    assert.equal(await page.locator('.lesson').getAttribute('data-playing-to'), null);
    assert.equal(await stateHash(page), one);
    console.log(`longest main-thread task (ms): loading ${loadMs}, Next ${nextMs}, Next after Cancel ${againMs}`);
    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'lesson-seek', path: '?seed=5&speed=1' }));

test('the welcome closes when a lesson is loaded from the picker; Next leaves the explain line of a moment behind', () =>
  withPlayground(async ({ page, errors }) => {
    const welcome = page.locator('[data-welcome]');
    await welcome.waitFor();
    await page.locator('select.teach__picker').selectOption('leader-crash.scn');
    await page.locator('.teach__picker + .btn').click();
    await page.locator('.lesson[data-step="0"]').waitFor();
    assert.equal(await welcome.count(), 0);
    // Watch pauses at the election after the crash (explain is on in a lesson), then Next:
    // the line spoke of that moment, not of the step's state Next goes to.
    await page.locator('.lesson [data-lesson-watch]').click();
    await page.locator('[data-explain]').waitFor({ timeout: 30_000 });
    assert.equal(await step(page), '0');
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 1);
    assert.equal(await page.locator('[data-explain]').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'welcome-picker', path: '?seed=2' }));
