# syntax=docker/dockerfile:1
#
# Duet's signaling service as a small image: no shell, no package manager, not root.
# Build from the repository root (the build context):
#
#   docker build -f deploy/signaling.Dockerfile -t duet-signaling .
#
# Configured by environment only (`duet-signaling --help` lists every DUET_* variable):
#
#   docker run -p 8080:8080 -e DUET_TURN_URLS=turn:turn.example.com:3478 \
#     -e DUET_TURN_SECRET=... duet-signaling

# The build image must have a glibc no newer than the runtime image's (Debian 12, bookworm).
ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src

# 1. Dependencies only, cached until a manifest or Cargo.lock changes. Cargo must see every
#    workspace member to load the workspace, so each gets its manifest and an empty stub
#    for each of its targets; building the stub service compiles the dependencies alone.
COPY Cargo.toml Cargo.lock ./
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
    && cargo build --release --locked -p duet-signaling

# 2. The real sources of the two crates the service is made of. COPY keeps the files' own
#    modification times, which may be older than the stub build: touch them so Cargo sees
#    them as changed and rebuilds these crates (and never ships the stubs).
COPY shared/src shared/src
COPY signaling/src signaling/src
RUN find shared/src signaling/src -name '*.rs' -exec touch {} + \
    && cargo build --release --locked -p duet-signaling \
    && cp target/release/duet-signaling /duet-signaling

# Runtime: glibc and libgcc only (gcr.io/distroless/cc), as an unprivileged user.
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /duet-signaling /usr/local/bin/duet-signaling
# Listen on every interface of the container; the rest keeps its defaults until set.
ENV DUET_BIND=0.0.0.0:8080
EXPOSE 8080
# distroless's `nonroot` (65532), numeric so that a runtime can check runAsNonRoot.
USER 65532:65532
# The image has no shell or curl: the binary probes itself (GET /healthz at DUET_BIND's port
# on 127.0.0.1, exit 0 or 1).
HEALTHCHECK --interval=10s --timeout=5s --start-period=5s --retries=3 \
    CMD ["/usr/local/bin/duet-signaling", "healthcheck"]
# SIGTERM (docker stop) closes every WebSocket with 1001, then stops within 5 s.
ENTRYPOINT ["/usr/local/bin/duet-signaling"]
