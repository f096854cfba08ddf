// Starts the app. Trunk would start it with an inline <script>, which a strict
// Content-Security-Policy (script-src 'self') refuses; Trunk.toml's `pattern_script` puts the
// hashed file names in a <meta> instead, and this file (served from the same origin, hashed
// and with an integrity attribute by Trunk) loads them.
const app = document.querySelector('meta[name="duet-app"]');
const { default: init } = await import(app.dataset.js);
const wasm = await init({ module_or_path: app.dataset.wasm });
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm } }));
