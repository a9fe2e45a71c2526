//! Every refusal is logged at debug level (target `cors_runtime`) with the route's name, the
//! origin, and the exact reason: which rule, and which header or method broke it.

use std::sync::Mutex;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::{from_fn, Next};
use actix_web::{get, test, App, HttpResponse};
use cors_runtime::cors;

mod common;
use common::*;

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

/// The records logged while `f` ran.
async fn logged<F: std::future::Future<Output = ()>>(f: F) -> Vec<String> {
    CAPTURE.0.lock().unwrap().clear();
    f.await;
    std::mem::take(&mut *CAPTURE.0.lock().unwrap())
}

#[cors(origins = ["https://app.example.com"], headers = ["X-Token"])]
#[get("/items")]
async fn list_items() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Serves `PUT` too, which its policy does not let pages use cross-origin.
#[cors(origins = ["https://app.example.com"], methods = ["GET"])]
#[actix_web::route("/items/{id}", method = "GET", method = "PUT")]
async fn item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// The cases below whose request method is listed, but in another case.
fn request_method_in_another_case(case: &str) -> bool {
    [
        "method not allowed",
        "every refused header and the method, in one line",
    ]
    .contains(&case)
}

#[actix_web::test]
async fn refusals_name_the_route_the_origin_and_the_rule() {
    log::set_logger(&CAPTURE).unwrap();
    log::set_max_level(log::LevelFilter::Debug);
    let app = test::init_service(App::new().service(list_items).service(item)).await;

    // (what, request, the origin the record shows, the reason it gives)
    let cases: Vec<(&str, test::TestRequest, &str, &str)> = vec![
        (
            "origin not listed",
            preflight("/items", EVIL, "GET", None),
            EVIL,
            "the origin is not allowed by the policy",
        ),
        (
            "method not allowed",
            preflight("/items", APP, "get", None),
            APP,
            "method `get` is not allowed by the policy",
        ),
        (
            "a method the policy does not list in any case",
            preflight("/items/1", APP, "PUT", None),
            APP,
            "method `PUT` is not allowed by the policy (",
        ),
        (
            "which header",
            preflight("/items", APP, "GET", Some("x-token, x-secret")),
            APP,
            "request header `x-secret` is not allowed by the policy",
        ),
        (
            "every refused header and the method, in one line",
            preflight("/items", APP, "get", Some("x-token, x-secret, x-tenant")),
            APP,
            "method `get` is not allowed by the policy, which lists it in another case \
             (methods compare case-sensitively); request header `x-secret` is not allowed by \
             the policy; request header `x-tenant` is not allowed by the policy",
        ),
        (
            "private network",
            preflight("/items", APP, "GET", None)
                .insert_header(("Access-Control-Request-Private-Network", "true")),
            APP,
            "private network access was requested but the policy does not enable it",
        ),
        (
            "actual request from another origin",
            from_origin(Method::GET, "/items", EVIL),
            EVIL,
            "the origin is not allowed by the policy",
        ),
        (
            "two Origin headers",
            from_origin(Method::GET, "/items", APP).append_header((header::ORIGIN, APP)),
            APP,
            "the request has more than one `Origin` header",
        ),
    ];
    for (name, request, origin, reason) in cases {
        let records = logged(async {
            test::call_service(&app, request.to_request()).await;
        })
        .await;
        assert_eq!(records.len(), 1, "{name}: {records:?}");
        let record = &records[0];
        assert!(
            record.starts_with("DEBUG list_items: ") || record.starts_with("DEBUG item: "),
            "{name}: {record}"
        );
        assert!(record.contains(reason), "{name}: {record}");
        // Case is named as the reason only when it is the reason.
        let case_is_the_reason = request_method_in_another_case(name);
        assert_eq!(
            record.contains("methods compare case-sensitively"),
            case_is_the_reason,
            "{name}: {record}"
        );
        assert!(record.contains(origin), "{name}: {record}");
    }

    // One format for every refusal: route, request, outcome, reason, and what the request sent.
    let records = logged(async {
        let req = preflight("/items", APP, "GET", Some("x-token, x-secret")).to_request();
        test::call_service(&app, req).await;
        let req = from_origin(Method::GET, "/items", EVIL).to_request();
        test::call_service(&app, req).await;
    })
    .await;
    assert_eq!(
        records,
        [
            format!(
                "DEBUG list_items: OPTIONS /items preflight answered with the policy's lists, \
                 which the browser will refuse: request header \
                 `x-secret` is not allowed by the policy (Origin: \"{APP}\", \
                 Access-Control-Request-Method: \"GET\", Access-Control-Request-Headers: \
                 \"x-token, x-secret\")"
            ),
            format!(
                "DEBUG list_items: GET /items served without CORS headers: the origin is not \
                 allowed by the policy (Origin: \"{EVIL}\")"
            ),
        ]
    );

    // Allowed requests log nothing.
    let records = logged(async {
        let req = preflight("/items", APP, "GET", Some("x-token")).to_request();
        test::call_service(&app, req).await;
        let req = from_origin(Method::GET, "/items", APP).to_request();
        test::call_service(&app, req).await;
    })
    .await;
    assert_eq!(records, Vec::<String>::new());

    // Under `outermost()`, a refusal is logged once, by the layer that serves the response: the
    // route's when the request reaches it, `outermost()`'s when an app middleware answers first
    // (as a response, or as an error rendered later).
    let app = test::init_service(
        App::new()
            .service(list_items)
            .wrap(from_fn(require_token))
            .wrap(cors_runtime::outermost()),
    )
    .await;
    let refused = format!(
        "DEBUG list_items: GET /items served without CORS headers: the origin is not allowed by \
         the policy (Origin: \"{EVIL}\")"
    );
    for token in ["t", "answer", "error"] {
        let records = logged(async {
            let req = from_origin(Method::GET, "/items", EVIL).insert_header(("x-token", token));
            match test::try_call_service(&app, req.to_request()).await {
                Ok(res) => drop(res),
                Err(error) => drop(error.error_response()),
            }
        })
        .await;
        assert_eq!(records, std::slice::from_ref(&refused), "x-token: {token}");
    }
}

/// Lets `x-token: t` through; answers `401` for `x-token: answer` and returns an `Err` for any
/// other token.
async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match req.headers().get("x-token").map(|token| token.as_bytes()) {
        Some(b"t") => Ok(next.call(req).await?.map_into_left_body()),
        Some(b"answer") => {
            let response = HttpResponse::Unauthorized().finish();
            Ok(req.into_response(response).map_into_right_body())
        }
        _ => Err(actix_web::error::ErrorUnauthorized("no token")),
    }
}
