// "See inside": time travel, the space-time diagram, the safety monitor with its
// break-switches, and the joint-consensus quorum meters, driven as a person drives them.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';

// Where on the screen the point `at` (0 to 1) along an arrow's line is.
const pointOnArrow = (page, id, at) => page.$eval(`[data-arrow="${id}"] .arrow__line`, (l, at) => {
  const m = l.getScreenCTM();
  const [x1, y1, x2, y2] = [l.x1, l.y1, l.x2, l.y2].map((a) => a.baseVal.value);
  const p = new DOMPoint(x1 + at * (x2 - x1), y1 + at * (y2 - y1)).matrixTransform(m);
  return { x: p.x, y: p.y };
}, at);

const button = (page, name) => page.getByRole('button', { name, exact: true });

async function waitForLeader(page) {
  await page.waitForSelector('[data-server][data-role="leader"][data-alive="true"]', { timeout: 20_000 });
}

/** Everything the ring and the logs show: roles, terms, liveness, every log cell, the states. */
async function snapshot(page) {
  return page.evaluate(() => ({
    time: document.querySelector('.status').dataset.simTimeUs,
    servers: [...document.querySelectorAll('[data-server]')].map((el) =>
      [el.dataset.server, el.dataset.role, el.dataset.term, el.dataset.alive].join(' ')),
    logs: [...document.querySelectorAll('[data-log]')].map((row) =>
      [...row.querySelectorAll('.cell title')].map((t) => t.textContent).join(' | ')),
    kv: [...document.querySelectorAll('[data-kv-server]')].map((el) => el.dataset.kv),
  }));
}

async function request(page, text) {
  const field = page.getByLabel('Request', { exact: true });
  await field.fill(text);
  await field.press('Enter');
}

test('scrubbing back restores an earlier state exactly; acting there forks the run', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await request(page, 'set x 1');
    await page.waitForFunction(() => document.querySelector('[data-kv-server="S1"]')?.dataset.kv === 'x=1');
    // Play on past the request, so that t1 (200 ms before the pause) has a leader however
    // fast this machine reached the pause.
    const applied = Number(await page.$eval('.status', (el) => el.dataset.simTimeUs));
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t + 400_000, applied);
    await button(page, 'Pause').click();
    const timeline = page.getByRole('slider', { name: 'Timeline' });
    const t1 = Math.floor(Number(await page.$eval('.status', (el) => el.dataset.simTimeUs)) / 1000) - 200;
    await timeline.fill(String(t1));
    const before = await snapshot(page);
    assert.equal(before.time, String(t1 * 1000));
    // Run on, change the logs and kill the leader, then come back.
    await button(page, 'Play').click();
    await page.waitForFunction((t) => Number(document.querySelector('.status').dataset.simTimeUs) > t + 100_000, t1 * 1000);
    await request(page, 'set y 2');
    await page.waitForFunction(() => document.querySelector('[data-kv-server="S1"]')?.dataset.kv.includes('y=2'));
    await button(page, 'Kill leader').click();
    await page.waitForTimeout(500);
    await button(page, 'Pause').click();
    const later = await snapshot(page);
    assert.notDeepEqual(later.logs, before.logs, 'the run moved on');
    await timeline.fill(String(t1));
    assert.deepEqual(await snapshot(page), before, 'the same roles, terms, logs and states as at t1');
    // One event back and one forward.
    const events = Number(await page.$eval('.status', (el) => el.dataset.events));
    await button(page, 'Step back').click();
    assert.equal(Number(await page.$eval('.status', (el) => el.dataset.events)), events - 1);
    await button(page, 'Step').click();
    assert.equal(Number(await page.$eval('.status', (el) => el.dataset.events)), events);
    // Acting in the past forks: the old future (up to the horizon) is gone.
    const horizon = Number(await page.$eval('.timebar', (el) => el.dataset.horizonUs));
    assert.ok(horizon > t1 * 1000 + 400_000, 'the run went on past t1');
    await button(page, 'Revive all').click(); // nothing to revive at t1: refused, no fork
    await page.getByText('Every server is already running.').waitFor();
    const forks = () => page.$$eval('.toast', (els) => els.filter((el) => el.textContent.includes('Run forked at')).length);
    const forksBefore = await forks();
    await button(page, 'Kill leader').click();
    await page.waitForFunction((n) => [...document.querySelectorAll('.toast')]
      .filter((el) => el.textContent.includes('Run forked at')).length > n, forksBefore);
    const after = Number(await page.$eval('.timebar', (el) => el.dataset.horizonUs));
    assert.ok(after < horizon, `the horizon came back to now (${after} < ${horizon})`);
    await screenshot(page, 'inside-forked');
    assert.deepEqual(errors, []);
  }, { name: 'time-travel', path: '?seed=5&speed=1' }));

test('the space-time diagram draws an arrow per delivered message; hover, select and drop', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.waitForTimeout(1_000);
    await button(page, 'Pause').click();
    const svg = page.locator('.diagram__svg');
    const counts = async () => ({
      drawn: await page.locator('.arrow--delivered').count(),
      exposed: Number(await svg.getAttribute('data-delivered')),
      span: Number(await svg.getAttribute('data-to-us')) - Number(await svg.getAttribute('data-from-us')),
    });
    const c = await counts();
    assert.ok(c.drawn > 20, `arrows drawn: ${c.drawn}`);
    assert.equal(c.drawn, c.exposed);
    await button(page, 'Zoom in').click();
    const zoomed = await counts();
    assert.equal(zoomed.span, c.span / 2);
    assert.equal(zoomed.drawn, zoomed.exposed);
    assert.ok(zoomed.drawn < c.drawn);
    await button(page, 'Zoom out').click();
    // Hovering an arrow highlights it; selecting it lists its fields. An arrow is one thin
    // line and the diagram picks the arrow nearest the pointer (whose position the browser
    // gives in whole pixels), so point at the middle of the delivered arrow that lies
    // farthest from every other one: a heartbeat's arrows fan out from one point, and a
    // reply runs close beside its request.
    await svg.scrollIntoViewIfNeeded();
    const { id, middle } = await page.$$eval('.arrow .arrow__line', (lines) => {
      const segments = lines.map((l) => {
        const m = l.getScreenCTM();
        const at = (x, y) => new DOMPoint(x, y).matrixTransform(m);
        return {
          id: l.parentElement.dataset.arrow,
          delivered: l.parentElement.classList.contains('arrow--delivered'),
          a: at(l.x1.baseVal.value, l.y1.baseVal.value),
          b: at(l.x2.baseVal.value, l.y2.baseVal.value),
        };
      });
      const distance = ({ a, b }, x, y) => {
        const [dx, dy] = [b.x - a.x, b.y - a.y];
        const len2 = dx * dx + dy * dy;
        const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - a.x) * dx + (y - a.y) * dy) / len2)) : 0;
        return Math.hypot(a.x + t * dx - x, a.y + t * dy - y);
      };
      let best = null;
      for (const s of segments.filter((s) => s.delivered)) {
        const [x, y] = [Math.round((s.a.x + s.b.x) / 2), Math.round((s.a.y + s.b.y) / 2)];
        const clearance = Math.min(...segments.filter((o) => o !== s).map((o) => distance(o, x, y)));
        if (!best || clearance > best.clearance) best = { id: s.id, middle: { x, y }, clearance };
      }
      return best;
    });
    await page.mouse.move(middle.x, middle.y);
    await page.waitForSelector(`.arrow--hot[data-arrow="${id}"]`);
    await page.mouse.click(middle.x, middle.y);
    const detail = page.locator(`[data-message-detail="${id}"]`);
    await detail.waitFor();
    for (const field of ['from', 'to', 'term', 'sent at', 'arrives at', 'fate']) {
      assert.ok(await detail.getByText(field, { exact: true }).isVisible(), `shows ${field}`);
    }
    // Step until a message is in flight, then drop it by clicking its arrow.
    // (one long enough to click: a message just sent has no length yet).
    const longInFlight = () => page.$$eval('.arrow--in-flight .arrow__line', (lines) => {
      const line = lines.find((l) => Math.abs(l.x2.baseVal.value - l.x1.baseVal.value) > 8);
      return line ? line.parentElement.dataset.arrow : null;
    });
    await button(page, 'Zoom in').click();
    await button(page, 'Zoom in').click();
    let flyingId = await longInFlight();
    for (let i = 0; i < 60 && !flyingId; i++) {
      await button(page, 'Step').click();
      flyingId = await longInFlight();
    }
    assert.ok(flyingId, 'a message in flight');
    // Click its tip (where it is now); the arrow on top there is the one dropped.
    const dropped = () => page.locator('.arrow--dropped').count();
    const droppedBefore = await dropped();
    await page.locator(`[data-arrow="${flyingId}"]`).scrollIntoViewIfNeeded();
    const tip = await pointOnArrow(page, flyingId, 0.9);
    await page.mouse.click(tip.x, tip.y);
    await page.waitForFunction((n) => document.querySelectorAll('.arrow--dropped').length > n, droppedBefore);
    assert.equal(await page.locator('.arrow--dropped .arrow__drop').count(), droppedBefore + 1, 'it ends in a ×');
    await screenshot(page, 'inside-diagram');
    assert.deepEqual(errors, []);
  }, { name: 'diagram', path: '?seed=2&speed=1' }));

test('the monitor catches the Figure 8 break and highlights the involved servers and entries', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    assert.equal(await page.locator('[data-modified]').count(), 0);
    assert.equal(await page.locator('.prop[data-status="ok"]').count(), 6);
    await page.getByRole('button', { name: 'Show me — Commit old terms by counting' }).click();
    await page.waitForSelector('.violation');
    const violated = await page.$$eval('.prop[data-status="violated"]', (els) => els.map((el) => el.dataset.property));
    assert.ok(violated.includes('leader-completeness') || violated.includes('state-machine-safety'), violated.join());
    assert.ok(await page.locator('.server--involved').count() > 0, 'servers highlighted in the ring');
    const cells = await page.$$eval('.cell--involved', (els) => els.map((el) => el.dataset.index));
    assert.ok(cells.length > 0 && cells.includes('2'), `entries highlighted: ${cells}`);
    assert.ok(await page.locator('[data-modified]').isVisible(), 'the run is marked as modified Raft');
    assert.ok(await page.getByRole('switch', { name: 'Commit old terms by counting' }).isChecked());
    assert.match(await page.locator('.violation__why').textContent(), /Figure 8/);
    await screenshot(page, 'inside-figure-8');
    // Scrubbing to the start goes back before the violation: the monitor follows.
    await page.getByRole('slider', { name: 'Timeline' }).fill('0');
    await page.waitForSelector('.prop[data-status="violated"]', { state: 'detached' });
    assert.equal(await page.locator('.cell--involved').count(), 0);
    assert.deepEqual(errors, []);
  }, { name: 'figure-8-monitor', path: '?seed=1&speed=1' }));

test('a break-switch marks the run as modified Raft', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.getByRole('switch', { name: 'Equal election timeouts' }).check();
    await page.waitForSelector('[data-modified]');
    await page.getByRole('switch', { name: 'Equal election timeouts' }).uncheck();
    await page.waitForSelector('[data-modified]', { state: 'detached' });
    assert.deepEqual(errors, []);
  }, { name: 'break-switch', path: '?seed=1&speed=1' }));

test('during an "Add server" change both quorum meters are shown once C_old,new is in force', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await button(page, 'Pause').click();
    assert.equal(await page.locator('[data-quorum]').count(), 0);
    await button(page, 'Add server').click();
    await page.waitForSelector('[data-quorum] [data-meter="old"]');
    // Step into C_old,new: every server's configuration is listed, and both halves count.
    for (let i = 0; i < 200; i++) {
      const phase = await page.$eval('.membership', (el) => el.dataset.phase);
      if (phase === 'joint-appended' || phase === 'joint-committed') break;
      await button(page, 'Step').click();
    }
    const meters = await page.$$eval('[data-quorum] [data-meter]', (els) => els.map((el) => el.dataset.meter));
    assert.ok(meters.includes('old') && meters.includes('new'), meters.join());
    assert.ok(await page.locator('[data-config-server="S6"]').isVisible());
    // Selecting a server shows its full state.
    await page.locator('[data-server="S1"]').click();
    const inspector = page.locator('[data-inspector="S1"]');
    for (const field of ['currentTerm', 'votedFor', 'commitIndex', 'lastApplied', 'configuration']) {
      assert.ok(await inspector.getByText(field, { exact: true }).isVisible(), `shows ${field}`);
    }
    await screenshot(page, 'inside-quorum');
    assert.deepEqual(errors, []);
  }, { name: 'quorum', path: '?seed=3&speed=1' }));
