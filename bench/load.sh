#!/usr/bin/env bash
# HTTP load test: the four canonical queries against release servers over generated stores of
# several sizes, with different variables on every request (bench/load.lua), driven by wrk at a
# fixed concurrency for a fixed time each. Prints every measured run as it ends, then the median
# req/s, p50 and p99 per store and query, how the largest store's p99 compares with the
# smallest's, and each server's time to ready and peak RSS.
#
# All the servers are up for the whole run, and the sizes take turns within each round (query by
# query, in an order that rotates from round to round). On a shared machine throughput and the
# tail move by a third or more from minute to minute; sizes measured minutes apart would compare
# the machine's moods, not the stores.
#
# Usage:
#   bench/load.sh                 # scales 1 and 50: 1,000 and 50,000 projects
#   bench/load.sh 1 10 100 1000   # any scales (1000 is a million projects)
# Settings (environment):
#   ROUNDS=3          measured runs of each query on each store; the summary gives their medians
#   DURATION=10s      how long each run drives its query (wrk -d)
#   WARMUP=5s         unmeasured load with the same script before each measured run
#   CONNECTIONS=32    concurrent connections (wrk -c), on one wrk thread (wrk -t1)
#   WORKERS=          server worker threads (capgraph serve --workers); one per core when empty
#   RUST_LOG=warn,capgraph::startup=info   server log filter (the per-request line is at info)
#   WARM_FILES=1      read each store's files once before its server starts (0: leave the page
#                     cache as it is, so a store it has dropped is measured cold)
#
# Stores are generated and seeded once into target/bench-data/scale-N/ and reused. Needs wrk
# (apt-get install wrk), curl and jq. Everything stays on loopback: each server binds 127.0.0.1
# on a port the OS picks and is stopped (SIGTERM) when the script exits, however it exits.
set -euo pipefail

cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
# The servers are measured warm (their caches holding what the query reads), as ones that have
# been up for a while are.
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-32}
# A store of a million projects is 3 GB: a build or another run can push it out of the page
# cache, and then the first query measured pays for reading it back from disk.
WARM_FILES=${WARM_FILES:-1}
WORKERS=${WORKERS:-}
export RUST_LOG=${RUST_LOG:-warn,capgraph::startup=info}
scales=("$@")
[[ ${#scales[@]} -gt 0 ]] || scales=(1 50)
queries=(q1 q2 q3 q4)

[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a whole number of at least 1, not '$ROUNDS'" >&2; exit 1; }
declare -A named
for scale in "${scales[@]}"; do
    [[ $scale =~ ^[1-9][0-9]*$ ]] || { echo "a scale is a whole number of at least 1, not '$scale'" >&2; exit 1; }
    # Two servers cannot open one store: sled locks it to one process.
    [[ -z ${named[$scale]:-} ]] || { echo "scale $scale is named twice; each store is served once" >&2; exit 1; }
    named[$scale]=1
done
for tool in wrk curl jq; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --quiet
bin=target/release/capgraph

work=$(mktemp -d)
# Per store, by its position in `scales`.
server_pids=()
urls=()
project_counts=()
enterprise_counts=()
ready_seconds=()
cleanup() {
    for pid in "${server_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${server_pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# store_for N: the data directory of scale N, generated and seeded on first use.
source bench/stores.sh

# start_server I: starts a server on scale I's store and waits until it is ready. One at a time,
# so that each time to ready is the server's own.
start_server() {
    local index=$1 scale=${scales[$1]} data log=$work/server-${scales[$1]}.log
    data=$(store_for "$scale")
    [[ $WARM_FILES == 1 ]] && find "$data" -type f -exec cat {} + >/dev/null
    local serve_args=(serve --addr 127.0.0.1:0 --data "$data" --log-format json)
    [[ -n $WORKERS ]] && serve_args+=(--workers "$WORKERS")
    local started port= pid
    started=$(date +%s.%N)
    "$bin" "${serve_args[@]}" 2>"$log" &
    pid=$!
    server_pids[index]=$pid
    for _ in $(seq 1 600); do
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "the server for scale $scale exited" >&2; exit 1; }
        port=$(grep -o '"port":[0-9]*' "$log" | head -n1 | cut -d: -f2 || true)
        if [[ -n $port ]] && curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
            break
        fi
        port=
        sleep 0.05
    done
    [[ -n $port ]] || { cat "$log" >&2; echo "the server for scale $scale did not become ready" >&2; exit 1; }
    ready_seconds[index]=$(printf %.2f "$(echo "$(date +%s.%N) - $started" | bc)")
    urls[index]="http://127.0.0.1:$port/graphql"
    local counts
    counts=$(curl -fsS -H 'content-type: application/json' \
        -d '{"query":"{ dataset { nodes { kind count } } }"}' "${urls[index]}")
    project_counts[index]=$(jq '.data.dataset.nodes[] | select(.kind=="PROJECT") | .count' <<<"$counts")
    enterprise_counts[index]=$(jq '.data.dataset.nodes[] | select(.kind=="ENTERPRISE") | .count' <<<"$counts")
}

# drive I QUERY DURATION: wrk against scale I's server; prints wrk's RESULT line.
drive() {
    QUERY=$2 PROJECTS=${project_counts[$1]} ENTERPRISES=${enterprise_counts[$1]} \
        wrk -t1 -c"$CONNECTIONS" -d"$3" -s bench/load.lua "${urls[$1]}" | grep '^RESULT' || true
}

for index in "${!scales[@]}"; do
    start_server "$index"
done

echo "capgraph load test: $ROUNDS round(s) of wrk -t1 -c$CONNECTIONS -d$DURATION per query and store, each after $WARMUP unmeasured, $(nproc) cores, different variables per request"
row='%-6s %-7s %-4s %10s %9s %9s %8s %7s\n'
# shellcheck disable=SC2059 # the format is the table's, held once
printf "$row" round scale query 'req/s' 'p50 ms' 'p99 ms' 'non-2xx' errors
results=$work/results
for ((round = 0; round < ROUNDS; round++)); do
    for query in "${queries[@]}"; do
        for ((turn = 0; turn < ${#scales[@]}; turn++)); do
            index=$(((round + turn) % ${#scales[@]}))
            drive "$index" "$query" "$WARMUP" >/dev/null
            result=$(drive "$index" "$query" "$DURATION")
            [[ -n $result ]] || { echo "wrk gave no result for $query at scale ${scales[index]}" >&2; exit 1; }
            IFS=$'\t' read -r _ rps p50 p99 non2xx errors <<<"$result"
            # shellcheck disable=SC2059
            printf "$row" "$((round + 1))" "${scales[index]}" "$query" "$rps" "$p50" "$p99" "$non2xx" "$errors"
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$index" "$query" "$rps" "$p50" "$p99" "$non2xx" "$errors" >>"$results"
        done
    done
done

echo
echo "medians of $ROUNDS round(s); req/s range in brackets; non-2xx and errors summed over the rounds"
# Medians per store and query, in the order of `scales` and `queries`; then, per query, the
# largest store's median p99 over the smallest's (the first and last scales named).
awk -F'\t' -v scales="${scales[*]}" -v queries="${queries[*]}" '
    function median(list,    values, count, i, j, swap) {
        count = split(list, values, " ")
        for (i = 2; i <= count; i++)
            for (j = i; j > 1 && values[j - 1] + 0 > values[j] + 0; j--) {
                swap = values[j]; values[j] = values[j - 1]; values[j - 1] = swap
            }
        return count % 2 ? values[(count + 1) / 2] : (values[count / 2] + values[count / 2 + 1]) / 2
    }
    {
        key = $1 SUBSEP $2
        rps[key] = rps[key] " " $3; p50[key] = p50[key] " " $4; p99[key] = p99[key] " " $5
        if (!(key in low) || $3 + 0 < low[key]) low[key] = $3 + 0
        if (!(key in high) || $3 + 0 > high[key]) high[key] = $3 + 0
        non2xx[key] += $6; errors[key] += $7
    }
    END {
        store_count = split(scales, scale, " "); query_count = split(queries, query, " ")
        printf "%-7s %-4s %10s %17s %9s %9s %8s %7s\n", "scale", "query", "req/s", "range", "p50 ms", "p99 ms", "non-2xx", "errors"
        for (s = 1; s <= store_count; s++)
            for (q = 1; q <= query_count; q++) {
                key = (s - 1) SUBSEP query[q]
                printf "%-7s %-4s %10.0f %17s %9.2f %9.2f %8d %7d\n", scale[s], query[q], median(rps[key]),
                    "(" low[key] "-" high[key] ")", median(p50[key]), median(p99[key]), non2xx[key], errors[key]
            }
        if (store_count > 1) {
            printf "p99 at scale %s over p99 at scale %s:", scale[store_count], scale[1]
            for (q = 1; q <= query_count; q++)
                printf " %s %.2fx", query[q], median(p99[(store_count - 1) SUBSEP query[q]]) / median(p99[0 SUBSEP query[q]])
            printf "\n"
        }
    }' "$results"

for index in "${!scales[@]}"; do
    rss=$(awk '/VmHWM/ {print $2}' "/proc/${server_pids[index]}/status" 2>/dev/null || true)
    [[ -n $rss ]] || { echo "the server for scale ${scales[index]} exited during the run" >&2; exit 1; }
    echo "scale ${scales[index]}: ${project_counts[index]} projects; ready in ${ready_seconds[index]}s; server peak RSS $((rss / 1024)) MB"
done
