#!/usr/bin/env bash
# Instructions per request for the four load queries, counted by callgrind in-process
# (benches/instructions.rs), with different variables on every request over generated stores:
# a count that the machine's other load does not move, for comparing two builds where req/s
# is too noisy to show a few percent. Instructions are not time (cache misses cost more than
# they count); read them beside bench/load.sh, not instead of it.
#
# Usage:
#   bench/instructions.sh                # scale 50: 50,000 projects
#   bench/instructions.sh 1 50 1000      # any scales
# Settings (environment):
#   REQUESTS=100      requests counted per query, after 50 that are not
#
# Needs valgrind and jq (apt-get install valgrind jq). Stores are shared with bench/load.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
REQUESTS=${REQUESTS:-100}
scales=("$@")
[[ ${#scales[@]} -gt 0 ]] || scales=(50)
for tool in valgrind jq; do
    command -v "$tool" >/dev/null || { echo "$tool is required (apt-get install -y $tool)" >&2; exit 1; }
done

cargo build --release --quiet
bin=target/release/capgraph
# store_for N: the data directory of scale N, generated and seeded on first use.
source bench/stores.sh
counter=$(cargo bench --bench instructions --no-run --message-format=json 2>/dev/null |
    jq -r 'select(.executable != null and .target.name == "instructions") | .executable')

# Instructions executed inside the requests of one run of `count` requests.
collected() {
    local data=$1 query=$2 count=$3
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
        --toggle-collect='*instructions::requests*' \
        "$counter" "$data" "$query" "$count" "$projects" "$enterprises" 2>&1 >/dev/null |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}

echo "capgraph instructions per request: callgrind, $REQUESTS requests per query, different variables per request"
printf '%-7s %-4s %14s\n' scale query 'instructions'
for scale in "${scales[@]}"; do
    data=$(store_for "$scale")
    counts=$("$bin" query --data "$data" '{ dataset { nodes { kind count } } }' 2>/dev/null)
    projects=$(jq '.data.dataset.nodes[] | select(.kind=="PROJECT") | .count' <<<"$counts")
    enterprises=$(jq '.data.dataset.nodes[] | select(.kind=="ENTERPRISE") | .count' <<<"$counts")
    for query in q1 q2 q3 q4; do
        # The 50 uncounted requests run in both; the difference is the counted ones.
        base=$(collected "$data" "$query" 0)
        total=$(collected "$data" "$query" "$REQUESTS")
        printf '%-7s %-4s %14s\n' "$scale" "$query" "$(( (total - base) / REQUESTS ))"
    done
done
