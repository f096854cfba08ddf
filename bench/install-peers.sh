#!/usr/bin/env bash
# Installs the servers the benchmark compares Duet with, into bench/peers/ (not committed).
# Idempotent: what is there already is skipped.
#
#   bench/install-peers.sh
#
# matchbox_server: from crates.io, with `cargo install --locked` (its own lock file).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="$here/peers"
mkdir -p "$peers"

if [ ! -x "$peers/bin/matchbox_server" ]; then
  cargo install matchbox_server --locked --root "$peers"
fi
echo "peers in $peers: $(ls "$peers/bin" | tr '\n' ' ')"
