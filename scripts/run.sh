#!/usr/bin/env bash
# Builds Duet and runs it at http://localhost:8080 (the service also serves the built app).
# Extra arguments go to the service, e.g. `scripts/run.sh --bind 0.0.0.0:8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/toolchain.sh
toolchain_build

say "building the app (trunk build --release)"
trunk build --release
say "building the signaling service"
cargo build --release -p duet-signaling
say "Duet is at http://localhost:8080 (Ctrl-C stops it)"
exec target/release/duet-signaling --bind 127.0.0.1:8080 --static-dir dist "$@"
