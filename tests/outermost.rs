//! `cors_runtime::outermost()`: the routes' policies hold in front of the middleware real apps
//! wrap around them (authentication, rate limits, logging, compression, path normalization), for
//! routes in scopes, nested scopes and `#[scope]` modules, and the app's default policy covers
//! what no `#[cors]` route serves (unknown paths, other methods, files, `default_service`).
//!
//! Every check reads the response the way the server sends it: an `Err` from a middleware is
//! rendered with its response mappers, as actix-web's dispatcher does.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::*;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::{from_fn, Compress, Logger, Next, NormalizePath};
use actix_web::{get, post, put, test, web, App, HttpResponse};
use actix_web_httpauth::extractors::bearer::BearerAuth;
use actix_web_httpauth::middleware::HttpAuthentication;
use cors_runtime::{cors, outermost};

mod common;
use common::*;

mod cors_policies {
    cors_runtime::policy!(SPA {
        origins = ["https://app.example.com"],
        headers = ["Authorization"],
        credentials = true,
    });

    cors_runtime::policy!(
        /// The default of the apps below: what no `#[cors]` route serves.
        FALLBACK {
        origins = ["https://app.example.com"],
        methods = ["GET", "PUT"],
    });

    cors_runtime::policy!(
        /// A default that turns other origins away before the app runs.
        REJECTING {
        origins = ["https://app.example.com"],
        methods = ["GET", "POST"],
        on_mismatch = "reject",
    });

    cors_runtime::policy!(
        /// A default that lists no method: it answers no preflight.
        READ_ONLY {
        origins = ["https://app.example.com"],
    });

    cors_runtime::policy!(
        /// A default for version 2 of an API, picked by a request header.
        VERSION_2 {
        origins = ["https://app.example.com"],
        methods = ["PUT"],
        headers = ["X-Api-Version"],
    });

    cors_runtime::policy!(
        /// The default of an `outermost()` on a scope, inside the app's.
        PARTNERS {
        origins = ["https://partner.example.org"],
        methods = ["GET"],
    });
}

const PARTNER: &str = "https://partner.example.org";

#[cors(policy = crate::cors_policies::SPA)]
#[put("/items/{id}")]
async fn update_item() -> HttpResponse {
    HttpResponse::Ok().body("updated")
}

#[cors(policy = crate::cors_policies::SPA, expose_headers = ["Retry-After"])]
#[get("/me")]
async fn me() -> HttpResponse {
    HttpResponse::Ok().body("me")
}

#[cors(policy = crate::cors_policies::SPA)]
#[get("/fails")]
async fn fails() -> Result<HttpResponse, actix_web::Error> {
    Err(actix_web::error::ErrorServiceUnavailable("database down"))
}

/// Two handlers on one path, each with its own policy.
#[cors(origins = ["https://app.example.com"])]
#[get("/things")]
async fn list_things() -> HttpResponse {
    HttpResponse::Ok().body("things")
}

#[cors(origins = ["https://partner.example.org"], headers = ["Content-Type"])]
#[post("/things")]
async fn create_thing() -> HttpResponse {
    HttpResponse::Created().body("created")
}

/// A dynamic path registered before a static one it also matches: the router gives `/docs/new`
/// to the first, and so must the layer.
#[cors(origins = ["https://app.example.com"])]
#[get("/docs/{id}")]
async fn show_doc() -> HttpResponse {
    HttpResponse::Ok().body("a doc")
}

#[cors(origins = ["https://partner.example.org"])]
#[get("/docs/new")]
async fn new_doc_form() -> HttpResponse {
    HttpResponse::Ok().body("never reached: /docs/{id} comes first")
}

#[cors(origins = ["https://partner.example.org"])]
#[get("/drafts/new")]
async fn new_draft_form() -> HttpResponse {
    HttpResponse::Ok().body("a draft form")
}

#[cors(origins = ["https://app.example.com"])]
#[get("/drafts/{id}")]
async fn show_draft() -> HttpResponse {
    HttpResponse::Ok().body("a draft")
}

#[actix_web::scope("/mod")]
mod in_a_scope_module {
    use super::*;

    #[cors(policy = crate::cors_policies::SPA)]
    #[put("/items/{id}")]
    pub async fn update_scoped_item() -> HttpResponse {
        HttpResponse::Ok().body("updated in a module")
    }
}

/// How often the authentication middleware ran, per app.
#[derive(Default)]
struct AuthCalls(AtomicUsize);

/// Answers `401` itself (a response, not an `Err`) unless the request carries a token: the shape
/// of most hand-written authentication middleware.
async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if let Some(calls) = req.app_data::<web::Data<AuthCalls>>() {
        calls.0.fetch_add(1, Ordering::SeqCst);
    }
    if !req.headers().contains_key(AUTHORIZATION) {
        let response = HttpResponse::Unauthorized().body("log in first");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// Lets one request through per app, then answers `429` with `Retry-After`.
#[derive(Default)]
struct Budget(AtomicUsize);

async fn rate_limit(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let spent = req
        .app_data::<web::Data<Budget>>()
        .map_or(0, |budget| budget.0.fetch_add(1, Ordering::SeqCst));
    if spent >= 1 {
        let response = HttpResponse::TooManyRequests()
            .insert_header((RETRY_AFTER, "30"))
            .body("slow down");
        return Ok(req.into_response(response).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

async fn bearer_token(
    req: ServiceRequest,
    credentials: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    if credentials.token() == "t" {
        Ok(req)
    } else {
        Err((actix_web::error::ErrorUnauthorized("bad token"), req))
    }
}

fn logged_in(req: test::TestRequest) -> test::TestRequest {
    req.insert_header((AUTHORIZATION, "Bearer t"))
}

/// The checks of the table, for an app whose routes sit at `prefix`.
async fn auth_never_sees_preflights_and_its_401_is_readable<B>(
    app: &impl TestApp<B>,
    calls: &AuthCalls,
    prefix: &str,
) {
    let items = format!("{prefix}/items/1");
    let profile = format!("{prefix}/me");

    let res = send(app, preflight(&items, APP, "PUT", Some("authorization"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{items}");
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    assert_eq!(
        res.header(ACCESS_CONTROL_ALLOW_HEADERS),
        Some("Authorization")
    );
    let res = send(app, preflight(&items, EVIL, "PUT", Some("authorization"))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(calls.0.load(Ordering::SeqCst), 0, "auth saw a preflight");

    let res = send(app, from_origin(Method::GET, &profile, APP)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));
    assert_eq!(res.varies_by(), ["Origin"]);
    let res = send(app, from_origin(Method::GET, &profile, EVIL)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(res.varies_by(), ["Origin"]);

    // Through to the route, which decorates its own response once.
    let res = send(app, logged_in(from_origin(Method::PUT, &items, APP))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.varies_by(), ["Origin"]);
    assert_eq!(calls.0.load(Ordering::SeqCst), 3);
}

/// The app: two `#[cors]` routes behind an authentication middleware on the whole app,
/// under `outermost()`.
async fn behind_auth_on_the_app(
    calls: &web::Data<AuthCalls>,
) -> impl actix_web::dev::Service<
    actix_http::Request,
    Response = ServiceResponse<impl MessageBody>,
    Error = actix_web::Error,
> {
    test::init_service(
        App::new()
            .app_data(calls.clone())
            .service(update_item)
            .service(me)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await
}

#[actix_web::test]
async fn without_the_layer_auth_on_the_app_answers_preflights() {
    // The problem this layer solves, as it stands without it.
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(AuthCalls::default()))
            .service(update_item)
            .service(me)
            .wrap(from_fn(require_login)),
    )
    .await;
    let res = send(
        &app,
        preflight("/items/1", APP, "PUT", Some("authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), None);
}

#[actix_web::test]
async fn auth_on_the_app() {
    let calls = web::Data::new(AuthCalls::default());
    let app = behind_auth_on_the_app(&calls).await;
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "").await;
}

#[actix_web::test]
async fn auth_on_a_scope_with_the_layer_on_the_app_or_on_the_scope() {
    let calls = web::Data::new(AuthCalls::default());
    let app = test::init_service(
        App::new()
            .app_data(calls.clone())
            .wrap(outermost())
            .service(
                web::scope("/api")
                    .wrap(from_fn(require_login))
                    .service(update_item)
                    .service(me),
            ),
    )
    .await;
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "/api").await;

    let calls = web::Data::new(AuthCalls::default());
    let app = test::init_service(
        App::new().app_data(calls.clone()).service(
            web::scope("/api")
                .service(update_item)
                .service(me)
                .wrap(from_fn(require_login))
                .wrap(outermost()),
        ),
    )
    .await;
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "/api").await;
}

#[actix_web::test]
async fn nested_scopes_with_a_dynamic_segment_and_a_scope_module() {
    let calls = web::Data::new(AuthCalls::default());
    let app = test::init_service(
        App::new()
            .app_data(calls.clone())
            .service(
                web::scope("/v1").service(
                    web::scope("/{tenant}")
                        .wrap(from_fn(require_login))
                        .service(update_item)
                        .service(me),
                ),
            )
            .service(in_a_scope_module::update_scoped_item)
            .wrap(outermost()),
    )
    .await;
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "/v1/acme").await;

    let res = send(&app, preflight("/mod/items/7", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    // A path no route serves is the app's business (here the scope's authentication refuses
    // it), and without a default policy nothing is added.
    let res = send(&app, preflight("/v1/acme/nothing", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), None);
}

#[actix_web::test]
async fn bearer_authentication_errors_are_readable() {
    let app = test::init_service(
        App::new()
            .service(update_item)
            .service(me)
            .service(fails)
            .wrap(HttpAuthentication::bearer(bearer_token))
            .wrap(outermost()),
    )
    .await;
    let res = send(
        &app,
        preflight("/items/1", APP, "PUT", Some("authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);

    // No token: the middleware returns an `Err`, which the layer's mapper decorates.
    for origin in [APP, EVIL] {
        let res = send(&app, from_origin(Method::GET, "/me", origin)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert!(res.headers.contains_key(WWW_AUTHENTICATE));
        let expected = (origin == APP).then_some(APP);
        assert_eq!(res.allow_origin(), expected, "{origin}");
        assert_eq!(res.varies_by(), ["Origin"]);
    }
    // A wrong token: the validator's own error.
    let req = from_origin(Method::GET, "/me", APP).insert_header((AUTHORIZATION, "Bearer x"));
    let res = send(&app, req).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), Some(APP));

    let res = send(&app, logged_in(from_origin(Method::GET, "/me", APP))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), Some(APP));

    // The route's own error: decorated by the route's layer, once (`send` checks).
    let res = send(&app, logged_in(from_origin(Method::GET, "/fails", APP))).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.varies_by(), ["Origin"]);
}

#[actix_web::test]
async fn a_rate_limiters_429_is_readable_with_its_retry_after() {
    let app = test::init_service(
        App::new()
            .app_data(web::Data::new(Budget::default()))
            .service(me)
            .wrap(from_fn(rate_limit))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/me", APP)).await;
    assert_eq!(res.status, StatusCode::OK);
    for _ in 0..2 {
        // Preflights cost no budget.
        let res = send(&app, preflight("/me", APP, "GET", Some("authorization"))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT);
    }
    let res = send(&app, from_origin(Method::GET, "/me", APP)).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(
        res.header(ACCESS_CONTROL_EXPOSE_HEADERS),
        Some("Retry-After")
    );
    assert_eq!(res.header(RETRY_AFTER), Some("30"));
    let res = send(&app, from_origin(Method::GET, "/me", EVIL)).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(res.header(ACCESS_CONTROL_EXPOSE_HEADERS), None);
}

/// `NormalizePath` changes the path the router sees, so it goes outside the layer, which then
/// sees the same path.
#[actix_web::test]
async fn logger_compress_and_normalize_path() {
    let calls = web::Data::new(AuthCalls::default());
    let app = test::init_service(
        App::new()
            .app_data(calls.clone())
            .service(update_item)
            .service(me)
            .wrap(from_fn(require_login))
            .wrap(Compress::default())
            .wrap(Logger::default())
            .wrap(outermost())
            .wrap(NormalizePath::trim()),
    )
    .await;
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "").await;

    let res = send(
        &app,
        preflight("/items/1/", APP, "PUT", Some("authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    let req = from_origin(Method::GET, "/me/", APP).insert_header((ACCEPT_ENCODING, "gzip"));
    let res = send(&app, logged_in(req)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.header(CONTENT_ENCODING), Some("gzip"));
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.varies_by(), ["Origin", "accept-encoding"]);
}

#[actix_web::test]
async fn two_handlers_on_one_path_keep_their_own_policies() {
    let app = test::init_service(
        App::new()
            .service(list_things)
            .service(create_thing)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let res = send(
        &app,
        preflight("/things", PARTNER, "POST", Some("content-type")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(PARTNER));
    let res = send(
        &app,
        preflight("/things", APP, "POST", Some("content-type")),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let res = send(&app, from_origin(Method::GET, "/things", APP)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), Some(APP));
    let res = send(&app, from_origin(Method::GET, "/things", PARTNER)).await;
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, from_origin(Method::POST, "/things", PARTNER)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), Some(PARTNER));
}

#[actix_web::test]
async fn static_and_dynamic_paths_are_matched_in_registration_order() {
    let app = test::init_service(
        App::new()
            .service(new_draft_form)
            .service(show_draft)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    // The route registered first wins, whichever of the two paths is static: as in the router.
    for (path, owner, other) in [("/drafts/new", PARTNER, APP), ("/drafts/7", APP, PARTNER)] {
        let res = send(&app, from_origin(Method::GET, path, owner)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), Some(owner), "{path}");
        let res = send(&app, from_origin(Method::GET, path, other)).await;
        assert_eq!(res.allow_origin(), None, "{path}");
        let res = send(&app, preflight(path, owner, "GET", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{path}");
        let res = send(&app, preflight(path, other, "GET", None)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        // Logged in, the router agrees: the owner's route serves and decorates the response.
        let res = send(&app, logged_in(from_origin(Method::GET, path, owner))).await;
        assert_eq!(res.status, StatusCode::OK, "{path}");
        assert_eq!(res.allow_origin(), Some(owner), "{path}");
    }
}

/// A route that another takes every request of (a dynamic path registered before a static one it
/// matches) is never reached by what `outermost()` sees: only a scope guard it cannot see (two
/// `web::scope("")` told apart by `guard::Host`) would reach it. So neither is answered before the
/// app's middleware; the router's choice still answers, through the route's own layer.
#[actix_web::test]
async fn a_route_another_route_shadows_is_left_to_the_router() {
    let app = test::init_service(
        App::new()
            .service(show_doc)
            .service(new_doc_form)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    for (path, origin) in [("/docs/new", APP), ("/docs/new", PARTNER), ("/docs/7", APP)] {
        // The preflight reaches the app's middleware, as without `outermost()`.
        let res = send(&app, preflight(path, origin, "GET", None)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), None, "{path}");
        let res = send(&app, from_origin(Method::GET, path, origin)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), None, "{path}");
    }
    // Logged in, the router picks `show_doc`, whose layer answers for it.
    let res = send(&app, logged_in(from_origin(Method::GET, "/docs/new", APP))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), Some(APP));
    let res = send(
        &app,
        logged_in(from_origin(Method::GET, "/docs/new", PARTNER)),
    )
    .await;
    assert_eq!(res.allow_origin(), None);
}

#[actix_web::test]
async fn several_apps_on_one_thread_each_know_their_own_routes() {
    let first = test::init_service(
        App::new()
            .service(web::scope("/first").service(me))
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    let second = test::init_service(
        App::new()
            .service(web::scope("/second").service(me))
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    for (app, served, other) in [
        (&first, "/first/me", "/second/me"),
        (&second, "/second/me", "/first/me"),
    ] {
        let res = send(app, preflight(served, APP, "GET", Some("authorization"))).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{served}");
        let res = send(app, preflight(other, APP, "GET", Some("authorization"))).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{other}");
    }
}

#[actix_web::test]
async fn the_default_policy_covers_what_no_route_serves() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    assert_eq!(default.route(), "FALLBACK");
    let app = test::init_service(
        App::new()
            .service(me)
            .service(actix_files::Files::new("/static", "examples/static"))
            .default_service(web::to(|| async {
                HttpResponse::NotFound().body("nothing here")
            }))
            .wrap(from_fn(require_login))
            .wrap(outermost().default_policy(default)),
    )
    .await;

    // Unknown paths, methods a path does not serve, files: readable by the default's origins.
    for (method, path) in [
        (Method::GET, "/nothing"),
        (Method::DELETE, "/me"),
        (Method::GET, "/static/demo.html"),
    ] {
        let res = send(&app, logged_in(from_origin(method.clone(), path, APP))).await;
        assert!(!res.status.is_server_error(), "{method} {path}");
        assert_eq!(res.allow_origin(), Some(APP), "{method} {path}");
        assert_eq!(res.varies_by(), ["Origin"], "{method} {path}");
        let res = send(&app, logged_in(from_origin(method.clone(), path, EVIL))).await;
        assert_eq!(res.allow_origin(), None, "{method} {path}");
    }
    let res = send(
        &app,
        logged_in(from_origin(Method::GET, "/static/demo.html", APP)),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK);
    // ... and an auth refusal on an unknown path, too.
    let res = send(&app, from_origin(Method::GET, "/nothing", APP)).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.allow_origin(), Some(APP));

    // Preflights for the methods the default lists; the route's policy still rules its own.
    let res = send(&app, preflight("/nothing", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_METHODS), Some("GET, PUT"));
    // A method the default does not list: answered with its list, which the browser reads to
    // refuse `DELETE` itself, naming it.
    let res = send(&app, preflight("/nothing", APP, "DELETE", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_METHODS), Some("GET, PUT"));
    let res = send(&app, preflight("/me", APP, "GET", Some("authorization"))).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));

    // Without a default policy, those responses carry no CORS headers, as before.
    let app = test::init_service(
        App::new()
            .service(me)
            .default_service(web::to(|| async { HttpResponse::NotFound().finish() }))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/nothing", APP)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res
        .headers
        .keys()
        .all(|name| !name.as_str().starts_with("access-control-")));
    assert!(res.varies_by().is_empty());
}

/// A default policy's `on_mismatch = "reject"` holds as written: another origin's actual request
/// to what no `#[cors]` route serves gets `403` before any of the app's middleware runs.
#[actix_web::test]
async fn a_default_policy_rejects_as_written() {
    let calls = web::Data::new(AuthCalls::default());
    let default = cors_runtime::named_policy!(crate::cors_policies::REJECTING);
    let app = test::init_service(
        App::new()
            .app_data(calls.clone())
            .service(me)
            .wrap(from_fn(require_login))
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, logged_in(from_origin(Method::POST, "/nothing", EVIL))).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.allow_origin(), None);
    assert_eq!(res.varies_by(), ["Origin"]);
    assert_eq!(
        calls.0.load(Ordering::SeqCst),
        0,
        "the app's middleware ran"
    );
    // The default's own origin, and a same-origin request, go on to the app.
    let res = send(&app, logged_in(from_origin(Method::POST, "/nothing", APP))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), Some(APP));
    let same_origin = from_origin(Method::POST, "/nothing", EVIL)
        .insert_header(("Sec-Fetch-Site", "same-origin"));
    let res = send(&app, logged_in(same_origin)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // A route's own policy still decides for the route: `me` passes other origins through.
    let res = send(&app, logged_in(from_origin(Method::GET, "/me", EVIL))).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
}

/// With `outermost()` on the app and on a scope inside it, the app's is in charge of every request
/// (the first to see it): its route table and its default policy answer, also inside the scope,
/// and the scope's steps aside.
#[actix_web::test]
async fn with_outermost_on_the_app_and_on_a_scope_the_apps_default_wins() {
    let app_default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let scope_default = cors_runtime::named_policy!(crate::cors_policies::PARTNERS);
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .service(me)
                    .wrap(outermost().default_policy(scope_default)),
            )
            .wrap(from_fn(require_login))
            .wrap(outermost().default_policy(app_default)),
    )
    .await;
    for path in ["/api/nothing", "/nothing"] {
        let res = send(&app, from_origin(Method::GET, path, APP)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), Some(APP), "{path}");
        let res = send(&app, logged_in(from_origin(Method::GET, path, APP))).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.allow_origin(), Some(APP), "{path}");
        let res = send(&app, logged_in(from_origin(Method::GET, path, PARTNER))).await;
        assert_eq!(res.allow_origin(), None, "{path}");
        let res = send(&app, preflight(path, PARTNER, "GET", None)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        let res = send(&app, preflight(path, APP, "GET", None)).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{path}");
    }
    // The scope's routes are the app's table's too.
    let res = send(
        &app,
        preflight("/api/me", APP, "GET", Some("authorization")),
    )
    .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_CREDENTIALS), Some("true"));

    // Also when the app's has no default: the scope's does not apply.
    let scope_default = cors_runtime::named_policy!(crate::cors_policies::PARTNERS);
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .service(me)
                    .wrap(outermost().default_policy(scope_default)),
            )
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/api/nothing", PARTNER)).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, preflight("/api/nothing", PARTNER, "GET", None)).await;
    assert_eq!(res.allow_origin(), None);
}

/// A default policy that lists no method answers no preflight, rather than with an empty
/// `Access-Control-Allow-Methods`; its actual responses are still readable.
#[actix_web::test]
async fn a_default_that_lists_no_method_answers_no_preflight() {
    let default = cors_runtime::named_policy!(crate::cors_policies::READ_ONLY);
    let app = test::init_service(
        App::new()
            .service(me)
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, preflight("/nothing", APP, "PUT", None)).await;
    assert_eq!(res.header(ACCESS_CONTROL_ALLOW_METHODS), None);
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, from_origin(Method::GET, "/nothing", APP)).await;
    assert_eq!(res.allow_origin(), Some(APP));
}

/// `leaving_routes_without_cors()`: the default covers only paths no resource matches, and a
/// route without `#[cors]` (`/health`) stays unreadable cross-origin, its preflights the app's
/// own.
#[actix_web::test]
async fn a_default_can_leave_routes_without_cors_alone() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(me)
            .route("/health", web::get().to(|| async { "ok" }))
            .wrap(
                outermost()
                    .default_policy(default)
                    .leaving_routes_without_cors(),
            ),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/health", APP)).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, preflight("/health", APP, "GET", None)).await;
    assert_eq!(res.allow_origin(), None);
    // Unknown paths are still the default's.
    let res = send(&app, from_origin(Method::GET, "/nothing", APP)).await;
    assert_eq!(res.allow_origin(), Some(APP));
    let res = send(&app, preflight("/nothing", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    // A method the `#[cors]` route on a path does not serve is not: a resource registered after
    // the route may serve it, out of `outermost()`'s sight.
    let res = send(&app, from_origin(Method::DELETE, "/me", APP)).await;
    assert_eq!(res.allow_origin(), None);
    let res = send(&app, preflight("/me", APP, "DELETE", None)).await;
    assert_eq!(res.allow_origin(), None);
    // Without it, the default covers `/health` too.
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .route("/health", web::get().to(|| async { "ok" }))
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/health", APP)).await;
    assert_eq!(res.allow_origin(), Some(APP));
}

#[cors(origins = ["https://app.example.com"])]
#[get("/{page}")]
async fn any_page() -> HttpResponse {
    HttpResponse::Ok().body("page")
}

#[cors(origins = ["https://partner.example.org"], credentials = true)]
#[put("/café")]
async fn write_cafe() -> HttpResponse {
    HttpResponse::Ok().body("café written")
}

/// A route whose full path `outermost()` cannot render exactly (`/café`, percent-encoded in the
/// resource map) may serve what the routes before it refuse: the default policy does not answer
/// for it, nor does `outermost()` answer with the route's own policy; the route's layer still
/// decorates what reaches it. (Here, in a program without handlers registered by hand, the
/// default would otherwise answer where routes refuse.)
#[actix_web::test]
async fn a_default_policy_does_not_answer_for_a_route_it_cannot_render() {
    let default = cors_runtime::named_policy!(crate::cors_policies::FALLBACK);
    let app = test::init_service(
        App::new()
            .service(any_page)
            .service(write_cafe)
            .wrap(from_fn(require_login))
            .wrap(outermost().default_policy(default)),
    )
    .await;
    let res = send(&app, preflight("/caf%C3%A9", APP, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None, "{}", res.status);
    let res = send(&app, preflight("/caf%C3%A9", PARTNER, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None, "{}", res.status);
    let req = from_origin(Method::PUT, "/caf%C3%A9", PARTNER).insert_header((AUTHORIZATION, "x"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        res.headers()
            .get(ACCESS_CONTROL_ALLOW_ORIGIN)
            .map(|value| value.to_str().unwrap()),
        Some(PARTNER)
    );
    assert_eq!(test::read_body(res).await, "café written");
}

/// Turns the route's own response into an error after the route answered: what a middleware
/// between the two layers may do (an error-page layer, a response validator).
async fn fail_after_the_route(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let response = next.call(req).await?;
    if response.request().path() == "/me" {
        return Err(actix_web::error::ErrorBadGateway("upstream said no"));
    }
    Ok(response)
}

#[actix_web::test]
async fn an_error_made_between_the_layers_after_the_route_is_still_readable() {
    let app = test::init_service(
        App::new()
            .service(me)
            .service(fails)
            .wrap(from_fn(fail_after_the_route))
            .wrap(outermost()),
    )
    .await;
    let res = send(&app, from_origin(Method::GET, "/me", APP)).await;
    assert_eq!(res.status, StatusCode::BAD_GATEWAY);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.varies_by(), ["Origin"]);
    let res = send(&app, from_origin(Method::GET, "/me", EVIL)).await;
    assert_eq!(res.allow_origin(), None);
    // The route's own error, decorated by the route's layer, once.
    let res = send(&app, from_origin(Method::GET, "/fails", APP)).await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.allow_origin(), Some(APP));
    assert_eq!(res.varies_by(), ["Origin"]);
}

#[actix_web::test]
async fn a_first_request_with_forwarded_headers_that_are_no_url_leaves_the_routes_known() {
    let calls = web::Data::new(AuthCalls::default());
    let app = behind_auth_on_the_app(&calls).await;
    // `url_for` builds a URL from these; as the app's first request they once left the layer
    // without routes for good.
    let hostile = from_origin(Method::GET, "/me", APP)
        .insert_header(("x-forwarded-proto", "a b"))
        .insert_header((HOST, "x y"));
    let res = send(&app, hostile).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    calls.0.store(0, Ordering::SeqCst);
    auth_never_sees_preflights_and_its_401_is_readable(&app, &calls, "").await;
}

#[actix_web::test]
async fn an_actual_requests_method_is_matched_exactly_as_the_router_matches_it() {
    let app = test::init_service(
        App::new()
            .service(me)
            .wrap(from_fn(require_login))
            .wrap(outermost()),
    )
    .await;
    // `get` is not `GET` to the router: no route serves it, and without a default policy the
    // answer carries no CORS headers.
    let lowercase = Method::from_bytes(b"get").unwrap();
    let res = send(&app, logged_in(from_origin(lowercase, "/me", APP))).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.allow_origin(), None);
}

/// No CORS: actix-web's `#[put]` guards its resource by `PUT`, so a preflight (`OPTIONS`) passes
/// it by, and the request the preflight announces does not.
#[put("/{id}")]
async fn replace_anything() -> HttpResponse {
    HttpResponse::Ok().body("replaced")
}

/// The same under `/api`.
#[put("/api/{id}")]
async fn replace_in_api() -> HttpResponse {
    HttpResponse::Ok().body("replaced")
}

/// `replace_in_api` and `replace_anything` on the app, then `web::scope(prefix)` with its own `outermost()` and a
/// default policy: the scope's default is in charge of the scope, not of the resource before it.
async fn resource_before_a_scope(prefix: &'static str) -> impl TestApp {
    test::init_service(
        App::new()
            .service(replace_in_api)
            .service(replace_anything)
            .service(
                web::scope(prefix)
                    .wrap(HttpAuthentication::bearer(bearer_token))
                    .wrap(outermost().default_policy(cors_runtime::named_policy!(
                        crate::cors_policies::FALLBACK
                    ))),
            ),
    )
    .await
}

#[actix_web::test]
async fn a_scopes_default_policy_does_not_answer_for_a_resource_registered_before_the_scope() {
    for prefix in ["", "/api"] {
        let app = resource_before_a_scope(prefix).await;
        let res = send(&app, preflight(&format!("{prefix}/7"), APP, "PUT", None)).await;
        let what = format!("preflight for `{prefix}/7`, served before the scope");
        assert_eq!(res.allow_origin(), None, "{what}: {:?}", res.headers);
        assert_ne!(res.status, StatusCode::NO_CONTENT, "{what}");
        // The request it announces is served outside the scope, without CORS.
        let req = from_origin(Method::PUT, &format!("{prefix}/7"), APP).to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN), None);
        assert_eq!(&test::read_body(res).await[..], b"replaced");
    }
}

/// On a scope, the default policy decorates what the scope serves, and answers no preflight: the
/// request a preflight announces may be served outside the scope.
#[actix_web::test]
async fn a_scopes_default_policy_decorates_what_the_scope_serves_and_answers_no_preflight() {
    for prefix in ["", "/api"] {
        let app = resource_before_a_scope(prefix).await;
        let res = send(&app, preflight(&format!("{prefix}/a/b"), APP, "PUT", None)).await;
        assert_eq!(
            res.allow_origin(),
            None,
            "`{prefix}/a/b`: {:?}",
            res.headers
        );
        // The actual request, which the router gives the scope: the bearer authentication's `401`,
        // decorated with the default policy.
        let res = send(
            &app,
            from_origin(Method::PUT, &format!("{prefix}/a/b"), APP),
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.allow_origin(), Some(APP), "PUT `{prefix}/a/b`");
    }
}

/// A proxy for the `/api` requests of version 2, picked by a header a preflight does not carry.
async fn version_2_proxy() -> HttpResponse {
    HttpResponse::Ok().body("proxied")
}

/// Two `/api` scopes: the first, picked by a header, serves everything by its `default_service`;
/// the second has `outermost()` with a default policy that allows that header. The preflight
/// passes the first by (no header), so the second sees it, and the resource map's search, which
/// stops at the first, finds no resource for the path; the request it announces, with the header,
/// goes to the first.
#[actix_web::test]
async fn a_scopes_default_policy_does_not_answer_for_a_guarded_scope_before_it() {
    let app =
        test::init_service(
            App::new()
                .service(
                    web::scope("/api")
                        .guard(actix_web::guard::Header("x-api-version", "2"))
                        .default_service(web::to(version_2_proxy)),
                )
                .service(web::scope("/api").wrap(
                    outermost().default_policy(cors_runtime::named_policy!(
                        crate::cors_policies::VERSION_2
                    )),
                )),
        )
        .await;
    let res = send(
        &app,
        preflight("/api/orders/7", APP, "PUT", Some("x-api-version")),
    )
    .await;
    assert_eq!(res.allow_origin(), None, "{:?}", res.headers);
    let req = from_origin(Method::PUT, "/api/orders/7", APP)
        .insert_header(("x-api-version", "2"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(&test::read_body(res).await[..], b"proxied");
}

/// No CORS: a resource the app's default policy covers.
#[put("/profile")]
async fn save_profile() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Behind `from_fn`, which boxes the service it wraps, `outermost()` on the app cannot tell it is
/// not on a `web::scope("")`, and its default policy answers preflights only where no resource
/// matches the path; it still decorates. Behind middleware that keeps the type of what it wraps
/// (`Logger`, actix-web-httpauth's), it also answers for resources without `#[cors]`.
#[actix_web::test]
async fn limit_behind_from_fn_the_apps_default_answers_preflights_only_where_no_resource_matches() {
    let default =
        || outermost().default_policy(cors_runtime::named_policy!(crate::cors_policies::FALLBACK));
    let behind_logger = test::init_service(
        App::new()
            .service(save_profile)
            .wrap(Logger::default())
            .wrap(default()),
    )
    .await;
    let behind_bearer_auth = test::init_service(
        App::new()
            .service(save_profile)
            .wrap(HttpAuthentication::bearer(bearer_token))
            .wrap(default()),
    )
    .await;
    let behind_from_fn = test::init_service(
        App::new()
            .service(save_profile)
            .wrap(from_fn(require_login))
            .wrap(default()),
    )
    .await;
    for path in ["/profile", "/nowhere"] {
        for res in [
            send(&behind_logger, preflight(path, APP, "PUT", None)).await,
            send(&behind_bearer_auth, preflight(path, APP, "PUT", None)).await,
        ] {
            assert_eq!(res.status, StatusCode::NO_CONTENT, "{path}");
            assert_eq!(res.allow_origin(), Some(APP), "{path}");
        }
        // The actual request's answer, `require_login`'s `401`, is decorated.
        let res = send(&behind_from_fn, from_origin(Method::PUT, path, APP)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), Some(APP), "{path}");
    }
    let res = send(&behind_from_fn, preflight("/profile", APP, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None, "{:?}", res.headers);
    let res = send(&behind_from_fn, preflight("/nowhere", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

/// The same on a `web::scope("")` behind `from_fn`: taken for the app, its default answers a
/// preflight where no resource matches the path, and not where one registered before it does.
#[actix_web::test]
async fn limit_behind_from_fn_an_empty_scope_counts_as_the_app() {
    let app = test::init_service(App::new().service(replace_anything).service(
        web::scope("").wrap(from_fn(require_login)).wrap(
            outermost().default_policy(cors_runtime::named_policy!(crate::cors_policies::FALLBACK)),
        ),
    ))
    .await;
    let res = send(&app, preflight("/a/b", APP, "PUT", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
    let res = send(&app, preflight("/7", APP, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None, "{:?}", res.headers);
}

#[cors(policy = crate::cors_policies::SPA)]
#[get("/{id}")]
async fn show_item() -> HttpResponse {
    HttpResponse::Ok().body("item")
}

/// In `/items`: a `#[cors]` route serving `GET`, `replace_anything` (`PUT`, no CORS), then
/// `web::scope("")` with its own `outermost()` and a default policy. The preflight for `PUT`
/// passes both by and reaches the empty scope; the `PUT` itself is served by `replace_anything`,
/// outside it.
#[actix_web::test]
async fn a_nested_scopes_default_policy_does_not_answer_for_a_resource_before_it() {
    let app = test::init_service(
        App::new().service(
            web::scope("/items")
                .service(show_item)
                .service(replace_anything)
                .service(web::scope("").wrap(from_fn(require_login)).wrap(
                    outermost().default_policy(cors_runtime::named_policy!(
                        crate::cors_policies::FALLBACK
                    )),
                )),
        ),
    )
    .await;
    let res = send(&app, preflight("/items/7", APP, "PUT", None)).await;
    assert_eq!(res.allow_origin(), None, "{:?}", res.headers);
    assert_ne!(res.status, StatusCode::NO_CONTENT);
    let req = from_origin(Method::PUT, "/items/7", APP).to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN), None);
    assert_eq!(&test::read_body(res).await[..], b"replaced");
    // The route's own preflight is its own.
    let res = send(&app, preflight("/items/7", APP, "GET", None)).await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(res.allow_origin(), Some(APP));
}

/// Behind `from_fn`, a layer on a scope whose prefix takes part of the path still counts as on a
/// scope (the type of what it wraps says nothing, the path does): its default answers no preflight,
/// on `/api` and on a `web::scope("")` inside `/items`.
#[actix_web::test]
async fn behind_from_fn_a_scope_with_a_prefix_still_counts_as_a_scope() {
    let default =
        || outermost().default_policy(cors_runtime::named_policy!(crate::cors_policies::FALLBACK));
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .wrap(from_fn(require_login))
                    .wrap(default()),
            )
            .service(
                web::scope("/items")
                    .service(web::scope("").wrap(from_fn(require_login)).wrap(default())),
            ),
    )
    .await;
    for path in ["/api/a/b", "/items/x/y"] {
        let res = send(&app, preflight(path, APP, "PUT", None)).await;
        assert_eq!(res.allow_origin(), None, "{path}: {:?}", res.headers);
        // The actual request's `401`, which the scope answers, is decorated.
        let res = send(&app, from_origin(Method::PUT, path, APP)).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(res.allow_origin(), Some(APP), "{path}");
    }
}
