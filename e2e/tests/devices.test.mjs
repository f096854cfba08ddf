// Issue 5: a camera or microphone that goes away during a call (unplugged, switched off) is
// replaced by another one of its kind, sent to the friend with replaceTrack, and the person is
// told so politely. The page sees an unplug as its track ending: a stopped track fires no
// 'ended' by itself, so the test stops it and fires the very event the browser would.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  connectedPair, keepPeerConnection, remoteAudioStates, waitForPlayingVideo, waitForStatus, WAIT,
  serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** A connected pair whose pages keep their peer connection in `window.__pc` (for its senders). */
function pairKeepingThePeerConnection(t, prefix) {
  return connectedPair(t, shared, prefix, { beforeJoin: keepPeerConnection });
}

/** The id of the local preview's track of `kind`. */
function localTrackId(page, kind) {
  return page.getByLabel('Local video', { exact: true }).evaluate(
    (v, kind) => v.srcObject.getTracks().find((track) => track.kind === kind)?.id,
    kind,
  );
}

/** Makes the local track of `kind` end as an unplugged device's does. */
function unplug(page, kind) {
  return page.getByLabel('Local video', { exact: true }).evaluate((v, kind) => {
    const track = v.srcObject.getTracks().find((t) => t.kind === kind);
    track.stop();
    track.dispatchEvent(new Event('ended'));
  }, kind);
}

/**
 * Waits until both the local preview and the peer connection's sender of `kind` hold one live
 * track that is not `oldId`, and returns its id.
 */
async function waitForReplacement(page, kind, oldId) {
  const handle = await page.waitForFunction(
    ({ kind, oldId }) => {
      const local = document.querySelector('video[aria-label="Local video"]').srcObject
        .getTracks().filter((t) => t.kind === kind);
      const sent = window.__pc?.getSenders().map((s) => s.track).find((t) => t?.kind === kind);
      const fresh = local.length === 1 && local[0].id !== oldId && local[0].readyState === 'live';
      return fresh && sent?.id === local[0].id && sent.readyState === 'live' && local[0].id;
    },
    { kind, oldId },
    { timeout: WAIT },
  );
  return handle.jsonValue();
}

/**
 * Unplugs Ana's `device` ('camera' or 'microphone') and waits until another one of its kind
 * has taken over, in the preview and in what is sent, and she is told so.
 */
async function unplugAndWaitForReplacement(page, device) {
  const kind = device === 'camera' ? 'video' : 'audio';
  const before = await localTrackId(page, kind);
  assert.ok(before, `Ana has a ${device} track`);
  await unplug(page, kind);
  const after = await waitForReplacement(page, kind, before);
  assert.notEqual(after, before);
  await page.getByText(new RegExp(`Your ${device} was disconnected, so the call now uses`)).waitFor({ timeout: WAIT });
}

/** In the page: whether the audio track its peer connection sends is enabled. */
const sentAudioEnabled = () => window.__pc.getSenders().map((s) => s.track).find((t) => t?.kind === 'audio').enabled;

test('a camera lost mid-call is replaced by another: the friend keeps seeing a moving picture', async (t) => {
  const { ana, ben } = await pairKeepingThePeerConnection(t, 'Lost camera');
  await unplugAndWaitForReplacement(ana, 'camera');
  const live = await ana.getByText(/Your camera was disconnected/).evaluate((p) => p.getAttribute('aria-live'));
  assert.equal(live, 'polite', 'told politely, not as an alarm');
  assert.equal(await ana.getByRole('alert').count(), 0, 'no error: a camera took over');
  // Ben still sees Ana, moving (a picture that changes, a clock that advances).
  await waitForPlayingVideo(ben);
  await waitForPlayingVideo(ana, 'Local video');
  // Still in the call, camera still on.
  await ana.getByRole('button', { name: 'Turn camera off', exact: true }).waitFor({ timeout: WAIT });
});

test('a microphone lost mid-call is replaced by another, still muted if it was', async (t) => {
  const { ana, ben } = await pairKeepingThePeerConnection(t, 'Lost microphone');
  await ana.getByRole('button', { name: 'Mute microphone', exact: true }).click();
  await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).waitFor({ timeout: WAIT });
  await unplugAndWaitForReplacement(ana, 'microphone');
  assert.equal(await ana.evaluate(sentAudioEnabled), false, 'the new microphone is muted too, as Ana left it');
  await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).click();
  await ana.waitForFunction(sentAudioEnabled, null, { timeout: WAIT });
  // Ben receives a live audio track all along, and Ana's picture.
  assert.deepEqual(await remoteAudioStates(ben), ['live']);
  await waitForPlayingVideo(ben);
});

test('the device list stays current during the call: a device plugged in shows in the picker', async (t) => {
  const { ana } = await pairKeepingThePeerConnection(t, 'Plugged');
  // A new camera appears: the browser fires 'devicechange' and lists it. (No real plug here:
  // enumerateDevices gains one entry, and the page hears the same event the browser sends.)
  await ana.evaluate(() => {
    const original = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    window.__enumerations = 0;
    navigator.mediaDevices.enumerateDevices = async () => {
      window.__enumerations += 1;
      const list = await original();
      if (!window.__plugged) return list;
      const extra = { deviceId: 'plugged-camera', groupId: 'plugged', kind: 'videoinput', label: 'Plugged-in camera' };
      Object.setPrototypeOf(extra, MediaDeviceInfo.prototype);
      return [...list, extra];
    };
  });
  // The list is fetched again while the panel is closed, so it is current when opened.
  await ana.evaluate(() => {
    window.__plugged = true;
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  });
  await ana.waitForFunction(() => window.__enumerations > 0, null, { timeout: WAIT });
  assert.equal(await ana.locator('#device-panel').count(), 0, 'heard with the panel closed');
  await ana.getByRole('button', { name: 'Devices' }).click();
  const camera = ana.getByRole('combobox', { name: 'Camera', exact: true });
  await camera.waitFor({ timeout: WAIT });
  await ana.waitForFunction(
    () => [...document.querySelectorAll('#device-camera option')].some((o) => o.textContent === 'Plugged-in camera'),
    null,
    { timeout: WAIT },
  );
  // The one in use is the one selected.
  const selected = await camera.evaluate((s) => s.options[s.selectedIndex]?.value);
  const inUse = await ana.getByLabel('Local video', { exact: true }).evaluate((v) =>
    v.srcObject.getVideoTracks()[0].getSettings().deviceId);
  assert.equal(selected, inUse);
});

test('with no other camera left, the person is told clearly (an alert) and the call goes on', async (t) => {
  const { ana, ben } = await pairKeepingThePeerConnection(t, 'No camera left');
  // The camera goes away for good: the browser no longer lists any.
  await ana.evaluate(() => {
    const original = navigator.mediaDevices.enumerateDevices.bind(navigator.mediaDevices);
    navigator.mediaDevices.enumerateDevices = async () =>
      (await original()).filter((d) => d.kind !== 'videoinput');
  });
  await unplug(ana, 'video');
  const alert = ana.getByRole('alert').filter({ hasText: 'no other camera was found' });
  await alert.waitFor({ timeout: WAIT });
  assert.match(await alert.innerText(), /connect one and choose it under Devices/);
  assert.equal(await ana.getByText(/so the call now uses/).count(), 0, 'no "switched" notice');
  // Still in the call: the microphone goes on, Ben still has Ana's live audio.
  await waitForStatus(ana, /\bConnected\b/i);
  assert.deepEqual(await remoteAudioStates(ben), ['live']);
});
