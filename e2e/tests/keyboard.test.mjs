// Issue 5: everything works from the keyboard with visible focus. A modal dialog takes the
// focus when it opens, keeps Tab and Shift+Tab inside, closes on Escape, and gives the focus
// back to the control that opened it. Only keys are pressed here; elements are found by role
// and name.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  connectedPair, joinRoom, openPerson, uniqueRoom, waitForPlayingVideo, waitForStatus, WAIT,
  serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** Whether `locator`'s element has the focus. */
function isFocused(locator) {
  return locator.evaluate((el) => el === document.activeElement);
}

/** Presses Tab until `locator` has the focus (at most `limit` times); fails otherwise. */
async function tabTo(page, locator, limit = 40) {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await isFocused(locator)) return;
  }
  assert.fail(`Tab never reached ${locator}`);
}

/** Whether the focused element shows a focus indicator (an outline or a box-shadow ring). */
function focusVisible(page) {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return {
      outline: style.outlineStyle,
      shadow: style.boxShadow,
      visible: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
    };
  });
}

/** Whether the focus is inside the dialog named `name`. */
function focusInside(page, name) {
  return page.getByRole('dialog', { name }).evaluate((dialog) => dialog.contains(document.activeElement));
}

test('the shortcuts dialog traps the focus, closes on Escape and gives the focus back', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Keyboard help');
  const opener = ana.getByRole('button', { name: 'Keyboard shortcuts', exact: true });
  await ana.evaluate(() => document.activeElement?.blur());
  await tabTo(ana, opener);
  assert.equal((await focusVisible(ana)).visible, true, 'the focused toolbar button shows a ring');

  // "?" opens it; the focus moves in.
  await ana.keyboard.press('?');
  const dialog = ana.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await dialog.waitFor({ timeout: WAIT });
  assert.equal(await dialog.getAttribute('aria-modal'), 'true');
  await ana.waitForFunction(
    () => document.activeElement?.closest('[role=dialog]') !== null,
    null,
    { timeout: WAIT },
  );
  assert.equal(await isFocused(ana.getByRole('button', { name: 'Close', exact: true })), true);
  // Tab and Shift+Tab never leave it.
  for (const key of ['Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab', 'Tab']) {
    await ana.keyboard.press(key);
    assert.equal(await focusInside(ana, 'Keyboard shortcuts'), true, `the focus left the dialog on ${key}`);
    assert.equal((await focusVisible(ana)).visible, true, 'the focus is visible in the dialog');
  }
  // Escape closes it, and the focus is back on the control that had it.
  await ana.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await isFocused(opener), true, 'the focus is back on "Keyboard shortcuts"');
  await waitForStatus(ana, /\bConnected\b/i);

  // Opened with the button itself (Enter), it gives the focus back to the button too.
  await ana.keyboard.press('Enter');
  await dialog.waitFor({ timeout: WAIT });
  assert.equal(await focusInside(ana, 'Keyboard shortcuts'), true);
  await ana.keyboard.press('Shift+Tab');
  assert.equal(await focusInside(ana, 'Keyboard shortcuts'), true);
  await ana.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await isFocused(opener), true);
  // Closed, the shortcuts act again.
  await ana.keyboard.press('m');
  await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).waitFor({ timeout: WAIT });
});

test('a whole call from the keyboard: name a room, join with Enter, mute and unmute by Tab and Space/Enter', async (t) => {
  const { service, browser } = shared;
  const room = uniqueRoom('Keyboard only');
  const ana = await openPerson(browser, service.url);
  t.after(() => ana.context().close());
  const box = ana.getByRole('textbox', { name: /Room name/ });
  await box.waitFor({ timeout: WAIT });
  // The dialog puts the cursor in the room box by itself.
  await ana.waitForFunction(() => document.activeElement?.id === 'room-name', null, { timeout: WAIT });
  const ring = await focusVisible(ana);
  assert.equal(ring.visible, true, `the room box shows its focus (${JSON.stringify(ring)})`);
  await ana.keyboard.type(room);
  await ana.keyboard.press('Enter');
  await waitForStatus(ana, /Waiting for your friend/i);

  const ben = await openPerson(browser, service.url);
  t.after(() => ben.context().close());
  await joinRoom(ben, room);
  await waitForStatus(ana, /\bConnected\b/i);
  await waitForPlayingVideo(ana);

  const mute = ana.getByRole('button', { name: 'Mute microphone', exact: true });
  await tabTo(ana, mute);
  const shown = await focusVisible(ana);
  assert.equal(shown.visible, true, `the focused button shows it (${JSON.stringify(shown)})`);
  assert.notEqual(shown.outline, 'none', 'an outline too, for forced-colors mode');
  assert.equal(await mute.getAttribute('aria-pressed'), 'false');

  await ana.keyboard.press('Space');
  const unmute = ana.getByRole('button', { name: 'Unmute microphone', exact: true });
  await unmute.waitFor({ timeout: WAIT });
  assert.equal(await unmute.getAttribute('aria-pressed'), 'true');
  assert.equal(await isFocused(unmute), true, 'the focus stays on the toggle');
  const track = await ana.getByLabel('Local video', { exact: true }).evaluate((v) => v.srcObject.getAudioTracks()[0].enabled);
  assert.equal(track, false, 'the microphone is really off');

  await ana.keyboard.press('Enter');
  await mute.waitFor({ timeout: WAIT });
  assert.equal(await mute.getAttribute('aria-pressed'), 'false');
  assert.equal(await isFocused(mute), true);
});
