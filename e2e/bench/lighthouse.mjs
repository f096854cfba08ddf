// Lighthouse on Duet's first screen, as the real service serves the release build: the
// default (mobile: simulated slow 4G, 4× CPU slowdown) and desktop presets, each run a few
// times, the median run reported. A measurement, not a test: it prints a table and JSON.
//
//   trunk build --release && cargo build --release -p duet-signaling
//   cd e2e && DUET_SIGNALING_BIN=../target/release/duet-signaling node bench/lighthouse.mjs [runs]
//   (DUET_LIGHTHOUSE_JSON=/tmp/lh also writes each run's full report to /tmp/lh-<preset>.json)
//
// Lighthouse (npm, an e2e devDependency) drives Debian's Chromium (DUET_CHROMIUM, default
// /usr/bin/chromium) over the DevTools protocol; it never downloads a browser. The page asks
// for the camera on arrival, so Chromium gets a fake camera and microphone, allowed without
// a prompt (as in the e2e tests).

import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import desktopConfig from 'lighthouse/core/config/desktop-config.js';
import { FAKE_MEDIA, Service, withTimeout, WAIT } from '../harness.mjs';

const runs = Number(process.argv[2] ?? 3);
const CHROMIUM = process.env.DUET_CHROMIUM ?? '/usr/bin/chromium';

/** Starts headless Chromium with a DevTools port; resolves to `{ port, stop }`. */
async function startChromium() {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'duet-lighthouse-'));
  const child = spawn(CHROMIUM, [
    '--headless=new',
    '--no-sandbox',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--remote-debugging-port=0',
    `--user-data-dir=${profile}`,
    ...FAKE_MEDIA,
    'about:blank',
  ]);
  let log = '';
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      child.stderr.on('data', (chunk) => {
        log += chunk;
        const match = /DevTools listening on ws:\/\/[^:]+:(\d+)\//.exec(log);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`chromium exited (${code}):\n${log}`)));
    }),
    WAIT,
    'Chromium to open its DevTools port',
  );
  return {
    port,
    async stop() {
      child.kill();
      await new Promise((resolve) => (child.exitCode === null ? child.on('exit', resolve) : resolve()));
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** One Lighthouse run of `url` in a fresh Chromium; the figures that matter here. */
async function audit(url, preset) {
  const chromium = await startChromium();
  try {
    const result = await lighthouse(
      url,
      { port: chromium.port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'] },
      preset === 'desktop' ? desktopConfig : undefined,
    );
    const { categories, audits } = result.lhr;
    if (process.env.DUET_LIGHTHOUSE_JSON) {
      await writeFile(`${process.env.DUET_LIGHTHOUSE_JSON}-${preset}.json`, result.report);
    }
    return {
      performance: categories.performance.score,
      accessibility: categories.accessibility.score,
      fcp_ms: Math.round(audits['first-contentful-paint'].numericValue),
      lcp_ms: Math.round(audits['largest-contentful-paint'].numericValue),
      tbt_ms: Math.round(audits['total-blocking-time'].numericValue),
      si_ms: Math.round(audits['speed-index'].numericValue),
      cls: Number(audits['cumulative-layout-shift'].numericValue.toFixed(3)),
      lcp_element: audits['largest-contentful-paint-element']?.details?.items?.[0]?.items?.[0]?.node?.snippet ?? null,
      // The audit above fails on Chromium 156: the page's own candidates, from the trace.
      lcp_candidates: (result.artifacts?.Trace?.traceEvents ?? [])
        .filter((e) => e.name === 'largestContentfulPaint::Candidate')
        .map((e) => ({ ...e.args?.data, navigationId: undefined, frame: undefined })),
      failing_accessibility: Object.values(audits)
        .filter((a) => categories.accessibility.auditRefs.some((r) => r.id === a.id) && a.score === 0)
        .map((a) => a.id),
    };
  } finally {
    await chromium.stop();
  }
}

/** The run with the median performance score (then the median LCP). */
function median(samples) {
  const sorted = [...samples].sort((a, b) => a.performance - b.performance || b.lcp_ms - a.lcp_ms);
  return sorted[Math.floor(sorted.length / 2)];
}

const service = await Service.start();
const results = {};
try {
  for (const preset of ['mobile', 'desktop']) {
    const samples = [];
    for (let i = 0; i < runs; i += 1) {
      const sample = await audit(`${service.url}/`, preset);
      process.stderr.write(`${preset} ${i + 1}/${runs}: performance ${sample.performance}, LCP ${sample.lcp_ms} ms\n`);
      samples.push(sample);
    }
    results[preset] = { median: median(samples), runs: samples };
  }
} finally {
  await service.stop();
}

console.log('| preset | performance | LCP | FCP | TBT | Speed Index | CLS | accessibility |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [preset, { median: m }] of Object.entries(results)) {
  console.log(
    `| ${preset} | ${m.performance} | ${(m.lcp_ms / 1000).toFixed(1)} s | ${(m.fcp_ms / 1000).toFixed(1)} s | ` +
      `${m.tbt_ms} ms | ${(m.si_ms / 1000).toFixed(1)} s | ${m.cls} | ${m.accessibility} |`,
  );
}
console.log(JSON.stringify({ load: os.loadavg().map((l) => l.toFixed(2)), results }, null, 2));
