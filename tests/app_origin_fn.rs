//! `origin_fn` that reads the application: a function of the app's `web::Data<T>`, `async` or
//! not, with its answers kept per worker for `origin_fn_ttl` seconds, at most
//! `origin_fn_cache_size` of them. Through real services: actual requests, preflights,
//! `on_mismatch = "reject"`, `outermost()` in front of an authentication layer, and an app that
//! lacks the data.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use actix_web::http::header::{ACCESS_CONTROL_ALLOW_ORIGIN, WWW_AUTHENTICATE};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, put, route, test, web, App, HttpResponse};
use cors_runtime::{cors, ReloadableOrigins};

use common::*;

/// The tenant table a real app keeps in a database: here a list, and a count of the questions
/// it was asked.
struct Tenants {
    origins: Mutex<Vec<&'static str>>,
    asked: AtomicUsize,
}

impl Tenants {
    fn new(origins: &[&'static str]) -> web::Data<Tenants> {
        web::Data::new(Tenants {
            origins: Mutex::new(origins.to_vec()),
            asked: AtomicUsize::new(0),
        })
    }

    fn asked(&self) -> usize {
        self.asked.load(Ordering::SeqCst)
    }

    fn lookup(&self, origin: &str) -> bool {
        self.asked.fetch_add(1, Ordering::SeqCst);
        self.origins.lock().unwrap().contains(&origin)
    }
}

const SHOP: &str = "https://shop.acme.example";
const GONE: &str = "https://gone.example";

/// The async form, which really waits: the request is parked until the answer comes.
async fn is_tenant(origin: &str, tenants: &Tenants) -> bool {
    actix_web::rt::task::yield_now().await;
    tenants.lookup(origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant)]
#[route("/uncached", method = "GET", method = "PUT")]
async fn uncached() -> HttpResponse {
    HttpResponse::Ok().body("orders")
}

async fn is_tenant_cached(origin: &str, tenants: &Tenants) -> bool {
    is_tenant(origin, tenants).await
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant_cached, origin_fn_ttl = 60)]
#[get("/cached")]
async fn cached() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant_cached, origin_fn_ttl = 60)]
#[put("/cached-too")]
async fn cached_too() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn is_tenant_small(origin: &str, tenants: &Tenants) -> bool {
    tenants.lookup(origin)
}

#[cors(
    origins = ["https://app.example.com"],
    origin_fn = is_tenant_small,
    origin_fn_ttl = 1,
    origin_fn_cache_size = 2
)]
#[get("/small")]
async fn small() -> HttpResponse {
    HttpResponse::Ok().finish()
}

static HANDLER_RAN: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, on_mismatch = "reject")]
#[get("/rejecting")]
async fn rejecting() -> HttpResponse {
    HANDLER_RAN.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().finish()
}

fn in_reloadable(origin: &str, tenants: &ReloadableOrigins) -> bool {
    tenants.allows(origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = in_reloadable)]
#[get("/reloadable")]
async fn reloadable() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn ends_in_partner(origin: &str) -> bool {
    actix_web::rt::task::yield_now().await;
    origin.ends_with(".partner.example")
}

#[cors(origins = ["https://app.example.com"], origin_fn = ends_in_partner)]
#[get("/partners")]
async fn partners() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn allow_origin(
    app: &impl TestApp,
    method: Method,
    path: &str,
    origin: &str,
) -> Option<String> {
    let req = from_origin(method, path, origin).to_request();
    let res = test::call_service(app, req).await;
    assert!(
        res.status().is_success(),
        "{path} from {origin}: {}",
        res.status()
    );
    header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN)
}

/// Whether the request's own origin is granted.
async fn grants(app: &impl TestApp, method: Method, path: &str, origin: &str) -> bool {
    allow_origin(app, method, path, origin).await.as_deref() == Some(origin)
}

/// Whether no origin at all is granted.
async fn refuses(app: &impl TestApp, method: Method, path: &str, origin: &str) -> bool {
    allow_origin(app, method, path, origin).await.is_none()
}

#[actix_web::test]
async fn an_async_check_reads_app_data_and_decides_actual_requests_and_preflights() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(App::new().app_data(tenants.clone()).service(uncached)).await;

    let req = from_origin(Method::GET, "/uncached", SHOP).to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(
        vary(&res),
        ["Origin"],
        "the answer depends on the origin alone"
    );
    assert_eq!(test::read_body(res).await, "orders");

    assert!(refuses(&app, Method::GET, "/uncached", GONE).await);
    assert_eq!(
        tenants.asked(),
        2,
        "without origin_fn_ttl, each request asks"
    );

    let res =
        test::call_service(&app, preflight("/uncached", SHOP, "PUT", None).to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    let res =
        test::call_service(&app, preflight("/uncached", GONE, "PUT", None).to_request()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&res).is_empty());

    // The listed origin never reaches the function.
    let asked = tenants.asked();
    assert!(grants(&app, Method::GET, "/uncached", APP).await);
    assert_eq!(tenants.asked(), asked);
}

#[actix_web::test]
async fn the_function_only_ever_sees_one_well_formed_web_origin() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(App::new().app_data(tenants.clone()).service(uncached)).await;
    for origin in [
        "null",
        "https://shop.acme.example/",
        "HTTPS://shop.acme.example",
        "https://shop.acme.example:443",
        "https://shop.acme.example, https://app.example.com",
        "chrome-extension://abcdefghijklmnop",
        "file://",
    ] {
        assert_eq!(
            allow_origin(&app, Method::GET, "/uncached", origin).await,
            None,
            "{origin}"
        );
    }
    let req = test::TestRequest::get()
        .uri("/uncached")
        .append_header(("Origin", SHOP))
        .append_header(("Origin", SHOP))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert!(cors_headers(&res).is_empty(), "two Origin headers");
    assert_eq!(tenants.asked(), 0);
}

#[actix_web::test]
async fn answers_are_kept_for_every_route_naming_the_function_allowed_or_not() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(
        App::new()
            .app_data(tenants.clone())
            .service(cached)
            .service(cached_too),
    )
    .await;
    for _ in 0..3 {
        assert!(grants(&app, Method::GET, "/cached", SHOP).await);
        assert!(refuses(&app, Method::GET, "/cached", GONE).await);
        assert!(grants(&app, Method::PUT, "/cached-too", SHOP).await);
        let res = test::call_service(
            &app,
            preflight("/cached-too", SHOP, "PUT", None).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
    }
    assert_eq!(
        tenants.asked(),
        2,
        "one question per origin, for both routes"
    );

    // Another app, with other data, asks its own questions.
    let other = Tenants::new(&[]);
    let other_app = test::init_service(App::new().app_data(other.clone()).service(cached)).await;
    assert!(refuses(&other_app, Method::GET, "/cached", SHOP).await);
    assert_eq!(other.asked(), 1);
    assert!(grants(&app, Method::GET, "/cached", SHOP).await);
    assert_eq!(tenants.asked(), 2);
}

#[actix_web::test]
async fn the_cache_keeps_at_most_its_size_for_at_most_its_ttl() {
    let tenants = Tenants::new(&[SHOP, "https://b.example", "https://c.example"]);
    let app = test::init_service(App::new().app_data(tenants.clone()).service(small)).await;
    for origin in [SHOP, "https://b.example", SHOP, "https://b.example"] {
        assert!(grants(&app, Method::GET, "/small", origin).await);
    }
    assert_eq!(tenants.asked(), 2);
    // A third origin makes room by dropping the oldest answer, the shop's.
    assert!(grants(&app, Method::GET, "/small", "https://c.example").await);
    assert!(grants(&app, Method::GET, "/small", "https://b.example").await);
    assert_eq!(tenants.asked(), 3);
    assert!(grants(&app, Method::GET, "/small", SHOP).await);
    assert_eq!(tenants.asked(), 4);

    // The shop leaves; its kept answer lasts `origin_fn_ttl = 1` second, not longer.
    tenants
        .origins
        .lock()
        .unwrap()
        .retain(|origin| *origin != SHOP);
    assert!(grants(&app, Method::GET, "/small", SHOP).await);
    actix_web::rt::time::sleep(Duration::from_millis(1100)).await;
    assert!(refuses(&app, Method::GET, "/small", SHOP).await);
    assert_eq!(tenants.asked(), 5);
}

#[actix_web::test]
async fn a_refused_origin_is_rejected_after_the_answer_without_running_the_handler() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(App::new().app_data(tenants.clone()).service(rejecting)).await;
    let before = HANDLER_RAN.load(Ordering::SeqCst);
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/rejecting", GONE).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(HANDLER_RAN.load(Ordering::SeqCst), before);
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/rejecting", SHOP).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(HANDLER_RAN.load(Ordering::SeqCst), before + 1);
}

#[actix_web::test]
async fn a_reloadable_list_kept_in_app_data_is_read_by_a_sync_function() {
    let origins = web::Data::new(ReloadableOrigins::new());
    origins.replace(["https://*.tenants.example.com"]).unwrap();
    let app = test::init_service(App::new().app_data(origins.clone()).service(reloadable)).await;
    let eu = "https://eu.tenants.example.com";
    assert!(grants(&app, Method::GET, "/reloadable", eu).await);
    origins.replace([SHOP]).unwrap();
    assert!(refuses(&app, Method::GET, "/reloadable", eu).await);
    assert!(grants(&app, Method::GET, "/reloadable", SHOP).await);
}

#[actix_web::test]
async fn an_async_function_without_app_data() {
    let app = test::init_service(App::new().service(partners)).await;
    let partner = "https://eu.partner.example";
    assert!(grants(&app, Method::GET, "/partners", partner).await);
    assert!(refuses(&app, Method::GET, "/partners", GONE).await);
}

#[actix_web::test]
async fn an_app_without_the_data_refuses_the_origin_without_failing_the_request() {
    let app = test::init_service(App::new().service(uncached).service(reloadable)).await;
    for path in ["/uncached", "/reloadable"] {
        assert!(refuses(&app, Method::GET, path, SHOP).await);
        // The listed origins are unaffected.
        assert!(grants(&app, Method::GET, path, APP).await);
    }
    let res =
        test::call_service(&app, preflight("/uncached", SHOP, "PUT", None).to_request()).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

/// Answers `401` for requests without a token, as an authentication middleware does.
async fn require_token(
    req: actix_web::dev::ServiceRequest,
    next: Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    if req.headers().contains_key("authorization") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let response = HttpResponse::Unauthorized()
        .insert_header((WWW_AUTHENTICATE, "Bearer"))
        .finish();
    Ok(req.into_response(response))
}

#[actix_web::test]
async fn outermost_waits_for_the_answer_and_asks_once_per_request() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(
        App::new()
            .app_data(tenants.clone())
            .service(uncached)
            .wrap(from_fn(require_token))
            .wrap(cors_runtime::outermost()),
    )
    .await;

    // Answered before the authentication layer, which would take it for a request without a
    // token.
    let res =
        test::call_service(&app, preflight("/uncached", SHOP, "PUT", None).to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(tenants.asked(), 1);

    // The layer's 401 carries the route's CORS headers, so the page can read why.
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/uncached", SHOP).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(tenants.asked(), 2);

    // With a token, the route's layer takes the answer outermost() waited for.
    let req = from_origin(Method::GET, "/uncached", SHOP)
        .insert_header(("Authorization", "Bearer t"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(SHOP)
    );
    assert_eq!(
        tenants.asked(),
        3,
        "asked once for the request, not by both layers"
    );

    let req = from_origin(Method::GET, "/uncached", GONE)
        .insert_header(("Authorization", "Bearer t"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(cors_headers(&res).is_empty());
    assert_eq!(tenants.asked(), 4);
}

#[actix_web::test]
async fn the_audit_names_the_function_and_how_its_answers_are_kept() {
    let line = |route: &str| {
        let policy = cors_runtime::policies()
            .into_iter()
            .find(|policy| policy.route() == route)
            .expect("listed");
        policy.to_string()
    };
    assert!(
        line("small")
            .contains("origin_fn is_tenant_small (in app_origin_fn; answers kept 1 s, at most 2)"),
        "{}",
        line("small")
    );
    assert!(line("cached").contains("answers kept 60 s, at most 10000)"));
    assert!(line("uncached").contains("origin_fn is_tenant (in app_origin_fn; waits at most 5 s)"));
    let function = cors_runtime::policies()
        .into_iter()
        .find(|policy| policy.route() == "partners")
        .and_then(|policy| policy.origin_fn())
        .expect("an origin_fn");
    assert!(!function.is_plain());
    assert_eq!(function.cache(), None);
}

/// The route's tenants live on its scope, not on the App.
fn in_scope(tenants: web::Data<Tenants>) -> actix_web::Scope {
    web::scope("/in-scope").app_data(tenants).service(uncached)
}

#[actix_web::test]
async fn outermost_reads_the_apps_data_and_a_route_that_sees_other_data_refuses_and_rejects() {
    // Data on the scope only: outermost() runs before the scope adds it, so it cannot vouch for
    // any origin, and the route's layer, which sees it, will not take a verdict reached without.
    let scoped = Tenants::new(&[SHOP]);
    let app = test::init_service(
        App::new()
            .service(in_scope(scoped.clone()))
            .wrap(from_fn(require_token))
            .wrap(cors_runtime::outermost()),
    )
    .await;
    let res = test::call_service(
        &app,
        preflight("/in-scope/uncached", SHOP, "PUT", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(cors_headers(&res).is_empty());

    // The App's data says one thing and the scope's another: outermost() answers preflights by the
    // App's, and the route's layer rejects what the two disagree on before the handler runs.
    let app_wide = Tenants::new(&[GONE]);
    let app = test::init_service(
        App::new()
            .app_data(app_wide.clone())
            .service(in_scope(scoped.clone()))
            .wrap(cors_runtime::outermost()),
    )
    .await;
    for (method, status) in [
        (Method::GET, StatusCode::FORBIDDEN),
        (Method::PUT, StatusCode::FORBIDDEN),
    ] {
        let req = from_origin(method, "/in-scope/uncached", GONE).to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), status);
        assert!(cors_headers(&res).is_empty());
    }
    let req = from_origin(Method::GET, "/in-scope/uncached", SHOP).to_request();
    let res = test::call_service(&app, req).await;
    assert!(
        cors_headers(&res).is_empty(),
        "the App's data does not list the shop"
    );

    // Without outermost(), the route reads its scope's data, as actix-web's extractors do.
    let app = test::init_service(App::new().app_data(app_wide).service(in_scope(scoped))).await;
    assert!(grants(&app, Method::GET, "/in-scope/uncached", SHOP).await);
    assert!(refuses(&app, Method::GET, "/in-scope/uncached", GONE).await);
}

/// Copies `X-Forwarded-Origin` into `Origin`, as a confused proxy layer might.
async fn rewrite_origin(
    mut req: actix_web::dev::ServiceRequest,
    next: Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if let Some(value) = req.headers().get("x-forwarded-origin").cloned() {
        req.headers_mut()
            .insert(actix_web::http::header::ORIGIN, value);
    }
    next.call(req).await
}

#[actix_web::test]
async fn a_verdict_handed_over_by_outermost_grants_only_the_origin_it_was_reached_for() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(
        App::new()
            .app_data(tenants.clone())
            .service(uncached)
            .wrap(from_fn(rewrite_origin))
            .wrap(cors_runtime::outermost()),
    )
    .await;
    let req = from_origin(Method::GET, "/uncached", SHOP)
        .insert_header(("X-Forwarded-Origin", GONE))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert!(cors_headers(&res).is_empty(), "{:?}", cors_headers(&res));
    assert_eq!(tenants.asked(), 1);
}

#[actix_web::test]
async fn a_sync_function_of_app_data_is_asked_once_per_request_under_outermost() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(
        App::new()
            .app_data(tenants.clone())
            .service(reloadable_by_db)
            .wrap(cors_runtime::outermost()),
    )
    .await;
    for (round, origin) in [SHOP, GONE, SHOP].into_iter().enumerate() {
        let expected = (origin == SHOP).then_some(origin);
        let req = from_origin(Method::GET, "/sync-db", origin).to_request();
        let res = test::call_service(&app, req).await;
        let granted = header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN);
        assert_eq!(granted.as_deref(), expected);
        assert_eq!(tenants.asked(), round + 1);
    }
}

fn in_db_now(origin: &str, tenants: &Tenants) -> bool {
    tenants.lookup(origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = in_db_now)]
#[get("/sync-db")]
async fn reloadable_by_db() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn refusals_by_the_function_or_for_missing_data_still_vary_by_origin() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(App::new().app_data(tenants).service(uncached)).await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/uncached", GONE).to_request(),
    )
    .await;
    assert!(cors_headers(&res).is_empty());
    assert_eq!(vary(&res), ["Origin"]);
    let app = test::init_service(App::new().service(uncached)).await;
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/uncached", SHOP).to_request(),
    )
    .await;
    assert!(cors_headers(&res).is_empty());
    assert_eq!(vary(&res), ["Origin"]);
}

/// A function pointer: its type is shared by every such function, so its cache is its own.
const POINTER_CHECK: fn(&str, &Tenants) -> bool = |origin, tenants| tenants.lookup(origin);

#[cors(origins = ["https://app.example.com"], origin_fn = POINTER_CHECK, origin_fn_ttl = 60)]
#[get("/pointer")]
async fn by_pointer() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn a_function_pointer_keeps_its_answers_too() {
    let tenants = Tenants::new(&[SHOP]);
    let app = test::init_service(App::new().app_data(tenants.clone()).service(by_pointer)).await;
    for _ in 0..3 {
        assert!(grants(&app, Method::GET, "/pointer", SHOP).await);
    }
    assert_eq!(tenants.asked(), 1);
}

#[actix_web::test]
async fn allows_origin_without_a_request_asks_only_plain_functions() {
    let policy = |route: &str| {
        cors_runtime::policies()
            .into_iter()
            .find(|policy| policy.route() == route)
            .expect("listed")
    };
    // No request, so no app data and nothing to wait on: such functions allow nothing here.
    assert!(!policy("uncached").allows_origin(SHOP));
    assert!(!policy("partners").allows_origin("https://eu.partner.example"));
    assert!(policy("uncached").allows_origin(APP));
}
