# syntax=docker/dockerfile:1
# capgraph in a container: one static-enough binary with the dataset compiled in, run as a
# non-root user over a data volume. docs/deploy.md says how to build, run and roll it out;
# tests/deploy.rs lints this file with hadolint and checks its flags, port and probe path
# against `capgraph serve --help` and the running server.

# ---- build: the release binary, with the embedded dataset (seed/) and assets compiled in ----
FROM rust:1.95-slim-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY seed ./seed
COPY assets ./assets
# Cargo reads the [[bench]] targets' files when it loads the manifest, even for the binary alone.
COPY benches ./benches
# The caches keep crates and compiled dependencies between builds of the image, not in it.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin capgraph \
    && cp target/release/capgraph /usr/local/bin/capgraph

# ---- run: Debian slim (the glibc the binary was linked against), no compiler, no shell tools added ----
FROM debian:trixie-slim
RUN groupadd --system --gid 10001 capgraph \
    && useradd --system --uid 10001 --gid capgraph --home-dir /data --shell /usr/sbin/nologin capgraph \
    && mkdir /data \
    && chown capgraph:capgraph /data
COPY --from=build /usr/local/bin/capgraph /usr/local/bin/capgraph
USER 10001:10001
# The store lives here; on first start the server seeds it from the embedded dataset. Mount a
# volume to keep it, or to share one re-seeded by `capgraph seed` (docs/deploy.md).
VOLUME ["/data"]
ENV CAPGRAPH_ADDR=0.0.0.0:8080 \
    CAPGRAPH_DATA=/data \
    CAPGRAPH_LOG_FORMAT=json
EXPOSE 8080
# No curl in the image: bash's /dev/tcp asks /healthz and looks for a 200 status line.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["bash", "-c", \
    "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q ' 200'"]
ENTRYPOINT ["/usr/local/bin/capgraph"]
CMD ["serve"]
