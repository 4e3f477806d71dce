# Sourced by the bench scripts: generated stores, seeded once into target/bench-data/scale-N/
# and reused. Expects `bin` to name a release build of capgraph.

# Generates and seeds scale N once; prints the data directory.
store_for() {
    local dir=target/bench-data/scale-$1
    # A store this build cannot open (one of an older store format) is seeded again.
    if [[ -f $dir/data/CURRENT ]] && ! "$bin" query --data "$dir/data" '{ dataset { digest } }' >/dev/null 2>&1; then
        echo "the store in $dir/data does not open with this build; seeding it again" >&2
        rm -rf "$dir/data"
    fi
    if [[ ! -f $dir/data/CURRENT ]]; then
        mkdir -p "$dir"
        "$bin" generate --scale "$1" --out "$dir/seed" >&2
        /usr/bin/time -f "seeded scale $1 in %e s, peak RSS %M KB" \
            "$bin" seed --from "$dir/seed" --data "$dir/data" >&2
    fi
    echo "$dir/data"
}
