// Firefox for the end-to-end tests. Playwright cannot drive a stock Firefox, so this speaks
// W3C WebDriver to geckodriver directly: a few endpoints, no client library. Elements are
// found as a person finds them, by role and accessible name, using the browser's own
// accessibility computation (WebDriver's computedrole / computedlabel).

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { freePort, playingVideoProbe, tempDir, toolMissing, WAIT, withTimeout } from './harness.mjs';

const GECKODRIVER = process.env.DUET_GECKODRIVER ?? 'geckodriver';
const FIREFOX = process.env.DUET_FIREFOX ?? '/usr/bin/firefox-esr';
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

/**
 * For the tests that drive Firefox: `false` when geckodriver and Firefox ESR both run here,
 * else the reason to skip them (harness.mjs's `toolMissing`, which under CI or
 * DUET_REQUIRE_ALL=1 also adds a failing test). Call it at a test file's top level.
 */
export async function firefoxMissing() {
  return (await toolMissing(GECKODRIVER, ['--version'], 'geckodriver'))
    || (await toolMissing(FIREFOX, ['--version'], 'Firefox ESR'));
}

/** Preferences for a headless call: a fake camera and microphone, allowed without a prompt. */
export const FIREFOX_FAKE_MEDIA = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Otherwise host candidates hide behind <uuid>.local names that Chromium cannot resolve
  // here (no multicast DNS), and the call only connects one way round.
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  // Quiet, offline start-up.
  'browser.shell.checkDefaultBrowser': false,
  'app.update.disabledForTesting': true,
  'datareporting.policy.dataSubmissionEnabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

/** A person who refuses: camera and microphone blocked for every site. */
export const FIREFOX_REFUSE_MEDIA = {
  ...FIREFOX_FAKE_MEDIA,
  'media.navigator.permission.disabled': false,
  'permissions.default.camera': 2,
  'permissions.default.microphone': 2,
};

/** Candidate elements for each role; the accessibility tree then has the last word. */
const ROLE_SELECTORS = {
  dialog: '[role=dialog], dialog',
  textbox: 'input:not([type]), input[type=text], input[type=search], textarea, [role=textbox]',
  button: 'button, [role=button], input[type=button], input[type=submit]',
  alert: '[role=alert]',
  status: '[role=status]',
};

/**
 * A browser driven over W3C WebDriver by a driver process of its own (geckodriver here;
 * WebKitWebDriver in webkit.mjs): one session, elements found by role and accessible name.
 */
export class WebDriverBrowser {
  #driver;
  #exited;
  #base;
  #session;

  /**
   * Starts `command` with `args(port)` (and `env` added) and opens a session with
   * `capabilities` (W3C `alwaysMatch`). An instance of the class it is called on.
   */
  static async start(command, args, capabilities, env = {}) {
    const browser = new this();
    const port = await freePort();
    browser.#driver = spawn(command, args(String(port)), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
    browser.#driver.stdout.resume();
    browser.#driver.stderr.resume();
    browser.#exited = once(browser.#driver, 'exit');
    browser.#base = `http://127.0.0.1:${port}`;
    await browser.#waitForDriver();
    const { sessionId } = await browser.#call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    browser.#session = `/session/${sessionId}`;
    return browser;
  }

  async #waitForDriver() {
    await withTimeout(
      (async () => {
        for (;;) {
          try {
            const response = await fetch(`${this.#base}/status`);
            if ((await response.json()).value?.ready) return;
          } catch {
            // Not listening yet.
          }
          await new Promise((resolve) => setImmediate(resolve));
        }
      })(),
      WAIT,
      'the WebDriver driver to listen',
    );
  }

  async #call(method, path, body) {
    const response = await fetch(`${this.#base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const { value } = await response.json();
    if (!response.ok) {
      throw new Error(`WebDriver ${method} ${path}: ${value?.error}: ${value?.message}`);
    }
    return value;
  }

  /** Opens `url` in the current tab. */
  async goto(url) {
    await this.#call('POST', `${this.#session}/url`, { url });
  }

  /** Runs `fn(...args)` in the page (args may be elements) and returns its result. */
  async run(fn, ...args) {
    return this.#call('POST', `${this.#session}/execute/sync`, {
      script: `return (${fn.toString()}).apply(null, arguments);`,
      args,
    });
  }

  /** The `<video>` whose accessible name (its aria-label) is `label`. */
  async video(label) {
    const [video] = await this.#call('POST', `${this.#session}/elements`, {
      using: 'css selector',
      value: `video[aria-label="${label}"]`,
    });
    return video;
  }

  /** Elements with `role` whose accessible name matches `name` (a string or RegExp). */
  async byRole(role, { name } = {}) {
    const candidates = await this.#call('POST', `${this.#session}/elements`, {
      using: 'css selector',
      value: ROLE_SELECTORS[role] ?? `[role=${role}]`,
    });
    const found = [];
    for (const element of candidates) {
      const id = element[ELEMENT];
      const computed = await this.#unlessGone(element, () => this.#call('GET', `${this.#session}/element/${id}/computedrole`));
      if (computed !== role) continue;
      if (name !== undefined) {
        const label = await this.#unlessGone(element, () => this.#call('GET', `${this.#session}/element/${id}/computedlabel`));
        if (label === undefined || (name instanceof RegExp ? !name.test(label) : label !== name)) continue;
      }
      found.push(element);
    }
    return found;
  }

  /**
   * `look()` at `element`, or `undefined` if it failed because the element is gone: the page
   * may redraw between a query and a look at what it found (WebKitWebDriver then answers a
   * bare "unknown error"). Any other failure is thrown.
   */
  async #unlessGone(element, look) {
    try {
      return await look();
    } catch (error) {
      const connected = await this.run((e) => e.isConnected, element).catch(() => false);
      if (!connected) return undefined;
      throw error;
    }
  }

  /** The visible text of an element. */
  async text(element) {
    return this.#call('GET', `${this.#session}/element/${element[ELEMENT]}/text`);
  }

  /** Waits until `check()` returns something truthy, polling; returns it. */
  async waitFor(what, check, timeout = WAIT) {
    return withTimeout(
      (async () => {
        for (;;) {
          const result = await check();
          if (result) return result;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })(),
      timeout,
      what,
    );
  }

  /** Waits for an element with `role` (and name), returns it. */
  async waitForRole(role, options = {}) {
    return this.waitFor(`a ${role} ${options.name ?? ''}`, async () => (await this.byRole(role, options))[0]);
  }

  /** Waits until some element with `role` has text matching `pattern`; returns the text. */
  async waitForText(role, pattern) {
    return this.waitFor(`a ${role} saying ${pattern}`, async () => {
      for (const element of await this.byRole(role)) {
        const text = await this.text(element);
        if (pattern.test(text)) return text;
      }
      return null;
    });
  }

  /** Types a room name and presses Join, as a person would. */
  async joinRoom(name) {
    const box = await this.waitForRole('textbox', { name: /Room name/ });
    await this.#call('POST', `${this.#session}/element/${box[ELEMENT]}/clear`, {});
    await this.#call('POST', `${this.#session}/element/${box[ELEMENT]}/value`, { text: name });
    const [join] = await this.byRole('button', { name: 'Join' });
    await this.#call('POST', `${this.#session}/element/${join[ELEMENT]}/click`, {});
  }

  /** Clicks the button named `name`. */
  async click(name) {
    const button = await this.waitForRole('button', { name });
    await this.#call('POST', `${this.#session}/element/${button[ELEMENT]}/click`, {});
  }

  /** Waits until the video labelled `label` really plays (the same probe as for Chromium). */
  async waitForPlayingVideo(label = 'Remote video') {
    const video = await this.waitFor(`the ${label}`, () => this.video(label));
    // The probe keeps its state on the element between calls.
    return this.waitFor(`${label} to play`, () => this.run(playingVideoProbe, video));
  }

  /** Waits until the video labelled `label` holds no stream. */
  async waitForNoVideo(label = 'Remote video') {
    const video = await this.waitFor(`the ${label}`, () => this.video(label));
    return this.waitFor(`${label} to be empty`, () => this.run((v) => v.srcObject === null, video));
  }

  /** Ends the session and its browser. */
  async close() {
    try {
      if (this.#session) await this.#call('DELETE', this.#session);
    } finally {
      this.#driver.kill('SIGTERM');
      await this.#exited;
    }
  }
}

/** One Firefox (with its own geckodriver and profile), driven over WebDriver. */
export class Firefox extends WebDriverBrowser {
  static async launch(prefs = FIREFOX_FAKE_MEDIA) {
    return this.start(
      GECKODRIVER,
      (port) => ['--port', port, '--host', '127.0.0.1'],
      {
        browserName: 'firefox',
        'moz:firefoxOptions': { binary: FIREFOX, args: ['-headless'], prefs },
      },
      { TMPDIR: await tempDir('duet-gecko-') },
    );
  }
}
