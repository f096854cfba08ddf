// Calls across the network lab's networks (lab.mjs), measured: for each scenario of
// tests/network.test.mjs, `calls` calls (5 by default) with join → first remote frame, plus
// what the scenario is about: the bitrate held under a 300 kbit/s cap, the recovery after an
// 8 s Wi-Fi drop and after a renumbered home. The same build on plain loopback (no lab, no
// NAT) is measured first, in the same run, as the baseline. A measurement, not a test: it
// prints a JSON report and the Markdown table of docs/benchmarks.md.
//
// As root (network namespaces), one measurement at a time:
//   cd e2e && DUET_SIGNALING_BIN=../target/release/duet-signaling \
//     flock /tmp/duet-bench.lock node bench/network.mjs [calls]

import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { FAKE_MEDIA, Service, launchBrowser, openPerson, uniqueRoom } from '../harness.mjs';
import { CallLab, framesBackAfter, incomingKbps, meetInLab, pageNow } from '../lab-call.mjs';
import { labUnavailable } from '../lab.mjs';

const calls = Number(process.argv[2] ?? 5);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function p50(samples) {
  return Math.round(percentile([...samples].sort((a, b) => a - b), 50));
}

/** How long until frames arrive again on both sides after `since` (each page's clock). */
async function recovery(ana, ben, since) {
  const backs = await Promise.all([framesBackAfter(ana.page, since.ana), framesBackAfter(ben.page, since.ben)]);
  return Math.max(...backs);
}

async function bothNow(ana, ben) {
  return { ana: await pageNow(ana.page), ben: await pageNow(ben.page) };
}

/** Ben's incoming bitrate in ten one-second windows: their mean and their largest. */
async function heldBitrate(ben) {
  const windows = [];
  for (let i = 0; i < 10; i += 1) windows.push(await incomingKbps(ben.page, 1_000));
  return { mean: windows.reduce((a, b) => a + b, 0) / windows.length, max: Math.max(...windows) };
}

const SCENARIOS = [
  { key: 'a', name: 'cone NATs both sides (direct)' },
  { key: 'b', name: 'symmetric NATs both sides (through coturn)', ana: { nat: 'symmetric' }, ben: { nat: 'symmetric' } },
  { key: 'c', name: 'all outbound UDP blocked on one side (TURN over TCP)', ana: { network: (h) => h.blockUdp() } },
  {
    key: 'd',
    name: 'one uplink capped at 300 kbit/s',
    ana: { network: (h) => h.capUplink(300) },
    // Five seconds in, once the sender's estimate has settled on the cap.
    measure: async ({ ana, ben }) => {
      await ana.page.waitForTimeout(5_000);
      const held = await heldBitrate(ben);
      return { held_mean_kbps: held.mean, held_max_kbps: held.max };
    },
  },
  { key: 'e', name: '5% random loss both ways', ana: { network: (h) => h.setLoss(5) } },
  {
    key: 'f',
    name: 'Wi-Fi down for 8 s, then back',
    measure: async ({ ana, ben }) => {
      await ana.home.setHostLink(false);
      await ana.page.waitForTimeout(8_000);
      await ana.home.setHostLink(true);
      return { recovery_ms: await recovery(ana, ben, await bothNow(ana, ben)) };
    },
  },
  {
    key: 'g',
    name: 'home renumbered mid-call',
    measure: async ({ ana, ben }) => {
      const before = await bothNow(ana, ben);
      await ana.home.renumber();
      // Frames still in flight at the change do not count: from 1 s on, as the test does.
      const back = await recovery(ana, ben, { ana: before.ana + 1_000, ben: before.ben + 1_000 });
      return { recovery_ms: back + 1_000 };
    },
  },
];

const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
const report = {
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
  chromium: execFileSync('chromium', ['--version'], { encoding: 'utf8' }).trim(),
  calls,
  load_at_start: load(),
  scenarios: [],
};

// The baseline: the same build, both browsers on this machine's loopback.
{
  const service = await Service.start();
  const browser = await launchBrowser(FAKE_MEDIA);
  const samples = [];
  try {
    for (let i = 0; i < calls; i += 1) {
      const ana = { page: await openPerson(browser, service.url) };
      const ben = { page: await openPerson(browser, service.url) };
      await ben.page.addInitScript(() => {
        document.addEventListener('loadeddata', (event) => {
          if (event.target.getAttribute?.('aria-label') === 'Remote video') window.__duetFirstFrame ??= performance.now();
        }, true);
      });
      await ben.page.reload();
      try {
        samples.push(await meetInLab(ana, ben, uniqueRoom('Bench loopback')));
      } finally {
        await ana.page.context().close();
        await ben.page.context().close();
      }
    }
  } finally {
    await browser.close();
    await service.stop();
  }
  report.scenarios.push({ key: '-', name: 'loopback, no lab (baseline)', first_frame_ms: samples.map(Math.round) });
}

const unavailable = await labUnavailable();
if (unavailable) {
  console.error(unavailable);
  process.exit(1);
}
const net = await CallLab.start();
try {
  for (const scenario of SCENARIOS) {
    const result = { key: scenario.key, name: scenario.name, first_frame_ms: [] };
    for (let i = 0; i < calls; i += 1) {
      const ana = await net.person('Ana', scenario.ana ?? {});
      const ben = await net.person('Ben', scenario.ben ?? {});
      try {
        result.first_frame_ms.push(Math.round(await meetInLab(ana, ben, uniqueRoom(`Bench ${scenario.key}`))));
        const measured = (await scenario.measure?.({ ana, ben })) ?? {};
        for (const [what, value] of Object.entries(measured)) (result[what] ??= []).push(Math.round(value));
      } finally {
        await ana.leave();
        await ben.leave();
      }
      process.stderr.write(`${scenario.key} call ${i + 1}/${calls}: ${JSON.stringify(result)}\n`);
    }
    report.scenarios.push(result);
  }
} finally {
  await net.stop();
}
report.load_at_end = load();

console.log(JSON.stringify(report, null, 2));
console.log(`\n| scenario | join → first remote frame, p50 (${calls} calls) | what it is about, p50 (all samples) |`);
console.log('|---|---|---|');
for (const s of report.scenarios) {
  const extra = [];
  if (s.held_mean_kbps) extra.push(`received ${p50(s.held_mean_kbps)} kbit/s on average, ${p50(s.held_max_kbps)} in the busiest second (${s.held_max_kbps.join(', ')})`);
  if (s.recovery_ms) extra.push(`frames back on both sides after ${p50(s.recovery_ms)} ms (${s.recovery_ms.join(', ')})`);
  console.log(`| ${s.key === '-' ? '' : `${s.key}. `}${s.name} | ${p50(s.first_frame_ms)} ms (${s.first_frame_ms.join(', ')}) | ${extra.join('; ')} |`);
}
