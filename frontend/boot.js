// Starts the app. Trunk would start it with an inline <script>, which a strict
// Content-Security-Policy (script-src 'self') refuses; Trunk.toml's `pattern_script` puts the
// hashed file names in a <meta> instead, and this file (served from the same origin, hashed
// and with an integrity attribute by Trunk) loads them.
//
// The app replaces index.html's splash when it starts, once the browser has recorded the
// splash's paint (its largest-contentful-paint entry; at most 200 ms, and not in a hidden tab,
// which paints nothing): on a slow connection the splash is on screen for as long as the app
// downloads; on a fast one, this keeps the app from replacing it before its paint is recorded,
// so the first screen is measured the same way on every connection.

// "Strong noise suppression" (frontend/src/browser/denoise.rs) lives in /denoise/, out of the
// first load; the app calls this to fetch and start it the first time it is turned on (a
// dynamic import is syntax, which the wasm cannot write itself).
window.duetDenoise = (mic, onFailed) =>
  import('/denoise/pipeline.js').then((pipeline) => pipeline.start(mic, onFailed));

if (
  document.visibilityState === 'visible' &&
  PerformanceObserver.supportedEntryTypes?.includes('largest-contentful-paint')
) {
  await new Promise((resolve) => {
    const observer = new PerformanceObserver(() => {
      observer.disconnect();
      resolve();
    });
    observer.observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(resolve, 200);
  });
}
const app = document.querySelector('meta[name="duet-app"]');
const { default: init } = await import(app.dataset.js);
const wasm = await init({ module_or_path: app.dataset.wasm });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));

// The service worker keeps the app shell for visits without a connection (sw.js, written by
// scripts/build-service-worker.sh). Registered once the app runs, so that it never competes
// with the first load; browsers offer it only in a secure context (https:, localhost).
navigator.serviceWorker?.register('/sw.js').catch((error) => console.warn('no service worker:', error));
