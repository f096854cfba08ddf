// Keyboard shortcuts (M, V, C, L, ?) act only on a deliberate key press on the call screen:
// never while a drop-down such as the camera chooser has the focus (letters pick an option
// there), never with Ctrl, Alt or Meta, and never again for a key held down.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { connectedPair, roomDialog, waitForStatus, WAIT, serviceAndBrowser } from '../harness.mjs';

const shared = serviceAndBrowser();

/**
 * Presses V, a shortcut that does act, and waits for the camera button to read `label`: key
 * events are handled in order, so whatever the keys before it did is done by then.
 */
async function cameraShortcutThen(page, label) {
  await page.evaluate(() => document.activeElement?.blur());
  await page.keyboard.press('v');
  await page.getByRole('button', { name: label, exact: true }).waitFor({ timeout: WAIT });
}

async function stillInCallWithMicOn(page) {
  assert.equal(await roomDialog(page).count(), 0, 'still in the call');
  await waitForStatus(page, /\bConnected\b/i);
  assert.equal(await page.getByRole('button', { name: 'Mute microphone', exact: true }).count(), 1);
}

test('letters typed in the camera chooser are not shortcuts: "l" does not leave', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Shortcut select');
  await ana.getByRole('button', { name: 'Devices' }).click();
  const camera = ana.getByRole('combobox', { name: 'Camera', exact: true });
  await camera.focus();
  await ana.keyboard.press('l');
  await ana.keyboard.press('m');
  await cameraShortcutThen(ana, 'Turn camera on');
  await stillInCallWithMicOn(ana);
});

test('Ctrl, Alt and Meta combinations and held-down keys are not shortcuts', async (t) => {
  const { ana } = await connectedPair(t, shared, 'Shortcut modifiers');
  for (const chord of ['Control+m', 'Alt+m', 'Meta+m', 'Alt+l', 'Control+l']) {
    await ana.keyboard.press(chord);
  }
  await cameraShortcutThen(ana, 'Turn camera on');
  await stillInCallWithMicOn(ana);

  // One press held down: the first keydown mutes, its repeats do nothing.
  await ana.keyboard.down('m');
  await ana.keyboard.down('m');
  await ana.keyboard.down('m');
  await ana.keyboard.up('m');
  await cameraShortcutThen(ana, 'Turn camera off');
  assert.equal(
    await ana.getByRole('button', { name: 'Unmute microphone', exact: true }).count(),
    1,
    'muted exactly once',
  );
});
