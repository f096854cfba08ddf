// Issue 14, item 5: installable and offline-aware. A web app manifest Chromium accepts for
// installing (name, icons, start_url, standalone, theme colour), and a service worker that
// keeps the app shell: after one visit online, the page opens in the browser's offline mode
// (a room link too) and says plainly, in English and Spanish, that it is offline and that a
// call needs a connection; back online it is ready to call without a reload. A new build
// replaces the kept shell.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import {
  CHROMIUM, FAKE_MEDIA, Service, WAIT, distWith, joinRoom, launchBrowser, roomDialog, tempDir,
  uniqueRoom, waitForStatus, withTimeout,
} from '../harness.mjs';

const BUILD_SERVICE_WORKER = fileURLToPath(new URL('../../scripts/build-service-worker.sh', import.meta.url));

/** The alert that says the page is offline, by its accessible name. */
function offlineAlert(page, name = 'You are offline.') {
  return page.getByRole('alert', { name });
}

/** Waits until `check(arg)`, run in the page (it may be async), is truthy; polls every 100 ms. */
async function untilInPage(page, what, check, arg) {
  return withTimeout(
    (async () => {
      for (;;) {
        if (await page.evaluate(check, arg)) return;
        await new Promise((resolve) => {
          setTimeout(resolve, 100);
        });
      }
    })(),
    WAIT,
    what,
  );
}

/** Waits until the service worker is active and its cache holds the shell; its cache's name. */
async function shellKept(page) {
  return page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    const names = await caches.keys();
    const page = await (await caches.open(names[0])).match('/');
    return { script: registration.active.scriptURL, names, page: await page.text() };
  });
}

test('the app is installable: Chromium takes its manifest, icons and service worker', async (t) => {
  const service = await Service.start();
  t.after(() => service.stop());
  // A profile of its own, not an incognito-like context: Chromium offers no install there.
  const profile = await tempDir('profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', ...FAKE_MEDIA],
  });
  t.after(async () => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  const kept = await shellKept(page);
  assert.equal(kept.script, `${service.url}/sw.js`);

  const cdp = await context.newCDPSession(page);
  const { errors: parseErrors } = await cdp.send('Page.getAppManifest');
  assert.deepEqual(parseErrors, [], 'the manifest parses without a complaint');
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  assert.deepEqual(installabilityErrors, [], 'Chromium would install it');

  const manifest = await page.evaluate(async () => {
    const link = document.querySelector('link[rel=manifest]');
    const response = await fetch(link.href);
    const json = await response.json();
    // Each icon as the browser decodes it, with its real size.
    const icons = await Promise.all(
      json.icons.map(async (icon) => {
        const image = await createImageBitmap(await (await fetch(icon.src)).blob());
        return { ...icon, real: `${image.width}x${image.height}` };
      }),
    );
    return { type: response.headers.get('content-type'), ...json, icons };
  });
  assert.equal(manifest.type, 'application/manifest+json');
  assert.equal(manifest.name, 'Duet');
  assert.equal(manifest.start_url, '/');
  assert.equal(manifest.display, 'standalone');
  assert.match(manifest.theme_color, /^#[0-9a-f]{6}$/i);
  for (const icon of manifest.icons) assert.equal(icon.real, icon.sizes, icon.src);
  assert.deepEqual(
    [...new Set(manifest.icons.map((i) => `${i.sizes} ${i.purpose}`))].sort(),
    ['192x192 any', '512x512 any', '512x512 maskable'],
  );
});

test('offline, the page opens from the kept shell and says a call needs a connection; online again, it calls', async (t) => {
  const service = await Service.start();
  t.after(() => service.stop());
  const browser = await launchBrowser(FAKE_MEDIA);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();

  // A first visit, online: no notice, and the service worker keeps the shell.
  await page.goto(service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  const kept = await shellKept(page);
  assert.match(kept.page, /<meta name="duet-app"/, 'index.html is kept');
  assert.equal(await offlineAlert(page).count(), 0, 'online, no notice');

  // The connection drops on the open page: it says so at once.
  await context.setOffline(true);
  const alert = offlineAlert(page);
  await alert.waitFor({ timeout: WAIT });
  assert.match(await alert.innerText(), /A call needs an internet connection/);

  // Opened again offline (Playwright puts the service worker's own requests offline too).
  const reloaded = await page.reload();
  assert.ok(reloaded.fromServiceWorker(), 'the page came from the service worker');
  await roomDialog(page).waitFor({ timeout: WAIT });
  await offlineAlert(page).waitFor({ timeout: WAIT });
  // A room link too, in the room it names; and the notice in Spanish.
  const link = await context.newPage();
  await link.goto(`${service.url}/r/${encodeURIComponent('Casa azul')}`);
  await link.getByRole('textbox', { name: 'Room name' }).waitFor({ timeout: WAIT });
  assert.equal(await link.getByRole('textbox', { name: 'Room name' }).inputValue(), 'Casa azul');
  await offlineAlert(link).waitFor({ timeout: WAIT });
  await link.getByRole('combobox', { name: 'Language' }).selectOption('es');
  const spanish = offlineAlert(link, 'No tienes conexión.');
  await spanish.waitFor({ timeout: WAIT });
  assert.match(await spanish.innerText(), /Una llamada necesita conexión a internet/);
  await link.close();

  // Back online: the notice goes by itself, and a join is a call.
  await context.setOffline(false);
  await offlineAlert(page).waitFor({ state: 'detached', timeout: WAIT });
  await joinRoom(page, uniqueRoom('Back online'));
  await waitForStatus(page, /Waiting for your friend/i);
});

test('a service that does not answer, on a working network, is said as such until it answers again', async (t) => {
  const service = await Service.start();
  t.after(() => service.stop());
  const browser = await launchBrowser(FAKE_MEDIA);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  await shellKept(page);

  // The network is up, the service is down (no offline event): the page opens from the kept
  // copy (nothing else could answer), cannot read its configuration, and says that the
  // service, not the person's connection, is what does not answer.
  await service.stop();
  const reloaded = await page.reload();
  assert.ok(reloaded.fromServiceWorker());
  await roomDialog(page).waitFor({ timeout: WAIT });
  const unanswered = page.getByRole('alert', { name: "Duet's service is not answering." });
  await unanswered.waitFor({ timeout: WAIT });
  assert.equal(await offlineAlert(page).count(), 0, 'the network is up: not "offline"');
  await service.restart();
  await unanswered.waitFor({ state: 'detached', timeout: WAIT });
  await joinRoom(page, uniqueRoom('Service back'));
  await waitForStatus(page, /Waiting for your friend/i);
});

test('a new build replaces the kept shell', async (t) => {
  const before = await distWith({});
  t.after(() => before.dispose());
  const service = await Service.start(0, { dist: before.dir });
  t.after(() => service.stop());
  const browser = await launchBrowser(FAKE_MEDIA);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  const first = await shellKept(page);
  assert.equal(first.names.length, 1);

  // Another build of the page: its sw.js is written again by the same post-build step.
  const after = await distWith({});
  t.after(() => after.dispose());
  const index = path.join(after.dir, 'index.html');
  await writeFile(index, (await readFile(index, 'utf8')).replace('<title>', '<!-- the next build -->\n<title>'));
  await promisify(execFile)('bash', [BUILD_SERVICE_WORKER, after.dir]);
  await service.stop();
  const next = await Service.start(service.port, { dist: after.dir });
  t.after(() => next.stop());

  // The next visit finds the new service worker, which takes over and drops the old copy.
  await page.reload();
  await roomDialog(page).waitFor({ timeout: WAIT });
  await untilInPage(page, 'the old copy replaced by the new build\'s', async (old) => {
    const names = await caches.keys();
    return names.length === 1 && names[0] !== old;
  }, first.names[0]);
  const replaced = await shellKept(page);
  assert.match(replaced.page, /the next build/);

  // And offline, the new build is what opens.
  await context.setOffline(true);
  await page.reload();
  await offlineAlert(page).waitFor({ timeout: WAIT });
  assert.match(await page.content(), /the next build/);
});
