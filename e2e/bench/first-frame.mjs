// Join → first remote frame, over many calls: the second person presses Join, and the clock
// stops when their remote <video> has its first frame (`loadeddata`, in the page's own clock).
// A measurement, not a test: it prints the samples and their percentiles.
//
//   cd e2e && DUET_SIGNALING_BIN=../target/release/duet-signaling node bench/first-frame.mjs [calls]

import os from 'node:os';
import {
  FAKE_MEDIA, Service, joinRoom, launchBrowser, openPerson, uniqueRoom, waitForPlayingVideo,
  waitForStatus, WAIT,
} from '../harness.mjs';

const calls = Number(process.argv[2] ?? 20);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const service = await Service.start();
const browser = await launchBrowser(FAKE_MEDIA);
const samples = [];
try {
  for (let i = 0; i < calls; i += 1) {
    const room = uniqueRoom('Bench');
    const ana = await openPerson(browser, service.url);
    const ben = await openPerson(browser, service.url);
    try {
      await ben.addInitScript(() => {
        document.addEventListener(
          'loadeddata',
          (event) => {
            if (event.target.getAttribute?.('aria-label') === 'Remote video') {
              window.__duetFirstFrame ??= performance.now();
            }
          },
          true,
        );
      });
      await ben.reload();
      await joinRoom(ana, room);
      await waitForStatus(ana, /Waiting for your friend/i);
      await ben.getByRole('textbox', { name: /Room name/ }).fill(room);
      await ben.evaluate(() => {
        window.__duetJoinPressed = performance.now();
      });
      await ben.getByRole('button', { name: 'Join', exact: true }).click();
      const ms = await (
        await ben.waitForFunction(
          () => window.__duetFirstFrame && window.__duetFirstFrame - window.__duetJoinPressed,
          null,
          { timeout: WAIT },
        )
      ).jsonValue();
      await waitForPlayingVideo(ben);
      samples.push(ms);
      process.stderr.write(`call ${i + 1}/${calls}: ${ms.toFixed(0)} ms\n`);
    } finally {
      await ana.context().close();
      await ben.context().close();
    }
  }
} finally {
  await browser.close();
  await service.stop();
}

const sorted = [...samples].sort((a, b) => a - b);
const result = {
  calls: samples.length,
  p50_ms: Math.round(percentile(sorted, 50)),
  p95_ms: Math.round(percentile(sorted, 95)),
  min_ms: Math.round(sorted[0]),
  max_ms: Math.round(sorted[sorted.length - 1]),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  samples_ms: samples.map((ms) => Math.round(ms)),
};
console.log(JSON.stringify(result, null, 2));
