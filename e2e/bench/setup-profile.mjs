// Where the main threads' time goes while a call is set up: a CPU profile (Chromium's
// sampling profiler, through the DevTools protocol) of both people's pages, from the click on
// Join to the first remote frame, summed by function over a few calls. Duet and the plain page
// (bench/plain.html) are profiled in the same run, one after the other. A diagnosis tool, not a
// measurement of speed (first-frame.mjs is that): the profiler itself slows the pages down.
//
//   trunk build --release && cargo build --release -p duet-signaling
//   # function names: give the release dist the named wasm wasm-bindgen wrote before wasm-opt
//   rm -rf /tmp/dist-named && cp -a dist /tmp/dist-named
//   cp target/wasm-bindgen/release/duet-frontend_bg.wasm /tmp/dist-named/$(cd dist && ls *_bg.wasm)
//   cd e2e && DUET_SIGNALING_BIN=../target/release/duet-signaling DUET_DIST=/tmp/dist-named \
//     flock /tmp/duet-bench.lock node bench/setup-profile.mjs [calls per app, default 4]
//
// Prints, per app and person, the functions with the most self time and the most total time
// (ms per call). "(program)" is the browser's own main-thread work outside script (style,
// layout, paint, media plumbing); "(idle)" is the thread waiting.

import { readFile, rm } from 'node:fs/promises';
import { FAKE_MEDIA, Service, distWith, launchBrowser, uniqueRoom, WAIT } from '../harness.mjs';

const calls = Number(process.argv[2] ?? 4);
if (!Number.isInteger(calls) || calls < 1) throw new Error(`calls must be a positive integer, not ${process.argv[2]}`);

const plainPage = await readFile(new URL('plain.html', import.meta.url), 'utf8');
const dist = await distWith({ 'plain.html': plainPage });
const service = await Service.start(0, { dist: dist.dir });
const browser = await launchBrowser(FAKE_MEDIA);

async function person(url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(
    () => document.querySelector('video[aria-label="Local video"]')?.readyState >= 2,
    null,
    { timeout: WAIT },
  );
  return page;
}

async function join(page, room) {
  await page.getByRole('textbox', { name: /Room name/ }).fill(room);
  await page.getByRole('button', { name: 'Join', exact: true }).click();
}

const nameOf = (node) => node.callFrame.functionName || `(${node.callFrame.url.split('/').pop() || 'anonymous'})`;

/** Adds `profile`'s samples to `into`: self time per function, and total time (once per stack). */
function add(into, profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    const leaf = nameOf(byId.get(id));
    into.self[leaf] = (into.self[leaf] ?? 0) + ms;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = nameOf(byId.get(at));
      if (!seen.has(name)) {
        seen.add(name);
        into.total[name] = (into.total[name] ?? 0) + ms;
      }
    }
  });
}

async function profileCalls(url) {
  const sums = { newcomer: { self: {}, total: {} }, waiting: { self: {}, total: {} } };
  for (let i = 0; i < calls; i += 1) {
    const room = uniqueRoom('Profile');
    const ana = await person(url);
    try {
      await join(ana, room);
      await ana.getByRole('status').filter({ hasText: /Waiting for your friend/i }).first().waitFor({ timeout: WAIT });
      const ben = await person(url);
      try {
        const sessions = await Promise.all([ben, ana].map(async (page) => {
          const cdp = await page.context().newCDPSession(page);
          await cdp.send('Profiler.enable');
          await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
          await cdp.send('Profiler.start');
          return cdp;
        }));
        await join(ben, room);
        await ben.waitForFunction(
          () => document.querySelector('video[aria-label="Remote video"]')?.readyState >= 2,
          null,
          { timeout: WAIT },
        );
        const [newcomer, waiting] = await Promise.all(sessions.map((cdp) => cdp.send('Profiler.stop')));
        add(sums.newcomer, newcomer.profile);
        add(sums.waiting, waiting.profile);
      } finally {
        await ben.context().close();
      }
    } finally {
      await ana.context().close();
    }
  }
  return sums;
}

try {
  for (const [app, url] of [['duet', `${service.url}/`], ['plain', `${service.url}/plain.html`]]) {
    const sums = await profileCalls(url);
    for (const [who, kinds] of Object.entries(sums)) {
      for (const [kind, rows] of Object.entries(kinds)) {
        console.log(`\n## ${app}, ${who} (${who === 'newcomer' ? 'Ben, clicks Join' : 'Ana, already there'}): ${kind} time, ms per call`);
        for (const [name, ms] of Object.entries(rows).sort((a, b) => b[1] - a[1]).slice(0, kind === 'self' ? 20 : 30)) {
          console.log(`${(ms / calls).toFixed(1).padStart(8)}  ${name.slice(0, 160)}`);
        }
      }
    }
  }
} finally {
  await browser.close();
  await service.stop();
  await rm(dist.dir, { recursive: true, force: true });
}
