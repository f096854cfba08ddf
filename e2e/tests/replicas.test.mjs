// Issue 7: replicas sharing rooms through Redis. Three real service processes on one real
// redis-server, a real load balancer (Caddy) in front, and two real browsers in a call whose
// people are on different replicas. One replica dies mid-call (SIGKILL): its person comes
// back through the load balancer to another replica, resumes their place, and the call goes
// on.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  FAKE_MEDIA, Service, WAIT, connectedPair, freePort, joinRoom, launchBrowser, openPerson, tempDir,
  waitForAlert, waitForPlayingVideo, waitForStatus, withTimeout,
} from '../harness.mjs';

const REDIS = process.env.DUET_REDIS_SERVER ?? 'redis-server';
const CADDY = process.env.DUET_CADDY ?? 'caddy';

/** A child process that is ready once a line of its output matches `ready`. */
async function startChild(command, args, ready, env = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let log = '';
  const seen = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      log += chunk;
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
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
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
