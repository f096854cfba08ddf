// Issue 5: the in-call controls. Mute, camera off and leave act on the real tracks and the
// real call, and the friend sees each of them; chat goes peer to peer over the data channel.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  roomDialog, waitForNoVideo, waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
  connectedPair,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** Whether the local track of `kind` is enabled, read from the page's own stream. */
function localTrackEnabled(page, kind) {
  return page
    .getByLabel('Local video', { exact: true })
    .evaluate((v, k) => v.srcObject.getTracks().filter((t) => t.kind === k).every((t) => t.enabled), kind);
}

/** Waits until the local track of `kind` is enabled (`true`) or disabled (`false`). */
async function waitForLocalTrack(page, kind, enabled) {
  const video = await page.getByLabel('Local video', { exact: true }).elementHandle();
  await page.waitForFunction(
    ([v, k, e]) => v.srcObject.getTracks().filter((t) => t.kind === k).every((t) => t.enabled === e),
    [video, kind, enabled],
    { polling: 100, timeout: WAIT },
  );
}

/** Whether the remote video's picture stays unchanged (black) over several frames. */
async function waitForFrozenBlackPicture(page) {
  const video = await page.getByLabel('Remote video', { exact: true }).elementHandle();
  await page.waitForFunction(
    (v) => {
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 48;
      const g = canvas.getContext('2d', { willReadFrequently: true });
      g.drawImage(v, 0, 0, 64, 48);
      const pixels = g.getImageData(0, 0, 64, 48).data;
      let brightness = 0;
      for (let i = 0; i < pixels.length; i += 4) brightness += pixels[i] + pixels[i + 1] + pixels[i + 2];
      brightness /= (pixels.length / 4) * 3;
      // The fake camera's picture is bright and moving; a disabled track sends black frames.
      v.__duetDark = brightness < 8 ? (v.__duetDark ?? 0) + 1 : 0;
      return v.__duetDark >= 5;
    },
    video,
    { polling: 100, timeout: WAIT },
  );
}

test('mute disables the microphone track and the friend sees it; unmute undoes it', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Mute');
  const mute = ana.getByRole('button', { name: 'Mute microphone' });
  assert.equal(await mute.getAttribute('aria-pressed'), 'false');
  await mute.click();
  const unmute = ana.getByRole('button', { name: 'Unmute microphone' });
  await unmute.waitFor({ timeout: WAIT });
  assert.equal(await unmute.getAttribute('aria-pressed'), 'true');
  await waitForLocalTrack(ana, 'audio', false);
  assert.equal(await localTrackEnabled(ana, 'video'), true, 'the camera is untouched');
  await ben.getByText('Your friend muted their microphone').waitFor({ timeout: WAIT });

  await unmute.click();
  await ana.getByRole('button', { name: 'Mute microphone' }).waitFor({ timeout: WAIT });
  await waitForLocalTrack(ana, 'audio', true);
  await ben.getByText('Your friend muted their microphone').waitFor({ state: 'detached', timeout: WAIT });
});

test('camera off sends black frames and the friend sees the indicator; on brings it back', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Camera');
  await ana.getByRole('button', { name: 'Turn camera off' }).click();
  const on = ana.getByRole('button', { name: 'Turn camera on' });
  await on.waitFor({ timeout: WAIT });
  assert.equal(await on.getAttribute('aria-pressed'), 'true');
  await waitForLocalTrack(ana, 'video', false);
  await ben.getByText('Your friend turned their camera off').waitFor({ timeout: WAIT });
  await waitForFrozenBlackPicture(ben);

  // The keyboard shortcut turns it back on (focus is not in a text box).
  await ana.keyboard.press('v');
  await ana.getByRole('button', { name: 'Turn camera off' }).waitFor({ timeout: WAIT });
  await ben.getByText('Your friend turned their camera off').waitFor({ state: 'detached', timeout: WAIT });
  await waitForPlayingVideo(ben);
});

test('leave ends the call on both sides and brings back the room dialog', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Leave');
  await ana.getByRole('button', { name: 'Leave' }).click();
  await roomDialog(ana).waitFor({ timeout: WAIT });
  await ana.getByRole('textbox', { name: /Room name/ }).waitFor({ timeout: WAIT });
  await waitForStatus(ben, /Your friend left/i);
  await waitForNoVideo(ben);
});

test('a chat message arrives peer to peer, with an unread count while the chat is hidden', async (t) => {
  // Every signaling frame either page sends or receives, so the test can show that chat never
  // goes through the service. The WebSocket opens with the room step: the recorder starts
  // before a reload, to see it from its first frame.
  const frames = [];
  const recordSignaling = async (page) => {
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => frames.push(String(frame.payload)));
      ws.on('framereceived', (frame) => frames.push(String(frame.payload)));
    });
    await page.reload();
  };
  const { ana, ben } = await connectedPair(t, shared, 'Chat', { beforeJoin: recordSignaling });
  assert.ok(frames.some((f) => f.includes('"joined"')), 'the recorder sees the signaling traffic');
  await ana.getByRole('button', { name: /^Chat/ }).click();
  const box = ana.getByRole('textbox', { name: 'Message' });
  await box.fill('Hola, Ben!');
  await ana.getByRole('button', { name: 'Send', exact: true }).click();
  await ana.getByRole('log').getByText('Hola, Ben!').waitFor({ timeout: WAIT });
  assert.equal(await box.inputValue(), '', 'the box is emptied once sent');

  // Ben's chat is hidden: the toggle counts it.
  const toggle = ben.getByRole('button', { name: /Chat.*1 unread/ });
  await toggle.waitFor({ timeout: WAIT });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  await ben.getByRole('log').getByText('Hola, Ben!').waitFor({ timeout: WAIT });
  await ben.getByRole('button', { name: /^Chat$/ }).waitFor({ timeout: WAIT });

  // Typing "m" in the message box is text, not the mute shortcut; Enter sends.
  const reply = ben.getByRole('textbox', { name: 'Message' });
  await reply.fill('');
  await reply.type('mmm ok');
  await reply.press('Enter');
  await ana.getByRole('log').getByText('mmm ok').waitFor({ timeout: WAIT });
  assert.equal(await localTrackEnabled(ben, 'audio'), true, 'typing did not mute');

  // Peer to peer: neither message ever crossed the signaling WebSocket.
  for (const text of ['Hola, Ben!', 'mmm ok']) {
    assert.ok(!frames.some((f) => f.includes(text)), `"${text}" went through the service`);
  }
});

test('the keyboard shortcuts are listed in a help dialog', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Help');
  await ana.keyboard.press('?');
  const help = ana.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor({ timeout: WAIT });
  const text = await help.innerText();
  for (const words of [/microphone/i, /camera/i, /Leave/i]) assert.match(text, words);
  await ana.keyboard.press('Escape');
  await help.waitFor({ state: 'detached', timeout: WAIT });
  await ana.keyboard.press('m');
  await ana.getByRole('button', { name: 'Unmute microphone' }).waitFor({ timeout: WAIT });
});
