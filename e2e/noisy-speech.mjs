// The noise-suppression tests' microphone: speech (espeak-ng) over steady generated noise, with
// noise-only stretches between the sentences, as a 48 kHz 16-bit mono WAV that Chromium's fake
// microphone can play (`--use-file-for-fake-audio-capture`). It also says where the speech is,
// so a measurement can tell the stretches apart.
//
//   node noisy-speech.mjs OUT.wav      writes the file and prints its layout as JSON

import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/** Web Audio and RNNoise both run at 48 kHz: no resampling between the file and the model. */
export const SAMPLE_RATE = 48_000;

/** Seconds of noise alone before, between and after the sentences. */
const GAP = 3;

const SENTENCES = [
  'The quick brown fox jumps over the lazy dog, and then it runs back home.',
  'Please call me back when you have a moment, I will be here all afternoon.',
];

/** Speech peaks at this (-6 dBFS); the noise's RMS is NOISE_RMS (-34 dBFS). */
const SPEECH_PEAK = 0.5;
const NOISE_RMS = 0.02;

/** A WAV file's 16-bit PCM samples as floats in [-1, 1], and its sample rate. */
function parseWav(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('espeak-ng did not write a WAV file');
  }
  let at = 12;
  let rate = 0;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = view.getUint32(at + 4, true);
    if (id === 'fmt ') {
      if (view.getUint16(at + 8, true) !== 1 || view.getUint16(at + 22, true) !== 16) {
        throw new Error('espeak-ng wrote something other than 16-bit PCM');
      }
      rate = view.getUint32(at + 12, true);
    } else if (id === 'data') {
      // Written to a pipe, the data size is a placeholder: the data runs to the end.
      const end = Math.min(bytes.length, at + 8 + size) & ~1;
      const samples = new Float32Array((end - at - 8) / 2);
      for (let i = 0; i < samples.length; i++) {
        samples[i] = view.getInt16(at + 8 + 2 * i, true) / 32768;
      }
      return { rate, samples };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('no data in the WAV from espeak-ng');
}

/** Linear interpolation to 48 kHz: enough for a test voice, whose energy is under 5 kHz. */
function resample(samples, from) {
  const out = new Float32Array(Math.floor((samples.length * SAMPLE_RATE) / from));
  for (let i = 0; i < out.length; i++) {
    const x = (i * from) / SAMPLE_RATE;
    const j = Math.floor(x);
    const next = Math.min(j + 1, samples.length - 1);
    out[i] = samples[j] + (samples[next] - samples[j]) * (x - j);
  }
  return out;
}

async function speak(text) {
  const { stdout } = await promisify(execFile)('espeak-ng', ['-v', 'en', '-s', '150', '--stdout', text], {
    encoding: 'buffer',
    maxBuffer: 64 << 20,
  });
  const { rate, samples } = parseWav(stdout);
  return resample(samples, rate);
}

/**
 * Steady noise like a fan or traffic: white noise through a one-pole low-pass, from a fixed
 * seed (every run is the same file), scaled to NOISE_RMS.
 */
function steadyNoise(length) {
  const noise = new Float32Array(length);
  let seed = 0x2545f491;
  let low = 0;
  let energy = 0;
  for (let i = 0; i < length; i++) {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    const white = (seed >>> 0) / 0xffffffff * 2 - 1;
    low = 0.9 * low + 0.1 * white;
    noise[i] = low;
    energy += low * low;
  }
  const scale = NOISE_RMS / Math.sqrt(energy / length);
  for (let i = 0; i < length; i++) noise[i] *= scale;
  return noise;
}

/** 16-bit PCM mono WAV bytes of `samples`. */
function wavBytes(samples) {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVEfmt ', 8, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(SAMPLE_RATE, 24);
  out.writeUInt32LE(SAMPLE_RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    out.writeInt16LE(Math.round(Math.max(-1, Math.min(1, samples[i])) * 32767), 44 + 2 * i);
  }
  return out;
}

/**
 * Makes the test microphone's recording: GAP seconds of noise, a sentence, GAP of noise, the
 * next sentence, GAP of noise (`sentences`: how many, at most two). Returns the samples, and the speech and noise-only stretches in
 * seconds ([start, end] pairs).
 */
export async function noisySpeech({ sentences = SENTENCES.length } = {}) {
  const voices = await Promise.all(SENTENCES.slice(0, sentences).map(speak));
  const gap = GAP * SAMPLE_RATE;
  const length = voices.reduce((sum, v) => sum + v.length, 0) + gap * (voices.length + 1);
  const samples = steadyNoise(length);
  const speech = [];
  const noise = [[0, GAP]];
  let at = gap;
  for (const voice of voices) {
    const peak = voice.reduce((m, s) => Math.max(m, Math.abs(s)), 0) || 1;
    for (let i = 0; i < voice.length; i++) samples[at + i] += (voice[i] / peak) * SPEECH_PEAK;
    speech.push([at / SAMPLE_RATE, (at + voice.length) / SAMPLE_RATE]);
    at += voice.length;
    noise.push([at / SAMPLE_RATE, (at + gap) / SAMPLE_RATE]);
    at += gap;
  }
  return { sampleRate: SAMPLE_RATE, samples, speech, noise, seconds: length / SAMPLE_RATE };
}

/** Writes the recording to `path` as a WAV file; returns its layout (without the samples). */
export async function writeNoisySpeech(path, options) {
  const { samples, ...layout } = await noisySpeech(options);
  await writeFile(path, wavBytes(samples));
  return layout;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node noisy-speech.mjs OUT.wav');
    process.exit(2);
  }
  console.log(JSON.stringify(await writeNoisySpeech(out)));
}
