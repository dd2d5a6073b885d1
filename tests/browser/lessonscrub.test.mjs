// During a lesson the panel narrates the step the run is in, however the reader moves the
// run: the timeline (a click, a drag), one event back, one event on (a shortcut), Play
// running on, Watch interrupted by a scrub. Landing on a step by hand shows that step's
// question afresh; playing into the next step answers it; a Watch is over once the reader
// moves the run by hand; before the first step the panel says so. The expected step is
// worked out from the times at which the lesson's own Next arrived at each step, not from
// its words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadLibraryScenario, screenshot, withPlayground } from './helpers.mjs';

/** What the lesson panel shows. */
const lesson = (page) => page.locator('.lesson').evaluate((el) => ({
  step: Number(el.dataset.step),
  done: el.dataset.done === 'true',
  before: el.dataset.before === 'true',
  playingTo: el.dataset.playingTo ?? null,
  text: el.querySelector('.lesson__text')?.textContent,
  question: el.querySelectorAll('.lesson__question').length,
  answer: el.querySelectorAll('.lesson__answer').length,
}));
const now = (page) => page.locator('.timebar').evaluate((el) => Number(el.dataset.nowUs));
const idle = (page) => page.waitForFunction(() => !document.querySelector('[data-opening]'));
/** Waits until the lesson is at step `n` (or over, for `done`; not before its first step)
 * with no work under way. */
const arrivedAt = (page, n, done = false) => page.waitForFunction(([n, done]) => {
  const el = document.querySelector('.lesson');
  return !document.querySelector('[data-opening]') && el?.dataset.step === String(n) && (el.dataset.done === 'true') === done
    && el.dataset.before !== 'true';
}, [n, done], { timeout: 60_000 });

/**
 * The stop a lesson stands at with its run at `now`, having been at `current` (as
 * `view::guide::lesson_stop_at`): `begins` holds each step's time, then the run's end. Of
 * the stops that began last, the one nearest `current`; before the first step, -1.
 */
function expectedStop(begins, now, current) {
  const reached = begins.filter((t) => t <= now);
  if (reached.length === 0) return -1;
  const latest = Math.max(...reached);
  return Math.min(Math.max(current, begins.indexOf(latest)), begins.lastIndexOf(latest));
}

/** Presses the mouse on the timeline where time `us` is (or at its left end, for `null`),
 * drags to `toUs` if given, and lets go: as a person scrubs. Playwright presses where the
 * timeline is at that moment (a note above it comes and goes as the run plays and pauses).
 * Waits until the run has moved. */
async function scrub(page, us, toUs) {
  const range = page.locator('.timebar__range');
  const box = await range.boundingBox();
  const { min, max } = await range.evaluate((el) => ({ min: Number(el.min) * 1000, max: Number(el.max) * 1000 }));
  const thumb = 8;
  const x = (t) => thumb + ((Math.min(Math.max(t, min), max) - min) / (max - min)) * (box.width - 2 * thumb);
  const position = { x: us === null ? 1 : x(us), y: box.height / 2 };
  const before = await now(page);
  if (toUs === undefined) {
    await range.click({ position });
  } else {
    await range.hover({ position });
    await page.mouse.down();
    const at = await range.boundingBox();
    await page.mouse.move(at.x + x(toUs), at.y + position.y, { steps: 8 });
    await page.mouse.up();
  }
  await page.waitForFunction((b) => Number(document.querySelector('.timebar').dataset.nowUs) !== b, before);
  await idle(page);
}

test('a lesson shows the step its run is in after the reader scrubs, steps one event, plays on or interrupts a Watch', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome]').waitFor();
    await loadLibraryScenario(page, 'stale-leader.scn');
    await arrivedAt(page, 0);

    // The lesson's own moves: Next to each step, then to the end of its run. What each
    // shows there, and where in the run it is, is the reference.
    const shown = [await lesson(page)];
    const begins = [await now(page)];
    for (let k = 1; k <= 3; k += 1) {
      await page.locator('.lesson [data-lesson-next]').click();
      await arrivedAt(page, k);
      shown.push(await lesson(page));
      begins.push(await now(page));
    }
    assert.equal(shown[1].answer, 1, 'Next from step 0 answers its question');
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 3, true);
    begins.push(await now(page));
    const [t0, t1, t2, t3, end] = begins;
    // The lesson's shape this test relies on: two steps at one time (1 and 2), a question
    // at step 0, four different texts.
    assert.ok(t0 > 0 && t0 < t1 && t1 === t2 && t2 < t3 && t3 < end, JSON.stringify(begins));
    assert.deepEqual(shown.map((s) => s.question), [1, 0, 0, 0]);
    assert.equal(new Set(shown.map((s) => s.text)).size, 4);
    /** The panel as it must be at `stop` (-1: before the first step), reached by the
     * reader's hand: nothing answered. */
    const at = (stop) => ({ step: Math.min(Math.max(stop, 0), 3), done: stop === 4, before: stop === -1, playingTo: null,
      text: stop === -1 ? beforeText : shown[Math.min(stop, 3)].text, question: stop === 4 || stop === -1 ? 0 : shown[stop].question,
      answer: 0 });
    let beforeText;

    // From the end of the run, a click at the timeline's left end: the run's start, in
    // the scenario's set-up before the first step. The panel says so (no step's words, no
    // question), with Next to the first step.
    await scrub(page, null);
    const start = await now(page);
    assert.ok(start < t0, `${start} µs is before the first step`);
    assert.equal(expectedStop(begins, start, 4), -1);
    beforeText = (await lesson(page)).text;
    assert.ok(!shown.some((s) => s.text === beforeText), 'not a step\'s words');
    assert.deepEqual(await lesson(page), at(-1));
    await screenshot(page, 'lesson-scrubbed-back');
    // Next from there: step 0 at its own time, asking its question.
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 0);
    assert.equal(await now(page), t0);
    assert.deepEqual(await lesson(page), at(0));

    // Play (not Watch) from step 0, a prediction typed: as the run plays into step 1 the
    // panel goes there and answers step 0's question, as Watch would. (Play again after
    // each pause at a moment of the explain mode.)
    await page.locator('.lesson__prediction').fill('no');
    const played = await page.waitForFunction(() => {
      const el = document.querySelector('.lesson');
      if (el.dataset.step === '0' && !document.querySelector('.playback__play.is-playing')) document.querySelector('.playback__play').click();
      return el.dataset.step !== '0'
        && { step: el.dataset.step, answer: el.querySelectorAll('.lesson__answer').length, predicted: el.querySelectorAll('.lesson__predicted').length };
    }, null, { timeout: 90_000 });
    assert.deepEqual(await played.jsonValue(), { step: '1', answer: 1, predicted: 1 });
    await page.evaluate(() => document.querySelector('.playback__play.is-playing')?.click());

    // A drag forward to between step 3 and the run's end: step 3, nothing answered (the
    // run to it was not watched).
    await scrub(page, t0, (t3 + end) / 2);
    let t = await now(page);
    assert.ok(t >= t3 && t < end, `${t} µs is in step 3`);
    assert.deepEqual(await lesson(page), at(expectedStop(begins, t, 0)));
    assert.equal((await lesson(page)).step, 3);

    // A drag back to between steps 2 and 3 (steps 1 and 2 begin at one time): the nearer
    // of the two, step 2.
    await scrub(page, t, (t2 + t3) / 2);
    t = await now(page);
    assert.ok(t >= t2 && t < t3, `${t} µs is in steps 1 and 2`);
    assert.deepEqual(await lesson(page), at(expectedStop(begins, t, 3)));
    assert.equal((await lesson(page)).step, 2);

    // Next to step 3, at its very time; then one event back at a time until the run is
    // before it: step 2 again.
    await page.locator('.lesson [data-lesson-next]').click();
    await arrivedAt(page, 3);
    assert.equal(await now(page), t3);
    const stepBack = page.locator('.timebar > button').first();
    for (let i = 0; i < 200 && (await now(page)) >= t3; i += 1) {
      assert.deepEqual(await lesson(page), at(3), 'still in step 3');
      await stepBack.click();
      await idle(page);
    }
    t = await now(page);
    assert.ok(t < t3 && t >= t2, `one event back left step 3 (${t} µs)`);
    assert.deepEqual(await lesson(page), at(2));

    // One event on at a time (the shortcut `.`) into step 3 again.
    for (let i = 0; i < 200 && (await now(page)) < t3; i += 1) {
      assert.deepEqual(await lesson(page), at(2), 'still in step 2');
      await page.keyboard.press('.');
    }
    assert.ok((await now(page)) >= t3);
    assert.deepEqual(await lesson(page), at(3));

    // Watch, then a click at the timeline's start while it plays: the Watch is over and
    // the panel is before the first step.
    await page.locator('.lesson [data-lesson-watch]').click();
    await page.locator('.lesson[data-playing-to="4"]').waitFor();
    await scrub(page, null);
    assert.deepEqual(await lesson(page), at(-1));
    await page.waitForTimeout(300);
    assert.equal(await now(page), start, 'nothing plays on');

    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'lesson-scrub', path: '?seed=5&speed=1' }));

// Reset and the cluster size start a new random cluster (the run settings' seed and size):
// the lesson on show goes with its cluster, so that its narration never describes a
// cluster that is not its own. The picker then says free play.
test('Reset or a new cluster size during a lesson leaves it for free play on a new cluster', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome]').waitFor();
    const open = async () => {
      await loadLibraryScenario(page, 'stale-leader.scn');
      await arrivedAt(page, 0);
    };
    const freePlay = async (why, servers) => {
      await page.locator('.lesson').waitFor({ state: 'detached' });
      const shown = {
        picked: await page.locator('select.teach__picker').inputValue(),
        loaded: await page.locator('.teach__loaded').count(),
        now: await now(page),
        servers: await page.locator('svg.ring [data-server]').count(),
        scenarioInAddress: (await page.evaluate(() => location.search)).includes('scenario'),
      };
      assert.deepEqual(shown, { picked: '', loaded: 0, now: 0, servers, scenarioInAddress: false }, why);
    };
    await open();
    await page.locator('form.field-grid--run button[type="submit"]').click();
    await freePlay('Reset', 5);
    await open();
    await page.locator('form.field-grid--run select').selectOption('3');
    await freePlay('a cluster of three', 3);

    // A seed that is not a number changes nothing: the lesson stays, with its cluster.
    await open();
    await page.locator('form.field-grid--run input').fill('twelve');
    await page.locator('form.field-grid--run button[type="submit"]').click();
    await page.locator('.field-error').waitFor();
    assert.equal(await page.locator('.lesson').count(), 1);
    assert.equal(await page.locator('.teach__loaded[data-file="stale-leader.scn"]').count(), 1);

    assert.equal(await page.locator('#panic-banner').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'lesson-reset', path: '?seed=5&speed=1' }));

// Three library lessons begin with two steps at one time (partition-3-2.scn,
// membership-single.scn, break-single-step-membership.scn): opened, each shows its first
// step, whose narration the reader would otherwise never see; Next goes to the second
// without moving the run, and Back returns to the first.
test('a lesson whose first steps begin at one time opens at the first of them', () =>
  withPlayground(async ({ page, errors }) => {
    await page.locator('[data-welcome]').waitFor();
    for (const file of ['partition-3-2.scn', 'membership-single.scn']) {
      await loadLibraryScenario(page, file);
      await arrivedAt(page, 0);
      const first = await lesson(page);
      const t = await now(page);
      await page.locator('.lesson [data-lesson-next]').click();
      await arrivedAt(page, 1);
      const second = await lesson(page);
      assert.equal(await now(page), t, `${file}: the second step begins when the first does`);
      assert.notEqual(second.text, first.text, `${file}: two steps, two narrations`);
      await page.locator('.lesson [data-lesson-back]').click();
      await arrivedAt(page, 0);
      assert.deepEqual(await lesson(page), first, `${file}: Back shows the first step again`);
    }
    assert.deepEqual(errors, []);
  }, { name: 'lesson-first-steps', path: '?seed=5&speed=1' }));
