// Runs `?bench=sim` (the standard workload, src/ui/mod.rs) on several served builds in
// turn, round after round, each run in a fresh browser, and prints every run's result and
// the median per build. A measurement, not a test: it fails only if a run never finishes.
// Interleaving the builds keeps a busy machine's drift out of their ratio.
//
//   BENCH_RUNS=5 CHROMIUM_PATH=/usr/bin/chromium node bench-sim.mjs \
//     'http://127.0.0.1:8724/?bench=sim' 'http://127.0.0.1:8714/?bench=sim&snapshots=50'
//
// With `&runs=N` in the URLs (N of 3 or more) the page runs the workload N times in a row
// and this also prints the warm figure: the median of runs 3 to N, once V8 has compiled
// the hot code with its optimising tier and the memory the run uses has been touched
// (docs/performance.md, "Cold and warm"). The first run, the `wall` figure, pays for both.
// An older build without `runs` ignores it and runs once.

import { launchBrowser } from './helpers.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error('usage: node bench-sim.mjs URL... (each a served ?bench=sim page)');
  process.exit(2);
}

// The main thread's CPU time of the task that ran the benchmark (the trace's `tdur` of
// the longest timer callback): unlike the wall time, it does not count the time the
// thread waited for a core that other processes held.
async function benchOnce(url) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await browser.startTracing(page, { categories: ['devtools.timeline'] });
    await page.goto(url);
    await page.waitForSelector('#bench[data-done="true"]', { timeout: 300_000 });
    const trace = JSON.parse((await browser.stopTracing()).toString());
    const timers = trace.traceEvents.filter((e) => e.name === 'TimerFire' || e.name === 'FunctionCall');
    const longest = timers.reduce((a, e) => ((e.dur ?? 0) > (a?.dur ?? 0) ? e : a), null);
    const result = JSON.parse(await page.textContent('#bench'));
    return { ...result, task_ms: (longest?.dur ?? NaN) / 1000, cpu_ms: longest?.tdur === undefined ? NaN : longest.tdur / 1000 };
  } finally {
    await browser.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const walls = urls.map(() => []);
const cpus = urls.map(() => []);
const warms = urls.map(() => []);
for (let round = 1; round <= runs; round++) {
  for (const [i, url] of urls.entries()) {
    const r = await benchOnce(url);
    walls[i].push(r.wall_ms);
    cpus[i].push((r.walls?.length ?? 1) > 1 ? NaN : Math.round(r.cpu_ms * 10) / 10);
    const speedup = (r.sim_seconds * 1000) / r.cpu_ms;
    // Only a one-run page's task is the run itself.
    const cpu = (r.walls?.length ?? 1) > 1 ? '' : `, main-thread CPU ${r.cpu_ms.toFixed(1)} ms (${speedup.toFixed(0)}x real time)`;
    let warm = '';
    if (r.walls?.length > 2) {
      warms[i].push(median(r.walls.slice(2)));
      warm = `, warm ${warms[i].at(-1).toFixed(1)} ms (runs ${r.walls.join(' ')})`;
    }
    console.log(`round ${round} ${url}: ${r.events} events, wall ${r.wall_ms} ms (task ${r.task_ms.toFixed(1)} ms)${cpu}${warm}, hash ${r.state_hash}`);
  }
}
const ratio = (xs, i) => (xs[0].length && xs[i].length ? ` (first build ÷ this: ${(median(xs[0]) / median(xs[i])).toFixed(2)})` : '');
for (const [i, url] of urls.entries()) {
  let line = `median ${url}: wall ${median(walls[i]).toFixed(1)} ms (${walls[i].join(' ')})${ratio(walls, i)}`;
  if (cpus[i].every(Number.isFinite)) line += `, CPU ${median(cpus[i]).toFixed(1)} ms (${cpus[i].join(' ')})${ratio(cpus, i)}`;
  if (warms[i].length) line += `, warm ${median(warms[i]).toFixed(1)} ms (${warms[i].map((w) => w.toFixed(1)).join(' ')})${ratio(warms, i)}`;
  console.log(line);
}
