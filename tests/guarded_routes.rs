//! Handlers on one path and method told apart by a routing attribute's `guard`: each answers the
//! preflights of the requests it will serve, under its own policy (SECURITY.md, S16).
//!
//! The admin handler is registered first and only serves the admin host; the public handler
//! serves every other host. Before preflights passed the routes' guards, the admin policy
//! answered every preflight on the path: the public host's preflights got the admin origin and
//! `Access-Control-Allow-Credentials: true`, and the public policy's own origins got `403`.

mod common;

use actix_web::guard::GuardContext;
use actix_web::http::header::*;
use actix_web::http::Method;
use actix_web::{put, routes, test, App, HttpResponse};
use common::*;
use cors_runtime::cors;

const ADMIN_HOST: &str = "admin.example.com";
const PUBLIC_HOST: &str = "www.example.com";
const ADMIN_PAGE: &str = "https://console.example.com";
const PUBLIC_PAGE: &str = "https://app.example.com";

fn admin_host(ctx: &GuardContext) -> bool {
    ctx.head()
        .headers()
        .get(HOST)
        .is_some_and(|h| h == ADMIN_HOST)
}

#[cors(
    origins = ["https://console.example.com"],
    headers = ["Content-Type", "X-Admin-Token"],
    credentials = true,
)]
#[put("/items/{id}", guard = "admin_host")]
async fn admin_update() -> HttpResponse {
    HttpResponse::Ok().body("admin")
}

#[cors(origins = ["https://app.example.com"], headers = ["Content-Type"])]
#[put("/items/{id}")]
async fn public_update() -> HttpResponse {
    HttpResponse::Ok().body("public")
}

/// `#[routes]` with a guard on one method attribute only: `PUT` is the admin host's, `POST`
/// everyone's, each preflight behind the guards of its own method.
#[cors(origins = ["https://console.example.com"], credentials = true)]
#[routes]
#[put("/notes", guard = "admin_host")]
#[post("/notes")]
async fn notes() -> HttpResponse {
    HttpResponse::Ok().body("notes")
}

fn on_host(req: test::TestRequest, host: &str) -> actix_http::Request {
    req.insert_header((HOST, host)).to_request()
}

macro_rules! app {
    () => {
        test::init_service(
            App::new()
                .service(admin_update)
                .service(public_update)
                .service(notes),
        )
        .await
    };
}

#[actix_web::test]
async fn a_preflight_on_the_public_host_is_answered_by_the_public_policy() {
    let app = app!();
    let req = preflight("/items/1", PUBLIC_PAGE, "PUT", Some("content-type"));
    let res = test::call_service(&app, on_host(req, PUBLIC_HOST)).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(PUBLIC_PAGE)
    );
    assert_eq!(header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS), None);

    // The admin page gets nothing on the public host, least of all credentials.
    let req = preflight("/items/1", ADMIN_PAGE, "PUT", Some("x-admin-token"));
    let res = test::call_service(&app, on_host(req, PUBLIC_HOST)).await;
    assert_eq!(res.status(), 403);
    assert!(cors_headers(&res).is_empty(), "{:?}", cors_headers(&res));
}

#[actix_web::test]
async fn a_preflight_on_the_admin_host_is_answered_by_the_admin_policy() {
    let app = app!();
    let req = preflight("/items/1", ADMIN_PAGE, "PUT", Some("x-admin-token"));
    let res = test::call_service(&app, on_host(req, ADMIN_HOST)).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(ADMIN_PAGE)
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
        Some("true")
    );

    let req = preflight("/items/1", PUBLIC_PAGE, "PUT", Some("content-type"));
    let res = test::call_service(&app, on_host(req, ADMIN_HOST)).await;
    assert_eq!(
        res.status(),
        403,
        "the admin host's handler does not serve that page"
    );
}

#[actix_web::test]
async fn actual_requests_reach_the_handler_the_preflight_spoke_for() {
    let app = app!();
    for (host, page, body) in [
        (ADMIN_HOST, ADMIN_PAGE, "admin"),
        (PUBLIC_HOST, PUBLIC_PAGE, "public"),
    ] {
        let req = from_origin(Method::PUT, "/items/1", page);
        let res = test::call_service(&app, on_host(req, host)).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(page)
        );
        assert_eq!(test::read_body(res).await, body);
    }
}

#[actix_web::test]
async fn routes_with_a_guard_on_one_method_attribute() {
    let app = app!();
    let put_on = |host| on_host(preflight("/notes", ADMIN_PAGE, "PUT", None), host);
    let res = test::call_service(&app, put_on(ADMIN_HOST)).await;
    assert_eq!(res.status(), 204);
    let res = test::call_service(&app, put_on(PUBLIC_HOST)).await;
    assert_eq!(
        res.status(),
        404,
        "no handler serves PUT /notes on the public host, so no preflight is answered for it"
    );

    let post_on = |host| on_host(preflight("/notes", ADMIN_PAGE, "POST", None), host);
    for host in [ADMIN_HOST, PUBLIC_HOST] {
        let res = test::call_service(&app, post_on(host)).await;
        assert_eq!(res.status(), 204, "POST /notes is served on {host}");
    }
}
