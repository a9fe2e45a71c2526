//! `#[cors]` above every actix-web routing macro, inside scopes, with the routing macro's own
//! options, several handlers on one path, and handlers registered by hand. Each concern is a
//! module with its handlers, its app and its tests.

// `#[cors]` registers the route itself, in place of the routing macro it reads: the import of that
// macro must still count as used.
#![deny(unused_imports)]

mod common;

/// Every routing macro, bare or qualified, at the root and inside scopes.
mod every_routing_macro {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{
        delete, get, head, patch, post, put, route, routes, test, web, App, HttpResponse,
    };
    use cors_runtime::cors;

    use crate::common::*;

    #[cors(origins = ["https://app.example.com"])]
    #[get("/get")]
    async fn on_get() -> HttpResponse {
        HttpResponse::Ok().body("get")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[post("/post")]
    async fn on_post() -> HttpResponse {
        HttpResponse::Ok().body("post")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[put("/put")]
    async fn on_put() -> HttpResponse {
        HttpResponse::Ok().body("put")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[delete("/delete")]
    async fn on_delete() -> HttpResponse {
        HttpResponse::Ok().body("delete")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[patch("/patch")]
    async fn on_patch() -> HttpResponse {
        HttpResponse::Ok().body("patch")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[head("/head")]
    async fn on_head() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    #[cors(origins = ["https://app.example.com"])]
    #[actix_web::get("/qualified")]
    async fn qualified() -> HttpResponse {
        HttpResponse::Ok().body("qualified")
    }

    #[cors(origins = ["https://app.example.com"], methods = ["PUT"])]
    #[route("/route", method = "GET", method = "PUT", method = "PROPFIND")]
    async fn on_route() -> HttpResponse {
        HttpResponse::Ok().body("route")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[routes]
    #[get("/routes/a")]
    #[delete("/routes/b")]
    async fn on_routes() -> HttpResponse {
        HttpResponse::Ok().body("routes")
    }

    // Inside a scope: the scope's own root (empty path), and a path written without its slash.
    // `#[cors]` registers the route, and must normalize both the way actix-web's `Resource` does.
    #[cors(origins = ["https://app.example.com"])]
    #[get("")]
    async fn scope_root() -> HttpResponse {
        HttpResponse::Ok().body("root")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[get("no-slash")]
    async fn no_leading_slash() -> HttpResponse {
        HttpResponse::Ok().body("no slash")
    }

    #[actix_web::scope("/v2")]
    mod v2 {
        use super::*;

        #[cors(origins = ["https://app.example.com"])]
        #[get("/scoped")]
        pub async fn scoped_by_macro() -> HttpResponse {
            HttpResponse::Ok().body("v2")
        }
    }

    async fn app() -> impl TestApp {
        test::init_service(
            App::new()
                .service(on_get)
                .service(on_post)
                .service(on_put)
                .service(on_delete)
                .service(on_patch)
                .service(on_head)
                .service(qualified)
                .service(on_route)
                .service(on_routes)
                .service(web::scope("/api").service(on_get).service(no_leading_slash))
                .service(web::scope("/root-scope").service(scope_root))
                .service(v2::scoped_by_macro),
        )
        .await
    }

    #[actix_web::test]
    async fn every_routing_macro_gets_preflight_and_decoration() {
        let app = app().await;
        let cases = [
            ("/get", "GET"),
            ("/post", "POST"),
            ("/put", "PUT"),
            ("/delete", "DELETE"),
            ("/patch", "PATCH"),
            ("/head", "HEAD"),
            ("/qualified", "GET"),
            ("/route", "PUT"),
            ("/routes/a", "GET"),
            ("/routes/b", "DELETE"),
            ("/api/get", "GET"),
            ("/api/no-slash", "GET"),
            ("/root-scope", "GET"),
            ("/v2/scoped", "GET"),
        ];
        for (path, method) in cases {
            let res =
                test::call_service(&app, preflight(path, APP, method, None).to_request()).await;
            assert_eq!(res.status(), 204, "preflight {method} {path}");
            assert_eq!(
                header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
                Some(APP),
                "{path}"
            );

            let req = from_origin(Method::from_bytes(method.as_bytes()).unwrap(), path, APP);
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(res.status(), 200, "actual {method} {path}");
            assert_eq!(
                header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
                Some(APP),
                "{path}"
            );
            assert_eq!(vary(&res), ["Origin"], "{path}");
        }
    }

    #[actix_web::test]
    async fn methods_default_to_the_routes_and_can_be_narrowed() {
        let app = app().await;
        let res =
            test::call_service(&app, preflight("/post", APP, "POST", None).to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("POST")
        );
        let res =
            test::call_service(&app, preflight("/routes/a", APP, "GET", None).to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("GET, DELETE")
        );
        // `#[route]` serves GET, PUT and PROPFIND; the policy allows only PUT cross-origin.
        // PROPFIND is not in the list the preflight answers with: the browser refuses it.
        let res = test::call_service(
            &app,
            preflight("/route", APP, "PROPFIND", None).to_request(),
        )
        .await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("PUT")
        );
        let res =
            test::call_service(&app, preflight("/route", APP, "PUT", None).to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("PUT")
        );
        let res = test::call_service(
            &app,
            test::TestRequest::default()
                .method(Method::from_bytes(b"PROPFIND").unwrap())
                .uri("/route")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200, "the route still serves PROPFIND");
    }
}

/// The routing attribute's resource name, and what the app's resource map answers about the route
/// (`url_for`, and the name and pattern that logging and metrics middleware read).
mod resource_names {
    use actix_web::http::Method;
    use actix_web::{get, post, test, web, App, HttpRequest, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    /// Reads one item.
    ///
    /// The doc comment moves to the struct users register.
    #[cors(origins = ["https://app.example.com"])]
    #[get("/things/{id}")]
    async fn thing(req: HttpRequest) -> HttpResponse {
        let url = req
            .url_for("thing", ["7"])
            .expect("named after the handler");
        let other = req
            .url_for("custom-name", [""; 0])
            .expect("user-given name kept");
        let name = req.match_name().expect("a named resource");
        let pattern = req.match_pattern().expect("a pattern");
        HttpResponse::Ok().body(format!("{} {} {name} {pattern}", url.path(), other.path()))
    }

    #[cors(origins = ["https://app.example.com"])]
    #[get("/named", name = "custom-name")]
    async fn named() -> HttpResponse {
        HttpResponse::Ok().finish()
    }

    async fn app() -> impl TestApp {
        test::init_service(
            App::new()
                .service(web::scope("/api").service(thing))
                .service(named),
        )
        .await
    }

    /// Two patterns that both match `/widgets/action`, told apart by method.
    #[cors(origins = ["https://app.example.com"])]
    #[get("/widgets/{id}")]
    async fn get_widget(req: HttpRequest) -> HttpResponse {
        names(&req)
    }

    #[cors(origins = ["https://app.example.com"])]
    #[post("/widgets/action")]
    async fn widget_action(req: HttpRequest) -> HttpResponse {
        names(&req)
    }

    fn names(req: &HttpRequest) -> HttpResponse {
        let name = req.match_name().unwrap_or("none");
        let pattern = req.match_pattern().unwrap_or_default();
        HttpResponse::Ok().body(format!("{name} {pattern}"))
    }

    /// A `#[cors]` route's place in the resource map holds its names as children, so that it can
    /// be told apart from a resource of the same name (see `cors-runtime/src/routing/nodes.rs`);
    /// actix-web then answers `match_name()` and `match_pattern()` by path, as for a request no
    /// route served: where an earlier route's pattern also matches the path, those name the
    /// earlier route (README, *Limits*).
    #[actix_web::test]
    async fn match_name_and_pattern_are_found_by_path_where_patterns_overlap() {
        let app = test::init_service(App::new().service(get_widget).service(widget_action)).await;
        for (method, name_and_pattern) in [
            (Method::GET, "get_widget /widgets/{id}"),
            (Method::POST, "get_widget /widgets/{id}"),
        ] {
            let req = from_origin(method, "/widgets/action", APP).to_request();
            let res = test::call_service(&app, req).await;
            assert_eq!(test::read_body(res).await, name_and_pattern);
        }
    }

    #[actix_web::test]
    async fn url_for_and_resource_names_keep_working() {
        let app = app().await;
        let res = test::call_service(
            &app,
            from_origin(Method::GET, "/api/things/1", APP).to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            test::read_body(res).await,
            "/api/things/7 /named thing /api/things/{id}"
        );
    }
}

/// The routing attribute's own `guard` and `wrap`.
mod guard_and_wrap {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    fn is_internal(ctx: &actix_web::guard::GuardContext) -> bool {
        ctx.head().headers().contains_key("x-internal")
    }

    #[cors(origins = ["https://app.example.com"])]
    #[get(
        "/guarded",
        guard = "is_internal",
        wrap = "actix_web::middleware::DefaultHeaders::new().add((\"X-Wrapped\", \"yes\"))"
    )]
    async fn guarded() -> HttpResponse {
        HttpResponse::Ok().body("guarded")
    }

    async fn app() -> impl TestApp {
        test::init_service(App::new().service(guarded)).await
    }

    #[actix_web::test]
    async fn routing_macro_guard_and_wrap_are_kept() {
        let app = app().await;
        let res =
            test::call_service(&app, from_origin(Method::GET, "/guarded", APP).to_request()).await;
        assert_eq!(res.status(), 404, "the user's guard still applies");

        let req = from_origin(Method::GET, "/guarded", APP).insert_header(("x-internal", "1"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, HeaderName::from_static("x-wrapped")).as_deref(),
            Some("yes")
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
    }
}

/// Two handlers on one path, each with its own policy.
mod shared_path {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, post, put, route, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    #[cors(origins = ["https://reader.example.com"], max_age = 60)]
    #[get("/shared")]
    async fn shared_read() -> HttpResponse {
        HttpResponse::Ok().body("read")
    }

    #[cors(origins = ["https://writer.example.com"], headers = ["Content-Type"], credentials = true)]
    #[post("/shared")]
    async fn shared_write() -> HttpResponse {
        HttpResponse::Ok().body("write")
    }

    async fn app() -> impl TestApp {
        test::init_service(App::new().service(shared_read).service(shared_write)).await
    }

    #[actix_web::test]
    async fn each_handler_on_a_shared_path_answers_its_own_preflights() {
        let app = app().await;
        let reader = "https://reader.example.com";
        let writer = "https://writer.example.com";

        let res =
            test::call_service(&app, preflight("/shared", reader, "GET", None).to_request()).await;
        assert_eq!(res.status(), 204);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
            Some("60")
        );
        assert_eq!(header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS), None);

        let res = test::call_service(
            &app,
            preflight("/shared", writer, "POST", Some("content-type")).to_request(),
        )
        .await;
        assert_eq!(res.status(), 204);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(writer)
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_CREDENTIALS).as_deref(),
            Some("true")
        );
        // The writer's policy sets no `max_age`: the default, not the reader's 60.
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_MAX_AGE).as_deref(),
            Some("600")
        );

        // Each policy refuses the other's origin.
        let res =
            test::call_service(&app, preflight("/shared", writer, "GET", None).to_request()).await;
        assert_eq!(res.status(), 403);
        let res = test::call_service(
            &app,
            preflight("/shared", reader, "POST", None).to_request(),
        )
        .await;
        assert_eq!(res.status(), 403);

        let res = test::call_service(
            &app,
            from_origin(Method::GET, "/shared", writer).to_request(),
        )
        .await;
        assert_eq!(test::read_body(res).await, "read");
    }

    /// A route that serves `OPTIONS` itself next to its `GET`.
    #[cors(origins = ["https://reader.example.com"], methods = ["GET"])]
    #[route("/options", method = "GET", method = "OPTIONS")]
    async fn with_options() -> HttpResponse {
        HttpResponse::Ok().body("options or get")
    }

    #[cors(origins = ["https://writer.example.com"])]
    #[put("/options")]
    async fn put_beside_options() -> HttpResponse {
        HttpResponse::Ok().body("put")
    }

    #[actix_web::test]
    async fn a_route_serving_options_leaves_a_siblings_preflights_to_it() {
        let app =
            test::init_service(App::new().service(with_options).service(put_beside_options)).await;
        let writer = "https://writer.example.com";
        let res = test::call_service(
            &app,
            preflight("/options", writer, "PUT", None).to_request(),
        )
        .await;
        assert_eq!(res.status(), 204);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(writer)
        );
        // A plain OPTIONS request is the route's own business.
        let res = test::call_service(
            &app,
            test::TestRequest::default()
                .method(Method::OPTIONS)
                .uri("/options")
                .to_request(),
        )
        .await;
        assert_eq!(test::read_body(res).await, "options or get");
    }
}

/// A handler registered by hand, wrapped in its `cors()` middleware.
mod by_hand_registration {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{test, web, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    #[cors(origins = ["https://app.example.com"], methods = ["GET", "PUT"], headers = ["X-Token"])]
    async fn by_hand() -> HttpResponse {
        HttpResponse::Ok().body("by hand")
    }

    async fn app() -> impl TestApp {
        test::init_service(
            App::new().service(
                web::resource("/by-hand")
                    .route(web::get().to(by_hand))
                    .route(web::put().to(by_hand))
                    .wrap(by_hand::cors()),
            ),
        )
        .await
    }

    #[actix_web::test]
    async fn by_hand_middleware_answers_preflights_and_checks_methods() {
        let app = app().await;
        let res =
            test::call_service(&app, preflight("/by-hand", APP, "PUT", None).to_request()).await;
        assert_eq!(res.status(), 204);
        let res =
            test::call_service(&app, from_origin(Method::PUT, "/by-hand", APP).to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
        let res = test::call_service(
            &app,
            preflight("/by-hand", APP, "GET", Some("x-token")).to_request(),
        )
        .await;
        assert_eq!(res.status(), 204);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("GET, PUT")
        );
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_HEADERS).as_deref(),
            Some("X-Token")
        );
        // DELETE is not in the list: the browser refuses it.
        let res = test::call_service(
            &app,
            preflight("/by-hand", APP, "DELETE", None).to_request(),
        )
        .await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("GET, PUT")
        );
        let res = test::call_service(
            &app,
            from_origin(Method::GET, "/by-hand", EVIL).to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(cors_headers(&res), Vec::<String>::new());
        assert_eq!(
            by_hand::cors().policy().methods().collect::<Vec<_>>(),
            ["GET", "PUT"]
        );
    }
}

/// Paths and options actix-web's routing macro accepts though they look like mistakes: `#[cors]`
/// serves them with their policy, as it serves any other.
mod accepted_oddities {
    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, route, test, App, HttpResponse};
    use cors_runtime::cors;

    use crate::common::*;

    // A `}` that closes no `{` is a literal character of the path to actix-web.
    #[cors(origins = ["https://app.example.com"], on_mismatch = "reject")]
    #[get("/items/{id}}")]
    async fn stray_brace() -> HttpResponse {
        HttpResponse::Ok().body("stray")
    }

    // One extension method spelt twice: actix-web registers it twice, which serves it once.
    #[cors(origins = ["https://app.example.com"])]
    #[route("/dav", method = "PROPFIND", method = r"PROPFIND")]
    async fn spelt_twice() -> HttpResponse {
        HttpResponse::Ok().body("dav")
    }

    #[actix_web::test]
    async fn a_stray_brace_keeps_the_policy() {
        let app = test::init_service(App::new().service(stray_brace)).await;
        let res = test::call_service(
            &app,
            from_origin(Method::GET, "/items/7%7D", APP).to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
        let res = test::call_service(
            &app,
            preflight("/items/7%7D", APP, "GET", None).to_request(),
        )
        .await;
        assert_eq!(res.status(), 204);
        let res = test::call_service(
            &app,
            from_origin(Method::GET, "/items/7%7D", EVIL).to_request(),
        )
        .await;
        assert_eq!(res.status(), 403, "on_mismatch = \"reject\" applies");

        let policy = cors_runtime::policies()
            .into_iter()
            .find(|p| p.route() == "stray_brace")
            .expect("the route is in the registry");
        assert_eq!(policy.paths(), ["/items/{id}}"]);
    }

    #[actix_web::test]
    async fn a_method_spelt_twice_keeps_the_policy() {
        let app = test::init_service(App::new().service(spelt_twice)).await;
        let method = Method::from_bytes(b"PROPFIND").unwrap();
        let res = test::call_service(&app, from_origin(method, "/dav", APP).to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
        let res =
            test::call_service(&app, preflight("/dav", APP, "PROPFIND", None).to_request()).await;
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_METHODS).as_deref(),
            Some("PROPFIND")
        );
    }
}

/// Another crate's attribute named like an actix-web routing macro (a tracing crate's `#[trace]`)
/// between `#[cors]` and the routing attribute: `#[cors]` looks past it, and keeps it on the
/// handler.
mod foreign_attribute {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use actix_web::http::header::*;
    use actix_web::http::Method;
    use actix_web::{get, test, App, HttpResponse};
    use cors_runtime::cors;
    use foreign_attributes::trace;

    use crate::common::*;

    static CALLS: AtomicUsize = AtomicUsize::new(0);

    #[cors(origins = ["https://app.example.com"], on_mismatch = "reject")]
    #[trace(counter = CALLS)]
    #[get("/traced")]
    async fn traced() -> HttpResponse {
        HttpResponse::Ok().body("traced")
    }

    #[actix_web::test]
    async fn the_routing_attribute_below_it_is_found() {
        let app = test::init_service(App::new().service(traced)).await;
        let res =
            test::call_service(&app, from_origin(Method::GET, "/traced", APP).to_request()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            header_str(&res, ACCESS_CONTROL_ALLOW_ORIGIN).as_deref(),
            Some(APP)
        );
        assert_eq!(CALLS.load(Ordering::SeqCst), 1, "`#[trace]` is kept");
        let res =
            test::call_service(&app, from_origin(Method::GET, "/traced", EVIL).to_request()).await;
        assert_eq!(res.status(), 403);
        assert_eq!(CALLS.load(Ordering::SeqCst), 1);
    }
}
