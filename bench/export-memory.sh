#!/usr/bin/env bash
# Export memory: peak RSS and wall time of `capgraph export` in every format, at several sizes of
# generated dataset, beside the floor (opening the store and exporting only the 12 countries).
# Shows whether an export's memory follows the store or the output.
#
# Usage:
#   bench/export-memory.sh            # scales 1, 10 and 100
#   bench/export-memory.sh 1 10 30    # any scales
#
# Needs GNU time (`apt-get install -y time`) for peak RSS. Datasets, stores and exports go to a
# temporary directory that is removed on exit; scale 100 needs about 1 GB of disk and 5 minutes.
set -euo pipefail

cd "$(dirname "$0")/.."
[[ -x /usr/bin/time ]] || { echo "GNU time is required (apt-get install -y time)" >&2; exit 1; }
scales=("$@")
[[ ${#scales[@]} -gt 0 ]] || scales=(1 10 100)

cargo build --release --quiet
bin=$PWD/target/release/capgraph
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs a command under GNU time; prints "peak-MB seconds".
measure() {
    /usr/bin/time -f '%M %e' -o "$work/time" "$@" >/dev/null
    awk '{ printf "%.0f %.2f\n", $1 / 1024, $2 }' "$work/time"
}

mib() { du -sm "$1" | cut -f1; }

printf '%-6s %-8s %-10s %-8s %-10s %-10s %-10s\n' \
    scale nodes store-MB format peak-MB seconds output-MB
for scale in "${scales[@]}"; do
    "$bin" generate --scale "$scale" --seed 42 --out "$work/seed-$scale" >/dev/null
    "$bin" seed --from "$work/seed-$scale" --data "$work/data-$scale" >/dev/null
    nodes=$("$bin" export --format ndjson --data "$work/data-$scale" | grep -c '^{"type":"node"' || true)
    store=$(mib "$work/data-$scale")
    read -r peak secs < <(measure "$bin" export --format ndjson --kinds countries \
        --data "$work/data-$scale" --out "$work/floor.ndjson")
    printf '%-6s %-8s %-10s %-8s %-10s %-10s %-10s\n' \
        "$scale" "$nodes" "$store" floor "$peak" "$secs" "$(mib "$work/floor.ndjson")"
    for format in ndjson json csv graphml geojson seed; do
        out="$work/export-$format"
        rm -rf "$out"
        read -r peak secs < <(measure "$bin" export --format "$format" \
            --data "$work/data-$scale" --out "$out")
        printf '%-6s %-8s %-10s %-8s %-10s %-10s %-10s\n' \
            "$scale" "$nodes" "$store" "$format" "$peak" "$secs" "$(mib "$out")"
        rm -rf "$out"
    done
    rm -rf "$work/seed-$scale" "$work/data-$scale"
done
