import { readFileSync } from 'node:fs';
// The playground page, driven the way a person drives it: click servers and buttons,
// type into the fields, press keys. Every run is deterministic: `?seed=` fixes the
// cluster's randomness and `?speed=` how fast simulated time runs (1 is real time).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';

/** Waits for a live leader and returns its id (`S3`), optionally one other than `not`. */
async function waitForLeader(page, { not = null, timeout = 20_000 } = {}) {
  const handle = await page.waitForFunction((not) => {
    const leaders = [...document.querySelectorAll('[data-server][data-role="leader"][data-alive="true"]')]
      .map((el) => el.dataset.server)
      .filter((id) => id !== not);
    return leaders.length > 0 ? leaders[0] : null;
  }, not, { timeout });
  return handle.jsonValue();
}

/** The status line's numbers. */
async function status(page) {
  return page.$eval('.status', (el) => ({
    term: Number(el.dataset.term),
    leader: el.dataset.leader,
    timeUs: Number(el.dataset.simTimeUs),
    events: Number(el.dataset.events),
    safety: el.dataset.safety,
  }));
}

async function servers(page) {
  return page.$$eval('[data-server]', (els) => els.map((el) => ({
    id: el.dataset.server, role: el.dataset.role, alive: el.dataset.alive === 'true', term: Number(el.dataset.term),
  })));
}

const button = (page, name) => page.getByRole('button', { name, exact: true });

test('the page loads with no console error, draws 5 servers, and elects a leader', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForSelector('[data-server]');
    const drawn = await servers(page);
    assert.deepEqual(drawn.map((s) => s.id), ['S1', 'S2', 'S3', 'S4', 'S5']);
    assert.ok(drawn.every((s) => s.alive && ['follower', 'candidate', 'leader'].includes(s.role)));
    const leader = await waitForLeader(page);
    assert.match(leader, /^S[1-5]$/);
    assert.equal((await status(page)).safety, 'ok');
    // The legend names every symbol.
    for (const text of ['RequestVote', 'Vote granted', 'Vote refused', 'AppendEntries with entries',
      'Heartbeat (empty AppendEntries)', 'Append succeeded', 'Append failed', 'Dropped message', 'Configuration C_old,new']) {
      assert.ok(await page.getByText(text, { exact: true }).isVisible(), `legend shows ${text}`);
    }
    // Every control has an accessible name.
    const unnamed = await page.$$eval('button, input, select, [role="button"]', (els) => els
      .filter((el) => !(el.getAttribute('aria-label') || [...(el.labels ?? [])].some((l) => l.textContent.trim())
        || el.textContent.trim()))
      .map((el) => el.outerHTML.slice(0, 80)));
    assert.deepEqual(unnamed, []);
    await screenshot(page, 'playground-desktop');
    assert.deepEqual(errors, []);
  }, { name: 'playground-load', path: '?seed=1&speed=1' }));

test('"Kill leader" crashes the leader and another server takes over', () =>
  withPlayground(async ({ page, errors }) => {
    const first = await waitForLeader(page);
    const termBefore = (await status(page)).term;
    await button(page, 'Kill leader').click();
    await page.waitForSelector(`[data-server="${first}"][data-alive="false"]`);
    const second = await waitForLeader(page, { not: first });
    assert.notEqual(second, first);
    assert.ok((await status(page)).term > termBefore, 'the new leader has a higher term');
    const crashed = await page.$eval(`[data-server="${first}"]`, (el) => el.dataset.role);
    assert.notEqual(crashed, 'leader', 'a crashed server is not drawn as leader');
    assert.deepEqual(errors, []);
  }, { name: 'kill-leader', path: '?seed=3&speed=2' }));

test('"Split vote" gives a term with several candidates and no winner, then a leader', () =>
  withPlayground(async ({ page, errors }) => {
    const first = await waitForLeader(page);
    // Record, on every change of the ring, which servers are candidates and leaders by term.
    await page.evaluate(() => {
      window.__terms = {};
      const record = () => {
        for (const el of document.querySelectorAll('[data-server][data-alive="true"]')) {
          const t = (window.__terms[el.dataset.term] ??= { candidates: [], leaders: [] });
          const list = el.dataset.role === 'candidate' ? t.candidates : el.dataset.role === 'leader' ? t.leaders : null;
          if (list && !list.includes(el.dataset.server)) list.push(el.dataset.server);
        }
      };
      new MutationObserver(record).observe(document.querySelector('.ring'), { subtree: true, attributes: true, childList: true });
    });
    const termBefore = (await status(page)).term;
    await button(page, 'Split vote crashes the leader first').click();
    await page.waitForSelector(`[data-server="${first}"][data-alive="false"]`);
    await page.waitForFunction((termBefore) => {
      const leader = document.querySelector('[data-server][data-role="leader"][data-alive="true"]');
      return leader && Number(leader.dataset.term) > termBefore + 1;
    }, termBefore);
    const terms = await page.evaluate(() => window.__terms);
    const split = Object.entries(terms).find(([term, t]) =>
      Number(term) > termBefore && t.candidates.length >= 2 && t.leaders.length === 0);
    assert.ok(split, `a term after ${termBefore} had several candidates and no leader: ${JSON.stringify(terms)}`);
    assert.deepEqual(errors, []);
  }, { name: 'split-vote', path: '?seed=5&speed=1' }));

test('"Add server" adds S6 through C_old,new to C_new, showing each phase', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.evaluate(() => {
      window.__phases = [];
      const record = () => {
        const phase = document.querySelector('.membership')?.dataset.phase;
        if (phase && window.__phases.at(-1) !== phase) window.__phases.push(phase);
      };
      new MutationObserver(record).observe(document.querySelector('.app'), { subtree: true, attributes: true, childList: true });
    });
    await button(page, 'Add server').click();
    await page.waitForSelector('[data-server="S6"]');
    await page.waitForSelector('.membership[data-finished="true"]', { timeout: 30_000 });
    const phases = await page.evaluate(() => window.__phases);
    const order = ['catching-up', 'joint-appended', 'joint-committed', 'new-appended', 'new-committed'];
    const seen = phases.filter((p) => order.includes(p));
    assert.deepEqual(seen, [...seen].sort((a, b) => order.indexOf(a) - order.indexOf(b)), `phases in order: ${phases}`);
    assert.ok(seen.some((p) => p.startsWith('joint')), `C_old,new was shown: ${phases}`);
    assert.equal(seen.at(-1), 'new-committed');
    for (const step of order.slice(1)) {
      assert.ok(await page.isVisible(`[data-phase-step="${step}"].phase--done`), `${step} is marked done`);
    }
    assert.ok(await page.isVisible('[data-log="S6"]'), 'S6 has a log row');
    assert.ok((await page.$$('.cell--joint')).length > 0, 'a C_old,new entry is in the logs');
    assert.ok((await page.$$('.cell--new')).length > 0, 'a C_new entry is in the logs');
    assert.equal(await page.getAttribute('[data-server="S6"]', 'data-voter'), 'true');
    await screenshot(page, 'playground-add-server');
    assert.deepEqual(errors, []);
  }, { name: 'add-server', path: '?seed=7&speed=0.3' }));

test('"Remove S5" takes a server out of the cluster through joint consensus; it runs on until "Shut down S5"', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.click('[data-server="S5"]');
    await button(page, 'Remove S5').click();
    await page.waitForSelector('.membership[data-finished="true"]', { timeout: 30_000 });
    // Out of the cluster, still running (§6): not shut down until someone does it.
    await page.waitForSelector('[data-server="S5"][data-removed="true"][data-retired="false"]');
    assert.equal(await page.$$eval('[data-kv-server]', (rows) => rows.length), 5, 'S5 still runs its state machine');
    if (!(await page.isVisible('[data-panel="S5"]'))) await page.click('[data-server="S5"]');
    await page.click('[data-shutdown="S5"]');
    await page.waitForSelector('[data-server="S5"][data-retired="true"]');
    assert.equal(await page.$$eval('[data-kv-server]', (rows) => rows.length), 4, 'S5 no longer has a state machine row');
    await waitForLeader(page, { not: 'S5' });
    assert.equal((await status(page)).safety, 'ok');
    assert.deepEqual(errors, []);
  }, { name: 'remove-server', path: '?seed=12&speed=1' }));

test('a leader cut off in a minority is replaced, and steps down after "Heal"', () =>
  withPlayground(async ({ page, errors }) => {
    const old = await waitForLeader(page);
    const others = (await servers(page)).map((s) => s.id).filter((id) => id !== old);
    const minority = [old, others[0]];
    const majority = others.slice(1);
    await page.getByLabel('Partition groups').fill(`${minority.join(' ')} | ${majority.join(' ')}`);
    await button(page, 'Partition').click();
    await page.waitForSelector('.link--cut');
    const replacement = await page.waitForFunction((majority) => {
      const leader = [...document.querySelectorAll('[data-server][data-role="leader"]')]
        .find((el) => majority.includes(el.dataset.server));
      return leader ? leader.dataset.server : null;
    }, majority, { timeout: 20_000 });
    const newLeader = await replacement.jsonValue();
    assert.ok(majority.includes(newLeader));
    // The old leader does not know yet: it still thinks it leads, in its old term.
    assert.equal(await page.getAttribute(`[data-server="${old}"]`, 'data-role'), 'leader');
    await screenshot(page, 'playground-partition');
    await button(page, 'Heal').click();
    await page.waitForFunction((old) =>
      document.querySelector(`[data-server="${old}"]`).dataset.role !== 'leader', old, { timeout: 20_000 });
    assert.equal(await page.$$eval('.link--cut', (els) => els.length), 0);
    assert.equal((await status(page)).safety, 'ok');
    assert.deepEqual(errors, []);
  }, { name: 'partition', path: '?seed=11&speed=1' }));

test('a client request\'s value reaches the state of every live server; bad input is explained inline', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    const field = page.getByLabel('Request', { exact: true });
    await field.fill('frob x');
    await button(page, 'Send').click();
    assert.match(await page.textContent('#request-help'), /Unknown operation frob/);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await field.fill('set x 3');
    await button(page, 'Send').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-kv-server]')];
      return rows.length === 5 && rows.every((row) => row.dataset.kv.split(' ').includes('x=3'));
    });
    assert.ok(await page.getByText('ok (from S', { exact: false }).first().isVisible(), 'the request list shows the reply');
    assert.deepEqual(errors, []);
  }, { name: 'client-request', path: '?seed=13&speed=2' }));

test('Pause stops simulated time and requests no animation frame; Play resumes', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await button(page, 'Pause').click();
    await page.waitForSelector('button[aria-label="Play"]');
    // Count every requestAnimationFrame call from now on.
    await page.evaluate(() => {
      window.__rafCalls = 0;
      const original = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (callback) => { window.__rafCalls += 1; return original(callback); };
    });
    const before = await status(page);
    const framesBefore = await page.evaluate(() => window.__rafCount);
    await page.waitForTimeout(1_000);
    const after = await status(page);
    assert.equal(after.timeUs, before.timeUs, 'simulated time stands still');
    assert.equal(after.events, before.events);
    assert.equal(await page.evaluate(() => window.__rafCalls), 0, 'no frame requested while paused');
    assert.equal(await page.evaluate(() => window.__rafCount), framesBefore, 'no frame ran while paused');
    // Step runs exactly one event.
    await button(page, 'Step').click();
    assert.equal((await status(page)).events, before.events + 1);
    await button(page, 'Play').click();
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t, after.timeUs);
    assert.ok(await page.evaluate(() => window.__rafCalls) > 0);
    assert.deepEqual(errors, []);
  }, { name: 'pause', path: '?seed=2&speed=1' }));

test('a hidden tab requests no animation frame, and the cluster resumes without a jump when shown', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    const setHidden = (hidden) => page.evaluate((hidden) => {
      Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
      Object.defineProperty(document, 'visibilityState', { value: hidden ? 'hidden' : 'visible', configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, hidden);
    await setHidden(true);
    await page.evaluate(() => {
      window.__rafCalls = 0;
      const original = window.requestAnimationFrame.bind(window);
      window.requestAnimationFrame = (callback) => { window.__rafCalls += 1; return original(callback); };
    });
    const before = await status(page);
    await page.waitForTimeout(1_000);
    assert.equal(await page.evaluate(() => window.__rafCalls), 0, 'no frame requested while hidden');
    assert.equal((await status(page)).timeUs, before.timeUs);
    await setHidden(false);
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t, before.timeUs);
    // The hidden second is not made up for: at speed 1, far less than 1 s of simulated time passes at once.
    assert.ok((await status(page)).timeUs - before.timeUs < 500_000);
    assert.deepEqual(errors, []);
  }, { name: 'hidden-tab', path: '?seed=2&speed=1' }));

test('with reduced motion asked for, the cluster starts paused and says why', () =>
  withPlayground(async ({ page, errors }) => {
    // Let the first load finish (a reload would abort its requests), then reload with
    // reduced motion asked for.
    await page.waitForSelector('[data-server]');
    await page.waitForLoadState('networkidle');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.reload();
    await page.waitForSelector('[data-server]');
    await page.waitForSelector('button[aria-label="Play"]');
    assert.match(await page.textContent('.toasts'), /reduced motion/);
    assert.equal((await status(page)).timeUs, 0);
    assert.deepEqual(errors, []);
  }, { name: 'reduced-motion' }));

test('keyboard shortcuts: Space pauses and plays, ? lists the shortcuts, L kills the leader', () =>
  withPlayground(async ({ page, errors }) => {
    const leader = await waitForLeader(page);
    await page.keyboard.press('Space');
    await page.waitForSelector('button[aria-label="Play"]');
    await page.keyboard.press('?');
    await page.waitForSelector('[role="dialog"]');
    assert.ok(await page.getByText('Kill the leader').isVisible());
    await page.keyboard.press('Escape');
    await page.waitForSelector('[role="dialog"]', { state: 'detached' });
    await page.keyboard.press('l');
    await page.waitForSelector(`[data-server="${leader}"][data-alive="false"]`);
    await page.keyboard.press('Space');
    await page.waitForSelector('button[aria-label="Pause"]');
    assert.deepEqual(errors, []);
  }, { name: 'keyboard', path: '?seed=4&speed=1' }));

test('a server\'s own actions: crash and restart it; a refused action is a transient message', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.click('[data-server="S2"]');
    await button(page, 'Crash S2').click();
    await page.waitForSelector('[data-server="S2"][data-alive="false"]');
    await button(page, 'Restart S2').click();
    await page.waitForSelector('[data-server="S2"][data-alive="true"]');
    // Everyone is up: "Revive all" has nothing to do, and says so.
    await button(page, 'Revive all').click();
    await page.waitForSelector('.toast');
    assert.match(await page.textContent('.toast'), /already running/);
    assert.deepEqual(errors, []);
  }, { name: 'server-actions', path: '?seed=6&speed=1' }));

test('clicking a message in flight drops it', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await button(page, 'Pause').click();
    // Step until a message is on the wire.
    for (let i = 0; i < 50 && !(await page.$('.msg[role="button"]')); i++) {
      await button(page, 'Step').click();
    }
    const id = await page.getAttribute('.msg[role="button"]', 'data-message');
    assert.ok(id, 'a message is in flight');
    await page.click(`[data-message="${id}"]`, { force: true });
    await page.waitForSelector(`[data-message="${id}"].msg--dropped`);
    assert.deepEqual(errors, []);
  }, { name: 'drop-message', path: '?seed=8&speed=1' }));

test('on a 390×844 phone everything fits with no sideways scrolling, and tapping works', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.equal(overflow, 0, 'no horizontal scroll');
    await page.click('[data-server="S1"]');
    await button(page, 'Crash S1').click();
    await page.waitForSelector('[data-server="S1"][data-alive="false"]');
    for (const name of ['Kill leader', 'Split vote crashes the leader first', 'Add server', 'Heal', 'Pause', 'Step', 'Send']) {
      const box = await button(page, name).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 390, `${name} is on screen`);
    }
    await screenshot(page, 'playground-phone');
    assert.deepEqual(errors, []);
  }, { name: 'phone', path: '?seed=9&speed=1', viewport: { width: 390, height: 844 } }));

test('URL parameters set the seed, the cluster size and the speed', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForSelector('[data-server]');
    assert.equal((await servers(page)).length, 3);
    assert.equal(await page.inputValue('.speed__slider'), '0');
    assert.match(await page.textContent('.speed__value'), /^1×$/);
    assert.equal(await page.getByLabel('Seed').inputValue(), '77');
    assert.deepEqual(errors, []);
  }, { name: 'params', path: '?seed=77&servers=3&speed=1' }));

test('bench mode runs the standard workload and reports its numbers', () =>
  withPlayground(async ({ page, errors }) => {
    await page.waitForSelector('#bench[data-done="true"]', { timeout: 180_000 });
    const result = JSON.parse(await page.textContent('#bench'));
    assert.ok(result.events > 0 && result.sim_seconds > 0 && result.wall_ms > 0 && result.events_per_sec > 0,
      JSON.stringify(result));
    console.log(`bench: ${JSON.stringify(result)}`);
    // Determinism across platforms: the wasm build ends the standard workload in the same
    // state as the native build (tests/determinism.rs checks the same recorded hash).
    const expected = readFileSync(new URL('../fixtures/standard-workload.hash', import.meta.url), 'utf8').trim();
    assert.equal(result.state_hash, expected, 'wasm and native runs of the standard workload differ');
    assert.deepEqual(errors, []);
  }, { name: 'bench', path: '?bench=sim' }));
