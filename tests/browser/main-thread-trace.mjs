// Where the main thread's time goes while the page plays: a Chromium performance trace of
// SECONDS of play (after a 3 s warm-up), summed by trace event over the renderer's main
// thread. Each event's self time (its duration less its children's) is counted, so nothing
// is counted twice. Prints one JSON line: ms per wall second by event name, the largest first.
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ node tests/browser/main-thread-trace.mjs [SECONDS] [PATH]
//
// A benchmark, not a test: compare builds interleaved in one session (docs/performance.md).

import { writeFile } from 'node:fs/promises';
import { launchBrowser, PLAYGROUND_URL } from './helpers.mjs';

const seconds = Number(process.argv[2] ?? 5);
const path = process.argv[3] ?? '';
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(new URL(path, PLAYGROUND_URL).href);
  if (process.env.EXTRA_CSS) await page.addStyleTag({ content: process.env.EXTRA_CSS });
  await page.waitForTimeout(3000);
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'blink', 'cc'] });
  await page.waitForTimeout(seconds * 1000);
  const trace = JSON.parse((await browser.stopTracing()).toString('utf8'));
  if (process.env.TRACE_OUT) await writeFile(process.env.TRACE_OUT, JSON.stringify(trace));
  const events = trace.traceEvents ?? trace;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const mine = events
    .filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  // Self time: walk the nesting with a stack of open events.
  const self = new Map();
  const stack = [];
  for (const e of mine) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent, (self.get(parent) ?? parent.dur) - e.dur);
    self.set(e, e.dur);
    stack.push(e);
  }
  const byName = {};
  for (const [e, us] of self) byName[e.name] = (byName[e.name] ?? 0) + us;
  const top = Object.entries(byName).sort((a, b) => b[1] - a[1]).slice(0, 14)
    .map(([name, us]) => [name, +(us / 1000 / seconds).toFixed(1)]);
  const total = [...self.values()].reduce((a, b) => a + b, 0) / 1000 / seconds;
  console.log(JSON.stringify({ seconds, total_ms_per_s: +total.toFixed(1), self_ms_per_s: Object.fromEntries(top) }));
} finally {
  await browser.close();
}
