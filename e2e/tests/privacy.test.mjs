// Privacy, as far as a browser and a log can show it: the page talks to nobody but its own
// origin, it asks no public STUN server by default, and the service's info log of a whole call
// holds no SDP, no ICE candidate, no resume token, no room name and no person's IP address.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  FAKE_MEDIA, Service, joinRoom, launchBrowser, openPerson, uniqueRoom, waitForPlayingVideo,
  waitForStatus,
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
  // Watch the real RTCPeerConnection (not a stand-in): record each configuration it is given.
  await context.addInitScript(() => {
    const Real = window.RTCPeerConnection;
    window.__duetPeerConfigs = [];
    window.RTCPeerConnection = class extends Real {
      constructor(config, ...rest) {
        window.__duetPeerConfigs.push(JSON.parse(JSON.stringify(config ?? {})));
        super(config, ...rest);
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
    assert.ok(configs.length > 0, 'the call made a peer connection');
    for (const config of configs) {
      assert.deepEqual(config.iceServers ?? [], [], 'no ICE server unless configured');
    }
  }
});

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

  // The service's own bind address may appear (it says where it listens); nobody else's may.
  const lines = service.output
    .split('\n')
    .filter(Boolean)
    .map((line) => line.replaceAll(`127.0.0.1:${service.port}`, '<bind address>'));
  assert.ok(lines.some((line) => /joined/.test(line)), 'the log did record the call');
  const leaks = {
    sdp: /v=0|a=fingerprint|a=ice-ufrag|m=video/,
    candidate: /candidate:|typ host|typ srflx/,
    token: new RegExp(token.replace(/"/g, '').slice(0, 12)),
    room: new RegExp(room.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'),
    ipv4: /\b(?:\d{1,3}\.){3}\d{1,3}\b/,
  };
  for (const [what, pattern] of Object.entries(leaks)) {
    const found = lines.filter((line) => pattern.test(line));
    assert.deepEqual(found, [], `no ${what} in the info log`);
  }
});
