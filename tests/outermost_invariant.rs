//! `outermost()` never grants what the route the router actually selects would refuse: the cases
//! where its route table could mispredict the router, each reproduced. Where the table cannot be
//! sure, it answers nothing and decorates nothing (the request is the app's own business, as
//! without `outermost()`), warns once when it builds the table, and logs why at debug level.
//!
//! The property test of the same invariant over generated apps is `tests/properties/outermost.rs`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::task::Poll;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::guard;
use actix_web::http::header::*;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, put, test, web, App, HttpResponse};
use cors_runtime::{cors, outermost};

mod common;
use common::*;

const ADMIN_UI: &str = "https://admin.example.com";
const PUBLIC_UI: &str = "https://www.example.com";
const PARTNER: &str = "https://partner.example.org";

mod twins {
    use super::*;

    /// The admin API: the admin UI, with cookies.
    #[cors(origins = ["https://admin.example.com"], credentials = true)]
    #[put("/items")]
    pub async fn admin_items() -> HttpResponse {
        HttpResponse::Ok().body("admin")
    }

    /// The public API on the same path, another host: the public UI, with cookies.
    #[cors(origins = ["https://www.example.com"], credentials = true)]
    #[put("/items")]
    pub async fn public_items() -> HttpResponse {
        HttpResponse::Ok().body("public")
    }

    /// Readable by any site, on the API host.
    #[cors(origins = ["*"])]
    #[put("/status")]
    pub async fn open_status() -> HttpResponse {
        HttpResponse::Ok().body("open")
    }

    /// Readable by the admin UI only, on the intranet host.
    #[cors(origins = ["https://admin.example.com"], credentials = true)]
    #[put("/status")]
    pub async fn intranet_status() -> HttpResponse {
        HttpResponse::Ok().body("intranet")
    }
}

fn on_host(host: &'static str, req: test::TestRequest) -> test::TestRequest {
    req.insert_header((HOST, host))
}

/// Two `web::scope("/api")` told apart only by `guard::Host`: `outermost()` cannot see scope
/// guards, so it answers neither scope's routes; the router's choice answers, each scope's own
/// policy for its own host.
#[actix_web::test]
async fn two_scopes_told_apart_by_a_host_guard() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .guard(guard::Host("admin.example.com"))
                    .service(twins::admin_items),
            )
            .service(
                web::scope("/api")
                    .guard(guard::Host("www.example.com"))
                    .service(twins::public_items),
            )
            .wrap(outermost()),
    )
    .await;
    let cases = [
        ("admin.example.com", ADMIN_UI, Some(ADMIN_UI)),
        ("admin.example.com", PUBLIC_UI, None),
        ("www.example.com", PUBLIC_UI, Some(PUBLIC_UI)),
        ("www.example.com", ADMIN_UI, None),
    ];
    for (host, origin, granted) in cases {
        let res = send(
            &app,
            on_host(host, preflight("/api/items", origin, "PUT", None)),
        )
        .await;
        assert_eq!(res.allow_origin(), granted, "preflight {origin} on {host}");
        let expected = if granted.is_some() { 204 } else { 403 };
        assert_eq!(
            res.status.as_u16(),
            expected,
            "preflight {origin} on {host}"
        );
        let actual = from_origin(Method::PUT, "/api/items", origin);
        let res = send(&app, on_host(host, actual)).await;
        assert_eq!(res.allow_origin(), granted, "PUT {origin} on {host}");
    }
}

/// A `*` API scope on one host and an intranet scope on another: another site's preflight to the
/// intranet host is not answered with the API's `*`.
#[actix_web::test]
async fn a_wildcard_scope_and_an_intranet_scope_on_one_prefix() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/v1")
                    .guard(guard::Host("api.example.com"))
                    .service(twins::open_status),
            )
            .service(
                web::scope("/v1")
                    .guard(guard::Host("intranet.example.com"))
                    .service(twins::intranet_status),
            )
            .wrap(outermost()),
    )
    .await;
    let to_intranet = |req| on_host("intranet.example.com", req);
    let res = send(
        &app,
        to_intranet(preflight("/v1/status", PARTNER, "PUT", None)),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.allow_origin(), None);
    let res = send(
        &app,
        to_intranet(from_origin(Method::PUT, "/v1/status", PARTNER)),
    )
    .await;
    assert_eq!(res.allow_origin(), None);
    let res = send(
        &app,
        to_intranet(preflight("/v1/status", ADMIN_UI, "PUT", None)),
    )
    .await;
    assert_eq!(res.allow_origin(), Some(ADMIN_UI));
    let to_api = |req| on_host("api.example.com", req);
    let res = send(&app, to_api(preflight("/v1/status", PARTNER, "PUT", None))).await;
    assert_eq!(res.allow_origin(), Some("*"));
}

#[cors(origins = ["https://www.example.com"], credentials = true)]
#[get("/account")]
async fn account() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(("X-Private", "yes"))
        .body("private")
}

/// Runs the rest of the chain in a task of its own (as a middleware that contains panics does),
/// and removes the CORS headers of responses it marks private: what `outermost()` must not add
/// back.
async fn spawned_and_private(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let mut res = actix_web::rt::spawn(next.call(req))
        .await
        .map_err(actix_web::error::ErrorInternalServerError)??;
    if res.headers().contains_key("x-private") {
        res.headers_mut().remove(ACCESS_CONTROL_ALLOW_ORIGIN);
        res.headers_mut().remove(ACCESS_CONTROL_ALLOW_CREDENTIALS);
    }
    Ok(res)
}

/// Polls every future in turn until all are done, so that their requests interleave.
async fn all<F: Future>(futures: Vec<F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in futures.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    Poll::Ready(done) => *output = Some(done),
                    Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

/// The route's "answered" mark travels with the request, so it survives a middleware between the
/// two layers that moves the rest of the chain to another task, with requests interleaved.
#[actix_web::test]
async fn the_routes_mark_survives_a_middleware_that_spawns_the_inner_chain() {
    let app = test::init_service(
        App::new()
            .service(account)
            .wrap(from_fn(spawned_and_private))
            .wrap(outermost()),
    )
    .await;
    let requests = (0..16).map(|round| {
        let origin = if round % 2 == 0 { PUBLIC_UI } else { PARTNER };
        send(&app, from_origin(Method::GET, "/account", origin))
    });
    for res in all(requests.collect()).await {
        assert_eq!(res.status, StatusCode::OK);
        assert_eq!(res.allow_origin(), None, "{:?}", res.headers);
        assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    }
}

#[cors(origins = ["https://www.example.com"], credentials = true)]
#[get("/items/{id}")]
async fn show_item() -> HttpResponse {
    HttpResponse::Ok().body("an item")
}

/// A resource registered by hand before a dynamic `#[cors]` pattern that also matches its path:
/// the router gives it the request, so the `#[cors]` route's policy must not answer for it.
#[actix_web::test]
async fn a_resource_registered_by_hand_before_a_dynamic_route() {
    let app = test::init_service(
        App::new()
            .service(web::resource("/items/special").to(|| async { "special, no CORS" }))
            .service(show_item)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items/special", PUBLIC_UI, "GET", None)).await;
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, from_origin(Method::GET, "/items/special", PUBLIC_UI)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
    // The route's own paths are still answered before the app's middleware.
    let res = send(&app, preflight("/items/7", PUBLIC_UI, "GET", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(PUBLIC_UI));
}

/// actix-web's own routing macro, without `#[cors]`, on the same path as a `#[cors]` route
/// registered after it.
#[get("/items/{id}")]
async fn plain_item() -> HttpResponse {
    HttpResponse::Ok().body("plain")
}

#[actix_web::test]
async fn a_route_without_cors_registered_first_on_an_overlapping_pattern() {
    let app = test::init_service(
        App::new()
            .service(plain_item)
            .service(show_item)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/items/7", PUBLIC_UI)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    let res = send(&app, preflight("/items/7", PUBLIC_UI, "GET", None)).await;
    assert_eq!(res.allow_origin(), None);
}

#[cors(origins = ["https://www.example.com"], credentials = true)]
#[get("/api/export")]
async fn export() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the scope owns /api")
}

/// A scope owns `/api`: its 404 for `/api/export` is not the app-level route's, which the router
/// never reaches.
#[actix_web::test]
async fn a_scope_that_owns_a_prefix_answers_its_own_404() {
    let app = test::init_service(
        App::new()
            .service(web::scope("/api").route("/other", web::get().to(HttpResponse::Ok)))
            .service(export)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/api/export", PUBLIC_UI)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, preflight("/api/export", PUBLIC_UI, "GET", None)).await;
    assert_eq!(res.allow_origin(), None);
}

/// A literal `%7B` in a scope path: nothing panics, the route still answers what reaches it, and
/// `outermost()` answers for it nothing it cannot mirror.
#[actix_web::test]
async fn a_percent_encoded_brace_in_a_scope_path() {
    let app = test::init_service(
        App::new()
            .service(web::scope("/a%7Bb").service(account))
            .service(show_item)
            .wrap(outermost()),
    )
    .await;
    for _ in 0..3 {
        let res = send(&app, from_origin(Method::GET, "/items/1", PUBLIC_UI)).await;
        assert_eq!(res.allow_origin(), Some(PUBLIC_UI));
        let res = send(&app, preflight("/items/1", PUBLIC_UI, "GET", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
        let res = send(&app, from_origin(Method::GET, "/nowhere", PUBLIC_UI)).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND);
    }
}

/// A handler registered by hand, with a policy of its own: the route table cannot see it.
#[cors(origins = ["https://partner.example.org"], methods = ["PUT"])]
async fn settings() -> HttpResponse {
    HttpResponse::Ok().body("settings")
}

mod cors_policies {
    cors_runtime::policy!(FALLBACK {
        origins = ["https://www.example.com"],
        methods = ["GET", "PUT"],
    });
}

/// A default policy never answers for a handler registered by hand: its own layer does.
#[actix_web::test]
async fn a_default_policy_leaves_handlers_registered_by_hand_to_their_own_policy() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/settings")
                    .route(web::put().to(settings))
                    .wrap(settings::cors()),
            )
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, preflight("/settings", PUBLIC_UI, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None);
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = send(&app, preflight("/settings", PARTNER, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(PARTNER));
    let res = send(&app, from_origin(Method::PUT, "/settings", PUBLIC_UI)).await;
    assert_eq!(res.allow_origin(), None);
    // What no resource serves is still the default's.
    let res = send(&app, from_origin(Method::GET, "/nothing", PUBLIC_UI)).await;
    assert_eq!(res.allow_origin(), Some(PUBLIC_UI));
}

/// What `outermost()` cannot notice, pinned as SECURITY.md documents it ("Known limits"): it does
/// not see a scope's guard, so a scope guarded on its own (no twin on its prefix) is taken for
/// unguarded. Its preflights are answered with the route's policy on every host; the response
/// of the request the guard turns away carries it too. The fix the docs give, the guard on the
/// route, which `outermost()` sees, is checked last.
#[actix_web::test]
async fn limit_a_guard_on_a_lone_scope_is_out_of_sight() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/intranet")
                    .guard(guard::Host("intranet.example.com"))
                    .service(twins::intranet_status),
            )
            .wrap(outermost()),
    )
    .await;
    let elsewhere = |req| on_host("www.example.com", req);
    let res = send(
        &app,
        elsewhere(preflight("/intranet/status", ADMIN_UI, "PUT", None)),
    )
    .await;
    assert_eq!(res.allow_origin(), Some(ADMIN_UI), "the documented limit");
    let res = send(
        &app,
        elsewhere(from_origin(Method::PUT, "/intranet/status", ADMIN_UI)),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), Some(ADMIN_UI), "the documented limit");

    let app = test::init_service(
        App::new()
            .service(web::scope("/intranet").service(intranet_only))
            .wrap(outermost()),
    )
    .await;
    let res = send(
        &app,
        elsewhere(preflight("/intranet/status", ADMIN_UI, "PUT", None)),
    )
    .await;
    assert_eq!(res.allow_origin(), None);
}

fn intranet_host(ctx: &guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(HOST)
        .is_some_and(|host| host == "intranet.example.com")
}

#[cors(origins = ["https://admin.example.com"], credentials = true)]
#[put("/status", guard = "intranet_host")]
async fn intranet_only() -> HttpResponse {
    HttpResponse::Ok().body("intranet")
}

#[cors(origins = ["https://admin.example.com"])]
#[get("/items")]
async fn admin_list() -> HttpResponse {
    HttpResponse::Ok().body("admin list")
}

/// Twin scopes on one prefix, told apart by host, whose routes on one path serve different
/// methods: `outermost()` cannot tell them from two routes of one scope, so it answers the
/// second's preflight on the first's host, where the router answers `404`.
#[actix_web::test]
async fn limit_twin_scopes_with_different_methods_on_one_path() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .guard(guard::Host("admin.example.com"))
                    .service(admin_list),
            )
            .service(
                web::scope("/api")
                    .guard(guard::Host("www.example.com"))
                    .service(twins::public_items),
            )
            .wrap(outermost()),
    )
    .await;
    let on_admin = |req| on_host("admin.example.com", req);
    let res = send(
        &app,
        on_admin(preflight("/api/items", PUBLIC_UI, "PUT", None)),
    )
    .await;
    assert_eq!(res.allow_origin(), Some(PUBLIC_UI), "the documented limit");
    let res = send(
        &app,
        on_admin(from_origin(Method::PUT, "/api/items", PUBLIC_UI)),
    )
    .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[cors(origins = ["https://partner.example.org"])]
#[actix_web::post("/items")]
async fn dead_create() -> HttpResponse {
    HttpResponse::Ok().body("never reached")
}

/// A resource registered by hand between two `#[cors]` routes on one path takes what the first
/// refuses: `outermost()` answers the second's preflight, but never decorates the resource's
/// answer (the router gave the request to a resource it did not expect).
#[actix_web::test]
async fn limit_a_resource_between_two_routes_on_one_path() {
    let app = test::init_service(
        App::new()
            .service(admin_list)
            .service(web::resource("/items").route(web::post().to(|| async { "by hand" })))
            .service(dead_create)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items", PARTNER, "POST", None)).await;
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    let res = send(&app, from_origin(Method::POST, "/items", PARTNER)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
}

/// Keeps every `cors_runtime` record, formatted.
struct Capture(Mutex<Vec<String>>);

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.target() == "cors_runtime"
    }
    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = format!("{} {}", record.level(), record.args());
            self.0.lock().unwrap().push(line);
        }
    }
    fn flush(&self) {}
}

static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));

/// Where the table cannot be sure, it warns once (naming the routes and what to do) and says why
/// in a debug line per request.
#[actix_web::test]
async fn what_the_table_cannot_answer_is_warned_about_and_logged() {
    // Other tests of this file log too; this one reads only its own routes' lines.
    let _ = log::set_logger(&CAPTURE);
    log::set_max_level(log::LevelFilter::Debug);
    mod here {
        use super::*;

        #[cors(origins = ["https://www.example.com"])]
        #[put("/orders")]
        pub async fn eu_orders() -> HttpResponse {
            HttpResponse::Ok().finish()
        }

        #[cors(origins = ["https://partner.example.org"])]
        #[put("/orders")]
        pub async fn us_orders() -> HttpResponse {
            HttpResponse::Ok().finish()
        }
    }
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/shop")
                    .guard(guard::Host("eu.example.com"))
                    .service(here::eu_orders),
            )
            .service(
                web::scope("/shop")
                    .guard(guard::Host("us.example.com"))
                    .service(here::us_orders),
            )
            .wrap(outermost()),
    )
    .await;
    send(&app, preflight("/shop/orders", PARTNER, "PUT", None)).await;
    let lines = CAPTURE.0.lock().unwrap().clone();
    let warnings: Vec<&String> = lines
        .iter()
        .filter(|line| line.starts_with("WARN") && line.contains("orders"))
        .collect();
    assert!(
        warnings
            .iter()
            .any(|line| line.contains("route `eu_orders`")
                && line.contains("route `us_orders`")
                && line.contains("guard")),
        "{lines:#?}"
    );
    assert!(
        lines.iter().any(|line| line.starts_with("DEBUG")
            && line.contains("OPTIONS /shop/orders left to the app")),
        "{lines:#?}"
    );
}
