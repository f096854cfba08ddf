// Issue 14, item 6, in a second engine: Debian's WebKitGTK (MiniBrowser, driven over plain
// WebDriver by ../webkit.mjs) is built without WebRTC but has mock capture devices. In it the
// first screen and the camera preview work, the page says at once that this browser cannot
// make calls and which to use instead, and Join repeats why rather than starting a call that
// could only fail.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { WebKit, webkitMissing } from '../webkit.mjs';
import { Service, uniqueRoom } from '../harness.mjs';

const missing = await webkitMissing();

const NO_WEBRTC = 'This browser cannot make video calls.';

let service;
let webkit;
before(async () => {
  if (missing) return;
  service = await Service.start();
  webkit = await WebKit.launch();
});
after(async () => {
  await webkit?.close();
  await service?.stop();
});

test('WebKitGTK without WebRTC: the room step and the preview work, and the page says it cannot call', { skip: missing }, async () => {
  await webkit.goto(service.url);
  // What makes this browser the case: no RTCPeerConnection, but a camera (a mock one).
  assert.deepEqual(
    await webkit.run(() => ['RTCPeerConnection' in window, typeof navigator.mediaDevices?.getUserMedia]),
    [false, 'function'],
  );
  await webkit.waitForRole('alert', { name: NO_WEBRTC });
  // (Its text is read as shown, so once it has faded in.)
  await webkit.waitForText('alert', /Open this page in a recent Firefox, Chrome, Edge or Safari/);

  await webkit.waitForRole('dialog', { name: 'Join a room' });
  await webkit.waitForPlayingVideo('Local video');

  await webkit.joinRoom(uniqueRoom('WebKit'));
  // The room step says it again, beside the Join just pressed; no call starts.
  await webkit.waitFor('the room step to say why there is no call', async () => {
    const alerts = [];
    for (const alert of await webkit.byRole('alert')) alerts.push(await webkit.text(alert));
    return alerts.filter((text) => text.includes(NO_WEBRTC)).length === 2;
  });
  assert.deepEqual(await webkit.byRole('status'), [], 'no call status: nothing was dialled');
});
