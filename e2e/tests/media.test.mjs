// Stories 1, 2 and 7: the camera and microphone come first, and a refusal or a missing device
// gets a clear message instead of a broken page.

import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { test } from 'node:test';
import {
  FAKE_MEDIA, NO_DEVICES, REFUSE_MEDIA, launchBrowser, localTrackKinds, openPerson, roomDialog,
  waitForAlert, waitForPlayingVideo, WAIT, sharedService,
} from '../harness.mjs';

const shared = sharedService();

test('story 1+2: the page asks for camera and microphone, then for a room name', async (t) => {
  const browser = await launchBrowser(FAKE_MEDIA);
  t.after(() => browser.close());
  const page = await openPerson(browser, shared.service.url);

  await roomDialog(page).waitFor({ timeout: WAIT });
  assert.deepEqual(await localTrackKinds(page), ['audio', 'video'], 'both camera and microphone were asked for');
  await waitForPlayingVideo(page, 'Local video');
  const muted = await page.getByLabel('Local video', { exact: true }).evaluate((v) => v.muted);
  assert.equal(muted, true, 'the local preview is muted, so no echo');
  await page.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
  assert.equal(await page.getByRole('button', { name: 'Join', exact: true }).count(), 1);
  assert.equal(await page.getByRole('button', { name: 'Cancel', exact: true }).count(), 1);
  if (process.env.DUET_SCREENSHOTS) {
    await mkdir(process.env.DUET_SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: `${process.env.DUET_SCREENSHOTS}/screenshot-dialog.png` });
  }
});

test('story 7: refusing the camera and microphone explains they are required', async (t) => {
  const browser = await launchBrowser(REFUSE_MEDIA);
  t.after(() => browser.close());
  const page = await openPerson(browser, shared.service.url);

  const text = await waitForAlert(page, /camera/i);
  assert.match(text, /microphone/i);
  assert.match(text, /required|need/i);
  assert.match(text, /refused/i, 'it says the access was refused (not that a device is missing)');
  assert.match(text, /allow|permission|settings/i, 'it tells the person what to do');
  assert.equal(await roomDialog(page).count(), 0, 'no room dialog before media works');

  // Trying again while still refused keeps the clear message, not a broken page. The message
  // seen afterwards must be a new one: wait for the old alert to leave the page first.
  const old = await page.getByRole('alert').filter({ hasText: /camera/i }).elementHandle();
  await page.getByRole('button', { name: 'Try again' }).click();
  await page.waitForFunction((alert) => !alert.isConnected, old, { timeout: WAIT });
  const again = await waitForAlert(page, /camera/i);
  assert.match(again, /refused/i);
  assert.equal(await roomDialog(page).count(), 0);
});

test('story 7: a machine without a camera or microphone is told so', async (t) => {
  const browser = await launchBrowser(NO_DEVICES);
  t.after(() => browser.close());
  const page = await openPerson(browser, shared.service.url);

  const text = await waitForAlert(page, /camera/i);
  assert.match(text, /microphone/i);
  assert.match(text, /no .*found|not find|couldn.t find|connect/i, 'it says no device was found');
  assert.equal(await roomDialog(page).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Try again' }).count(), 1);
});
