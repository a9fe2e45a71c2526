//! Preflights through a real actix-web service: allowed ones get `204` and the policy's headers,
//! refused origins `403` and no `Access-Control-*` header, an allowed origin asking for more than
//! the policy allows its lists (the browser refuses); the handler and its middleware never run.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::ServiceRequest;
use actix_web::http::header::*;
use actix_web::{delete, get, post, put, route, test, App, HttpResponse};
use common::*;
use cors_runtime::cors;

static HANDLER_CALLS: AtomicUsize = AtomicUsize::new(0);
static AUTH_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(
    origins = ["https://app.example.com", "https://*.preview.example.com"],
    headers = ["Content-Type", "X-Token"],
    expose_headers = ["X-Request-Id"],
    credentials = true,
    max_age = 600,
)]
#[put("/items/{id}", wrap = "actix_web::middleware::from_fn(counted_auth)")]
async fn update_item() -> HttpResponse {
    HANDLER_CALLS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().finish()
}

/// Stands in for an authentication middleware on the route: counts the requests it sees.
async fn counted_auth(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    AUTH_CALLS.fetch_add(1, Ordering::SeqCst);
    next.call(req).await
}

#[cors(origins = ["*"], headers = ["*"], methods = ["*"])]
#[delete("/any")]
async fn any_origin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["http://localhost:3000"], headers = ["*", "Authorization"])]
#[post("/star-and-authorization")]
async fn star_and_authorization() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], private_network = true)]
#[get("/private")]
async fn private_network() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"])]
#[get("/public")]
async fn no_private_network() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Serves `DELETE` but lets pages send only `PUT` cross-origin.
#[cors(origins = ["https://app.example.com"], methods = ["PUT"], headers = ["Content-Type", "X-Token"])]
#[route("/narrow", method = "PUT", method = "DELETE")]
async fn narrow() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Serves `POST` but lets pages send only `GET` cross-origin (where a preflight asks).
#[cors(origins = ["https://app.example.com"], methods = ["GET"])]
#[route("/get-or-post", method = "GET", method = "POST")]
async fn get_or_post() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], headers = ["X-Token"], max_age = 0)]
#[put("/never-cached")]
async fn never_cached() -> HttpResponse {
    HttpResponse::Ok().finish()
}

macro_rules! app {
    () => {
        test::init_service(
            App::new()
                .service(update_item)
                .service(any_origin)
                .service(star_and_authorization)
                .service(private_network)
                .service(no_private_network)
                .service(never_cached)
                .service(get_or_post)
                .service(narrow),
        )
        .await
    };
}

#[actix_web::test]
async fn preflights_are_cached_for_ten_minutes_unless_the_policy_says_otherwise() {
    let app = app!();
    // No `max_age` in the policy: the default, 600 seconds.
    let req = preflight(
        "/star-and-authorization",
        "http://localhost:3000",
        "POST",
        None,
    );
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
        Some("600")
    );
    // `max_age = 0`: said out loud, so that no browser keeps the answer even its default 5 s.
    let req = preflight("/never-cached", APP, "PUT", Some("x-token"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
        Some("0")
    );
}

#[actix_web::test]
async fn allowed_preflight_gets_204_with_the_policy_and_runs_nothing() {
    let app = app!();
    let (handler_before, auth_before) = (
        HANDLER_CALLS.load(Ordering::SeqCst),
        AUTH_CALLS.load(Ordering::SeqCst),
    );
    let req = preflight("/items/7", APP, "PUT", Some("content-type,x-token")).to_request();
    let res = test::call_service(&app, req).await;

    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("PUT")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
        Some("Content-Type, X-Token")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
        Some("true")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
        Some("600")
    );
    // Expose headers belong on actual responses only.
    assert_eq!(header_str(&res, ACCESS_CONTROL_EXPOSE_HEADERS), None);
    assert_eq!(vary(&res), PREFLIGHT_VARY);
    assert_eq!(
        HANDLER_CALLS.load(Ordering::SeqCst),
        handler_before,
        "handler ran for a preflight"
    );
    assert_eq!(
        AUTH_CALLS.load(Ordering::SeqCst),
        auth_before,
        "auth middleware ran for a preflight"
    );
}

#[actix_web::test]
async fn pattern_origin_is_echoed_byte_for_byte() {
    let app = app!();
    let origin = "https://pr-42.preview.example.com";
    let res = test::call_service(
        &app,
        preflight("/items/1", origin, "PUT", None).to_request(),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(origin)
    );
}

#[actix_web::test]
async fn requested_header_names_ignore_case_and_spaces() {
    let app = app!();
    let req = preflight("/items/1", APP, "PUT", Some("X-TOKEN , Content-Type")).to_request();
    assert_eq!(test::call_service(&app, req).await.status(), 204);
}

#[actix_web::test]
async fn refused_preflights_get_403_without_cors_headers() {
    let app = app!();
    let cases = [
        (
            "origin not listed",
            preflight("/items/1", EVIL, "PUT", None),
        ),
        (
            "pattern depth",
            preflight("/items/1", "https://a.b.preview.example.com", "PUT", None),
        ),
        (
            "garbage header name",
            preflight("/items/1", APP, "PUT", Some("x-token,(evil)")),
        ),
        ("null origin", preflight("/items/1", "null", "PUT", None)),
        // What a browser would send whatever the lists say: `POST`, and `Authorization` under a
        // `*` (which Chromium still lets it cover).
        (
            "POST not listed",
            preflight("/get-or-post", APP, "POST", None),
        ),
        // `put` where the list names `PUT`: some browsers uppercase before comparing.
        ("lowercase method", preflight("/items/1", APP, "put", None)),
        // Chromium's Private Network Access warning modes go on without the grant.
        (
            "PNA not enabled",
            preflight("/public", APP, "GET", None)
                .insert_header(("Access-Control-Request-Private-Network", "true")),
        ),
        (
            "authorization under *",
            preflight("/any", "https://x.test", "DELETE", Some("authorization")),
        ),
    ];
    for (case, req) in cases {
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 403, "{case}");
        assert_eq!(cors_headers(&res), Vec::<String>::new(), "{case}");
        assert_eq!(vary(&res), PREFLIGHT_VARY, "{case}");
    }
}

/// An allowed origin asking for what the policy does not allow gets the policy's lists: the
/// browser compares, refuses the request itself and names the method or header at fault in its
/// console (the browser suite shows Chromium's words), where a bare `403` would have it report a
/// missing `Access-Control-Allow-Origin` header.
#[actix_web::test]
async fn an_allowed_origins_refused_preflight_gets_the_lists_the_browser_refuses_by() {
    let app = app!();
    let cases = [
        (
            "header not allowed",
            preflight("/items/1", APP, "PUT", Some("x-token,x-other")),
        ),
        (
            "authorization not listed",
            preflight("/items/1", APP, "PUT", Some("authorization")),
        ),
        (
            "a method the route serves, not listed",
            preflight("/narrow", APP, "DELETE", None),
        ),
    ];
    for (case, req) in cases {
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 204, "{case}");
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP),
            "{case}"
        );
        // The policy's own lists, which do not name what was asked.
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("PUT"),
            "{case}"
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
            Some("Content-Type, X-Token"),
            "{case}"
        );
    }
}

#[actix_web::test]
async fn method_the_route_does_not_serve_is_not_this_routes_preflight() {
    let app = app!();
    // No handler serves POST on /items/{id}: no preflight resource claims it, and the browser
    // gets no CORS grant.
    let res = test::call_service(&app, preflight("/items/1", APP, "POST", None).to_request()).await;
    assert!(res.status().is_client_error());
    assert_eq!(cors_headers(&res), Vec::<String>::new());
}

#[actix_web::test]
async fn wildcard_policy_answers_star() {
    let app = app!();
    let res = test::call_service(
        &app,
        preflight(
            "/any",
            "https://anything.test",
            "DELETE",
            Some("x-anything"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
        Some("*")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
        Some("DELETE")
    );
    assert_eq!(header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
    // `*` never covers Authorization (Fetch Standard).
    let res = test::call_service(
        &app,
        preflight(
            "/any",
            "https://anything.test",
            "DELETE",
            Some("authorization"),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), 403);
}

#[actix_web::test]
async fn star_beside_authorization_allows_both() {
    let app = app!();
    let req = preflight(
        "/star-and-authorization",
        "http://localhost:3000",
        "POST",
        Some("authorization,x-custom"),
    );
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
        Some("*, Authorization")
    );
}

#[actix_web::test]
async fn private_network_access_only_when_asked_and_enabled() {
    let app = app!();
    let asked = preflight("/private", APP, "GET", None)
        .insert_header(("Access-Control-Request-Private-Network", "true"));
    let res = test::call_service(&app, asked.to_request()).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(
            &res,
            HeaderName::from_static("access-control-allow-private-network")
        )
        .as_deref(),
        Some("true")
    );

    // The protocol's one value is `true`: anything else does not ask.
    for asked_otherwise in [None, Some("false"), Some("yes"), Some("TRUE")] {
        let mut req = preflight("/private", APP, "GET", None);
        if let Some(value) = asked_otherwise {
            req = req.insert_header(("Access-Control-Request-Private-Network", value));
        }
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 204, "{asked_otherwise:?}");
        assert_eq!(
            header_str(
                &res,
                HeaderName::from_static("access-control-allow-private-network")
            ),
            None,
            "{asked_otherwise:?}"
        );
        assert_eq!(vary(&res), PREFLIGHT_VARY, "{asked_otherwise:?}");
    }
}

/// A preflight announcing a method no handler on its path serves, or no method at all a browser
/// would send, is no route's preflight: the router answers it as it answers any request it has no
/// handler for (`404`, no CORS headers), as the README says. The browser then reports a CORS
/// failure for the page's request, whose method the path does not serve anyway.
#[actix_web::test]
async fn a_preflight_for_a_method_the_path_does_not_serve_is_answered_by_the_router() {
    let app = app!();
    for method in ["DELETE", "PROPFIND", "GE T", ""] {
        let res =
            test::call_service(&app, preflight("/items/1", APP, method, None).to_request()).await;
        assert_eq!(res.status(), 404, "{method:?}");
        assert_eq!(cors_headers(&res), Vec::<String>::new(), "{method:?}");
    }
}

#[actix_web::test]
async fn plain_options_without_preflight_headers_is_not_a_preflight() {
    let app = app!();
    // OPTIONS without Access-Control-Request-Method is the application's business: nothing here
    // serves it, so actix-web answers as it would without #[cors].
    let req = test::TestRequest::default()
        .method(actix_web::http::Method::OPTIONS)
        .uri("/items/1")
        .insert_header((ORIGIN, APP));
    let res = test::call_service(&app, req.to_request()).await;
    assert_ne!(res.status(), 204);
    assert_eq!(cors_headers(&res), Vec::<String>::new());
}
