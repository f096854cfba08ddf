// Story 9: whoever drops out (closed tab, reload, network drop, service restart) gets back into
// the same room and the call goes on; nobody is locked out by their own stale session.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Freezer, Service, connectedPair, joinRoom, openPerson, roomDialog, uniqueRoom, waitForAlert,
  waitForNoVideo, waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** How soon the friend must read that a closed or reloaded tab left. */
const TOLD_WITHIN_MS = 1_000;

/**
 * Waits until `page` says the friend left, and checks that it said so within TOLD_WITHIN_MS of
 * `since` (a tab that went away says goodbye; the service's heartbeat would take 15 s).
 */
async function toldFriendLeft(t, page, since) {
  await waitForStatus(page, /Your friend left/i);
  const ms = Date.now() - since;
  t.diagnostic(`the friend read "left" ${ms} ms after the tab went away`);
  assert.ok(ms < TOLD_WITHIN_MS, `told within ${TOLD_WITHIN_MS} ms, not ${ms} ms`);
}

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
  await toldFriendLeft(t, ana, Date.now());
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

test('story 9: a reloaded tab says goodbye, then takes its place again and the call continues', async (t) => {
  const room = uniqueRoom('Reloaded tab');
  const { ana, ben } = await inCall(t, room);

  await ben.reload();
  await toldFriendLeft(t, ana, Date.now());
  await waitForNoVideo(ana);

  await joinRoom(ben, room);
  await waitForPlayingVideo(ben);
  await waitForPlayingVideo(ana);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await noFullAlert(ben);
});

test('story 9: a network drop is told as a dropped connection, not as leaving; the media goes on', async (t) => {
  // A service that notices silence within a second, so the test need not wait 15 s.
  const service = await Service.start(0, { args: ['--heartbeat-interval', '250ms', '--client-timeout', '1s'] });
  t.after(() => service.stop());
  const freezer = await Freezer.start(service.port);
  t.after(() => freezer.close());
  const { ana } = await connectedPair(t, { service, browser: shared.browser }, 'Dropped', {
    benUrl: freezer.url,
  });

  // Ben's connection to the service goes silent without closing, as a dead network would.
  freezer.freezeWebSockets();
  await waitForStatus(ana, /connection dropped/i);
  const status = await ana.getByRole('status').first().innerText();
  assert.doesNotMatch(status, /left/i, `a drop is not a goodbye: ${status}`);
  // The call itself is peer to peer: the friend's picture keeps moving.
  await waitForPlayingVideo(ana);
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
