// What "Strong noise suppression" costs and does, in Chromium: the test microphone's recording
// (noisy-speech.mjs: espeak-ng speech over steady noise) rendered by an OfflineAudioContext
// through the real worklet and module from dist/denoise/, beside the same graph without them, in
// the same page, rounds alternating. A measurement, not a test: prints JSON on stdout and a
// Markdown table on stderr.
//
// - CPU: an OfflineAudioContext renders as fast as it can, so (render time with the worklet -
//   render time without) / seconds of audio is the worklet's CPU time per second of audio
//   (JavaScript copying, the wasm, and the processor's construction, once per render).
// - Latency: the lag at which the output best matches the input (cross-correlation), against
//   the crate's documented delay (denoise/src/lib.rs, TOTAL_DELAY).
// - Effect: the output's level against the input's over the noise-only and the speech
//   stretches, in dB (the output shifted back by the measured delay).
// - Bytes: what the browser fetches when the switch is first turned on (the module, the
//   worklet and the page's side of the graph).
//
//   trunk build --release
//   cd e2e && DUET_SIGNALING_BIN=../target/debug/duet-signaling \
//     flock /tmp/duet-bench.lock node bench/denoise-cost.mjs [rounds, default 5]

import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST, Service, distWith, launchBrowser } from '../harness.mjs';
import { noisySpeech } from '../noisy-speech.mjs';

const rounds = Number(process.argv[2] ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be a positive integer, not ${process.argv[2]}`);

/** Runs in the page: renders the recording `rounds` times each way, alternating. */
async function measure({ samples, rounds }) {
  const rate = 48_000;
  const module = await WebAssembly.compileStreaming(fetch('denoise/denoise.wasm'));
  const input = new Float32Array(samples);
  const buffer = new AudioBuffer({ length: input.length, sampleRate: rate, numberOfChannels: 1 });
  buffer.copyToChannel(input, 0);

  async function render(denoise) {
    const ctx = new OfflineAudioContext({ numberOfChannels: 1, length: input.length, sampleRate: rate });
    const source = new AudioBufferSourceNode(ctx, { buffer });
    const messages = [];
    if (denoise) {
      // The app's own graph builder, as dist/denoise/ serves it.
      const { denoiseNode } = await import('/denoise/pipeline.js');
      const node = await denoiseNode(ctx, module);
      node.port.onmessage = (event) => messages.push(event.data);
      source.connect(node).connect(ctx.destination);
    } else {
      source.connect(ctx.destination);
    }
    source.start();
    const start = performance.now();
    const rendered = await ctx.startRendering();
    const ms = performance.now() - start;
    // Let the processor's 'ready' (or 'failed') arrive.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return { ms, output: rendered.getChannelData(0), messages };
  }

  const times = { plain: [], denoise: [] };
  let output;
  let messages;
  for (let i = 0; i < rounds; i++) {
    times.plain.push((await render(false)).ms);
    const run = await render(true);
    times.denoise.push(run.ms);
    output = run.output;
    messages = run.messages;
  }
  return { times, output: Array.from(output), messages };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rms = (xs, from, to) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += xs[i] * xs[i];
  return Math.sqrt(sum / Math.max(1, to - from));
};

/** The lag (0..max) at which `output` best correlates with `input`. */
function bestLag(input, output, max) {
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= max; lag++) {
    let score = 0;
    for (let i = 0; i + lag < output.length; i += 4) score += input[i] * output[i + lag];
    if (score > bestScore) {
      bestScore = score;
      best = lag;
    }
  }
  return best;
}

const recording = await noisySpeech();
const served = await distWith({});
const service = await Service.start(0, { dist: served.dir });
const browser = await launchBrowser([]);
try {
  const page = await browser.newPage();
  await page.goto(service.url);
  const result = await page.evaluate(measure, { samples: Array.from(recording.samples), rounds });
  const failed = result.messages.find((m) => m.type !== 'ready');
  if (failed || result.messages.length === 0) {
    throw new Error(`the worklet did not run: ${JSON.stringify(result.messages)}`);
  }
  const { delay } = result.messages[0];
  const input = recording.samples;
  const output = result.output;
  const lag = bestLag(input, output, 2 * delay);
  const rate = recording.sampleRate;
  const stretch = ([from, to]) => {
    const a = Math.round(from * rate);
    const b = Math.round(to * rate);
    return 20 * Math.log10(rms(output, a + lag, Math.min(b + lag, output.length)) / rms(input, a, b));
  };
  const plainMs = median(result.times.plain);
  const denoiseMs = median(result.times.denoise);
  const file = async (name) => {
    const bytes = await readFile(path.join(DIST, 'denoise', name));
    return { raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  };
  const figures = {
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model}`,
    load: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    rounds,
    audio_seconds: Number(recording.seconds.toFixed(2)),
    render_ms: { plain: result.times.plain, denoise: result.times.denoise },
    cpu_ms_per_audio_second: Number(((denoiseMs - plainMs) / recording.seconds).toFixed(2)),
    delay_documented_samples: delay,
    delay_measured_samples: lag,
    delay_ms: Number(((lag / rate) * 1000).toFixed(2)),
    noise_only_db: recording.noise.map((s) => Number(stretch(s).toFixed(1))),
    speech_db: recording.speech.map((s) => Number(stretch(s).toFixed(1))),
    bytes: {
      'denoise.wasm': await file('denoise.wasm'),
      'worklet.js': await file('worklet.js'),
      'pipeline.js': await file('pipeline.js'),
    },
  };
  console.log(JSON.stringify(figures, null, 2));
  console.error(`
| | value |
|---|---|
| machine, load (1/5/15 min) | ${figures.machine}, ${figures.load} |
| render of ${figures.audio_seconds} s, median of ${rounds}: without / with the worklet | ${plainMs.toFixed(1)} ms / ${denoiseMs.toFixed(1)} ms (fastest: ${Math.min(...result.times.plain).toFixed(1)} / ${Math.min(...result.times.denoise).toFixed(1)}) |
| worklet CPU per second of audio | ${figures.cpu_ms_per_audio_second} ms (${(figures.cpu_ms_per_audio_second / 10).toFixed(2)} % of one core) |
| added delay: documented / measured | ${delay} / ${lag} samples (${figures.delay_ms} ms at 48 kHz) |
| level change, noise-only stretches | ${figures.noise_only_db.join(', ')} dB |
| level change, speech stretches | ${figures.speech_db.join(', ')} dB |
| fetched when first turned on (raw / gzip -9) | ${Object.entries(figures.bytes).map(([name, b]) => `${name} ${b.raw} / ${b.gzip} B`).join(', ')} |
`);
} finally {
  await browser.close();
  await service.stop();
  await served.dispose();
}
