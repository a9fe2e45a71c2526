//! Malformed CORS request headers get a well-formed answer, never a panic and never a grant:
//! non-UTF-8 or control bytes, repeated headers, a 64 KiB header list, garbage names.

mod common;

use actix_web::http::header::*;
use actix_web::http::Method;
use actix_web::{get, put, test, App, HttpResponse};
use common::*;
use cors_runtime::cors;

#[cors(origins = ["https://app.example.com"], headers = ["X-Token", "Content-Type"])]
#[put("/item")]
async fn item() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["*"], headers = ["*"])]
#[get("/open")]
async fn open() -> HttpResponse {
    HttpResponse::Ok().finish()
}

fn raw(value: &[u8]) -> HeaderValue {
    HeaderValue::from_bytes(value).expect("visible ASCII or obs-text")
}

#[actix_web::test]
async fn hostile_origins_and_preflight_headers_never_grant() {
    let app = test::init_service(App::new().service(item).service(open)).await;
    let long_list = vec!["x-token"; 8200].join(",");
    assert!(long_list.len() >= 64 * 1024);
    let many_names: String = (0..500).map(|i| format!("x-h{i},")).collect();

    let cases: Vec<(&str, test::TestRequest)> = vec![
        (
            "non-UTF-8 Origin",
            preflight("/item", APP, "PUT", None)
                .insert_header((ORIGIN, raw(b"https://app.example.com\xff"))),
        ),
        (
            "Latin-1 Origin",
            preflight("/item", APP, "PUT", None)
                .insert_header((ORIGIN, raw(b"https://\xe9xample.com"))),
        ),
        (
            "two Origin headers",
            preflight("/item", APP, "PUT", None)
                .append_header((ORIGIN, "https://evil.example.net")),
        ),
        (
            "two request methods",
            preflight("/item", APP, "PUT", None)
                .append_header((ACCESS_CONTROL_REQUEST_METHOD, "PUT")),
        ),
        ("empty request method", preflight("/item", APP, "", None)),
        ("odd method token", preflight("/item", APP, "P(T", None)),
        ("method list", preflight("/item", APP, "PUT, GET", None)),
        (
            "garbage names",
            preflight("/item", APP, "PUT", Some("x-token,\"quoted\",{}")),
        ),
        (
            "non-UTF-8 name",
            preflight("/item", APP, "PUT", None)
                .insert_header((ACCESS_CONTROL_REQUEST_HEADERS, raw(b"x-tok\xe9n"))),
        ),
        (
            "non-UTF-8 name under *",
            preflight("/open", "https://x.test", "GET", None)
                .insert_header((ACCESS_CONTROL_REQUEST_HEADERS, raw(b"x-\xff"))),
        ),
    ];
    for (case, req) in cases {
        let res = test::call_service(&app, req.to_request()).await;
        assert!(res.status().is_client_error(), "{case}: {}", res.status());
        assert_eq!(cors_headers(&res), Vec::<String>::new(), "{case}");
    }

    // Long lists of well-formed names the policy does not allow: the allowed origin gets the
    // policy's own list, which names none of them, and the browser refuses the request (see
    // `tests/preflight.rs`).
    for (case, names) in [
        (
            "unlisted name in a 64 KiB list",
            format!("{long_list},x-evil"),
        ),
        ("hundreds of names", many_names),
    ] {
        let req = preflight("/item", APP, "PUT", Some(&names));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 204, "{case}");
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
            Some("X-Token, Content-Type"),
            "{case}"
        );
    }

    // A 64 KiB list of allowed names is just a long, valid preflight.
    let res = test::call_service(
        &app,
        preflight("/item", APP, "PUT", Some(&long_list)).to_request(),
    )
    .await;
    assert_eq!(res.status(), 204);

    // Actual requests with hostile origins still run the handler, without CORS headers.
    for origin in [
        &b"https://app.example.com\xff"[..],
        b"\x80\x81",
        b"https://app.example.com\t",
    ] {
        let req = test::TestRequest::default()
            .method(Method::PUT)
            .uri("/item")
            .insert_header((ORIGIN, raw(origin)));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(cors_headers(&res), Vec::<String>::new());
    }
    let req = from_origin(Method::PUT, "/item", APP).append_header((ORIGIN, APP));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        cors_headers(&res),
        Vec::<String>::new(),
        "two Origin headers, even equal ones"
    );
}
