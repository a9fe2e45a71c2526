//! `on_mismatch = "reject"`: a cross-origin actual request from a disallowed origin is answered
//! 403 before the handler runs; same-origin requests (which carry `Origin` on `POST`), requests
//! without `Origin`, and allowed origins are served as usual. Without the key, the CORS protocol's
//! own behaviour stays: the handler runs and the answer carries no CORS headers.

use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::http::{header, Method};
use actix_web::{post, test, App, HttpResponse};
use cors_runtime::cors;

mod common;
use common::*;

static STRICT_CALLS: AtomicUsize = AtomicUsize::new(0);

#[cors(origins = ["https://app.example.com"], on_mismatch = "reject")]
#[post("/strict")]
async fn strict() -> HttpResponse {
    STRICT_CALLS.fetch_add(1, Ordering::SeqCst);
    HttpResponse::Ok().body("done")
}

#[cors(origins = ["https://app.example.com"])]
#[post("/lenient")]
async fn lenient() -> HttpResponse {
    HttpResponse::Ok().body("done")
}

/// The origin `actix_web::test` requests are served from (its default `Host`, over `http`).
const OWN_ORIGIN: &str = "http://localhost:8080";

#[actix_web::test]
async fn reject_answers_403_before_the_handler_runs() {
    let app = test::init_service(App::new().service(strict).service(lenient)).await;
    let calls = || STRICT_CALLS.load(Ordering::SeqCst);

    // (what, request, expected status, whether the handler runs)
    let cases: Vec<(&str, test::TestRequest, u16, bool)> = vec![
        (
            "disallowed origin",
            from_origin(Method::POST, "/strict", EVIL),
            403,
            false,
        ),
        (
            "disallowed origin, cross-site per Sec-Fetch-Site",
            from_origin(Method::POST, "/strict", EVIL)
                .insert_header(("Sec-Fetch-Site", "cross-site")),
            403,
            false,
        ),
        (
            "sibling subdomain (same-site is another origin)",
            from_origin(Method::POST, "/strict", "https://other.example.com")
                .insert_header(("Sec-Fetch-Site", "same-site")),
            403,
            false,
        ),
        (
            "two Origin headers",
            from_origin(Method::POST, "/strict", APP).append_header((header::ORIGIN, EVIL)),
            403,
            false,
        ),
        (
            "allowed origin",
            from_origin(Method::POST, "/strict", APP),
            200,
            true,
        ),
        (
            "no Origin (a non-browser client)",
            test::TestRequest::post().uri("/strict"),
            200,
            true,
        ),
        (
            "same origin, per Sec-Fetch-Site",
            from_origin(Method::POST, "/strict", OWN_ORIGIN)
                .insert_header(("Sec-Fetch-Site", "same-origin")),
            200,
            true,
        ),
        (
            "same origin, no Sec-Fetch-Site: compared with Host",
            from_origin(Method::POST, "/strict", OWN_ORIGIN),
            200,
            true,
        ),
        (
            "user-initiated (Sec-Fetch-Site: none)",
            from_origin(Method::POST, "/strict", OWN_ORIGIN)
                .insert_header(("Sec-Fetch-Site", "none")),
            200,
            true,
        ),
        (
            "same host, other scheme, no Sec-Fetch-Site",
            from_origin(Method::POST, "/strict", "https://localhost:8080"),
            403,
            false,
        ),
    ];
    for (name, request, status, runs) in cases {
        let before = calls();
        let res = test::call_service(&app, request.to_request()).await;
        assert_eq!(res.status().as_u16(), status, "{name}");
        assert_eq!(
            calls() - before,
            usize::from(runs),
            "{name}: did the handler run?"
        );
        if status == 403 {
            assert!(cors_headers(&res).is_empty(), "{name}");
            assert!(vary(&res).contains(&"Origin".to_owned()), "{name}");
        }
    }

    let res =
        test::call_service(&app, from_origin(Method::POST, "/strict", APP).to_request()).await;
    assert_eq!(
        header_str(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(APP)
    );

    // Preflights are unchanged: a refused one is a 403 as on any route.
    let res = test::call_service(&app, preflight("/strict", EVIL, "POST", None).to_request()).await;
    assert_eq!(res.status(), 403);
    let res = test::call_service(&app, preflight("/strict", APP, "POST", None).to_request()).await;
    assert_eq!(res.status(), 204);
}

#[actix_web::test]
async fn the_default_lets_the_handler_run_without_cors_headers() {
    let app = test::init_service(App::new().service(lenient)).await;
    let res = test::call_service(
        &app,
        from_origin(Method::POST, "/lenient", EVIL).to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(cors_headers(&res).is_empty());
}
