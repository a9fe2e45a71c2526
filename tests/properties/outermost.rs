//! `outermost()` never grants what the route the router actually selects would refuse; where no
//! route serves the request, only the default policy may answer.
//!
//! Each case generates an app (routes with and without `#[cors]`, resources registered by hand,
//! scopes with and without guards, twin scopes on one prefix told apart by `guard::Host`,
//! overlapping static and dynamic patterns, `outermost()` on the app or on a scope) and requests
//! (preflights and actual requests, from allowed and other origins, on either host). The router
//! is the oracle: every handler answers with its own name, so sending the actual request through
//! the same app built without `outermost()` tells which route the router selects; that route's
//! policy (or the default, when none or a route without `#[cors]` serves it) applied to the
//! request is what may be granted. `outermost()`'s answer must grant nothing beyond it: its
//! `Access-Control-*` headers are either absent or exactly the oracle's.
//!
//! What `outermost()` documents it cannot see is not generated (see SECURITY.md, "Known
//! limits"): a guard on a scope with no twin on its prefix, twin scopes whose routes on one path
//! serve different methods, and a resource registered by hand between two `#[cors]` routes whose
//! paths overlap. Each has a test of its documented behaviour in `tests/outermost_invariant.rs`.
//!
//! So that a layer that never answers cannot pass, a second property holds on apps without
//! guards or resources registered by hand: there `outermost()` answers exactly as the oracle.

use std::collections::BTreeSet;

use actix_web::dev::{AppService, HttpServiceFactory, ResourceDef};
use actix_web::guard::{self, GuardContext};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::Method;
use actix_web::test as actix_test;
use actix_web::{web, App, HttpResponse};
use cors_rules::stored::{store_max_age, JoinedNames, JoinedOrigins};
use cors_runtime::__private::{cors, register_route, route_guard, StoredPolicy};
use proptest::prelude::*;

use crate::leak;

const HOSTS: [&str; 2] = ["one.example", "two.example"];
const ORIGINS: [&str; 3] = [
    "https://a.example.com",
    "https://b.example.com",
    "https://evil.example.net",
];
const METHODS: [&str; 3] = ["GET", "PUT", "DELETE"];

/// The policies routes are declared with: what varies is which origins, and credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PolicyKind {
    AWithCredentials,
    B,
    Any,
    AAndB,
}

fn stored(kind: PolicyKind, methods: &[&str]) -> &'static StoredPolicy {
    let (origins, credentials) = match kind {
        PolicyKind::AWithCredentials => (JoinedOrigins::join([ORIGINS[0]]), true),
        PolicyKind::B => (JoinedOrigins::join([ORIGINS[1]]), false),
        PolicyKind::Any => (JoinedOrigins::ANY.to_owned(), false),
        PolicyKind::AAndB => (JoinedOrigins::join([ORIGINS[0], ORIGINS[1]]), false),
    };
    Box::leak(Box::new(StoredPolicy {
        route: leak(format!("{kind:?}")),
        named: "",
        paths: &[],
        origins: leak(origins),
        runtime_origins: &cors_runtime::__private::NO_RUNTIME_ORIGINS,
        methods: leak(JoinedNames::join(methods.iter().copied())),
        headers: "",
        expose_headers: "",
        credentials,
        max_age: leak(store_max_age(Some(600))),
        private_network: false,
        reject_mismatch: false,
    }))
}

/// The default policy of apps that have one.
fn default_policy() -> &'static StoredPolicy {
    stored(PolicyKind::AAndB, &["GET", "PUT"])
}

/// One entry of an app or a scope, in registration order.
#[derive(Debug, Clone)]
enum Item {
    /// A routed `#[cors]` handler, registered as the macro registers it.
    Route {
        path: &'static str,
        methods: Vec<&'static str>,
        policy: PolicyKind,
        host: Option<usize>,
    },
    /// A resource registered by hand, without `#[cors]`: serving every method, or one method as
    /// actix-web's own routing macros do (a guard on the resource).
    Plain {
        path: &'static str,
        method: Option<&'static str>,
    },
    Scope {
        prefix: &'static str,
        host: Option<usize>,
        items: Vec<Item>,
        outermost: bool,
    },
}

#[derive(Debug, Clone)]
struct Model {
    items: Vec<Item>,
    outermost_on_app: bool,
    default: bool,
}

const PATHS: [&str; 6] = ["/a", "/b", "/{id}", "/a/{id}", "/a/b", "/{x}/b"];
const PREFIXES: [&str; 3] = ["/s", "/t", "/{p}"];

fn route() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&PATHS[..]),
        prop::sample::subsequence(&METHODS[..], 1..=2),
        prop::sample::select(vec![
            PolicyKind::AWithCredentials,
            PolicyKind::B,
            PolicyKind::Any,
            PolicyKind::AAndB,
        ]),
        prop::option::weighted(0.2, 0..2usize),
    )
        .prop_map(|(path, methods, policy, host)| Item::Route {
            path,
            methods,
            policy,
            host,
        })
}

fn plain() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&PATHS[..]),
        prop::option::of(prop::sample::select(&METHODS[..])),
    )
        .prop_map(|(path, method)| Item::Plain { path, method })
}

/// A list of entries: resources registered by hand first (so that none sits between two
/// `#[cors]` routes: see the module), then routes.
fn entries(with_plain: bool) -> impl Strategy<Value = Vec<Item>> {
    let plains = if with_plain { 0..2usize } else { 0..1usize };
    (
        prop::collection::vec(plain(), plains),
        prop::collection::vec(route(), 1..4),
    )
        .prop_map(move |(mut plains, routes)| {
            if !with_plain {
                plains.clear();
            }
            plains.extend(routes);
            plains
        })
}

/// Twin scopes: one prefix, one guarded per host, the second holding the routes of the first on
/// the same paths and methods (with other policies), and maybe more paths.
fn twins() -> impl Strategy<Value = Vec<Item>> {
    (
        prop::sample::select(&PREFIXES[..]),
        prop::collection::vec(route(), 1..3),
        prop::collection::vec(route(), 0..2),
        any::<bool>(),
    )
        .prop_map(|(prefix, first, extra, second_guarded)| {
            let unguarded = |item: &Item| match item {
                Item::Route {
                    path,
                    methods,
                    policy,
                    ..
                } => Item::Route {
                    path,
                    methods: methods.clone(),
                    policy: *policy,
                    host: None,
                },
                other => other.clone(),
            };
            let first: Vec<Item> = first.iter().map(unguarded).collect();
            let mut second: Vec<Item> = first
                .iter()
                .map(|item| match item {
                    Item::Route {
                        path,
                        methods,
                        policy,
                        ..
                    } => Item::Route {
                        path,
                        methods: methods.clone(),
                        policy: match policy {
                            PolicyKind::AWithCredentials => PolicyKind::B,
                            _ => PolicyKind::AWithCredentials,
                        },
                        host: None,
                    },
                    other => other.clone(),
                })
                .collect();
            // An extra route on a path of the first scope would be reached past the first's
            // routes by method alone: the case outermost() documents it cannot see.
            let overlaps = |extra: &Item| {
                first.iter().any(|item| match (item, extra) {
                    (Item::Route { path: a, .. }, Item::Route { path: b, .. }) => {
                        paths_overlap(a, b)
                    }
                    _ => false,
                })
            };
            second.extend(extra.iter().filter(|extra| !overlaps(extra)).map(unguarded));
            vec![
                Item::Scope {
                    prefix,
                    host: Some(0),
                    items: first,
                    outermost: false,
                },
                Item::Scope {
                    prefix,
                    host: second_guarded.then_some(1),
                    items: second,
                    outermost: false,
                },
            ]
        })
}

fn model(with_guards_and_plain: bool) -> impl Strategy<Value = Model> {
    let scope = (
        prop::sample::select(&PREFIXES[..]),
        entries(with_guards_and_plain),
        any::<bool>(),
    )
        .prop_map(|(prefix, items, outermost)| {
            vec![Item::Scope {
                prefix,
                host: None,
                items,
                outermost,
            }]
        });
    let part = if with_guards_and_plain {
        prop_oneof![entries(true), scope, twins()].boxed()
    } else {
        prop_oneof![entries(false), scope].boxed()
    };
    (
        prop::collection::vec(part, 1..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(parts, outermost_on_app, default)| {
            let items: Vec<Item> = parts.into_iter().flatten().collect();
            // Resources registered by hand first, then scopes, then routes: none between two
            // routes whose paths overlap (see the module).
            let rank = |item: &Item| match item {
                Item::Plain { .. } => 0,
                Item::Scope { .. } => 1,
                Item::Route { .. } => 2,
            };
            let mut items = one_scope_per_prefix(items);
            items.sort_by_key(rank);
            if !with_guards_and_plain {
                items = in_plain_sight(items);
            }
            // Without `outermost()` on the app, one on the first unguarded scope, if any.
            let outermost_on_app = outermost_on_app || !has_outermost(&items);
            Model {
                items,
                outermost_on_app,
                default,
            }
        })
}

/// Two scopes on one prefix only as twins (the first guarded, the second mirroring it): from
/// outside, two scopes on one prefix are told from one scope only by what they hold (see the
/// module), so other pairs are not generated.
fn one_scope_per_prefix(items: Vec<Item>) -> Vec<Item> {
    let mut used: Vec<&str> = Vec::new();
    let mut kept: Vec<Item> = Vec::new();
    let mut twin_of: Option<&str> = None;
    for item in items {
        if let Item::Scope { prefix, host, .. } = &item {
            let second_twin = twin_of.take() == Some(*prefix);
            if used.contains(prefix) && !second_twin {
                continue;
            }
            if *host == Some(0) {
                twin_of = Some(prefix);
            }
            used.push(prefix);
        } else {
            twin_of = None;
        }
        kept.push(item);
    }
    kept
}

/// An app in which nothing is out of `outermost()`'s sight or shadowed: no guard, no resource
/// registered by hand, scopes with distinct static prefixes that no route outside them matches,
/// and at one level no two routes that share a path and a method, or whose paths overlap.
fn in_plain_sight(items: Vec<Item>) -> Vec<Item> {
    let mut prefixes = Vec::new();
    let mut kept: Vec<Item> = Vec::new();
    for item in items {
        match item {
            Item::Scope {
                prefix,
                items,
                outermost,
                ..
            } => {
                if prefix.contains('{') || prefixes.contains(&prefix) {
                    continue;
                }
                prefixes.push(prefix);
                kept.push(Item::Scope {
                    prefix,
                    host: None,
                    items: in_plain_sight(items),
                    outermost,
                });
            }
            Item::Route {
                path,
                methods,
                policy,
                ..
            } => {
                let clashes = kept.iter().any(|earlier| match earlier {
                    Item::Route {
                        path: other,
                        methods: served,
                        ..
                    } => {
                        (*other == path && methods.iter().any(|m| served.contains(m)))
                            || (*other != path && paths_overlap(other, path))
                    }
                    _ => false,
                });
                let under_a_scope = PREFIXES
                    .iter()
                    .any(|prefix| ResourceDef::prefix(*prefix).is_match(&fill(path, "s")));
                if clashes || under_a_scope {
                    continue;
                }
                kept.push(Item::Route {
                    path,
                    methods,
                    policy,
                    host: None,
                });
            }
            Item::Plain { .. } => {}
        }
    }
    kept
}

/// Whether some path both patterns match.
fn paths_overlap(a: &str, b: &str) -> bool {
    let (a_def, b_def) = (ResourceDef::new(a), ResourceDef::new(b));
    ["a", "b", "7", "0"].iter().any(|value| {
        let (a_path, b_path) = (fill(a, value), fill(b, value));
        b_def.is_match(&a_path) || a_def.is_match(&b_path)
    })
}

fn has_outermost(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Scope {
            outermost, host, ..
        } => *outermost && host.is_none(),
        _ => false,
    })
}

fn host_guard(host: usize) -> impl Fn(&GuardContext<'_>) -> bool + 'static {
    move |ctx: &GuardContext<'_>| {
        ctx.head()
            .headers()
            .get(header::HOST)
            .is_some_and(|value| value == HOSTS[host])
    }
}

/// A handler that answers with its own name.
fn named(name: &'static str) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone + 'static {
    move || std::future::ready(HttpResponse::Ok().body(name))
}

/// A `#[cors]` route, registered as the macro registers it.
struct CorsRoute {
    name: &'static str,
    path: &'static str,
    methods: &'static [&'static str],
    policy: &'static StoredPolicy,
    host: Option<usize>,
}

impl HttpServiceFactory for CorsRoute {
    fn register(self, config: &mut AppService) {
        let guards = self.host.map(|host| route_guard(host_guard(host)));
        let handler = web::route().to(named(self.name));
        register_route(
            config,
            self.path,
            self.name,
            self.methods,
            self.policy,
            guards.into_iter().collect(),
            handler,
        );
    }
}

/// Registers `items` on `config`, naming each handler in order (`r0`, `u1`, ...) and keeping
/// which name is which route.
fn register(
    config: &mut web::ServiceConfig,
    items: &[Item],
    names: &mut Vec<(&'static str, Option<&'static StoredPolicy>)>,
    with_outermost: bool,
) {
    for item in items {
        match item {
            Item::Route {
                path,
                methods,
                policy,
                host,
            } => {
                let name = leak(format!("r{}", names.len()));
                let policy = stored(*policy, methods);
                names.push((name, Some(policy)));
                config.service(CorsRoute {
                    name,
                    path,
                    methods: Box::leak(methods.clone().into_boxed_slice()),
                    policy,
                    host: *host,
                });
            }
            Item::Plain { path, method } => {
                let name = leak(format!("u{}", names.len()));
                names.push((name, None));
                let resource = web::resource(*path).name(name);
                match method {
                    Some(method) => config.service(
                        resource
                            .guard(guard::Method(
                                Method::from_bytes(method.as_bytes()).unwrap(),
                            ))
                            .to(named(name)),
                    ),
                    None => config.service(resource.to(named(name))),
                };
            }
            Item::Scope {
                prefix,
                host,
                items,
                outermost,
            } => {
                let scope =
                    web::scope(prefix).configure(|cfg| register(cfg, items, names, with_outermost));
                let scope = match host {
                    Some(host) => scope.guard(guard::fn_guard(host_guard(*host))),
                    None => scope,
                };
                if *outermost && with_outermost {
                    config.service(scope.wrap(cors_runtime::outermost()));
                } else {
                    config.service(scope);
                }
            }
        }
    }
}

/// A generated request.
#[derive(Debug, Clone)]
struct Request {
    path: String,
    host: usize,
    origin: usize,
    /// The actual request's method; a preflight announces it.
    method: &'static str,
    preflight: bool,
}

/// The paths the app's patterns could match, with a few values in each dynamic segment.
fn request_paths(items: &[Item], prefix: &str, out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            Item::Route { path, .. } | Item::Plain { path, .. } => {
                for value in ["a", "b", "7"] {
                    out.insert(fill(&format!("{prefix}{path}"), value));
                }
            }
            Item::Scope {
                prefix: p, items, ..
            } => {
                for value in ["s", "t", "7"] {
                    request_paths(items, &fill(&format!("{prefix}{p}"), value), out);
                }
            }
        }
    }
}

fn fill(pattern: &str, value: &str) -> String {
    let mut path = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        path.push_str(value);
        rest = &rest[open + rest[open..].find('}').unwrap() + 1..];
    }
    path.push_str(rest);
    path
}

fn model_and_requests(with_guards_and_plain: bool) -> impl Strategy<Value = (Model, Vec<Request>)> {
    model(with_guards_and_plain).prop_flat_map(|model| {
        let mut paths = BTreeSet::new();
        request_paths(&model.items, "", &mut paths);
        paths.insert("/nowhere".to_owned());
        let paths: Vec<String> = paths.into_iter().collect();
        let request = (
            prop::sample::select(paths),
            0..HOSTS.len(),
            0..ORIGINS.len(),
            prop::sample::select(&METHODS[..]),
            any::<bool>(),
        )
            .prop_map(|(path, host, origin, method, preflight)| Request {
                path,
                host,
                origin,
                method,
                preflight,
            });
        (Just(model), prop::collection::vec(request, 1..12))
    })
}

const CORS_HEADERS: [HeaderName; 5] = [
    header::ACCESS_CONTROL_ALLOW_ORIGIN,
    header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
    header::ACCESS_CONTROL_ALLOW_METHODS,
    header::ACCESS_CONTROL_ALLOW_HEADERS,
    header::ACCESS_CONTROL_EXPOSE_HEADERS,
];

/// The CORS headers of a response, and its status when it answers a preflight.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    headers: Vec<(HeaderName, String)>,
    status: Option<u16>,
}

impl Answer {
    fn of<B>(response: &actix_web::dev::ServiceResponse<B>, preflight: bool) -> Answer {
        let headers = CORS_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(name)?;
                Some((name.clone(), value.to_str().unwrap().to_owned()))
            })
            .collect();
        Answer {
            headers,
            status: preflight.then(|| response.status().as_u16()),
        }
    }

    fn none() -> Answer {
        Answer {
            headers: Vec::new(),
            status: None,
        }
    }

    /// A refusal is a refusal, whatever its status: the status counts only with a grant.
    fn normalized(self) -> Answer {
        let status = self.status.filter(|_| self.grants());
        Answer { status, ..self }
    }

    fn grants(&self) -> bool {
        self.headers
            .iter()
            .any(|(name, _)| *name == header::ACCESS_CONTROL_ALLOW_ORIGIN)
    }
}

fn test_request(request: &Request, preflight: bool) -> actix_test::TestRequest {
    let req = actix_test::TestRequest::default()
        .uri(&request.path)
        .insert_header((header::HOST, HOSTS[request.host]))
        .insert_header((header::ORIGIN, ORIGINS[request.origin]));
    if preflight {
        req.method(Method::OPTIONS)
            .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, request.method))
    } else {
        req.method(Method::from_bytes(request.method.as_bytes()).unwrap())
    }
}

/// Sends every request through the app with `outermost()` and through the oracle, and returns,
/// per request, `outermost()`'s answer and what the selected route's policy (or the default)
/// gives.
fn answers(model: &Model, requests: &[Request]) -> Vec<(Request, Answer, Answer)> {
    actix_web::rt::System::new().block_on(async {
        let mut names = Vec::new();
        let oracle = actix_test::init_service(
            App::new().configure(|cfg| register(cfg, &model.items, &mut names, false)),
        )
        .await;
        let mut ignored = Vec::new();
        let configure =
            |cfg: &mut web::ServiceConfig| register(cfg, &model.items, &mut ignored, true);
        // The default policy is the app's `outermost()`'s; one on a scope has none.
        let default = (model.default && model.outermost_on_app).then(default_policy);
        let mut layer = cors_runtime::outermost();
        if let Some(default) = default {
            layer = layer.default_policy(policy_view(default));
        }
        let with_layer = if model.outermost_on_app {
            Either::Left(
                actix_test::init_service(App::new().configure(configure).wrap(layer)).await,
            )
        } else {
            Either::Right(actix_test::init_service(App::new().configure(configure)).await)
        };
        let mut out = Vec::new();
        for request in requests {
            // The oracle: which handler serves the actual request.
            let served =
                actix_test::call_service(&oracle, test_request(request, false).to_request()).await;
            let status = served.status();
            let name = String::from_utf8(actix_test::read_body(served).await.to_vec()).unwrap();
            let selected = names
                .iter()
                .find(|(handler, _)| status.is_success() && *handler == name)
                .map(|(_, policy)| *policy);
            let truth = match selected {
                Some(Some(policy)) => Some(policy),
                // A route without `#[cors]`, or none: the default covers both.
                Some(None) | None => default,
            };
            let truth = match truth {
                Some(policy) => policy_answer(policy, request).await,
                None => Answer::none(),
            };
            let given = match &with_layer {
                Either::Left(app) => {
                    let res = actix_test::call_service(
                        app,
                        test_request(request, request.preflight).to_request(),
                    )
                    .await;
                    Answer::of(&res, request.preflight)
                }
                Either::Right(app) => {
                    let res = actix_test::call_service(
                        app,
                        test_request(request, request.preflight).to_request(),
                    )
                    .await;
                    Answer::of(&res, request.preflight)
                }
            };
            out.push((request.clone(), given.normalized(), truth.normalized()));
        }
        out
    })
}

enum Either<L, R> {
    Left(L),
    Right(R),
}

fn policy_view(stored: &'static StoredPolicy) -> cors_runtime::Policy {
    cors_runtime::__private::policy(stored)
}

/// What `policy` answers `request`, through its own layer on a resource that serves every path.
async fn policy_answer(policy: &'static StoredPolicy, request: &Request) -> Answer {
    let app = actix_test::init_service(
        App::new().service(
            web::resource("/{tail:.*}")
                .wrap(cors(policy))
                .to(HttpResponse::Ok),
        ),
    )
    .await;
    let res =
        actix_test::call_service(&app, test_request(request, request.preflight).to_request()).await;
    Answer::of(&res, request.preflight)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn outermost_never_grants_beyond_the_route_the_router_selects(
        (model, requests) in model_and_requests(true),
    ) {
        for (request, given, truth) in answers(&model, &requests) {
            if given.grants() {
                prop_assert_eq!(
                    &given, &truth,
                    "{:?} granted beyond the selected route's policy in {:#?}", request, model
                );
            }
        }
    }

    #[test]
    fn outermost_answers_as_the_router_where_it_sees_everything(
        (model, requests) in model_and_requests(false),
    ) {
        for (request, given, truth) in answers(&model, &requests) {
            prop_assert_eq!(&given, &truth, "{:?} in {:#?}", request, model);
        }
    }
}
