// The stories' core with Firefox as one of the two (or three): calls between Firefox and
// Chromium both ways round, leave and return, a full room, and the refusal message. Firefox is
// driven over plain WebDriver (../gecko.mjs), Chromium with Playwright, over the real service.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Firefox, FIREFOX_REFUSE_MEDIA, firefoxMissing } from '../gecko.mjs';
import {
  FAKE_MEDIA, Service, joinRoom, launchBrowser, openPerson, roomDialog, uniqueRoom,
  waitForNoVideo, waitForPlayingVideo, waitForStatus, WAIT,
} from '../harness.mjs';

const missing = await firefoxMissing();

let service;
let chromium;
let firefox;
before(async () => {
  if (missing) return;
  service = await Service.start();
  chromium = await launchBrowser(FAKE_MEDIA);
  firefox = await Firefox.launch();
});
after(async () => {
  await firefox?.close();
  await chromium?.close();
  await service?.stop();
});

async function chromiumPerson(t) {
  const page = await openPerson(chromium, service.url);
  t.after(() => page.context().close());
  return page;
}

/** Firefox leaves whatever it is in (a navigation away, as a closed tab) and comes back fresh. */
async function freshFirefox() {
  await firefox.goto('about:blank');
  await firefox.goto(service.url);
}

/** Firefox waits in a fresh room, a Chromium person joins, and each sees the other's video. */
async function firefoxWaitsChromiumJoins(t, prefix) {
  const room = uniqueRoom(prefix);
  await freshFirefox();
  await firefox.joinRoom(room);
  await firefox.waitForText('status', /Waiting for your friend/i);
  const ana = await chromiumPerson(t);
  await joinRoom(ana, room);
  await waitForPlayingVideo(ana);
  await firefox.waitForPlayingVideo();
  return { room, ana };
}

test('Firefox waits, Chromium joins: each sees the other', { skip: missing }, async (t) => {
  await firefoxWaitsChromiumJoins(t, 'Fox first');
  await firefox.waitForText('status', /\bConnected\b/i);
});

test('Chromium waits, Firefox joins: each sees the other', { skip: missing }, async (t) => {
  const room = uniqueRoom('Chrome first');
  const ana = await chromiumPerson(t);
  await joinRoom(ana, room);
  await waitForStatus(ana, /Waiting for your friend/i);

  await freshFirefox();
  await firefox.joinRoom(room);
  await firefox.waitForPlayingVideo();
  await waitForPlayingVideo(ana);
  await waitForStatus(ana, /\bConnected\b/i);
});

test('Firefox leaves and comes back to the same room; the call continues', { skip: missing }, async (t) => {
  const room = uniqueRoom('Round trip');
  const ana = await chromiumPerson(t);
  await joinRoom(ana, room);
  await freshFirefox();
  await firefox.joinRoom(room);
  await firefox.waitForPlayingVideo();
  await waitForPlayingVideo(ana);

  await firefox.goto('about:blank');
  await waitForStatus(ana, /Your friend left/i);
  await waitForNoVideo(ana);

  await firefox.goto(service.url);
  await firefox.joinRoom(room);
  await firefox.waitForPlayingVideo();
  await waitForPlayingVideo(ana);
  const alerts = await firefox.byRole('alert');
  for (const alert of alerts) assert.doesNotMatch(await firefox.text(alert), /full/i);
});

test('Chromium leaves with the Leave button while Firefox waits, comes back, and both see each other again', { skip: missing }, async (t) => {
  const { room, ana } = await firefoxWaitsChromiumJoins(t, 'Mirror trip');

  await ana.getByRole('button', { name: 'Leave' }).click();
  await roomDialog(ana).waitFor({ timeout: WAIT });
  await firefox.waitForText('status', /Your friend left/i);
  await firefox.waitForNoVideo();

  // Chromium returns to the same room: a fresh negotiation, media both ways again.
  await joinRoom(ana, room);
  await waitForStatus(ana, /\bConnected\b/i);
  await firefox.waitForText('status', /\bConnected\b/i);
  await waitForPlayingVideo(ana);
  await firefox.waitForPlayingVideo();
  assert.equal(await ana.getByRole('alert').count(), 0, 'no notice for Chromium (not "full")');
});

test('Firefox as the third person is told the room is full', { skip: missing }, async (t) => {
  const room = uniqueRoom('Crowded');
  const [ana, ben] = [await chromiumPerson(t), await chromiumPerson(t)];
  await joinRoom(ana, room);
  await joinRoom(ben, room);
  await waitForPlayingVideo(ana);

  await freshFirefox();
  await firefox.joinRoom(room);
  const text = await firefox.waitForText('alert', /full/i);
  assert.ok(text.includes(room), `the notice names the room: ${text}`);
  await firefox.waitForRole('dialog');
  await waitForPlayingVideo(ben);
});

test('Firefox refusing the camera and microphone is told they are required', { skip: missing }, async () => {
  const refusing = await Firefox.launch(FIREFOX_REFUSE_MEDIA);
  try {
    await refusing.goto(service.url);
    const text = await refusing.waitForText('alert', /camera/i);
    assert.match(text, /microphone/i);
    assert.match(text, /required|need/i);
    // The refusal's own words (NotAllowedError), not another media error's: access was
    // refused, and how to allow it in the site settings.
    assert.match(text, /refused/i, `a refusal, not another error: ${text}`);
    assert.match(text, /Allow the camera and the microphone for this site/i);
    assert.doesNotMatch(text, /was found|could not be started|not opened securely/i);
    assert.equal((await refusing.byRole('dialog')).length, 0, 'no room dialog before media works');
    await refusing.waitForRole('button', { name: 'Try again' });
  } finally {
    await refusing.close();
  }
});
