#!/usr/bin/env node
// Checks deploy/Caddyfile's load balancing of /ws over several signaling replicas in Redis mode,
// on this machine, without Docker: a redis-server on a spare loopback port, three replicas of
// the service, and Caddy with the real Caddyfile in front of them. Then:
//
//   1. 12 WebSockets opened through Caddy spread over all three replicas (least_conn: 4 each);
//   2. two people on two different replicas join one room and a signal crosses between them;
//   3. one replica is killed (SIGKILL): 12 new WebSockets all open (Caddy retries the dead one's
//      connection elsewhere) on the two others, and the killed replica's person resumes their
//      place through Caddy with their resume token.
//
// Usage (Node 20, caddy and redis-server on the PATH; no npm package needed):
//
//   cargo build -p duet-signaling
//   node deploy/check-balancing.mjs [path/to/duet-signaling] [dns|fixed]
//
// `dns` (the default when run as root): the replicas listen on 127.0.0.11-13, one port, and
// Caddy finds them as Docker Compose makes it: every address of one name (here from a private
// /etc/hosts, bind-mounted with `unshare -m` for Caddy alone; DUET_SIGNALING_HOST/PORT).
// `fixed`: three ports on 127.0.0.1, listed in DUET_SIGNALING_UPSTREAM. Exits non-zero on any
// failed check.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.resolve(process.argv[2] ?? path.join(ROOT, 'target/debug/duet-signaling'));
const MODE = process.argv[3] ?? (process.getuid?.() === 0 ? 'dns' : 'fixed');
const REPLICAS = 3;
const children = [];
let tmp;

function sleep(ms) {
  return new Promise((resolve) => {
    setTimeout(resolve, ms);
  });
}

async function until(what, check, ms = 15000) {
  const deadline = Date.now() + ms;
  let last = '';
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      last = ` (last: ${error.message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last}`);
    await sleep(100);
  }
}

function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A port free on every one of `hosts`. */
async function portFreeOnAll(hosts) {
  for (;;) {
    const port = await freePort(hosts[0]);
    const free = await Promise.all(
      hosts.map(
        (host) =>
          new Promise((resolve) => {
            const server = net.createServer();
            server.once('error', () => resolve(false));
            server.listen(port, host, () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return port;
  }
}

function start(name, command, args, env = {}) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  const append = (chunk) => {
    child.log += chunk;
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  child.name = name;
  children.push(child);
  return child;
}

function httpGet(host, port, pathname) {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path: pathname, timeout: 2000 }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

/** The value of `metric` in a replica's /metrics. */
async function metric(replica, name) {
  const { body } = await httpGet(replica.host, replica.port, '/metrics');
  const line = body.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line.split(' ')[1]);
}

function connectionsTotal(replica) {
  return metric(replica, 'duet_connections_total');
}

/** Connections accepted per replica while `action` runs (dead replicas count 0). */
async function perReplica(replicas, action) {
  const read = () => Promise.all(replicas.map((r) => (r.dead ? 0 : connectionsTotal(r))));
  const before = await read();
  const result = await action();
  const after = await read();
  return { result, deltas: after.map((n, i) => n - before[i]) };
}

/** A minimal WebSocket client (text frames, masked, answers pings) over Caddy's HTTPS. */
function openWebSocket(caddyPort) {
  return new Promise((resolve, reject) => {
    const request = https.request({
      host: '127.0.0.1',
      servername: 'localhost',
      port: caddyPort,
      path: '/ws',
      rejectUnauthorized: false, // Caddy's own local CA
      headers: {
        Host: `localhost:${caddyPort}`, // the site's name: Caddy answers no other
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
        Origin: `https://localhost:${caddyPort}`,
      },
    });
    request.on('response', (res) => reject(new Error(`HTTP ${res.statusCode} instead of an upgrade`)));
    request.on('error', reject);
    request.on('upgrade', (res, socket, head) => {
      const ws = { socket, messages: [], waiters: [], closed: false };
      let buffer = head;
      const frame = (opcode, payload) => {
        const mask = randomBytes(4);
        const length = payload.length;
        const header =
          length < 126
            ? Buffer.from([0x80 | opcode, 0x80 | length])
            : Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff]);
        const masked = Buffer.from(payload.map((byte, i) => byte ^ mask[i % 4]));
        socket.write(Buffer.concat([header, mask, masked]));
      };
      ws.send = (message) => frame(0x1, Buffer.from(JSON.stringify(message)));
      ws.close = () => socket.destroy();
      ws.next = (ms = 5000) =>
        ws.messages.length
          ? Promise.resolve(ws.messages.shift())
          : new Promise((resolveNext, rejectNext) => {
              const timer = setTimeout(() => rejectNext(new Error('no message in time')), ms);
              ws.waiters.push((message) => {
                clearTimeout(timer);
                resolveNext(message);
              });
            });
      const deliver = (message) => {
        const waiter = ws.waiters.shift();
        if (waiter) waiter(message);
        else ws.messages.push(message);
      };
      socket.on('data', (chunk) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          if (buffer.length < 2) return;
          const opcode = buffer[0] & 0x0f;
          let length = buffer[1] & 0x7f;
          let offset = 2;
          if (length === 126) {
            if (buffer.length < 4) return;
            length = buffer.readUInt16BE(2);
            offset = 4;
          } else if (length === 127) {
            if (buffer.length < 10) return;
            length = Number(buffer.readBigUInt64BE(2));
            offset = 10;
          }
          if (buffer.length < offset + length) return;
          const payload = buffer.subarray(offset, offset + length);
          buffer = buffer.subarray(offset + length);
          if (opcode === 0x1) deliver(JSON.parse(payload.toString()));
          else if (opcode === 0x9) frame(0xa, Buffer.from(payload));
          else if (opcode === 0x8) deliver({ type: 'websocket_close', code: payload.length >= 2 ? payload.readUInt16BE(0) : null });
        }
      });
      socket.on('close', () => {
        ws.closed = true;
        deliver({ type: 'websocket_closed' });
      });
      resolve(ws);
    });
    request.end();
  });
}

async function main() {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'duet-balancing-'));
  console.log(`mode ${MODE}, ${REPLICAS} replicas of ${BIN}`);

  const redisPort = await freePort();
  const redis = start('redis', 'redis-server', ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await until('redis-server', () => redis.log.includes('Ready to accept connections'));

  const hosts = MODE === 'dns' ? [11, 12, 13].map((n) => `127.0.0.${n}`) : Array(REPLICAS).fill('127.0.0.1');
  const sharedPort = MODE === 'dns' ? await portFreeOnAll(hosts) : null;
  const replicas = [];
  for (const host of hosts) {
    const port = sharedPort ?? (await freePort());
    const child = start(`replica ${host}:${port}`, BIN, [], {
      DUET_BIND: `${host}:${port}`,
      DUET_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      DUET_TRUST_X_FORWARDED_FOR: 'true',
      RUST_LOG: 'info',
    });
    replicas.push({ host, port, child, dead: false });
  }
  for (const r of replicas) {
    await until(`${r.child.name} /healthz`, async () => (await httpGet(r.host, r.port, '/healthz')).status === 200);
  }

  const webRoot = path.join(tmp, 'www');
  await mkdir(webRoot);
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>duet</title>');
  const caddyPort = await freePort();
  const caddyEnv = {
    DUET_DOMAIN: 'localhost',
    DUET_HTTPS_PORT: String(caddyPort),
    DUET_HTTP_PORT: String(await freePort()),
    DUET_WEB_ROOT: webRoot,
    HOME: tmp,
    XDG_DATA_HOME: path.join(tmp, 'data'),
    XDG_CONFIG_HOME: path.join(tmp, 'config'),
  };
  const caddyArgs = ['run', '--adapter', 'caddyfile', '--config', path.join(ROOT, 'deploy/Caddyfile')];

  if (MODE === 'dns') {
    const hostsFile = path.join(tmp, 'hosts');
    await writeFile(hostsFile, `127.0.0.1 localhost\n${hosts.map((h) => `${h} duet-replicas`).join('\n')}\n`);
    start('caddy', 'unshare', ['-m', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec caddy "$@"', hostsFile, ...caddyArgs], {
      ...caddyEnv,
      DUET_SIGNALING_HOST: 'duet-replicas',
      DUET_SIGNALING_PORT: String(sharedPort),
    });
  } else {
    start('caddy', 'caddy', caddyArgs, {
      ...caddyEnv,
      DUET_SIGNALING_UPSTREAM: replicas.map((r) => `${r.host}:${r.port}`).join(' '),
    });
  }
  await until('Caddy over HTTPS', async () => {
    const ws = await openWebSocket(caddyPort);
    ws.close();
    return true;
  });
  // The probe's connection must be gone from every replica (so Caddy has closed its side and
  // no longer counts it for least_conn) before connections are counted.
  await until('the probe connection to end', async () =>
    (await Promise.all(replicas.map((r) => metric(r, 'duet_sessions')))).every((n) => n === 0));

  // 1. Spread.
  const held = [];
  const spread = await perReplica(replicas, async () => {
    for (let i = 0; i < 12; i += 1) held.push(await openWebSocket(caddyPort));
  });
  console.log(`1. 12 WebSockets through Caddy, per replica: ${spread.deltas.join(' / ')}`);
  assert.ok(spread.deltas.every((n) => n > 0), 'every replica gets connections');

  // 2. Two people on two replicas meet.
  const a = await perReplica(replicas, () => openWebSocket(caddyPort));
  const b = await perReplica(replicas, () => openWebSocket(caddyPort));
  const aReplica = a.deltas.indexOf(1);
  const bReplica = b.deltas.indexOf(1);
  console.log(`2. Ana on replica ${aReplica + 1}, Ben on replica ${bReplica + 1}`);
  assert.notEqual(aReplica, bReplica, 'least_conn puts the second person on another replica');
  const ana = a.result;
  const ben = b.result;
  const room = `balancing-${randomBytes(4).toString('hex')}`;
  ana.send({ type: 'join', room });
  const anaJoined = await ana.next();
  assert.equal(anaJoined.type, 'joined', JSON.stringify(anaJoined));
  ben.send({ type: 'join', room });
  const benJoined = await ben.next();
  assert.equal(benJoined.type, 'joined', JSON.stringify(benJoined));
  assert.equal(benJoined.peer_present, true);
  assert.equal((await ana.next()).type, 'peer_joined');
  ben.send({ type: 'signal', signal: { kind: 'hello', live_call: false } });
  const relayed = await ana.next();
  assert.deepEqual(relayed, { type: 'signal', signal: { kind: 'hello', live_call: false } });
  console.log('   they meet in one room and a signal crosses from one replica to the other');

  // 3. Ana's replica dies.
  const victim = replicas[aReplica];
  victim.child.kill('SIGKILL');
  victim.dead = true;
  await until('the killed replica to stop', () => victim.child.exitCode !== null || victim.child.signalCode !== null);
  await until("Ana's WebSocket to close", () => ana.closed);
  const started = Date.now();
  const after = await perReplica(replicas, async () => {
    let failed = 0;
    for (let i = 0; i < 12; i += 1) {
      try {
        held.push(await openWebSocket(caddyPort));
      } catch (error) {
        failed += 1;
        console.log(`   connection ${i + 1} failed: ${error.message}`);
      }
    }
    return failed;
  });
  console.log(
    `3. replica ${aReplica + 1} killed: 12 new WebSockets, ${12 - after.result} opened in ${Date.now() - started} ms, per replica: ${after.deltas.join(' / ')}`,
  );
  assert.equal(after.result, 0, 'no connection fails while a replica is dead');
  assert.equal(after.deltas[aReplica], 0);
  const anaAgain = await openWebSocket(caddyPort);
  anaAgain.send({ type: 'join', room, resume: anaJoined.resume });
  const resumed = await anaAgain.next();
  assert.equal(resumed.type, 'joined', `Ana resumes instead of ${JSON.stringify(resumed)}`);
  assert.equal(resumed.peer_present, true);
  console.log('   Ana reconnects through Caddy to a live replica and resumes her place (peer present)');

  for (const ws of [...held, ben, anaAgain]) ws.close();
  console.log('all checks passed');
}

async function cleanUp() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  await sleep(300);
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  if (tmp) await rm(tmp, { recursive: true, force: true });
}

try {
  await main();
  await cleanUp();
} catch (error) {
  console.error(`FAILED: ${error.stack ?? error}`);
  for (const child of children) console.error(`--- ${child.name} (last lines)\n${child.log.split('\n').slice(-15).join('\n')}`);
  await cleanUp();
  process.exit(1);
}
