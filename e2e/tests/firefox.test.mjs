// The stories' core with Firefox as one of the two (or three): calls between Firefox and
// Chromium both ways round, leave and return, a full room, and the refusal message. Firefox is
// driven over plain WebDriver (../gecko.mjs), Chromium with Playwright, over the real service.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Firefox, FIREFOX_REFUSE_MEDIA } from '../gecko.mjs';
import {
  FAKE_MEDIA, Service, canRun, joinRoom, launchBrowser, openPerson, uniqueRoom, waitForNoVideo,
  waitForPlayingVideo, waitForStatus,
} from '../harness.mjs';

const missing = !(await canRun(process.env.DUET_GECKODRIVER ?? 'geckodriver'))
  ? 'geckodriver is not installed (scripts/test.sh installs it)'
  : false;

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

test('Firefox waits, Chromium joins: each sees the other', { skip: missing }, async (t) => {
  const room = uniqueRoom('Fox first');
  await freshFirefox();
  await firefox.joinRoom(room);
  await firefox.waitForText('status', /Waiting for your friend/i);

  const ana = await chromiumPerson(t);
  await joinRoom(ana, room);
  await waitForPlayingVideo(ana);
  await firefox.waitForPlayingVideo();
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
    assert.equal((await refusing.byRole('dialog')).length, 0, 'no room dialog before media works');
    await refusing.waitForRole('button', { name: 'Try again' });
  } finally {
    await refusing.close();
  }
});
