// "Turn camera off" while sharing the screen turns off the camera, not the share: the friend
// goes on seeing the screen, and is not told the camera is off until the share ends.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FAKE_MEDIA, SCREEN_SHARE, connectedPair, waitForPlayingVideo, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser(FAKE_MEDIA, SCREEN_SHARE);

const CAMERA_OFF = 'Your friend turned their camera off';
const MUTED = 'Your friend muted their microphone';

test('turning the camera off during a screen share keeps the screen shown to the friend', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Share camera');
  await ana.getByRole('button', { name: 'Share screen' }).click();
  await ana.getByText('You are sharing your screen').waitFor({ timeout: WAIT });

  await ana.getByRole('button', { name: 'Turn camera off' }).click();
  await ana.getByRole('button', { name: 'Turn camera on' }).waitFor({ timeout: WAIT });
  // The friend hears of the microphone next; messages arrive in order, so once Ben shows the
  // mute he has heard what the camera switch said too.
  await ana.getByRole('button', { name: 'Mute microphone' }).click();
  await ben.getByText(MUTED).waitFor({ timeout: WAIT });
  assert.equal(await ben.getByText(CAMERA_OFF).count(), 0, 'the screen is still a picture');
  // And it really is: the screen, moving, not black frames under an overlay.
  await waitForPlayingVideo(ben);

  // The share ends: now the camera's own state (off) is what the friend sees.
  await ana.getByRole('button', { name: 'Share screen' }).click();
  await ana.getByText('You are sharing your screen').waitFor({ state: 'detached', timeout: WAIT });
  await ben.getByText(CAMERA_OFF).waitFor({ timeout: WAIT });
});
