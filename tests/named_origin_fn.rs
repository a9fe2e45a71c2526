//! A named policy's `origin_fn` is the function in scope where the policy is declared, wherever
//! the policy is used (SECURITY.md, S17): a path resolved at each route would let a route module
//! with a function of the same name swap in its own, and grant every origin with credentials.

use actix_web::http::header::*;
use actix_web::http::Method;
use actix_web::{get, test, App, HttpResponse};
use cors_runtime::cors;

mod common;
use common::*;

const TENANT: &str = "https://acme.tenant.example";
const STRANGER: &str = "https://evil.example";

mod tenant_policies {
    /// The tenant table.
    fn allow_tenant(origin: &str) -> bool {
        origin == super::TENANT
    }

    cors_runtime::policy!(TENANTS {
        origin_fn = allow_tenant,
        credentials = true,
    });
}

mod routes {
    use super::*;

    /// A function of the same name at the route, which allows everything. It must not be the
    /// one the policy consults.
    #[allow(dead_code)]
    fn allow_tenant(_: &str) -> bool {
        true
    }

    #[cors(policy = crate::tenant_policies::TENANTS)]
    #[get("/by-path")]
    pub async fn by_path() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

mod imported {
    use super::*;
    // The policy reached through a `use`, which brings the macro and the bound function along.
    use crate::tenant_policies::TENANTS;

    #[cors(policy = TENANTS)]
    #[get("/imported")]
    pub async fn imported() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

mod own_function {
    use super::*;

    fn staff_only(origin: &str) -> bool {
        origin == "https://staff.example"
    }

    // A route's own `origin_fn` replaces the named policy's, resolved at the route.
    #[cors(policy = crate::tenant_policies::TENANTS, origin_fn = staff_only)]
    #[get("/own")]
    pub async fn own() -> HttpResponse {
        HttpResponse::Ok().finish()
    }
}

#[actix_web::test]
async fn the_named_policys_function_decides_at_every_route() {
    let app = test::init_service(
        App::new()
            .service(routes::by_path)
            .service(imported::imported)
            .service(own_function::own),
    )
    .await;
    for path in ["/by-path", "/imported"] {
        let res =
            test::call_service(&app, from_origin(Method::GET, path, TENANT).to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(TENANT),
            "{path}"
        );
        let res =
            test::call_service(&app, from_origin(Method::GET, path, STRANGER).to_request()).await;
        assert!(
            cors_headers(&res).is_empty(),
            "{path}: {:?}",
            cors_headers(&res)
        );
        let res =
            test::call_service(&app, preflight(path, STRANGER, "GET", None).to_request()).await;
        assert_eq!(res.status(), 403, "{path}");
    }

    let res = test::call_service(&app, from_origin(Method::GET, "/own", TENANT).to_request()).await;
    assert!(cors_headers(&res).is_empty());
    let staff = "https://staff.example";
    let res = test::call_service(&app, from_origin(Method::GET, "/own", staff).to_request()).await;
    assert_eq!(
        header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
        Some(staff)
    );
}

#[::core::prelude::v1::test] // `test` here is actix-web's module
fn the_audit_names_the_function_and_where_it_was_resolved() {
    let bound: Vec<(&str, &str, &str)> = cors_runtime::policies()
        .iter()
        .map(|p| {
            let f = p.origin_fn().expect("every route here has one");
            (p.route(), f.name(), f.resolved_in())
        })
        .collect();
    assert_eq!(
        bound,
        [
            (
                "by_path",
                "allow_tenant",
                "named_origin_fn::tenant_policies"
            ),
            (
                "imported",
                "allow_tenant",
                "named_origin_fn::tenant_policies"
            ),
            ("own", "staff_only", "named_origin_fn::own_function"),
        ]
    );
    let by_path = cors_runtime::policies()
        .into_iter()
        .find(|p| p.route() == "by_path")
        .unwrap();
    assert_eq!(
        by_path.to_string(),
        "by_path GET /by-path (policy TENANTS): origins origin_fn allow_tenant (in \
         named_origin_fn::tenant_policies); credentials; max_age 600"
    );
}
