// A CPU profile of `?bench=sim` by function, from Chromium's own sampling profiler: where
// the simulator's time goes in the browser (V8's wasm tiers, talc, the page), which
// `perf` on the native build does not show. A measurement, not a test.
//
// The served dist needs the wasm's function names, which `cargo xtask dist` strips:
//   cargo xtask dist
//   wasm-bindgen --keep-debug --target web --out-dir /tmp/n target/wasm32-unknown-unknown/web/playground.wasm
//   cp -r dist /tmp/dist-names && cd /tmp/dist-names
//   cp /tmp/n/playground.js playground-*[0-9a-f].js && cp /tmp/n/playground_bg.wasm playground-*_bg.wasm
//   python3 -m http.server 8799 --bind 127.0.0.1 --directory /tmp/dist-names &
//   CHROMIUM_PATH=/usr/bin/chromium TOP=40 node profile-sim.mjs 'http://127.0.0.1:8799/?bench=sim&snapshots=50&runs=12'
// (that wasm is not run through wasm-opt, so its times are a little above the dist's; the
// shares are what matter). Prints each function's self time in ms, largest first.

import { launchBrowser } from './helpers.mjs';
const url = process.argv[2];
const browser = await launchBrowser();
const page = await browser.newPage();
const cdp = await page.context().newCDPSession(page);
// Let the browser's own start-up settle before the page loads.
await new Promise((r) => setTimeout(r, 2000));
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 50 });
await cdp.send('Profiler.start');
await page.goto(url);
await page.waitForSelector('#bench[data-done="true"]', { timeout: 300_000 });
const { profile } = await cdp.send('Profiler.stop');
console.log(await page.textContent('#bench'));
// Self time per function name: each sample's interval goes to the function on top.
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfTime = new Map();
profile.samples.forEach((id, i) => {
  const frame = byId.get(id).callFrame;
  const name = frame.functionName || frame.url || '(anonymous)';
  selfTime.set(name, (selfTime.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfTime.values()].reduce((a, b) => a + b, 0);
console.log(`profiled ${(total / 1000).toFixed(1)} ms`);
const top = [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 45));
for (const [name, us] of top) {
  // Rust's symbol hashes add nothing to a reader.
  console.log((us / 1000).toFixed(1).padStart(8), name.replace(/::h[0-9a-f]{16}$/, '').replace(/\[[0-9a-f]{16}\]/g, '').slice(0, 140));
}
await browser.close();
