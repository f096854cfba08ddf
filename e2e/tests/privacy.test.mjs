// Privacy, as far as a browser and a log can show it: the page talks to nobody but its own
// origin, it asks no public STUN or TURN server by default (neither when it makes a peer
// connection nor when a join hands it ICE servers), and the service's info log of a whole
// call, a full room, refused joins and disconnects holds no SDP, no ICE candidate, no resume
// token, no room name and no person's IP address (v4 or v6).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  FAKE_MEDIA, Service, joinRoom, launchBrowser, openPerson, uniqueRoom, waitForAlert,
  waitForPlayingVideo, waitForStatus, withTimeout, WAIT,
} from '../harness.mjs';

let service;
let browser;
before(async () => {
  service = await Service.start(0, { env: { RUST_LOG: 'info' } });
  browser = await launchBrowser(FAKE_MEDIA);
});
after(async () => {
  await browser?.close();
  await service?.stop();
});

/** Opens Duet as a person whose every request and peer-connection configuration is recorded. */
async function observedPerson(t) {
  const context = await browser.newContext();
  t.after(() => context.close());
  const requests = [];
  context.on('request', (request) => requests.push(request.url()));
  context.on('page', (page) => page.on('websocket', (socket) => requests.push(socket.url())));
  // Watch the real RTCPeerConnection (not a stand-in): record each configuration it is given,
  // at construction and by setConfiguration (which a join that brings ICE servers calls), and
  // keep every connection to read its configuration in force at the end.
  await context.addInitScript(() => {
    const Real = window.RTCPeerConnection;
    window.__duetPeerConfigs = [];
    window.__duetPeers = [];
    const setConfiguration = Real.prototype.setConfiguration;
    Real.prototype.setConfiguration = function recordedSetConfiguration(config, ...rest) {
      window.__duetPeerConfigs.push({ via: 'setConfiguration', ...JSON.parse(JSON.stringify(config ?? {})) });
      return setConfiguration.call(this, config, ...rest);
    };
    window.RTCPeerConnection = class extends Real {
      constructor(config, ...rest) {
        window.__duetPeerConfigs.push({ via: 'constructor', ...JSON.parse(JSON.stringify(config ?? {})) });
        super(config, ...rest);
        window.__duetPeers.push(this);
      }
    };
  });
  const page = await context.newPage();
  await page.goto(service.url);
  return { page, requests };
}

test('privacy: a whole call requests nothing from any third party, and no STUN by default', async (t) => {
  const room = uniqueRoom('Private');
  const ana = await observedPerson(t);
  const ben = await observedPerson(t);
  await joinRoom(ana.page, room);
  await waitForStatus(ana.page, /Waiting for your friend/i);
  await joinRoom(ben.page, room);
  await waitForPlayingVideo(ana.page);
  await waitForPlayingVideo(ben.page);

  const host = new URL(service.url).host;
  for (const { requests } of [ana, ben]) {
    assert.ok(requests.some((url) => url.startsWith('ws:')), 'the signaling socket was seen');
    const foreign = requests.filter((url) => {
      const parsed = new URL(url);
      return !['data:', 'blob:'].includes(parsed.protocol) && parsed.host !== host;
    });
    assert.deepEqual(foreign, [], 'every request stays on the page\'s own origin');
  }
  for (const { page } of [ana, ben]) {
    const configs = await page.evaluate(() => window.__duetPeerConfigs);
    assert.ok(configs.some((c) => c.via === 'constructor'), 'the call made a peer connection');
    // What each connection really uses in the end, whichever way it was configured.
    const inForce = await page.evaluate(() => window.__duetPeers.map((pc) => pc.getConfiguration()));
    assert.ok(inForce.length > 0);
    for (const config of [...configs, ...inForce]) {
      // Neither STUN nor TURN: this service hands out no TURN relay, and no config.json is
      // served, so any server at all would be a built-in default (a public one).
      assert.deepEqual(config.iceServers ?? [], [], `no ICE server unless configured: ${JSON.stringify(config)}`);
    }
  }
  // The watch works: a setConfiguration on a connection of the page is recorded.
  const recorded = await ana.page.evaluate(() => {
    const before = window.__duetPeerConfigs.length;
    const pc = new RTCPeerConnection();
    pc.setConfiguration({ iceServers: [{ urls: 'stun:watch.invalid' }] });
    pc.close();
    return window.__duetPeerConfigs.slice(before).map((c) => c.via);
  });
  assert.deepEqual(recorded, ['constructor', 'setConfiguration']);
});

/** An IPv6 address as a log might print one (`::1`, `[fe80::1]:5000`, `::ffff:10.0.0.1`,
 * all eight groups), not a time of day (`17:40:44`) nor a Rust path (`duet_signaling::room`). */
const IPV6 = new RegExp([
  String.raw`(?<![\w:.])(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?(?:\.\d{1,3}){0,3}(?![\w:])`,
  String.raw`(?<![\w:.])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])`,
].join('|'), 'i');

test('the IPv6 pattern of the log check finds addresses and nothing else', () => {
  for (const found of ['peer ::1 left', 'from [::1]:8080', 'fe80::1%eth0', '2001:db8::7 x',
    'addr=::ffff:127.0.0.1', '2001:0db8:0000:0000:0000:ff00:0042:8329', 'bind :: here']) {
    assert.match(found, IPV6, found);
  }
  for (const clean of ['2026-11-25T17:40:44.123456Z  INFO duet_signaling::room_actor: joined',
    'actix_web::middleware::logger', 'session=5b3e0f9c role=Polite', 'a::b::c']) {
    assert.doesNotMatch(clean, IPV6, clean);
  }
});

/** Waits until the service's output satisfies `check`, polling it. */
async function untilLogged(what, check) {
  await withTimeout((async () => {
    while (!check(service.output)) {
      await new Promise((resolve) => {
        setTimeout(resolve, 50);
      });
    }
  })(), WAIT, what);
}

const count = (text, pattern) => (text.match(new RegExp(pattern, 'g')) ?? []).length;

test('privacy: the service\'s info log of a call holds no SDP, candidates, tokens, names or IPs', async (t) => {
  const room = uniqueRoom('Secret Garden');
  const ana = await openPerson(browser, service.url);
  t.after(() => ana.context().close());
  const ben = await openPerson(browser, service.url);
  t.after(() => ben.context().close());
  await joinRoom(ana, room);
  await joinRoom(ben, room);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
  await waitForStatus(ana, /\bConnected\b/i);
  const token = await ana.evaluate(() => {
    for (let i = 0; i < localStorage.length; i += 1) {
      const key = localStorage.key(i);
      if (key.startsWith('duet.resume.')) return localStorage.getItem(key);
    }
    return null;
  });
  assert.ok(token, 'the page kept a resume token');

  // Every WebSocket session logs one `disconnected` when it ends, and each departure from a
  // room one `left`: counted from here, to wait for the ones below.
  const logged = { disconnected: count(service.output, '\\bdisconnected\\b'), left: count(service.output, '\\bleft\\b') };

  // A third person: the room is full.
  const cai = await openPerson(browser, service.url);
  t.after(() => cai.context().close());
  await joinRoom(cai, room);
  await waitForAlert(cai, /full/i);
  await untilLogged('the full room to be logged', (log) => /join refused: room full/.test(log));

  // Joins the service refuses, sent as they are on the wire from the page's own origin: a
  // name the app would never send (too long, with a marker that must not be logged), and Ana's
  // resume token in another room. Each gets its typed error back.
  const marker = `Unlogged${Math.random().toString(36).slice(2, 8)}`;
  const codes = await cai.evaluate(async ({ badName, otherRoom, resume }) => {
    const socket = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/ws`);
    const answers = [];
    const next = () => new Promise((resolve, reject) => {
      socket.addEventListener('message', (event) => resolve(JSON.parse(event.data)), { once: true });
      socket.addEventListener('close', () => reject(new Error('closed')), { once: true });
    });
    await new Promise((resolve, reject) => {
      socket.addEventListener('open', resolve, { once: true });
      socket.addEventListener('error', reject, { once: true });
    });
    for (const join of [{ type: 'join', room: badName }, { type: 'join', room: otherRoom, resume }]) {
      const answer = next();
      socket.send(JSON.stringify(join));
      answers.push((await answer).code);
    }
    socket.close();
    return answers;
  }, { badName: marker.repeat(10), otherRoom: `${marker} elsewhere`, resume: token.replace(/"/g, '') });
  assert.deepEqual(codes, ['invalid_room_name', 'invalid_resume_token']);

  // Disconnects: Cai (whose socket was refused a place) and Ben close their tabs.
  await cai.context().close();
  await ben.close();
  await waitForStatus(ana, /Your friend left/i);
  // Cai's, the hand-made socket's and Ben's sessions ended, and Ben left the room.
  await untilLogged('three sessions to end', (log) => count(log, '\\bdisconnected\\b') >= logged.disconnected + 3);
  await untilLogged('Ben\'s departure to be logged', (log) => count(log, '\\bleft\\b') >= logged.left + 1);

  // The service's own bind address may appear (it says where it listens); nobody else's may.
  const lines = service.output
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replaceAll(`127.0.0.1:${service.port}`, '<bind address>'));
  assert.ok(lines.some((line) => /joined/.test(line)), 'the log did record the call');
  assert.ok(lines.some((line) => /join refused/.test(line)), 'the log did record the refusals');
  const leaks = {
    sdp: /v=0|a=fingerprint|a=ice-ufrag|m=video/,
    candidate: /candidate:|typ host|typ srflx/,
    token: new RegExp(token.replace(/"/g, '').slice(0, 12)),
    room: new RegExp(room.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'),
    ipv4: /\b(?:\d{1,3}\.){3}\d{1,3}\b/,
    ipv6: IPV6,
    'refused room name': new RegExp(marker),
  };
  for (const [what, pattern] of Object.entries(leaks)) {
    const found = lines.filter((line) => pattern.test(line));
    assert.deepEqual(found, [], `no ${what} in the info log`);
  }
});
