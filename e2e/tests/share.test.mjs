// Issue 5: sharing the screen (getDisplayMedia + replaceTrack, no renegotiation; stopping
// restores the camera) and choosing another microphone or camera (enumerateDevices +
// replaceTrack).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  CAMERA_ASPECT, FAKE_MEDIA, SCREEN_ASPECT, SCREEN_SHARE, connectedPair as harnessPair, keepPeerConnection,
  remoteAudioStates, waitForPlayingVideo, waitForRemoteAspect, waitForSentVideo, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser(FAKE_MEDIA, SCREEN_SHARE);

/** A connected pair whose pages keep their peer connection and count their offers. */
function connectedPair(t, prefix) {
  return harnessPair(t, shared, prefix, { beforeJoin: keepPeerConnection });
}

test('sharing the screen sends it instead of the camera without renegotiating; stopping restores the camera', async (t) => {
  const { ana, ben } = await connectedPair(t, 'Share');
  await waitForRemoteAspect(ben, CAMERA_ASPECT);
  await waitForSentVideo(ana, 'camera');
  const offers = await ana.evaluate(() => window.__offers + 0);
  const share = ana.getByRole('button', { name: 'Share screen' });
  assert.equal(await share.getAttribute('aria-pressed'), 'false');
  await share.click();
  await ana.waitForFunction(
    () => [...document.querySelectorAll('button')].find((b) => b.textContent.includes('Share screen'))?.getAttribute('aria-pressed') === 'true',
    null,
    { timeout: WAIT },
  );
  await ana.getByText('You are sharing your screen').waitFor({ timeout: WAIT });
  // Ben now receives the screen, and it moves.
  await waitForSentVideo(ana, 'screen');
  await waitForRemoteAspect(ben, SCREEN_ASPECT);
  await waitForPlayingVideo(ben);
  await share.click();
  await ana.getByText('You are sharing your screen').waitFor({ state: 'detached', timeout: WAIT });
  await waitForSentVideo(ana, 'camera');
  await waitForRemoteAspect(ben, CAMERA_ASPECT);
  await waitForPlayingVideo(ben);
  assert.equal(await ana.evaluate(() => window.__offers + 0), offers, 'no new offer: replaceTrack only');

  // The browser's own "Stop sharing" ends the screen track: the camera comes back too. (A
  // real 'ended' comes from the browser's bar, which headless Chromium has not; the page gets
  // the very same event here.)
  await ana.evaluate(() => {
    const original = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getDisplayMedia = async (...args) => {
      window.__screen = await original(...args);
      return window.__screen;
    };
  });
  await share.click();
  await ana.getByText('You are sharing your screen').waitFor({ timeout: WAIT });
  await waitForSentVideo(ana, 'screen');
  await waitForRemoteAspect(ben, SCREEN_ASPECT);
  await ana.evaluate(() => {
    const track = window.__screen.getVideoTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await ana.getByText('You are sharing your screen').waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await share.getAttribute('aria-pressed'), 'false');
  await waitForSentVideo(ana, 'camera');
  await waitForRemoteAspect(ben, CAMERA_ASPECT);
  await waitForPlayingVideo(ben);
  const total = await ana.evaluate(() => window.__offers + 0) + await ben.evaluate(() => window.__offers + 0);
  assert.ok(total >= 1, 'the offer counter works (the call itself was offered)');
  assert.equal(await ana.evaluate(() => window.__offers + 0), offers, 'still no new offer');
});

test('another microphone can be chosen in a call; the friend keeps hearing, no renegotiation', async (t) => {
  const { ana, ben } = await connectedPair(t, 'Devices');
  const offers = await ana.evaluate(() => window.__offers + 0);
  await ana.getByRole('button', { name: 'Devices' }).click();
  const microphone = ana.getByRole('combobox', { name: 'Microphone' });
  await microphone.waitFor({ timeout: WAIT });
  await ana.waitForFunction(() => document.querySelectorAll('#device-microphone option').length > 1, null, { timeout: WAIT });
  const options = await microphone.evaluate((s) => [...s.options].map((o) => ({ value: o.value, label: o.textContent, selected: o.selected })));
  const other = options.find((o) => !o.selected);
  await microphone.selectOption(other.value);
  // The local stream now holds the chosen microphone, live.
  await ana.waitForFunction(
    (label) => {
      const track = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
      return track?.label === label && track.readyState === 'live';
    },
    other.label,
    { timeout: WAIT },
  );
  assert.deepEqual(await remoteAudioStates(ben), ['live']);
  assert.equal(await ana.evaluate(() => window.__offers + 0), offers, 'no new offer: replaceTrack only');
  await waitForPlayingVideo(ben);
});
