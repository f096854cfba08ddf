// Stories 3, 5, 6 and 8: names make rooms, rooms hold two, any number of rooms at once, and the
// room step keeps asking until it gets a real name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  joinRoom, openPerson, roomDialog, uniqueRoom, waitForAlert, waitForPlayingVideo, waitForStatus,
  WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

async function person(t) {
  const page = await openPerson(shared.browser, shared.service.url);
  t.after(() => page.context().close());
  return page;
}

/**
 * Types `name` into the room box and waits until typing has cleared the last complaint (no
 * alert, the box no longer invalid): a complaint seen after submitting is then a new one.
 */
async function typeAfresh(page, name) {
  const box = page.getByRole('textbox', { name: /Room name/ });
  await box.fill(name);
  await page.getByRole('alert').filter({ hasText: /room name/i }).waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await box.getAttribute('aria-invalid'), 'false');
  return box;
}

test('story 8: cancel, an empty name or spaces ask again for a valid name', async (t) => {
  const page = await person(t);
  const dialog = roomDialog(page);
  const box = page.getByRole('textbox', { name: /Room name/ });
  await dialog.waitFor({ timeout: WAIT });

  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await dialog.waitFor({ timeout: WAIT });
  await waitForAlert(page, /room name/i);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');

  // Empty: the box is empty after Cancel, and emptying it again types nothing (no input event,
  // the complaint stays): type a letter first so that the complaint goes, then empty it.
  await typeAfresh(page, 'x');
  await box.fill('');
  await page.getByRole('button', { name: 'Join', exact: true }).click();
  await dialog.waitFor({ timeout: WAIT });
  await waitForAlert(page, /room name/i);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');

  await typeAfresh(page, '     ');
  await box.press('Enter');
  await dialog.waitFor({ timeout: WAIT });
  const text = await waitForAlert(page, /room name/i);
  assert.match(text, /need|enter|valid/i);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');

  // A real name then goes through.
  await joinRoom(page, uniqueRoom('story 8'));
  await waitForStatus(page, /Waiting for your friend/i);
  assert.equal(await roomDialog(page).count(), 0);
});

test('story 3+5: a new name creates a room; a third person is told it is full', async (t) => {
  const room = uniqueRoom('Full house');
  const [ana, ben, cai] = [await person(t), await person(t), await person(t)];

  await joinRoom(ana, room);
  await waitForStatus(ana, /Waiting for your friend/i);
  // Case and surrounding spaces do not make another room.
  await joinRoom(ben, `  ${room.toUpperCase()} `);
  await waitForStatus(ben, /\bConnected\b/i);
  await waitForStatus(ana, /\bConnected\b/i);

  await joinRoom(cai, room);
  const text = await waitForAlert(cai, /full/i);
  assert.ok(text.includes(room), `the notice names the room: ${text}`);
  await roomDialog(cai).waitFor({ timeout: WAIT });

  // The two inside are undisturbed.
  await waitForPlayingVideo(ana);
  await waitForPlayingVideo(ben);
  await waitForStatus(ana, /\bConnected\b/i);

  // The third person can go and make another room.
  await joinRoom(cai, uniqueRoom('Overflow'));
  await waitForStatus(cai, /Waiting for your friend/i);
});

test('story 6: anyone can create or join any room, several rooms at once', async (t) => {
  const rooms = [uniqueRoom('Kitchen'), uniqueRoom('Garden')];
  const people = [];
  for (let i = 0; i < 4; i += 1) people.push(await person(t));
  const [a1, a2, b1, b2] = people;

  await joinRoom(a1, rooms[0]);
  await joinRoom(b1, rooms[1]);
  await waitForStatus(a1, /Waiting for your friend/i);
  await waitForStatus(b1, /Waiting for your friend/i);
  await joinRoom(a2, rooms[0]);
  await joinRoom(b2, rooms[1]);
  for (const page of people) {
    await waitForStatus(page, /\bConnected\b/i);
    await waitForPlayingVideo(page);
  }
});
