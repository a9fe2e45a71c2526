//! The behaviours of actix-web that `cors-runtime`'s routing code mirrors, one test each, in the
//! order `cors-runtime/src/routing/mod.rs` lists them. CI also runs this file against the newest
//! actix-web 4 (`cargo update -p actix-web`), so that a change there shows up here as a failing
//! test, not as a wrong answer of `outermost()`.

use std::cell::Cell;
use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{
    Extensions, ResourceDef, Service, ServiceRequest, ServiceResponse, Transform,
};
use actix_web::guard;
use actix_web::http::header;
use actix_web::middleware::{from_fn, Next};
use actix_web::test::{self, TestRequest};
use actix_web::{web, App, HttpRequest, HttpResponse};

fn named(name: &'static str) -> impl Fn() -> Ready<HttpResponse> + Clone + 'static {
    move || ready(HttpResponse::Ok().body(name))
}

async fn body_of<S, B>(app: &S, req: TestRequest) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let res = test::call_service(app, req.to_request()).await;
    let status = res.status().as_u16();
    let body = test::read_body(res).await;
    format!("{status} {}", String::from_utf8_lossy(&body))
}

/// A middleware that passes requests on, and, when it is built, calls its function with the type
/// name of the service it wraps.
#[derive(Clone)]
struct AtBuild(Rc<dyn Fn(&'static str)>);

impl<S, B> Transform<S, ServiceRequest> for AtBuild
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = S;
    type InitError = ();
    type Future = Ready<Result<S, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        (self.0)(std::any::type_name::<S>());
        ready(Ok(service))
    }
}

/// 1. Entries are tried in registration order, by path and then by guards; the first that accepts
///    the request serves it.
#[actix_web::test]
async fn entries_are_tried_in_order_by_path_then_guards() {
    let app = test::init_service(
        App::new()
            .service(web::resource("/items").guard(guard::Put()).to(named("put")))
            .service(web::resource("/items/{id}").to(named("dynamic")))
            .service(web::resource("/items/new").to(named("static, never reached")))
            .service(web::resource("/items").to(named("any method"))),
    )
    .await;
    assert_eq!(
        body_of(&app, TestRequest::put().uri("/items")).await,
        "200 put"
    );
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/items")).await,
        "200 any method"
    );
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/items/new")).await,
        "200 dynamic"
    );
}

/// 2. A scope whose prefix matches and whose guards accept takes the request: its default answers
///    when nothing inside matches, and later siblings are not tried. A scope whose guard refuses is
///    passed over.
#[actix_web::test]
async fn a_scope_that_matches_takes_the_request() {
    let app = test::init_service(
        App::new()
            .service(
                web::scope("/api")
                    .guard(guard::Host("admin.example.com"))
                    .route("/items", web::get().to(named("admin items"))),
            )
            .service(web::scope("/api").route("/other", web::get().to(named("other"))))
            .service(web::resource("/api/items").to(named("never reached"))),
    )
    .await;
    let admin = TestRequest::get()
        .uri("/api/items")
        .insert_header((header::HOST, "admin.example.com"));
    assert_eq!(body_of(&app, admin).await, "200 admin items");
    let public = TestRequest::get().uri("/api/items");
    assert!(body_of(&app, public).await.starts_with("404"));
}

/// 3. The resource map holds the entries in the router's order without their guards:
///    `match_name` answers the first resource by path, `None` for a scope that matches but holds
///    nothing that does; a node registered with a nested map of names answers its first name.
#[actix_web::test]
async fn the_resource_map_finds_the_first_resource_by_path() {
    fn names_node(path: &str, names: [&str; 2]) -> actix_web::dev::ResourceMap {
        let mut node = actix_web::dev::ResourceMap::new(ResourceDef::new(path));
        for name in names {
            let mut named = ResourceDef::new("");
            named.set_name(name);
            node.add(&mut named, None);
        }
        node
    }
    struct WithNames;
    impl actix_web::dev::HttpServiceFactory for WithNames {
        fn register(self, config: &mut actix_web::dev::AppService) {
            let rdef = ResourceDef::new("/named");
            let names = Rc::new(names_node("/named", ["visible", "hidden"]));
            let route = web::route().to(named("named"));
            config.register_service(rdef, None, route, Some(names));
        }
    }
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/items")
                    .name("first")
                    .guard(guard::Put())
                    .to(named("put")),
            )
            .service(web::resource("/items").name("second").to(named("get")))
            .service(web::scope("/owned").route("/x", web::get().to(named("x"))))
            .service(WithNames)
            .default_service(web::to(|req: HttpRequest| {
                let map = req.resource_map();
                let answer = format!(
                    "{:?} {:?} {:?} {:?}",
                    map.match_name("/items"),
                    map.match_name("/owned/y"),
                    map.match_name("/named"),
                    map.match_name("/nowhere"),
                );
                ready(HttpResponse::Ok().body(answer))
            })),
    )
    .await;
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/probe")).await,
        r#"200 Some("first") None Some("visible") None"#
    );
}

/// 3, continued. `match_name` answers with a borrow of the name the node stores: the same node
///    always at the same address, two nodes of one name at two, and a nested map of names, added
///    to the app, at the address its own `match_name` gave before it was added. For a leaf the
///    router picked, `HttpRequest::match_name()` names that leaf, even where a resource registered
///    before it matches the path.
#[actix_web::test]
async fn a_node_is_told_apart_by_the_address_of_its_name() {
    thread_local!(static REGISTERED_AT: Cell<usize> = const { Cell::new(0) });
    struct WithNames;
    impl actix_web::dev::HttpServiceFactory for WithNames {
        fn register(self, config: &mut actix_web::dev::AppService) {
            let rdef = ResourceDef::new("/shared/{id}");
            let mut names = actix_web::dev::ResourceMap::new(rdef.clone());
            let mut name = ResourceDef::new("");
            name.set_name("shared");
            names.add(&mut name, None);
            let at = names
                .match_name("/shared/7")
                .map_or(0, |name| name.as_ptr() as usize);
            REGISTERED_AT.set(at);
            let route = web::route().to(named("nested"));
            config.register_service(rdef, None, route, Some(Rc::new(names)));
        }
    }
    async fn leaf(req: HttpRequest) -> HttpResponse {
        HttpResponse::Ok().body(req.match_name().unwrap_or("none").to_owned())
    }
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/shared/static")
                    .name("shared")
                    .guard(guard::Put())
                    .to(named("put")),
            )
            .service(WithNames)
            .service(
                web::resource("/leaf/{id}")
                    .name("first")
                    .guard(guard::Put())
                    .to(named("put")),
            )
            .service(web::resource("/leaf/{id}").name("second").to(leaf))
            .default_service(web::to(|req: HttpRequest| {
                let map = req.resource_map();
                let at = |path| {
                    map.match_name(path)
                        .map_or(0, |name| name.as_ptr() as usize)
                };
                let answer = format!(
                    "{} {} {}",
                    at("/shared/static") == at("/shared/static"),
                    at("/shared/static") != at("/shared/7"),
                    at("/shared/7") == REGISTERED_AT.get(),
                );
                ready(HttpResponse::Ok().body(answer))
            })),
    )
    .await;
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/probe")).await,
        "200 true true true"
    );
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/leaf/1")).await,
        "200 second"
    );
}

/// 4. `url_for` renders a named node's full path, scope prefixes included, filling dynamic
///    segments in order and percent-encoding what a URL path cannot hold.
#[actix_web::test]
async fn url_for_renders_the_full_path() {
    let app = test::init_service(App::new().service(web::scope("/v{version}").service(
        web::scope("/a%7Bb").service(web::resource("/items/{id}").name("item").to(named("item"))),
    )))
    .await;
    let req = TestRequest::get().uri("/v1/a%7Bb/items/7").to_request();
    let res = test::call_service(&app, req).await;
    let url = res
        .request()
        .url_for("item", ["__cors_segment_0__", "{x}"])
        .unwrap();
    assert_eq!(url.path(), "/v__cors_segment_0__/a%7Bb/items/%7Bx%7D");
}

/// 5. A guard sees the request through `GuardContext`; asked outside the router about the same
///    request, it gives the router's answer.
#[actix_web::test]
async fn a_guard_asked_outside_the_router_answers_as_inside() {
    let app = test::init_service(
        App::new().service(
            web::resource("/g")
                .guard(guard::Host("a.example"))
                .to(named("guarded")),
        ),
    )
    .await;
    for (host, served) in [("a.example", true), ("b.example", false)] {
        let outside = TestRequest::get()
            .uri("/g")
            .insert_header((header::HOST, host))
            .to_srv_request();
        let asked = guard::Guard::check(&guard::Host("a.example"), &outside.guard_ctx());
        assert_eq!(asked, served, "{host}");
        let inside = TestRequest::get()
            .uri("/g")
            .insert_header((header::HOST, host));
        assert_eq!(
            body_of(&app, inside).await == "200 guarded",
            served,
            "{host}"
        );
    }
}

/// 6. Once the router has handed a request to a resource, its `match_info().unprocessed()` is
///    empty; a middleware that answers before routing sees the whole path.
#[actix_web::test]
async fn the_path_is_consumed_by_routing_only() {
    async fn before_routing(
        req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        let before = req.match_info().unprocessed().to_owned();
        let res = next.call(req).await?;
        let after = res.request().match_info().unprocessed().to_owned();
        Ok(res.map_body(move |_, _| format!("[{before}] [{after}]")))
    }
    let app = test::init_service(
        App::new()
            .service(web::scope("/api").route("/items/{id}", web::get().to(named("x"))))
            .wrap(from_fn(before_routing)),
    )
    .await;
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/api/items/7")).await,
        "200 [/api/items/7] []"
    );
    // Not found: the router handed it to no resource.
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/nowhere")).await,
        "404 [/nowhere] [/nowhere]"
    );
}

/// 7. App data containers a middleware adds to a request are the request's own: gone on the next
///    request, even though actix-web reuses the request's allocation.
#[actix_web::test]
async fn a_data_container_added_to_a_request_is_its_own() {
    struct Mark;
    async fn mark_first(
        mut req: ServiceRequest,
        next: Next<impl MessageBody + 'static>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        let seen = req.app_data::<Mark>().is_some();
        if req.path() == "/mark" {
            let mut mark = Extensions::new();
            mark.insert(Mark);
            req.add_data_container(Rc::new(mark));
        }
        let res = next.call(req).await?;
        let marked = res.request().app_data::<Mark>().is_some();
        Ok(res.map_body(move |_, _| format!("{seen} {marked}")))
    }
    let app = test::init_service(
        App::new()
            .default_service(web::to(|| ready(HttpResponse::Ok().finish())))
            .wrap(from_fn(mark_first)),
    )
    .await;
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/mark")).await,
        "200 false true"
    );
    assert_eq!(
        body_of(&app, TestRequest::get().uri("/other")).await,
        "200 false false"
    );
}

/// 8, continued. `AppService::is_root()` is `false` while a scope's services register, an empty
///    scope's too.
#[actix_web::test]
async fn a_service_knows_whether_it_registers_in_a_scope() {
    thread_local!(static SEEN: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) });
    struct Sees;
    impl actix_web::dev::HttpServiceFactory for Sees {
        fn register(self, config: &mut actix_web::dev::AppService) {
            SEEN.with_borrow_mut(|seen| seen.push(config.is_root()));
            web::resource("/r").to(named("r")).register(config)
        }
    }
    SEEN.with_borrow_mut(Vec::clear);
    let _app = test::init_service(
        App::new()
            .service(Sees)
            .service(web::scope("").service(Sees))
            .service(web::scope("/s").service(web::scope("/t").service(Sees))),
    )
    .await;
    assert_eq!(SEEN.with_borrow(Vec::clone), [true, false, false]);
}

/// 8. An app registers every service before it builds any middleware, on the thread that builds
///    it.
#[actix_web::test]
async fn services_register_before_middleware_is_built() {
    thread_local!(static REGISTERED: Cell<u32> = const { Cell::new(0) });
    struct Counted;
    impl actix_web::dev::HttpServiceFactory for Counted {
        fn register(self, config: &mut actix_web::dev::AppService) {
            REGISTERED.set(REGISTERED.get() + 1);
            web::resource("/c").to(named("c")).register(config)
        }
    }
    let seen = Rc::new(Cell::new(u32::MAX));
    let sees_registrations = {
        let seen = seen.clone();
        AtBuild(Rc::new(move |_| seen.set(REGISTERED.get())))
    };
    REGISTERED.set(0);
    let _app = test::init_service(
        App::new()
            .wrap(sees_registrations)
            .service(Counted)
            .service(web::scope("/s").service(Counted)),
    )
    .await;
    assert_eq!(seen.get(), 2);
}

/// 9. A middleware on the `App` is given a service whose type names the app's router (the
///    service of `App::new()`'s endpoint), under middleware that keeps the type of what it wraps;
///    `from_fn` boxes it. One on a scope, even `web::scope("")`, is given a service whose type
///    does not name it.
#[actix_web::test]
async fn a_middleware_on_the_app_is_given_the_apps_router() {
    fn router_of<T: actix_web::dev::ServiceFactory<ServiceRequest>>(_: &App<T>) -> &'static str {
        std::any::type_name::<T::Service>()
    }
    let router = router_of(&App::new());
    async fn pass(
        req: ServiceRequest,
        next: Next<impl MessageBody>,
    ) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
        next.call(req).await
    }
    // Each notes the type name of the service it wraps.
    let noting = || {
        let seen = Rc::new(Cell::new(""));
        let note = seen.clone();
        (seen, AtBuild(Rc::new(move |wrapped| note.set(wrapped))))
    };
    let (on_app, on_app_layer) = noting();
    let (behind_from_fn, behind_from_fn_layer) = noting();
    let (on_scope, on_scope_layer) = noting();
    let (on_empty_scope, on_empty_scope_layer) = noting();
    let _app = test::init_service(
        App::new()
            .service(web::scope("/s").wrap(on_scope_layer))
            .service(
                web::scope("")
                    .wrap(actix_web::middleware::Logger::default())
                    .wrap(on_empty_scope_layer),
            )
            .wrap(actix_web::middleware::Logger::default())
            .wrap(on_app_layer),
    )
    .await;
    let _boxed =
        test::init_service(App::new().wrap(from_fn(pass)).wrap(behind_from_fn_layer)).await;
    assert!(on_app.get().contains(router), "{}", on_app.get());
    for seen in [&behind_from_fn, &on_scope, &on_empty_scope] {
        assert!(!seen.get().contains(router), "{}", seen.get());
    }
}
