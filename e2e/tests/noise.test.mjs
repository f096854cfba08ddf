// Issue 15: "Strong noise suppression", proven on the friend's side. Ana's fake microphone
// plays a recording made here (noisy-speech.mjs: espeak-ng speech over steady noise, with
// noise-only stretches; `--use-file-for-fake-audio-capture`, looped), and Ben's page measures
// what it receives: the level of the remote audio over time (a Web Audio analyser on the
// stream his video element plays). The recording loops without a marker, so the stretches are
// told apart by level: over one whole loop, the quietest tenth of the 50 ms windows is noise
// alone and the loudest tenth is speech. With the switch on they must be at least 10 dB
// quieter and lose less than 3 dB respectively, and switching must not renegotiate.

import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  FAKE_MEDIA, Service, WAIT, distWith, keepPeerConnection, launchBrowser, meet, openPerson,
  tempDir, toolMissing, uniqueRoom,
} from '../harness.mjs';
import { writeNoisySpeech } from '../noisy-speech.mjs';

const NAME = 'Strong noise suppression';
const noEspeak = await toolMissing('espeak-ng', ['--version'], 'espeak-ng');

const shared = {};
before(async () => {
  if (noEspeak) return;
  shared.dir = await tempDir('noise');
  shared.wav = path.join(shared.dir, 'noisy-speech.wav');
  // One sentence: a loop of about 11 s, half of it noise alone.
  shared.layout = await writeNoisySpeech(shared.wav, { sentences: 1 });
  shared.service = await Service.start();
  shared.ana = await launchBrowser(FAKE_MEDIA, [`--use-file-for-fake-audio-capture=${shared.wav}`]);
  shared.ben = await launchBrowser();
});
after(async () => {
  await shared.ana?.close();
  await shared.ben?.close();
  await shared.service?.stop();
  if (shared.dir) await rm(shared.dir, { recursive: true, force: true });
});

/**
 * Ben's received audio level, in dB, in 50 ms windows over `seconds`: a Web Audio analyser on
 * the audio of the stream his "Remote video" plays.
 */
function receivedLevels(page, seconds) {
  return page.getByLabel('Remote video', { exact: true }).evaluate(async (video, seconds) => {
    const context = new AudioContext();
    await context.resume();
    const source = context.createMediaStreamSource(new MediaStream(video.srcObject.getAudioTracks()));
    const analyser = new AnalyserNode(context, { fftSize: 2048 });
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const levels = [];
    await new Promise((resolve) => {
      const timer = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const s of samples) sum += s * s;
        levels.push(10 * Math.log10(sum / samples.length + 1e-12));
        if (levels.length >= (seconds * 1000) / 50) {
          clearInterval(timer);
          resolve();
        }
      }, 50);
    });
    await context.close();
    return levels;
  }, seconds);
}

/** The `p`th percentile (0-100) of `values`. */
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

/** The noise-only and speech levels over one whole loop of the recording (and a second more). */
async function stretches(ben) {
  const levels = await receivedLevels(ben, shared.layout.seconds + 1);
  return { noise: percentile(levels, 10), speech: percentile(levels, 90) };
}

/** What Ana's connection sends as audio: its track's id and state, and how many offers so far. */
function sentAudio(page) {
  return page.evaluate(() => {
    const track = window.__pc.getSenders().map((s) => s.track).find((t) => t?.kind === 'audio');
    const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    return { id: track?.id, live: track?.readyState === 'live', mic: track?.id === mic?.id, offers: window.__offers };
  });
}

test('strong noise suppression quiets the noise-only stretches by 10 dB and keeps the speech', {
  skip: noEspeak,
}, async (t) => {
  const ana = await openPerson(shared.ana, shared.service.url);
  t.after(() => ana.context().close());
  const ben = await openPerson(shared.ben, shared.service.url);
  t.after(() => ben.context().close());
  await keepPeerConnection(ana);
  // Off on the room step (the default), so the call starts with the microphone as it is.
  assert.equal(await ana.getByRole('switch', { name: NAME }).isChecked(), false);
  await meet(ana, ben, uniqueRoom('noise'));
  const before = await sentAudio(ana);
  assert.ok(before.mic && before.live, 'the microphone itself is sent');

  const off = await stretches(ben);

  await ana.getByRole('button', { name: 'Devices' }).click();
  await ana.getByRole('switch', { name: NAME }).check();
  await ana.waitForFunction(() => {
    const track = window.__pc.getSenders().map((s) => s.track).find((t) => t?.kind === 'audio');
    const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    return track && track.readyState === 'live' && track.id !== mic.id;
  }, null, { timeout: WAIT });
  const on = await stretches(ben);

  const figures = `off: noise ${off.noise.toFixed(1)} dB, speech ${off.speech.toFixed(1)} dB; ` +
    `on: noise ${on.noise.toFixed(1)} dB, speech ${on.speech.toFixed(1)} dB`;
  t.diagnostic(figures);
  assert.ok(off.speech - off.noise > 10, `the recording's speech stands out of its noise (${figures})`);
  assert.ok(off.noise - on.noise >= 10, `noise-only stretches at least 10 dB quieter (${figures})`);
  assert.ok(off.speech - on.speech < 3, `speech loses less than 3 dB (${figures})`);

  // Off again: the microphone itself is sent again, still without renegotiating.
  await ana.getByRole('switch', { name: NAME }).uncheck();
  await ana.waitForFunction(() => {
    const track = window.__pc.getSenders().map((s) => s.track).find((t) => t?.kind === 'audio');
    const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    return track?.id === mic.id && track.readyState === 'live';
  }, null, { timeout: WAIT });
  assert.equal((await sentAudio(ana)).offers, before.offers, 'switching never renegotiates');
});

test('the choice is remembered by the browser, and a suppressor that cannot load says why', {
  skip: noEspeak,
}, async (t) => {
  // A build without its files: the switch can be turned on, the call goes on with the
  // microphone as it is, and the switch turns off and says why.
  const broken = await distWith({});
  t.after(() => broken.dispose());
  await rm(path.join(broken.dir, 'denoise'), { recursive: true, force: true });
  const service = await Service.start(0, { dist: broken.dir });
  t.after(() => service.stop());
  const context = await shared.ana.newContext();
  t.after(() => context.close());
  const ana = await context.newPage();
  await ana.goto(service.url);
  const ben = await openPerson(shared.ben, service.url);
  t.after(() => ben.context().close());
  await ana.getByRole('switch', { name: NAME }).check();
  await meet(ana, ben, uniqueRoom('noise-broken'));
  await ana.getByRole('button', { name: 'Devices' }).click();
  const toggle = ana.getByRole('switch', { name: NAME });
  await ana.waitForFunction(() => document.getElementById('device-strong-noise')?.disabled, null, {
    timeout: WAIT,
  });
  assert.equal(await toggle.isChecked(), false);
  const why = await toggle.getAttribute('aria-describedby');
  assert.match(await ana.locator(`#${why}`).innerText(), /could not run/);

  // The choice itself is kept: a new visit in this browser (same origin) starts with it on.
  const again = await context.newPage();
  await again.goto(service.url);
  assert.equal(await again.getByRole('switch', { name: NAME }).isChecked(), true);
});

test('with it on, mute and an unplugged microphone still work', { skip: noEspeak }, async (t) => {
  const context = await shared.ana.newContext();
  t.after(() => context.close());
  const ana = await context.newPage();
  await ana.goto(shared.service.url);
  const ben = await openPerson(shared.ben, shared.service.url);
  t.after(() => ben.context().close());
  await keepPeerConnection(ana);
  await ana.getByRole('switch', { name: NAME }).check();
  await meet(ana, ben, uniqueRoom('noise-devices'));
  const denoised = async () => {
    await ana.waitForFunction(() => {
      const track = window.__pc.getSenders().map((s) => s.track).find((t) => t?.kind === 'audio');
      const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
      return track && track.readyState === 'live' && track.id !== mic.id;
    }, null, { timeout: WAIT });
    return (await sentAudio(ana)).id;
  };
  const sent = await denoised();

  // Muted: the microphone's track is disabled, and what the suppressor sends is silence.
  await ana.getByRole('button', { name: 'Mute microphone', exact: true }).click();
  await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).waitFor({ timeout: WAIT });
  const muted = await stretches(ben);
  await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).click();

  // Unplugged: another microphone (here the same fake one, opened again) takes over, and the
  // suppressor listens to it; the call goes on sending the same denoised track.
  const micBefore = await ana.evaluate(
    () => document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0].id,
  );
  await ana.evaluate(() => {
    const track = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    track.stop();
    track.dispatchEvent(new Event('ended'));
  });
  await ana.getByText(/Your microphone was disconnected, so the call now uses/).waitFor({ timeout: WAIT });
  await ana.waitForFunction((old) => {
    const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
    return mic && mic.id !== old && mic.readyState === 'live';
  }, micBefore, { timeout: WAIT });
  assert.equal(await denoised(), sent, 'the same denoised track is sent, no replaceTrack needed');
  const replugged = await stretches(ben);

  const figures = `muted: speech ${muted.speech.toFixed(1)} dB; after the unplug: noise ` +
    `${replugged.noise.toFixed(1)} dB, speech ${replugged.speech.toFixed(1)} dB`;
  t.diagnostic(figures);
  assert.ok(muted.speech < -60, `muted, Ben hears nothing (${figures})`);
  assert.ok(replugged.speech > -35, `Ben hears Ana's speech from the new microphone (${figures})`);
  // Without suppression the recording's speech stands about 30 dB over its noise (first test).
  assert.ok(replugged.speech - replugged.noise > 45, `still denoised (${figures})`);
});
