//! The code `#[cors]` generates next to the user's: names the user may also write, a dependency
//! renamed in Cargo.toml, and keys handed over by `macro_rules!` wrappers.

mod common;

/// A handler named `config`, beside another route in its module: the generated registration
/// must not bind that name.
mod handler_named_config {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    #[cors(origins = ["https://app.example.com"])]
    #[get("/config")]
    async fn config() -> HttpResponse {
        HttpResponse::Ok().body("config")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[get("/other")]
    async fn other() -> HttpResponse {
        HttpResponse::Ok().body("other")
    }

    #[actix_web::test]
    async fn both_routes_serve_with_their_policy() {
        let app = test::init_service(App::new().service(config).service(other)).await;
        for path in ["/config", "/other"] {
            let req = from_origin(Method::GET, path, APP);
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(
                header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
                Some(APP),
                "{path}"
            );
        }
    }
}

/// A `guard = "config"` function.
mod guard_named_config {
    use actix_web::guard::GuardContext;
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    fn config(ctx: &GuardContext) -> bool {
        ctx.head().headers().contains_key("x-config")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[get("/guarded", guard = "config")]
    async fn guarded() -> HttpResponse {
        HttpResponse::Ok().body("guarded")
    }

    #[actix_web::test]
    async fn the_guard_applies_and_the_policy_too() {
        let app = test::init_service(App::new().service(guarded)).await;
        let req = from_origin(Method::GET, "/guarded", APP);
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 404, "the guard named `config` still applies");

        let req = from_origin(Method::GET, "/guarded", APP).insert_header(("x-config", "1"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
    }
}

/// Keys handed over by a `macro_rules!` wrapper as `:path` and `:expr` fragments, which reach
/// `#[cors]` wrapped in invisible groups.
mod macro_rules_wrapper {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    mod cors_policies {
        cors_runtime::policy!(API { origins = ["https://app.example.com"] });
    }

    fn is_tenant(origin: &str) -> bool {
        origin == "https://tenant.example.net"
    }

    macro_rules! route_with_policy {
        ($policy:path, $name:ident, $path:literal) => {
            #[cors(policy = $policy)]
            #[get($path)]
            async fn $name() -> HttpResponse {
                HttpResponse::Ok().finish()
            }
        };
    }

    macro_rules! route_with_origin_fn {
        ($origins:expr, $check:path, $name:ident, $path:literal) => {
            #[cors(origins = $origins, origin_fn = $check)]
            #[get($path)]
            async fn $name() -> HttpResponse {
                HttpResponse::Ok().finish()
            }
        };
    }

    macro_rules! policy_value {
        ($policy:path) => {
            cors_runtime::named_policy!($policy)
        };
    }

    route_with_policy!(self::cors_policies::API, with_policy, "/with-policy");
    route_with_origin_fn!(
        ["https://app.example.com"],
        self::is_tenant,
        with_origin_fn,
        "/with-origin-fn"
    );

    #[actix_web::test]
    async fn the_fragments_are_read_as_written() {
        let app = test::init_service(App::new().service(with_policy).service(with_origin_fn)).await;
        let cases = [
            ("/with-policy", APP, true),
            ("/with-policy", "https://tenant.example.net", false),
            ("/with-origin-fn", APP, true),
            ("/with-origin-fn", "https://tenant.example.net", true),
            ("/with-origin-fn", EVIL, false),
        ];
        for (path, origin, allowed) in cases {
            let req = from_origin(Method::GET, path, origin);
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(res.status(), 200, "{path} {origin}");
            let granted = header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN);
            assert_eq!(
                granted.as_deref(),
                allowed.then_some(origin),
                "{path} {origin}"
            );
        }
        let value = policy_value!(self::cors_policies::API);
        assert_eq!(value.named_policy(), Some("API"));
    }
}

/// `crate = path`: the generated code reaches `cors-runtime` by the path given. This workspace has
/// the dependency under its own name, so `::cors_runtime` resolves here too; that no generated
/// path names it is checked by `crate_key_is_the_only_path_to_the_runtime` in `cors-macros`.
/// This test shows a renamed path working end to end.
mod renamed_dependency {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, web, App, HttpResponse};
    use cors_runtime as renamed;

    use crate::common::*;

    mod cors_policies {
        use cors_runtime as renamed;

        pub fn is_tenant(origin: &str) -> bool {
            origin == "https://tenant.example.net"
        }

        // A named policy's `crate` applies to the routes built on it.
        renamed::policy!(TENANTS {
            crate = renamed,
            origins = ["https://app.example.com"],
            origin_fn = is_tenant,
        });
    }

    #[renamed::cors(crate = renamed, origins = ["https://app.example.com"])]
    #[get("/renamed")]
    async fn routed() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[renamed::cors(policy = self::cors_policies::TENANTS)]
    #[get("/renamed-policy")]
    async fn on_policy() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[renamed::cors(crate = renamed, origins = ["https://app.example.com"], methods = ["GET"])]
    async fn by_hand() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[actix_web::test]
    async fn every_form_serves_with_its_policy() {
        let app = test::init_service(
            App::new()
                .wrap(
                    renamed::outermost()
                        .default_policy(renamed::named_policy!(self::cors_policies::TENANTS)),
                )
                .service(routed)
                .service(on_policy)
                .service(
                    web::resource("/renamed-by-hand")
                        .route(web::get().to(by_hand))
                        .wrap(by_hand::cors()),
                ),
        )
        .await;
        let cases = [
            ("/renamed", APP),
            ("/renamed-policy", "https://tenant.example.net"),
            ("/renamed-by-hand", APP),
            ("/not-found", "https://tenant.example.net"),
        ];
        for (path, origin) in cases {
            let req = from_origin(Method::GET, path, origin);
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(
                header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
                Some(origin),
                "{path}"
            );
        }
    }
}
