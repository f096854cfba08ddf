// Issue 14, item 6: a browser without WebRTC. Where `RTCPeerConnection` is missing (here
// deleted before the page's own scripts run; Debian's WebKitGTK is built that way, see
// webkit.test.mjs), the page says at once, in English and Spanish, that this browser cannot
// make calls and which to use instead; the camera preview still works, and Join repeats why
// instead of starting a call that could only fail later: the service is never even dialled.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  REFUSE_MEDIA, WAIT, joinRoom, launchBrowser, roomDialog, serviceAndBrowser, uniqueRoom,
  waitForPlayingVideo,
} from '../harness.mjs';

const shared = serviceAndBrowser();

const NO_WEBRTC = 'This browser cannot make video calls.';
const WHAT_TO_USE = /Open this page in a recent Firefox, Chrome, Edge or Safari/;

/** A person whose browser has no WebRTC; records every WebSocket the page opens. */
async function openWithoutWebRtc(t, browser) {
  const context = await browser.newContext();
  t.after(() => context.close());
  await context.addInitScript(() => {
    delete window.RTCPeerConnection;
    delete window.webkitRTCPeerConnection;
  });
  const page = await context.newPage();
  const sockets = [];
  page.on('websocket', (socket) => sockets.push(socket.url()));
  await page.goto(shared.service.url);
  return { page, sockets };
}

test('without WebRTC the page says so at once; the preview works; Join says why and dials nothing', async (t) => {
  const { page, sockets } = await openWithoutWebRtc(t, shared.browser);
  assert.equal(await page.evaluate(() => 'RTCPeerConnection' in window), false);
  const alert = page.getByRole('alert', { name: NO_WEBRTC });
  await alert.waitFor({ timeout: WAIT });
  assert.match(await alert.innerText(), WHAT_TO_USE);

  // The camera still works: a person can check it, just not call.
  await roomDialog(page).waitFor({ timeout: WAIT });
  await waitForPlayingVideo(page, 'Local video');

  await joinRoom(page, uniqueRoom('No WebRTC'));
  const said = roomDialog(page).getByRole('alert').filter({ hasText: NO_WEBRTC });
  await said.waitFor({ timeout: WAIT });
  assert.match(await said.innerText(), WHAT_TO_USE);
  assert.equal(await page.getByRole('status').filter({ hasText: /Joining|Waiting for your friend/i }).count(), 0);
  assert.deepEqual(sockets, [], 'no connection to the service: there is no call to make');

  await page.getByRole('combobox', { name: 'Language' }).selectOption('es');
  const spanish = page.getByRole('alert', { name: 'Este navegador no puede hacer videollamadas.' });
  await spanish.waitFor({ timeout: WAIT });
  assert.match(await spanish.innerText(), /Firefox, Chrome, Edge o Safari/);
});

test('without WebRTC and without a camera allowed, the page still says first that it cannot call', async (t) => {
  const browser = await launchBrowser(REFUSE_MEDIA);
  t.after(() => browser.close());
  const { page } = await openWithoutWebRtc(t, browser);
  await page.getByRole('alert', { name: NO_WEBRTC }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'Try again' }).waitFor({ timeout: WAIT });
});

test('with WebRTC there is no such notice', async (t) => {
  const context = await shared.browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(shared.service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('alert', { name: NO_WEBRTC }).count(), 0);
});
