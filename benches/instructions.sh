#!/usr/bin/env bash
# Instructions per request, for the variants of the throughput bench: the same server (one app per
# variant, and one per variant of the 200-route shape), run under callgrind, loaded by wrk over
# one connection.
#
#     bash benches/instructions.sh              # SECONDS_PER_LOAD=4
#
# Wall-clock throughput on a shared machine moves by several percent from one minute to the next;
# instruction counts do not. They count user-space work only (the kernel's TCP stack, most of the
# time per request on loopback, is not in them), so they show where the server's own cycles go,
# and they repeat to within a few instructions from run to run. Needs valgrind and wrk
# (Debian: apt-get install valgrind wrk).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SECONDS_PER_LOAD:-4}
for tool in valgrind callgrind_control wrk; do
    command -v "$tool" >/dev/null || { echo "$tool not found (Debian: apt-get install valgrind wrk)" >&2; exit 1; }
done

binary=$(cargo bench --bench throughput --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\))$/\1/p')
[ -x "$binary" ] || { echo "could not build the throughput bench" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$scratch"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$scratch/out.%p" "$binary" --serve \
    >"$scratch/listening" 2>"$scratch/valgrind.log" &
server=$!
for _ in $(seq 120); do
    grep -qx ready "$scratch/listening" 2>/dev/null && break
    sleep 1
done
grep -qx ready "$scratch/listening" || { cat "$scratch/valgrind.log" >&2; exit 1; }
echo 'wrk.method = "OPTIONS"' >"$scratch/options.lua"

origin='Origin: https://app.example.com'
preflight=(-H 'Access-Control-Request-Method: GET' -H 'Access-Control-Request-Headers: content-type' -s "$scratch/options.lua")

# One load: warm up, zero the counters, run wrk for a fixed time, dump, and divide the
# instructions by the requests wrk completed (one connection, so at most one is in flight).
loads=0
measure() {
    local name=$1 path=$2
    shift 2
    local addr
    # The app serving the path: one per variant, or one per scope for the 200-route shape.
    addr=$(awk -v p="$path" '$3 == p || index(p, $3 "/") == 1 { print $4 }' "$scratch/listening")
    wrk -t1 -c1 -d1s "$@" "http://$addr$path" >/dev/null
    callgrind_control -z "$server" >/dev/null 2>&1
    local report
    report=$(wrk -t1 -c1 -d"${seconds}s" "$@" "http://$addr$path")
    loads=$((loads + 1))
    callgrind_control -d "load$loads" "$server" >/dev/null 2>&1
    if grep -q 'Non-2xx\|Socket errors' <<<"$report"; then
        echo "$name: refused, wrk saw errors: $report" >&2
        exit 1
    fi
    # The dump is written by the server process, a moment after the request to dump.
    local dump="$scratch/out.$server.$loads"
    for _ in $(seq 100); do
        grep -q '^totals:' "$dump" 2>/dev/null && break
        sleep 0.1
    done
    local requests instructions
    requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' <<<"$report")
    instructions=$(sed -n 's/^summary: //p' "$dump")
    printf '%-40s %8d requests %8d instructions per request\n' \
        "$name" "$requests" $((instructions / requests))
}

measure 'bare' /bare -H "$origin"
measure 'bare + headers by hand' /hand -H "$origin"
measure '#[cors]' /cors -H "$origin"
measure 'actix-cors' /actx -H "$origin"
measure '#[cors] preflight' /cors -H "$origin" "${preflight[@]}"
measure 'actix-cors preflight' /actx -H "$origin" "${preflight[@]}"
measure 'outermost() + #[cors]' /outr -H "$origin"
measure 'outermost() preflight' /outr -H "$origin" "${preflight[@]}"
measure 'pass-through middleware + #[cors]' /pass -H "$origin"
measure '#[cors], ReloadableOrigins' /relo -H "$origin"
measure '#[cors], async origin_fn, warm cache' /tena -H "$origin"
measure '#[cors], async origin_fn, no cache' /tenu -H "$origin"

# The 200-route shape (tests/variants/scale.rs): the last route of a scope of 200.
measure '200 routes, last: bare' /sb/r199 -H "$origin"
measure '200 routes, last: #[cors]' /sc/r199 -H "$origin"
measure '200 routes, last: outermost()' /so/r199 -H "$origin"
measure '200 routes, last: actix-cors' /sa/r199 -H "$origin"
measure '200 routes, last: #[cors] preflight' /sc/r199 -H "$origin" "${preflight[@]}"
measure '200 routes, last: outermost() preflight' /so/r199 -H "$origin" "${preflight[@]}"
measure '200 routes, last: actix-cors preflight' /sa/r199 -H "$origin" "${preflight[@]}"
