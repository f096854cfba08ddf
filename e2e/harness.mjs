// The end-to-end harness: the real signaling service serving the real dist/, real headless
// Chromium with a fake camera and microphone, and the checks a person would make by looking.
// Every wait is on a condition (a role, a text, a video frame), never a fixed sleep.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const SIGNALING_BIN = process.env.DUET_SIGNALING_BIN ?? '../target/debug/duet-signaling';
export const DIST = path.resolve(process.env.DUET_DIST ?? '../dist');
export const CHROMIUM = process.env.DUET_CHROMIUM ?? '/usr/bin/chromium';
const CADDY = process.env.DUET_CADDY ?? 'caddy';
const TURNSERVER = process.env.DUET_TURNSERVER ?? 'turnserver';
/** The repository's deploy/ directory: the web server and TURN configurations under test. */
export const DEPLOY = fileURLToPath(new URL('../deploy/', import.meta.url));

/** How long any one condition may take before the test fails. */
export const WAIT = 20_000;

export const BASE_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Two cores run two or three call pages at once: keep hidden pages at full speed.
  '--disable-renderer-backgrounding',
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
];

/** A camera and microphone that exist and are allowed without a prompt. */
export const FAKE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];
/**
 * Several cameras, as a phone has its front and back ones: Chromium's fake capture takes
 * options (`device-count`), giving "fake_device_0" to "_2", each with its own deviceId. The
 * second is a 16-bit grey camera, whose frames Chromium's video encoder does not take: the
 * first and third are the ones to watch from the other end.
 */
export const THREE_CAMERAS = ['--use-fake-device-for-media-stream=device-count=3', '--use-fake-ui-for-media-stream'];
/** A person who refuses the camera and microphone prompt. */
export const REFUSE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny'];
/** A machine with no camera or microphone at all (prompts auto-accepted). */
export const NO_DEVICES = ['--use-fake-ui-for-media-stream'];

/** The real signaling service, serving the real build. */
export class Service {
  #child;
  #exited;
  port;

  #options;

  /** Everything the service has printed, stdout and stderr, across restarts. */
  output = '';

  /**
   * Starts the service on `port` (0: any free one). `dist` is the directory it serves, `args`
   * extra command-line flags, `env` extra environment variables.
   */
  static async start(port = 0, { dist = DIST, args = [], env = {}, host = '127.0.0.1', netns } = {}) {
    const service = new Service();
    // `host` and `netns`: the network lab (lab.mjs) runs it on a "public" address inside a
    // network namespace of its own.
    service.#options = { dist, args, env, host, netns };
    await service.#spawn(port);
    return service;
  }

  get url() {
    return `http://${this.#options.host}:${this.port}`;
  }

  async #spawn(port) {
    const { host, netns } = this.#options;
    const command = [
      ...(netns ? ['ip', 'netns', 'exec', netns] : []),
      SIGNALING_BIN,
      '--bind', `${host}:${port}`, '--static-dir', this.#options.dist, ...this.#options.args,
    ];
    const child = spawn(
      command[0],
      command.slice(1),
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info', ...this.#options.env },
      },
    );
    this.#child = child;
    this.#exited = once(child, 'exit');
    let log = '';
    const bound = new Promise((resolve, reject) => {
      const onData = (chunk) => {
        log += chunk;
        this.output += chunk;
        const match = /listening on http:\/\/[^:\s]+:(\d+)/.exec(log);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (code) => reject(new Error(`signaling exited (${code}) before listening:\n${log}`)));
    });
    this.port = await withTimeout(bound, WAIT, 'the signaling service to listen');
    // Keep draining its output so it never blocks on a full pipe.
    child.stdout.resume();
    child.stderr.resume();
  }

  /** Stops the service: `SIGKILL` loses all state at once, as a crash or a redeploy would. */
  async stop(signal = 'SIGTERM') {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill(signal);
      await this.#exited;
    }
  }

  /** Starts a fresh process (no memory of any room) on the same port. */
  async restart(signal = 'SIGKILL') {
    const port = this.port;
    await this.stop(signal);
    await this.#spawn(port);
  }
}

/**
 * A TCP relay in front of the service whose connections can be frozen: packets stop in both
 * directions but no socket closes, which is what a dropped Wi-Fi looks like to a server.
 */
export class Freezer {
  #server;
  #pairs = new Set();
  port;

  static async start(targetPort) {
    const freezer = new Freezer();
    freezer.#server = net.createServer((client) => {
      const upstream = net.connect(targetPort, '127.0.0.1');
      const pair = { client, upstream, frozen: false, websocket: false };
      freezer.#pairs.add(pair);
      client.once('data', (chunk) => {
        pair.websocket = /^upgrade:\s*websocket/im.test(chunk.toString('latin1'));
      });
      client.pipe(upstream);
      upstream.pipe(client);
      const forget = () => {
        freezer.#pairs.delete(pair);
        if (!pair.frozen) {
          client.destroy();
          upstream.destroy();
        }
      };
      client.on('error', forget).on('close', forget);
      upstream.on('error', forget).on('close', forget);
    });
    freezer.#server.listen(0, '127.0.0.1');
    await once(freezer.#server, 'listening');
    freezer.port = freezer.#server.address().port;
    return freezer;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * Freezes every WebSocket open now and closes plain HTTP keep-alive connections (a dead
   * network would stall those too, and a browser then simply opens new ones). New
   * connections flow as usual.
   */
  freezeWebSockets() {
    for (const pair of this.#pairs) {
      if (!pair.websocket) {
        pair.client.destroy();
        pair.upstream.destroy();
        continue;
      }
      pair.frozen = true;
      pair.client.unpipe(pair.upstream);
      pair.upstream.unpipe(pair.client);
      pair.client.pause();
      pair.upstream.pause();
    }
  }

  async close() {
    for (const { client, upstream } of this.#pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.#server.close();
  }
}

/** Launches one headless Chromium; each person gets their own context (own storage). */
export async function launchBrowser(flags = FAKE_MEDIA, extra = [], { executablePath = CHROMIUM } = {}) {
  return chromium.launch({
    // The network lab (lab.mjs) passes a wrapper that starts Chromium in a namespace.
    executablePath,
    headless: true,
    args: [...BASE_FLAGS, ...flags, ...extra],
  });
}

/** Opens Duet as a new person (a fresh context: own storage, own tab). */
export async function openPerson(browser, url, { viewport = { width: 1280, height: 800 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** The room dialog, as a person sees it. */
export function roomDialog(page) {
  return page.getByRole('dialog');
}

/** Types a room name and presses Join, as a person would. */
export async function joinRoom(page, name, { withEnter = false } = {}) {
  const box = page.getByRole('textbox', { name: /Room name/ });
  await box.waitFor({ timeout: WAIT });
  await box.fill(name);
  if (withEnter) {
    await box.press('Enter');
  } else {
    await page.getByRole('button', { name: 'Join', exact: true }).click();
  }
}

/** Waits until the call status says `text` (a string or RegExp). */
export async function waitForStatus(page, text) {
  await page.getByRole('status').filter({ hasText: text }).first().waitFor({ timeout: WAIT });
}

/** Waits until an alert says `text`, and returns its full text. */
export async function waitForAlert(page, text) {
  const alert = page.getByRole('alert').filter({ hasText: text }).first();
  await alert.waitFor({ timeout: WAIT });
  return alert.innerText();
}

async function videoHandle(page, label) {
  const video = page.getByLabel(label, { exact: true });
  await video.waitFor({ state: 'attached', timeout: WAIT });
  return video.elementHandle();
}

/**
 * One look at a `<video>`, run inside the page, repeatedly: it "really plays" once it has a
 * stream, a non-zero size, an advancing clock, and a picture that differs between two canvas
 * grabs that are not black (a clock can advance over black video). Returns what it saw then,
 * else false. Plain JavaScript with no closure, so any driver can send it to any browser.
 */
export function playingVideoProbe(v) {
  if (!v.srcObject || v.videoWidth === 0 || v.videoHeight === 0 || v.readyState < 2) {
    delete v.__duetProbe;
    return false;
  }
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 48;
  const g = canvas.getContext('2d', { willReadFrequently: true });
  g.drawImage(v, 0, 0, 64, 48);
  const pixels = g.getImageData(0, 0, 64, 48).data;
  let brightness = 0;
  for (let i = 0; i < pixels.length; i += 4) brightness += pixels[i] + pixels[i + 1] + pixels[i + 2];
  brightness /= (pixels.length / 4) * 3;
  const probe = v.__duetProbe;
  if (!probe) {
    v.__duetProbe = { pixels, time: v.currentTime };
    return false;
  }
  let diff = 0;
  for (let i = 0; i < pixels.length; i += 4) diff += Math.abs(pixels[i] - probe.pixels[i]);
  diff /= pixels.length / 4;
  const advanced = v.currentTime > probe.time;
  if (advanced && diff > 0.5 && brightness > 8) {
    delete v.__duetProbe;
    return { width: v.videoWidth, height: v.videoHeight, diff, brightness, time: v.currentTime };
  }
  return false;
}

/** Waits until the video labelled `label` really plays (see `playingVideoProbe`). */
export async function waitForPlayingVideo(page, label = 'Remote video') {
  const video = await videoHandle(page, label);
  return (
    await page.waitForFunction(playingVideoProbe, video, { polling: 100, timeout: WAIT })
  ).jsonValue();
}

/** Waits until the video labelled `label` shows no stream. */
export async function waitForNoVideo(page, label = 'Remote video') {
  const video = await videoHandle(page, label);
  await page.waitForFunction((v) => v.srcObject === null, video, { polling: 100, timeout: WAIT });
}

/** The kinds of the tracks the local preview holds, e.g. ["audio", "video"]. */
export async function localTrackKinds(page) {
  const video = await videoHandle(page, 'Local video');
  return video.evaluate((v) => (v.srcObject ? v.srcObject.getTracks().map((t) => t.kind).sort() : []));
}

/** The states of the audio tracks the remote video receives, e.g. ["live"]. */
export async function remoteAudioStates(page) {
  const video = await videoHandle(page, 'Remote video');
  return video.evaluate((v) => v.srcObject.getAudioTracks().map((track) => track.readyState));
}

/**
 * Chromium flags with which "Share screen" picks the whole (virtual) screen itself instead of
 * asking. That screen is 16:9 and the fake camera 4:3 (SCREEN_ASPECT, CAMERA_ASPECT), so the
 * friend's picture tells which one arrives whatever resolution the encoder adapts to under
 * load (an exact size does not survive that: it failed CI once).
 */
export const SCREEN_SHARE = [
  '--auto-select-desktop-capture-source=Entire screen',
  '--auto-accept-this-tab-capture',
  '--window-size=1280,720',
];
export const SCREEN_ASPECT = 16 / 9;
export const CAMERA_ASPECT = 4 / 3;

/**
 * A `beforeJoin` hook for `connectedPair`: the page keeps the peer connection it negotiates on
 * in `window.__pc` (for its senders) and counts the offers it makes in `window.__offers`
 * (replacing a track must not renegotiate).
 */
export function keepPeerConnection(page) {
  return page.evaluate(() => {
    window.__offers = 0;
    const original = RTCPeerConnection.prototype.setLocalDescription;
    RTCPeerConnection.prototype.setLocalDescription = function (...args) {
      window.__pc = this;
      return original.apply(this, args).then((r) => {
        if (this.localDescription?.type === 'offer') window.__offers += 1;
        return r;
      });
    };
  });
}

/** Waits until the friend's video, as `page` receives it, has frames of this aspect ratio. */
export function waitForRemoteAspect(page, aspect) {
  return page.waitForFunction(
    (want) => {
      const v = document.querySelector('video[aria-label="Remote video"]');
      return v.videoHeight > 0 && Math.abs(v.videoWidth / v.videoHeight - want) < 0.05;
    },
    aspect,
    { timeout: WAIT },
  );
}

/**
 * Waits until `page` sends its 'screen' or its 'camera' as video (the sender's own track of
 * the peer connection in `window.__pc`, see `keepPeerConnection`).
 */
export function waitForSentVideo(page, kind) {
  return page.waitForFunction(
    (want) => {
      const track = window.__pc?.getSenders().map((s) => s.track).find((t) => t?.kind === 'video');
      if (!track) return false;
      return (track.getSettings().displaySurface ? 'screen' : 'camera') === want;
    },
    kind,
    { timeout: WAIT },
  );
}

/** Resolves `promise` or fails after `ms` with what was being waited for. */
export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A room name no other test uses. */
export function uniqueRoom(prefix) {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

/**
 * A TCP port free at the moment of asking, on every interface: Caddy listens on all of them,
 * and a Chromium in a call holds ICE-TCP listeners on the machine's other addresses, which a
 * port checked on 127.0.0.1 alone would miss.
 */
export async function freePort() {
  const server = net.createServer();
  server.listen(0);
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/** Whether `command` can be started here (e.g. `caddy`, `turnserver`). */
export async function canRun(command, args = ['--version']) {
  command = { caddy: CADDY, turnserver: TURNSERVER }[command] ?? command;
  const child = spawn(command, args, { stdio: 'ignore' });
  // A command that is not there emits 'error' (ENOENT), which also rejects a wait for 'exit'.
  return new Promise((resolve) => {
    child.once('error', () => resolve(false));
    child.once('exit', (code) => resolve(code === 0));
  });
}

/**
 * Whether a missing tool fails the tests that need it instead of skipping them: in CI, and
 * under scripts/test.sh (DUET_REQUIRE_ALL=1), whose toolchain installed every tool, so that a
 * missing one is a broken setup that must not pass as a skipped test.
 */
export const REQUIRE_ALL = Boolean(process.env.CI) || process.env.DUET_REQUIRE_ALL === '1';

/**
 * For tests that need `command` (`what`, for people): `false` when it runs here, else the
 * reason to skip them. Under REQUIRE_ALL a missing tool also adds a test of its own that fails
 * with that reason (the dependent tests are still skipped: they could only fail less clearly).
 * Call it at a test file's top level.
 */
export async function toolMissing(command, args, what) {
  if (await canRun(command, args)) return false;
  const reason = `${what} is not installed (scripts/toolchain.sh installs it)`;
  if (REQUIRE_ALL) {
    test(`${what} is installed`, () => {
      assert.fail(`${reason}; with CI or DUET_REQUIRE_ALL=1 a missing tool is a failure, not a skip`);
    });
  }
  return reason;
}

/** A temporary directory, removed by `dispose()`. */
export async function tempDir(prefix) {
  return mkdtemp(path.join(os.tmpdir(), `duet-${prefix}-`));
}

/** A copy of the app's dist/ with extra files in it (e.g. a config.json); `dispose()` removes it. */
export async function distWith(files) {
  const dir = await tempDir('dist');
  await cp(DIST, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * A child process whose output is kept (for assertions and for failure messages) and whose
 * readiness is a line of that output.
 */
class Child {
  #child;
  #exited;
  log = '';

  constructor(command, args, env, name) {
    this.name = name;
    this.#child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    this.#exited = once(this.#child, 'exit');
    const keep = (chunk) => {
      this.log += chunk;
    };
    this.#child.stdout.on('data', keep);
    this.#child.stderr.on('data', keep);
  }

  /** Waits until the output matches `pattern`; fails if the process exits first. */
  async waitForLog(pattern, what) {
    const seen = new Promise((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(this.log);
        if (match) {
          cleanup();
          resolve(match);
        }
      };
      const onExit = (code) => {
        cleanup();
        reject(new Error(`${this.name} exited (${code}) before ${what}:\n${this.log}`));
      };
      const cleanup = () => {
        this.#child.stdout.off('data', check);
        this.#child.stderr.off('data', check);
        this.#child.off('exit', onExit);
      };
      this.#child.stdout.on('data', check);
      this.#child.stderr.on('data', check);
      this.#child.on('exit', onExit);
      check();
    });
    return withTimeout(seen, WAIT, `${this.name}: ${what}\n${this.log}`);
  }

  async stop() {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      await this.#exited;
    }
  }
}

/**
 * Debian's Caddy running the repository's deploy/Caddyfile, configured by environment as in
 * production, on free ports of this machine, with its internal (self-signed) certificate for
 * `localhost`.
 */
export class Caddy {
  #child;
  #home;
  port;

  /** `env`: Caddyfile variables (DUET_SIGNALING_UPSTREAM, DUET_WEB_ROOT, ...). */
  static async start(env) {
    const caddy = new Caddy();
    caddy.#home = await tempDir('caddy');
    caddy.port = await freePort();
    const httpPort = await freePort();
    caddy.#child = new Child(
      CADDY,
      ['run', '--adapter', 'caddyfile', '--config', path.join(DEPLOY, 'Caddyfile')],
      {
        DUET_DOMAIN: 'localhost',
        DUET_HTTPS_PORT: String(caddy.port),
        DUET_HTTP_PORT: String(httpPort),
        // Caddy keeps its local CA and certificates here, not in this machine's home.
        HOME: caddy.#home,
        XDG_DATA_HOME: path.join(caddy.#home, 'data'),
        XDG_CONFIG_HOME: path.join(caddy.#home, 'config'),
        ...env,
      },
      'caddy',
    );
    await caddy.#child.waitForLog(/serving initial configuration/, 'serving its configuration');
    // The certificate for localhost is made in the background: wait until TLS answers.
    await withTimeout(caddy.#untilAnswering(), WAIT, 'Caddy to answer over HTTPS');
    return caddy;
  }

  async #untilAnswering() {
    for (;;) {
      try {
        await this.get('/');
        return;
      } catch {
        await new Promise((resolve) => {
          setTimeout(resolve, 100);
        });
      }
    }
  }

  get url() {
    return `https://localhost:${this.port}`;
  }

  get log() {
    return this.#child.log;
  }

  /**
   * GETs `pathname` over HTTPS (the certificate is Caddy's own: not verified) and returns the
   * status, the headers and the raw (possibly compressed) body length.
   */
  get(pathname, headers = {}) {
    return new Promise((resolve, reject) => {
      const request = https.get(
        { host: '127.0.0.1', servername: 'localhost', port: this.port, path: pathname,
          headers: { host: `localhost:${this.port}`, ...headers }, rejectUnauthorized: false },
        (response) => {
          let length = 0;
          response.on('data', (chunk) => {
            length += chunk.length;
          });
          response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, length }));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
  }

  async stop() {
    await this.#child?.stop();
    await rm(this.#home, { recursive: true, force: true });
  }
}

/**
 * Debian's coturn running the repository's deploy/turnserver.conf on loopback, with test-only
 * overrides appended (see `start`). Its log (verbose) tells which allocations it made.
 */
export class Turn {
  #child;
  #dir;
  port;
  /** The address it listens and relays on. */
  ip;

  /**
   * Starts coturn with `secret` as its static auth secret, on loopback; or, for the network
   * lab (lab.mjs), on `ip` inside the network namespace `netns`, relaying to `allowedPeers`
   * (a coturn address range, "first-last").
   */
  static async start(secret, { ip = '127.0.0.1', netns, allowedPeers } = {}) {
    const turn = new Turn();
    turn.#dir = await tempDir('turn');
    turn.ip = ip;
    // A lab namespace has the standard port to itself; this machine, any free one.
    turn.port = netns ? 3478 : await freePort();
    const production = await readFile(path.join(DEPLOY, 'turnserver.conf'), 'utf8');
    const config = path.join(turn.#dir, 'turnserver.conf');
    // TEST ONLY. Production denies loopback peers (and every private, documentation and
    // benchmarking range): a relay must not be a way into the server's own network. Here
    // both browsers and the relay share 127.0.0.1, so the relayed peer is 127.0.0.1 and must
    // be allowed; in the lab the peers are the lab's "public" range (an address both allowed
    // and denied is allowed). Everything else is the production file as it is.
    const peers = netns ? `allowed-peer-ip=${allowedPeers}` : 'allow-loopback-peers\nallowed-peer-ip=127.0.0.1';
    await writeFile(config, `${production}
# --- test overrides (e2e harness) ---
listening-ip=${ip}
relay-ip=${ip}
listening-port=${turn.port}
${peers}
pidfile=${path.join(turn.#dir, 'turnserver.pid')}
userdb=${path.join(turn.#dir, 'turndb')}
verbose
`);
    const args = ['-c', config, `--static-auth-secret=${secret}`];
    turn.#child = netns
      ? new Child('ip', ['netns', 'exec', netns, TURNSERVER, ...args], {}, 'turnserver')
      : new Child(TURNSERVER, args, {}, 'turnserver');
    const listening = new RegExp(`Total (UDP|General) servers: \\d+|IPv4\\. UDP listener opened on : ${ip.replaceAll('.', '\\.')}:\\d+`);
    await turn.#child.waitForLog(listening, 'listening');
    return turn;
  }

  get log() {
    return this.#child.log;
  }

  /** The TURN URL browsers get for this relay (UDP). */
  get url() {
    return `turn:${this.ip}:${this.port}?transport=udp`;
  }

  /** The same relay reached over TCP (for networks that block UDP). */
  get tcpUrl() {
    return `turn:${this.ip}:${this.port}?transport=tcp`;
  }

  /** The same server as a plain STUN server. */
  get stunUrl() {
    return `stun:${this.ip}:${this.port}`;
  }

  async stop() {
    await this.#child?.stop();
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/**
 * The real service, shared by one test file: started before its first test, stopped after its
 * last. Read `.service` inside the tests.
 */
export function sharedService() {
  const shared = { service: undefined };
  before(async () => {
    shared.service = await Service.start();
  });
  after(async () => {
    await shared.service?.stop();
  });
  return shared;
}

/**
 * The real service and one Chromium (fake camera and microphone unless `flags` say otherwise,
 * plus `extra` flags), shared by one test file like `sharedService`. Read `.service` and
 * `.browser` inside the tests.
 */
export function serviceAndBrowser(flags = FAKE_MEDIA, extra = []) {
  const shared = sharedService();
  shared.browser = undefined;
  before(async () => {
    shared.browser = await launchBrowser(flags, extra);
  });
  after(async () => {
    await shared.browser?.close();
  });
  return shared;
}

/**
 * Two people (Ana waiting first, then Ben) in a connected call in a fresh room, each really
 * seeing the other; both tabs close when test `t` ends. Options: `room` (instead of a fresh
 * one named after `prefix`), `anaUrl` and `benUrl` (instead of the service's own), and
 * `beforeJoin(page)`, run on each page before it joins.
 */
export async function connectedPair(t, { service, browser }, prefix, options = {}) {
  const { room = uniqueRoom(prefix), anaUrl = service?.url, benUrl = service?.url, beforeJoin } = options;
  const ana = await openPerson(browser, anaUrl);
  t.after(() => ana.context().close());
  const ben = await openPerson(browser, benUrl);
  t.after(() => ben.context().close());
  if (beforeJoin) for (const page of [ana, ben]) await beforeJoin(page);
  await meet(ana, ben, room);
  return { room, ana, ben };
}

/** Ana joins `room` and waits; Ben joins; both are connected and see each other's video. */
export async function meet(ana, ben, room) {
  await joinRoom(ana, room);
  await waitForStatus(ana, /Waiting for your friend/i);
  await joinRoom(ben, room);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
}

/**
 * What the page's newest peer connection (`window.__duetPeers`, kept by the test's init script)
 * is configured with (ICE policy and servers) and connected through (the selected candidate
 * pair, both ends).
 */
export function selectedPair(page) {
  return page.evaluate(async () => {
    const pc = window.__duetPeers.at(-1);
    const stats = await pc.getStats();
    let pair;
    stats.forEach((s) => {
      if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
    });
    const end = (id) => {
      const c = id && stats.get(id);
      return c && { type: c.candidateType, address: c.address, port: c.port, protocol: c.protocol, relayProtocol: c.relayProtocol };
    };
    const config = pc.getConfiguration();
    return {
      policy: config.iceTransportPolicy,
      servers: config.iceServers.map((s) => ({ urls: [].concat(s.urls), username: s.username })),
      local: end(pair?.localCandidateId),
      remote: end(pair?.remoteCandidateId),
    };
  });
}
