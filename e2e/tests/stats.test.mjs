// Issue 5: connection quality from getStats: a compact indicator that expands (a button
// with aria-expanded) to live numbers: round trip in ms, bitrate in kbps, loss, resolution.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  WAIT, serviceAndBrowser, connectedPair,
} from '../harness.mjs';

const shared = serviceAndBrowser();

test('the quality indicator expands to live round-trip, bitrate, loss and resolution', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Stats');

  const button = ana.getByRole('button', { name: /^Connection: (Good|Fair|Poor)$/ });
  await button.waitFor({ timeout: WAIT });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  await button.click();
  assert.equal(await button.getAttribute('aria-expanded'), 'true');

  const details = ana.locator('#quality-details');
  const numbers = async () => {
    const text = await details.innerText();
    const rtt = /Round trip\s+(\d+) ms/.exec(text);
    const kbps = /Bitrate\s+(\d+) kbps/.exec(text);
    const loss = /Packet loss\s+(\d+\.\d)%/.exec(text);
    const size = /Resolution\s+(\d+)×(\d+)/.exec(text);
    return rtt && kbps && loss && size
      ? { text, rtt: Number(rtt[1]), kbps: Number(kbps[1]), loss: Number(loss[1]), width: Number(size[1]) }
      : null;
  };
  // Live: numbers appear, the bitrate is real video (well above audio alone), and they change.
  let first = null;
  const deadline = Date.now() + WAIT;
  for (;;) {
    first = await numbers();
    if (first && first.kbps > 100 && first.width > 0) break;
    assert.ok(Date.now() < deadline, `no live numbers: ${await details.innerText()}`);
    await details.page().waitForFunction(
      (previous) => document.querySelector('#quality-details')?.innerText !== previous,
      await details.innerText(),
      { timeout: WAIT },
    );
  }
  assert.ok(first.loss >= 0 && first.loss <= 100);
  assert.ok(first.rtt < 5_000);
  await ana.waitForFunction(
    (previous) => document.querySelector('#quality-details')?.innerText !== previous,
    first.text,
    { timeout: WAIT },
  );
});
