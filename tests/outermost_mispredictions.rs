//! More of the invariant `tests/outermost_invariant.rs` pins: neither `outermost()` nor a
//! `#[cors]` route's own layer grants a preflight, or decorates an actual response, with a policy
//! other than that of the route the router actually selects. Where they cannot be sure they fail
//! closed: they grant nothing, the request goes on to the app (whose middleware may refuse it),
//! and the route's own layer still answers what reaches it.
//!
//! The checks read "no `Access-Control-Allow-Origin`, no credentials" rather than one status, since
//! failing closed leaves the status to the app. Each app shape here is one a review found
//! mispredicted; the `limit_*` tests pin what the docs list under *Known limits* instead.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::guard;
use actix_web::http::header::*;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::web::Bytes;
use actix_web::{delete, get, post, put, test, web, App, HttpResponse};
use cors_runtime::{cors, outermost};

mod common;
use common::*;

const ADMIN_UI: &str = "https://admin.example.com";
const PUBLIC_UI: &str = "https://www.example.com";
const PARTNER: &str = "https://partner.example.org";

mod cors_policies {
    cors_runtime::policy!(
        /// The default of the apps below: what no `#[cors]` route serves.
        FALLBACK {
        origins = ["https://app.example.com"],
        methods = ["GET", "PUT"],
    });

    cors_runtime::policy!(
        /// The same, turning other origins away before the app runs.
        REJECTING {
        origins = ["https://app.example.com"],
        methods = ["GET", "PUT"],
        on_mismatch = "reject",
    });

    cors_runtime::policy!(
        /// The default of an `outermost()` on a scope, inside the app's.
        PARTNERS {
        origins = ["https://partner.example.org"],
        methods = ["GET"],
    });
}

fn logged_in(req: test::TestRequest) -> test::TestRequest {
    req.insert_header((AUTHORIZATION, "Bearer token"))
}

fn on_host(host: &'static str, req: test::TestRequest) -> test::TestRequest {
    req.insert_header((HOST, host))
}

/// A single-page app's fallback: serves its private page for any method and path it is given.
fn spa_fallback() -> actix_web::Route {
    web::to(|| async { HttpResponse::Ok().body("<html>private dashboard</html>") })
}

/// The response and its body, for the checks that must know which service answered.
async fn send_reading_body<B: MessageBody>(
    app: &impl TestApp<B>,
    req: test::TestRequest,
) -> (Sent, Bytes) {
    let res = test::call_service(app, req.to_request()).await;
    let sent = Sent {
        status: res.status(),
        headers: res.headers().clone(),
    };
    (sent.well_formed(), test::read_body(res).await)
}

/// Nothing granted: no `Access-Control-Allow-Origin`, no credentials, and not a preflight's `204`.
#[track_caller]
fn assert_not_granted(res: &Sent, what: &str) {
    assert_eq!(res.allow_origin(), None, "{what}: {:?}", res.headers);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), None, "{what}");
    assert_ne!(res.status, StatusCode::NO_CONTENT, "{what}");
}

/// Not decorated: no `Access-Control-Allow-Origin`, no credentials.
#[track_caller]
fn assert_not_decorated(res: &Sent, what: &str) {
    assert_eq!(res.allow_origin(), None, "{what}: {:?}", res.headers);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), None, "{what}");
}

// Two resources with one fn name: actix-web's own `#[delete]` names its resource after the fn, so
// an internal handler in another module shares the name of a `#[cors]` route.
mod internal {
    use super::*;

    /// No CORS: an internal endpoint.
    #[delete("/items/archive")]
    pub async fn remove() -> HttpResponse {
        HttpResponse::Ok().body("archive wiped")
    }

    /// The same endpoint under a name no `#[cors]` route has.
    #[delete("/items/archive")]
    pub async fn wipe_archive() -> HttpResponse {
        HttpResponse::Ok().body("archive wiped")
    }
}

mod public {
    use super::*;

    #[cors(origins = ["https://app.example.com"], credentials = true)]
    #[delete("/items/{id}")]
    pub async fn remove() -> HttpResponse {
        HttpResponse::Ok().body("item removed")
    }
}

/// `internal::remove` (no CORS) before `public::remove` (`#[cors]`, same fn name, a pattern that
/// matches its path), behind authentication and `outermost()`.
#[actix_web::test]
async fn a_resource_sharing_a_routes_name_is_not_granted_its_preflights() {
    let app = test::init_service(
        App::new()
            .service(internal::remove)
            .service(public::remove)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "preflight DELETE /items/archive");
    let req = logged_in(from_origin(Method::DELETE, "/items/archive", APP));
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "archive wiped");
    assert_not_decorated(&res, "DELETE /items/archive");
}

/// The same two resources without `outermost()`: the route's own layer does not answer either.
#[actix_web::test]
async fn a_routes_own_layer_does_not_answer_for_a_resource_sharing_its_name() {
    let app =
        test::init_service(App::new().service(internal::remove).service(public::remove)).await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "preflight DELETE /items/archive");
}

/// The control: the internal handler under a name of its own, with and without `outermost()`.
#[actix_web::test]
async fn a_resource_with_a_name_of_its_own_is_not_granted_its_preflights() {
    let app = test::init_service(
        App::new()
            .service(internal::wipe_archive)
            .service(public::remove)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "with outermost()");
    let app = test::init_service(
        App::new()
            .service(internal::wipe_archive)
            .service(public::remove),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "without outermost()");
}

/// The `#[cors]` route that shares its name still grants its own paths, with and without
/// `outermost()`.
#[actix_web::test]
async fn a_route_sharing_its_name_with_a_resource_still_grants_its_own_paths() {
    let app = test::init_service(
        App::new()
            .service(internal::remove)
            .service(public::remove)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items/7", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "with outermost()");
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    let app =
        test::init_service(App::new().service(internal::remove).service(public::remove)).await;
    let res = send(&app, preflight("/items/7", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "without outermost()");
    assert_eq!(res.allow_origin(), Some(APP));
}

#[delete("/acme/items")]
async fn acme_wipe() -> HttpResponse {
    HttpResponse::Ok().body("acme wiped")
}

#[cors(origins = ["https://app.example.com"], credentials = true)]
#[delete("/items")]
async fn tenant_items() -> HttpResponse {
    HttpResponse::Ok().body("tenant items")
}

/// A resource without CORS (`/acme/items`) before a `#[cors]` route with a static path under a
/// dynamic scope (`/{tenant}/items`).
fn tenants() -> App<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    App::new()
        .service(acme_wipe)
        .service(web::scope("/{tenant}").service(tenant_items))
}

/// The route's answer for one tenant's path is not carried over to the path the resource takes,
/// whichever comes first.
#[actix_web::test]
async fn a_route_under_a_dynamic_scope_keeps_refusing_a_path_a_resource_takes_first() {
    let app = test::init_service(tenants()).await;
    let res = send(&app, preflight("/acme/items", APP, "DELETE", None)).await;
    assert_not_granted(&res, "/acme/items first");
    let app = test::init_service(tenants()).await;
    send(&app, preflight("/other/items", APP, "DELETE", None)).await;
    let res = send(&app, preflight("/acme/items", APP, "DELETE", None)).await;
    assert_not_granted(&res, "/acme/items after /other/items");
}

/// The same app: the route grants its other tenants' paths, before and after `/acme/items`.
#[actix_web::test]
async fn a_route_under_a_dynamic_scope_grants_its_other_paths() {
    let app = test::init_service(tenants()).await;
    let res = send(&app, preflight("/other/items", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    send(&app, preflight("/acme/items", APP, "DELETE", None)).await;
    let res = send(&app, preflight("/beta/items", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

#[cors(origins = ["https://app.example.com"])]
#[get("/settings")]
async fn read_settings() -> HttpResponse {
    HttpResponse::Ok().body("settings")
}

/// A handler registered by hand, with a policy of its own.
#[cors(origins = ["https://partner.example.org"], methods = ["PUT"])]
async fn write_settings() -> HttpResponse {
    HttpResponse::Ok().body("written")
}

/// A `#[cors]` route, then a handler registered by hand on the same path with its own policy,
/// under `outermost()` with a rejecting default policy.
#[actix_web::test]
async fn a_default_policy_does_not_answer_for_a_handler_registered_by_hand_after_a_route() {
    let default = cors_runtime::named_policy!(crate::cors_policies::REJECTING);
    let app = test::init_service(
        App::new()
            .service(read_settings)
            .service(
                web::resource("/settings")
                    .route(web::put().to(write_settings))
                    .wrap(write_settings::cors()),
            )
            .wrap(outermost().default_policy(default)),
    )
    .await;
    // The handler's own policy refuses APP; the default's must not grant it.
    let res = send(&app, preflight("/settings", APP, "PUT", None)).await;
    assert_not_granted(&res, "preflight PUT from APP");
    let res = send(&app, from_origin(Method::PUT, "/settings", APP)).await;
    assert_not_decorated(&res, "PUT from APP");
    // The handler's own policy grants PARTNER; the default's must not reject it.
    let res = send(&app, preflight("/settings", PARTNER, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(PARTNER));
    let (res, body) = send_reading_body(&app, from_origin(Method::PUT, "/settings", PARTNER)).await;
    assert_ne!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(body, "written");
    assert_eq!(res.allow_origin(), Some(PARTNER));
}

/// A `#[cors]` route, then a plain resource on the same path, with a default policy that leaves
/// routes without CORS alone.
#[actix_web::test]
async fn leaving_routes_without_cors_leaves_a_resource_after_a_route_alone() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(read_settings)
            .service(web::resource("/settings").route(web::put().to(HttpResponse::Ok)))
            .wrap(
                outermost()
                    .default_policy(default)
                    .leaving_routes_without_cors(),
            ),
    )
    .await;
    let res = send(&app, preflight("/settings", APP, "PUT", None)).await;
    assert_not_granted(&res, "preflight PUT");
    let res = send(&app, from_origin(Method::PUT, "/settings", APP)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_not_decorated(&res, "PUT");
}

mod a {
    use super::*;

    #[cors(origins = ["https://app.example.com"], headers = ["Authorization"])]
    #[get("/me")]
    pub async fn me() -> HttpResponse {
        HttpResponse::Ok().body("a")
    }
}

mod b {
    use super::*;

    #[cors(origins = ["https://app.example.com"], headers = ["Authorization"])]
    #[get("/me")]
    pub async fn me() -> HttpResponse {
        HttpResponse::Ok().body("b")
    }
}

/// Two sibling scopes, each with its own authentication and its own `outermost()`: one scope's
/// requests do not change how the other's are answered.
#[actix_web::test]
async fn sibling_scopes_each_with_outermost_keep_answering_in_any_order() {
    for order in [["/a/me", "/b/me"], ["/b/me", "/a/me"]] {
        let app = test::init_service(
            App::new()
                .service(
                    web::scope("/a")
                        .service(a::me)
                        .wrap(from_fn(require_login))
                        .wrap(outermost()),
                )
                .service(
                    web::scope("/b")
                        .service(b::me)
                        .wrap(from_fn(require_login))
                        .wrap(outermost()),
                ),
        )
        .await;
        for path in order.iter().chain(&order) {
            let res = send(&app, preflight(path, APP, "GET", Some("authorization"))).await;
            assert_eq!(res.status, StatusCode::NO_CONTENT, "{path} in {order:?}");
            assert_eq!(res.allow_origin(), Some(APP), "{path} in {order:?}");
        }
    }
}

/// `outermost()` on the app, and on two scopes, one with a default policy: the app's decides,
/// the scope's default does not apply, before and after the other scope sees a request.
#[actix_web::test]
async fn a_scopes_default_policy_steps_aside_under_the_apps_outermost() {
    let scope_default = cors_runtime::named_policy!(crate::cors_policies::PARTNERS);
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/a")
                    .service(a::me)
                    .wrap(outermost().default_policy(scope_default)),
            )
            .service(web::scope("/b").service(b::me).wrap(outermost()))
            .wrap(outermost()),
    )
    .await;
    for when in ["before /b/me", "after /b/me"] {
        let res = send(&app, preflight("/a/nothing", PARTNER, "GET", None)).await;
        assert_not_granted(&res, &format!("preflight {when}"));
        let res = send(&app, from_origin(Method::GET, "/a/nothing", PARTNER)).await;
        assert_not_decorated(&res, &format!("GET {when}"));
        let res = send(&app, from_origin(Method::GET, "/b/me", APP)).await;
        assert_eq!(res.status, StatusCode::OK);
    }
}

#[cors(origins = ["https://admin.example.com"], credentials = true)]
#[get("/items/{id:[0-9]{3}}")]
async fn admin_item() -> HttpResponse {
    HttpResponse::Ok().body("admin item")
}

#[cors(origins = ["https://www.example.com"], credentials = true)]
#[get("/items/{id:[0-9]{3}}")]
async fn public_item() -> HttpResponse {
    HttpResponse::Ok().body("public item")
}

/// Two `web::scope("/api")` told apart by `guard::Host`, whose routes' segment is a regular
/// expression: each host's preflights get its own scope's policy, never the twin's.
#[actix_web::test]
async fn twin_scopes_with_a_regex_segment_grant_only_their_own_hosts_policy() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .guard(guard::Host("admin.example.com"))
                    .service(admin_item),
            )
            .service(
                web::scope("/api")
                    .guard(guard::Host("www.example.com"))
                    .service(public_item),
            )
            .wrap(outermost()),
    )
    .await;
    let cases = [
        ("www.example.com", ADMIN_UI, None),
        ("admin.example.com", PUBLIC_UI, None),
        ("www.example.com", PUBLIC_UI, Some(PUBLIC_UI)),
        ("admin.example.com", ADMIN_UI, Some(ADMIN_UI)),
    ];
    for (host, origin, granted) in cases {
        let what = format!("{origin} on {host}");
        let res = send(
            &app,
            on_host(host, preflight("/api/items/123", origin, "GET", None)),
        )
        .await;
        match granted {
            None => assert_not_granted(&res, &format!("preflight {what}")),
            Some(_) => assert_eq!(res.allow_origin(), granted, "preflight {what}"),
        }
        let actual = from_origin(Method::GET, "/api/items/123", origin);
        let res = send(&app, on_host(host, actual)).await;
        assert_eq!(res.allow_origin(), granted, "GET {what}");
    }
}

mod versioned {
    use super::*;

    #[cors(origins = ["https://app.example.com"], headers = ["Authorization"])]
    #[get("/me")]
    pub async fn me() -> HttpResponse {
        HttpResponse::Ok().body("versioned")
    }
}

/// What `outermost()` does not see, pinned as SECURITY.md documents it ("Known limits"): its
/// table does not consult a scope prefix's regular expression (`/{version:v[0-9]+}`), so it
/// leaves every route under such a prefix to the app, whose authentication then refuses the
/// preflight. A fix that answers `/v1/me` with the route's policy flips the first check; the
/// second, a path the regular expression refuses, must never be granted. The same prefix
/// without a regular expression is answered, last.
#[actix_web::test]
async fn limit_regex_scope_prefix_fails_closed() {
    let app = test::init_service(
        App::new()
            .service(web::scope("/{version:v[0-9]+}").service(versioned::me))
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/v1/me", APP, "GET", Some("authorization"))).await;
    assert_eq!(res.allow_origin(), None, "the documented limit");
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "the documented limit");
    let res = send(
        &app,
        preflight("/latest/me", APP, "GET", Some("authorization")),
    )
    .await;
    assert_not_granted(&res, "a version the prefix refuses");

    let app = test::init_service(
        App::new()
            .service(web::scope("/{version}").service(versioned::me))
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/v1/me", APP, "GET", Some("authorization"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

#[cors(origins = ["https://app.example.com"])]
#[get("/v1/x")]
async fn api_get() -> HttpResponse {
    HttpResponse::Ok().body("api")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[post("/x")]
async fn api_v1_post() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the scope /api takes /api/v1/x")
}

/// `web::scope("/api")` with a `default_service`, then its sibling `web::scope("/api/v1")`: the
/// router gives `/api/v1/x` to the first, so the second's route never serves it.
#[actix_web::test]
async fn a_route_behind_a_shorter_sibling_scope_grants_nothing_for_it() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .service(api_get)
                    .default_service(spa_fallback()),
            )
            .service(web::scope("/api/v1").service(api_v1_post))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/api/v1/x", PARTNER, "POST", None)).await;
    assert_not_granted(&res, "preflight POST /api/v1/x");
    let req = from_origin(Method::POST, "/api/v1/x", PARTNER);
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "<html>private dashboard</html>");
    assert_not_decorated(&res, "POST /api/v1/x");
}

#[cors(origins = ["https://app.example.com"])]
#[get("/items/{id}")]
async fn get_item() -> HttpResponse {
    HttpResponse::Ok().body("item")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[post("/items/{id}")]
async fn post_item() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the empty scope takes every path")
}

/// `web::scope("")` with a `default_service`, then a `#[cors]` route on the app: the empty scope
/// takes every path, so the route never serves one.
#[actix_web::test]
async fn a_route_behind_an_empty_scope_grants_nothing_for_it() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("")
                    .service(get_item)
                    .default_service(spa_fallback()),
            )
            .service(post_item)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/items/1", PARTNER, "POST", None)).await;
    assert_not_granted(&res, "preflight POST /items/1");
    let req = from_origin(Method::POST, "/items/1", PARTNER);
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "<html>private dashboard</html>");
    assert_not_decorated(&res, "POST /items/1");
}

#[cors(origins = ["https://app.example.com"])]
#[get("/api/x")]
async fn first_on_api_x() -> HttpResponse {
    HttpResponse::Ok().body("first")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[post("/api/x")]
async fn second_on_api_x() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the scope takes /api/x")
}

/// What `outermost()` cannot notice, pinned as SECURITY.md documents it ("Known limits"): a
/// scope without `#[cors]` routes registered between two `#[cors]` routes on one path takes what
/// the first refuses, as a resource registered by hand there does. `outermost()` answers the
/// second's preflight, and decorates the answer of the scope's `default_service` with the
/// second's policy. A fix that sees the scope flips both checks.
#[actix_web::test]
async fn limit_a_scope_between_two_routes_on_one_path() {
    let app = test::init_service(
        App::new()
            .service(first_on_api_x)
            .service(web::scope("/api").default_service(spa_fallback()))
            .service(second_on_api_x)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/api/x", PARTNER, "POST", None)).await;
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    let req = from_origin(Method::POST, "/api/x", PARTNER);
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "<html>private dashboard</html>");
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    assert_eq!(
        res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true"),
        "the documented limit"
    );
}

/// Fails every request with an `Err`: a middleware on a resource that refuses it.
async fn deny(
    _req: ServiceRequest,
    _next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    Err::<ServiceResponse, _>(actix_web::error::ErrorForbidden("internal only"))
}

#[cors(origins = ["https://admin.example.com"])]
#[get("/list")]
async fn admin_list() -> HttpResponse {
    HttpResponse::Ok().body("admin list")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[post("/list")]
async fn dead_create() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the resource takes POST /list")
}

/// What `outermost()` cannot notice, pinned as SECURITY.md documents it ("Known limits"): a
/// resource registered by hand between two `#[cors]` routes on one path. When it answers, its
/// response is not decorated (`tests/outermost_invariant.rs`); when a middleware on it fails
/// with an `Err`, `outermost()` cannot tell which resource failed and decorates the error with
/// the second route's policy. A fix that sees the resource flips both checks.
#[actix_web::test]
async fn limit_an_error_from_a_resource_between_two_routes_is_decorated() {
    let app = test::init_service(
        App::new()
            .service(admin_list)
            .service(
                web::resource("/list")
                    .wrap(from_fn(deny))
                    .route(web::post().to(|| async { "by hand" })),
            )
            .service(dead_create)
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::POST, "/list", PARTNER)).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    assert_eq!(
        res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true"),
        "the documented limit"
    );
}

/// A default policy that leaves routes without CORS alone, and an app `default_service` that
/// serves a page: the page is not readable cross-origin.
#[actix_web::test]
async fn leaving_routes_without_cors_leaves_the_default_service_undecorated() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(read_settings)
            .default_service(spa_fallback())
            .wrap(
                outermost()
                    .default_policy(default)
                    .leaving_routes_without_cors(),
            ),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/dashboard", APP)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_not_decorated(&res, "GET /dashboard");
}

/// The same default policy on an app without a `default_service`: actix-web's own `404` for an
/// unknown path is still the default's.
#[actix_web::test]
async fn leaving_routes_without_cors_still_covers_an_unknown_path() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new().service(read_settings).wrap(
            outermost()
                .default_policy(default)
                .leaving_routes_without_cors(),
        ),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/dashboard", APP)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), Some(APP));
}

// A route's own layer, without `outermost()`, tells the resource in the way of its paths apart
// from itself by its place in the resource map, never by the name and pattern it shares with
// another `#[cors]` route that has not seen a request yet.

mod items {
    use super::*;

    #[cors(origins = ["https://app.example.com"], credentials = true)]
    #[delete("/items/{id}")]
    pub async fn destroy() -> HttpResponse {
        HttpResponse::Ok().body("item removed")
    }

    /// On the static path `internal::remove` takes first.
    #[cors(origins = ["https://app.example.com"], credentials = true)]
    #[delete("/items/archive")]
    pub async fn purge() -> HttpResponse {
        HttpResponse::Ok().body("never reached: internal::remove takes DELETE /items/archive")
    }
}

mod files {
    use super::*;

    /// Named like `internal::remove`, in a scope, on a path `/items/archive` ends with.
    #[cors(origins = ["https://app.example.com"])]
    #[delete("/archive")]
    pub async fn remove() -> HttpResponse {
        HttpResponse::Ok().body("file archive removed")
    }
}

mod buckets {
    use super::*;

    /// Named like `internal::remove`, at its scope's own root: a path (`""`) every path ends with.
    #[cors(origins = ["https://app.example.com"])]
    #[delete("")]
    pub async fn remove() -> HttpResponse {
        HttpResponse::Ok().body("bucket removed")
    }
}

/// `internal::remove` (no CORS) on a path `items::destroy` matches, and a `#[cors]` route of its
/// name in a scope: the preflight for the resource's path is not granted, before and after the
/// scoped route sees a request, and `items::destroy` still grants its own paths.
#[actix_web::test]
async fn a_routes_own_layer_tells_a_resource_of_its_name_in_another_scope_apart() {
    let app = test::init_service(
        App::new()
            .service(internal::remove)
            .service(items::destroy)
            .service(web::scope("/files").service(files::remove)),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "before the scoped route sees a request");
    let req = from_origin(Method::DELETE, "/items/archive", APP);
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "archive wiped");
    assert_not_decorated(&res, "DELETE /items/archive");
    send(&app, from_origin(Method::DELETE, "/files/archive", APP)).await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "after the scoped route sees a request");
    let res = send(&app, preflight("/items/7", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

/// The same with a `#[cors]` route of the resource's name whose own path is `""`.
#[actix_web::test]
async fn a_routes_own_layer_tells_a_resource_apart_from_a_route_of_its_name_whose_path_is_empty() {
    let app = test::init_service(
        App::new()
            .service(internal::remove)
            .service(items::destroy)
            .service(web::scope("/buckets").service(buckets::remove)),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "preflight DELETE /items/archive");
}

/// A `#[cors]` route on the static path the resource takes, asked twice: the refusal holds
/// after the route of the resource's name sees a request.
#[actix_web::test]
async fn a_routes_own_layer_keeps_refusing_a_static_path_a_resource_of_another_routes_name_takes() {
    let app = test::init_service(
        App::new()
            .service(internal::remove)
            .service(items::purge)
            .service(web::scope("/files").service(files::remove)),
    )
    .await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "asked first");
    send(&app, from_origin(Method::DELETE, "/files/archive", APP)).await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "asked again");
}

/// The route of the resource's name in another app built on the same thread (as a worker builds
/// one app per listener).
#[actix_web::test]
async fn a_routes_own_layer_tells_a_resource_apart_from_a_route_of_its_name_in_another_app() {
    let _other =
        test::init_service(App::new().service(web::scope("/files").service(files::remove))).await;
    let app =
        test::init_service(App::new().service(internal::remove).service(items::destroy)).await;
    let res = send(&app, preflight("/items/archive", APP, "DELETE", None)).await;
    assert_not_granted(&res, "preflight DELETE /items/archive");
}

fn on_admin_host(ctx: &guard::GuardContext) -> bool {
    ctx.head()
        .headers()
        .get(HOST)
        .is_some_and(|host| host == "admin.example.com")
}

mod admin {
    use super::*;

    /// No CORS, the admin host only: named `update`, as REST modules name theirs.
    #[put("/users/{id}", guard = "on_admin_host")]
    pub async fn update() -> HttpResponse {
        HttpResponse::Ok().body("admin updated user")
    }
}

mod profile {
    use super::*;

    #[cors(origins = ["https://app.example.com"], credentials = true)]
    #[put("/users/{id}")]
    pub async fn update_profile() -> HttpResponse {
        HttpResponse::Ok().body("profile updated")
    }
}

mod posts {
    use super::*;

    /// Named like `admin::update`, on a pattern `/users/{id}` ends with.
    #[cors(origins = ["https://app.example.com"])]
    #[put("/{id}")]
    pub async fn update() -> HttpResponse {
        HttpResponse::Ok().body("post updated")
    }
}

/// A guarded resource without CORS (`admin::update`) before a `#[cors]` route on its pattern,
/// and a scoped `#[cors]` route of its name: the admin host's preflight is not granted, before
/// and after the scoped route sees a request.
#[actix_web::test]
async fn a_routes_own_layer_tells_a_guarded_resource_apart_from_a_scoped_route_of_its_name() {
    let app = test::init_service(
        App::new()
            .service(admin::update)
            .service(profile::update_profile)
            .service(web::scope("/posts").service(posts::update)),
    )
    .await;
    let on_admin = || on_host("admin.example.com", preflight("/users/5", APP, "PUT", None));
    let res = send(&app, on_admin()).await;
    assert_not_granted(&res, "before the scoped route sees a request");
    let req = on_host(
        "admin.example.com",
        from_origin(Method::PUT, "/users/5", APP),
    );
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "admin updated user");
    assert_not_decorated(&res, "PUT /users/5 on the admin host");
    send(&app, from_origin(Method::PUT, "/posts/1", APP)).await;
    let res = send(&app, on_admin()).await;
    assert_not_granted(&res, "after the scoped route sees a request");
}

mod notes {
    use super::*;

    #[cors(origins = ["https://app.example.com"])]
    #[get("/{id}")]
    pub async fn read() -> HttpResponse {
        HttpResponse::Ok().body("note")
    }

    #[cors(origins = ["https://app.example.com"], credentials = true)]
    #[put("/{id}")]
    pub async fn write() -> HttpResponse {
        HttpResponse::Ok().body("note written")
    }
}

/// The control: two `#[cors]` routes on one path in one scope, GET then PUT. The PUT preflight,
/// the first request either sees, is granted with the second's policy; the GET one after it.
#[actix_web::test]
async fn the_second_route_on_a_path_grants_a_preflight_that_arrives_before_any_for_the_first() {
    let app = test::init_service(
        App::new().service(
            web::scope("/notes")
                .service(notes::read)
                .service(notes::write),
        ),
    )
    .await;
    let res = send(&app, preflight("/notes/1", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "PUT first");
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    let res = send(&app, preflight("/notes/1", APP, "GET", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "GET after");
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
}

#[cors(origins = ["https://app.example.com"])]
#[get("/{page}")]
async fn any_page() -> HttpResponse {
    HttpResponse::Ok().body("page")
}

/// Percent-encoded characters in its full path: `outermost()`'s table cannot render it.
#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[put("/café")]
async fn put_cafe() -> HttpResponse {
    HttpResponse::Ok().body("café written")
}

/// A route the table cannot render (`/café`) after a dynamic route that matches its path and
/// refuses PUT: what serves PUT is uncertain, so the default policy does not grant APP, whom
/// the route refuses; nor does `outermost()` answer PARTNER, whom it allows, before login.
/// This program registers handlers by hand (`write_settings`), which keeps a default policy from
/// answering after routes that refuse anyway: the check bites in a program without them.
#[actix_web::test]
async fn a_default_policy_does_not_answer_for_a_route_it_cannot_render_after_one_that_refuses() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(any_page)
            .service(put_cafe)
            .wrap(from_fn(require_login))
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, preflight("/caf%C3%A9", APP, "PUT", None)).await;
    assert_not_granted(&res, "preflight PUT from APP");
    let req = logged_in(from_origin(Method::PUT, "/caf%C3%A9", APP));
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "café written");
    assert_not_decorated(&res, "PUT from APP");
    let res = send(&app, preflight("/caf%C3%A9", PARTNER, "PUT", None)).await;
    assert_not_granted(&res, "preflight PUT from PARTNER before login");
}

/// A POSIX class (`[[:alpha:]]`), which actix-web's regex accepts and `outermost()`'s table
/// cannot build a matching path for.
#[cors(origins = ["https://app.example.com"])]
#[delete("/tags/{name:[[:alpha:]]+}")]
async fn delete_tag() -> HttpResponse {
    HttpResponse::Ok().body("tag deleted")
}

/// Without `outermost()`, the route's own layer grants its preflights.
#[actix_web::test]
async fn a_route_whose_regex_has_no_sample_grants_its_preflights_on_its_own() {
    let app = test::init_service(App::new().service(delete_tag)).await;
    let res = send(&app, preflight("/tags/rust", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

/// With `outermost()` and authentication: `outermost()` fails closed, leaving the preflight to
/// the app; a logged-in preflight reaches the route, whose own layer grants it. An app without
/// `outermost()` built next on the same thread still grants it too.
#[actix_web::test]
async fn outermost_fails_closed_on_a_route_whose_regex_has_no_sample_and_its_own_layer_answers() {
    let app = test::init_service(
        App::new()
            .service(delete_tag)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/tags/rust", APP, "DELETE", None)).await;
    assert_not_granted(&res, "before login");
    let res = send(
        &app,
        logged_in(preflight("/tags/rust", APP, "DELETE", None)),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "logged in");
    assert_eq!(res.allow_origin(), Some(APP), "logged in");
    let app = test::init_service(App::new().service(delete_tag)).await;
    let res = send(&app, preflight("/tags/rust", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "without outermost()");
    assert_eq!(res.allow_origin(), Some(APP), "without outermost()");
}

/// No CORS: numeric ids only.
#[get("/items/{id:\\d+}")]
async fn legacy_item() -> HttpResponse {
    HttpResponse::Ok().body("legacy item")
}

#[cors(origins = ["https://app.example.com"])]
#[get("/items/{slug}")]
async fn item_by_slug() -> HttpResponse {
    HttpResponse::Ok().body("item by slug")
}

/// A resource without CORS that takes some of a dynamic route's paths (`/items/{id:\d+}` before
/// `/items/{slug}`), including the first one `outermost()` builds to ask the resource map about:
/// `outermost()` answers the paths the route serves, and fails closed on those the resource takes.
#[actix_web::test]
async fn outermost_answers_the_paths_of_a_dynamic_route_a_resource_leaves_to_it() {
    // The resource named (`#[get]` names it after its function), then unnamed.
    let unnamed = || {
        web::resource("/items/{id:\\d+}")
            .route(web::get().to(|| async { HttpResponse::Ok().body("legacy item") }))
    };
    for named in [true, false] {
        let app = App::new();
        let app = match named {
            true => app.service(legacy_item),
            false => app.service(unnamed()),
        };
        let app = test::init_service(
            app.service(item_by_slug)
                .wrap(from_fn(require_login))
                .wrap(outermost()),
        )
        .await;
        let res = send(&app, preflight("/items/abc", APP, "GET", None)).await;
        assert_eq!(
            res.status,
            StatusCode::NO_CONTENT,
            "/items/abc, named: {named}"
        );
        assert_eq!(res.allow_origin(), Some(APP), "/items/abc, named: {named}");
        let res = send(&app, preflight("/items/7", APP, "GET", None)).await;
        assert_not_granted(&res, "/items/7");
        let req = logged_in(from_origin(Method::GET, "/items/7", APP));
        let (res, body) = send_reading_body(&app, req).await;
        assert_eq!(body, "legacy item");
        assert_not_decorated(&res, "GET /items/7");
    }
}

#[cors(origins = ["https://app.example.com"])]
#[get("/x")]
async fn read_x_in_empty_scope() -> HttpResponse {
    HttpResponse::Ok().body("x")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[post("/x")]
async fn create_x_beside_empty_scope() -> HttpResponse {
    HttpResponse::Ok().body("never reached: the empty scope inside /a takes every path")
}

/// What `outermost()` cannot notice, pinned as SECURITY.md documents it ("Known limits"): scopes
/// that render one prefix count as twins. A `web::scope("")` with a `default_service` inside
/// `/a` takes every path of `/a`, so the route of `/a` beside it never serves `/a/x`; yet
/// `outermost()` answers its preflight and decorates the page the empty scope serves with its
/// policy. A fix that tells the scopes apart flips every check.
#[actix_web::test]
async fn limit_an_empty_scope_inside_a_scope_counts_as_its_twin() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/a")
                    .service(
                        web::scope("")
                            .service(read_x_in_empty_scope)
                            .default_service(spa_fallback()),
                    )
                    .service(create_x_beside_empty_scope),
            )
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, preflight("/a/x", PARTNER, "POST", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "the documented limit");
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    let req = logged_in(from_origin(Method::POST, "/a/x", PARTNER));
    let (res, body) = send_reading_body(&app, req).await;
    assert_eq!(body, "<html>private dashboard</html>");
    assert_eq!(res.allow_origin(), Some(PARTNER), "the documented limit");
    assert_eq!(
        res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS),
        Some("true"),
        "the documented limit"
    );
}

/// A handler registered by hand, with a policy of its own: PARTNER only.
#[cors(origins = ["https://partner.example.org"], methods = ["GET", "PUT"])]
async fn partner_fallback_page() -> HttpResponse {
    HttpResponse::Ok().body("fallback page")
}

/// What `outermost()` cannot notice, pinned as SECURITY.md documents it ("Known limits"): a
/// handler registered by hand as the app's `default_service`, whose own policy refuses APP. The
/// default policy answers for it and grants APP's preflight; without `outermost()` the handler's
/// own layer refuses it. A fix that sees the handler flips the first check.
#[actix_web::test]
async fn limit_a_default_policy_answers_for_a_handler_registered_by_hand_as_default_service() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(read_settings)
            .default_service(web::to(partner_fallback_page).wrap(partner_fallback_page::cors()))
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, preflight("/anything", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "the documented limit");
    assert_eq!(res.allow_origin(), Some(APP), "the documented limit");

    let app = test::init_service(
        App::new()
            .service(read_settings)
            .default_service(web::to(partner_fallback_page).wrap(partner_fallback_page::cors())),
    )
    .await;
    let res = send(&app, preflight("/anything", APP, "PUT", None)).await;
    assert_not_granted(&res, "without outermost()");
}
