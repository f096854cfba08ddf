#!/usr/bin/env bash
# Installs the servers the benchmark compares Duet with, into bench/peers/ (not committed).
# Idempotent: what is there already is skipped.
#
#   bench/install-peers.sh
#
# matchbox_server: from crates.io, with `cargo install --locked` (its own lock file).
# peer (the PeerJS server): from npm, at the version pinned below.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
peers="$here/peers"
mkdir -p "$peers"

if [ ! -x "$peers/bin/matchbox_server" ]; then
  cargo install matchbox_server --locked --root "$peers"
fi
if [ ! -x "$peers/node_modules/.bin/peerjs" ]; then
  npm install --prefix "$peers" --no-audit --no-fund --no-save peer@1.0.2
fi
echo "peers in $peers: bin/matchbox_server node_modules/.bin/peerjs"
