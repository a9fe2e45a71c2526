//! Origins the application replaces while it serves (`ReloadableOrigins`, consulted through
//! `origin_fn`): a new list is in force from the next request, a bad list is refused whole with
//! the compiler's message for the same literal and leaves the old one in force, and requests
//! racing a reload see one list or the other (`tests/properties/reload.rs` races them).

mod common;

use actix_web::{get, test, App, HttpResponse};
use cors_runtime::{cors, ReloadableOrigins};

use common::*;

static TENANT_ORIGINS: ReloadableOrigins = ReloadableOrigins::new();

fn is_tenant(origin: &str) -> bool {
    TENANT_ORIGINS.allows(origin)
}

#[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, credentials = true)]
#[get("/orders")]
async fn orders() -> HttpResponse {
    HttpResponse::Ok().finish()
}

async fn grants(app: &impl TestApp, origin: &str) -> bool {
    let req = from_origin(actix_web::http::Method::GET, "/orders", origin);
    let res = test::call_service(app, req.to_request()).await;
    header_str(&res, actix_web::http::header::ACCESS_CONTROL_ALLOW_ORIGIN).as_deref()
        == Some(origin)
}

/// The compiler's message for an origin literal, as its UI test pins it.
fn compile_error_for(ui_test: &str) -> String {
    let stderr = std::fs::read_to_string(format!("tests/ui/{ui_test}.stderr")).unwrap();
    stderr
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("error: "))
        .unwrap()
        .to_owned()
}

#[actix_web::test]
async fn a_replaced_list_is_in_force_from_the_next_request() {
    let app = test::init_service(App::new().service(orders)).await;
    assert!(
        !grants(&app, "https://shop.acme.example").await,
        "empty until filled"
    );
    assert!(
        grants(&app, "https://app.example.com").await,
        "the literal list"
    );

    TENANT_ORIGINS
        .replace(["https://shop.acme.example", "https://*.tenants.example.com"])
        .unwrap();
    assert!(grants(&app, "https://shop.acme.example").await);
    assert!(grants(&app, "https://eu.tenants.example.com").await);
    assert!(!grants(&app, "https://a.b.tenants.example.com").await);

    // Refused whole, with the literal's message: the old list stays in force.
    for (list, ui_test) in [
        (
            vec!["https://new.example", "https://app.example.com/"],
            "origin_trailing_slash",
        ),
        (vec!["https://App.Example.com"], "origin_uppercase_host"),
    ] {
        let refused = TENANT_ORIGINS.replace(&list).unwrap_err();
        assert_eq!(refused.to_string(), compile_error_for(ui_test));
        assert!(grants(&app, "https://shop.acme.example").await);
        assert!(!grants(&app, "https://new.example").await);
    }
    for (list, why) in [
        (vec!["*"], "allows every origin"),
        (
            vec!["https://a.example", "https://a.example"],
            "is listed twice",
        ),
        (
            vec![
                "https://x.tenants.example.com",
                "https://*.tenants.example.com",
            ],
            "is already matched by",
        ),
        (vec!["null"], "null"),
    ] {
        let refused = TENANT_ORIGINS.replace(&list).unwrap_err();
        assert!(refused.to_string().contains(why), "{refused}");
    }
    assert_eq!(
        TENANT_ORIGINS.entries(),
        ["https://shop.acme.example", "https://*.tenants.example.com"]
    );

    // Emptied: no tenant any more.
    TENANT_ORIGINS.replace(Vec::<&str>::new()).unwrap();
    assert!(!grants(&app, "https://shop.acme.example").await);
    assert!(grants(&app, "https://app.example.com").await);
}
