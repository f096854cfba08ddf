#!/usr/bin/env bash
# Writes <dist>/sw.js, the service worker that keeps the app shell for offline visits:
# frontend/service-worker.js after the build's list of files (SHELL) and a digest of them
# (VERSION), so that every build whose files differ is a new sw.js, which browsers install in
# place of the old one. Run by Trunk as a post_build hook (Trunk.toml), after the app's files
# are in the staging directory; by hand:
#   scripts/build-service-worker.sh [DIR]   DIR defaults to $TRUNK_STAGING_DIR, else dist
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:-${TRUNK_STAGING_DIR:-$ROOT/dist}}"

cd "$dir"
# The shell: index.html (as "/", where it is opened) and everything Trunk put beside it (the
# hashed JS, wasm and CSS, the manifest, the icons). Not denoise/ (fetched on first use, and
# built by another hook at the same time), config.json (a deployment's, added after the build
# and always asked of the network), nor sw.js itself.
mapfile -t files < <(find . -type f ! -path './denoise/*' ! -name sw.js ! -name config.json \
  ! -name index.html -printf '%P\n' | LC_ALL=C sort)
version="$(sha256sum index.html "${files[@]}" | sha256sum | cut -c1-16)"
{
  printf '// Written by scripts/build-service-worker.sh from frontend/service-worker.js (comments there).\n'
  printf "const VERSION = '%s';\n" "$version"
  printf "const SHELL = [\n  '/',\n"
  printf "  '/%s',\n" "${files[@]}"
  printf '];\n\n'
  # Without its comments (they stay in the source): every visitor downloads this file.
  grep -v '^ *//' "$ROOT/frontend/service-worker.js"
} > sw.js.tmp
mv sw.js.tmp sw.js
