// A preload that sets the window size of every page a Playwright script opens, so that
// ../shared/tools/main-thread.js (fixed at 1280×900) can measure the phone layout too:
//
//   VIEWPORT=390x844 node -r ./tests/browser/viewport.cjs ../shared/tools/main-thread.js URL 10
//
// Run from the project root (it resolves playwright-core as main-thread.js does, so both
// get the same module). Without VIEWPORT it changes nothing.
const path = require('path');
const where = [process.cwd(), path.join(process.cwd(), 'tests', 'browser')];
const { chromium } = require(require.resolve('playwright-core', { paths: where }));
const [width, height] = (process.env.VIEWPORT ?? '').split('x').map(Number);
if (width > 0 && height > 0) {
  const launch = chromium.launch.bind(chromium);
  chromium.launch = async (...args) => {
    const browser = await launch(...args);
    const newPage = browser.newPage.bind(browser);
    browser.newPage = (options = {}) => newPage({ ...options, viewport: { width, height } });
    return browser;
  };
}
