// Issue 14, phones: "Switch camera" where there are two cameras or more (the next is sent with
// replaceTrack, no renegotiation), the screen kept awake during a call (Screen Wake Lock,
// taken again when the page is visible again), and a QR code of the room link beside "Copy
// link" that a phone can scan its way in with (the test reads the code off the screen).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import jsQR from 'jsqr';
import { chromium } from 'playwright-core';
import {
  BASE_FLAGS, CHROMIUM, FAKE_MEDIA, THREE_CAMERAS, connectedPair, keepPeerConnection, launchBrowser, meet,
  openPerson, tempDir, uniqueRoom, waitForAlert, waitForPlayingVideo, waitForStatus, withTimeout, WAIT,
  serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser(THREE_CAMERAS);

/** What `page` sends as video and shows in its own preview: the tracks' ids and cameras. */
function videoInUse(page) {
  return page.evaluate(() => {
    const sent = window.__pc?.getSenders().map((s) => s.track).find((t) => t?.kind === 'video');
    const local = document.querySelector('video[aria-label="Local video"]').srcObject.getVideoTracks();
    return {
      sent: sent && { id: sent.id, device: sent.getSettings().deviceId, state: sent.readyState },
      local: local.map((t) => ({ id: t.id, device: t.getSettings().deviceId, state: t.readyState })),
    };
  });
}

/**
 * Waits until `page` sends a live camera other than `device` (or, with `{ is: true }`, that
 * one), the same track its preview shows alone; returns that camera's deviceId.
 */
async function waitForSentCamera(page, device, { is = false } = {}) {
  const handle = await page.waitForFunction(
    ({ device, is }) => {
      const sent = window.__pc?.getSenders().map((s) => s.track).find((t) => t?.kind === 'video');
      const local = document.querySelector('video[aria-label="Local video"]').srcObject.getVideoTracks();
      const now = sent?.getSettings().deviceId;
      const alone = local.length === 1 && local[0].id === sent?.id && sent.readyState === 'live';
      return alone && (now === device) === is && now;
    },
    { device, is },
    { timeout: WAIT },
  );
  return handle.jsonValue();
}

test('"Switch camera" sends the next camera, round, without renegotiating; the friend sees it move', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Switch camera', { beforeJoin: keepPeerConnection });
  const cameras = await ana.evaluate(async () =>
    (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').map((d) => d.label));
  assert.deepEqual(cameras, ['fake_device_0', 'fake_device_1', 'fake_device_2']);
  const first = await videoInUse(ana);
  assert.equal(first.sent.id, first.local[0].id);
  const offers = await ana.evaluate(() => window.__offers);
  const button = ana.getByRole('button', { name: 'Switch camera', exact: true });

  // The second camera: what Ana sends and sees is it, alone (the first one let go). It is a
  // 16-bit grey camera, which Chromium's encoder takes no frames from, so Ben's picture is
  // looked at with the third.
  await button.click();
  const second = await waitForSentCamera(ana, first.sent.device);
  await ana.getByText('Now using fake_device_1', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  assert.equal(await ana.getByText(/^Now using /).getAttribute('aria-live'), 'polite', 'said politely');

  // The third, by keyboard: Ben sees it move (the other two cameras' tracks have ended, so
  // his moving picture can only come from this one).
  await button.focus();
  await ana.keyboard.press('Enter');
  const third = await waitForSentCamera(ana, second);
  assert.notEqual(third, first.sent.device);
  await ana.getByText('Now using fake_device_2', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  await waitForPlayingVideo(ben);
  await waitForPlayingVideo(ana, 'Local video');

  // And round to the first again.
  await button.click();
  await waitForSentCamera(ana, first.sent.device, { is: true });
  await ana.getByText('Now using fake_device_0', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  await waitForPlayingVideo(ben);
  assert.equal(await ana.evaluate(() => window.__offers), offers, 'replaceTrack: no new offer');
  assert.equal(await ana.getByRole('alert').count(), 0);
  assert.deepEqual((await videoInUse(ana)).local.map((l) => l.state), ['live'], 'one camera open');
});

/**
 * For an init script: the page's browser runs one camera at a time, as many phones do. Asking
 * for a camera while another of the page's cameras is live fails as a phone's browser says it
 * (`NotReadableError`), and so does every request for the cameras named in `refused` (labels).
 * Everything else is the real getUserMedia.
 */
function oneCameraAtATime(refused) {
  const devices = navigator.mediaDevices;
  const getUserMedia = devices.getUserMedia.bind(devices);
  const cameras = [];
  window.__busyRefusals = 0;
  devices.getUserMedia = async (constraints) => {
    if (constraints?.video) {
      const wanted = constraints.video.deviceId?.exact;
      const label = (await devices.enumerateDevices()).find((d) => d.deviceId === wanted)?.label;
      if (cameras.some((t) => t.readyState === 'live') || refused.includes(label)) {
        window.__busyRefusals += 1;
        throw new DOMException('Could not start video source', 'NotReadableError');
      }
    }
    const stream = await getUserMedia(constraints);
    cameras.push(...stream.getVideoTracks());
    return stream;
  };
}

/** Ana (on such a phone, see `oneCameraAtATime`) and Ben in a call. */
async function pairWithPhone(t, prefix, refused = []) {
  const context = await shared.browser.newContext({ viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  await context.addInitScript(oneCameraAtATime, refused);
  const ana = await context.newPage();
  await ana.goto(shared.service.url);
  const ben = await openPerson(shared.browser, shared.service.url);
  t.after(() => ben.context().close());
  for (const page of [ana, ben]) await keepPeerConnection(page);
  await meet(ana, ben, uniqueRoom(prefix));
  return { ana, ben };
}

test('a phone that runs one camera at a time: the camera in use is let go first, then the other starts', async (t) => {
  const { ana, ben } = await pairWithPhone(t, 'One at a time');
  const first = await videoInUse(ana);
  await ana.getByRole('button', { name: 'Switch camera', exact: true }).click();
  await waitForSentCamera(ana, first.sent.device);
  await ana.getByText('Now using fake_device_1', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  assert.equal(await ana.evaluate(() => window.__busyRefusals), 1, 'refused once while the first was live');
  assert.equal(await ana.getByRole('alert').count(), 0);
  await ana.getByRole('button', { name: 'Switch camera', exact: true }).click();
  await ana.getByText('Now using fake_device_2', { exact: true }).waitFor({ state: 'attached', timeout: WAIT });
  await waitForPlayingVideo(ben);
});

test('when the other camera will not start even so, the one in use comes back and the person is told', async (t) => {
  const { ana, ben } = await pairWithPhone(t, 'Will not start', ['fake_device_1']);
  const first = await videoInUse(ana);
  await ana.getByRole('button', { name: 'Switch camera', exact: true }).click();
  await waitForAlert(ana, 'That device could not be started. The previous one is still in use.');
  // The first camera again, live, sent, and Ben sees it move.
  const back = await waitForSentCamera(ana, first.sent.device, { is: true });
  assert.equal(back, first.sent.device);
  assert.notEqual((await videoInUse(ana)).sent.id, first.sent.id, 'a new track of the same camera');
  await waitForPlayingVideo(ben);
});

test('with one camera there is no "Switch camera"', async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const { ana } = await connectedPair(t, { service: shared.service, browser }, 'One camera');
  const cameras = await ana.evaluate(async () =>
    (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput').length);
  assert.equal(cameras, 1);
  // The device list is in: the picker shows the one camera (listed after the toolbar's own
  // look at the devices, which starts first).
  await ana.getByRole('button', { name: 'Devices' }).click();
  await ana.waitForFunction(() => document.querySelectorAll('#device-camera option').length === 1, null, { timeout: WAIT });
  assert.equal(await ana.getByRole('button', { name: 'Switch camera' }).count(), 0);
});

/**
 * Keeps every screen wake lock `page` is granted in `window.__wakeLocks`, to look at. The real
 * API is called, and the browser alone decides when a lock ends; this only watches.
 */
function watchWakeLocks(page) {
  return page.evaluate(() => {
    window.__wakeLocks = [];
    const request = WakeLock.prototype.request;
    WakeLock.prototype.request = function (...args) {
      return request.apply(this, args).then((sentinel) => {
        window.__wakeLocks.push(sentinel);
        return sentinel;
      });
    };
  });
}

/** Waits until `page` was granted `granted` wake locks in all and holds `held` of them. */
function waitForWakeLocks(page, { granted, held }) {
  return page.waitForFunction(
    ({ granted, held }) => window.__wakeLocks.length === granted
      && window.__wakeLocks.filter((s) => !s.released).length === held,
    { granted, held },
    { timeout: WAIT },
  );
}

/**
 * A Chromium of its own whose tabs really hide: Playwright keeps the pages it makes "visible"
 * whatever happens (its focus emulation counts as a capture of the page), except in the
 * default context of a browser it connects to with `noDefaults`. So this one is started here,
 * headless with the usual flags and fake devices, and reached over CDP; its tabs are those of
 * one window, and bringing one to the front hides the others, as in any browser.
 */
async function tabbedBrowser(t) {
  const profile = await tempDir('tabs');
  const child = spawn(CHROMIUM, [
    '--headless', ...BASE_FLAGS, ...FAKE_MEDIA, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = once(child, 'exit');
  let browser;
  t.after(async () => {
    // Shut Chromium down as a person closing it would (Browser.close), so that its helper
    // processes are gone with it; a bare SIGTERM to the main process left a renderer writing
    // into the profile while it was being removed (ENOTEMPTY). The removal still retries a
    // few times, as Playwright's own does for the profiles it makes.
    const cdp = await browser?.newBrowserCDPSession().catch(() => undefined);
    const closing = await cdp?.send('Browser.close').then(() => true, () => false);
    if (!closing) child.kill();
    await withTimeout(exited, WAIT, 'Chromium to exit after Browser.close').catch(() => {
      child.kill('SIGKILL');
      return exited;
    });
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
  });
  const endpoint = await withTimeout(new Promise((resolve, reject) => {
    let log = '';
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(log);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`chromium exited (${code}):\n${log}`)));
  }), WAIT, 'Chromium to listen for DevTools');
  child.stderr.resume();
  browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
  return browser.contexts()[0];
}

test('the screen stays awake during the call, again after the tab was hidden, and not after it', async (t) => {
  const tabs = await tabbedBrowser(t);
  const ana = await tabs.newPage();
  await ana.goto(shared.service.url);
  const ben = await openPerson(shared.browser, shared.service.url);
  t.after(() => ben.context().close());
  await watchWakeLocks(ana);
  assert.equal(await ana.evaluate(() => document.visibilityState), 'visible');
  await meet(ana, ben, uniqueRoom('Awake'));
  await waitForWakeLocks(ana, { granted: 1, held: 1 });

  // Another tab in front: the browser lets the lock go (a hidden page may not keep the screen
  // on). This tab in front again: the page takes a new one.
  const other = await tabs.newPage();
  await other.bringToFront();
  await ana.waitForFunction(() => document.visibilityState === 'hidden', null, { timeout: WAIT });
  await waitForWakeLocks(ana, { granted: 1, held: 0 });
  await ana.bringToFront();
  await ana.waitForFunction(() => document.visibilityState === 'visible', null, { timeout: WAIT });
  await waitForWakeLocks(ana, { granted: 2, held: 1 });
  await waitForStatus(ana, /\bConnected\b/i);

  // Leaving lets the screen sleep.
  await ana.getByRole('button', { name: 'Leave', exact: true }).click();
  await ana.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
  await waitForWakeLocks(ana, { granted: 2, held: 0 });
});

/** Reads the QR code `page` shows named `name`, from a screenshot of it: what a camera sees. */
async function readQrCode(page, name) {
  const image = page.getByRole('img', { name });
  await image.waitFor({ timeout: WAIT });
  const png = await image.screenshot();
  // The page decodes the PNG (createImageBitmap) and hands back its pixels.
  const { width, height, pixels } = await page.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext('2d');
    g.drawImage(bitmap, 0, 0);
    const data = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    return { width: bitmap.width, height: bitmap.height, pixels: Array.from(data) };
  }, [...png]);
  const code = jsQR(Uint8ClampedArray.from(pixels), width, height);
  assert.ok(code, `a QR code is readable in the ${width}×${height} picture`);
  return code.data;
}

test('the QR code beside "Copy link" holds the room link, and a phone that scans it joins the call', async (t) => {
  const ana = await openPerson(shared.browser, shared.service.url);
  t.after(() => ana.context().close());
  const room = 'QR ñandú / #1 ' + Math.random().toString(36).slice(2, 8);
  await ana.getByRole('textbox', { name: /Room name/ }).fill(room);
  await ana.getByRole('button', { name: 'Join', exact: true }).click();
  await waitForStatus(ana, /Waiting for your friend/i);
  const link = `${shared.service.url}/r/${encodeURIComponent(room)}`;

  const button = ana.getByRole('button', { name: 'QR code', exact: true });
  assert.equal(await button.getAttribute('aria-expanded'), 'false');
  // Keyboard: Enter shows it, Escape hides it and gives the focus back.
  await button.focus();
  await ana.keyboard.press('Enter');
  assert.equal(await button.getAttribute('aria-expanded'), 'true');
  assert.equal(await readQrCode(ana, /QR code/), link);
  await ana.keyboard.press('Escape');
  await ana.getByRole('img', { name: /QR code/ }).waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await ana.evaluate(() => document.activeElement?.getAttribute('aria-controls')), 'room-qr');

  // Drawn in the page: no request went out for it.
  const requests = [];
  ana.on('request', (request) => requests.push(request.url()));
  await button.click();
  const scanned = await readQrCode(ana, /QR code/);
  assert.deepEqual(requests, [], 'nothing fetched to draw it');

  // A phone scans it: Ben opens the link, finds the room filled in, joins.
  const ben = await openPerson(shared.browser, scanned, { viewport: { width: 390, height: 844 } });
  t.after(() => ben.context().close());
  await ben.waitForFunction((name) => document.querySelector('#room-name')?.value === name, room, { timeout: WAIT });
  await ben.getByRole('button', { name: 'Join', exact: true }).click();
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ben);
});

test('in Spanish: "Cambiar de cámara", and the QR code named "Código QR"', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Teléfono');
  await ana.getByRole('combobox', { name: /Language|Idioma/ }).selectOption('es');
  await waitForStatus(ana, /En llamada/i);
  await ana.getByRole('button', { name: 'Cambiar de cámara', exact: true }).waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: 'Código QR', exact: true }).click();
  const link = new URL(ana.url()).href;
  assert.equal(await readQrCode(ana, /Código QR/), link);
});
