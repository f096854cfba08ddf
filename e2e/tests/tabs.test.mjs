// Two tabs of ONE browser profile (one context: one localStorage, one set of Web Locks) are two
// people, as the README's "open it in two windows" promises: neither takes the other's place
// with a shared resume token. A tab that reloads, or dies and is opened again, still gets its
// own place back and is never told the room is full because of itself.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  Freezer, joinRoom, meet, roomDialog, uniqueRoom, waitForPlayingVideo, waitForStatus, WAIT, serviceAndBrowser,
} from '../harness.mjs';

const shared = serviceAndBrowser();

/** One browser profile with two tabs on Duet. */
async function twoTabs(t) {
  const context = await shared.browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(() => context.close());
  const tabs = [];
  for (let i = 0; i < 2; i += 1) {
    const page = await context.newPage();
    await page.goto(shared.service.url);
    tabs.push(page);
  }
  return { context, tabs };
}

/** The alerts a tab shows now (an empty live region is not an alert anyone hears). */
async function alerts(page) {
  return (await page.getByRole('alert').allInnerTexts()).map((text) => text.trim()).filter(Boolean);
}

/**
 * `tab` joins `room` again, where `other` stayed: both are Connected and see each other, and
 * neither shows an alert (`why` says, for each, what one would mean).
 */
async function backInTheCall(tab, other, room, [whyTab, whyOther]) {
  await joinRoom(tab, room);
  await waitForStatus(tab, /\bConnected\b/i);
  await waitForStatus(other, /\bConnected\b/i);
  await waitForPlayingVideo(tab);
  await waitForPlayingVideo(other);
  assert.deepEqual(await alerts(tab), [], whyTab);
  assert.deepEqual(await alerts(other), [], whyOther);
}

test('two tabs of one browser profile call each other, and a reload comes back', async (t) => {
  const room = uniqueRoom('Two tabs');
  const { tabs: [ana, ben] } = await twoTabs(t);

  await meet(ana, ben, room);
  // Neither was sent back to the dialog ("Your call moved to another tab").
  assert.deepEqual(await alerts(ana), []);
  assert.deepEqual(await alerts(ben), []);
  assert.equal(await roomDialog(ana).count(), 0);
  assert.equal(await roomDialog(ben).count(), 0);
  // The call screen has one status, the call's (the copy-link and viewing messages are
  // polite live regions, not statuses).
  assert.equal(await ana.getByRole('status').count(), 1);

  await ben.reload();
  await roomDialog(ben).waitFor({ timeout: WAIT });
  await backInTheCall(ben, ana, room, ['no "room full" for the reloaded tab', 'the other tab keeps its place']);
});

test('a crashed tab opened again takes back its own place, not the other tab\'s', async (t) => {
  const room = uniqueRoom('Crashed tab');
  const { context, tabs: [ana, ben] } = await twoTabs(t);
  // Ben's tab reaches the service through a relay that can go silent (its page and storage
  // stay those of the service's origin, shared with Ana's tab).
  const freezer = await Freezer.start(shared.service.port);
  t.after(() => freezer.close());
  await ben.route('**/config.json', (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ signaling_url: `ws://127.0.0.1:${freezer.port}/ws` }),
  }));
  await ben.reload();
  await meet(ana, ben, room);

  // Ben's connection goes silent and his tab crashes: no goodbye reaches the service, which
  // still holds his place, so the room still counts two. Only his own token gets him back in;
  // Ana's would take her place instead, and none would find the room full.
  freezer.freezeWebSockets();
  const crashed = ben.waitForEvent('crash', { timeout: WAIT });
  const cdp = await context.newCDPSession(ben);
  cdp.send('Page.crash').catch(() => {}); // Never answered: the page is gone.
  await crashed;

  const again = await context.newPage();
  await again.goto(shared.service.url);
  await backInTheCall(again, ana, room, ['no "room full" for the reopened tab', 'the other tab was not replaced']);
  assert.equal(await roomDialog(ana).count(), 0);
});
