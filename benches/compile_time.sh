#!/usr/bin/env bash
# Compile-time cost of #[cors]: generates two crates with the same 200 actix-web routes, one with
# a #[cors] policy on every route and one without, and times a clean build of each (dependencies
# already built, shared target directory), RUNS times each, alternating. Prints each pair's ratio
# and the ratio of the medians.
#
#     bash benches/compile_time.sh            # ROUTES=200 RUNS=5 PROFILE=dev by default
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
routes=${ROUTES:-200}
runs=${RUNS:-5}
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
export CARGO_TARGET_DIR=$work/target

# Dependencies first (not timed), then the crates alone, from clean.
for name in routes_bare routes_cors; do
    cargo build -q --profile "$profile" --manifest-path "$work/$name/Cargo.toml"
done

seconds() { # $1 = crate; prints the wall-clock seconds of a clean build of that crate alone
    cargo clean -q --profile "$profile" -p "$1" --manifest-path "$work/$1/Cargo.toml"
    local start end
    start=$(date +%s.%N)
    cargo build -q --profile "$profile" --manifest-path "$work/$1/Cargo.toml"
    end=$(date +%s.%N)
    awk -v s="$start" -v e="$end" 'BEGIN { print e - s }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { print a / b }'; }

bare_times=() cors_times=()
for ((run = 1; run <= runs; run++)); do
    # Alternate which crate goes first, so that neither always gets the warmer machine.
    if ((run % 2)); then
        b=$(seconds routes_bare); c=$(seconds routes_cors)
    else
        c=$(seconds routes_cors); b=$(seconds routes_bare)
    fi
    bare_times+=("$b") cors_times+=("$c")
    printf 'run %d: without #[cors] %.2f s, with #[cors] %.2f s, ratio %.3f\n' \
        "$run" "$b" "$c" "$(ratio "$c" "$b")"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mb=$(median "${bare_times[@]}")
mc=$(median "${cors_times[@]}")
printf '%d routes, profile %s, %d runs: median without #[cors] %.2f s, with #[cors] %.2f s, ratio %.3f\n' \
    "$routes" "$profile" "$runs" "$mb" "$mc" "$(ratio "$mc" "$mb")"
