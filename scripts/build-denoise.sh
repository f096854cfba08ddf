#!/usr/bin/env bash
# Builds the noise suppressor (the `denoise/` crate to wasm, frontend/denoise-worklet.js and
# frontend/denoise-pipeline.js) into <dist>/denoise/. Run by Trunk as a post_build hook
# (Trunk.toml), so `trunk build --release` and `trunk serve` emit it with the app; by hand:
#   scripts/build-denoise.sh [DIR]        DIR defaults to $TRUNK_STAGING_DIR, else dist
# A directory of its own keeps it out of the first load's files (scripts/bundle-size.sh counts
# dist/*.wasm and dist/*.js): the page fetches it only when "Strong noise suppression" is on.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-${TRUNK_STAGING_DIR:-$ROOT/dist}}/denoise"
profile="${TRUNK_PROFILE:-release}"

cd "$ROOT"
if [ "$profile" = release ]; then
  cargo_profile=denoise-release
  built="target/wasm32-unknown-unknown/denoise-release/duet_denoise.wasm"
else
  cargo_profile=dev
  built="target/wasm32-unknown-unknown/debug/duet_denoise.wasm"
fi
# --offline, as Trunk builds the app (Trunk.toml): the toolchain fetched the locked crates.
cargo build --offline --locked --quiet -p duet-denoise --lib --target wasm32-unknown-unknown \
  --profile "$cargo_profile"

mkdir -p "$out"
if [ "$profile" = release ]; then
  # -O3, not the app's -Oz: this code runs a hundred times a second on the audio thread.
  wasm-opt -O3 --strip-debug --strip-producers "$built" -o "$out/denoise.wasm"
else
  cp "$built" "$out/denoise.wasm"
fi
cp frontend/denoise-worklet.js "$out/worklet.js"
cp frontend/denoise-pipeline.js "$out/pipeline.js"
