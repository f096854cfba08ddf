// Story 9: whoever drops out (closed tab, reload, network drop, service restart) gets back into
// the same room and the call goes on; nobody is locked out by their own stale session.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Freezer, connectedPair, joinRoom, openPerson, roomDialog, uniqueRoom, waitForAlert, waitForNoVideo,
  waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

function inCall(t, room, { benUrl } = {}) {
  return connectedPair(t, shared, undefined, { room, benUrl });
}

async function noFullAlert(page) {
  const alerts = await page.getByRole('alert').allInnerTexts();
  assert.ok(!alerts.some((text) => /full/i.test(text)), `no "room full": ${alerts}`);
}

test('story 9: a closed tab comes back to the same room and the call continues', async (t) => {
  const room = uniqueRoom('Closed tab');
  const { ana, ben } = await inCall(t, room);
  const context = ben.context();

  await ben.close();
  await waitForStatus(ana, /Your friend left/i);
  await waitForNoVideo(ana);
  await waitForPlayingVideo(ana, 'Local video');

  const again = await context.newPage();
  await again.goto(shared.service.url);
  await joinRoom(again, room);
  await waitForPlayingVideo(again);
  await waitForPlayingVideo(ana);
  await waitForStatus(ana, /\bConnected\b/i);
  await noFullAlert(again);
});

test('story 9: after a network drop, a reload gets back in, never "full" because of itself', async (t) => {
  const room = uniqueRoom('Reload');
  const freezer = await Freezer.start(shared.service.port);
  t.after(() => freezer.close());
  const { ana, ben } = await inCall(t, room, { benUrl: freezer.url });

  // Ben's connection to the service goes silent without closing: the service still holds his
  // place. Then he reloads the page and asks for the same room.
  freezer.freezeWebSockets();
  await ben.reload();
  await roomDialog(ben).waitFor({ timeout: WAIT });
  await joinRoom(ben, room);

  await waitForPlayingVideo(ben);
  await waitForPlayingVideo(ana);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForStatus(ana, /\bConnected\b/i);
  await noFullAlert(ben);
});

test('story 9: the service restarts mid-call; media goes on and both are back in their room', async (t) => {
  const room = uniqueRoom('Restart');
  const { ana, ben } = await inCall(t, room);

  // A crash: all rooms are forgotten at once.
  await shared.service.stop('SIGKILL');
  await waitForStatus(ana, /Reconnecting/i);
  await waitForStatus(ben, /Reconnecting/i);
  // Media flows browser to browser, so the picture keeps moving while the service is down:
  // both remote videos play (new frames, advancing clock) with no service at all, and the
  // statuses show that this was during the outage (still reconnecting, the call going on).
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
  for (const page of [ana, ben]) {
    const status = await page.getByRole('status').filter({ hasText: /Reconnecting/i }).first().innerText();
    assert.match(status, /your call continues/i, `still in the outage, the call going on: ${status}`);
  }

  // "Back within seconds": from the fresh process listening to both people Connected in their
  // room again. The app's reconnect delay is at most 5 s (jittered), so 10 s leaves room for a
  // busy machine without hiding a stuck reconnect.
  await shared.service.restart();
  const restarted = Date.now();
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  const back = Date.now() - restarted;
  t.diagnostic(`both Connected ${back} ms after the restart`);
  assert.ok(back < 10_000, `both back within 10 s of the restart (took ${back} ms)`);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);

  // Both are really back in that room: a third person finds it full.
  const cai = await openPerson(shared.browser, shared.service.url);
  t.after(() => cai.context().close());
  await joinRoom(cai, room);
  await waitForAlert(cai, /full/i);
});
