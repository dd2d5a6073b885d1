// Measures the time from navigation start to the first drawn cluster: the first element
// with a `data-server` attribute in the DOM, and the animation frame after it (when it is
// painted). Each run is a fresh browser, so nothing is cached. Run by `cargo xtask measure`
// (which builds dist/, serves it, and passes PLAYGROUND_URL, CHROMIUM_PATH, MEASURE_RUNS).
//
// A measurement, not a test: it prints numbers for docs/performance.md and fails only if
// the cluster never appears.

import { launchBrowser, PLAYGROUND_URL } from './helpers.mjs';

const runs = Number(process.env.MEASURE_RUNS ?? 5);
const SELECTOR = '[data-server]';

// Runs in the page before any of its scripts: timestamps (ms since navigation start) of
// the first `[data-server]` element and of the frame after it.
function recordFirstServer(selector) {
  const marks = {};
  window.__firstCluster = marks;
  const check = () => {
    if (marks.inDom === undefined && document.querySelector(selector)) {
      marks.inDom = performance.now();
      requestAnimationFrame(() => { marks.drawn = performance.now(); });
      return true;
    }
    return false;
  };
  new MutationObserver((_, observer) => { if (check()) observer.disconnect(); })
    .observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-server'] });
}

const results = [];
for (let run = 1; run <= runs; run++) {
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(recordFirstServer, SELECTOR);
    await page.goto(PLAYGROUND_URL, { waitUntil: 'commit' });
    try {
      await page.waitForFunction(() => window.__firstCluster?.drawn !== undefined, null, { timeout: 30_000 });
    } catch {
      console.error(`run ${run}: no ${SELECTOR} element appeared within 30 s: is the cluster drawn yet?`);
      process.exit(1);
    }
    const marks = await page.evaluate(() => {
      const [nav] = performance.getEntriesByType('navigation');
      const wasm = performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('.wasm'));
      return {
        ...window.__firstCluster,
        domContentLoaded: nav?.domContentLoadedEventEnd,
        wasmFetched: wasm?.responseEnd,
      };
    });
    results.push(marks);
    console.log(`run ${run}: first [data-server] in DOM ${marks.inDom.toFixed(1)} ms, drawn ${marks.drawn.toFixed(1)} ms ` +
      `(DOMContentLoaded ${marks.domContentLoaded?.toFixed(1)} ms, wasm fetched ${marks.wasmFetched?.toFixed(1)} ms)`);
  } finally {
    await browser.close();
  }
}

const drawn = results.map((marks) => marks.drawn).sort((a, b) => a - b);
const median = drawn[Math.floor((drawn.length - 1) / 2)];
console.log(`time to first drawn cluster over ${runs} fresh loads (headless Chromium, loopback server): ` +
  `median ${median.toFixed(1)} ms, min ${drawn[0].toFixed(1)} ms, max ${drawn.at(-1).toFixed(1)} ms`);
