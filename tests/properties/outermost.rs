//! `outermost()` never grants what the route the router actually selects would refuse; where no
//! route serves the request, only the default policy in charge may answer.
//!
//! Each case generates an app and requests. The app holds, at each level in registration order:
//! - resources registered by hand, without `#[cors]`, serving every method or one (as actix-web's
//!   own routing macros do, by a guard on the resource), first (before the scopes and routes of
//!   their level) or last; some on the path of a `#[cors]` route and under its resource name:
//!   resource names are drawn from a few, so `#[cors]` routes share them too, as handlers of two
//!   modules with one function name do;
//! - scopes on static prefixes (`/s`, `/t`), a dynamic one (`/{p}`), one with a regex
//!   (`/{v:v[0-9]+}`), and `web::scope("")`, some with a `default_service`; a scope may hold,
//!   registered last, a `web::scope("")` of its own, with or without `outermost()` (scopes nest no
//!   deeper);
//! - sibling scopes whose prefixes extend one another (`/s` and `/s/a`), in either order, the
//!   shorter one most often with a `default_service`;
//! - twin scopes on one prefix told apart by `guard::Host` (never with an `outermost()` of their
//!   own);
//! - routes with `#[cors]` (registered as the macro registers them), some guarded by host, on
//!   static paths, plain dynamic segments (`{id}`), and segments with a regex (`{id:[0-9]{3}}`,
//!   `{id:[0-9a-f]{8}}`), overlapping one another;
//! - `outermost()` on the app, on scopes, or on both (then the app's is in charge and a scope's
//!   steps aside), each with or without a default policy; the app's and the scopes' differ. The
//!   app's has, in some cases, a `from_fn` middleware inside it, which hides from it that it wraps
//!   the app.
//!
//! Requests are preflights and actual requests, from allowed and other origins, on either host,
//! to every path the patterns match with values each segment's regex accepts and values it
//! refuses, and to paths no route matches. The router is the oracle: every handler answers with
//! its own tag and every scope marks its responses, so sending the actual request through the
//! same app built without `outermost()` tells which route serves it and through which scopes.
//! That route's policy, or the default policy in charge when none or a resource without `#[cors]`
//! serves it, applied to the request is what may be granted. The default policy in charge is the
//! app's `outermost()`'s when it has one, else that of the outermost `outermost()` on the scopes
//! the request went through. A scope's default answers no preflight, since a resource or scope
//! registered before the scope may serve the request the preflight announces; the app's, behind
//! `from_fn` (which hides from it that it is not on a `web::scope("")`), answers preflights only
//! where no resource matches the path. `outermost()`'s answer must grant nothing beyond that: its
//! `Access-Control-*` headers are either absent or exactly the oracle's.
//!
//! What `outermost()` documents it cannot notice is not generated (SECURITY.md, "Known
//! limits"): a guard on a scope with no twin on its prefix (scopes are guarded only as twins),
//! twin scopes whose routes on one path serve different methods (the second twin mirrors the
//! first), nested scopes that render one prefix for one path (a nested `web::scope("")` holds no
//! route on a path of the routes around it), and a resource or scope (with or without `#[cors]`
//! routes) registered between two `#[cors]` routes whose paths overlap (resources by hand come
//! first or last at their level, scopes before the routes of their level but a nested
//! `web::scope("")`, which comes last). Each has a test of its documented behaviour in
//! `tests/outermost_invariant.rs` or `tests/outermost_mispredictions.rs` (`limit_*`).
//!
//! So that a layer that never answers cannot pass, a second property holds on the apps of the
//! same generator where `outermost()` sees everything and has no doubt by design: there it
//! answers exactly as the oracle. Left out of those apps: guards, resources registered by hand,
//! twin scopes, nested scopes; scope prefixes with a dynamic segment (under one with a regex the
//! table fails closed by design; a plain one takes the paths of what is registered after it); a
//! scope whose prefix a scope registered before it takes (a prefix extending an earlier one's,
//! anything after `web::scope("")`), since a route whose scope prefix extends another scope's is
//! in doubt, and so are the routes of that other scope; a route whose paths a scope registered
//! before it takes (on the app after `web::scope("")`, or in `/s` on a path under an earlier
//! `/s/a`), which the router never reaches; and at one level, two routes on one path and method,
//! or on overlapping paths, one of which may shadow the other.

use std::collections::BTreeSet;

use actix_web::body::MessageBody;
use actix_web::dev::{
    AppService, HttpServiceFactory, ResourceDef, Service, ServiceRequest, ServiceResponse,
};
use actix_web::guard::{self, GuardContext};
use actix_web::http::header::{self, HeaderName};
use actix_web::http::Method;
use actix_web::middleware::{from_fn, DefaultHeaders, Next};
use actix_web::test as actix_test;
use actix_web::{web, App, HttpResponse};
use cors_rules::stored::{store_max_age, JoinedNames, JoinedOrigins};
use cors_runtime::__private::{cors, register_route, route_guard, StoredPolicy};
use proptest::prelude::*;
use proptest::sample::Index;

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

/// The default policy of an app's `outermost()`.
fn app_default_policy() -> &'static StoredPolicy {
    stored(PolicyKind::AAndB, &["GET", "PUT"])
}

/// The default policy of the `outermost()` of the scope of index `scope` (in registration order):
/// another than the app's, and another than that of the scopes next to it in that order, so that
/// a default answering where another one is in charge shows. Every other one grants every origin.
fn scope_default_policy(scope: usize) -> &'static StoredPolicy {
    match scope % 2 {
        0 => stored(PolicyKind::Any, &["GET", "DELETE"]),
        _ => stored(PolicyKind::B, &["DELETE"]),
    }
}

/// An `outermost()` on the app or on a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outermost {
    Absent,
    Present,
    WithDefault,
}

/// One entry of an app or a scope, in registration order.
#[derive(Debug, Clone)]
enum Item {
    /// A routed `#[cors]` handler, registered as the macro registers it: its resource is named
    /// `name`, as actix-web's routing macros name it after the handler's function.
    Route {
        path: &'static str,
        name: &'static str,
        methods: Vec<&'static str>,
        policy: PolicyKind,
        host: Option<usize>,
    },
    /// A resource registered by hand, without `#[cors]`: serving every method, or one method as
    /// actix-web's own routing macros do (a guard on the resource). `name`: one of the names
    /// `#[cors]` routes are given, as a handler of another module with the same function name
    /// has, or else a name of its own. `behind`: registered after the routes of its level rather
    /// than before them.
    Plain {
        path: &'static str,
        name: Option<&'static str>,
        method: Option<&'static str>,
        behind: bool,
    },
    Scope {
        prefix: &'static str,
        host: Option<usize>,
        items: Vec<Item>,
        outermost: Outermost,
        /// A `default_service` (without `#[cors]`) for the paths its items do not serve.
        default_service: bool,
    },
}

#[derive(Debug, Clone)]
struct Model {
    items: Vec<Item>,
    outermost: Outermost,
    /// The app's `outermost()` has a `from_fn` middleware inside it, which boxes the app's
    /// router: the layer cannot tell the app from a `web::scope("")`.
    app_layer_behind_from_fn: bool,
}

/// The resource names routes and resources are given: few, so that they share them.
const NAMES: [&str; 3] = ["item", "list", "remove"];

const PATHS: [&str; 8] = [
    "/a",
    "/b",
    "/{id}",
    "/a/{id}",
    "/a/b",
    "/{x}/b",
    "/a/{id:[0-9]{3}}",
    "/{id:[0-9a-f]{8}}",
];

/// What fills a route pattern's dynamic segments in requests: values the segments' regexes
/// match (`123`, `deadbeef`) and values they do not.
const ROUTE_VALUES: [&str; 5] = ["a", "b", "7", "123", "deadbeef"];
/// What fills a scope prefix's dynamic segment in requests: `v1` matches `{v:v[0-9]+}`.
const PREFIX_VALUES: [&str; 4] = ["s", "t", "7", "v1"];
/// The values tried to tell whether two patterns overlap: those of the requests, and `0`.
const OVERLAP_VALUES: [&str; 9] = ["a", "b", "s", "t", "7", "0", "123", "deadbeef", "v1"];

/// A scope prefix: static ones (`/s/a` extends `/s`), a dynamic one, and, less often, the empty
/// prefix (a scope that takes every path) and a dynamic segment with a regex, which
/// `outermost()`'s table does not consult (it fails closed under it).
fn prefix() -> impl Strategy<Value = &'static str> {
    prop_oneof![
        6 => prop::sample::select(&["/s", "/t", "/{p}", "/s/a"][..]),
        1 => Just(""),
        1 => Just("/{v:v[0-9]+}"),
    ]
}

fn outermost_layer() -> impl Strategy<Value = Outermost> {
    prop::sample::select(
        &[
            Outermost::Absent,
            Outermost::Present,
            Outermost::WithDefault,
        ][..],
    )
}

fn route() -> impl Strategy<Value = Item> {
    (
        prop::sample::select(&PATHS[..]),
        prop::sample::select(&NAMES[..]),
        prop::sample::subsequence(&METHODS[..], 1..=2),
        prop::sample::select(vec![
            PolicyKind::AWithCredentials,
            PolicyKind::B,
            PolicyKind::Any,
            PolicyKind::AAndB,
        ]),
        prop::option::weighted(0.2, 0..2usize),
    )
        .prop_map(|(path, name, methods, policy, host)| Item::Route {
            path,
            name,
            methods,
            policy,
            host,
        })
}

/// A resource registered by hand, and maybe which of the routes of its level it takes the path
/// and the name of.
fn plain() -> impl Strategy<Value = (Item, Option<Index>)> {
    (
        prop::sample::select(&PATHS[..]),
        prop::option::of(prop::sample::select(&NAMES[..])),
        prop::option::of(prop::sample::select(&METHODS[..])),
        any::<bool>(),
        prop::option::weighted(0.5, any::<Index>()),
    )
        .prop_map(|(path, name, method, behind, like_route)| {
            let plain = Item::Plain {
                path,
                name,
                method,
                behind,
            };
            (plain, like_route)
        })
}

/// Where an entry goes in its level: resources registered by hand before or after everything
/// else, scopes before routes. So no resource and no scope sits between two `#[cors]` routes
/// (see the module).
fn rank(item: &Item) -> u8 {
    match item {
        Item::Plain { behind: false, .. } => 0,
        Item::Scope { .. } => 1,
        Item::Route { .. } => 2,
        Item::Plain { behind: true, .. } => 3,
    }
}

/// A list of entries: routes, and resources registered by hand before or after them (some on
/// the path, and with the name, of one of the routes).
fn entries(with_plain: bool) -> impl Strategy<Value = Vec<Item>> {
    let plains = if with_plain { 0..3usize } else { 0..1usize };
    (
        prop::collection::vec(plain(), plains),
        prop::collection::vec(route(), 1..4),
    )
        .prop_map(move |(plains, mut items)| {
            if with_plain {
                let routes = items.len();
                for (plain, like_route) in plains {
                    let plain = match (plain, like_route) {
                        (Item::Plain { method, behind, .. }, Some(index)) => {
                            match &items[index.index(routes)] {
                                Item::Route { path, name, .. } => Item::Plain {
                                    path,
                                    name: Some(name),
                                    method,
                                    behind,
                                },
                                _ => unreachable!("the first items are the routes"),
                            }
                        }
                        (plain, _) => plain,
                    };
                    items.push(plain);
                }
            }
            items.sort_by_key(rank);
            items
        })
}

/// An unguarded scope on one of `prefixes`; with resources registered by hand, sometimes with a
/// `web::scope("")` of its own registered last (after them), as a group of routes with
/// middleware of their own is.
fn scope(
    prefixes: impl Strategy<Value = &'static str>,
    with_plain: bool,
) -> impl Strategy<Value = Item> {
    let nested = match with_plain {
        true => {
            prop::option::weighted(0.3, (entries(true), outermost_layer(), any::<bool>())).boxed()
        }
        false => Just(None).boxed(),
    };
    (
        prefixes,
        entries(with_plain),
        outermost_layer(),
        any::<bool>(),
        nested,
    )
        .prop_map(|(prefix, mut items, outermost, default_service, nested)| {
            if let Some((inner, inner_outermost, inner_default_service)) = nested {
                // Its routes on paths of the routes around it would make the two scopes render
                // one prefix for one path, a documented limit (see the module).
                let inner = inner
                    .into_iter()
                    .filter(|item| match item {
                        Item::Route { path, .. } => !items.iter().any(|outer| match outer {
                            Item::Route { path: other, .. } => paths_overlap(path, other),
                            _ => false,
                        }),
                        _ => true,
                    })
                    .collect();
                items.push(Item::Scope {
                    prefix: "",
                    host: None,
                    items: inner,
                    outermost: inner_outermost,
                    default_service: inner_default_service,
                });
            }
            Item::Scope {
                prefix,
                host: None,
                items,
                outermost,
                default_service,
            }
        })
}

/// Two sibling scopes whose prefixes extend one another (`/s` and `/s/a`), in either order, the
/// shorter one most often with a `default_service`.
fn siblings(with_plain: bool) -> impl Strategy<Value = Vec<Item>> {
    (
        scope(Just("/s"), with_plain),
        scope(Just("/s/a"), with_plain),
        any::<bool>(),
        prop::bool::weighted(0.75),
    )
        .prop_map(
            |(mut shorter, longer, shorter_first, with_default_service)| {
                if let Item::Scope {
                    default_service, ..
                } = &mut shorter
                {
                    *default_service = with_default_service;
                }
                match shorter_first {
                    true => vec![shorter, longer],
                    false => vec![longer, shorter],
                }
            },
        )
}

/// `web::scope("")` holding routes (and maybe a `default_service`), and routes on the app, which
/// the empty scope, registered first, keeps from every path.
fn empty_scope(with_plain: bool) -> impl Strategy<Value = Vec<Item>> {
    (
        scope(Just(""), with_plain),
        prop::collection::vec(route(), 1..3),
    )
        .prop_map(|(scope, routes)| std::iter::once(scope).chain(routes).collect())
}

/// Twin scopes: one prefix, one guarded per host, the second holding the routes of the first on
/// the same paths and methods (with other policies), and maybe more paths.
fn twins() -> impl Strategy<Value = Vec<Item>> {
    (
        prefix(),
        prop::collection::vec(route(), 1..3),
        prop::collection::vec(route(), 0..2),
        any::<bool>(),
    )
        .prop_map(|(prefix, first, extra, second_guarded)| {
            let unguarded = |item: &Item| match item {
                Item::Route {
                    path,
                    name,
                    methods,
                    policy,
                    ..
                } => Item::Route {
                    path,
                    name,
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
                        name,
                        methods,
                        policy,
                        ..
                    } => Item::Route {
                        path,
                        name,
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
            let twin = |host, items| Item::Scope {
                prefix,
                host,
                items,
                outermost: Outermost::Absent,
                default_service: false,
            };
            vec![
                twin(Some(0), first),
                twin(second_guarded.then_some(1), second),
            ]
        })
}

fn model(with_guards_and_plain: bool) -> impl Strategy<Value = Model> {
    let with_plain = with_guards_and_plain;
    let single_scope = scope(prefix(), with_plain).prop_map(|scope| vec![scope]);
    let part = if with_guards_and_plain {
        prop_oneof![
            3 => entries(true),
            3 => single_scope,
            2 => twins(),
            1 => siblings(true),
            1 => empty_scope(true),
        ]
        .boxed()
    } else {
        prop_oneof![
            3 => entries(false),
            3 => single_scope,
            1 => siblings(false),
            1 => empty_scope(false),
        ]
        .boxed()
    };
    (
        prop::collection::vec(part, 1..4),
        outermost_layer(),
        prop::bool::weighted(0.3),
    )
        .prop_map(move |(parts, outermost, app_layer_behind_from_fn)| {
            let items: Vec<Item> = parts.into_iter().flatten().collect();
            let mut items = one_scope_per_prefix(items);
            items.sort_by_key(rank);
            if !with_guards_and_plain {
                items = in_plain_sight(items);
            }
            // Without `outermost()` on the app, one on an unguarded scope at least.
            let outermost = match outermost {
                Outermost::Absent if !has_outermost(&items) => Outermost::Present,
                outermost => outermost,
            };
            Model {
                items,
                outermost,
                app_layer_behind_from_fn,
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

/// An app in which nothing is out of `outermost()`'s sight, shadowed, or in doubt by design: no
/// guard, no resource registered by hand; scopes with static prefixes, none taken by a scope
/// registered before it (a prefix extending an earlier one's, or anything after `scope("")`);
/// no route, in a scope or on the app, whose path a scope registered before it takes; and at one
/// level no two routes that share a path and a method, or whose paths overlap.
fn in_plain_sight(items: Vec<Item>) -> Vec<Item> {
    // The prefixes of the scopes kept so far: scopes come before the routes of their level.
    let mut prefixes: Vec<&str> = Vec::new();
    let mut kept: Vec<Item> = Vec::new();
    for item in items {
        match item {
            Item::Scope {
                prefix,
                items,
                outermost,
                default_service,
                ..
            } => {
                let taken = prefixes
                    .iter()
                    .any(|earlier| is_path_prefix(earlier, prefix));
                if prefix.contains('{') || taken {
                    continue;
                }
                // A route whose path a sibling scope registered earlier takes: never reached.
                let mut items = in_plain_sight(items);
                items.retain(|item| match item {
                    Item::Route { path, .. } => !prefixes.iter().any(|earlier| {
                        is_path_prefix(prefix, earlier)
                            && meets_prefix(&format!("{prefix}{path}"), earlier)
                    }),
                    _ => true,
                });
                prefixes.push(prefix);
                kept.push(Item::Scope {
                    prefix,
                    host: None,
                    items,
                    outermost,
                    default_service,
                });
            }
            Item::Route {
                path,
                name,
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
                let under_a_scope = prefixes.iter().any(|prefix| meets_prefix(path, prefix));
                if clashes || under_a_scope {
                    continue;
                }
                kept.push(Item::Route {
                    path,
                    name,
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
    OVERLAP_VALUES.iter().any(|value| {
        let (a_path, b_path) = (fill(a, value), fill(b, value));
        b_def.is_match(&a_path) || a_def.is_match(&b_path)
    })
}

/// Whether a scope on `prefix` takes some path `pattern` matches.
fn meets_prefix(pattern: &str, prefix: &str) -> bool {
    let scope = ResourceDef::root_prefix(prefix);
    let route = ResourceDef::new(pattern);
    OVERLAP_VALUES.iter().any(|value| {
        let path = fill(pattern, value);
        route.is_match(&path) && scope.is_match(&path)
    })
}

/// Whether `prefix` is `path` or a path prefix of it ending at a `/`.
fn is_path_prefix(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

fn has_outermost(items: &[Item]) -> bool {
    items.iter().any(|item| match item {
        Item::Scope {
            outermost, host, ..
        } => *outermost != Outermost::Absent && host.is_none(),
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

/// A handler that answers with its own tag.
fn tagged(tag: &'static str) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone + 'static {
    move || std::future::ready(HttpResponse::Ok().body(tag))
}

/// A `#[cors]` route, registered as the macro registers it.
struct CorsRoute {
    /// The resource's name.
    name: &'static str,
    /// What its handler answers with.
    tag: &'static str,
    path: &'static str,
    methods: &'static [&'static str],
    policy: &'static StoredPolicy,
    host: Option<usize>,
}

impl HttpServiceFactory for CorsRoute {
    fn register(self, config: &mut AppService) {
        let guards = self.host.map(|host| route_guard(host_guard(host)));
        let handler = web::route().to(tagged(self.tag));
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

/// Which app is being built from a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Build {
    /// Without `outermost()`; each scope marks its responses with its index (header
    /// `x-scope-<index>`), so that the scopes a request went through, and so the default policy
    /// in charge of it, can be told.
    Oracle,
    /// With the model's `outermost()` layers.
    UnderTest,
}

/// What the names of the headers the oracle's scopes mark their responses with start with.
const SCOPE_MARK: &str = "x-scope-";

/// What the handlers and scopes of a built app are.
#[derive(Default)]
struct Registry {
    /// Each handler's tag (`r0`, `u1`, `d2`, ... in registration order), and its policy when it
    /// is a `#[cors]` route.
    handlers: Vec<(&'static str, Option<&'static StoredPolicy>)>,
    /// Each scope's `outermost()`, in registration order.
    scopes: Vec<Outermost>,
}

/// Registers `items` on `config`, tagging each handler in order and keeping which tag is which
/// route, and which scope is which.
fn register(
    config: &mut web::ServiceConfig,
    items: &[Item],
    registry: &mut Registry,
    build: Build,
) {
    for item in items {
        match item {
            Item::Route {
                path,
                name,
                methods,
                policy,
                host,
            } => {
                let tag = leak(format!("r{}", registry.handlers.len()));
                let policy = stored(*policy, methods);
                registry.handlers.push((tag, Some(policy)));
                config.service(CorsRoute {
                    name,
                    tag,
                    path,
                    methods: Box::leak(methods.clone().into_boxed_slice()),
                    policy,
                    host: *host,
                });
            }
            Item::Plain {
                path, name, method, ..
            } => {
                let tag = leak(format!("u{}", registry.handlers.len()));
                registry.handlers.push((tag, None));
                let resource = web::resource(*path).name(name.unwrap_or(tag));
                match method {
                    Some(method) => config.service(
                        resource
                            .guard(guard::Method(
                                Method::from_bytes(method.as_bytes()).unwrap(),
                            ))
                            .to(tagged(tag)),
                    ),
                    None => config.service(resource.to(tagged(tag))),
                };
            }
            Item::Scope {
                prefix,
                host,
                items,
                outermost,
                default_service,
            } => {
                let index = registry.scopes.len();
                registry.scopes.push(*outermost);
                let mut scope =
                    web::scope(prefix).configure(|cfg| register(cfg, items, registry, build));
                if *default_service {
                    let tag = leak(format!("d{}", registry.handlers.len()));
                    registry.handlers.push((tag, None));
                    scope = scope.default_service(web::to(tagged(tag)));
                }
                if let Some(host) = host {
                    scope = scope.guard(guard::fn_guard(host_guard(*host)));
                }
                match (build, outermost) {
                    (Build::Oracle, _) => config
                        .service(scope.wrap(
                            DefaultHeaders::new().add((format!("{SCOPE_MARK}{index}"), "1")),
                        )),
                    (Build::UnderTest, Outermost::Absent) => config.service(scope),
                    (Build::UnderTest, Outermost::Present) => {
                        config.service(scope.wrap(cors_runtime::outermost()))
                    }
                    (Build::UnderTest, Outermost::WithDefault) => config.service(
                        scope.wrap(
                            cors_runtime::outermost()
                                .default_policy(policy_view(scope_default_policy(index))),
                        ),
                    ),
                };
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

/// The paths the app's patterns could match, with values in each dynamic segment that its regex
/// matches and values it does not, and under each scope a path none of its routes matches.
fn request_paths(items: &[Item], prefix: &str, out: &mut BTreeSet<String>) {
    for item in items {
        match item {
            Item::Route { path, .. } | Item::Plain { path, .. } => {
                for value in ROUTE_VALUES {
                    out.insert(fill(&format!("{prefix}{path}"), value));
                }
            }
            Item::Scope {
                prefix: p, items, ..
            } => {
                for value in PREFIX_VALUES {
                    let prefix = fill(&format!("{prefix}{p}"), value);
                    out.insert(format!("{prefix}/nowhere/z"));
                    request_paths(items, &prefix, out);
                }
            }
        }
    }
}

/// `pattern` with each dynamic segment (`{id}`, `{id:[0-9]{3}}`) replaced by `value`.
fn fill(pattern: &str, value: &str) -> String {
    let mut path = String::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        path.push_str(value);
        let mut depth = 0usize;
        let close = rest[open..]
            .char_indices()
            .find(|&(_, c)| {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                depth == 0
            })
            .map(|(at, _)| open + at)
            .expect("a generated pattern closes its segments");
        rest = &rest[close + 1..];
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

/// Sends every request through the app with its `outermost()` layers and through the oracle,
/// and returns, per request, `outermost()`'s answer and what the selected route's policy (or the
/// default policy in charge) gives.
fn answers(model: &Model, requests: &[Request]) -> Vec<(Request, Answer, Answer)> {
    actix_web::rt::System::new().block_on(async {
        let mut oracle_registry = Registry::default();
        let oracle = actix_test::init_service(
            App::new()
                .configure(|cfg| register(cfg, &model.items, &mut oracle_registry, Build::Oracle)),
        )
        .await;
        let Registry { handlers, scopes } = oracle_registry;
        let mut ignored = Registry::default();
        let configure = |cfg: &mut web::ServiceConfig| {
            register(cfg, &model.items, &mut ignored, Build::UnderTest)
        };
        let app_default = app_default_policy();
        let mut layer = cors_runtime::outermost();
        if model.outermost == Outermost::WithDefault {
            layer = layer.default_policy(policy_view(app_default));
        }
        let under_test = match (model.outermost, model.app_layer_behind_from_fn) {
            (Outermost::Absent, _) => {
                UnderTest::Bare(actix_test::init_service(App::new().configure(configure)).await)
            }
            (_, false) => UnderTest::Layer(
                actix_test::init_service(App::new().configure(configure).wrap(layer)).await,
            ),
            (_, true) => UnderTest::LayerBehindFromFn(
                actix_test::init_service(
                    App::new()
                        .configure(configure)
                        .wrap(from_fn(pass_on))
                        .wrap(layer),
                )
                .await,
            ),
        };
        let mut out = Vec::new();
        for request in requests {
            // The oracle: which handler serves the actual request, in which scope.
            let served =
                actix_test::call_service(&oracle, test_request(request, false).to_request()).await;
            let status = served.status();
            // The scopes it went through, from the outermost in: a scope's index is lower than
            // those of the scopes inside it.
            let mut through: Vec<usize> = served
                .headers()
                .keys()
                .filter_map(|name| name.as_str().strip_prefix(SCOPE_MARK)?.parse().ok())
                .collect();
            through.sort_unstable();
            let resource_matches = served.request().resource_map().has_resource(&request.path);
            let tag = String::from_utf8(actix_test::read_body(served).await.to_vec()).unwrap();
            let selected = handlers
                .iter()
                .find(|(handler, _)| status.is_success() && *handler == tag)
                .and_then(|(_, policy)| *policy);
            // A route without `#[cors]`, or none: the default policy in charge covers both. The
            // app's `outermost()` is in charge where there is one; else the outermost of the
            // scopes the router gave the request to that has one. A scope's default answers no
            // preflight: a resource or scope registered before the scope may serve the request
            // it announces. The app's, behind `from_fn`, cannot tell it is not on a
            // `web::scope("")`, and answers preflights only where no resource matches the path.
            let (default, answers_preflights) = match model.outermost {
                Outermost::WithDefault if model.app_layer_behind_from_fn => {
                    (Some(app_default), !resource_matches)
                }
                Outermost::WithDefault => (Some(app_default), true),
                Outermost::Present => (None, true),
                Outermost::Absent => {
                    let in_charge = through
                        .iter()
                        .find(|&&scope| scopes[scope] != Outermost::Absent);
                    let default = in_charge
                        .filter(|&&scope| scopes[scope] == Outermost::WithDefault)
                        .map(|&scope| scope_default_policy(scope));
                    (default, false)
                }
            };
            let default = default.filter(|_| !request.preflight || answers_preflights);
            let truth = match selected.or(default) {
                Some(policy) => policy_answer(policy, request).await,
                None => Answer::none(),
            };
            let given = match &under_test {
                UnderTest::Bare(app) => answer_of(app, request).await,
                UnderTest::Layer(app) => answer_of(app, request).await,
                UnderTest::LayerBehindFromFn(app) => answer_of(app, request).await,
            };
            out.push((request.clone(), given.normalized(), truth.normalized()));
        }
        out
    })
}

/// The app under test, by where its `outermost()` is: each is another type.
enum UnderTest<B, L, F> {
    Bare(B),
    Layer(L),
    LayerBehindFromFn(F),
}

/// A middleware that only passes requests on: `from_fn` boxes the service it wraps.
async fn pass_on(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    next.call(req).await
}

/// The answer `app` gives `request`.
async fn answer_of<S, B>(app: &S, request: &Request) -> Answer
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let res =
        actix_test::call_service(app, test_request(request, request.preflight).to_request()).await;
    Answer::of(&res, request.preflight)
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

/// 256 cases, or `PROPTEST_CASES` for a longer run.
fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(256);
    ProptestConfig::with_cases(cases)
}

proptest! {
    #![proptest_config(config())]

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
