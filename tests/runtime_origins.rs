//! Origins known only at run time: `origins_env` (read once, when the app is built, checked by the
//! same rules as literals) and `origin_fn` (consulted for origins no list names, and only ever
//! shown well-formed serialized origins).

use std::sync::{Mutex, Once};
use std::time::Duration;

use actix_web::http::{header, Method};
use actix_web::{get, test, App, HttpResponse, HttpServer};
use cors_runtime::cors;

mod common;
use common::*;

/// Sets every variable these tests read, once, before any app is built: no test writes the
/// environment while another reads it.
fn set_environment() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::env::set_var(
            "CORS_TEST_ORIGINS",
            " https://a.example.com ,\thttps://*.tenants.example.com, http://localhost:*",
        );
        std::env::set_var(
            "CORS_TEST_BAD_ORIGINS",
            "https://a.example.com, https://b.example.com/",
        );
        std::env::set_var("CORS_TEST_SERVER_ORIGINS", "https://a.example.com,null");
        std::env::set_var(
            "CORS_TEST_STAGING_ORIGINS",
            "https://staging.example.com, https://app.example.com",
        );
        std::env::set_var("CORS_TEST_WIDE_ORIGINS", "https://*.example.com");
        std::env::set_var("CORS_TEST_ANY_PORT_ORIGINS", "https://app.example.com:*");
        std::env::remove_var("CORS_TEST_UNSET");
    });
}

#[cors(origins_env = "CORS_TEST_ORIGINS")]
#[get("/env")]
async fn from_env() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://static.example.com"], origins_env = "CORS_TEST_UNSET")]
#[get("/env-or-static")]
async fn env_or_static() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins_env = "CORS_TEST_BAD_ORIGINS")]
#[get("/env-bad")]
async fn env_bad() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins_env = "CORS_TEST_ANY_PORT_ORIGINS")]
#[get("/env-any-port")]
async fn env_any_port() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins_env = "CORS_TEST_UNSET")]
#[get("/env-missing")]
async fn env_missing() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], origins_env = "CORS_TEST_STAGING_ORIGINS")]
#[get("/env-repeats-literal")]
async fn env_repeats_literal() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins = ["https://app.example.com"], origins_env = "CORS_TEST_WIDE_ORIGINS")]
#[get("/env-covers-literal")]
async fn env_covers_literal() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(origins_env = "CORS_TEST_SERVER_ORIGINS")]
#[get("/env-server")]
async fn env_server() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn grants(app: &impl TestApp, path: &str, origin: &str) -> bool {
    let res = test::call_service(app, from_origin(Method::GET, path, origin).to_request()).await;
    let grant = header_str(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN);
    assert!(
        grant.is_none() || grant.as_deref() == Some(origin),
        "{origin}"
    );
    grant.is_some()
}

#[actix_web::test]
async fn entries_of_the_variable_are_allowed_and_nothing_else() {
    set_environment();
    let app = test::init_service(App::new().service(from_env).service(env_or_static)).await;
    for origin in [
        "https://a.example.com",
        "https://acme.tenants.example.com",
        "http://localhost:5173",
    ] {
        assert!(grants(&app, "/env", origin).await, "{origin}");
    }
    for origin in [
        "http://localhost.evil.net:5173",
        "https://b.example.com",
        "https://x.y.tenants.example.com",
        "https://tenants.example.com",
        " https://a.example.com",
    ] {
        assert!(!grants(&app, "/env", origin).await, "{origin}");
    }
    // A missing variable beside static origins: the static list alone.
    assert!(grants(&app, "/env-or-static", "https://static.example.com").await);
    assert!(!grants(&app, "/env-or-static", "https://a.example.com").await);

    // The audit shows what was read.
    let policy = cors_runtime::policies()
        .into_iter()
        .find(|p| p.route() == "from_env")
        .unwrap();
    let origins: Vec<String> = policy.origins().map(|o| o.to_string()).collect();
    assert_eq!(
        origins,
        [
            "https://a.example.com",
            "https://*.tenants.example.com",
            "http://localhost:*"
        ]
    );
}

#[actix_web::test]
#[should_panic(expected = "cors_runtime: route `env_any_port`: environment variable \
                `CORS_TEST_ANY_PORT_ORIGINS`: entry `https://app.example.com:*` has a wildcard \
                port, which only a loopback host may have")]
async fn a_wildcard_port_off_loopback_stops_the_app_as_the_literal_would() {
    set_environment();
    test::init_service(App::new().service(env_any_port)).await;
}

#[actix_web::test]
#[should_panic(
    expected = "cors_runtime: route `env_bad`: environment variable `CORS_TEST_BAD_ORIGINS`: \
                entry `https://b.example.com/` ends with `/`; an origin has no path, not even a \
                trailing slash; did you mean `https://b.example.com`?"
)]
async fn a_bad_entry_stops_the_app_while_it_is_built() {
    set_environment();
    test::init_service(App::new().service(env_bad)).await;
}

#[actix_web::test]
#[should_panic(
    expected = "cors_runtime: route `env_missing`: environment variable `CORS_TEST_UNSET` is not \
                set or empty, and the route lists no static `origins`"
)]
async fn a_missing_variable_without_static_origins_stops_the_app() {
    set_environment();
    test::init_service(App::new().service(env_missing)).await;
}

/// The variable's entries and the route's literals are one list: an entry equal to a literal is
/// refused like a literal listed twice (SECURITY.md, S18).
#[actix_web::test]
#[should_panic(
    expected = "cors_runtime: route `env_repeats_literal`: environment variable \
                `CORS_TEST_STAGING_ORIGINS`: entry `https://app.example.com` is already in the \
                route's `origins`; remove it from `CORS_TEST_STAGING_ORIGINS`"
)]
async fn an_entry_equal_to_a_literal_stops_the_app() {
    set_environment();
    test::init_service(App::new().service(env_repeats_literal)).await;
}

/// ... and a pattern that covers a literal, like a literal pattern covering a literal origin.
#[actix_web::test]
#[should_panic(
    expected = "cors_runtime: route `env_covers_literal`: environment variable \
                `CORS_TEST_WIDE_ORIGINS`: the route's origin `https://app.example.com` is already \
                matched by `https://*.example.com`; remove one"
)]
async fn an_entry_covering_a_literal_stops_the_app() {
    set_environment();
    test::init_service(App::new().service(env_covers_literal)).await;
}

/// On a real server the app is built by each worker as the server starts: a bad variable makes
/// `run()` fail at startup, before anything is served, instead of hanging.
#[::core::prelude::v1::test] // `test` here is actix-web's module
fn a_bad_entry_stops_a_real_server_at_startup() {
    set_environment();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let result = actix_web::rt::System::new().block_on(async {
            HttpServer::new(|| App::new().service(env_server))
                .workers(1)
                .bind(("127.0.0.1", 0))?
                .run()
                .await
        });
        tx.send(result).unwrap();
    });
    let result = rx
        .recv_timeout(Duration::from_secs(30))
        .expect("the server stopped at startup");
    assert!(
        result.is_err(),
        "the server started with a bad CORS_TEST_SERVER_ORIGINS"
    );
}

/// Every value `origin_fn` was shown.
static SHOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn is_tenant(origin: &str) -> bool {
    SHOWN.lock().unwrap().push(origin.to_owned());
    origin.starts_with("https://") && origin.ends_with(".tenants.example.org")
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, credentials = true)]
#[get("/tenant")]
async fn tenant() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[actix_web::test]
async fn origin_fn_decides_unlisted_origins_and_sees_only_serialized_origins() {
    let app = test::init_service(App::new().service(tenant)).await;
    assert!(grants(&app, "/tenant", APP).await);
    assert!(grants(&app, "/tenant", "https://acme.tenants.example.org").await);
    assert!(!grants(&app, "/tenant", "https://evil.example").await);
    for junk in [
        "null",
        "https://ACME.tenants.example.org",
        "https://acme.tenants.example.org/",
        "https://acme.tenants.example.org:443",
        "https://acme.tenants.example.org ",
        "https://user@acme.tenants.example.org",
        // Not a punycode label a browser could produce (SECURITY.md, S19).
        "https://xn--a.tenants.example.org",
        "https://xn--.tenants.example.org",
        // Pages of other schemes send `null`; only embedders registering the scheme send these,
        // and such origins are listed exactly, not decided by a function.
        "foo://acme.tenants.example.org",
        "chrome-extension://acme.tenants.example.org",
    ] {
        assert!(!grants(&app, "/tenant", junk).await, "{junk}");
    }
    let two = from_origin(Method::GET, "/tenant", "https://acme.tenants.example.org")
        .append_header((header::ORIGIN, "https://acme.tenants.example.org"));
    let res = test::call_service(&app, two.to_request()).await;
    assert!(header_str(&res, header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());

    let res = test::call_service(
        &app,
        from_origin(Method::GET, "/tenant", "https://acme.tenants.example.org").to_request(),
    )
    .await;
    assert_eq!(
        header_str(&res, header::ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
        Some("true")
    );
    assert_eq!(
        *SHOWN.lock().unwrap(),
        [
            "https://acme.tenants.example.org",
            "https://evil.example",
            "https://acme.tenants.example.org"
        ]
    );
}
