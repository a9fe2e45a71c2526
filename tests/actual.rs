//! Actual (non-preflight) requests: allowed origins get the CORS headers on every response,
//! errors included; other origins get none, the handler still runs, and `Vary: Origin` tells
//! caches the answer depends on the origin.

mod common;

use actix_web::dev::ServiceRequest;
use actix_web::http::header::*;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{get, post, test, web, App, HttpResponse};
use common::*;
use cors_runtime::cors;
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    #[allow(dead_code)]
    name: String,
}

#[cors(
    origins = ["https://app.example.com", "https://*.preview.example.com"],
    headers = ["Content-Type"],
    expose_headers = ["X-Request-Id", "X-Total"],
    credentials = true,
)]
#[post("/items/{id}")]
async fn create_item(id: web::Path<u32>, _item: web::Json<Item>) -> HttpResponse {
    HttpResponse::Created()
        .insert_header(("X-Request-Id", id.to_string()))
        .insert_header((VARY, "Accept-Encoding"))
        .finish()
}

#[cors(origins = ["https://app.example.com"])]
#[get("/fails")]
async fn fails() -> Result<HttpResponse, actix_web::Error> {
    Err(actix_web::error::ErrorInternalServerError("database down"))
}

async fn reject_without_token(
    req: ServiceRequest,
    next: Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    if req.headers().contains_key(AUTHORIZATION) {
        next.call(req).await
    } else {
        Err(actix_web::error::ErrorUnauthorized("sign in first"))
    }
}

#[cors(origins = ["https://app.example.com"], headers = ["Authorization"], credentials = true)]
#[get("/me", wrap = "actix_web::middleware::from_fn(reject_without_token)")]
async fn me() -> HttpResponse {
    HttpResponse::Ok().body("me")
}

#[cors(origins = ["*"], expose_headers = ["*"])]
#[get("/public")]
async fn public() -> HttpResponse {
    HttpResponse::Ok().body("public")
}

#[cors(origins = ["https://app.example.com"])]
#[get("/hand-written-grant")]
async fn hand_written_grant() -> HttpResponse {
    // A handler that tries to grant access itself must not widen the policy.
    HttpResponse::Ok()
        .insert_header((ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .insert_header((ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"))
        // Preflight-only headers, which have no place on an actual response either.
        .insert_header((ACCESS_CONTROL_ALLOW_METHODS, "GET, PUT, DELETE"))
        .insert_header((ACCESS_CONTROL_ALLOW_HEADERS, "Authorization"))
        .insert_header((ACCESS_CONTROL_MAX_AGE, "86400"))
        .insert_header(("access-control-allow-private-network", "true"))
        .finish()
}

macro_rules! app {
    () => {
        test::init_service(
            App::new()
                .service(create_item)
                .service(fails)
                .service(me)
                .service(public)
                .service(hand_written_grant),
        )
        .await
    };
}

fn json_post(uri: &str, origin: &str, body: &'static str) -> test::TestRequest {
    from_origin(Method::POST, uri, origin)
        .insert_header((CONTENT_TYPE, "application/json"))
        .set_payload(body)
}

#[actix_web::test]
async fn allowed_origin_gets_headers_and_vary_is_merged() {
    let app = app!();
    let res = test::call_service(
        &app,
        json_post("/items/5", APP, r#"{"name":"a"}"#).to_request(),
    )
    .await;
    assert_eq!(res.status(), 201);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
        Some("true")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_EXPOSE_HEADERS).as_deref(),
        Some("X-Request-Id, X-Total")
    );
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
    // Preflight-only headers stay off actual responses.
    assert_eq!(header_str(&res, ACCESS_CONTROL_ALLOW_METHODS), None);
}

#[actix_web::test]
async fn pattern_origin_is_echoed() {
    let app = app!();
    let origin = "https://feature-x.preview.example.com";
    let res = test::call_service(
        &app,
        json_post("/items/5", origin, r#"{"name":"a"}"#).to_request(),
    )
    .await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(origin)
    );
}

#[actix_web::test]
async fn other_or_missing_origin_runs_handler_without_cors_headers() {
    let app = app!();
    let res = test::call_service(
        &app,
        json_post("/items/5", EVIL, r#"{"name":"a"}"#).to_request(),
    )
    .await;
    assert_eq!(
        res.status(),
        201,
        "the handler still runs: CORS is not access control"
    );
    assert_eq!(cors_headers(&res), Vec::<String>::new());
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);

    let req = test::TestRequest::post()
        .uri("/items/5")
        .insert_header((CONTENT_TYPE, "application/json"))
        .set_payload(r#"{"name":"a"}"#);
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 201);
    assert_eq!(cors_headers(&res), Vec::<String>::new());
    assert_eq!(vary(&res), ["Accept-Encoding", "Origin"]);
}

#[actix_web::test]
async fn extractor_errors_are_readable_from_allowed_origins() {
    let app = app!();
    let bad_json = json_post("/items/5", APP, "{not json");
    let bad_path = json_post("/items/not-a-number", APP, r#"{"name":"a"}"#);
    for (case, req) in [("bad JSON", bad_json), ("bad path segment", bad_path)] {
        let res = test::call_service(&app, req.to_request()).await;
        assert!(res.status().is_client_error(), "{case}: {}", res.status());
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP),
            "{case}"
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
            Some("true"),
            "{case}"
        );
        assert!(vary(&res).contains(&"Origin".to_owned()), "{case}");
    }
}

#[actix_web::test]
async fn handler_errors_are_readable_from_allowed_origins() {
    let app = app!();
    let res = test::call_service(&app, from_origin(Method::GET, "/fails", APP).to_request()).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );
    assert_eq!(test::read_body(res).await, "database down");
}

#[actix_web::test]
async fn errors_from_inner_middleware_are_readable_from_allowed_origins() {
    let app = app!();
    // `try_call_service` keeps the middleware's `Err`, as the server sees it; the response it
    // becomes must carry the CORS headers.
    let err = test::try_call_service(&app, from_origin(Method::GET, "/me", APP).to_request())
        .await
        .expect_err("the inner middleware rejects the request");
    let res = err.error_response();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(), APP);
    assert_eq!(
        res.headers().get(ACCESS_CONTROL_ALLOW_CREDENTIALS).unwrap(),
        "true"
    );
    assert_eq!(res.headers().get(VARY).unwrap(), "Origin");
    // Rendering the error twice (as logging middleware may) does not duplicate anything.
    assert_eq!(err.error_response().headers().get_all(VARY).count(), 1);

    let err = test::try_call_service(&app, from_origin(Method::GET, "/me", EVIL).to_request())
        .await
        .expect_err("the inner middleware rejects the request");
    assert!(!err
        .error_response()
        .headers()
        .contains_key(ACCESS_CONTROL_ALLOW_ORIGIN));

    // With the token the request reaches the handler.
    let req = from_origin(Method::GET, "/me", APP).insert_header((AUTHORIZATION, "Bearer t"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );
}

#[actix_web::test]
async fn wildcard_policy_sends_star_to_everyone_and_no_vary() {
    let app = app!();
    for req in [
        from_origin(Method::GET, "/public", "https://anyone.test"),
        test::TestRequest::get().uri("/public"),
    ] {
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some("*")
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_EXPOSE_HEADERS).as_deref(),
            Some("*")
        );
        assert_eq!(header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS), None);
        assert_eq!(vary(&res), Vec::<String>::new());
    }
}

#[actix_web::test]
async fn a_handler_cannot_grant_what_the_policy_refuses() {
    let app = app!();
    for refused in [
        from_origin(Method::GET, "/hand-written-grant", EVIL),
        test::TestRequest::get().uri("/hand-written-grant"),
    ] {
        let res = test::call_service(&app, refused.to_request()).await;
        assert_eq!(cors_headers(&res), Vec::<String>::new());
    }
    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/hand-written-grant", APP).to_request(),
    )
    .await;
    assert_eq!(
        cors_headers(&res),
        ["access-control-allow-origin"],
        "only what the policy grants"
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS),
        None,
        "the policy has no credentials"
    );
}
