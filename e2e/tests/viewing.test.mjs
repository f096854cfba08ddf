// Issue 5: the friend's video in fullscreen and picture-in-picture, as toggle buttons that
// follow the browser's own state.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  WAIT, serviceAndBrowser, connectedPair,
} from '../harness.mjs';

const shared = serviceAndBrowser();

test('the friend can be watched fullscreen and in picture-in-picture', async (t) => {
  const { ana } = await connectedPair(t, shared, 'View');

  const full = ana.getByRole('button', { name: 'Full screen' });
  assert.equal(await full.getAttribute('aria-pressed'), 'false');
  await full.click();
  await ana.waitForFunction(() => document.fullscreenElement?.classList.contains('stage'), null, { timeout: WAIT });
  await ana.waitForFunction(
    () => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Full screen')?.getAttribute('aria-pressed') === 'true',
    null,
    { timeout: WAIT },
  );
  // The browser's own way out (Escape) is followed too.
  await ana.evaluate(() => document.exitFullscreen());
  await ana.waitForFunction(
    () => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Full screen')?.getAttribute('aria-pressed') === 'false',
    null,
    { timeout: WAIT },
  );

  const pip = ana.getByRole('button', { name: 'Picture in picture' });
  await pip.click();
  await ana.waitForFunction(
    () => document.pictureInPictureElement?.getAttribute('aria-label') === 'Remote video',
    null,
    { timeout: WAIT },
  );
  await ana.waitForFunction(
    () => [...document.querySelectorAll('button')].find((b) => b.textContent === 'Picture in picture')?.getAttribute('aria-pressed') === 'true',
    null,
    { timeout: WAIT },
  );
  await pip.click();
  await ana.waitForFunction(() => document.pictureInPictureElement === null, null, { timeout: WAIT });
});
