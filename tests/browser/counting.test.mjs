// The counting, visible: a candidate's tally, the leader's quorum meters on the ring during
// a membership change (only the configurations in force), the header's stale leader, and
// the monitor explaining a violation by the rule that was broken. Driven by keys and
// clicks; checked through data-* attributes, so the checks hold in either language.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, withPlayground } from './helpers.mjs';
import { key, pause, waitForLeader } from './ring.mjs';

/** Parses a tally such as `only:2/5/3 ` into [{ half, have, members, need }]. */
const parseTally = (text) => text.trim().split(/\s+/).filter(Boolean).map((part) => {
  const [half, counts] = part.split(':');
  const [have, members, need] = counts.split('/').map(Number);
  return { half, have, members, need };
});

test('a candidate shows its tally, and each vote pip says whose vote it is', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await pause(page);
    // Split vote: the leader crashes and every other server times out at once. Step, event
    // by event, until the candidates have had some answers.
    await key(page, 'v');
    for (let i = 0; i < 400; i++) {
      const answered = await page.$$eval('[data-role="candidate"] .pip--granted, [data-role="candidate"] .pip--refused',
        (els) => els.length);
      const waiting = await page.locator('[data-role="candidate"] .pip--waiting').count();
      if (answered > 4 && waiting > 0) break;
      await key(page, 'n');
    }
    const candidates = await page.$$eval('[data-server][data-role="candidate"][data-alive="true"]', (els) => els.map((el) => ({
      id: el.dataset.server,
      tally: el.querySelector('.server__note')?.dataset.tally ?? '',
      lines: el.querySelectorAll('.server__note tspan').length,
      voters: [...el.querySelectorAll('.pip')].map((p) => p.dataset.voter),
      granted: [...el.querySelectorAll('.pip--granted')].map((p) => p.dataset.voter),
      titles: [...el.querySelectorAll('.pip title')].map((t) => t.textContent),
      label: el.querySelector('[role="button"]').getAttribute('aria-label'),
    })));
    assert.ok(candidates.length > 0);
    for (const c of candidates) {
      const tally = parseTally(c.tally);
      // Five voters, no change in progress: one count against the one configuration.
      assert.equal(tally.length, 1, `${c.id}: ${c.tally}`);
      assert.deepEqual(tally[0], { half: 'only', have: c.granted.length, members: 5, need: 3 }, c.id);
      assert.equal(c.lines, 1);
      assert.deepEqual(c.voters, ['S1', 'S2', 'S3', 'S4', 'S5']);
      assert.ok(c.granted.includes(c.id), `${c.id} votes for itself`);
      // Each pip's label names the voter and the candidate.
      c.titles.forEach((title, i) => {
        assert.ok(title.includes(c.voters[i]) && title.includes(c.id), `${c.id}'s pip ${i}: ${title}`);
      });
      assert.ok(c.label.includes(String(c.granted.length)), c.label);
    }
    await screenshot(page, 'counting-tally');
    assert.deepEqual(errors, []);
  }, { name: 'counting-tally', path: '?seed=5&speed=0.5' }));

test('during "Add server" the leader shows C_old alone while the learner catches up, then C_old and C_new', () =>
  withPlayground(async ({ page, errors }) => {
    const leader = await waitForLeader(page);
    await pause(page);
    assert.equal(await page.locator('[data-ring-meters]').count(), 0, 'no meters outside a change');
    await key(page, 'a');
    const meters = page.locator('.ring [data-ring-meters]');
    await meters.waitFor();
    assert.equal(await meters.getAttribute('data-ring-meters'), leader);
    const halves = () => page.$$eval('.ring [data-ring-meters] [data-meter]', (els) => els.map((el) => ({
      half: el.dataset.meter, members: Number(el.dataset.members), need: Number(el.dataset.need),
    })));
    // S6 catches up: every server still runs C_old, so C_old alone counts.
    assert.deepEqual(await halves(), [{ half: 'old', members: 5, need: 3 }]);
    const s6 = page.locator('[data-server="S6"]');
    assert.equal(await s6.getAttribute('data-voter'), 'false');
    assert.equal(await s6.locator('.server__note--learner').count(), 1, 'S6 is drawn as not counted');
    assert.equal(await page.locator('[data-quorum] [data-meter="new"]').count(), 0, 'no C_new meter in the panel either');
    await screenshot(page, 'counting-catching-up');
    // Step into C_old,new: both halves count, next to the leader.
    let both = false;
    for (let i = 0; i < 400 && !both; i++) {
      await key(page, 'n');
      const h = await halves();
      if (h.some((m) => m.half === 'new')) {
        if (h.length === 2) {
          assert.deepEqual(h, [{ half: 'old', members: 5, need: 3 }, { half: 'new', members: 6, need: 4 }]);
          both = true;
        } else {
          assert.fail(`C_new without C_old before C_old,new: ${JSON.stringify(h)}`);
        }
      }
    }
    assert.ok(both, 'C_old,new came into force');
    assert.equal(await s6.locator('.server__note--learner').count(), 0, 'S6 counts in C_new now');
    // The leader counts S6 as soon as C_old,new is in the leader's log, before it reaches S6:
    // S6 is a voter then, not "catching up".
    assert.equal(await s6.getAttribute('data-voter'), 'true');
    // The meters sit beside the leader: nearer to it than to any other server.
    const near = await page.evaluate(() => {
      const centre = (el) => { const b = el.getBoundingClientRect(); return [b.x + b.width / 2, b.y + b.height / 2]; };
      const [mx, my] = centre(document.querySelector('[data-ring-meters]'));
      const discs = [...document.querySelectorAll('[data-server]')].map((el) => {
        const [x, y] = centre(el.querySelector('.server__disc'));
        return { id: el.dataset.server, d: Math.hypot(x - mx, y - my) };
      });
      discs.sort((a, b) => a.d - b.d);
      return discs[0].id;
    });
    assert.equal(near, leader);
    // The leader's no-op entry is marked as one in the logs.
    assert.ok(await page.locator(`[data-log="${leader}"] .cell[data-kind="noop"] .cell__glyph`).count() > 0);
    await screenshot(page, 'counting-joint');
    assert.deepEqual(errors, []);
  }, { name: 'counting-meters', path: '?seed=3&speed=1' }));

test('a change whose leader dies while S6 catches up is lost: the panel says so, and S6 is not a member', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await pause(page);
    await key(page, 'a');
    const panel = page.locator('.membership');
    await panel.waitFor();
    assert.equal(await panel.getAttribute('data-phase'), 'catching-up');
    assert.equal(await panel.getAttribute('data-finished'), 'false');
    const s6 = page.locator('[data-server="S6"]');
    assert.equal(await s6.locator('.server__note--learner').count(), 1, 'S6 catches up, not counted');
    await key(page, 'l');
    // Before the fix the panel said "catching up" for ever: the next leader knows nothing of it.
    await page.locator('[data-note="change-lost"]').waitFor();
    assert.equal(await panel.getAttribute('data-finished'), 'true');
    assert.equal(await panel.locator('.phase--current').count(), 0, 'no step in progress');
    // The catch-up never finished: that step failed; nothing after it was reached.
    assert.equal(await panel.locator('[data-phase-step="catching-up"].phase--failed').count(), 1);
    assert.equal(await panel.locator('.phase--done').count(), 0);
    assert.equal(await s6.locator('.server__note--learner').count(), 0, 'nobody catches S6 up');
    assert.equal(await s6.getAttribute('data-voter'), 'false');
    await screenshot(page, 'counting-change-lost');
    assert.deepEqual(errors, []);
  }, { name: 'counting-change-lost', path: '?seed=3&speed=1' }));

test('the header shows the newest term\'s leader and marks the old one as stale', () =>
  withPlayground(async ({ page, errors }) => {
    const old = await waitForLeader(page);
    await pause(page);
    const oldTerm = Number(await page.locator(`[data-server="${old}"]`).getAttribute('data-term'));
    const others = (await page.$$eval('[data-server]', (els) => els.map((el) => el.dataset.server))).filter((s) => s !== old);
    const groups = [[old, others[0]], others.slice(1)];
    const partition = groups.map((g) => g.join(' ')).join(' | ');
    const normal = (text) => text.split('|').map((g) => g.trim().split(/\s+/).sort().join(' ')).sort().join(' | ');
    assert.equal(await page.locator('[data-partition-now]').getAttribute('data-partition-now'), '', 'no partition yet');
    await page.locator('#partition-input').fill(partition);
    await page.locator('#partition-input').press('Enter');
    // The partition in force is shown as state.
    await page.waitForFunction(() => document.querySelector('[data-partition-now]')?.dataset.partitionNow);
    assert.equal(normal(await page.locator('[data-partition-now]').getAttribute('data-partition-now')), normal(partition));
    await key(page, 'k');
    await page.waitForSelector(`[data-stale-leader="${old}"]`, { timeout: 20_000 });
    await pause(page);
    const header = await page.$eval('.status', (el) => ({ term: Number(el.dataset.term), leader: el.dataset.leader }));
    const stale = page.locator(`[data-stale-leader="${old}"]`);
    assert.equal(Number(await stale.getAttribute('data-stale-term')), oldTerm);
    assert.ok(header.term > oldTerm, `newest term ${header.term} after ${oldTerm}`);
    assert.notEqual(header.leader, old, 'the header does not pair the new term with the stale leader');
    if (header.leader) {
      const t = Number(await page.locator(`[data-server="${header.leader}"]`).getAttribute('data-term'));
      assert.equal(t, header.term, 'the header\'s leader leads the newest term');
    }
    const text = await stale.innerText();
    assert.ok(text.includes(old) && text.includes(String(oldTerm)), text);
    await screenshot(page, 'counting-stale-leader');
    assert.deepEqual(errors, []);
  }, { name: 'counting-stale', path: '?seed=4&speed=1' }));

test('the single-step membership violation is explained by two disjoint majorities (§6)', () =>
  withPlayground(async ({ page, errors }) => {
    await waitForLeader(page);
    await page.locator('[data-break="single-step-membership"] button').click();
    await page.waitForSelector('.violation');
    const why = await page.$$eval('.violation__why', (els) => els.map((el) => ({ key: el.dataset.why, text: el.textContent })));
    assert.deepEqual(why.map((w) => w.key), ['single-step-membership']);
    assert.match(why[0].text, /§6/);
    assert.match(why[0].text, /§4\.3/);
    assert.doesNotMatch(why[0].text, /§5\.4|Figure 8|图 8/, 'neither the election restriction nor Figure 8 was broken');
    // Liveness is listed apart from Figure 3's safety properties.
    const safety = await page.$$eval('[data-monitor="safety"] [data-property]', (els) => els.map((el) => el.dataset.property));
    assert.ok(!safety.includes('liveness') && safety.length === 5, safety.join());
    assert.equal(await page.locator('[data-monitor="liveness"] [data-property="liveness"]').count(), 1);
    await screenshot(page, 'counting-single-step');
    assert.deepEqual(errors, []);
  }, { name: 'counting-single-step', path: '?seed=1&speed=1' }));
