// The end-to-end harness: the real signaling service serving the real dist/, real headless
// Chromium with a fake camera and microphone, and the checks a person would make by looking.
// Every wait is on a condition (a role, a text, a video frame), never a fixed sleep.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import { chromium } from 'playwright-core';

const SIGNALING_BIN = process.env.DUET_SIGNALING_BIN ?? '../target/debug/duet-signaling';
const DIST = process.env.DUET_DIST ?? '../dist';
const CHROMIUM = process.env.DUET_CHROMIUM ?? '/usr/bin/chromium';

/** How long any one condition may take before the test fails. */
export const WAIT = 20_000;

const BASE_FLAGS = [
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
/** A person who refuses the camera and microphone prompt. */
export const REFUSE_MEDIA = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream=deny'];
/** A machine with no camera or microphone at all (prompts auto-accepted). */
export const NO_DEVICES = ['--use-fake-ui-for-media-stream'];

/** The real signaling service, serving the real build. */
export class Service {
  #child;
  #exited;
  port;

  static async start(port = 0) {
    const service = new Service();
    await service.#spawn(port);
    return service;
  }

  get url() {
    return `http://127.0.0.1:${this.port}`;
  }

  async #spawn(port) {
    const child = spawn(
      SIGNALING_BIN,
      ['--bind', `127.0.0.1:${port}`, '--static-dir', DIST],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'info' } },
    );
    this.#child = child;
    this.#exited = once(child, 'exit');
    let log = '';
    const bound = new Promise((resolve, reject) => {
      const onData = (chunk) => {
        log += chunk;
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
export async function launchBrowser(flags = FAKE_MEDIA, extra = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
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
 * Waits until the video labelled `label` really plays: it has a stream, a non-zero size, an
 * advancing clock, and a picture that differs between two canvas grabs that are not black.
 * Returns what it saw.
 */
export async function waitForPlayingVideo(page, label = 'Remote video') {
  const video = await videoHandle(page, label);
  return (
    await page.waitForFunction(
      (v) => {
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
      },
      video,
      { polling: 100, timeout: WAIT },
    )
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
