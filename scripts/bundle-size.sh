#!/usr/bin/env bash
# The first load's size budget: the wasm and JavaScript of a release build (`trunk build
# --release`), each as served and as `gzip -9` compresses it. Prints the figures and fails when
# the gzipped wasm and JavaScript together exceed the budget (docs/benchmarks.md, "First load").
#   scripts/bundle-size.sh [DIST_DIR] [BUDGET_BYTES]      defaults: dist, 160 KB (163840)
set -euo pipefail
dist="${1:-dist}"
budget="${2:-163840}"

shopt -s nullglob
wasm=("$dist"/*.wasm)
js=("$dist"/*.js)
if [ "${#wasm[@]}" -ne 1 ] || [ "${#js[@]}" -eq 0 ]; then
  echo "bundle-size: expected one .wasm and some .js in $dist (run trunk build --release)" >&2
  exit 1
fi

# Raw and gzip -9 bytes of the files given, added up.
sizes() {
  local raw=0 gz=0 f
  for f in "$@"; do
    raw=$((raw + $(wc -c <"$f")))
    gz=$((gz + $(gzip -9 -c "$f" | wc -c)))
  done
  echo "$raw $gz"
}

read -r wasm_raw wasm_gz < <(sizes "${wasm[@]}")
read -r js_raw js_gz < <(sizes "${js[@]}")
total=$((wasm_gz + js_gz))
printf '%-16s %9s %9s\n' "$dist" raw gzip
printf '%-16s %9d %9d\n' wasm "$wasm_raw" "$wasm_gz"
printf '%-16s %9d %9d\n' "js (${#js[@]} files)" "$js_raw" "$js_gz"
printf '%-16s %9s %9d   budget %d (%d KB)\n' "wasm + js" "" "$total" "$budget" $((budget / 1024))
if [ "$total" -gt "$budget" ]; then
  echo "bundle-size: wasm + JS are $total bytes gzip, over the budget of $budget" >&2
  exit 1
fi
