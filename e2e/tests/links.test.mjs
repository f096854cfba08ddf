// Issue 5: shareable links. `/r/<room>` asks for media first, then offers that room; "Copy
// link" puts the link on the clipboard; "New private room" fills in an unguessable name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  localTrackKinds, roomDialog, uniqueRoom, waitForPlayingVideo, waitForStatus, WAIT,
  serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

async function open(t, url, contextOptions = {}) {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 }, ...contextOptions });
  t.after(() => context.close());
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

test('a room link asks for media first, then pre-fills the dialog with its room', async (t) => {
  // Spaces, non-ASCII, a slash and URL syntax survive the round trip.
  const room = uniqueRoom('Casa Azul / ñ?#');
  const page = await open(t, `${shared.service.url}/r/${encodeURIComponent(room)}`);
  await roomDialog(page).waitFor({ timeout: WAIT });
  assert.deepEqual(await localTrackKinds(page), ['audio', 'video'], 'media came first');
  const box = page.getByRole('textbox', { name: /Room name/ });
  await page.waitForFunction((name) => document.querySelector('#room-name')?.value === name, room, {
    timeout: WAIT,
  });
  assert.equal(await box.inputValue(), room);
});

test('"Copy link" copies the room link, and the friend who opens it joins the call', async (t) => {
  const room = uniqueRoom('Copy');
  const ana = await open(t, shared.service.url, { permissions: ['clipboard-read', 'clipboard-write'] });
  const box = ana.getByRole('textbox', { name: /Room name/ });
  await box.fill(room);
  await ana.getByRole('button', { name: 'Join', exact: true }).click();
  await waitForStatus(ana, /Waiting for your friend/i);
  assert.equal(new URL(ana.url()).pathname, `/r/${encodeURIComponent(room)}`, 'the address names the room');

  await ana.getByRole('button', { name: 'Copy link' }).click();
  await ana.getByText('Link copied').waitFor({ timeout: WAIT });
  const link = await ana.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, `${shared.service.url}/r/${encodeURIComponent(room)}`);

  const ben = await open(t, link);
  await ben.waitForFunction((name) => document.querySelector('#room-name')?.value === name, room, {
    timeout: WAIT,
  });
  await ben.getByRole('button', { name: 'Join', exact: true }).click();
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForPlayingVideo(ben);
});

test('"New private room" fills in a fresh random name of at least 80 bits', async (t) => {
  const page = await open(t, shared.service.url);
  const box = page.getByRole('textbox', { name: /Room name/ });
  await box.waitFor({ timeout: WAIT });
  const names = new Set();
  for (let i = 0; i < 3; i += 1) {
    await page.getByRole('button', { name: 'New private room' }).click();
    await page.waitForFunction((seen) => {
      const value = document.querySelector('#room-name')?.value ?? '';
      return value !== '' && !seen.includes(value);
    }, [...names], { timeout: WAIT });
    const name = await box.inputValue();
    // 20 symbols of base 32 (5 bits each) = 100 bits, in groups of five.
    assert.match(name, /^[0-9a-hjkmnp-tv-z]{5}(-[0-9a-hjkmnp-tv-z]{5}){3}$/);
    names.add(name);
  }
  assert.equal(names.size, 3);
});
