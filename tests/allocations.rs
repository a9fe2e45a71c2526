//! Heap allocations per request, counted exactly by a counting global allocator: a bare route,
//! the same route under `#[cors]` (allowed, refused and origin-less actual requests, allowed and
//! refused preflights), the same again inside `cors_runtime::outermost()`, and under actix-cors
//! with the same policy, a preflight for the second of two handlers on one path, and a `#[cors]`
//! route on a dynamic path. It prints the table and fails when `#[cors]` adds an allocation to an
//! actual request on a static path, when `outermost()` adds one (beyond one per dynamic pattern
//! the resource map tries, on a dynamic path), when an allowed preflight (with or without
//! `outermost()`) costs more than a bare GET, or when it costs no less than actix-cors' preflight.
//!
//!     cargo test --release --test allocations
//!
//! Counts, not time: they are exact and repeat from run to run, so a test may assert them.
//!
//! To see where a case's allocations come from, name it in `ALLOC_TRACE`: one warm request of that
//! case then prints a short backtrace per allocation.
//!
//!     ALLOC_TRACE='#[cors] preflight, allowed' cargo test --test allocations

mod variants;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};

use actix_web::{test, App};
use variants::*;

/// Counts every allocation (and reallocation, which may move) and the bytes asked for.
struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static BYTES: AtomicU64 = AtomicU64::new(0);
static TRACING: AtomicBool = AtomicBool::new(false);

thread_local!(static TRACER_BUSY: Cell<bool> = const { Cell::new(false) });

fn count(size: usize) {
    let tracing = TRACING.load(Relaxed);
    if tracing && TRACER_BUSY.with(Cell::get) {
        return; // the tracer's own allocations, not the request's
    }
    ALLOCATIONS.fetch_add(1, Relaxed);
    BYTES.fetch_add(size as u64, Relaxed);
    if tracing {
        trace(size);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Prints the frames of the current backtrace that say who allocated (not the allocator's own).
fn trace(size: usize) {
    TRACER_BUSY.with(|busy| busy.set(true));
    let backtrace = std::backtrace::Backtrace::force_capture().to_string();
    let callers: Vec<&str> = backtrace
        .lines()
        .filter(|line| !line.trim_start().starts_with("at "))
        .filter(|line| {
            !["alloc::", "allocations::", "core::", "std::"]
                .iter()
                .any(|s| line.contains(s))
        })
        .take(6)
        .collect();
    eprintln!("-- {size} bytes\n{}", callers.join("\n"));
    TRACER_BUSY.with(|busy| busy.set(false));
}

const WARM_UP: u64 = 200;
const REQUESTS: u64 = 2_000;

/// Allocations and bytes per request for one case.
#[derive(Clone, Copy, PartialEq)]
struct PerRequest {
    allocations: f64,
    bytes: f64,
}

const CASES: [Shape; 15] = [
    BARE_GET,
    CORS_ALLOWED,
    CORS_REFUSED,
    CORS_NO_ORIGIN,
    CORS_PREFLIGHT,
    CORS_PREFLIGHT_REFUSED,
    TWO_HANDLERS_PREFLIGHT,
    RELOADABLE_ALLOWED,
    ASYNC_CHECK_ALLOWED,
    ASYNC_CHECK_UNCACHED_ALLOWED,
    CORS_DYNAMIC_ALLOWED,
    CORS_DYNAMIC_PREFLIGHT,
    ACTIX_CORS_ALLOWED,
    ACTIX_CORS_NO_ORIGIN,
    ACTIX_CORS_PREFLIGHT,
];

/// The `#[cors]` cases again, in an app wrapped in `cors_runtime::outermost()`.
const OUTERMOST_CASES: [Shape; 9] = [
    CORS_ALLOWED,
    CORS_REFUSED,
    CORS_NO_ORIGIN,
    CORS_PREFLIGHT,
    TWO_HANDLERS_PREFLIGHT,
    ASYNC_CHECK_ALLOWED,
    ASYNC_CHECK_UNCACHED_ALLOWED,
    CORS_DYNAMIC_ALLOWED,
    CORS_DYNAMIC_PREFLIGHT,
];

fn main() -> ExitCode {
    let (counts, outermost_counts) = actix_web::rt::System::new().block_on(async {
        let app = test::init_service(App::new().configure(configure)).await;
        let mut counts = Vec::new();
        for case in CASES {
            counts.push(measure(&app, case).await);
        }
        let app = test::init_service(
            App::new()
                .configure(configure)
                .wrap(cors_runtime::outermost()),
        )
        .await;
        let mut outermost_counts = Vec::new();
        for case in OUTERMOST_CASES {
            outermost_counts.push(measure(&app, case).await);
        }
        (counts, outermost_counts)
    });

    let bare = counts[0];
    println!(
        "{:56} {:>12} {:>12} {:>10}",
        "allocations per request", "allocations", "bytes", "added"
    );
    let rows = CASES.iter().map(|case| case.name.to_owned()).zip(&counts);
    let outermost_rows = OUTERMOST_CASES
        .iter()
        .map(|case| format!("outermost(), {}", case.name))
        .zip(&outermost_counts);
    for (name, count) in rows.chain(outermost_rows) {
        println!(
            "{:56} {:>12.2} {:>12.1} {:>+10.2}",
            name,
            count.allocations,
            count.bytes,
            count.allocations - bare.allocations
        );
    }

    let of = |shape: Shape| counts[CASES.iter().position(|c| c.name == shape.name).unwrap()];
    let mut failures = Vec::new();
    for shape in [
        CORS_ALLOWED,
        CORS_REFUSED,
        CORS_NO_ORIGIN,
        RELOADABLE_ALLOWED,
        ASYNC_CHECK_ALLOWED,
    ] {
        if of(shape).allocations > bare.allocations {
            failures.push(format!("{} adds allocations to a bare GET", shape.name));
        }
    }
    let actix_cors_preflight = of(ACTIX_CORS_PREFLIGHT).allocations;
    for (shape, count) in [
        CORS_PREFLIGHT,
        TWO_HANDLERS_PREFLIGHT,
        CORS_DYNAMIC_PREFLIGHT,
    ]
    .into_iter()
    .map(|shape| (shape, of(shape)))
    .chain(
        OUTERMOST_CASES
            .into_iter()
            .zip(outermost_counts.iter().copied())
            .filter(|(shape, _)| shape.preflight),
    ) {
        if count.allocations > bare.allocations {
            failures.push(format!("{} allocates more than a bare GET", shape.name));
        }
        if count.allocations >= actix_cors_preflight {
            failures.push(format!("{} allocates no less than actix-cors'", shape.name));
        }
    }
    // An app-data `origin_fn` under `outermost()` pays for handing its verdict to the route's
    // layer (the request's extensions): reported, not held to the target of routes without one.
    let hands_over = |case: &Shape| [ASYNC_CHECK, ASYNC_CHECK_UNCACHED].contains(&case.path);
    // On a dynamic path, `outermost()` asks the resource map which resource comes first, and the
    // map's walk allocates for each dynamic pattern it tries (the router's walk does too): at
    // most one allocation per dynamic pattern up to the route's own.
    let dynamic_patterns_tried = |case: &Shape| (case.path == DYNAMIC) as u8 as f64;
    for (case, count) in OUTERMOST_CASES.iter().zip(&outermost_counts) {
        let allowed = of(*case).allocations + dynamic_patterns_tried(case);
        if !hands_over(case) && count.allocations > allowed {
            failures.push(format!("outermost() adds allocations to {}", case.name));
        }
    }
    if failures.is_empty() {
        println!("allocation targets met");
        ExitCode::SUCCESS
    } else {
        eprintln!("allocation targets missed:\n  {}", failures.join("\n  "));
        ExitCode::FAILURE
    }
}

/// Sends `case` through `app` and counts what one request costs once warm, from the request
/// reaching the app to the response being dropped. Building the test request is not counted:
/// on a real server the request comes out of actix-http's pools and read buffer.
async fn measure<S, B>(app: &S, case: Shape) -> PerRequest
where
    S: actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<B>,
        Error = actix_web::Error,
    >,
{
    let traced = std::env::var("ALLOC_TRACE").is_ok_and(|name| name == case.name);
    let mut allocations = 0;
    let mut bytes = 0;
    for round in 0..WARM_UP + REQUESTS {
        let req = case.test_request().to_request();
        let (a0, b0) = (ALLOCATIONS.load(Relaxed), BYTES.load(Relaxed));
        TRACING.store(traced && round == WARM_UP, Relaxed);
        let res = test::call_service(app, req).await;
        assert_eq!(res.status().as_u16(), case.status, "{}", case.name);
        drop(res);
        TRACING.store(false, Relaxed);
        if round >= WARM_UP {
            allocations += ALLOCATIONS.load(Relaxed) - a0;
            bytes += BYTES.load(Relaxed) - b0;
        }
    }
    PerRequest {
        allocations: allocations as f64 / REQUESTS as f64,
        bytes: bytes as f64 / REQUESTS as f64,
    }
}
