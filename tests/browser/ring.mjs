// Small helpers for driving the ring by keys, shared by counting.test.mjs, a11y.test.mjs and protocol.test.mjs.

/** Waits for a live leader on the ring (other than `not`) and returns its id (`S3`). */
export async function waitForLeader(page, timeout = 20_000, not = null) {
  const h = await page.waitForFunction((not) => {
    const el = [...document.querySelectorAll('[data-server][data-role="leader"][data-alive="true"]')]
      .find((e) => e.dataset.server !== not);
    return el ? el.dataset.server : null;
  }, not, { timeout });
  return h.jsonValue();
}

/** Presses a keyboard shortcut with the focus on the page itself (not in a field). */
export async function key(page, k) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press(k);
}

const playing = (page) => page.$eval('.playback__play', (el) => el.classList.contains('is-playing'));

/** Pauses the run (if it plays) and waits until it has. */
export async function pause(page) {
  if (await playing(page)) await key(page, 'k');
  await page.waitForFunction(() => !document.querySelector('.playback__play')?.classList.contains('is-playing'));
}
