#!/usr/bin/env bash
# Runs every test: lint, the protocol and service tests, the browser-side tests in headless
# Chromium, the release build, and the user stories end to end (two and three real Chromiums
# over the real service). Installs what it needs first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
toolchain_test
export CHROMEDRIVER=/usr/bin/chromedriver
# A test whose tool (caddy, coturn, geckodriver, Firefox) is missing fails instead of skipping:
# toolchain_test installed them all, so a missing one is a broken setup, not a choice.
export DUET_REQUIRE_ALL=1

say "format and lints"
cargo fmt --all --check
cargo clippy --workspace --exclude duet-frontend --all-targets -- -D warnings
cargo clippy -p duet-frontend --target wasm32-unknown-unknown --all-targets -- -D warnings
# No two modules import each other in a circle, in any crate.
python3 scripts/module-cycles.py
python3 scripts/check-css.py

say "deployment files (no Docker engine here: check what can be checked without one)"
# .env.example leaves DUET_TURN_SECRET empty on purpose: compose must refuse it as it is...
if refusal="$(env -u DUET_TURN_SECRET docker-compose --env-file .env.example -f docker-compose.yml config -q 2>&1)"; then
  echo "docker-compose accepted .env.example without a DUET_TURN_SECRET" >&2
  exit 1
elif ! grep -q 'set DUET_TURN_SECRET' <<<"$refusal"; then
  echo "docker-compose failed on .env.example, but not for want of DUET_TURN_SECRET: $refusal" >&2
  exit 1
fi
# ...and accept it once a secret is set (a dummy one here; the environment overrides .env).
DUET_TURN_SECRET=compose-config-check \
  docker-compose --env-file .env.example -f docker-compose.yml config -q
DUET_TURN_SECRET=compose-config-check \
  docker-compose --env-file .env.example -f docker-compose.yml -f docker-compose.replicas.yml config -q
DUET_TURN_SECRET=compose-config-check \
  docker-compose --env-file .env.example -f docker-compose.yml -f docker-compose.replicas.yml \
  -f docker-compose.sentinel.yml config -q
caddy validate --adapter caddyfile --config deploy/Caddyfile
hadolint deploy/signaling.Dockerfile deploy/web.Dockerfile
python3 deploy/check-dockerfiles.py
python3 deploy/check-settings.py

say "protocol and signaling service tests"
cargo test --workspace --exclude duet-frontend

say "fuzzing the frame decoder and RoomName::parse (a short run; scripts/fuzz.sh 600 for a long one)"
scripts/fuzz.sh "${DUET_FUZZ_SECONDS:-10}"

say "browser-side tests (wasm-bindgen-test in headless Chromium)"
cargo test -p duet-frontend --target wasm32-unknown-unknown

say "the noise suppressor's framing as the worklet runs it (wasm, in Node.js)"
cargo test -p duet-denoise --target wasm32-unknown-unknown

say "release build of the app, and its size budget (wasm + JS, gzip -9)"
trunk build --release
# Issue 12 asks for 160 KB (163840); the budget (257 KB) holds what has been reached with
# yew-router kept (docs/benchmarks.md,
# "First load") so that no change makes the download bigger unnoticed; +13 KB for issue 14's
# phones (Switch camera, the screen kept awake, the room link's QR code: 12,544 bytes), +15 KB
# for its "Send file" (15,157 bytes), +4 KiB for its installable app (the offline and no-WebRTC
# notices, sw.js: 3,141 bytes measured), +17 KiB for its pre-call check and sound controls
# (17,388 bytes measured on the main before those three); 290 KiB since issue 12's call screen
# drawn ahead once the room step is painted (1,783 bytes measured: 295,015 to 296,798), which
# takes about 50 ms off a call's setup.
scripts/bundle-size.sh dist "${DUET_BUNDLE_BUDGET:-296960}"
cargo build -p duet-signaling

say "Caddy balancing /ws over three replicas found by name, as in Compose (the Caddyfile's dynamic upstreams)"
node deploy/check-balancing.mjs target/debug/duet-signaling

say "user stories end to end (headless Chromium)"
cd e2e
# The files by name: Node.js 22 and later read a bare directory argument as a file, not as
# "every test in it".
DUET_SIGNALING_BIN="$PWD/../target/debug/duet-signaling" DUET_DIST="$PWD/../dist" \
  node --test --test-concurrency=1 tests/*.test.mjs
