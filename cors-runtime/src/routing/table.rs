//! Which `#[cors]` route serves a request, asked from outside the router: the table
//! [`outermost()`](crate::outermost) consults before the app's other middleware runs, and after
//! one of them answered without calling the route.
//!
//! The table is built once per app instance, at its first request, when the resource map is
//! complete: each route the registration recorded (see `recorder`) gets its full pattern, the
//! scope prefixes rendered by the resource map (`url_for` of the route's hidden name) in front of
//! its own path. A request is then matched the way the router matches it: the first route whose
//! full pattern matches the path and whose guard, the very one the router asks, accepts it.
//!
//! The table only answers for a route when it can be sure the router picks that route. It sees
//! the `#[cors]` routes and their guards, and, through the resource map, which resource comes
//! first for a path (by identity, not by name: see `nodes`); it does not see the guards of scopes
//! or of resources it did not register. So it refuses to answer ([`Lookup::Uncertain`]) when:
//! - a resource it did not register, or a scope that owns the path, comes first for the path
//!   (checked per request for dynamic paths, once per path for static ones);
//! - a route's scope took the path and refused it, and a later route may or may not be in that
//!   scope (its prefix extends the scope's);
//! - the route is one that what the table sees says the router never reaches (another route
//!   takes every request it would serve, or a scope owns its prefix): then a guard it cannot see
//!   decides, as with two scopes on one prefix told apart by `guard::Host`, and every route
//!   under that prefix is in doubt;
//! - no path the route's pattern matches can be built to ask the resource map about (a segment
//!   regex in syntax `sample` does not read), or the route's full pattern cannot be rendered
//!   exactly (percent-encoded characters).
//!
//! Each such route is named in one warning per process when the table is built, with how to tell
//! the routes apart; each request it affects gets a debug line.
//!
//! The router tries its entries one by one; this table is asked on every request of the app, so
//! it finds the routes of a static path (most of an API's) by hashing the path, and tries only the
//! routes with dynamic segments one by one.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use actix_web::dev::{ResourceDef, ServiceRequest};
use actix_web::error::UrlGenerationError;
use actix_web::guard::Guard;
use actix_web::HttpRequest;

use super::guard::RouteGuard;
use super::nodes::{first_by_path, FirstByPath, NodeId};
use super::recorder::{self, Recorded};
use super::sample::sample_path;
use super::warn_once;
use crate::policy::prepared::PreparedPolicy;

/// The routed `#[cors]` handlers of one app, with their full patterns, in registration order.
pub(crate) struct RouteTable {
    entries: Vec<Entry>,
    /// The places in the resource map of the entries.
    nodes: HashSet<NodeId, BuildHasherDefault<PathHasher>>,
    /// The entries of each static full pattern (no dynamic segment), by that pattern.
    static_paths: HashMap<Box<str>, StaticPath, BuildHasherDefault<PathHasher>>,
    /// The entries with dynamic segments, in order.
    dynamic: Vec<usize>,
    /// The routes whose full pattern could not be rendered: a path no entry matches may still be
    /// theirs.
    unrendered: Vec<Unrendered>,
}

struct Entry {
    /// The route's place in the resource map: what the resource map answers for a path that
    /// reaches it first. Every entry has one; a route without one is in doubt.
    node: Option<NodeId>,
    /// The resource's own name, for messages.
    resource_name: Rc<str>,
    pattern: ResourceDef,
    /// The part of the pattern the scopes around the route contribute (empty for a route on the
    /// app itself), each dynamic segment a numbered placeholder.
    scope_prefix: Box<str>,
    /// Whether the route is registered in a scope (`web::scope("")` too).
    in_scope: bool,
    guard: RouteGuard,
    prepared: Rc<PreparedPolicy>,
    /// Why the table cannot answer for this route, if it cannot.
    doubt: Option<Rc<Doubt>>,
}

/// A route whose full pattern could not be rendered.
struct Unrendered {
    node: Option<NodeId>,
    resource_name: Rc<str>,
    route: &'static str,
}

/// The entries of one static path, and which resource the resource map finds first for it.
struct StaticPath {
    indices: Vec<usize>,
    /// The place and the name of the resource the resource map finds first for the path.
    first_by_path: Option<(NodeId, Box<str>)>,
    /// The one entry that serves the path, when nothing else can: no other route of the table
    /// matches it, the resource map finds this entry first, and only the entry's own methods
    /// decide. Most paths of an API are such; their requests skip the general walk.
    only: Option<usize>,
}

/// What the table says about a request.
pub(crate) enum Lookup<'a> {
    /// This route serves it.
    Route(&'a Rc<PreparedPolicy>),
    /// No `#[cors]` route serves it.
    NoRoute(Beyond),
    /// The table cannot tell which route serves it.
    Uncertain(Uncertain<'a>),
}

/// What may serve a request no `#[cors]` route serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Beyond {
    /// No route of the table matches its path.
    NoRouteMatches,
    /// Routes of the table match its path and refuse the request by their methods: whatever the
    /// router gives it to after them (another resource, a handler registered by hand, a scope's
    /// or the app's default service) is out of the table's sight.
    RoutesRefuse,
}

/// Why the table cannot tell which route serves a request, for the debug log.
pub(crate) enum Uncertain<'a> {
    /// Found when the table was built.
    Route(&'a Doubt),
    /// For this path, the resource map finds first a resource the table did not register, or a
    /// scope that owns the path.
    NotFirst {
        route: &'a str,
        first: Option<&'a str>,
    },
    /// A route whose scope took the path refused it, and a later route may be in that scope.
    ScopeUnclear { refused: &'a str, later: &'a str },
    /// A route whose full pattern the table could not render may serve this path.
    Unrendered { route: &'a str },
}

impl fmt::Display for Uncertain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uncertain::Route(doubt) => doubt.fmt(f),
            Uncertain::NotFirst {
                route,
                first: Some(first),
            } => write!(
                f,
                "resource `{first}`, which `outermost()` did not register, comes before route \
                 `{route}` for this path, and its guards are out of `outermost()`'s sight"
            ),
            Uncertain::NotFirst { route, first: None } => write!(
                f,
                "a resource `outermost()` did not register (or a scope that owns this path) comes \
                 before route `{route}` for this path, and its guards are out of `outermost()`'s \
                 sight"
            ),
            Uncertain::ScopeUnclear { refused, later } => write!(
                f,
                "the scope of route `{refused}` takes this path and the route refuses the \
                 request; whether route `{later}`, whose prefix extends that scope's, is inside \
                 that scope is out of `outermost()`'s sight"
            ),
            Uncertain::Unrendered { route } => write!(
                f,
                "route `{route}` may serve this path, and `outermost()` could not render its full \
                 pattern"
            ),
        }
    }
}

/// Why the table cannot answer for a route, found when it was built.
#[derive(Debug)]
pub(crate) struct Doubt {
    route: String,
    why: String,
}

impl fmt::Display for Doubt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "route `{}`: {}", self.route, self.why)
    }
}

/// `url_for` failed on something other than the name: the request's own headers keep it from
/// rendering a URL (its scheme and host come from `Host`, `Forwarded` and `X-Forwarded-*`).
pub(crate) struct NotRendered;

impl RouteTable {
    /// The table of the app `request` belongs to: every recorded route its resource map knows.
    /// Fails when the request's own headers keep `url_for` from rendering paths; such a request
    /// must not leave the app without a table, so none is kept from it, and the next request
    /// builds one.
    pub(crate) fn build(request: &HttpRequest) -> Result<RouteTable, NotRendered> {
        let (mut entries, unrendered) = recorder::with_recorded(|recorded| {
            let mut entries = Vec::new();
            let mut unrendered = Vec::new();
            for route in recorded {
                match full_pattern(request, route)? {
                    Rendered::Pattern {
                        pattern,
                        scope_prefix,
                    } => entries.push(Entry {
                        node: route.node,
                        resource_name: route.resource_name.as_str().into(),
                        pattern,
                        scope_prefix,
                        in_scope: route.in_scope,
                        guard: route.guard.clone(),
                        prepared: PreparedPolicy::new(route.policy),
                        doubt: None,
                    }),
                    Rendered::Inexact(rendered) => {
                        warn_once(format!(
                            "outermost(): route `{}` ({}) is not answered before the app's \
                             middleware: its full path renders as `{rendered}`, with characters \
                             the resource map percent-encodes, so its pattern cannot be mirrored \
                             exactly; its own layer still answers the requests that reach it",
                            route.policy.route, route.resource_name
                        ));
                        unrendered.push(Unrendered {
                            node: route.node,
                            resource_name: route.resource_name.as_str().into(),
                            route: route.policy.route,
                        });
                    }
                    Rendered::OtherApp => {}
                }
            }
            Ok((entries, unrendered))
        })?;
        find_doubts(request, &mut entries);
        Ok(RouteTable::index(request, entries, unrendered))
    }

    fn index(
        request: &HttpRequest,
        entries: Vec<Entry>,
        unrendered: Vec<Unrendered>,
    ) -> RouteTable {
        let mut static_paths: HashMap<Box<str>, StaticPath, _> = HashMap::default();
        let mut dynamic = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match entry.pattern.pattern() {
                Some(pattern) if !pattern.contains('{') => static_paths
                    .entry(pattern.into())
                    .or_insert_with(|| StaticPath {
                        indices: Vec::new(),
                        first_by_path: first_by_path(request, pattern)
                            .map(|first| (first.node, first.name.into())),
                        only: None,
                    })
                    .indices
                    .push(index),
                _ => dynamic.push(index),
            }
        }
        for (path, found) in static_paths.iter_mut() {
            let [index] = found.indices[..] else {
                continue;
            };
            let entry = &entries[index];
            let alone = !dynamic
                .iter()
                .any(|&other| entries[other].pattern.is_match(path));
            let first = entry.node.is_some()
                && found.first_by_path.as_ref().map(|(node, _)| *node) == entry.node;
            if alone && first && entry.doubt.is_none() && !entry.guard.has_attribute_guards() {
                found.only = Some(index);
            }
        }
        RouteTable {
            nodes: entries.iter().filter_map(|entry| entry.node).collect(),
            entries,
            static_paths,
            dynamic,
            unrendered,
        }
    }

    /// Which route serves `request`, or the preflight announcing it: the first whose path matches
    /// and whose guard in the router (methods, then the attribute's `guard`s) accepts the request,
    /// when the table can be sure the router reaches it.
    pub(crate) fn lookup<'a>(&'a self, request: &'a ServiceRequest) -> Lookup<'a> {
        let path = request.match_info().as_str();
        let static_path = self.static_paths.get(path);
        if let Some(index) = static_path.and_then(|found| found.only) {
            let entry = &self.entries[index];
            return match entry.guard.check(&request.guard_ctx()) {
                true => Lookup::Route(&entry.prepared),
                false => Lookup::NoRoute(Beyond::RoutesRefuse),
            };
        }
        let static_indices = static_path.map_or(&[][..], |found| &found.indices[..]);
        // A dynamic pattern registered before the static one still comes first, as in the router.
        let first_static = static_indices.first().copied().unwrap_or(usize::MAX);
        let mut dynamic = self
            .dynamic
            .iter()
            .copied()
            .filter(|&index| self.entries[index].pattern.is_match(path));
        let first_dynamic = dynamic.next();
        let first = match first_dynamic {
            Some(index) if index < first_static => index,
            _ if first_static != usize::MAX => first_static,
            _ => return self.no_route_matches(request, path),
        };
        let first_entry = &self.entries[first];
        if let Some(doubt) = &first_entry.doubt {
            return Lookup::Uncertain(Uncertain::Route(doubt));
        }
        let first_by_path = match static_path {
            Some(found) if first == first_static => found.first_by_path.as_ref().map(|first| {
                let (node, name) = first;
                (*node, &**name)
            }),
            _ => first_by_path(request.request(), path).map(|first| (first.node, first.name)),
        };
        if first_by_path.is_none() || first_by_path.map(|(node, _)| node) != first_entry.node {
            return Lookup::Uncertain(Uncertain::NotFirst {
                route: first_entry.prepared.route,
                first: first_by_path.map(|(_, name)| name),
            });
        }
        let in_order = merged(static_indices, first_dynamic.into_iter().chain(dynamic));
        match self.walk(request, in_order) {
            // A route the table could not render may come next.
            Lookup::NoRoute(Beyond::RoutesRefuse) if !self.unrendered.is_empty() => {
                Lookup::Uncertain(Uncertain::Unrendered {
                    route: self.unrendered[0].route,
                })
            }
            found => found,
        }
    }

    /// The router's walk over the routes that match the request's path, the first of which the
    /// resource map finds first for it.
    fn walk<'a>(
        &'a self,
        request: &'a ServiceRequest,
        in_order: impl Iterator<Item = usize>,
    ) -> Lookup<'a> {
        let ctx = request.guard_ctx();
        // Once a scope took the path, the router looks no further than that scope.
        let mut taken_by: Option<&Entry> = None;
        for index in in_order {
            let entry = &self.entries[index];
            if let Some(scope) = taken_by {
                let same_scope = entry.in_scope && entry.scope_prefix == scope.scope_prefix;
                if !same_scope {
                    if entry.in_scope && is_path_prefix(&scope.scope_prefix, &entry.scope_prefix) {
                        return Lookup::Uncertain(Uncertain::ScopeUnclear {
                            refused: scope.prepared.route,
                            later: entry.prepared.route,
                        });
                    }
                    // On the app, or in a scope of another prefix: never reached.
                    continue;
                }
            }
            if entry.guard.check(&ctx) {
                return match &entry.doubt {
                    Some(doubt) => Lookup::Uncertain(Uncertain::Route(doubt)),
                    None => Lookup::Route(&entry.prepared),
                };
            }
            if entry.in_scope && taken_by.is_none() {
                taken_by = Some(entry);
            }
        }
        Lookup::NoRoute(Beyond::RoutesRefuse)
    }

    /// No route's full pattern matches `path`: no `#[cors]` route serves it, unless one the table
    /// could not render does.
    fn no_route_matches<'a>(&'a self, request: &ServiceRequest, path: &str) -> Lookup<'a> {
        if !self.unrendered.is_empty() {
            if let Some(first) = first_by_path(request.request(), path) {
                let theirs = self.unrendered.iter().find(|route| match route.node {
                    Some(node) => node == first.node,
                    None => *route.resource_name == *first.name,
                });
                if let Some(route) = theirs {
                    return Lookup::Uncertain(Uncertain::Unrendered { route: route.route });
                }
            }
        }
        Lookup::NoRoute(Beyond::NoRouteMatches)
    }

    /// Whether a resource this table did not register matches the request's path first: a route
    /// or resource without `#[cors]`, files, a resource registered by hand.
    pub(crate) fn another_resource_matches(&self, request: &ServiceRequest) -> bool {
        let path = request.match_info().as_str();
        match first_by_path(request.request(), path) {
            Some(first) => !self.nodes.contains(&first.node),
            // Unnamed, or none.
            None => request.resource_map().has_resource(path),
        }
    }
}

/// `static_indices` and `dynamic` (each in registration order) merged into one order.
fn merged<'a>(
    static_indices: &'a [usize],
    dynamic: impl Iterator<Item = usize> + 'a,
) -> impl Iterator<Item = usize> + 'a {
    let mut dynamic = dynamic.peekable();
    let mut statics = static_indices.iter().copied().peekable();
    std::iter::from_fn(move || match (statics.peek(), dynamic.peek()) {
        (Some(&s), Some(&d)) if d < s => dynamic.next(),
        (Some(_), _) => statics.next(),
        (None, _) => dynamic.next(),
    })
}

/// The placeholder each dynamic segment of a scope prefix is rendered as: a plain token the
/// resource map does not percent-encode, numbered.
const PLACEHOLDER: &str = "__cors_segment_";

enum Rendered {
    Pattern {
        pattern: ResourceDef,
        scope_prefix: Box<str>,
    },
    /// The rendered path holds percent-encoded characters: the rendering may differ from the
    /// patterns it is rendered from.
    Inexact(String),
    /// This app has no such route: it belongs to another app built on this thread.
    OtherApp,
}

/// The full pattern of a recorded route: the scope prefixes above it, as the resource map renders
/// them (each dynamic segment of a prefix a placeholder segment), then the route's own path as
/// written.
fn full_pattern(request: &HttpRequest, route: &Recorded) -> Result<Rendered, NotRendered> {
    let placeholders = (0..).map(|index| format!("{PLACEHOLDER}{index}__"));
    let rendered = match request.url_for(&route.hidden_name, placeholders.clone()) {
        Ok(rendered) => rendered,
        Err(UrlGenerationError::ResourceNotFound) => return Ok(Rendered::OtherApp),
        Err(_) => return Err(NotRendered),
    };
    let rendered = rendered.path();
    let own = ResourceDef::new(route.path.as_str());
    // The route's own dynamic segments take the last placeholders.
    let total = rendered.matches(PLACEHOLDER).count();
    let mut own_alone = String::new();
    own.resource_path_from_iter(&mut own_alone, placeholders.clone());
    let in_prefix = total.saturating_sub(own_alone.matches(PLACEHOLDER).count());
    let mut own_rendered = String::new();
    own.resource_path_from_iter(&mut own_rendered, placeholders.skip(in_prefix));
    let Some(prefix) = rendered.strip_suffix(&own_rendered) else {
        return Ok(Rendered::Inexact(rendered.to_owned()));
    };
    if prefix.contains(['%', '{', '}']) {
        return Ok(Rendered::Inexact(rendered.to_owned()));
    }
    let mut pattern = String::with_capacity(prefix.len() + route.path.len());
    let mut rest = prefix;
    while let Some(at) = rest.find(PLACEHOLDER) {
        let after = &rest[at + PLACEHOLDER.len()..];
        let Some(end) = after.find("__") else { break };
        pattern.push_str(&rest[..at]);
        pattern.push('{');
        pattern.push_str(PLACEHOLDER);
        pattern.push_str(&after[..end]);
        pattern.push('}');
        rest = &after[end + 2..];
    }
    pattern.push_str(rest);
    let scope_prefix = pattern.clone().into_boxed_str();
    pattern.push_str(&route.path);
    Ok(Rendered::Pattern {
        pattern: ResourceDef::new(pattern),
        scope_prefix,
    })
}

/// The routes the table cannot answer for, found from what it sees: for each route, a path it
/// matches, and the resource the resource map finds first for that path. See the module.
fn find_doubts(request: &HttpRequest, entries: &mut [Entry]) {
    let mut doubts: Vec<(usize, String)> = Vec::new();
    let mut prefixes_in_doubt: Vec<&str> = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        if entry.node.is_none() {
            doubts.push((
                index,
                "cors_runtime could not learn its place in the resource map (see the warning \
                 given when it was registered)"
                    .to_owned(),
            ));
            continue;
        }
        let samples: Vec<String> = samples(&entry.pattern).collect();
        if samples.is_empty() {
            let why = match entry.scope_prefix.contains(PLACEHOLDER) {
                // The prefix's placeholders stand for segments whose regex, if any, the table
                // does not see: none of the values tried may fit it.
                true => "no path its pattern matches was found that the resource map also \
                         routes to it: its scope prefix has a dynamic segment, and if that \
                         segment has a regex (`{version:v[0-9]+}`), `outermost()` cannot see it; \
                         a plain segment (`{version}`) and a check in the handler work"
                    .to_owned(),
                false => "no path its pattern matches could be built to ask the resource map \
                          about"
                    .to_owned(),
            };
            doubts.push((index, why));
            prefixes_in_doubt.push(&entry.scope_prefix);
            continue;
        }
        // A resource the table did not register may come first for one path of a dynamic route
        // and not for another: the look-up checks that for each path. What follows asks about a
        // path it does not take, if there is one.
        let by_path = samples
            .iter()
            .map(|sample| (sample, first_by_path(request, sample)));
        let not_registered = |sample: &str, first: Option<FirstByPath<'_>>| match first {
            Some(first) => !entries.iter().any(|entry| entry.node == Some(first.node)),
            // An unnamed resource (a scope that owns the path and holds nothing for it is none).
            None => request.resource_map().has_resource(sample),
        };
        let mut by_path = by_path
            .clone()
            .filter(|&(sample, first)| !not_registered(sample, first))
            .chain(by_path.take(1));
        let Some((sample, first)) = by_path.next() else {
            continue;
        };
        let unnamed_first = first.is_none() && not_registered(sample, first);
        let first = first.map(|first| (first.node, first.name));
        // The routes of the table that match the sample, up to this one: the router tries them
        // first, in this order.
        let before: Vec<usize> = (0..index)
            .filter(|&earlier| entries[earlier].pattern.is_match(sample))
            .collect();
        let first_ours = before.first().copied().unwrap_or(index);
        if first.map(|(node, _)| node) != entries[first_ours].node {
            let why = match first {
                Some((_, first)) => format!(
                    "resource `{first}`, which `outermost()` did not register, comes first for \
                     every path of it that was tried; register the route before it, or give \
                     that resource `#[cors]` too"
                ),
                None if unnamed_first => "an unnamed resource, which `outermost()` did not \
                                          register, comes first for every path of it that was \
                                          tried; register the route before it"
                    .to_owned(),
                None if entry.scope_prefix.contains(PLACEHOLDER) => format!(
                    "the resource map does not route its path `{sample}` to it: a scope that \
                     owns its path comes first, a resource `outermost()` did not register, or \
                     its scope prefix has a dynamic segment with a regex (`{{version:v[0-9]+}}`), \
                     which `outermost()` cannot see (a plain segment and a check in the handler \
                     work)"
                ),
                None => "a scope that owns its path comes first, or a resource `outermost()` did \
                         not register: unless a scope guard `outermost()` cannot see tells them \
                         apart, the route is never reached"
                    .to_owned(),
            };
            if first.is_none() && !unnamed_first {
                prefixes_in_doubt.push(&entry.scope_prefix);
            }
            doubts.push((index, why));
            continue;
        }
        // The scope of an earlier route takes the path, and this route is not surely in it.
        let taken = before.iter().find(|&&earlier| {
            let earlier = &entries[earlier];
            earlier.in_scope && !(entry.in_scope && entry.scope_prefix == earlier.scope_prefix)
        });
        if let Some(&earlier) = taken {
            let why = format!(
                "the scope of route `{}` takes its paths, so unless the route is nested in that \
                 scope, or a scope guard `outermost()` cannot see tells them apart, the router \
                 never reaches it; give the scopes prefixes that do not overlap",
                entries[earlier].prepared.route
            );
            prefixes_in_doubt.push(&entry.scope_prefix);
            doubts.push((index, why));
            continue;
        }
        // Can the router get past each earlier route to this one? Only for requests that route's
        // guard refuses: a method it does not serve, or a `guard` of its own.
        let blocked_by = before.iter().copied().find(|&earlier| {
            let earlier = &entries[earlier].guard;
            !earlier.has_attribute_guards() && earlier.serves_every_method_of(&entry.guard)
        });
        if let Some(earlier) = blocked_by {
            let why = format!(
                "route `{}` (`{}`) comes first for the same path and methods, so the router never \
                 reaches this one, unless a guard on their scopes that `outermost()` cannot see \
                 tells them apart; if it is dead code remove it, else move the guard onto the \
                 routes (`#[get(\"..\", guard = \"..\")]`), which `outermost()` sees",
                entries[earlier].prepared.route, entries[earlier].resource_name
            );
            doubts.push((earlier, why.clone()));
            doubts.push((index, why));
            prefixes_in_doubt.push(&entry.scope_prefix);
        }
    }
    // Two scopes on one prefix: what decides between them is out of sight, for every route
    // under that prefix.
    prefixes_in_doubt.retain(|prefix| !prefix.is_empty());
    for (index, entry) in entries.iter().enumerate() {
        let prefix = &*entry.scope_prefix;
        let shares = !prefix.is_empty()
            && prefixes_in_doubt
                .iter()
                .any(|doubted| is_path_prefix(doubted, prefix) || is_path_prefix(prefix, doubted));
        if shares && !doubts.iter().any(|(doubted, _)| *doubted == index) {
            doubts.push((
                index,
                "another route under its scope prefix is never reached by what `outermost()` \
                 sees, so a guard on that prefix's scopes, out of `outermost()`'s sight, may \
                 decide between them; give the scopes distinct prefixes, or put the guards on the \
                 routes"
                    .to_owned(),
            ));
        }
    }
    for (index, why) in doubts {
        let entry = &mut entries[index];
        if entry.doubt.is_some() {
            continue;
        }
        let doubt = Doubt {
            route: entry.prepared.route.to_owned(),
            why,
        };
        warn_once(format!(
            "outermost() does not answer for {doubt} (its own layer still answers the requests \
             that reach it; preflights reach it only through the app's middleware)"
        ));
        entry.doubt = Some(Rc::new(doubt));
    }
}

/// Paths `pattern` (a route's full pattern) matches, for asking the resource map which resource
/// comes first for them: each plain dynamic segment filled with one of a few values the pattern
/// accepts there, each regex segment with a value its regex matches.
fn samples(pattern: &ResourceDef) -> impl Iterator<Item = String> + '_ {
    let written = pattern.pattern().unwrap_or_default();
    let mut seen = Vec::new();
    ["0", "a", "x0", "A"].into_iter().filter_map(move |fill| {
        let sample = sample_path(written, fill).filter(|sample| pattern.is_match(sample))?;
        (!seen.contains(&sample)).then(|| {
            seen.push(sample.clone());
            sample
        })
    })
}

/// Whether `prefix` is `path` or a path prefix of it ending at a `/`.
fn is_path_prefix(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// FxHash (rustc's): the table's keys are the app's own paths, and a request's path is hashed
/// once per request, so a hasher built for speed on short strings rather than for keys chosen by
/// an attacker (a crafted path can only meet the few keys of one bucket).
#[derive(Default)]
struct PathHasher(u64);

impl Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
