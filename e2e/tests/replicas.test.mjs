// Issue 7: replicas sharing rooms through Redis. Three real service processes on one real
// redis-server, a real load balancer (Caddy) in front, and two real browsers in a call whose
// people are on different replicas. One replica dies mid-call (SIGKILL): its person comes
// back through the load balancer to another replica, resumes their place, and the call goes
// on. Then issue 17: two replicas following a Redis primary through Sentinel, the primary
// SIGKILLed mid-call: the picture goes on across the kill, and signaling works again.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  FAKE_MEDIA, Service, WAIT, connectedPair, freePort, joinRoom, launchBrowser, openPerson,
  playingVideoProbe, tempDir, waitForAlert, waitForPlayingVideo, waitForStatus, withTimeout,
} from '../harness.mjs';

const REDIS = process.env.DUET_REDIS_SERVER ?? 'redis-server';
const CADDY = process.env.DUET_CADDY ?? 'caddy';
const SENTINEL = process.env.DUET_REDIS_SENTINEL ?? 'redis-sentinel';

/** A child process that is ready once a line of its output matches `ready`. */
async function startChild(command, args, ready, env = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  // Everything it has printed, kept for `waitForOutput`.
  child.log = '';
  let log = '';
  const seen = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
      child.log += chunk;
      if (ready.test(log)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${command} exited (${code}):\n${log}`)));
  });
  await withTimeout(seen, WAIT, `${command} to start`);
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

/** Waits until what `child` (from `startChild`) has printed matches `pattern`. */
async function waitForOutput(child, pattern, what) {
  await withTimeout(new Promise((resolve) => {
    const check = () => {
      if (!pattern.test(child.log)) return;
      child.stdout.off('data', check);
      child.stderr.off('data', check);
      resolve();
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    check();
  }), WAIT, what);
}

async function stopChild(child) {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }
}

/** Sessions a replica holds now, from its /metrics. */
async function sessionsOn(replica) {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const match = /^duet_sessions (\d+)$/m.exec(text);
  assert.ok(match, `no duet_sessions in ${replica.url}/metrics`);
  return Number(match[1]);
}

/** The value of the unlabelled metric `name` on `replica` now. */
async function metricOn(replica, name) {
  const text = await (await fetch(`${replica.url}/metrics`)).text();
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  assert.ok(match, `no ${name} in ${replica.url}/metrics`);
  return Number(match[1]);
}

/** Waits until the metric `name` on `replica` reads `value`. */
async function waitForMetric(replica, name, value) {
  await withTimeout((async () => {
    while (await metricOn(replica, name) !== value) {
      await new Promise((resolve) => { setTimeout(resolve, 50); });
    }
  })(), WAIT, `${name} ${value} on ${replica.url}`);
}

/** Waits until `replica` holds `count` sessions. */
async function waitForSessions(replica, count) {
  await withTimeout((async () => {
    while (await sessionsOn(replica) !== count) {
      await new Promise((resolve) => { setTimeout(resolve, 100); });
    }
  })(), WAIT, `${count} session(s) on ${replica.url}`);
}

const cluster = {};

before(async () => {
  const redisPort = await freePort();
  cluster.redis = await startChild(
    REDIS,
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', await tempDir('redis')],
    /Ready to accept connections/,
  );
  const args = ['--redis-url', `redis://127.0.0.1:${redisPort}`];
  cluster.replicas = [];
  for (let i = 0; i < 3; i += 1) cluster.replicas.push(await Service.start(0, { args }));
  // `first`: every new connection goes to the first replica that answers, so the test knows
  // where Ana lands before and after her replica dies; the retries are what carry her over.
  const home = await tempDir('caddy-lb');
  cluster.lbPort = await freePort();
  const upstreams = cluster.replicas.map((r) => `127.0.0.1:${r.port}`).join(' ');
  const caddyfile = path.join(home, 'Caddyfile');
  await writeFile(caddyfile, `{
\tadmin off
\tauto_https off
}
http://localhost:${cluster.lbPort} {
\treverse_proxy ${upstreams} {
\t\tlb_policy first
\t\tlb_try_duration 10s
\t\tlb_try_interval 100ms
\t\tfail_duration 30s
\t}
}
`);
  cluster.caddy = await startChild(
    CADDY,
    ['run', '--adapter', 'caddyfile', '--config', caddyfile],
    /serving initial configuration/,
    { HOME: home, XDG_DATA_HOME: path.join(home, 'data'), XDG_CONFIG_HOME: path.join(home, 'config') },
  );
  cluster.browser = await launchBrowser(FAKE_MEDIA);
});

after(async () => {
  await cluster.browser?.close();
  await stopChild(cluster.caddy);
  for (const replica of cluster.replicas ?? []) await replica.stop('SIGKILL');
  await stopChild(cluster.redis);
});

test('a replica dies mid-call: its person resumes on another replica and the call goes on', async (t) => {
  const [first, second, third] = cluster.replicas;
  // Ana through the load balancer (so on the first replica), Ben straight on the third.
  const { room, ana, ben } = await connectedPair(t, cluster, 'Replicas', {
    anaUrl: `http://localhost:${cluster.lbPort}`,
    benUrl: third.url,
  });
  assert.equal(await sessionsOn(first), 1, 'Ana is on the first replica');
  assert.equal(await sessionsOn(third), 1, 'Ben is on the third replica');

  await first.stop('SIGKILL');
  // Media flows browser to browser: the picture keeps moving while Ana's replica is gone.
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
  // Ana's page reconnects through the load balancer, which skips the dead replica, and her
  // resume token takes her slot back there: no "room is full", the call is whole again.
  await waitForSessions(second, 1);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
  assert.equal(await ana.getByRole('alert').count(), 0, 'no error for Ana');

  // The two replicas now carry a new negotiation end to end: Ana leaves and comes back, and
  // a fresh call starts between the second and the third replica.
  await ana.getByRole('button', { name: 'Leave' }).click();
  await waitForStatus(ben, /left/i);
  await joinRoom(ana, room);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);

  // Still a room of two, across replicas: a third person is told it is full.
  const cai = await openPerson(cluster.browser, second.url);
  t.after(() => cai.context().close());
  await joinRoom(cai, room);
  await waitForAlert(cai, /full/i);
});

/**
 * A primary and its replica (Debian's redis-server), three sentinels (redis-sentinel) that
 * call the primary down after 1 s of silence, and two service replicas following them.
 * Everything is stopped when test `t` ends.
 */
async function sentinelSetup(t) {
  const children = [];
  t.after(async () => { for (const child of children.reverse()) await stopChild(child); });
  // Each server in a directory of its own: a replica writes its full sync's snapshot there
  // (dump.rdb), which a server started later in the same directory would load.
  const redisArgs = async (port) => [
    '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', await tempDir('redis'),
  ];
  const primaryPort = await freePort();
  const primary = await startChild(REDIS, await redisArgs(primaryPort), /Ready to accept connections/);
  children.push(primary);
  const replicaPort = await freePort();
  children.push(await startChild(
    REDIS,
    [...await redisArgs(replicaPort), '--replicaof', '127.0.0.1', String(primaryPort)],
    /MASTER <-> REPLICA sync: Finished with success/,
  ));
  const dir = await tempDir('sentinels');
  const sentinels = [];
  for (let i = 0; i < 3; i += 1) {
    const port = await freePort();
    // Sentinel rewrites its configuration file: each gets a writable one of its own.
    const home = path.join(dir, String(i));
    await mkdir(home);
    const conf = path.join(home, 'sentinel.conf');
    await writeFile(conf, [
      `port ${port}`, 'bind 127.0.0.1', `dir ${home}`,
      `sentinel monitor duet 127.0.0.1 ${primaryPort} 2`,
      'sentinel down-after-milliseconds duet 1000',
      'sentinel failover-timeout duet 5000',
      '',
    ].join('\n'));
    sentinels.push({ port, child: await startChild(SENTINEL, [conf], /\+monitor master duet/) });
  }
  children.push(...sentinels.map((s) => s.child));
  // A failover needs sentinels that know the replica and each other: they introduce
  // themselves on the primary every 2 s (Sentinel's fixed hello period), and each logs whom
  // it has found.
  for (const { port, child } of sentinels) {
    await waitForOutput(child, new RegExp(`\\+slave slave 127\\.0\\.0\\.1:${replicaPort} `), `sentinel ${port} to find the replica`);
    await waitForOutput(child, /\+sentinel sentinel [^]*\+sentinel sentinel /, `sentinel ${port} to find the two others`);
  }
  const args = ['--redis-sentinel', sentinels.map((s) => `127.0.0.1:${s.port}`).join(','), '--redis-master-name', 'duet'];
  const replicas = [await Service.start(0, { args }), await Service.start(0, { args })];
  t.after(async () => { for (const replica of replicas) await replica.stop('SIGKILL'); });
  return { primary, replicas };
}

test('the Redis primary dies mid-call: the picture goes on, and signaling works again after the failover', async (t) => {
  const { primary, replicas: [one, two] } = await sentinelSetup(t);
  // Ana on the first replica, Ben on the second: everything between them crosses Redis.
  const { room, ana, ben } = await connectedPair(t, cluster, 'Failover', { anaUrl: one.url, benUrl: two.url });
  for (const replica of [one, two]) assert.equal(await metricOn(replica, 'duet_redis_failovers_total'), 0);

  // A first canvas grab of each friend's picture before the kill: the next look compares
  // against it, so a changed picture is one that changed across the kill.
  for (const page of [ana, ben]) {
    const video = await page.getByLabel('Remote video', { exact: true }).elementHandle();
    assert.equal(await page.evaluate(playingVideoProbe, video), false, 'the first grab only records');
  }
  primary.kill('SIGKILL');
  // The replicas see the outage (their bus subscription drops with the primary)...
  await waitForMetric(one, 'duet_redis_up', 0);
  // ...and the media, browser to browser, does not care.
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);

  // Sentinel promotes the replica; both service replicas follow it, counted once.
  for (const replica of [one, two]) {
    await waitForMetric(replica, 'duet_redis_up', 1);
    await waitForMetric(replica, 'duet_redis_failovers_total', 1);
  }
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  assert.equal(await ana.getByRole('alert').count(), 0, 'no error for Ana');
  assert.equal(await ben.getByRole('alert').count(), 0, 'no error for Ben');

  // Signaling across the new primary: Ana leaves (Ben hears a hang-up, not a dropped
  // connection) and comes back, and a fresh call is negotiated from scratch.
  await ana.getByRole('button', { name: 'Leave' }).click();
  await waitForStatus(ben, /Your friend left/i);
  await joinRoom(ana, room);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
});
