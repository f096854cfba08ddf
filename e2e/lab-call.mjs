// Calls in the network lab (lab.mjs): the real service and Debian's coturn on the lab's public
// network, configured as deployed (deploy/turnserver.conf, use-auth-secret, the join's
// time-limited credentials through --turn-url and DUET_TURN_SECRET), and one person per home,
// each in a headless Chromium started inside that home. Plus what a test reads from each
// person's browser: the selected candidate pair, the remote candidates, incoming bitrate,
// audio, and when the friend's video frames last arrived.
//
// Shared by tests/network.test.mjs and bench/network.mjs.

import { randomBytes } from 'node:crypto';
import { Service, Turn, WAIT, distWith, joinRoom, waitForPlayingVideo, waitForStatus } from './harness.mjs';
import { Lab, PUBLIC_RANGE, SERVER_IP } from './lab.mjs';

/** The public network with the service and coturn on it; homes are added per call. */
export class CallLab {
  lab;
  turn;
  service;
  #dist;

  static async start() {
    const net = new CallLab();
    try {
      net.lab = await Lab.create();
      const secret = randomBytes(24).toString('base64url');
      net.turn = await Turn.start(secret, { ip: SERVER_IP, netns: net.lab.public, allowedPeers: PUBLIC_RANGE });
      // The deployment's own STUN server is coturn (as in docker-compose); TURN comes with
      // each join, with credentials minted for it.
      net.#dist = await distWith({ 'config.json': JSON.stringify({ ice_servers: [{ urls: [net.turn.stunUrl] }] }) });
      net.service = await Service.start(0, {
        dist: net.#dist.dir,
        host: SERVER_IP,
        netns: net.lab.public,
        args: ['--turn-url', net.turn.url, '--turn-url', net.turn.tcpUrl],
        env: { DUET_TURN_SECRET: secret },
      });
    } catch (error) {
      await net.stop();
      throw error;
    }
    return net;
  }

  async stop() {
    await this.service?.stop();
    await this.turn?.stop();
    await this.#dist?.dispose();
    await this.lab?.destroy();
  }

  /**
   * A person at a new home (`nat`: "cone" or "symmetric"), with Duet open in a Chromium
   * running there. `network(home)` runs before the browser starts (a blocked UDP, a cap...).
   * Everything goes when `t` ends (or by `leave()` for a bench).
   */
  async person(name, { nat = 'cone', network } = {}, t = undefined) {
    const home = await this.lab.addHome({ nat });
    const leave = () => this.lab.removeHome(home);
    t?.after(leave);
    try {
      if (network) await network(home);
      const browser = await home.launchBrowser(this.service.url);
      const context = await browser.newContext({ viewport: { width: 960, height: 640 } });
      await context.addInitScript(watchCall);
      const page = await context.newPage();
      await page.goto(this.service.url);
      return { name, home, page, leave };
    } catch (error) {
      if (!t) await leave();
      throw error;
    }
  }
}

/**
 * Runs in each page before Duet: keeps every RTCPeerConnection it makes (window.__duetPeers),
 * and watches the newest one's incoming video: the page-clock times at which more frames had
 * been decoded (window.__duetFrameTimes, every 50 ms at most), and the first remote frame
 * after the Join press (window.__duetJoinPressed, set by the test). Also keeps a timeline of
 * the connection's states and the status line (window.__duetTimeline), for failure reports.
 */
function watchCall() {
  window.__duetPeers = [];
  window.__duetFrameTimes = [];
  window.__duetTimeline = [];
  const note = (what) => window.__duetTimeline.push(`${Math.round(performance.now())} ${what}`);
  const Original = window.RTCPeerConnection;
  window.RTCPeerConnection = function RTCPeerConnection(...args) {
    const pc = new Original(...args);
    const n = window.__duetPeers.push(pc);
    note(`pc${n} created`);
    pc.addEventListener('connectionstatechange', () => note(`pc${n} ${pc.connectionState}`));
    pc.addEventListener('signalingstatechange', () => note(`pc${n} signaling ${pc.signalingState}`));
    return pc;
  };
  let status = '';
  new MutationObserver(() => {
    const now = document.querySelector('[role=status]')?.innerText ?? '';
    if (now !== status) note(`status: ${(status = now)}`);
  }).observe(document, { subtree: true, childList: true, characterData: true });
  window.RTCPeerConnection.prototype = Original.prototype;
  document.addEventListener(
    'loadeddata',
    (event) => {
      if (event.target.getAttribute?.('aria-label') === 'Remote video') window.__duetFirstFrame ??= performance.now();
    },
    true,
  );
  let decoded = 0;
  const poll = async () => {
    const pc = window.__duetPeers.at(-1);
    if (pc && pc.connectionState !== 'closed') {
      try {
        let frames = 0;
        (await pc.getStats()).forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded ?? 0;
        });
        if (frames > decoded) window.__duetFrameTimes.push(performance.now());
        decoded = frames;
      } catch {
        // Closed meanwhile.
      }
    }
    setTimeout(poll, 50);
  };
  setTimeout(poll, 50);
}

/**
 * Ana joins `room` and waits; Ben joins; both see each other. Returns Ben's join → first
 * remote frame, in ms (his page's clock).
 */
export async function meetInLab(ana, ben, room) {
  await joinRoom(ana.page, room);
  await waitForStatus(ana.page, /Waiting for your friend/i);
  await ben.page.getByRole('textbox', { name: /Room name/ }).fill(room);
  await ben.page.evaluate(() => {
    window.__duetJoinPressed = performance.now();
  });
  await ben.page.getByRole('button', { name: 'Join', exact: true }).click();
  const firstFrame = await ben.page.waitForFunction(
    () => window.__duetFirstFrame && window.__duetFirstFrame - window.__duetJoinPressed,
    null,
    { timeout: WAIT },
  );
  await waitForStatus(ana.page, /\bConnected\b/i);
  await waitForStatus(ben.page, /\bConnected\b/i);
  await waitForPlayingVideo(ana.page);
  await waitForPlayingVideo(ben.page);
  return firstFrame.jsonValue();
}

// Kept here too for the lab's tests, which take their helpers from this module.
export { selectedPair } from './harness.mjs';

/**
 * Every address the page learnt for the friend: its remote candidates (trickled or in the
 * description) and the addresses in the friend's description itself.
 */
export function friendAddresses(page) {
  return page.evaluate(async () => {
    const pc = window.__duetPeers.at(-1);
    const addresses = new Set();
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'remote-candidate') addresses.add(s.address);
    });
    const sdp = pc.remoteDescription?.sdp ?? '';
    for (const [, address] of sdp.matchAll(/^a=candidate:\S+ \d \S+ \d+ (\S+) \d+/gm)) addresses.add(address);
    for (const [, address] of sdp.matchAll(/^c=IN IP4 (\S+)/gm)) addresses.add(address);
    return [...addresses];
  });
}

/** The page's incoming bitrate (all RTP, audio and video) over `ms`, in kbit/s. */
export function incomingKbps(page, ms = 2_000) {
  return page.evaluate(async (ms) => {
    const pc = window.__duetPeers.at(-1);
    const sample = async () => {
      let bytes = 0;
      let at = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp') {
          bytes += s.bytesReceived;
          at = s.timestamp;
        }
      });
      return { bytes, at };
    };
    const first = await sample();
    // A measurement window, not a wait for something to happen.
    await new Promise((resolve) => {
      setTimeout(resolve, ms);
    });
    const last = await sample();
    return ((last.bytes - first.bytes) * 8) / (last.at - first.at);
  }, ms);
}

/**
 * Waits until the friend's audio really flows to `page`: audio packets keep arriving and carry
 * sound (the fake microphone's beeps raise the received audio energy).
 */
export async function waitForAudio(page) {
  const before = await page.evaluate(audioCounters);
  await page.waitForFunction(
    `(${audioCounters})().then((now) => now.packets > ${before.packets + 25} && now.energy > ${before.energy})`,
    null,
    { polling: 200, timeout: WAIT },
  );
}

/** The friend's audio received so far: packets, and energy (the sound in them). */
async function audioCounters() {
  const pc = window.__duetPeers.at(-1);
  let packets = 0;
  let energy = 0;
  (await pc.getStats()).forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') {
      packets += s.packetsReceived;
      energy += s.totalAudioEnergy ?? 0;
    }
  });
  return { packets, energy };
}

/** The page's clock now (ms), to compare with the frame times it records. */
export function pageNow(page) {
  return page.evaluate(() => performance.now());
}

/**
 * Waits until the friend's video frames arrive again at `page` after `since` (its clock), and
 * returns how long after `since` the first one came.
 */
export async function framesBackAfter(page, since) {
  const first = await page.waitForFunction(
    (since) => window.__duetFrameTimes.find((at) => at > since),
    since,
    { polling: 50, timeout: WAIT },
  );
  return (await first.jsonValue()) - since;
}

/** Whether any friend's frame arrived at `page` between `from` and `to` (its clock). */
export function framesBetween(page, from, to) {
  return page.evaluate(
    ([from, to]) => window.__duetFrameTimes.filter((at) => at > from && at < to).length,
    [from, to],
  );
}

/** What happened in the page, one line per event (see `watchCall`). */
export function timeline(page) {
  return page.evaluate(() => window.__duetTimeline.join('\n'));
}

/** How many peer connections the page has made. */
export function peerCount(page) {
  return page.evaluate(() => window.__duetPeers.length);
}
