// Deployment: the call works through the production web server configuration (Debian's Caddy
// running deploy/Caddyfile over HTTPS, in front of the real service) without a single
// Content-Security-Policy violation; and, where Debian's coturn runs, a call forced through
// the TURN relay (deploy/turnserver.conf) with the credentials a real join handed out.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  Caddy, DIST, FAKE_MEDIA, SCREEN_ASPECT, SCREEN_SHARE, Service, Turn, distWith, joinRoom, launchBrowser,
  meet, selectedPair, toolMissing, uniqueRoom, waitForPlayingVideo, waitForRemoteAspect, waitForSentVideo, waitForStatus, WAIT,
} from '../harness.mjs';

/**
 * Opens Duet as a new person, recording what a strict page must never produce: CSP
 * violations (the `securitypolicyviolation` event, and console errors about the policy).
 * Also keeps every RTCPeerConnection the page makes, for its stats.
 */
async function openWatchedPerson(browser, url, contextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  await context.addInitScript(() => {
    window.__duetViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__duetViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'}`);
    });
    window.__duetPeers = [];
    const Original = window.RTCPeerConnection;
    window.RTCPeerConnection = function RTCPeerConnection(...args) {
      const pc = new Original(...args);
      window.__duetPeers.push(pc);
      // The newest, where the harness's waitForSentVideo looks for it.
      window.__pc = pc;
      return pc;
    };
    window.RTCPeerConnection.prototype = Original.prototype;
  });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) {
      consoleErrors.push(message.text());
    }
  });
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(url);
  return { page, context, consoleErrors };
}

/** Two people meet in `room` on `url`; returns once both see and hear each other. */
async function callThrough(browser, url, t, contextOptions) {
  const room = uniqueRoom('Deploy');
  const ana = await openWatchedPerson(browser, url, contextOptions);
  t.after(() => ana.context.close());
  const ben = await openWatchedPerson(browser, url, contextOptions);
  t.after(() => ben.context.close());
  await joinRoom(ana.page, room);
  await waitForStatus(ana.page, /Waiting for your friend/i);
  await joinRoom(ben.page, room);
  const seenByBen = await waitForPlayingVideo(ben.page);
  const seenByAna = await waitForPlayingVideo(ana.page);
  assert.ok(seenByAna.width > 0 && seenByBen.width > 0);
  await waitForStatus(ana.page, /\bConnected\b/i);
  await waitForStatus(ben.page, /\bConnected\b/i);
  return { ana, ben };
}

async function assertNoViolations(person) {
  const violations = await person.page.evaluate(() => window.__duetViolations);
  assert.deepEqual(violations, [], 'no Content-Security-Policy violation');
  assert.deepEqual(person.consoleErrors, [], 'no console errors');
}

const noCaddy = await toolMissing('caddy', ['version'], 'caddy');
const noCoturn = await toolMissing('turnserver', ['--version'], 'coturn (turnserver)');

describe('the production web server (deploy/Caddyfile)', { skip: noCaddy }, () => {
  let service;
  let caddy;
  let browser;
  before(async () => {
    service = await Service.start();
    caddy = await Caddy.start({
      DUET_WEB_ROOT: DIST,
      DUET_SIGNALING_UPSTREAM: `127.0.0.1:${service.port}`,
      DUET_CONFIG_JSON: '{"ice_servers":[],"ice_transport_policy":"all"}',
    });
    // SCREEN_SHARE: "Share screen" picks the whole (virtual) screen without asking, so
    // getDisplayMedia depends on nothing but the page being allowed to. Caddy's own
    // certificate is taken as a real one would be: a service worker is refused (with a console
    // error) under a certificate error, which Playwright's ignoreHTTPSErrors does not lift.
    browser = await launchBrowser(FAKE_MEDIA, [...SCREEN_SHARE, '--ignore-certificate-errors']);
  });
  after(async () => {
    await browser?.close();
    await caddy?.stop();
    await service?.stop();
  });

  test('serves the app with strict headers, long-lived hashed files and compression', async () => {
    const index = await caddy.get('/');
    assert.equal(index.status, 200);
    assert.match(index.headers['content-type'], /^text\/html/);
    assert.equal(index.headers['cache-control'], 'no-cache');
    const csp = index.headers['content-security-policy'];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['referrer-policy'], 'no-referrer');
    // The page's own camera, microphone, screen sharing (getDisplayMedia), fullscreen and
    // picture-in-picture are allowed; what it never uses is not.
    const policy = Object.fromEntries(index.headers['permissions-policy'].split(/,\s*/).map((d) => d.split('=')));
    for (const feature of ['camera', 'microphone', 'display-capture', 'fullscreen', 'picture-in-picture']) {
      assert.equal(policy[feature], '(self)', `Permissions-Policy ${feature}: ${index.headers['permissions-policy']}`);
    }
    for (const feature of ['geolocation', 'payment', 'usb']) assert.equal(policy[feature], '()', feature);
    assert.ok(index.headers['strict-transport-security'], 'HSTS header (max-age=0 on localhost)');
    assert.equal(index.headers.server, undefined);

    // An app route is the app (single-page app); a missing file is not.
    const route = await caddy.get('/some/room');
    assert.equal(route.status, 200);
    assert.match(route.headers['content-type'], /^text\/html/);
    assert.equal((await caddy.get('/missing-0123456789abcdef_bg.wasm')).status, 404);
    assert.equal((await caddy.get('/missing.js')).status, 404);
    // A room link is the app whatever the room's name: a dot (or what looks like a file
    // name, or an encoded slash) in it is no file extension there.
    for (const link of ['/r/team.standup', '/r/notes.txt', '/r/Casa%20Azul%2Fv2.0', '/r/app-0123456789abcdef_bg.wasm']) {
      const room = await caddy.get(link);
      assert.equal(room.status, 200, link);
      assert.match(room.headers['content-type'], /^text\/html/, link);
      assert.equal(room.headers['cache-control'], 'no-cache', link);
      assert.equal(room.length, index.length, `${link} is index.html`);
    }

    const wasmName = (await readdir(DIST)).find((name) => name.endsWith('_bg.wasm'));
    const plain = await caddy.get(`/${wasmName}`);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/wasm');
    assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(plain.headers['content-encoding'], undefined);
    // Every file Trunk hashed, whatever its hash's length: it is hex without leading zeros,
    // so 15 or 14 digits now and then (this once left a build's wasm uncached).
    for (const name of (await readdir(DIST)).filter((n) => /-[0-9a-f]+(_bg)?\.(js|wasm|css)$/.test(n))) {
      const hashed = await caddy.get(`/${name}`);
      assert.equal(hashed.headers['cache-control'], 'public, max-age=31536000, immutable', name);
    }
    for (const encoding of ['zstd', 'gzip']) {
      const compressed = await caddy.get(`/${wasmName}`, { 'accept-encoding': encoding });
      assert.equal(compressed.headers['content-encoding'], encoding);
      assert.equal(compressed.headers['content-type'], 'application/wasm');
      assert.ok(compressed.length < plain.length, `${encoding}: ${compressed.length} < ${plain.length}`);
    }

    const config = await caddy.get('/config.json');
    assert.equal(config.status, 200);
    assert.match(config.headers['content-type'], /^application\/json/);
    assert.equal(config.headers['cache-control'], 'no-cache');

    const health = await caddy.get('/healthz');
    assert.equal(health.status, 200);
  });

  test('the installable app through Caddy: its manifest and service worker within the CSP, and the page offline', async (t) => {
    for (const [name, type] of [['/manifest.webmanifest', /^application\/manifest\+json/], ['/sw.js', /^text\/javascript/]]) {
      const file = await caddy.get(name);
      assert.equal(file.status, 200, name);
      assert.match(file.headers['content-type'], type, name);
      assert.equal(file.headers['cache-control'], 'no-cache', `${name}: a new build is seen at once`);
    }
    const csp = (await caddy.get('/')).headers['content-security-policy'];
    assert.match(csp, /manifest-src 'self';/);
    assert.match(csp, /worker-src 'self';/);

    const person = await openWatchedPerson(browser, caddy.url);
    t.after(() => person.context.close());
    const { page } = person;
    await page.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
    const worker = await page.evaluate(() => navigator.serviceWorker.ready.then((r) => r.active.scriptURL));
    assert.equal(worker, `${caddy.url}/sw.js`);
    // Chromium reads the manifest when asked (as its install prompt would): a manifest-src the
    // policy refused would leave it empty, and be a violation.
    const cdp = await person.context.newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest');
    assert.equal(manifest.url, `${caddy.url}/manifest.webmanifest`);
    assert.match(manifest.data, /"display": "standalone"/);
    assert.deepEqual(manifest.errors, []);
    await assertNoViolations(person);

    await person.context.setOffline(true);
    await page.reload();
    await page.getByRole('alert', { name: 'You are offline.' }).waitFor({ timeout: WAIT });
    await page.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
    // (The console now has the browser's own errors for what the network could not fetch.)
    assert.deepEqual(await page.evaluate(() => window.__duetViolations), [], 'no CSP violation offline');
  });

  test('a call over HTTPS through Caddy, with no CSP violation', async (t) => {
    const { ana, ben } = await callThrough(browser, caddy.url, t, { ignoreHTTPSErrors: true });
    assert.equal(await ana.page.evaluate(() => window.isSecureContext), true);
    assert.equal(await ana.page.evaluate(() => location.protocol), 'https:');
    await assertNoViolations(ana);
    await assertNoViolations(ben);
    // The watch works and the policy is enforced: an injected inline script is refused.
    await ana.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__duetInjected = true;';
      document.head.append(script);
    });
    await ana.page.waitForFunction(() => window.__duetViolations.length > 0, null, { timeout: WAIT });
    assert.equal(await ana.page.evaluate(() => window.__duetInjected), undefined);
  });

  test('strong noise suppression loads through Caddy: its files on first use, within the CSP', async (t) => {
    // Served beside the app, revalidated (fixed names), and the module with the type
    // WebAssembly.compileStreaming requires.
    const wasm = await caddy.get('/denoise/denoise.wasm');
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers['content-type'], 'application/wasm');
    for (const name of ['worklet.js', 'pipeline.js']) {
      const file = await caddy.get(`/denoise/${name}`);
      assert.equal(file.status, 200);
      assert.match(file.headers['content-type'], /javascript/);
    }
    const room = uniqueRoom('Deploy noise');
    const ana = await openWatchedPerson(browser, caddy.url, { ignoreHTTPSErrors: true });
    t.after(() => ana.context.close());
    const ben = await openWatchedPerson(browser, caddy.url, { ignoreHTTPSErrors: true });
    t.after(() => ben.context.close());
    const fetched = [];
    ana.page.on('request', (request) => fetched.push(new URL(request.url()).pathname));
    await ana.page.getByRole('switch', { name: 'Strong noise suppression' }).check();
    assert.deepEqual(fetched.filter((p) => p.startsWith('/denoise/')), [], 'nothing fetched before a call');
    await joinRoom(ana.page, room);
    await waitForStatus(ana.page, /Waiting for your friend/i);
    await joinRoom(ben.page, room);
    await waitForStatus(ana.page, /\bConnected\b/i);
    // Ana's connection sends the suppressor's track, not the microphone's.
    await ana.page.waitForFunction(() => {
      const track = window.__duetPeers.at(-1).getSenders().map((s) => s.track).find((t) => t?.kind === 'audio');
      const mic = document.querySelector('video[aria-label="Local video"]').srcObject.getAudioTracks()[0];
      return track && track.readyState === 'live' && track.id !== mic.id;
    }, null, { timeout: WAIT });
    // (The worklet's own script is fetched by the audio worklet, which Playwright's page
    // requests do not show; that it runs is the track above.)
    assert.deepEqual(
      [...new Set(fetched.filter((p) => p.startsWith('/denoise/')))].sort(),
      ['/denoise/denoise.wasm', '/denoise/pipeline.js'],
    );
    await assertNoViolations(ana);
    await assertNoViolations(ben);
  });

  test('a room link with a dot opens the app in that room, and screen sharing works through Caddy', async (t) => {
    const room = `team.standup-${Math.random().toString(36).slice(2, 8)}`;
    const link = `${caddy.url}/r/${room}`;
    const ana = await openWatchedPerson(browser, link, { ignoreHTTPSErrors: true });
    t.after(() => ana.context.close());
    const ben = await openWatchedPerson(browser, link, { ignoreHTTPSErrors: true });
    t.after(() => ben.context.close());
    // The link fills in the room's name; Join is all that is left to do.
    for (const person of [ana, ben]) {
      const box = person.page.getByRole('textbox', { name: /Room name/ });
      await box.waitFor({ timeout: WAIT });
      assert.equal(await box.inputValue(), room);
    }
    await meet(ana.page, ben.page, room);

    // The policy, as the browser applied it, lets the page capture its screen, go fullscreen
    // and picture-in-picture (Chromium's document.featurePolicy, where it still has one)...
    const allowed = await ana.page.evaluate(() => document.featurePolicy
      && ['display-capture', 'fullscreen', 'picture-in-picture'].filter((f) => !document.featurePolicy.allowsFeature(f)));
    if (allowed) assert.deepEqual(allowed, [], 'features the policy blocks');
    t.diagnostic(`document.featurePolicy: ${allowed ? 'checked' : 'absent'}`);
    // ...and "Share screen" really sends the screen to the friend.
    await ana.page.getByRole('button', { name: 'Share screen' }).click();
    await ana.page.getByText('You are sharing your screen').waitFor({ timeout: WAIT });
    await waitForSentVideo(ana.page, 'screen');
    // The virtual screen is 16:9, the fake camera 4:3: Ben receives the screen, and it moves.
    await waitForRemoteAspect(ben.page, SCREEN_ASPECT);
    await waitForPlayingVideo(ben.page);
    assert.equal(await ana.page.getByRole('alert').count(), 0, 'no error for Ana');
    await assertNoViolations(ana);
    await assertNoViolations(ben);
  });
});

describe('a call through the TURN relay (deploy/turnserver.conf)', { skip: noCoturn }, () => {
  const secret = randomBytes(24).toString('base64url');
  let turn;
  let dist;
  let service;
  let browser;
  before(async () => {
    turn = await Turn.start(secret);
    // coturn logs a line it cannot read (an address range, say) as an error and goes on:
    // the production file must have none.
    assert.doesNotMatch(turn.log, /ERROR|Wrong|Bad/, 'coturn read all of deploy/turnserver.conf');
    // The same static build, told by its config.json to use relayed candidates only.
    dist = await distWith({ 'config.json': JSON.stringify({ ice_transport_policy: 'relay' }) });
    service = await Service.start(0, {
      dist: dist.dir,
      args: ['--turn-url', turn.url],
      env: { DUET_TURN_SECRET: secret },
    });
    browser = await launchBrowser(FAKE_MEDIA);
  });
  after(async () => {
    await browser?.close();
    await service?.stop();
    await turn?.stop();
    await dist?.dispose();
  });

  test('with ice_transport_policy "relay" and the credentials of a real join, the call plays', async (t) => {
    const { ana, ben } = await callThrough(browser, service.url, t);
    for (const person of [ana, ben]) {
      const details = await selectedPair(person.page);
      t.diagnostic(JSON.stringify(details));
      // Only relayed candidates could exist (the policy), and the one in use is relayed.
      assert.equal(details.policy, 'relay');
      const relay = details.servers.find((s) => s.urls.includes(turn.url));
      assert.ok(relay, `the joined answer's TURN server: ${JSON.stringify(details.servers)}`);
      assert.match(relay.username, /^\d{10}:/, 'a time-limited TURN REST user name (expiry:id)');
      assert.equal(details.local?.type, 'relay');
      assert.equal(details.local?.relayProtocol, 'udp');
      // And coturn agrees: it allocated a relay for that user name.
      assert.ok(turn.log.includes(relay.username), `coturn saw ${relay.username}`);
    }
    assert.match(turn.log, /ALLOCATE processed, success/);
    await assertNoViolations(ana);
    await assertNoViolations(ben);
  });
});
