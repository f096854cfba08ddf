// The verification code: once connected, both people see the same few pictures, derived from
// both sides' DTLS certificate fingerprints; a new call (a leave and a return) shows a new one.
// Chromium with Chromium, and Chromium with Firefox.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Firefox, firefoxMissing } from '../gecko.mjs';
import {
  connectedPair, joinRoom, openPerson, uniqueRoom, waitForPlayingVideo, waitForStatus, WAIT,
  serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** The code a Chromium page shows, once it shows one. */
async function code(page) {
  const note = page.getByRole('note', { name: 'Verification code' });
  await note.waitFor({ timeout: WAIT });
  return (await note.innerText()).trim();
}

test('both people see the same verification code, and a new call shows a new one', async (t) => {
  const { room, ana, ben } = await connectedPair(t, shared, 'Verify');

  const first = await code(ana);
  assert.equal(await code(ben), first);
  assert.ok(first.length > 0);

  // Ben closes the tab and comes back: new peer connections, new certificates, a new code.
  // The old code goes with the old call (Ana's note leaves the page), so the one read after
  // the return can only be the new call's.
  await ben.close();
  await waitForStatus(ana, /Your friend left/i);
  await ana.getByRole('note', { name: 'Verification code' }).waitFor({ state: 'detached', timeout: WAIT });
  const again = await openPerson(shared.browser, shared.service.url);
  t.after(() => again.context().close());
  await joinRoom(again, room);
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(again);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForStatus(again, /\bConnected\b/i);
  const [seenByAna, seenByBen] = [await code(ana), await code(again)];
  assert.ok(seenByAna.length > 0);
  assert.equal(seenByBen, seenByAna, 'both see the same new code');
  assert.notEqual(seenByAna, first, 'a new call has a new code');
});

const noFirefox = await firefoxMissing();

test('Chromium and Firefox see the same verification code', { skip: noFirefox }, async (t) => {
  const firefox = await Firefox.launch();
  t.after(() => firefox.close());
  const room = uniqueRoom('Verify across');
  const ana = await openPerson(shared.browser, shared.service.url);
  t.after(() => ana.context().close());
  await joinRoom(ana, room);
  await firefox.goto(shared.service.url);
  await firefox.joinRoom(room);
  await firefox.waitForPlayingVideo();
  await waitForPlayingVideo(ana);

  const seenByAna = await code(ana);
  const note = await firefox.waitForRole('note', { name: 'Verification code' });
  const seenInFirefox = (await firefox.text(note)).trim();
  assert.equal(seenInFirefox, seenByAna);
});
