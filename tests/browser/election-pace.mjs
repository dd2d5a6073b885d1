// How long a reader sees each part of the first election at the default speed: the page is
// watched every animation frame, and each change of what the ring shows (a candidate and its
// tally, a vote arriving, the win) is stamped with the wall time. Prints one JSON line per run.
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ node tests/browser/election-pace.mjs [SEEDS...]
//
// A measurement, not a test (wall time depends on the machine): docs/performance.md.

import { launchBrowser, PLAYGROUND_URL } from './helpers.mjs';

const seeds = process.argv.slice(2).length ? process.argv.slice(2) : ['1', '2', '3'];
const browser = await launchBrowser();
try {
  for (const seed of seeds) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(new URL(`?seed=${seed}`, PLAYGROUND_URL).href);
    const shown = await page.evaluate(() => new Promise((done) => {
      const seen = [];
      let last = '';
      const look = (now) => {
        const servers = [...document.querySelectorAll('[data-server]')];
        const candidates = servers.filter((s) => s.dataset.role === 'candidate')
          .map((s) => `${s.dataset.server} ${s.querySelector('.server__note')?.dataset.tally ?? ''}`);
        const leader = servers.find((s) => s.dataset.role === 'leader');
        const what = leader ? `leader ${leader.dataset.server}` : candidates.join(', ');
        if (what !== last) {
          seen.push([Math.round(now), what]);
          last = what;
        }
        if (leader) done(seen);
        else requestAnimationFrame(look);
      };
      requestAnimationFrame(look);
    }));
    const start = shown.find(([, what]) => what !== '');
    const end = shown.at(-1);
    // Each state the reader saw, with how long it stayed on screen (ms of wall time).
    const states = shown.slice(shown.indexOf(start), -1).map(([at, what], i, all) =>
      [what, (all[i + 1]?.[0] ?? end[0]) - at]);
    console.log(JSON.stringify({ seed, election_wall_ms: end[0] - start[0], states, then: end[1] }));
    await page.close();
  }
} finally {
  await browser.close();
}
