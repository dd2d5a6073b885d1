// Teaching: share links, 简体中文, exercises that check themselves, guided lessons.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPlayground, openPlayground } from './helpers.mjs';

const button = (page, name) => page.getByRole('button', { name, exact: true });

async function waitForLeader(page, timeout = 20_000) {
  const h = await page.waitForFunction(() => {
    const el = document.querySelector('[data-server][data-role="leader"][data-alive="true"]');
    return el ? el.dataset.server : null;
  }, null, { timeout });
  return h.jsonValue();
}

/** The state hash the page shows while paused. */
async function pausedHash(page) {
  const h = await page.waitForFunction(() => document.querySelector('.teach')?.dataset.stateHash ?? null);
  return h.jsonValue();
}

async function loadScenario(page, file, loadLabel = 'Load') {
  await page.getByRole('combobox', { name: /^(Scenario|场景)$/ }).selectOption(file);
  await button(page, loadLabel).click();
}

test('a share link replays to the same state; a malformed one says what is wrong', () =>
  withPlayground(async ({ browser, page, errors }) => {
    await waitForLeader(page);
    await button(page, 'Kill leader').click();
    await page.waitForTimeout(1500);
    await button(page, 'Pause').click();
    const hash = await pausedHash(page);
    await button(page, 'Copy link').click();
    const link = await page.getByRole('textbox', { name: 'Link to this run' }).inputValue();
    assert.match(link, /#v1:[A-Za-z0-9_-]+$/);
    assert.ok((await page.evaluate(() => location.hash)).startsWith('#v1:'));

    const other = await openPlayground(browser, { path: link.slice(link.indexOf('?')) });
    assert.equal(await pausedHash(other.page), hash, 'the link replays to the same state');
    assert.deepEqual(other.errors, []);

    const bad = await openPlayground(browser, { path: '?seed=1#v1:eNq*bad' });
    const alert = bad.page.locator('[data-link-error]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /damaged at character 7/);
    assert.equal(await bad.page.locator('[data-server]').count(), 5, 'the default cluster');
    const old = await openPlayground(browser, { path: '?seed=1#v7:abc' });
    await old.page.locator('[data-link-error]').waitFor();
    assert.match(await old.page.locator('[data-link-error]').innerText(), /format v7/);
    assert.deepEqual(errors, []);
  }, { name: 'teach-share', path: '?seed=3&speed=2' }));

test('switching to 简体中文 changes the interface and the lesson text; the lesson plays with Back', () =>
  withPlayground(async ({ page, errors }) => {
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await button(page, '复制链接').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    await loadScenario(page, 'leader-crash.scn', '加载');
    const text = page.locator('.lesson__text');
    await text.waitFor();
    assert.match(await text.innerText(), /领导者崩溃了/);
    const first = await pausedHash(page);
    await button(page, '显示答案').click();
    assert.match(await page.locator('.lesson__answer').innerText(), /答案/);
    await button(page, '下一步').click();
    await page.waitForFunction(() => document.querySelector('.lesson')?.dataset.step === '1');
    assert.match(await text.innerText(), /旧领导者重启/);
    await button(page, '上一步').click();
    await page.waitForFunction(() => document.querySelector('.lesson')?.dataset.step === '0');
    assert.equal(await pausedHash(page), first, 'Back returns to the exact state of the step');
    // The choice is remembered.
    await page.reload();
    await button(page, '复制链接').waitFor();
    assert.deepEqual(errors, []);
  }, { name: 'teach-zh', path: '?seed=1&speed=1' }));

test('every built-in lesson plays through, Back included', () =>
  withPlayground(async ({ page, errors }) => {
    const lessons = ['leader-crash.scn', 'split-vote.scn', 'figure-7.scn', 'figure-8.scn', 'stale-leader.scn',
      'membership-add.scn', 'client-retry.scn'];
    for (const file of lessons) {
      await loadScenario(page, file);
      await page.locator('.lesson').waitFor();
      const count = Number((await page.locator('.lesson__count').innerText()).match(/of (\d+)/)[1]);
      assert.ok(count >= 2, `${file} has ${count} steps`);
      const hashes = [await pausedHash(page)];
      for (let i = 1; i < count; i++) {
        await button(page, 'Next').click();
        await page.waitForFunction((i) => document.querySelector('.lesson')?.dataset.step === String(i), i);
        hashes.push(await pausedHash(page));
      }
      assert.ok(await button(page, 'Next').isDisabled());
      await button(page, 'Back').click();
      await page.waitForFunction((i) => document.querySelector('.lesson')?.dataset.step === String(i), count - 2);
      assert.equal(await pausedHash(page), hashes[count - 2], `${file}: Back`);
    }
    assert.deepEqual(errors, []);
  }, { name: 'teach-lessons', path: '?seed=1&speed=1' }));

test('an exercise is solved when its goal is reached, and not before', () =>
  withPlayground(async ({ page, errors }) => {
    await loadScenario(page, 'exercise-two-leaders.scn');
    const goal = page.locator('[data-goal]');
    await goal.waitFor();
    assert.equal(await goal.getAttribute('data-goal'), 'pending');
    await button(page, 'Play').click();
    await page.waitForTimeout(1500);
    assert.equal(await goal.getAttribute('data-goal'), 'pending', 'not solved by waiting');
    const leader = await waitForLeader(page);
    const others = ['S1', 'S2', 'S3', 'S4', 'S5'].filter((s) => s !== leader).join(' ');
    await page.getByLabel('Partition groups').fill(`${others} | ${leader}`);
    await button(page, 'Partition').click();
    await page.waitForFunction(() => document.querySelector('[data-goal]')?.dataset.goal === 'met', null, { timeout: 20_000 });
    assert.match(await page.locator('.goal__status').innerText(), /Solved/);
    assert.deepEqual(errors, []);
  }, { name: 'teach-exercise', path: '?seed=1&speed=1' }));
