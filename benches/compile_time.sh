#!/usr/bin/env bash
# Compile-time cost of #[cors]: generates two crates with the same 200 actix-web routes, one with
# a #[cors] policy on every route and one without, and times clean builds of each (dependencies
# already built), RUNS times. Prints each run's ratio and the median.
#
#     bash benches/compile_time.sh            # ROUTES=200 RUNS=21 PROFILE=dev by default
#     INSTRUCTIONS=1 bash benches/compile_time.sh   # rustc's instructions instead (valgrind, ~8 min)
#
# The two builds of a run go *at the same time*, each in a target directory of its own, each
# with one job (`-j1`) on a CPU of its own (`taskset`; the CPUs swap every run), and each is
# measured by the CPU time it used (user + system): a shared machine's speed moves by several
# percent from one build to the next, and builds run one after the other gave single-run ratios
# from 1.13 to 1.35 for the same code. Running together, whatever slows the machine slows both;
# with a CPU each, neither build's threads compete with the other's. Single runs still spread
# over about 0.15 around the median on a 2-vCPU cloud VM, hence many runs. Instruction counts are
# exact and repeat to a fraction of a percent.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
routes=${ROUTES:-200}
runs=${RUNS:-21}
profile=${PROFILE:-dev}
work=$root/target/compile-time
mkdir -p "$work"

# One crate: $1 = name, $2 = "cors" or "bare".
generate() {
    local name=$1 kind=$2 dir=$work/$1
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2021"
publish = false

[workspace]

[dependencies]
actix-web = { version = "4.18", default-features = false, features = ["macros"] }
cors-runtime = { path = "$root/cors-runtime" }
TOML
    cp "$root/Cargo.lock" "$dir/Cargo.lock"
    {
        echo "use actix_web::{get, post, web, App, HttpResponse, HttpServer};"
        [ "$kind" = cors ] && echo "use cors_runtime::cors;"
        for ((i = 0; i < routes; i++)); do
            if [ "$kind" = cors ]; then
                echo "#[cors(origins = [\"https://app.example.com\", \"https://*.preview.example.com\"], headers = [\"Content-Type\", \"X-Request-Id\"], expose_headers = [\"X-Total\"], max_age = 600)]"
            fi
            # Alternate GET and POST, so that the POST handlers extract a body.
            if ((i % 2 == 0)); then
                echo "#[get(\"/items$i/{id}\")]"
                echo "async fn route$i(id: web::Path<u32>) -> HttpResponse { HttpResponse::Ok().body(format!(\"$i {id}\")) }"
            else
                echo "#[post(\"/items$i\")]"
                echo "async fn route$i(body: String) -> HttpResponse { HttpResponse::Created().body(body) }"
            fi
        done
        echo "#[actix_web::main]"
        echo "async fn main() -> std::io::Result<()> {"
        echo "    HttpServer::new(|| App::new()"
        for ((i = 0; i < routes; i++)); do echo "        .service(route$i)"; done
        echo "    ).bind((\"127.0.0.1\", 8080))?.run().await"
        echo "}"
    } > "$dir/src/main.rs"
}

generate routes_bare bare
generate routes_cors cors
# Dependencies first (not timed), each crate in a target directory of its own, so that the two
# builds of a run do not wait for each other's lock.
for name in routes_bare routes_cors; do
    CARGO_TARGET_DIR=$work/target-$name cargo build -q --profile "$profile" \
        --manifest-path "$work/$name/Cargo.toml"
done

# The instructions rustc executes to build crate $1, from its own command line under callgrind:
# they repeat to within a fraction of a percent, where times on a shared machine do not. Only
# user space, and only rustc (not cargo or the linker).
instructions() {
    export CARGO_TARGET_DIR=$work/target-$1
    cargo clean -q --profile "$profile" -p "$1" --manifest-path "$work/$1/Cargo.toml"
    local rustc_command out
    rustc_command=$(cargo build -v --profile "$profile" --manifest-path "$work/$1/Cargo.toml" 2>&1 |
        sed -n "s/^ *Running \`\(.*--crate-name $1 .*\)\`$/\1/p")
    out=$(mktemp -d)
    # The same command, writing its outputs elsewhere and without incremental caches.
    rustc_command=$(sed -e "s| --out-dir [^ ]*| --out-dir $out|" -e 's| -C incremental=[^ ]*||' <<<"$rustc_command")
    (cd "$work/$1" && eval valgrind --tool=callgrind --callgrind-out-file=/dev/null "$rustc_command") 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
    rm -rf "$out"
}

if [ -n "${INSTRUCTIONS:-}" ]; then
    command -v valgrind >/dev/null || { echo "valgrind not found (Debian: apt-get install valgrind)" >&2; exit 1; }
    bare=$(instructions routes_bare)
    cors=$(instructions routes_cors)
    printf '%d routes, profile %s: rustc executes %d instructions without #[cors], %d with; ratio %.3f\n' \
        "$routes" "$profile" "$bare" "$cors" "$(awk -v a="$cors" -v b="$bare" 'BEGIN { print a / b }')"
    exit 0
fi

# A clean build of crate $1 alone, on CPU $3 and with one job; writes "cpu_seconds wall_seconds"
# to $2.
build() {
    export CARGO_TARGET_DIR=$work/target-$1
    cargo clean -q --profile "$profile" -p "$1" --manifest-path "$work/$1/Cargo.toml"
    local start end
    start=$(date +%s.%N)
    taskset -c "$3" cargo build -q -j1 --profile "$profile" --manifest-path "$work/$1/Cargo.toml"
    end=$(date +%s.%N)
    # `times`, second line: user and system time of this shell's children, as "1m2.345s". Not
    # in a pipeline, which would run it in a fresh subshell without children.
    times >"$2.times"
    tail -1 "$2.times" | awk -v s="$start" -v e="$end" '
        function seconds(t) { split(t, p, /[ms]/); return p[1] * 60 + p[2] }
        { print seconds($1) + seconds($2), e - s }' >"$2"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

cpus=$(nproc)
ratios=() bare_cpu=() cors_cpu=() bare_wall=() cors_wall=()
for ((run = 1; run <= runs; run++)); do
    # Each build on a CPU of its own, swapped every run.
    (build routes_bare "$work/bare.time" $((run % cpus))) &
    (build routes_cors "$work/cors.time" $(((run + 1) % cpus))) &
    wait
    read -r bc bw <"$work/bare.time"
    read -r cc cw <"$work/cors.time"
    r=$(ratio "$cc" "$bc")
    ratios+=("$r") bare_cpu+=("$bc") cors_cpu+=("$cc") bare_wall+=("$bw") cors_wall+=("$cw")
    printf 'run %d: CPU time without #[cors] %.2f s, with #[cors] %.2f s, ratio %.3f (wall %.2f s, %.2f s)\n' \
        "$run" "$bc" "$cc" "$r" "$bw" "$cw"
done

printf '%d routes, profile %s, %d runs at the same time: median CPU time without #[cors] %.2f s, with #[cors] %.2f s; median ratio %.3f (range %s to %s)\n' \
    "$routes" "$profile" "$runs" "$(median "${bare_cpu[@]}")" "$(median "${cors_cpu[@]}")" \
    "$(median "${ratios[@]}")" "$(printf '%s\n' "${ratios[@]}" | sort -g | head -1)" \
    "$(printf '%s\n' "${ratios[@]}" | sort -g | tail -1)"
