// Issue 5: accessibility. axe-core (npm, pinned) finds no violations on the room dialog, the
// media error screen and the call screen (toolbar, chat, quality details, shortcuts help).

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import {
  REFUSE_MEDIA, THREE_CAMERAS, connectedPair, launchBrowser, meet, openPerson, roomDialog, uniqueRoom,
  waitForAlert, waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// One Chromium with the fake camera and microphone for every screen that has them (each
// person in a context of their own); the refused-media screen launches its own.
const shared = serviceAndBrowser();

/**
 * Runs axe over the whole page in both colour schemes (the page follows
 * `prefers-color-scheme`, and contrast is a property of each palette) and fails with a
 * readable list of what it found.
 */
async function assertNoViolations(page, what) {
  for (const colorScheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme });
    await assertNoViolationsNow(page, `${what} (${colorScheme})`);
  }
}

async function assertNoViolationsNow(page, what) {
  // Let entrance animations end (colours mid-fade are not what anyone reads); looping ones
  // (spinner, pulsing dot) never end and are left alone.
  await page.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((a) => a.effect?.getComputedTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => {})),
    ),
  );
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
    }));
  });
  assert.deepEqual(violations, [], `${what}: ${JSON.stringify(violations, null, 2)}`);
}

test('axe: the room dialog', async (t) => {
  const page = await openPerson(shared.browser, shared.service.url);
  t.after(() => page.context().close());
  await roomDialog(page).waitFor({ timeout: WAIT });
  await waitForPlayingVideo(page, 'Local video');
  await assertNoViolations(page, 'room dialog');
  // With the "a room name is needed" alert showing too.
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await waitForAlert(page, /room name is needed/i);
  await assertNoViolations(page, 'room dialog with its alert');
});

test('axe: the camera and microphone error screen', async (t) => {
  const browser = await launchBrowser(REFUSE_MEDIA);
  t.after(() => browser.close());
  const page = await openPerson(browser, shared.service.url);
  await waitForAlert(page, /camera/i);
  await assertNoViolations(page, 'media error screen');
});

test('axe: the call screen, with the chat, the quality details and the shortcuts help', async (t) => {
  const { ana, ben } = await connectedPair(t, shared, 'Axe');
  await assertNoViolations(ana, 'call screen');

  await ben.getByRole('button', { name: 'Mute microphone' }).click();
  await ana.getByText('Your friend muted their microphone').waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: /^Chat/ }).click();
  await ana.getByRole('textbox', { name: 'Message' }).fill('hola');
  await ana.getByRole('button', { name: 'Send', exact: true }).click();
  await ana.getByRole('log').getByText('hola').waitFor({ timeout: WAIT });
  // A file sent: its entry (name, size, progress bar, state) and the "Send file" control.
  await ana.getByLabel('Send file', { exact: true }).setInputFiles({
    name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hola, Ben'),
  });
  await ana.getByText('Sent and checked').waitFor({ timeout: WAIT });
  const quality = ana.getByRole('button', { name: /^Connection:/ });
  await quality.waitFor({ timeout: WAIT });
  await quality.click();
  await ana.locator('#quality-details').waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: 'Devices' }).click();
  await ana.getByRole('combobox', { name: 'Microphone' }).waitFor({ timeout: WAIT });
  await assertNoViolations(ana, 'call screen with chat, quality details and devices');

  // Keyboard only: Tab reaches the microphone switch, with a visible focus ring.
  let focused = '';
  for (let i = 0; i < 40 && focused !== 'Mute microphone'; i += 1) {
    await ana.keyboard.press('Tab');
    focused = await ana.evaluate(() => {
      const element = document.activeElement;
      return element?.matches('button') ? (element.querySelector('.tool-label')?.textContent ?? '') : '';
    });
  }
  assert.equal(focused, 'Mute microphone', 'Tab reaches the toolbar');
  const ring = await ana.evaluate(() => {
    const style = getComputedStyle(document.activeElement);
    return { boxShadow: style.boxShadow, outline: style.outlineStyle, visible: document.activeElement.matches(':focus-visible') };
  });
  assert.ok(ring.visible && (ring.boxShadow !== 'none' || ring.outline !== 'none'), `focus is visible: ${JSON.stringify(ring)}`);
  await ana.keyboard.press('Enter');
  await ana.getByRole('button', { name: 'Unmute microphone' }).waitFor({ timeout: WAIT });

  await ana.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await ana.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor({ timeout: WAIT });
  await assertNoViolations(ana, 'shortcuts help');
});

test('axe on a phone: the room dialog and the call fit a 390 px screen, in Spanish too', async (t) => {
  const phone = { viewport: { width: 390, height: 844 } };
  const ana = await openPerson(shared.browser, shared.service.url, phone);
  const ben = await openPerson(shared.browser, shared.service.url, phone);
  t.after(() => Promise.all([ana.context().close(), ben.context().close()]));
  /** Nothing sticks out sideways: a phone would scroll the whole page. */
  const assertFits = async (page, what) => {
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      screen: window.innerWidth,
    }));
    assert.ok(widths.page <= widths.screen, `${what} is ${widths.page} px wide on a ${widths.screen} px screen`);
  };
  await roomDialog(ana).waitFor({ timeout: WAIT });
  await assertFits(ana, 'the room dialog');
  await assertNoViolations(ana, 'room dialog on a phone');
  await meet(ana, ben, uniqueRoom('Phone'));
  await assertFits(ana, 'the call screen');
  await assertNoViolations(ana, 'call screen on a phone');
  // The Spanish words are longer; the toolbar must still fit and stay accessible.
  await ana.getByRole('combobox', { name: /Language|Idioma/ }).selectOption('es');
  await waitForStatus(ana, /En llamada/i);
  await assertFits(ana, 'the call screen in Spanish');
  await assertNoViolations(ana, 'call screen on a phone, in Spanish');
});

test('axe on a phone with several cameras: "Switch camera" and the room link\'s QR code, in Spanish too', async (t) => {
  const browser = await launchBrowser(THREE_CAMERAS);
  t.after(() => browser.close());
  const phone = { viewport: { width: 390, height: 844 } };
  const ana = await openPerson(browser, shared.service.url, phone);
  const ben = await openPerson(browser, shared.service.url, phone);
  t.after(() => Promise.all([ana.context().close(), ben.context().close()]));
  await meet(ana, ben, uniqueRoom('Phone controls'));
  await ana.getByRole('button', { name: 'Switch camera' }).waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: 'QR code' }).click();
  await ana.getByRole('img', { name: /QR code/ }).waitFor({ timeout: WAIT });
  const widths = await ana.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `the call screen with the QR code is ${widths[0]} px wide on ${widths[1]}`);
  await assertNoViolations(ana, 'call screen with Switch camera and the QR code');
  await ana.getByRole('combobox', { name: /Language|Idioma/ }).selectOption('es');
  await ana.getByRole('img', { name: /Código QR/ }).waitFor({ timeout: WAIT });
  await ana.getByRole('button', { name: 'Cambiar de cámara' }).waitFor({ timeout: WAIT });
  await assertNoViolations(ana, 'the same, in Spanish');
});

test('axe: offline and without WebRTC, both notices on the room step, on a phone too', async (t) => {
  const context = await shared.browser.newContext({ viewport: { width: 390, height: 844 } });
  t.after(() => context.close());
  await context.addInitScript(() => {
    delete window.RTCPeerConnection;
  });
  const page = await context.newPage();
  await page.goto(shared.service.url);
  await roomDialog(page).waitFor({ timeout: WAIT });
  await context.setOffline(true);
  await page.getByRole('alert', { name: 'You are offline.' }).waitFor({ timeout: WAIT });
  await page.getByRole('alert', { name: 'This browser cannot make video calls.' }).waitFor({ timeout: WAIT });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `the page is ${widths[0]} px wide on a ${widths[1]} px screen`);
  await assertNoViolations(page, 'offline and without WebRTC');
});
