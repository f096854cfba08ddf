#!/usr/bin/env bash
# Fuzzes the protocol decoder and room-name parsing with cargo-fuzz (libFuzzer + ASan).
#
#   scripts/fuzz.sh [SECONDS]   # per target; default 30. A longer run: scripts/fuzz.sh 3600
#
# Works on stable Rust: libFuzzer's -Z flags are allowed with RUSTC_BOOTSTRAP=1. Installs
# cargo-fuzz once (skipped when present). Seeds each corpus with the JSON examples of
# docs/protocol.md; the corpora grow in fuzz/corpus/ (not committed) and later runs start from
# them. A crash leaves its input in fuzz/artifacts/<target>/ and fails the script; replay it
# with `RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz <target> <file>`.
set -euo pipefail

seconds="${1:-30}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export RUSTC_BOOTSTRAP=1
target_dir="${FUZZ_TARGET_DIR:-$root/fuzz/target}"

if ! cargo fuzz --version >/dev/null 2>&1; then
  # Pinned: the version this script was written against.
  cargo install cargo-fuzz --locked --version 0.13.2
fi

# One seed file per ```json block of the protocol document.
seed() {
  local dir="fuzz/corpus/$1"
  mkdir -p "$dir"
  awk -v dir="$dir" '
    /^```json$/ { n++; file = sprintf("%s/doc-%03d.json", dir, n); inside = 1; next }
    /^```/ { inside = 0; next }
    inside { printf "%s", $0 > file }
  ' docs/protocol.md
}

for target in client_msg_decode room_name_parse; do
  seed "$target"
  echo "fuzz: $target for ${seconds}s"
  cargo fuzz run --fuzz-dir fuzz --target-dir "$target_dir" "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -max_len=70000 -dict=fuzz/protocol.dict -print_final_stats=1
done
echo "fuzz: no crash"
