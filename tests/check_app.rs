//! `cors_runtime::test::check_app` in an application's own tests: it finds the trap of a
//! middleware that answers preflights before any `#[cors]` route sees them (a missing or
//! misplaced `outermost()`), and passes apps that are set up right, with or without middleware.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method, StatusCode};
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, post, put, test, web, App, HttpResponse};
use actix_web_httpauth::extractors::bearer::BearerAuth;
use actix_web_httpauth::middleware::HttpAuthentication;
use cors_runtime::cors;
use cors_runtime::test::{check_app, cross_origin, preflight};

const APP: &str = "https://app.example.com";

#[cors(origins = ["https://app.example.com"], credentials = true)]
#[get("/me")]
async fn me() -> HttpResponse {
    HttpResponse::Ok().body("me")
}

#[cors(origins = ["https://app.example.com", "https://*.preview.example.com"], headers = ["Content-Type"])]
#[put("/items/{id}")]
async fn update_item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], methods = ["POST"])]
#[post("/items/{id}/notes")]
async fn add_note() -> HttpResponse {
    HttpResponse::Created().finish()
}

fn is_tenant(origin: &str) -> bool {
    origin.ends_with(".tenants.example.com")
}

#[cors(origin_fn = is_tenant)]
#[get("/tenant")]
async fn tenant_only() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn admin_host(ctx: &actix_web::guard::GuardContext<'_>) -> bool {
    ctx.head()
        .headers()
        .get(header::HOST)
        .is_some_and(|h| h == "admin.example.com")
}

#[cors(origins = ["https://admin.example.com"])]
#[get("/admin", guard = "admin_host")]
async fn admin() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Answers `401` itself unless the request carries a token.
async fn require_login(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.headers().contains_key(header::AUTHORIZATION) {
        Ok(next.call(req).await?.map_into_left_body())
    } else {
        Ok(req
            .into_response(HttpResponse::Unauthorized().finish())
            .map_into_right_body())
    }
}

/// A rate limiter that has had enough.
async fn too_many(
    req: ServiceRequest,
    _: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    Ok(req.into_response(HttpResponse::TooManyRequests().finish()))
}

async fn bearer(
    req: ServiceRequest,
    _: BearerAuth,
) -> Result<ServiceRequest, (actix_web::Error, ServiceRequest)> {
    Ok(req)
}

fn routes(config: &mut web::ServiceConfig) {
    config.service(me).service(
        web::scope("/api/v{version}")
            .service(update_item)
            .service(add_note),
    );
}

#[actix_web::test]
async fn without_outermost_auth_on_the_app_answers_every_preflight() {
    let app = test::init_service(App::new().configure(routes).wrap(from_fn(require_login))).await;
    let failed = check_app(&app).await.unwrap_err();
    let message = failed.to_string();
    for expected in [
        "`me` (/me) GET: answered 401 Unauthorized",
        "`update_item` (/api/v1/items/1) PUT: answered 401 Unauthorized",
        "`add_note` (/api/v1/items/1/notes) POST",
        "probably an authentication middleware",
        "Wrap `cors_runtime::outermost()` on the App last",
    ] {
        assert!(message.contains(expected), "{expected:?} in:\n{message}");
    }
}

#[actix_web::test]
async fn an_authentication_error_instead_of_a_response_is_found_too() {
    let app = test::init_service(
        App::new()
            .configure(routes)
            .wrap(HttpAuthentication::bearer(bearer)),
    )
    .await;
    let message = check_app(&app).await.unwrap_err().to_string();
    assert!(message.contains("401"), "{message}");
    assert!(message.contains("outermost()"), "{message}");
}

#[actix_web::test]
async fn outermost_wrapped_before_the_rate_limiter_is_found() {
    let app = test::init_service(
        App::new()
            .configure(routes)
            .wrap(cors_runtime::outermost())
            .wrap(from_fn(too_many)),
    )
    .await;
    let message = check_app(&app).await.unwrap_err().to_string();
    assert!(message.contains("429"), "{message}");
    assert!(message.contains("rate limiter"), "{message}");
    assert!(
        message.contains("after every other `.wrap(..)`"),
        "{message}"
    );
}

#[actix_web::test]
async fn outermost_wrapped_last_passes() {
    let app = test::init_service(
        App::new()
            .configure(routes)
            .wrap(from_fn(require_login))
            .wrap(cors_runtime::outermost()),
    )
    .await;
    let report = check_app(&app).await.unwrap();
    assert_eq!(
        report.checked(),
        [
            "`me` (/me) GET",
            "`update_item` (/api/v1/items/1) PUT",
            "`add_note` (/api/v1/items/1/notes) POST",
        ]
    );
}

#[actix_web::test]
async fn an_app_without_middleware_passes() {
    let app = test::init_service(App::new().configure(routes)).await;
    let report = check_app(&app).await.unwrap();
    assert_eq!(report.checked().len(), 3, "{report}");
    assert!(report.skipped().is_empty(), "{report}");
}

#[actix_web::test]
async fn routes_a_test_cannot_reach_are_skipped_and_said_so() {
    let app = test::init_service(
        App::new()
            .service(me)
            .service(tenant_only)
            .service(admin)
            .wrap(cors_runtime::outermost()),
    )
    .await;
    let report = check_app(&app).await.unwrap();
    assert_eq!(report.checked(), ["`me` (/me) GET"]);
    let skipped = report.skipped().join("\n");
    assert!(skipped.contains("`tenant_only` (/tenant): its origins come from `origin_fn`"));
    assert!(skipped.contains("`admin` (/admin) GET: its routing attribute has `guard`s"));
}

/// The builders a CORS test is made of.
#[actix_web::test]
async fn a_cors_test_in_a_few_lines() {
    let app =
        test::init_service(App::new().configure(routes).wrap(cors_runtime::outermost())).await;
    let res = test::call_service(&app, preflight("/api/v2/items/7", APP, "PUT").to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res = test::call_service(&app, cross_origin(Method::GET, "/me", APP).to_request()).await;
    assert_eq!(
        res.headers()
            .get(header::ACCESS_CONTROL_ALLOW_ORIGIN)
            .unwrap(),
        APP
    );
}
