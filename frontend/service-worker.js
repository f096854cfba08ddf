// Duet's service worker: keeps the app shell on this device, so that the page opens without a
// connection and can say plainly that a call needs one (instead of the browser's error page).
//
// scripts/build-service-worker.sh (Trunk's post-build hook) writes dist/sw.js: this file after
// two constants made for the build, SHELL (index.html as "/", Trunk's hashed JS, wasm and CSS,
// the manifest and its icons) and VERSION (a digest of those files). A new build is therefore a
// new sw.js; the browser installs it in place of the old one, whose cache it then deletes.
//
// What it does not touch: the signaling WebSocket, /config.json (per deployment, always asked
// of the network), /denoise/ (fetched on first use, too big to keep for a page that cannot call
// offline anyway), and other origins.

const CACHE = `duet-shell-${VERSION}`;

self.addEventListener('install', (event) => {
  // The hashed files from the HTTP cache the page has just filled (never a second download),
  // index.html revalidated with the server whatever its headers said. A new build takes over
  // at once: the network serves its page now, and an open page of the old one has already
  // loaded all it will take from here.
  const requests = SHELL.map((path) => new Request(path, { cache: path === '/' ? 'no-cache' : 'default' }));
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(requests))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((name) => name.startsWith('duet-shell-') && name !== CACHE).map((name) => caches.delete(name)),
        ),
      ),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The network first, so that a new deployment shows at the next load; the copy only when
    // the network gives no answer at all (an error status is the server's answer, passed on).
    // Any of the app's addresses (/, /r/<room>) is the same page.
    event.respondWith(
      fetch(request).catch(() =>
        caches.open(CACHE).then((cache) => cache.match('/')).then((page) => page ?? Response.error()),
      ),
    );
  } else if (SHELL.includes(url.pathname)) {
    // Hashed names never change content: the copy first.
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(request)).then((copy) => copy ?? fetch(request)),
    );
  }
});
