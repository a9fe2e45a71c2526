//! Whole requests through a real actix-web service with `#[cors]` routes: arbitrary `Origin`,
//! `Access-Control-Request-Method` and `Access-Control-Request-Headers` bytes, as a preflight or
//! an actual request. The CORS layer never panics and never answers 5xx, and a grant is always
//! the request's one `Origin` value, byte for byte, and one the policy names.
#![no_main]

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::Method;
use actix_web::{get, post, test, App, HttpResponse};
use cors_runtime::cors;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;

#[cors(
    origins = ["https://app.example.com", "http://localhost:3000", "https://*.preview.example.com"],
    headers = ["Content-Type", "X-Token"],
    expose_headers = ["X-Request-Id"],
    credentials = true,
    max_age = 600
)]
#[get("/items")]
async fn list() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["*"], headers = ["*"])]
#[post("/items")]
async fn create() -> HttpResponse {
    HttpResponse::Created().finish()
}

#[derive(Arbitrary, Debug)]
struct Input {
    preflight: bool,
    post: bool,
    origins: Vec<Vec<u8>>,
    request_method: Option<Vec<u8>>,
    request_headers: Option<Vec<u8>>,
    private_network: bool,
}

fn allowed(origin: &[u8]) -> bool {
    let exact = [&b"https://app.example.com"[..], b"http://localhost:3000"];
    let label = origin
        .strip_prefix(b"https://")
        .and_then(|rest| rest.strip_suffix(b".preview.example.com"));
    exact.contains(&origin)
        || label.is_some_and(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.iter()
                    .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && l[0] != b'-'
                && l[l.len() - 1] != b'-'
        })
}

fuzz_target!(|input: Input| {
    // Bytes the HTTP parser refuses never reach a middleware.
    let value = |bytes: &[u8]| HeaderValue::from_bytes(bytes).ok();
    let origins: Vec<HeaderValue> = input.origins.iter().filter_map(|o| value(o)).collect();
    let method = match (input.preflight, input.post) {
        (true, _) => Method::OPTIONS,
        (false, true) => Method::POST,
        (false, false) => Method::GET,
    };
    let mut req = test::TestRequest::default().method(method).uri("/items");
    for origin in &origins {
        req = req.append_header((header::ORIGIN, origin.clone()));
    }
    if let Some(v) = input.request_method.as_deref().and_then(value) {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, v));
    }
    if let Some(v) = input.request_headers.as_deref().and_then(value) {
        req = req.insert_header((header::ACCESS_CONTROL_REQUEST_HEADERS, v));
    }
    if input.private_network {
        req = req.insert_header(("access-control-request-private-network", "true"));
    }

    let res = actix_web::rt::System::new().block_on(async move {
        let app = test::init_service(App::new().service(list).service(create)).await;
        test::call_service(&app, req.to_request()).await
    });
    assert!(
        !res.status().is_server_error(),
        "{:?} -> {}",
        input,
        res.status()
    );
    if let Some(grant) = res.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN) {
        if grant != "*" {
            assert_eq!(
                origins.len(),
                1,
                "granted with {} Origin headers",
                origins.len()
            );
            assert_eq!(grant, origins[0]);
            assert!(allowed(grant.as_bytes()), "granted {grant:?}");
        }
    }
});
