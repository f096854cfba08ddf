// Issue 14, items 1 and 2: the pre-call check on the room step (a live microphone level, the
// speaker and a test sound, carried into the call) and the sound controls ("Noise suppression",
// "Echo cancellation", "Automatic gain"), on the room step and in the call's Devices panel,
// applied to the live microphone and remembered by the browser. Chromium's fake microphone
// beeps; its fake audio outputs are listed like real ones. What the page does is read from the
// page itself: the preview's live track (`getSettings()`), the peer connection's sender, the
// elements' `sinkId`.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  WAIT, joinRoom, keepPeerConnection, meet, openPerson, remoteAudioStates, roomDialog,
  serviceAndBrowser, uniqueRoom, waitForPlayingVideo, waitForStatus,
} from '../harness.mjs';

const shared = serviceAndBrowser();

const SWITCHES = {
  noiseSuppression: 'Noise suppression',
  echoCancellation: 'Echo cancellation',
  autoGainControl: 'Automatic gain',
};

/** A switch by its whole name (never "Strong noise suppression" for "Noise suppression"). */
function toggle(page, name) {
  return page.getByRole('switch', { name, exact: true });
}

/** The preview's live microphone track's processing, as `getSettings()` says. */
function micSettings(page) {
  return page.getByLabel('Local video', { exact: true }).evaluate((v) => {
    const track = v.srcObject.getAudioTracks()[0];
    const { noiseSuppression, echoCancellation, autoGainControl } = track.getSettings();
    return { id: track.id, live: track.readyState === 'live', noiseSuppression, echoCancellation, autoGainControl };
  });
}

/**
 * Waits until the preview's (the video named `label`) live microphone track's settings include
 * `want`.
 */
async function waitForMicSettings(page, want, label = 'Local video') {
  const video = await page.getByLabel(label, { exact: true }).elementHandle();
  await page.waitForFunction(({ video, want }) => {
    const track = video.srcObject?.getAudioTracks()[0];
    if (track?.readyState !== 'live') return false;
    const settings = track.getSettings();
    return Object.entries(want).every(([key, value]) => settings[key] === value);
  }, { video, want }, { timeout: WAIT });
  return label === 'Local video' ? micSettings(page) : undefined;
}

/** Flips a switch from the keyboard alone: Tab until it has the focus, then Space. */
async function flipByKeyboard(page, name) {
  const target = toggle(page, name);
  const before = await target.isChecked();
  let focused = false;
  for (let i = 0; i < 40 && !focused; i += 1) {
    await page.keyboard.press('Tab');
    focused = await target.evaluate((el) => el === document.activeElement);
  }
  assert.ok(focused, `Tab reaches "${name}"`);
  await page.keyboard.press('Space');
  await page.waitForFunction(
    ({ el, want }) => el.checked === want,
    { el: await target.elementHandle(), want: !before },
    { timeout: WAIT },
  );
}

test('the room step shows the microphone level, moving with the sound, and it stops with the step', async (t) => {
  const context = await shared.browser.newContext();
  t.after(() => context.close());
  // Counts the page's audio graphs, to see the meter's closed when the room step goes.
  await context.addInitScript(() => {
    const Original = window.AudioContext;
    window.__audioContexts = [];
    window.AudioContext = class extends Original {
      constructor(...args) {
        super(...args);
        window.__audioContexts.push(this);
      }
    };
  });
  const ana = await context.newPage();
  await ana.goto(shared.service.url);
  const meter = ana.getByRole('meter', { name: 'Microphone level', exact: true });
  await meter.waitFor({ timeout: WAIT });
  assert.equal(await meter.getAttribute('aria-valuemin'), '0');
  assert.equal(await meter.getAttribute('aria-valuemax'), '100');

  // The fake microphone beeps: the level rises with a beep and falls after it, again and again.
  const seen = await ana.waitForFunction((el) => {
    const now = Number(el.getAttribute('aria-valuenow'));
    if (!(now >= 0 && now <= 100)) throw new Error(`aria-valuenow out of range: ${now}`);
    const s = (window.__levels ??= { values: [], rises: 0, falls: 0 });
    const last = s.values.at(-1);
    if (last === undefined || now !== last) s.values.push(now);
    if (last !== undefined && now >= last + 15) s.rises += 1;
    if (last !== undefined && now < last) s.falls += 1;
    return s.rises >= 2 && s.falls >= 2 && Math.max(...s.values) >= 30 ? s : false;
  }, await meter.elementHandle(), { polling: 20, timeout: WAIT });
  t.diagnostic(`levels seen: ${JSON.stringify((await seen.jsonValue()).values.slice(0, 40))}`);

  // Joining closes the room step: the meter goes, and so does its audio graph.
  await joinRoom(ana, uniqueRoom('Meter'));
  await waitForStatus(ana, /Waiting for your friend/i);
  assert.equal(await meter.count(), 0);
  await ana.waitForFunction(
    () => window.__audioContexts.length > 0 && window.__audioContexts.every((c) => c.state === 'closed'),
    null,
    { timeout: WAIT },
  );
});

test('the sound controls change the live microphone, are remembered, and carry into the call', async (t) => {
  const context = await shared.browser.newContext();
  t.after(() => context.close());
  const ana = await context.newPage();
  await ana.goto(shared.service.url);
  await roomDialog(ana).waitFor({ timeout: WAIT });
  // Each is there once, on by default (the browser's own default for a call), apart from
  // "Strong noise suppression".
  for (const [setting, name] of Object.entries(SWITCHES)) {
    await toggle(ana, name).waitFor({ timeout: WAIT });
    assert.equal(await toggle(ana, name).count(), 1, name);
    assert.equal(await toggle(ana, name).isChecked(), true, name);
    assert.equal((await micSettings(ana))[setting], true, `${name} is on in the track`);
  }
  assert.equal(await toggle(ana, 'Strong noise suppression').count(), 1);
  assert.equal(await toggle(ana, 'Strong noise suppression').isChecked(), false);

  // From the keyboard: echo cancellation off, then automatic gain off; the live track follows.
  await flipByKeyboard(ana, 'Echo cancellation');
  let settings = await waitForMicSettings(ana, { echoCancellation: false, noiseSuppression: true, autoGainControl: true });
  await flipByKeyboard(ana, 'Automatic gain');
  settings = await waitForMicSettings(ana, { echoCancellation: false, noiseSuppression: true, autoGainControl: false });
  assert.ok(settings.live);
  assert.equal(await toggle(ana, 'Strong noise suppression').isChecked(), false, 'the other switch did not move');

  // Remembered by the browser: a reload starts with them, and the new microphone follows them.
  await ana.reload();
  await roomDialog(ana).waitFor({ timeout: WAIT });
  assert.equal(await toggle(ana, 'Echo cancellation').isChecked(), false);
  assert.equal(await toggle(ana, 'Automatic gain').isChecked(), false);
  assert.equal(await toggle(ana, 'Noise suppression').isChecked(), true);
  await waitForMicSettings(ana, { echoCancellation: false, noiseSuppression: true, autoGainControl: false });

  // In the call, the Devices panel has the same switches where they were left; a change there
  // changes the microphone the friend hears, without renegotiating.
  await keepPeerConnection(ana);
  const ben = await openPerson(shared.browser, shared.service.url);
  t.after(() => ben.context().close());
  await meet(ana, ben, uniqueRoom('Sound'));
  const sentMatchesMic = () => ana.waitForFunction(() => {
    const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    const track = window.__pc.getSenders().map((s) => s.track).find((x) => x?.kind === 'audio');
    return track?.id === mic.id && track.readyState === 'live';
  }, null, { timeout: WAIT });
  await sentMatchesMic();
  const offers = await ana.evaluate(() => window.__offers);
  await ana.getByRole('button', { name: 'Devices' }).click();
  assert.equal(await toggle(ana, 'Echo cancellation').isChecked(), false);
  assert.equal(await toggle(ana, 'Automatic gain').isChecked(), false);
  await toggle(ana, 'Noise suppression').uncheck();
  await waitForMicSettings(ana, { echoCancellation: false, noiseSuppression: false, autoGainControl: false });
  await sentMatchesMic();
  await toggle(ana, 'Echo cancellation').check();
  await waitForMicSettings(ana, { echoCancellation: true, noiseSuppression: false, autoGainControl: false });
  await sentMatchesMic();
  assert.equal(await ana.evaluate(() => window.__offers), offers, 'no renegotiation');
  assert.deepEqual(await remoteAudioStates(ben), ['live'], 'Ben still hears Ana');
  await waitForPlayingVideo(ben);
});

test('the speaker chosen on the room step plays the test sound and the call, and is remembered', async (t) => {
  const context = await shared.browser.newContext();
  t.after(() => context.close());
  const ana = await context.newPage();
  await ana.goto(shared.service.url);
  const speaker = ana.getByRole('combobox', { name: 'Speaker', exact: true });
  await speaker.waitFor({ timeout: WAIT });
  const options = await speaker.evaluate((s) => [...s.options].map((o) => ({ value: o.value, label: o.textContent })));
  t.diagnostic(`speakers: ${JSON.stringify(options)}`);
  assert.ok(options.length >= 2, 'the fake audio outputs are offered');
  const chosen = options.at(-1).value;
  await speaker.selectOption(chosen);

  // "Play test sound", from the keyboard: a sound plays, on the chosen speaker.
  await ana.evaluate(() => {
    const audio = document.querySelector('.speaker audio');
    audio.addEventListener('playing', () => {
      const track = audio.srcObject?.getAudioTracks()[0];
      window.__played = { sinkId: audio.sinkId, live: track?.readyState === 'live' };
    }, { once: true });
  });
  const button = ana.getByRole('button', { name: 'Play test sound', exact: true });
  await button.focus();
  await ana.keyboard.press('Enter');
  const played = await ana.waitForFunction(() => window.__played, null, { timeout: WAIT });
  assert.deepEqual(await played.jsonValue(), { sinkId: chosen, live: true });
  assert.equal(await ana.getByRole('alert').count(), 0, 'nothing failed');

  // Remembered: a reload shows it chosen.
  await ana.reload();
  await speaker.waitFor({ timeout: WAIT });
  await ana.waitForFunction((want) => document.getElementById('speaker')?.value === want, chosen, { timeout: WAIT });

  // The call's sound plays on it, and the Devices panel says so.
  const ben = await openPerson(shared.browser, shared.service.url);
  t.after(() => ben.context().close());
  await meet(ana, ben, uniqueRoom('Speaker'));
  await ana.waitForFunction(
    (want) => document.querySelector('video[aria-label="Remote video"]')?.sinkId === want,
    chosen,
    { timeout: WAIT },
  );
  await ana.getByRole('button', { name: 'Devices' }).click();
  const inCall = ana.getByRole('combobox', { name: 'Speaker', exact: true });
  assert.equal(await inCall.inputValue(), chosen);
  // Another speaker chosen during the call takes the call's sound at once.
  const other = options[0].value;
  await inCall.selectOption(other);
  await ana.waitForFunction(
    (want) => document.querySelector('video[aria-label="Remote video"]')?.sinkId === want,
    other,
    { timeout: WAIT },
  );
});

test('in Spanish: the same controls, with their Spanish names', async (t) => {
  const ana = await openPerson(shared.browser, shared.service.url);
  t.after(() => ana.context().close());
  await ana.getByRole('combobox', { name: 'Language' }).selectOption('es');
  await ana.getByRole('textbox', { name: 'Nombre de la sala' }).waitFor({ timeout: WAIT });
  await ana.getByRole('meter', { name: 'Nivel del micrófono', exact: true }).waitFor({ timeout: WAIT });
  await ana.getByRole('combobox', { name: 'Altavoz', exact: true }).waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: 'Reproducir sonido de prueba', exact: true }).waitFor({ timeout: WAIT });
  for (const name of ['Supresión de ruido', 'Cancelación de eco', 'Ganancia automática', 'Supresión de ruido fuerte']) {
    assert.equal(await toggle(ana, name).count(), 1, name);
  }
  await toggle(ana, 'Cancelación de eco').uncheck();
  await waitForMicSettings(ana, { echoCancellation: false }, 'Tu vídeo');
});
