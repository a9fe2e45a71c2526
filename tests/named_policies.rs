//! Named policies: declared once with `cors_runtime::policy!`, used by path from any module with
//! `#[cors(policy = ..)]`; the route's list keys extend the named policy's lists and its scalar
//! keys replace the named policy's values.

use actix_web::http::header::*;
use actix_web::http::Method;
use actix_web::{get, post, test, App, HttpResponse};
use cors_runtime::cors;

mod common;
use common::*;

mod cors_policies {
    cors_runtime::policy!(
        /// The policy of the public API.
        API {
            origins = ["https://app.example.com"],
            headers = ["Content-Type"],
            max_age = 600,
        }
    );

    cors_runtime::policy!(PUBLIC { origins = ["*"] });
}

const ADMIN: &str = "https://admin.example.com";

#[cors(policy = crate::cors_policies::API)]
#[get("/plain")]
async fn plain() -> HttpResponse {
    HttpResponse::Ok().finish()
}

#[cors(
    policy = crate::cors_policies::API,
    origins = ["https://admin.example.com"],
    headers = ["X-Token"],
    max_age = 60,
    credentials = true
)]
#[post("/extended")]
async fn extended() -> HttpResponse {
    HttpResponse::Ok().finish()
}

mod elsewhere {
    use super::*;

    #[cors(policy = crate::cors_policies::PUBLIC)]
    #[get("/public")]
    pub async fn public() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

#[actix_web::test]
async fn routes_build_on_a_named_policy() {
    let app = test::init_service(
        App::new()
            .service(plain)
            .service(extended)
            .service(elsewhere::public),
    )
    .await;

    // As declared.
    let res = test::call_service(
        &app,
        preflight("/plain", APP, "GET", Some("content-type")).to_request(),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
        Some("600")
    );
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
        Some("Content-Type")
    );
    assert!(header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none());
    let res = test::call_service(&app, preflight("/plain", ADMIN, "GET", None).to_request()).await;
    assert_eq!(res.status(), 403);

    // Extended lists, replaced scalars.
    for origin in [APP, ADMIN] {
        let req = preflight("/extended", origin, "POST", Some("content-type,x-token"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 204, "{origin}");
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
            Some("Content-Type, X-Token")
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
            Some("60")
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
            Some("true")
        );
    }

    // Used from another module.
    let res =
        test::call_service(&app, from_origin(Method::GET, "/public", EVIL).to_request()).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some("*")
    );
}

#[::core::prelude::v1::test] // `test` here is actix-web's module
fn the_audit_names_the_policy_each_route_builds_on() {
    let named: Vec<(&str, Option<&str>)> = cors_runtime::policies()
        .iter()
        .map(|p| (p.route(), p.named_policy()))
        .collect();
    assert_eq!(
        named,
        [
            ("extended", Some("API")),
            ("plain", Some("API")),
            ("public", Some("PUBLIC"))
        ]
    );
    let extended_policy = cors_runtime::policies()
        .into_iter()
        .find(|p| p.route() == "extended")
        .unwrap();
    assert_eq!(
        extended_policy.to_string(),
        "extended POST /extended (policy API): origins https://app.example.com, \
         https://admin.example.com; headers Content-Type, X-Token; credentials; max_age 60"
    );
}
