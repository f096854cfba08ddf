// WebKitGTK for the end-to-end tests: Debian's MiniBrowser driven by WebKitWebDriver
// (webkit2gtk-driver) over plain WebDriver (gecko.mjs's WebDriverBrowser), on a virtual
// display of its own (Xvfb). Debian builds WebKitGTK without WebRTC, so this is the engine that
// shows what Duet does in a browser that cannot call; its mock capture devices still give the
// page a camera and microphone.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { WebDriverBrowser } from './gecko.mjs';
import { toolMissing, WAIT, withTimeout } from './harness.mjs';

const DRIVER = process.env.DUET_WEBKITWEBDRIVER ?? 'WebKitWebDriver';
const MINIBROWSER = process.env.DUET_MINIBROWSER ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
const XVFB = process.env.DUET_XVFB ?? 'Xvfb';

/**
 * For the tests that drive WebKitGTK: `false` when WebKitWebDriver, MiniBrowser and Xvfb run
 * here, else the reason to skip them (harness.mjs's `toolMissing`: a failing test under CI or
 * DUET_REQUIRE_ALL=1). Call it at a test file's top level.
 */
export async function webkitMissing() {
  return (await toolMissing(DRIVER, ['--help'], 'WebKitWebDriver (webkit2gtk-driver)'))
    || (await toolMissing(XVFB, ['-help'], 'Xvfb (xvfb)'))
    // (MiniBrowser's own --help needs a display.)
    || (await toolMissing('test', ['-x', MINIBROWSER], 'MiniBrowser (webkit2gtk-driver\'s libwebkit2gtk-4.1-0)'));
}

/** A virtual X display, numbered by Xvfb itself (the first free one). */
class Display {
  #child;
  #exited;
  name;

  static async start() {
    const display = new Display();
    // -displayfd: Xvfb picks a free display and writes its number to that descriptor once it
    // accepts connections, which is the readiness to wait for.
    display.#child = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    display.#exited = once(display.#child, 'exit');
    display.#child.stderr.resume();
    let written = '';
    const number = new Promise((resolve, reject) => {
      display.#child.stdio[3].on('data', (chunk) => {
        written += chunk;
        if (written.includes('\n')) resolve(written.trim());
      });
      display.#child.once('exit', (code) => reject(new Error(`Xvfb exited (${code}) before its display was up`)));
    });
    display.name = `:${await withTimeout(number, WAIT, 'Xvfb to open a display')}`;
    return display;
  }

  async stop() {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      await this.#exited;
    }
  }
}

/** One MiniBrowser (with its own WebKitWebDriver and display), driven over WebDriver. */
export class WebKit extends WebDriverBrowser {
  #display;

  static async launch() {
    const display = await Display.start();
    try {
      const webkit = await this.start(DRIVER, (port) => [`--port=${port}`], {
        'webkitgtk:browserOptions': {
          binary: MINIBROWSER,
          // --automation: the driver's session talks to the browser through it. The camera and
          // microphone: WebKit's mock devices, allowed without a prompt under automation.
          args: ['--automation', '--enable-media-stream=true', '--enable-mock-capture-devices=true'],
        },
      }, { DISPLAY: display.name });
      webkit.#display = display;
      return webkit;
    } catch (error) {
      await display.stop();
      throw error;
    }
  }

  /** Ends the session, its browser, its driver and its display. */
  async close() {
    try {
      await super.close();
    } finally {
      await this.#display?.stop();
    }
  }
}
