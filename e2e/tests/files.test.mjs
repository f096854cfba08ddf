// Issue 14, item 4: "Send file" in the chat. A file goes to the friend peer to peer, over a
// data channel of its own (never through the service), with a progress bar and Cancel on both
// sides and a SHA-256 check; the receiver gets a link named with the file's name. Bad input: a
// file over the limit (config.json's max_file_bytes) is refused with a clear message, and a
// file damaged on the way is shown as failed and never offered for download.

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import {
  connectedPair, serviceAndBrowser, tempDir, WAIT, withTimeout,
} from '../harness.mjs';

const shared = serviceAndBrowser();

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Runs in each page before Duet: keeps every file channel (`duet-file-*`), the ones this page
 * opens and the ones the friend opens, so the test can see them close; and records each
 * progress bar's values as they change (`window.__progress`, by the bar's name).
 */
function watchFiles() {
  window.__fileChannels = [];
  const keep = (channel) => {
    if (channel.label.startsWith('duet-file-')) window.__fileChannels.push(channel);
  };
  const create = RTCPeerConnection.prototype.createDataChannel;
  RTCPeerConnection.prototype.createDataChannel = function (...args) {
    const channel = create.apply(this, args);
    keep(channel);
    return channel;
  };
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('datachannel', (event) => keep(event.channel));
    }
  };
  window.__progress = {};
  const record = () => {
    for (const bar of document.querySelectorAll('progress')) {
      const name = bar.getAttribute('aria-label');
      const values = (window.__progress[name] ??= []);
      const value = Number(bar.value);
      if (values.at(-1) !== value) values.push(value);
    }
  };
  new MutationObserver(record).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
}

/** Every signaling frame either page sends or receives, to show that no file goes through it. */
function signalingRecorder() {
  const frames = [];
  const record = (page) => {
    page.on('websocket', (ws) => {
      ws.on('framesent', (frame) => frames.push(String(frame.payload)));
      ws.on('framereceived', (frame) => frames.push(String(frame.payload)));
    });
  };
  return { frames, record };
}

/**
 * Ana and Ben in a call, both pages watched by `watchFiles`. Options: `configs` (each person's
 * config.json, `[ana, ben]`), `anaScript` (another init script for Ana's page), `recorder`.
 */
async function pairWithFiles(t, prefix, { configs = [], anaScript, recorder } = {}) {
  let person = 0; // `connectedPair` prepares Ana's page, then Ben's.
  return connectedPair(t, shared, prefix, {
    beforeJoin: async (page) => {
      const me = person++;
      await page.addInitScript(watchFiles);
      if (anaScript && me === 0) await page.addInitScript(anaScript);
      recorder?.record(page);
      if (configs[me]) {
        await page.route('**/config.json', (route) => route.fulfill({
          contentType: 'application/json', body: JSON.stringify(configs[me]),
        }));
      }
      await page.reload();
    },
  });
}

/** Opens the chat (its toggle may count something unread). */
async function openChat(page) {
  await page.getByRole('button', { name: /^Chat/ }).click();
  await page.getByRole('log').waitFor({ timeout: WAIT });
}

/** A file of `size` random bytes in a fresh directory; removed when `t` ends. */
async function randomFile(t, name, size) {
  const dir = await tempDir('files');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  const bytes = randomBytes(size);
  await writeFile(file, bytes);
  return { file, bytes };
}

/**
 * A file of `size` bytes that costs no time to make (sparse, zeros): for transfers that are
 * cancelled long before their end.
 */
async function largeFile(t, name, size) {
  const dir = await tempDir('files');
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, name);
  const handle = await open(file, 'w');
  await handle.truncate(size);
  await handle.close();
  return file;
}

/** The value of the progress bar named `name` once it is above `above`. */
async function waitForProgress(page, name, above) {
  const bar = page.getByRole('progressbar', { name });
  await bar.waitFor({ timeout: WAIT });
  await page.waitForFunction(
    ([n, a]) => [...document.querySelectorAll('progress')].some((p) => p.getAttribute('aria-label') === n && Number(p.value) > a),
    [name, above],
    { polling: 50, timeout: WAIT },
  );
}

/**
 * Waits until the progress bar `name` reaches 100, failing only if it stops moving for WAIT:
 * how long a file takes depends on the machine's load, a stall does not.
 */
async function waitForComplete(page, name) {
  let last = -1;
  for (;;) {
    const value = await page.waitForFunction(
      ([n, l]) => {
        const bar = [...document.querySelectorAll('progress')].find((p) => p.getAttribute('aria-label') === n);
        const v = bar ? Number(bar.value) : -1;
        return v > l ? v : false;
      },
      [name, last],
      { polling: 100, timeout: WAIT },
    ).then((h) => h.jsonValue());
    if (value >= 100) return;
    last = value;
  }
}

/** Whether every file channel the page saw is closed (and how many it saw). */
function fileChannels(page) {
  return page.evaluate(() => window.__fileChannels.map((c) => c.readyState));
}

/**
 * How many objects inheriting from Blob (a picked File is one, and so are the received file's
 * parts) the page still holds, after a garbage collection: a dropped transfer must leave none
 * behind.
 */
function liveBlobs(page) {
  return withTimeout(countBlobs(page), WAIT, 'the page to count its Blobs');
}

async function countBlobs(page) {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('HeapProfiler.collectGarbage');
    const { result: prototype } = await cdp.send('Runtime.evaluate', { expression: 'Blob.prototype' });
    const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
    const { result } = await cdp.send('Runtime.callFunctionOn', {
      objectId: objects.objectId, // Instances only: an interface's prototype (File.prototype, made when first used) has
      // Blob.prototype in its chain too.
      functionDeclaration: 'function () { return this.filter((o) => !Object.hasOwn(o, "constructor")).length; }',
      returnByValue: true,
    });
    return result.value;
  } finally {
    await cdp.detach();
  }
}

/** Waits until `page` holds `count` Blobs (see `liveBlobs`). */
async function waitForBlobs(page, count, what) {
  const deadline = Date.now() + WAIT;
  let live;
  while ((live = await liveBlobs(page)) !== count) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}: ${live} Blobs, not ${count}`);
    await page.waitForTimeout(100);
  }
}

async function waitForClosedChannels(page) {
  await page.waitForFunction(
    () => window.__fileChannels.length > 0 && window.__fileChannels.every((c) => c.readyState === 'closed'),
    null,
    { polling: 100, timeout: WAIT },
  );
}

test('a 20 MB file arrives byte for byte, peer to peer, with progress on both sides', async (t) => {
  const recorder = signalingRecorder();
  const { ana, ben } = await pairWithFiles(t, 'Files', { recorder });
  const { file, bytes } = await randomFile(t, 'random-20MB.bin', 20 * 1024 * 1024);
  await openChat(ana);
  await ana.getByLabel('Send file', { exact: true }).setInputFiles(file);

  // Ben's chat is hidden: the offer counts as unread there.
  await ben.getByRole('button', { name: /Chat.*1 unread/ }).click();
  await waitForComplete(ana, 'Sending random-20MB.bin');
  await waitForComplete(ben, 'Receiving random-20MB.bin');
  const link = ben.getByRole('link', { name: 'random-20MB.bin', exact: true });
  await link.waitFor({ timeout: WAIT });
  await ben.getByText('Received and checked').waitFor({ timeout: WAIT });
  await ana.getByText('Sent and checked').waitFor({ timeout: WAIT });

  // The bars moved through the transfer, not just from nothing to all.
  for (const [page, name] of [[ana, 'Sending random-20MB.bin'], [ben, 'Receiving random-20MB.bin']]) {
    const values = await page.evaluate((n) => window.__progress[n], name);
    assert.ok(values.some((v) => v > 0 && v < 100), `${name}: ${values}`);
    assert.deepEqual([...values].sort((a, b) => a - b), values, `${name} only goes up: ${values}`);
  }

  // The link downloads exactly the bytes sent.
  const [download] = await Promise.all([ben.waitForEvent('download', { timeout: WAIT }), link.click()]);
  assert.equal(download.suggestedFilename(), 'random-20MB.bin');
  const received = await readFile(await download.path());
  assert.equal(received.length, bytes.length);
  assert.equal(sha256(received), sha256(bytes));
  assert.ok(received.equals(bytes), 'byte for byte');

  // Peer to peer: the service carried only the call's own small messages.
  const signaled = recorder.frames.reduce((sum, f) => sum + f.length, 0);
  assert.ok(signaled < 200_000, `${signaled} bytes of signaling`);
  assert.ok(!recorder.frames.some((f) => f.includes('random-20MB')), 'the file name went through the service');

  // Done, each side closes the file's channel; the call ending revokes the download's URL.
  await waitForClosedChannels(ana);
  await waitForClosedChannels(ben);
  const href = await link.getAttribute('href');
  const fetches = (page, url) => page.evaluate((u) => fetch(u).then((r) => r.blob()).then((b) => b.size, () => 'revoked'), url);
  assert.equal(await fetches(ben, href), bytes.length);
  await ben.getByRole('button', { name: 'Leave' }).click();
  await ben.getByRole('dialog').waitFor({ timeout: WAIT });
  assert.equal(await fetches(ben, href), 'revoked');
});

for (const canceller of ['sender', 'receiver']) {
  test(`a cancel by the ${canceller} stops the file on both sides and drops it`, async (t) => {
    const { ana, ben } = await pairWithFiles(t, `Cancel ${canceller}`);
    const file = await largeFile(t, 'big.iso', 1024 * 1024 * 1024);
    await openChat(ana);
    await openChat(ben);
    const before = [await liveBlobs(ana), await liveBlobs(ben)];
    await ana.getByLabel('Send file', { exact: true }).setInputFiles(file);
    // Past 2% (20 MB): Ben's page holds received bytes (folded into Blobs every 8 MiB), and
    // Ana's the file she picked.
    await waitForProgress(ben, 'Receiving big.iso', 1);
    assert.ok(await liveBlobs(ben) > before[1], 'the bytes received so far are held');
    assert.ok(await liveBlobs(ana) > before[0], 'the file being sent is held');

    const [mine, friends] = canceller === 'sender' ? [ana, ben] : [ben, ana];
    await mine.getByRole('listitem').filter({ hasText: 'big.iso' }).getByRole('button', { name: 'Cancel' }).click();
    await mine.getByText('Cancelled', { exact: true }).waitFor({ timeout: WAIT });
    await friends.getByText('Cancelled by your friend').waitFor({ timeout: WAIT });

    for (const [page, blobs] of [[ana, before[0]], [ben, before[1]]]) {
      // Nothing left under way: no bar, no Cancel, and nothing to download.
      const item = page.getByRole('listitem').filter({ hasText: 'big.iso' });
      assert.equal(await item.getByRole('progressbar').count(), 0);
      assert.equal(await item.getByRole('button', { name: 'Cancel' }).count(), 0);
      assert.equal(await page.getByRole('link', { name: 'big.iso' }).count(), 0);
      // The file's channel is closed at both ends: no more bytes go or are kept.
      await waitForClosedChannels(page);
      assert.deepEqual(await fileChannels(page), ['closed']);
      // And the memory is freed: neither the picked file nor any received byte is held (a
      // slice being read when the cancel came is let go once its read ends).
      await waitForBlobs(page, blobs, `${page === ana ? 'Ana' : 'Ben'}'s page to let go of the file`);
    }
    // The sender stopped: the receiver's bar stopped short of the end.
    const values = await ben.evaluate(() => window.__progress['Receiving big.iso']);
    assert.ok(values.at(-1) < 100, `${values}`);
  });
}

test('leaving mid-file ends it on both sides, and neither page keeps any of it', async (t) => {
  const { ana, ben } = await pairWithFiles(t, 'Leave mid-file');
  const file = await largeFile(t, 'big.iso', 1024 * 1024 * 1024);
  await openChat(ana);
  await openChat(ben);
  const before = [await liveBlobs(ana), await liveBlobs(ben)];
  await ana.getByLabel('Send file', { exact: true }).setInputFiles(file);
  await waitForProgress(ben, 'Receiving big.iso', 1);
  await ana.getByRole('button', { name: 'Leave' }).click();
  await ana.getByRole('dialog').waitFor({ timeout: WAIT });
  await ben.getByText('Failed: the connection to your friend ended').waitFor({ timeout: WAIT });
  assert.equal(await ben.getByRole('link', { name: 'big.iso' }).count(), 0);
  await waitForBlobs(ana, before[0], "Ana's page to let go of the file she was sending");
  await waitForBlobs(ben, before[1], "Ben's page to let go of what he had received");
});

test('a file over the limit is refused with the limit said, on either side', async (t) => {
  // Ben's config.json allows 1 MB; Ana's says nothing (2 GB).
  const { ana, ben } = await pairWithFiles(t, 'Limit', { configs: [undefined, { max_file_bytes: 1_000_000 }] });
  const { file } = await randomFile(t, 'big.bin', 2_000_000);
  await openChat(ana);
  await openChat(ben);

  // Ben may not send it: refused before anything goes, with the limit said.
  await ben.getByLabel('Send file', { exact: true }).setInputFiles(file);
  await ben.getByRole('alert').filter({ hasText: '“big.bin” is too large to send: the limit is 1 MB.' }).waitFor({ timeout: WAIT });
  // In Spanish too.
  await ben.getByRole('combobox', { name: 'Language' }).selectOption('es');
  await ben.getByLabel('Enviar archivo', { exact: true }).setInputFiles(file);
  await ben.getByRole('alert').filter({ hasText: '«big.bin» es demasiado grande para enviarlo: el límite es 1 MB.' }).waitFor({ timeout: WAIT });
  assert.equal(await ben.getByRole('listitem').filter({ hasText: 'big.bin' }).count(), 0, 'nothing was offered');
  assert.equal(await ana.getByRole('listitem').filter({ hasText: 'big.bin' }).count(), 0, 'Ana was offered nothing');
  assert.deepEqual(await fileChannels(ben), []);

  // Ana may send it, but Ben takes at most 1 MB: he refuses the offer as it comes.
  await ana.getByLabel('Send file', { exact: true }).setInputFiles(file);
  await ben.getByText('Falló: supera el límite de 1 MB').waitFor({ timeout: WAIT });
  await ana.getByText('Cancelled by your friend').waitFor({ timeout: WAIT });
  assert.equal(await ben.getByRole('link', { name: 'big.bin' }).count(), 0);
  assert.deepEqual(await fileChannels(ana), [], 'no channel was opened for it');
  assert.deepEqual(await fileChannels(ben), []);
});

test('a file damaged on the way fails its check and is never offered', async (t) => {
  // The network path corrupts one byte of Ana's file on its way (her browser's data channel
  // flips a bit in the third chunk it is handed): nothing in Duet is told of it.
  const corrupting = () => {
    const send = RTCDataChannel.prototype.send;
    let chunks = 0;
    RTCDataChannel.prototype.send = function (data) {
      if (this.label.startsWith('duet-file-') && typeof data !== 'string' && ++chunks === 3) {
        const copy = new Uint8Array(data);
        copy[100] ^= 0x01;
        return send.call(this, copy);
      }
      return send.call(this, data);
    };
  };
  const { ana, ben } = await pairWithFiles(t, 'Damaged', { anaScript: corrupting });
  const { file } = await randomFile(t, 'photo.jpg', 3 * 1024 * 1024);
  await openChat(ana);
  await openChat(ben);
  // Ana uses the keyboard: Tab from the message box reaches "Send file" (with a visible focus
  // ring on its button face), and Space opens the file picker.
  await ana.getByRole('textbox', { name: 'Message' }).focus();
  const focusedIsSendFile = () => ana.evaluate(() => document.activeElement?.labels?.[0]?.textContent === 'Send file');
  for (let i = 0; i < 5 && !(await focusedIsSendFile()); i += 1) await ana.keyboard.press('Tab');
  assert.ok(await focusedIsSendFile(), 'Tab reaches Send file');
  const ring = await ana.evaluate(() => getComputedStyle(document.activeElement.labels[0]).boxShadow);
  assert.notEqual(ring, 'none', 'the focus is visible');
  const [chooser] = await Promise.all([ana.waitForEvent('filechooser', { timeout: WAIT }), ana.keyboard.press('Space')]);
  await chooser.setFiles(file);
  const damaged = 'Failed: it arrived damaged (its SHA-256 did not match), so it was not kept';
  await ben.getByText(damaged).waitFor({ timeout: WAIT });
  await ana.getByText(damaged).waitFor({ timeout: WAIT });
  assert.equal(await ben.getByRole('link', { name: 'photo.jpg' }).count(), 0, 'never offered for download');
  assert.equal(await ben.getByRole('progressbar').count(), 0);
  await waitForClosedChannels(ana);
  await waitForClosedChannels(ben);
});
