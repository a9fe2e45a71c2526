//! Origin matching as an attacker probes it: exact, multi-origin, pattern, port and `*` policies
//! against lookalike, suffix, prefix, case, userinfo, scheme and port tricks. Only byte-exact
//! matches (or one label under a pattern) may ever get `Access-Control-Allow-Origin`.

use actix_web::http::header::*;
use actix_web::http::Method;
use actix_web::{get, test, App, HttpResponse};
use cors_runtime::cors;

mod common;
use common::TestApp;

#[cors(origins = ["https://example.com"], credentials = true)]
#[get("/exact")]
async fn exact() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://a.example.com", "http://localhost:3000", "http://[::1]:8080"])]
#[get("/several")]
async fn several() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://*.example.com"], credentials = true)]
#[get("/pattern")]
async fn pattern() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["http://*.app.localhost:8080"])]
#[get("/pattern-port")]
async fn pattern_port() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["http://localhost:*", "http://127.0.0.1:*", "http://[::1]:*"], credentials = true)]
#[get("/any-port")]
async fn any_port() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://example.com:8443"])]
#[get("/port")]
async fn port() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["*"])]
#[get("/any")]
async fn any() -> HttpResponse {
    HttpResponse::Ok().finish()
}

/// Sends `origin` as an actual request and as a preflight; returns whether either granted it,
/// checking on the way that a grant always echoes the request's bytes exactly.
async fn granted(app: &impl TestApp, path: &str, origin: &[u8]) -> bool {
    let actual = test::TestRequest::default()
        .method(Method::GET)
        .uri(path)
        .insert_header((ORIGIN, HeaderValue::from_bytes(origin).unwrap()))
        .to_request();
    let res = test::call_service(app, actual).await;
    let actual_grant = res.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).cloned();
    assert_eq!(
        res.status(),
        200,
        "the handler always runs for actual requests"
    );

    let pre = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((ORIGIN, HeaderValue::from_bytes(origin).unwrap()))
        .insert_header((ACCESS_CONTROL_REQUEST_METHOD, "GET"))
        .to_request();
    let res = test::call_service(app, pre).await;
    let preflight_grant = res.headers().get(ACCESS_CONTROL_ALLOW_ORIGIN).cloned();
    assert_eq!(res.status() == 204, preflight_grant.is_some());

    assert_eq!(
        actual_grant.is_some(),
        preflight_grant.is_some(),
        "{:?}",
        String::from_utf8_lossy(origin)
    );
    if let Some(grant) = actual_grant {
        assert_eq!(
            grant.as_bytes(),
            origin,
            "a grant must echo the request's origin byte for byte"
        );
    }
    preflight_grant.is_some()
}

/// The app every case runs against.
async fn app() -> impl TestApp {
    test::init_service(
        App::new()
            .service(exact)
            .service(several)
            .service(pattern)
            .service(pattern_port)
            .service(any_port)
            .service(port),
    )
    .await
}

/// Checks every row and reports every one that broke, by name, rather than stopping at the
/// first: `(path, origin, what the row is about)`, and whether the origin must be granted.
async fn check_rows(rows: &[(&str, &str, &str)], must_grant: bool) {
    let app = app().await;
    let mut broken = Vec::new();
    for (path, origin, case) in rows {
        if granted(&app, path, origin.as_bytes()).await != must_grant {
            broken.push(format!("{path}: {case}: {origin:?}"));
        }
    }
    let verdict = if must_grant { "granted" } else { "refused" };
    assert!(
        broken.is_empty(),
        "must be {verdict}:\n{}",
        broken.join("\n")
    );
}

#[actix_web::test]
async fn listed_origins_are_granted() {
    check_rows(
        &[
            ("/exact", "https://example.com", "listed"),
            ("/several", "https://a.example.com", "listed"),
            ("/several", "http://localhost:3000", "listed"),
            ("/several", "http://[::1]:8080", "listed"),
            ("/pattern", "https://a.example.com", "listed"),
            ("/pattern", "https://pr-42.example.com", "listed"),
            ("/pattern", "https://xn--bcher-kva.example.com", "listed"),
            (
                "/pattern-port",
                "http://tenant.app.localhost:8080",
                "listed",
            ),
            ("/port", "https://example.com:8443", "listed"),
            (
                "/any-port",
                "http://localhost:5173",
                "a development server's port",
            ),
            ("/any-port", "http://localhost", "the default port"),
            ("/any-port", "http://localhost:65535", "the highest port"),
            ("/any-port", "http://127.0.0.1:8080", "loopback IPv4"),
            ("/any-port", "http://[::1]:3000", "loopback IPv6"),
        ],
        true,
    )
    .await;
}

/// Loopback on any port: only the same scheme and host, with a port as browsers write one.
#[actix_web::test]
async fn a_loopback_origin_on_any_port_refuses_every_other_host_and_form() {
    check_rows(
        &[
            ("/any-port", "http://localhost.evil.net", "a suffix"),
            (
                "/any-port",
                "http://localhost.evil.net:5173",
                "a suffix with a port",
            ),
            (
                "/any-port",
                "http://localhost:5173.evil.net",
                "a port then a suffix",
            ),
            ("/any-port", "http://evil.localhost:5173", "a subdomain"),
            ("/any-port", "http://localhost:05173", "a leading zero"),
            (
                "/any-port",
                "http://localhost:80",
                "the default port written out",
            ),
            ("/any-port", "http://localhost:65536", "past the last port"),
            ("/any-port", "http://localhost:", "no port after the colon"),
            ("/any-port", "http://localhost:5173/", "a path"),
            ("/any-port", "https://localhost:5173", "another scheme"),
            ("/any-port", "http://LOCALHOST:5173", "uppercase"),
            (
                "/any-port",
                "http://127.0.0.2:5173",
                "another loopback address",
            ),
            ("/any-port", "http://user@localhost:5173", "userinfo"),
            ("/any-port", "null", "null"),
        ],
        false,
    )
    .await;
}

/// An exact origin: suffixes, prefixes, truncations, case, userinfo, paths, schemes, ports and encodings of it.
#[actix_web::test]
async fn an_exact_origin_refuses_every_lookalike() {
    check_rows(
        &[
            (
                "/exact",
                "https://evil.com",
                "reflection of an unlisted origin",
            ),
            ("/exact", "null", "null origin"),
            ("/exact", "https://example.com.evil.net", "suffix appended"),
            ("/exact", "https://evilexample.com", "prefix prepended"),
            ("/exact", "https://notexample.com", "prefix prepended"),
            ("/exact", "https://example.co", "truncated"),
            ("/exact", "https://example.comm", "extended TLD"),
            ("/exact", "https://exampleXcom", "unescaped-dot lookalike"),
            (
                "/exact",
                "https://example.com_.evil.net",
                "underscore after host",
            ),
            (
                "/exact",
                "https://example.com`.evil.net",
                "backtick after host",
            ),
            (
                "/exact",
                "https://example.com%60.evil.net",
                "encoded backtick",
            ),
            ("/exact", "https://example.com!.evil.net", "bang after host"),
            (
                "/exact",
                "https://example.com$.evil.net",
                "dollar after host",
            ),
            ("/exact", "https://example.com@evil.net", "userinfo trick"),
            ("/exact", "https://evil.net@example.com", "userinfo trick"),
            ("/exact", "https://evil.net#@example.com", "fragment trick"),
            ("/exact", "http://example.com", "scheme downgrade"),
            ("/exact", "https://example.com:8443", "port swap"),
            ("/exact", "https://example.com:443", "explicit default port"),
            ("/exact", "https://EXAMPLE.com", "case"),
            ("/exact", "HTTPS://example.com", "scheme case"),
            ("/exact", "https://example.com.", "trailing dot"),
            ("/exact", "https://example.com/", "trailing slash"),
            (
                "/exact",
                "https://example.com, https://evil.com",
                "comma-joined list",
            ),
            (
                "/exact",
                "https://evil.com, https://example.com",
                "comma-joined list",
            ),
            (
                "/exact",
                "https://example.com https://evil.com",
                "space-joined list",
            ),
            ("/exact", " https://example.com", "leading whitespace"),
            ("/exact", "https://example.com\t", "trailing tab"),
            (
                "/exact",
                "https://xn--exmple-cua.com",
                "IDN lookalike (punycode for exämple)",
            ),
            (
                "/exact",
                "https://example.com.github.io",
                "third-party hosting suffix",
            ),
            ("/exact", "*", "literal star"),
            ("/exact", "", "empty"),
            ("/exact", "https://example.com\\", "backslash after host"),
            (
                "/exact",
                "https://example.com;.evil.net",
                "semicolon after host",
            ),
            (
                "/exact",
                "https://example.com&.evil.net",
                "ampersand after host",
            ),
            ("/exact", "https://example.com*.evil.net", "star after host"),
            ("/exact", "https://example.com:.evil.net", "empty port"),
            ("/exact", "https://example.com%2eevil.net", "encoded dot"),
            (
                "/exact",
                "https://example\u{2024}com",
                "one-dot-leader lookalike",
            ),
            ("/exact", "https://examp\u{13de}e.com", "Cherokee lookalike"),
            ("/exact", "https://ex\u{e4}mple.com", "raw UTF-8 IDN"),
            (
                "/exact",
                "https://xn--example-9ua.com",
                "punycode lookalike",
            ),
            (
                "/exact",
                "https://example.com.herokuapp.com",
                "third-party hosting suffix",
            ),
            (
                "/exact",
                "https://example-com.github.io",
                "third-party hosting lookalike",
            ),
            ("/exact", "https://example.com:0", "port zero"),
            ("/exact", "file://", "file scheme"),
            ("/exact", "https:example.com", "missing slashes"),
            ("/exact", "https:///example.com", "extra slash"),
            ("/exact", "//example.com", "scheme-relative"),
        ],
        false,
    )
    .await;
}

/// Several exact origins: combinations and neighbours of the listed ones.
#[actix_web::test]
async fn a_list_of_origins_refuses_mixtures_of_its_entries() {
    check_rows(
        &[
            (
                "/several",
                "https://b.example.com",
                "sibling of a listed origin",
            ),
            ("/several", "http://localhost:3001", "port swap"),
            ("/several", "http://localhost", "port dropped"),
            ("/several", "http://127.0.0.1:3000", "IP for localhost"),
            (
                "/several",
                "http://[0:0:0:0:0:0:0:1]:8080",
                "non-canonical IPv6",
            ),
            (
                "/several",
                "https://evil.com",
                "reflection of an unlisted origin",
            ),
            ("/several", "null", "null origin"),
            ("/several", "https://A.example.com", "case"),
            (
                "/several",
                "https://a.example.com.evil.net",
                "suffix appended",
            ),
            ("/several", "https://xa.example.com", "prefix prepended"),
            ("/several", "http://a.example.com", "scheme downgrade"),
            ("/several", "https://localhost:3000", "scheme upgrade"),
            ("/several", "http://localhost:3000/", "trailing slash"),
            (
                "/several",
                "http://localhost:3000.evil.net",
                "suffix after port",
            ),
            ("/several", "http://localhost:30000", "port extended"),
            ("/several", "http://[::1]", "port dropped"),
            (
                "/several",
                "http://[::1]:8080.evil.net",
                "suffix after IPv6",
            ),
            (
                "/several",
                "http://localhost:3000,https://a.example.com",
                "comma-joined allowed pair",
            ),
        ],
        false,
    )
    .await;
}

/// A subdomain pattern: the parent itself, deeper labels, lookalike parents, bad labels.
#[actix_web::test]
async fn a_pattern_refuses_everything_but_one_label_under_its_parent() {
    check_rows(
        &[
            ("/pattern", "https://example.com", "bare parent domain"),
            ("/pattern", "https://a.b.example.com", "two labels deep"),
            ("/pattern", "https://.example.com", "empty label"),
            (
                "/pattern",
                "https://evilexample.com",
                "no dot before parent",
            ),
            (
                "/pattern",
                "https://a.example.com.evil.net",
                "suffix appended",
            ),
            ("/pattern", "https://a.example.com:8443", "port added"),
            ("/pattern", "http://a.example.com", "scheme downgrade"),
            ("/pattern", "https://A.example.com", "uppercase label"),
            ("/pattern", "https://a_b.example.com", "underscore label"),
            ("/pattern", "https://-a.example.com", "leading hyphen"),
            ("/pattern", "https://evil.net/.example.com", "path trick"),
            ("/pattern", "https://evil.net?.example.com", "query trick"),
            ("/pattern", "https://evil@a.example.com", "userinfo"),
            ("/pattern", "https://a.example.com.", "trailing dot"),
            ("/pattern", "https://a%2eb.example.com", "encoded dot"),
            (
                "/pattern",
                "https://a.example.com, https://b.example.com",
                "comma-joined list",
            ),
            (
                "/pattern",
                "https://example.com.herokuapp.com",
                "third-party hosting suffix",
            ),
            (
                "/pattern",
                "https://a.example.com:443",
                "explicit default port",
            ),
            ("/pattern", "https://a-.example.com", "trailing hyphen"),
            ("/pattern", "https://a b.example.com", "space in label"),
            ("/pattern", "https://*.example.com", "literal star"),
            ("/pattern", "https://a.EXAMPLE.com", "parent case"),
            ("/pattern", "https://a.example.co", "parent truncated"),
            (
                "/pattern",
                "https://a.exampleXcom",
                "unescaped-dot lookalike",
            ),
            (
                "/pattern",
                "https://\u{430}.example.com",
                "raw Cyrillic label",
            ),
            ("/pattern", "null", "null origin"),
        ],
        false,
    )
    .await;
}

/// A subdomain pattern with a port.
#[actix_web::test]
async fn a_pattern_with_a_port_refuses_other_ports() {
    check_rows(
        &[
            (
                "/pattern-port",
                "http://tenant.app.localhost",
                "port dropped",
            ),
            (
                "/pattern-port",
                "http://tenant.app.localhost:80801",
                "port extended",
            ),
            ("/pattern-port", "http://app.localhost:8080", "bare parent"),
        ],
        false,
    )
    .await;
}

/// An exact origin with a port: other ports, spellings of the port, another scheme.
#[actix_web::test]
async fn an_origin_with_a_port_refuses_other_ports_and_schemes() {
    check_rows(
        &[
            ("/port", "https://example.com", "port dropped"),
            ("/port", "https://example.com:8444", "port swap"),
            ("/port", "https://example.com:08443", "leading zero"),
            ("/port", "https://example.com:84430", "port extended"),
            (
                "/port",
                "https://example.com:8443.evil.net",
                "suffix after port",
            ),
            ("/port", "http://example.com:8443", "scheme downgrade"),
            ("/port", "https://example.com:8443/", "trailing slash"),
        ],
        false,
    )
    .await;
}

/// Bytes no browser sends (non-UTF-8, controls) never match, and never crash the server.
#[actix_web::test]
async fn non_utf8_and_control_bytes_are_refused() {
    let app = test::init_service(App::new().service(exact).service(pattern)).await;
    let attacks: &[(&str, &[u8])] = &[
        ("/exact", b"https://example.com\xff"),
        ("/exact", b"https://ex\xe4mple.com"),
        ("/exact", b"\xef\xbb\xbfhttps://example.com"),
        ("/exact", b"https://example.com\x7f"),
        ("/exact", b"https://example.com\t"),
        ("/pattern", b"https://\xc3\xa4.example.com"),
        ("/pattern", b"https://a\x80.example.com"),
    ];
    for (path, origin) in attacks {
        if HeaderValue::from_bytes(origin).is_err() {
            continue; // a byte the HTTP layer refuses before any middleware sees it
        }
        assert!(
            !granted(&app, path, origin).await,
            "{path}: {:?} must be refused",
            String::from_utf8_lossy(origin)
        );
    }
}

/// A `*` policy answers `*` to everyone, and nothing else: it never reflects the request's
/// origin, never adds credentials, and needs no `Vary: Origin`.
#[actix_web::test]
async fn any_policy_never_reflects() {
    let app = test::init_service(App::new().service(any)).await;
    for origin in [
        "https://evil.com",
        "null",
        "https://example.com",
        "https://example.com, https://evil.com",
    ] {
        let req = test::TestRequest::get()
            .uri("/any")
            .insert_header((ORIGIN, origin))
            .to_request();
        let res = test::call_service(&app, req).await;
        let headers = res.headers();
        assert_eq!(
            headers.get(ACCESS_CONTROL_ALLOW_ORIGIN).unwrap(),
            "*",
            "{origin}"
        );
        assert!(
            !headers.contains_key(ACCESS_CONTROL_ALLOW_CREDENTIALS),
            "{origin}"
        );
        assert!(
            headers
                .get_all(VARY)
                .all(|v| !v.to_str().unwrap().contains("Origin")),
            "{origin}"
        );
    }
}
