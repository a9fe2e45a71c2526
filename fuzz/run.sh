#!/usr/bin/env bash
# Runs each fuzz target for a bounded time and prints how many inputs it tried.
#
#     bash fuzz/run.sh            # 60 s per target
#     bash fuzz/run.sh 10         # a smoke run, as CI does
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain runs it with
# RUSTC_BOOTSTRAP=1, which unlocks the sanitizer flag cargo-fuzz passes.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
export RUSTC_BOOTSTRAP=1
for target in origin request_headers decision service; do
    mkdir -p "corpus/$target"
    log=$(mktemp)
    if ! cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" \
        -print_final_stats=1 >"$log" 2>&1; then
        cat "$log"
        echo "fuzz target $target FAILED (the crashing input is under fuzz/artifacts/$target/)"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    echo "fuzz target $target: $runs inputs in ${seconds} s, no crash"
    rm -f "$log"
done
