// Issue 5: English and Spanish. A Spanish browser gets Spanish (and <html lang="es">); the
// language switch changes it, and the choice is remembered.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FAKE_MEDIA, launchBrowser, WAIT, sharedService,
} from '../harness.mjs';

const shared = sharedService();

// The browser's own language, not Playwright's emulation (a context `locale` overrides
// whatever the browser says): no `locale` here. Headless Chromium on Linux takes its
// languages from `--accept-lang` (the list a person sets in the browser's language settings,
// sent as Accept-Language and read as navigator.languages); `--lang` (the interface language)
// alone leaves navigator.languages at en-US there, as measured: so both flags, as a Spanish
// browser has both.
const SPANISH_BROWSER = ['--lang=es-ES', '--accept-lang=es-ES,es'];
const ENGLISH_BROWSER = ['--lang=en-US', '--accept-lang=en-US,en'];

test('a Spanish browser gets Spanish; the switch turns it into English and remembers', async (t) => {
  const browser = await launchBrowser(FAKE_MEDIA, SPANISH_BROWSER);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(shared.service.url);
  assert.deepEqual(await page.evaluate(() => navigator.languages), ['es-ES', 'es'], 'the browser itself says Spanish');

  const box = page.getByRole('textbox', { name: 'Nombre de la sala' });
  await box.waitFor({ timeout: WAIT });
  assert.equal(await page.getAttribute('html', 'lang'), 'es');
  await page.getByRole('button', { name: 'Entrar', exact: true }).waitFor({ timeout: WAIT });
  await page.getByRole('button', { name: 'Cancelar', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: 'Hace falta el nombre de una sala' }).waitFor({ timeout: WAIT });

  await page.getByRole('combobox', { name: 'Idioma' }).selectOption('en');
  await page.getByRole('textbox', { name: 'Room name' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.getByRole('button', { name: 'Join', exact: true }).waitFor({ timeout: WAIT });

  await page.reload();
  await page.getByRole('textbox', { name: 'Room name' }).waitFor({ timeout: WAIT });
  assert.equal(await page.getAttribute('html', 'lang'), 'en', 'the choice outlives a reload');
});

test('an English browser gets English', async (t) => {
  const browser = await launchBrowser(FAKE_MEDIA, ENGLISH_BROWSER);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(shared.service.url);
  await page.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
});

test('before the app starts, the page shows only its name; the app then takes its place, in Spanish', async (t) => {
  const browser = await launchBrowser(FAKE_MEDIA, SPANISH_BROWSER);
  t.after(() => browser.close());
  const context = await browser.newContext();
  t.after(() => context.close());
  const page = await context.newPage();
  // Hold the app's wasm back until the splash has been looked at: what a slow connection shows.
  let release;
  const held = new Promise((resolve) => {
    release = resolve;
  });
  await page.route(/_bg\.wasm$/, async (route) => {
    await held;
    await route.continue();
  });
  await page.goto(shared.service.url);
  const splash = page.locator('#boot');
  await splash.waitFor({ timeout: WAIT });
  assert.equal((await splash.innerText()).trim(), 'Duet', 'no words the app has not chosen a language for');

  release();
  await page.getByRole('textbox', { name: 'Nombre de la sala' }).waitFor({ timeout: WAIT });
  assert.equal(await splash.count(), 0, 'the splash is gone once the app is there');
});
