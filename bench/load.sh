#!/usr/bin/env bash
# HTTP load test: the four canonical queries of benches/queries.rs, POSTed to a release server
# with `oha` at a fixed concurrency for a fixed time each; prints requests/s, p50 and p99.
#
# Usage:
#   bench/load.sh                                    # embedded (real) dataset, in a temp data dir
#   bench/load.sh target/bench-data/scale-100/data   # a seeded data dir, e.g. the scale-100 store
#                                                    # that `cargo bench --bench queries` caches
# Settings (environment):
#   DURATION=10s     how long each query is driven (oha -z); ongoing requests are waited for
#   CONNECTIONS=32   concurrent connections (oha -c)
#   WORKERS=         server worker threads (capgraph serve --workers); one per core when empty
#   RUST_LOG=warn,capgraph::startup=info
#                    server log filter; per-request logging is off by default so the figures
#                    measure the API rather than the log file
#
# Needs `oha` (HTTP load generator), `jq` and `curl`. When oha is missing this script installs
# it with `cargo install oha --locked`, falling back to `apt-get install -y oha`.
# Everything stays on loopback: the server binds 127.0.0.1 on a port the OS picks, and is stopped
# (SIGTERM, graceful) when the script exits, however it exits.
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
WORKERS=${WORKERS:-}
export RUST_LOG=${RUST_LOG:-warn,capgraph::startup=info}

if ! command -v oha >/dev/null; then
    echo "oha not found: installing it with cargo install oha --locked" >&2
    if ! cargo install oha --locked; then
        echo "cargo install oha failed; trying apt-get install -y oha" >&2
        apt-get install -y oha
    fi
    export PATH="$HOME/.cargo/bin:$PATH"
fi
for tool in jq curl; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --quiet

work=$(mktemp -d)
server_pid=
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid"
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

data=${1:-$work/data}
if [[ $# -ge 1 && ! -f $data/CURRENT ]]; then
    echo "$data is not a seeded data directory (no CURRENT file)" >&2
    exit 2
fi

serve_args=(serve --addr 127.0.0.1:0 --data "$data" --log-format json)
[[ -n $WORKERS ]] && serve_args+=(--workers "$WORKERS")
target/release/capgraph "${serve_args[@]}" 2>"$work/server.log" &
server_pid=$!

# The server logs the port it bound; then /readyz says when the store is open.
port=
for _ in $(seq 1 600); do
    kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; echo "the server exited" >&2; exit 1; }
    port=$(grep -o '"port":[0-9]*' "$work/server.log" | head -n1 | cut -d: -f2 || true)
    if [[ -n $port ]] && curl -fsS "http://127.0.0.1:$port/readyz" >"$work/ready.json" 2>/dev/null; then
        break
    fi
    port=
    sleep 0.1
done
[[ -n $port ]] || { cat "$work/server.log" >&2; echo "the server did not become ready" >&2; exit 1; }
url="http://127.0.0.1:$port/graphql"

post() {
    curl -fsS -H 'content-type: application/json' -d "$1" "$url"
}

# Generated data has its own IDs; pick the real ones unless the store holds generated projects.
if post '{"query":"{ project(id: \"project:gen-0000001\") { id } }"}' | jq -e '.data.project != null' >/dev/null; then
    dataset=generated
    project=project:gen-0000001 country=KH enterprise=enterprise:gen-0000010
else
    dataset=real
    project=project:suramadu-bridge country=KH enterprise=enterprise:cccc
fi

names=(q1_project_with_country q2_country_20_projects_sectors_enterprises
    q3_enterprise_projects_countries q4_filtered_ordered_first_50)
queries=(
    "{ project(id: \"$project\") { id name status hostCountries { code name } } }"
    "{ country(code: \"$country\") { name projects(first: 20) { nodes { id name sectors { id name } enterprises { edges { role node { name } } } } } } }"
    "{ enterprise(id: \"$enterprise\") { name projects(first: 500) { totalCount edges { role node { id name hostCountries { code name } } } } } }"
    "{ projects(filter: {status: [OPERATIONAL], startYear: {min: 2015}}, orderBy: [{field: VALUE_USD, direction: DESC}], first: 50) { totalCount nodes { id name valueUsd startYear } } }"
)

echo "capgraph load test: $dataset dataset ($(jq -r '"\(.nodes) nodes, \(.edges) edges"' "$work/ready.json")), $(nproc) cores"
echo "oha $(oha --version | awk '{print $2}'): -c $CONNECTIONS -z $DURATION per query, POST $url"
printf '%-44s %10s %10s %10s %8s %s\n' query 'req/s' 'p50 ms' 'p99 ms' 'ok %' statuses
for i in "${!names[@]}"; do
    body=$(jq -cn --arg q "${queries[$i]}" '{query: $q}')
    # Each query must answer without errors before it is timed.
    if ! post "$body" | jq -e '(.errors // []) | length == 0' >/dev/null; then
        echo "${names[$i]} returned errors:" >&2
        post "$body" >&2 || true
        exit 1
    fi
    oha --no-tui --output-format json -w -c "$CONNECTIONS" -z "$DURATION" \
        -m POST -T application/json -d "$body" "$url" >"$work/${names[$i]}.json"
    jq -r --arg name "${names[$i]}" '
        [$name,
         (.summary.requestsPerSec * 10 | round / 10),
         ((.latencyPercentiles.p50 // 0) * 1e4 | round / 10),
         ((.latencyPercentiles.p99 // 0) * 1e4 | round / 10),
         (.summary.successRate * 1000 | round / 10),
         (.statusCodeDistribution | to_entries | map("\(.key)x\(.value)") | join(" "))]
        | @tsv' "$work/${names[$i]}.json" |
        awk -F'\t' '{ printf "%-44s %10s %10s %10s %8s %s\n", $1, $2, $3, $4, $5, $6 }'
done
