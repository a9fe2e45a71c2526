//! `origin_fn_timeout`: an `async` `origin_fn` that does not answer in time refuses the origin
//! instead of holding the request, under `#[cors]` alone and under `outermost()` (which asks the
//! function before any of the app's middleware runs, a timeout middleware included). Each request
//! here is sent with a far longer deadline of the test's own, so that a request the app holds
//! fails the test instead of hanging it.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};
use std::time::Duration;

use actix_web::dev::ServiceResponse;
use actix_web::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, WWW_AUTHENTICATE};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, test, web, App, HttpResponse};
use cors_runtime::cors;

use common::*;

const SHOP: &str = "https://shop.acme.example";

/// A tenant lookup on a database that stopped answering.
async fn never_answers(_: &str) -> bool {
    std::future::pending::<()>().await;
    true
}

#[cors(origins = ["https://app.example.com"], origin_fn = never_answers, origin_fn_timeout = 1)]
#[get("/stuck")]
async fn stuck() -> HttpResponse {
    HttpResponse::Ok().finish()
}

struct TenantDb;

/// The same, in the form that reads the app's data.
async fn never_answers_with_data(_: &str, _: &TenantDb) -> bool {
    std::future::pending::<()>().await;
    true
}

#[cors(
    origins = ["https://app.example.com"],
    origin_fn = never_answers_with_data,
    origin_fn_timeout = 1,
    on_mismatch = "reject"
)]
#[get("/stuck-rejecting")]
async fn stuck_rejecting() -> HttpResponse {
    HttpResponse::Ok().finish()
}

static SLOW_ONCE_ASKED: AtomicUsize = AtomicUsize::new(0);

/// Hangs the first time it is asked, then answers at once.
async fn slow_once(origin: &str) -> bool {
    if SLOW_ONCE_ASKED.fetch_add(1, Ordering::SeqCst) == 0 {
        std::future::pending::<()>().await;
    }
    origin == SHOP
}

#[cors(
    origins = ["https://app.example.com"],
    origin_fn = slow_once,
    origin_fn_ttl = 60,
    origin_fn_timeout = 1
)]
#[get("/slow-once")]
async fn slow_once_route() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], origin_fn = never_answers, origin_fn_timeout = 1)]
#[get("/reported")]
async fn reported() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn is_listed_tenant(origin: &str) -> bool {
    origin == SHOP
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_listed_tenant)]
#[get("/sync")]
async fn sync_check() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], origin_fn = never_answers)]
#[get("/default-timeout")]
async fn default_timeout() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Sends `req`, failing the test if the app holds it far past the routes' one-second timeout.
async fn call<B>(app: &impl TestApp<B>, req: test::TestRequest) -> ServiceResponse<B> {
    let response = test::call_service(app, req.to_request());
    actix_web::rt::time::timeout(Duration::from_secs(30), response)
        .await
        .expect("the app held the request past its origin_fn_timeout")
}

/// Answers `401` for requests without a token, as an authentication middleware does.
async fn require_token(
    req: actix_web::dev::ServiceRequest,
    next: Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if req.headers().contains_key("authorization") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let response = HttpResponse::Unauthorized()
        .insert_header((WWW_AUTHENTICATE, "Bearer"))
        .finish();
    Ok(req.into_response(response))
}

#[actix_web::test]
async fn a_check_that_never_answers_refuses_the_origin() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(TenantDb))
            .service(stuck)
            .service(stuck_rejecting),
    )
    .await;

    let res = call(&app, from_origin(Method::GET, "/stuck", SHOP)).await;
    assert_eq!(res.status(), StatusCode::OK, "the handler ran");
    assert!(cors_headers(&res).is_empty());
    assert!(vary(&res).contains(&"Origin".to_owned()));

    let res = call(&app, preflight("/stuck", SHOP, "GET", None)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&res).is_empty());

    // The listed origin never waits for the function.
    let res = call(&app, from_origin(Method::GET, "/stuck", APP)).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );

    let res = call(&app, from_origin(Method::GET, "/stuck-rejecting", SHOP)).await;
    assert_eq!(
        res.status(),
        StatusCode::FORBIDDEN,
        "rejected like any refusal"
    );
    assert!(cors_headers(&res).is_empty());
}

#[actix_web::test]
async fn outermost_gives_up_too_ahead_of_the_apps_middleware() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(TenantDb))
            .service(stuck)
            .service(stuck_rejecting)
            .wrap(from_fn(require_token))
            .wrap(cors_runtime::outermost()),
    )
    .await;

    let res = call(&app, preflight("/stuck", SHOP, "GET", None)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&res).is_empty());

    let res = call(&app, from_origin(Method::GET, "/stuck", SHOP)).await;
    assert_eq!(
        res.status(),
        StatusCode::UNAUTHORIZED,
        "the app's middleware ran"
    );
    assert!(cors_headers(&res).is_empty());

    let with_token =
        |path| from_origin(Method::GET, path, SHOP).insert_header(("Authorization", "Bearer t"));
    let res = call(&app, with_token("/stuck")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(cors_headers(&res).is_empty());

    let res = call(&app, with_token("/stuck-rejecting")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&res).is_empty());
}

#[actix_web::test]
async fn a_refusal_for_want_of_an_answer_is_not_kept() {
    let app = test::init_service(App::new().service(slow_once_route)).await;

    let res = call(&app, from_origin(Method::GET, "/slow-once", SHOP)).await;
    assert!(cors_headers(&res).is_empty());
    // Asked again rather than answered from the cache, although answers are kept 60 s.
    let res = call(&app, from_origin(Method::GET, "/slow-once", SHOP)).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(SLOW_ONCE_ASKED.load(Ordering::SeqCst), 2);
    // The answer that came is kept.
    let res = call(&app, from_origin(Method::GET, "/slow-once", SHOP)).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(SLOW_ONCE_ASKED.load(Ordering::SeqCst), 2);
}

/// Keeps the `warn` records of `cors_runtime`.
struct Warnings(Mutex<Vec<String>>);

impl log::Log for Warnings {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target() == "cors_runtime" && metadata.level() <= log::Level::Warn
    }
    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            self.0.lock().unwrap().push(record.args().to_string());
        }
    }
    fn flush(&self) {}
}

static WARNINGS: Warnings = Warnings(Mutex::new(Vec::new()));

#[actix_web::test]
async fn the_timeout_is_reported_once_per_route_and_worker() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        log::set_logger(&WARNINGS).unwrap();
        log::set_max_level(log::LevelFilter::Warn);
    });
    let app = test::init_service(App::new().service(reported)).await;
    for origin in [SHOP, "https://other.acme.example"] {
        let res = call(&app, from_origin(Method::GET, "/reported", origin)).await;
        assert!(cors_headers(&res).is_empty());
    }
    let warnings = WARNINGS.0.lock().unwrap();
    let about_route: Vec<&String> = warnings
        .iter()
        .filter(|line| line.contains("route `reported`"))
        .collect();
    assert_eq!(about_route.len(), 1, "{warnings:#?}");
    assert!(
        about_route[0].starts_with("origin_fn `never_answers` gave no answer within 1 s"),
        "{}",
        about_route[0]
    );
}

#[actix_web::test]
async fn the_audit_shows_how_long_a_request_waits() {
    let policy = |route: &str| {
        cors_runtime::policies()
            .into_iter()
            .find(|policy| policy.route() == route)
            .expect("listed")
    };
    let timeout = |route| policy(route).origin_fn().expect("an origin_fn").timeout();
    assert_eq!(timeout("stuck"), Some(Duration::from_secs(1)));
    assert_eq!(timeout("default_timeout"), Some(Duration::from_secs(5)));
    assert_eq!(
        timeout("sync_check"),
        None,
        "a synchronous function is not waited for"
    );
    assert!(policy("slow_once_route")
        .to_string()
        .contains("origin_fn slow_once (in origin_fn_timeout; waits at most 1 s; answers kept 60 s, at most 10000)"));
    assert!(policy("sync_check")
        .to_string()
        .contains("origin_fn is_listed_tenant (in origin_fn_timeout)"));
}
