#!/usr/bin/env bash
# HTTP load test: the four canonical queries against a release server over generated stores of
# several sizes, with different variables on every request (bench/load.lua), driven by wrk at a
# fixed concurrency for a fixed time each; prints req/s, p50 and p99 per query, and the
# server's peak RSS per store.
#
# Usage:
#   bench/load.sh                 # scales 1 and 50: 1,000 and 50,000 projects
#   bench/load.sh 1 10 100 1000   # any scales (1000 is a million projects)
# Settings (environment):
#   DURATION=10s      how long each query is driven (wrk -d)
#   WARMUP=5s         unmeasured load with the same script before each measured run
#   CONNECTIONS=32    concurrent connections (wrk -c), on one wrk thread (wrk -t1)
#   WORKERS=          server worker threads (capgraph serve --workers); one per core when empty
#   RUST_LOG=warn,capgraph::startup=info   server log filter (the per-request line is at info)
#   WARM_FILES=1      read the store's files once before the server starts (0: leave the page
#                     cache as it is, so a store it has dropped is measured cold)
#
# Stores are generated and seeded once into target/bench-data/scale-N/ and reused. Needs wrk
# (apt-get install wrk), curl and jq. Everything stays on loopback: the server binds 127.0.0.1 on
# a port the OS picks and is stopped (SIGTERM) when the script exits, however it exits.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
# The server is measured warm (its caches holding what the query reads), as one that has been
# up for a while is.
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-32}
# A store of a million projects is 3 GB: a build or another run can push it out of the page
# cache, and then the first query measured pays for reading it back from disk.
WARM_FILES=${WARM_FILES:-1}
WORKERS=${WORKERS:-}
export RUST_LOG=${RUST_LOG:-warn,capgraph::startup=info}
scales=("$@")
[[ ${#scales[@]} -gt 0 ]] || scales=(1 50)

for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --quiet
bin=target/release/capgraph

work=$(mktemp -d)
server_pid=
stop_server() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
}
cleanup() {
    stop_server
    rm -rf "$work"
}
trap cleanup EXIT

# store_for N: the data directory of scale N, generated and seeded on first use.
source bench/stores.sh

echo "capgraph load test: wrk -t1 -c$CONNECTIONS -d$DURATION per query after $WARMUP unmeasured, $(nproc) cores, different variables per request"
printf '%-7s %-4s %10s %9s %9s %8s %7s\n' scale query 'req/s' 'p50 ms' 'p99 ms' 'non-2xx' errors
for scale in "${scales[@]}"; do
    data=$(store_for "$scale")
    [[ $WARM_FILES == 1 ]] && find "$data" -type f -exec cat {} + >/dev/null
    serve_args=(serve --addr 127.0.0.1:0 --data "$data" --log-format json)
    [[ -n $WORKERS ]] && serve_args+=(--workers "$WORKERS")
    started=$(date +%s.%N)
    "$bin" "${serve_args[@]}" 2>"$work/server.log" &
    server_pid=$!
    port=
    for _ in $(seq 1 600); do
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server exited" >&2; exit 1; }
        port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -n1 | cut -d: -f2 || true)
        if [[ -n $port ]] && curl -fsS "http://127.0.0.1:$port/readyz" >"$work/ready.json" 2>/dev/null; then
            break
        fi
        port=
        sleep 0.05
    done
    [[ -n $port ]] || { cat "$work/server.log" >&2; echo "the server did not become ready" >&2; exit 1; }
    ready=$(echo "$(date +%s.%N) - $started" | bc)
    url="http://127.0.0.1:$port/graphql"
    counts=$(curl -fsS -H 'content-type: application/json' \
        -d '{"query":"{ dataset { nodes { kind count } } }"}' "$url")
    projects=$(jq '.data.dataset.nodes[] | select(.kind=="PROJECT") | .count' <<<"$counts")
    enterprises=$(jq '.data.dataset.nodes[] | select(.kind=="ENTERPRISE") | .count' <<<"$counts")
    for query in q1 q2 q3 q4; do
        QUERY=$query PROJECTS=$projects ENTERPRISES=$enterprises \
            wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" -s bench/load.lua "$url" >/dev/null
        result=$(QUERY=$query PROJECTS=$projects ENTERPRISES=$enterprises \
            wrk -t1 -c"$CONNECTIONS" -d"$DURATION" -s bench/load.lua "$url" | grep '^RESULT' || true)
        [[ -n $result ]] || { echo "wrk gave no result for $query" >&2; exit 1; }
        IFS=$'\t' read -r _ rps p50 p99 non2xx errors <<<"$result"
        printf '%-7s %-4s %10s %9s %9s %8s %7s\n' "$scale" "$query" "$rps" "$p50" "$p99" "$non2xx" "$errors"
    done
    rss=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
    echo "scale $scale: $projects projects; ready in ${ready}s; server peak RSS $((rss / 1024)) MB"
    stop_server
done
