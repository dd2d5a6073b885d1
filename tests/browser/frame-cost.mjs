// Measures the script time of the playground's animation frames: 9 servers at real-time
// speed, with a few hundred log entries and messages in flight. A measurement, not a test
// (no wall-clock limit is asserted): it prints the median, p95 and max of the time spent
// inside requestAnimationFrame callbacks (simulation, Yew update, view and DOM patch), and
// how many frames ran.
//
//   PLAYGROUND_URL=http://127.0.0.1:8080/ node frame-cost.mjs
//
// With FRAME_COST_MODE=history it measures a long history instead: 5 servers run at 100×
// until the history holds FRAME_COST_MESSAGES messages (10,000 by default), then at 1×
// with the space-time diagram zoomed out to its widest window (20 s, the most arrows;
// FRAME_COST_ZOOM_OUTS=0 keeps the default 1.5 s window).
// (`cargo xtask serve --release`, or any static server for a `cargo xtask dist` build.)

import { launchBrowser, PLAYGROUND_URL } from './helpers.mjs';

const SECONDS = Number(process.env.FRAME_COST_SECONDS ?? 5);
const REQUESTS = Number(process.env.FRAME_COST_REQUESTS ?? 300);

// Runs in the page before its scripts: time every animation frame callback together with
// the microtasks it queues (Yew renders in a microtask after the callback returns).
function timeFrames() {
  window.__frameMs = [];
  const original = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => original((ts) => {
    const start = performance.now();
    callback(ts);
    const done = () => window.__frameMs.push(performance.now() - start);
    queueMicrotask(() => queueMicrotask(() => queueMicrotask(done)));
  });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  await page.addInitScript(timeFrames);
  const history = process.env.FRAME_COST_MODE === 'history';
  await page.goto(new URL(history ? '?servers=5&seed=1&speed=100' : '?servers=9&seed=1&speed=1', PLAYGROUND_URL).href);
  await page.waitForSelector('[data-server][data-role="leader"]', { timeout: 30_000 });
  if (history) {
    const messages = Number(process.env.FRAME_COST_MESSAGES ?? 10_000);
    // The newest message's id is the history's length minus one.
    await page.waitForFunction((n) => Math.max(0, ...[...document.querySelectorAll('[data-arrow]')]
      .map((el) => Number(el.dataset.arrow))) >= n, messages, { timeout: 120_000, polling: 500 });
    await page.getByLabel('Speed', { exact: true }).fill('0');
    for (let i = 0; i < Number(process.env.FRAME_COST_ZOOM_OUTS ?? 6); i++) await page.getByRole('button', { name: 'Zoom out', exact: true }).click();
  }
  // Grow the logs: many client requests through the request box.
  const field = page.getByLabel('Request', { exact: true });
  for (let i = 0; i < (history ? 0 : REQUESTS); i++) {
    await field.fill(`set k${i % 20} ${i}`);
    await field.press('Enter');
  }
  await page.waitForTimeout(1_000);
  await page.evaluate(() => { window.__frameMs = []; });
  await page.waitForTimeout(SECONDS * 1000);
  const { frames, logLength, inFlight, arrows, newest } = await page.evaluate(() => ({
    frames: window.__frameMs.slice(),
    logLength: Math.max(...[...document.querySelectorAll('.log-row__cells')].map((svg) => Number(svg.getAttribute('width')))),
    inFlight: document.querySelectorAll('.msg').length,
    arrows: document.querySelectorAll('[data-arrow]').length,
    newest: Math.max(0, ...[...document.querySelectorAll('[data-arrow]')].map((el) => Number(el.dataset.arrow))),
  }));
  const sorted = frames.slice().sort((a, b) => a - b);
  console.log(`frames: ${frames.length} in ${SECONDS} s; log ≈ ${Math.round(logLength / 30)} entries; ${inFlight} messages drawn at the end; ` +
    `history ≈ ${newest + 1} messages, ${arrows} arrows in the space-time diagram`);
  console.log(`frame script time: median ${percentile(sorted, 0.5).toFixed(2)} ms, ` +
    `p95 ${percentile(sorted, 0.95).toFixed(2)} ms, max ${sorted.at(-1).toFixed(2)} ms`);
} finally {
  await browser.close();
}
