// Story 4: two friends who type the same name are in a video call, and each really sees the
// other: a stream with a size, an advancing clock and a changing picture.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import {
  joinRoom, openPerson, uniqueRoom, waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

test('story 4: two friends meet in a video call', async (t) => {
  const room = uniqueRoom('Casa Azul');
  const ana = await openPerson(shared.browser, shared.service.url);
  t.after(() => ana.context().close());
  const ben = await openPerson(shared.browser, shared.service.url, { viewport: { width: 390, height: 844 } });
  t.after(() => ben.context().close());

  await joinRoom(ana, room);
  await waitForStatus(ana, /Waiting for your friend/i);

  const joined = Date.now();
  await joinRoom(ben, room, { withEnter: true });
  await ben.getByLabel('Remote video', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  await ben.waitForFunction(
    () => document.querySelector('video[aria-label="Remote video"]')?.videoWidth > 0,
    null,
    { polling: 'raf', timeout: WAIT },
  );
  const firstFrameMs = Date.now() - joined;
  t.diagnostic(`join → first remote frame: ${firstFrameMs} ms`);

  const seenByBen = await waitForPlayingVideo(ben);
  const seenByAna = await waitForPlayingVideo(ana);
  assert.ok(seenByAna.width > 0 && seenByAna.height > 0);
  assert.ok(seenByBen.width > 0 && seenByBen.height > 0);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);

  // The remote person is heard: the remote stream carries an audio track, and it is not muted.
  const remote = await ana.getByLabel('Remote video', { exact: true }).evaluate((v) => ({
    kinds: v.srcObject.getTracks().map((track) => track.kind).sort(),
    muted: v.muted,
  }));
  assert.deepEqual(remote, { kinds: ['audio', 'video'], muted: false });

  if (process.env.DUET_SCREENSHOTS) {
    await mkdir(process.env.DUET_SCREENSHOTS, { recursive: true });
    await ana.screenshot({ path: `${process.env.DUET_SCREENSHOTS}/screenshot.png` });
    await ben.screenshot({ path: `${process.env.DUET_SCREENSHOTS}/screenshot-phone.png` });
  }
});
