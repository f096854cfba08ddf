// Click on Join → first remote frame: Duet against a hand-written plain page (bench/plain.html)
// that speaks Duet's protocol to the same service, in the same run, rounds alternating; and
// against the same plain page laid out as a call screen (bench/plain-layout.css), which tells
// what drawing a call's screen costs here from what the app costs. A
// measurement, not a test: it prints the samples, their percentiles, the ratio and where the
// time went (the phases), as JSON on stdout and as Markdown tables on stderr.
//
// Per call: Ana opens the app and waits in a fresh room; Ben opens it, his camera preview
// plays, he types the room name and clicks Join. The clock runs in Ben's page: from the click
// event on Join (its timeStamp) to the first frame of his remote video on screen: the first
// `requestVideoFrameCallback` while the video is in the page, playing and visible (Chromium
// calls back for a video outside the page too). The first frame loaded (`loadeddata`, which
// fires even for a video not in the page) is a phase. The phases come from the
// same clock: the page's WebSocket and RTCPeerConnection are wrapped (an init script, so the
// app itself is unchanged) to note when the socket was made and opened, when `joined` arrived,
// when the first offer and answer went by (either way), and when the connection connected.
//
//   cargo build --release -p duet-signaling && trunk build --release
//   cd e2e && DUET_SIGNALING_BIN=../target/release/duet-signaling \
//     flock /tmp/duet-bench.lock node bench/first-frame.mjs [calls per app, default 20]
//
// DUET_COMPARE=name=<dist>[,name=<dist>...] adds other builds of the app (e.g. the one before a
// change: `before=/tmp/dist-before`), each served by its own process of the same service
// binary, alternating with the others.

import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { FAKE_MEDIA, Service, distWith, launchBrowser, uniqueRoom, WAIT } from '../harness.mjs';

const calls = Number(process.argv[2] ?? 20);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`calls must be a positive integer, not ${process.argv[2]}`);

/** Runs in Ben's page before its own scripts: notes the moments the phases are made of. */
function instrument() {
  // The page's clock starts at its own time origin; `origin` lets another page's moments be
  // put on this one's clock.
  const marks = { origin: performance.timeOrigin };
  window.__bench = marks;
  const mark = (name, at = performance.now()) => {
    marks[name] ??= at;
  };
  addEventListener('click', (event) => {
    const button = event.target.closest?.('button');
    if (button?.textContent.trim() === 'Join') {
      mark('press', event.timeStamp);
      // When the page got round to the click: later than its timeStamp if it was busy.
      mark('click_seen');
    }
  }, true);
  addEventListener('loadeddata', (event) => {
    if (event.target.getAttribute?.('aria-label') === 'Remote video') mark('frame');
  }, true);
  // The friend's stream put into a video: its first frame loaded (`loadeddata`, on the element
  // itself, which may not be in the page yet) and its first frame on screen: what the person
  // sees.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject');
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(stream) {
      srcObject.set.call(this, stream);
      if (stream && this.getAttribute('aria-label') === 'Remote video') {
        this.addEventListener('loadeddata', () => mark('frame'), { once: true });
        // Chromium calls back for a video not in the page too: only a frame of a video in
        // the page, playing and visible counts.
        const onFrame = () => {
          const visible = this.checkVisibility?.({ opacityProperty: true, visibilityProperty: true }) ?? true;
          if (this.isConnected && !this.paused && visible) mark('shown');
          else if (this.srcObject === stream) this.requestVideoFrameCallback(onFrame);
        };
        this.requestVideoFrameCallback?.(onFrame);
      }
    },
  });
  const description = (data, way) => {
    try {
      const msg = JSON.parse(data);
      if (msg.type === 'join' && way === 'out') mark('join');
      if (msg.type === 'joined') mark('joined');
      const d = msg.type === 'signal' && msg.signal?.kind === 'description' && msg.signal.description;
      if (d) {
        mark(d.type);
        mark(`${d.type}_${way}`);
      }
    } catch {
      // Not JSON: not ours to time.
    }
  };
  // Frames the page took long to make (Chromium's long animation frames): when, how long,
  // and how much of it went to style and layout.
  marks.frames = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        marks.frames.push({
          start: e.startTime,
          ms: e.duration,
          layout_ms: e.styleAndLayoutStart ? e.startTime + e.duration - e.styleAndLayoutStart : 0,
          script_ms: e.scripts.reduce((sum, s) => sum + s.duration, 0),
        });
      }
    }).observe({ type: 'long-animation-frame', buffered: true });
  } catch {
    // Not in this browser: no frames listed.
  }
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      // The latest socket counts (a page may open one early, then another).
      marks.socket = performance.now();
      delete marks.open;
      this.addEventListener('open', () => mark('open'));
      this.addEventListener('message', (event) => description(event.data, 'in'));
    }

    send(data) {
      description(data, 'out');
      return super.send(data);
    }
  };
  const NativePeer = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeer {
    constructor(...args) {
      super(...args);
      mark('peer');
      this.addEventListener('track', () => mark('track'));
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('connected');
      });
    }
  };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  return sorted.length ? percentile(sorted, 50) : undefined;
}

async function person(browser, url, { timed = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  if (timed) await context.addInitScript(instrument);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Waits until the page's camera preview plays: the app has its media, Join is the next step. */
function previewPlays(page) {
  return page.waitForFunction(
    () => document.querySelector('video[aria-label="Local video"]')?.readyState >= 2,
    null,
    { timeout: WAIT },
  );
}

async function join(page, room) {
  const box = page.getByRole('textbox', { name: /Room name/ });
  await box.fill(room);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

/**
 * The time `page`'s main thread has spent running tasks so far (ms; Chromium's TaskDuration):
 * CPU work, which unlike the wall clock hardly depends on what else the machine is doing.
 */
async function mainThreadMs(cdp) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return 1000 * (metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN);
}

/**
 * One call of `app`; returns Ben's marks relative to his click on Join, and the main-thread work
 * of both pages from just before the click to just after the first frame (`ben_work`, `ana_work`).
 */
async function oneCall(browser, app) {
  const room = uniqueRoom('Bench');
  const ana = await person(browser, app.url, { timed: true });
  const ben = await person(browser, app.url, { timed: true });
  try {
    await previewPlays(ana);
    await join(ana, room);
    await ana.getByRole('status').filter({ hasText: /Waiting for your friend/i }).first().waitFor({ timeout: WAIT });
    await previewPlays(ben);
    const cdp = await Promise.all([ben, ana].map(async (page) => {
      const session = await page.context().newCDPSession(page);
      await session.send('Performance.enable');
      return session;
    }));
    const workBefore = await Promise.all(cdp.map(mainThreadMs));
    await join(ben, room);
    const marks = await (
      await ben.waitForFunction(() => window.__bench.frame && window.__bench.shown && window.__bench, null, { timeout: WAIT })
        .catch(async (e) => {
          const v = await ben.evaluate(() => {
            const v = document.querySelector('video[aria-label="Remote video"]');
            return JSON.stringify({ bench: window.__bench, connected: v?.isConnected, paused: v?.paused, rs: v?.readyState, src: !!v?.srcObject, cls: v?.className, vis: v?.checkVisibility?.({ opacityProperty: true, visibilityProperty: true }), op: v && getComputedStyle(v).opacity, status: document.querySelector('[role=status]')?.textContent, main: document.querySelector('main')?.innerHTML.slice(0, 300) });
          });
          throw new Error(`${e.message}: ${v}`);
        })
    ).jsonValue();
    const workAfter = await Promise.all(cdp.map(mainThreadMs));
    const relative = {};
    for (const [name, at] of Object.entries(marks)) relative[name] = at - marks.press;
    relative.frames = marks.frames
      .filter((f) => f.start + f.ms > marks.press && f.start < marks.shown)
      .map((f) => ({ ...f, start: f.start - marks.press }));
    // Ana's side of the same exchange, on Ben's clock (both pages run on this machine).
    const anaMarks = await ana.evaluate(() => window.__bench);
    const shift = anaMarks.origin - marks.origin - marks.press;
    for (const name of ['offer_in', 'answer_out', 'connected']) {
      if (anaMarks[name] !== undefined) relative[`ana_${name}`] = anaMarks[name] + shift;
    }
    relative.ben_work = workAfter[0] - workBefore[0];
    relative.ana_work = workAfter[1] - workBefore[1];
    return relative;
  } finally {
    await ana.context().close();
    await ben.context().close();
  }
}

const PHASES = [
  ['press → click handled', 'click_seen'],
  ['press → socket made', 'socket'],
  ['press → socket open', 'open'],
  ['press → join sent', 'join'],
  ['press → joined', 'joined'],
  ['press → peer connection made', 'peer'],
  ['press → offer', 'offer'],
  ['press → offer reaches Ana', 'ana_offer_in'],
  ['press → Ana sends her answer', 'ana_answer_out'],
  ['press → answer', 'answer'],
  ['press → Ana connected', 'ana_connected'],
  ['press → connected', 'connected'],
  ['press → first frame', 'frame'],
  ['press → first frame on screen', 'shown'],
];

const WORK = [
  ['main-thread work, Ben (newcomer)', 'ben_work'],
  ['main-thread work, Ana (waiting)', 'ana_work'],
];

const plainPage = await readFile(new URL('plain.html', import.meta.url), 'utf8');
const layout = await readFile(new URL('plain-layout.css', import.meta.url), 'utf8');
const dist = await distWith({
  'plain.html': plainPage,
  'plain-laid-out.html': plainPage.replace('<title>', `<style>${layout}</style>\n<title>`),
});
const service = await Service.start(0, { dist: dist.dir });
const apps = [
  { name: 'duet', url: `${service.url}/` },
  { name: 'plain', url: `${service.url}/plain.html` },
  { name: 'plain, laid out', url: `${service.url}/plain-laid-out.html` },
];
const extraServices = [];
for (const entry of (process.env.DUET_COMPARE ?? '').split(',').filter(Boolean)) {
  const [name, dir] = entry.split('=');
  if (!name || !dir) throw new Error(`DUET_COMPARE wants name=<dist>, not ${entry}`);
  const extra = await Service.start(0, { dist: dir });
  extraServices.push(extra);
  apps.push({ name, url: `${extra.url}/` });
}
const browser = await launchBrowser(FAKE_MEDIA);
const load = { before: os.loadavg().map((l) => l.toFixed(2)).join(' ') };
const started = new Date();
const results = Object.fromEntries(apps.map((app) => [app.name, []]));
try {
  for (let round = 0; round < calls; round += 1) {
    // Alternate who goes first, so neither always runs right after the other's teardown.
    const order = round % 2 === 0 ? apps : [...apps].reverse();
    for (const app of order) {
      const marks = await oneCall(browser, app);
      results[app.name].push(marks);
      process.stderr.write(`round ${round + 1}/${calls} ${app.name}: ${marks.shown.toFixed(0)} ms on screen (loaded ${marks.frame.toFixed(0)})\n`);
    }
  }
} finally {
  await browser.close();
  await service.stop();
  for (const extra of extraServices) await extra.stop();
  await rm(dist.dir, { recursive: true, force: true });
}
load.after = os.loadavg().map((l) => l.toFixed(2)).join(' ');

const summary = {};
for (const [name, samples] of Object.entries(results)) {
  const frames = samples.map((m) => m.shown).sort((a, b) => a - b);
  summary[name] = {
    calls: frames.length,
    p50_ms: Math.round(percentile(frames, 50)),
    p95_ms: Math.round(percentile(frames, 95)),
    min_ms: Math.round(frames[0]),
    max_ms: Math.round(frames[frames.length - 1]),
    // Medians of each moment, relative to the click (negative: before it).
    phases_p50_ms: Object.fromEntries(
      [...PHASES, ...WORK].map(([, key]) => [key, median(samples.map((m) => m[key]))])
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, Math.round(v)]),
    ),
    offer_sent_by_this_side: samples.filter((m) => m.offer_out !== undefined && (m.offer_in === undefined || m.offer_out < m.offer_in)).length,
    samples_ms: samples.map((m) => Math.round(m.shown)),
    // Per call, Ben's frames over 50 ms between the press and the first remote frame.
    long_frames: samples.map((m) => m.frames.map((f) => Object.fromEntries(
      Object.entries(f).map(([k, v]) => [k, Math.round(v)]),
    ))),
  };
}
const ratio = (a, b, key) => Number((summary[a][key] / summary[b][key]).toFixed(2));
const result = {
  started: started.toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  load_average: load,
  calls_per_app: calls,
  ratio_p50: ratio('duet', 'plain', 'p50_ms'),
  ratio_p95: ratio('duet', 'plain', 'p95_ms'),
  ratio_laid_out_p50: ratio('duet', 'plain, laid out', 'p50_ms'),
  ratio_laid_out_p95: ratio('duet', 'plain, laid out', 'p95_ms'),
  ...summary,
};
console.log(JSON.stringify(result, null, 2));

// The same, as the tables docs/benchmarks.md shows.
const names = Object.keys(summary);
const lines = [
  `| click on Join → first remote frame | ${names.join(' | ')} |`,
  `|---|${names.map(() => '---').join('|')}|`,
  `| p50 / p95 (ms) | ${names.map((n) => `${summary[n].p50_ms} / ${summary[n].p95_ms}`).join(' | ')} |`,
  `| min / max (ms) | ${names.map((n) => `${summary[n].min_ms} / ${summary[n].max_ms}`).join(' | ')} |`,
  ...[...PHASES, ...WORK].map(([label, key]) => `| ${label} (p50, ms) | ${names.map((n) => summary[n].phases_p50_ms[key] ?? '–').join(' | ')} |`),
  '',
  `duet / plain: p50 ${result.ratio_p50}×, p95 ${result.ratio_p95}×; duet / plain, laid out: p50 ${result.ratio_laid_out_p50}×, p95 ${result.ratio_laid_out_p95}×; ${calls} calls each, load average ${load.before} → ${load.after}`,
];
process.stderr.write(`\n${lines.join('\n')}\n`);
