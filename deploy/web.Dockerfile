# syntax=docker/dockerfile:1
#
# Duet's web front: the browser app (dist/, built by Trunk) served by Caddy with
# deploy/Caddyfile, which also proxies /ws to the signaling service and terminates TLS.
# Build from the repository root (the build context):
#
#   docker build -f deploy/web.Dockerfile -t duet-web .
#
# Configured by environment only (the DUET_* variables listed at the top of deploy/Caddyfile):
#
#   docker run -p 80:80 -p 443:443 -p 443:443/udp -v caddy-data:/data \
#     -e DUET_DOMAIN=duet.example -e DUET_TLS=you@example.com duet-web

ARG RUST_VERSION=1.95
ARG NODE_VERSION=24

# Node.js for npm's binaryen (wasm-opt): the LTS the project develops with (24; 20 reached its
# end of life in April 2026), not bookworm's 18, whose older V8 has never been tried with
# current binaryen.
FROM node:${NODE_VERSION}-bookworm-slim AS node

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY --from=node /usr/local/bin/node /usr/local/bin/node
COPY --from=node /usr/local/lib/node_modules /usr/local/lib/node_modules
# ca-certificates tracks the base image's release; pinning it would only make it stale.
# hadolint ignore=DL3008
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
    && apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# 1. The build tools (trunk, wasm-bindgen-cli, wasm-opt) at the versions the repository pins:
#    cached until the toolchain script, Trunk.toml or Cargo.lock changes.
COPY scripts/toolchain.sh scripts/
COPY Trunk.toml Cargo.lock ./
RUN bash -c 'source scripts/toolchain.sh && ensure_wasm_target && ensure_trunk && ensure_wasm_bindgen && ensure_wasm_opt'

# 2. The app's dependencies, compiled for the browser with the profile Trunk uses, against
#    empty stubs of the workspace members: cached until a manifest changes.
COPY Cargo.toml ./
COPY shared/Cargo.toml shared/
COPY signaling/Cargo.toml signaling/
COPY frontend/Cargo.toml frontend/
COPY bench/Cargo.toml bench/
COPY denoise/Cargo.toml denoise/
RUN mkdir -p shared/src signaling/src frontend/src bench/src/bin denoise/src \
    && touch shared/src/lib.rs signaling/src/lib.rs frontend/src/lib.rs denoise/src/lib.rs \
    && echo 'fn main() {}' > signaling/src/main.rs \
    && echo 'fn main() {}' > frontend/src/main.rs \
    && echo 'fn main() {}' > bench/src/main.rs \
    && echo 'fn main() {}' > bench/src/bin/floor.rs \
    && cargo fetch --locked \
    && cargo build --locked --profile wasm-release --target wasm32-unknown-unknown -p duet-frontend

# 3. The app itself. COPY keeps the files' own modification times, which may be older than
#    the stubs: touch them so Cargo rebuilds these crates (and never ships a stub).
COPY shared/src shared/src
COPY frontend frontend
# The noise suppressor's crate and the scripts Trunk's post-build hooks run (dist/denoise/,
# dist/sw.js).
COPY denoise/src denoise/src
COPY scripts/build-denoise.sh scripts/build-service-worker.sh scripts/
RUN find shared/src frontend/src denoise/src -name '*.rs' -exec touch {} + \
    && bash -c 'source scripts/toolchain.sh && toolchain_build && trunk build --release'

# Runtime: the official Caddy image (its binary may bind ports 80/443 without root:
# cap_net_bind_service; that needs a runtime without `no-new-privileges`).
FROM caddy:2.11
COPY deploy/Caddyfile /etc/caddy/Caddyfile
COPY --from=build /src/dist /srv
# Certificates and the local CA live in /data (keep it in a volume), autosaved config in
# /config: owned by the unprivileged user Caddy runs as.
RUN addgroup -S -g 10001 duet && adduser -S -D -H -u 10001 -G duet duet \
    && mkdir -p /data/caddy /config/caddy \
    && chown -R duet:duet /data /config
USER 10001:10001
ENV DUET_WEB_ROOT=/srv
EXPOSE 80 443 443/udp
# No HEALTHCHECK here: the admin endpoint is off and HTTPS only answers the site's own name
# (DUET_DOMAIN) with a certificate the probe would have to trust; compose can probe
# `https://$DUET_DOMAIN/healthz` (which also proves the proxy to signaling) if it wants one.
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
