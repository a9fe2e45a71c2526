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
//! first for a path; it does not see the guards of scopes or of resources it did not register.
//! So it refuses to answer ([`Lookup::Uncertain`]) when:
//! - a resource it did not register, or a scope that owns the path, comes first for the path
//!   (checked per request for dynamic paths, once per path for static ones);
//! - the route is one that what the table sees says the router never reaches (another route
//!   takes every request it would serve, or a scope owns its prefix): then a guard it cannot see
//!   decides, as with two scopes on one prefix told apart by `guard::Host`, and every route
//!   under that prefix is in doubt;
//! - the route's full pattern cannot be rendered exactly (a scope prefix with percent-encoded
//!   characters).
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
use std::sync::Mutex;

use actix_web::dev::{ResourceDef, ServiceRequest};
use actix_web::error::UrlGenerationError;
use actix_web::guard::Guard;
use actix_web::HttpRequest;

use super::guard::RouteGuard;
use super::recorder::{self, Recorded};
use crate::policy::prepared::PreparedPolicy;

/// The routed `#[cors]` handlers of one app, with their full patterns, in registration order.
pub(crate) struct RouteTable {
    entries: Vec<Entry>,
    /// The entries of each static full pattern (no dynamic segment), by that pattern.
    static_paths: HashMap<Box<str>, StaticPath, BuildHasherDefault<PathHasher>>,
    /// The entries with dynamic segments, in order.
    dynamic: Vec<usize>,
    /// The resource names of routes whose full pattern could not be rendered: a path no entry
    /// matches may still be theirs.
    unrendered: Vec<Rc<str>>,
}

struct Entry {
    /// The resource's own name: what the resource map answers for a path that reaches it first.
    resource_name: Rc<str>,
    pattern: ResourceDef,
    /// The part of the pattern the scopes around the route contribute (empty for a route on the
    /// app itself), each dynamic segment a numbered placeholder.
    scope_prefix: Box<str>,
    guard: RouteGuard,
    prepared: Rc<PreparedPolicy>,
    /// Why the table cannot answer for this route, if it cannot.
    doubt: Option<Rc<Doubt>>,
}

/// The entries of one static path, and which resource the resource map finds first for it.
struct StaticPath {
    indices: Vec<usize>,
    first_by_path: Option<Box<str>>,
    /// The one entry that serves the path, when nothing else can: no other route of the table
    /// matches it, the resource map finds this entry first, and only the entry's own methods
    /// decide. Most paths of an API are such; their requests skip the general walk.
    only: Option<usize>,
}

/// What the table says about a request.
pub(crate) enum Lookup<'a> {
    /// This route serves it.
    Route(&'a Rc<PreparedPolicy>),
    /// No `#[cors]` route serves it: none matches its path, or every one that does refuses it by
    /// its own guard.
    NoRoute,
    /// The table cannot tell which route serves it.
    Uncertain(Uncertain<'a>),
}

/// Why the table cannot tell which route serves a request, for the debug log.
pub(crate) enum Uncertain<'a> {
    /// Found when the table was built.
    Route(&'a Doubt),
    /// For this path, the resource map finds first a resource the table did not register, or a
    /// scope that owns the path.
    NotFirst {
        route: &'a str,
        first: Option<String>,
    },
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
pub(crate) struct Unrendered;

impl RouteTable {
    /// The table of the app `request` belongs to: every recorded route its resource map knows.
    /// Fails when the request's own headers keep `url_for` from rendering paths; such a request
    /// must not leave the app without a table, so none is kept from it, and the next request
    /// builds one.
    pub(crate) fn build(request: &HttpRequest) -> Result<RouteTable, Unrendered> {
        let (mut entries, unrendered) = recorder::with_recorded(|recorded| {
            let mut entries = Vec::new();
            let mut unrendered = Vec::new();
            for route in recorded {
                match full_pattern(request, route)? {
                    Rendered::Pattern {
                        pattern,
                        scope_prefix,
                    } => entries.push(Entry {
                        resource_name: route.resource_name.as_str().into(),
                        pattern,
                        scope_prefix,
                        guard: route.guard.clone(),
                        prepared: PreparedPolicy::new(route.policy),
                        doubt: None,
                    }),
                    Rendered::Inexact(prefix) => {
                        warn_once(format!(
                            "outermost(): route `{}` ({}) is not answered before the app's \
                             middleware: its scope prefix `{prefix}` holds characters the resource \
                             map percent-encodes, so its full pattern cannot be mirrored exactly; \
                             its own layer still answers the requests that reach it",
                            route.policy.route, route.resource_name
                        ));
                        unrendered.push(route.resource_name.as_str().into());
                    }
                    Rendered::OtherApp => {}
                }
            }
            Ok((entries, unrendered))
        })?;
        find_doubts(request, &mut entries);
        Ok(RouteTable::index(request, entries, unrendered))
    }

    fn index(request: &HttpRequest, entries: Vec<Entry>, unrendered: Vec<Rc<str>>) -> RouteTable {
        let mut static_paths: HashMap<Box<str>, StaticPath, _> = HashMap::default();
        let mut dynamic = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match entry.pattern.pattern() {
                Some(pattern) if !pattern.contains('{') => static_paths
                    .entry(pattern.into())
                    .or_insert_with(|| StaticPath {
                        indices: Vec::new(),
                        first_by_path: first_by_path(request, pattern).map(Into::into),
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
            let first = found.first_by_path.as_deref() == Some(&*entry.resource_name);
            if alone && first && entry.doubt.is_none() && !entry.guard.has_attribute_guards() {
                found.only = Some(index);
            }
        }
        RouteTable {
            entries,
            static_paths,
            dynamic,
            unrendered,
        }
    }

    /// Which route serves `request`, or the preflight announcing it: the first whose path matches
    /// and whose guard in the router (methods, then the attribute's `guard`s) accepts the request,
    /// when the table can be sure the router reaches it.
    pub(crate) fn lookup(&self, request: &ServiceRequest) -> Lookup<'_> {
        let path = request.match_info().as_str();
        let static_path = self.static_paths.get(path);
        if let Some(index) = static_path.and_then(|found| found.only) {
            let entry = &self.entries[index];
            return match entry.guard.check(&request.guard_ctx()) {
                true => Lookup::Route(&entry.prepared),
                false => Lookup::NoRoute,
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
            Some(found) if first == first_static => found.first_by_path.as_deref(),
            _ => first_by_path(request.request(), path),
        };
        if first_by_path != Some(&*first_entry.resource_name) {
            return Lookup::Uncertain(Uncertain::NotFirst {
                route: first_entry.prepared.route,
                first: first_by_path.map(str::to_owned),
            });
        }
        let ctx = request.guard_ctx();
        let in_order = merged(static_indices, first_dynamic.into_iter().chain(dynamic));
        // Once a scope took the path, the router looks no further than that scope.
        let mut taken_by: Option<&str> = None;
        for index in in_order {
            let entry = &self.entries[index];
            if taken_by.is_some_and(|scope| !is_path_prefix(scope, &entry.scope_prefix)) {
                break;
            }
            if entry.guard.check(&ctx) {
                return match &entry.doubt {
                    Some(doubt) => Lookup::Uncertain(Uncertain::Route(doubt)),
                    None => Lookup::Route(&entry.prepared),
                };
            }
            if !entry.scope_prefix.is_empty() {
                taken_by = Some(&entry.scope_prefix);
            }
        }
        Lookup::NoRoute
    }

    /// No route's full pattern matches `path`: no `#[cors]` route serves it, unless one the table
    /// could not render does.
    fn no_route_matches(&self, request: &ServiceRequest, path: &str) -> Lookup<'_> {
        if !self.unrendered.is_empty() {
            if let Some(first) = first_by_path(request.request(), path) {
                if let Some(route) = self.unrendered.iter().find(|name| ***name == *first) {
                    return Lookup::Uncertain(Uncertain::Unrendered { route });
                }
            }
        }
        Lookup::NoRoute
    }
}

impl RouteTable {
    /// Whether a resource this table did not register matches the request's path first: a route
    /// or resource without `#[cors]`, files, a resource registered by hand.
    pub(crate) fn another_resource_matches(&self, request: &ServiceRequest) -> bool {
        let path = request.match_info().as_str();
        let map = request.resource_map();
        map.has_resource(path)
            && !map.match_name(path).is_some_and(|name| {
                self.entries
                    .iter()
                    .any(|entry| *entry.resource_name == *name)
            })
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

/// The name of the resource the app's resource map finds first for `path`, by path alone (as the
/// router tries its entries, without their guards); `None` when it finds none, or an unnamed one,
/// or a scope that owns the path and holds nothing that matches it.
fn first_by_path<'a>(request: &'a HttpRequest, path: &str) -> Option<&'a str> {
    request.resource_map().match_name(path)
}

/// The placeholder each dynamic segment of a scope prefix is rendered as: a plain token the
/// resource map does not percent-encode, numbered.
const PLACEHOLDER: &str = "__cors_segment_";

enum Rendered {
    Pattern {
        pattern: ResourceDef,
        scope_prefix: Box<str>,
    },
    /// The rendered prefix holds percent-encoded characters: the rendering may differ from the
    /// scope's own pattern.
    Inexact(String),
    /// This app has no such route: it belongs to another app built on this thread.
    OtherApp,
}

/// The full pattern of a recorded route: the scope prefixes above it, as the resource map renders
/// them (each dynamic segment of a prefix a placeholder segment), then the route's own path as
/// written.
fn full_pattern(request: &HttpRequest, route: &Recorded) -> Result<Rendered, Unrendered> {
    let placeholders = (0..).map(|index| format!("{PLACEHOLDER}{index}__"));
    let rendered = match request.url_for(&route.hidden_name, placeholders.clone()) {
        Ok(rendered) => rendered,
        Err(UrlGenerationError::ResourceNotFound) => return Ok(Rendered::OtherApp),
        Err(_) => return Err(Unrendered),
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
        return Ok(Rendered::Inexact(prefix.to_owned()));
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
        let Some(sample) = sample_path(&entry.pattern) else {
            continue;
        };
        let first = first_by_path(request, &sample);
        // The routes of the table that match the sample, up to this one: the router tries them
        // first, in this order.
        let before: Vec<usize> = (0..index)
            .filter(|&earlier| entries[earlier].pattern.is_match(&sample))
            .collect();
        let first_ours = before.first().copied().unwrap_or(index);
        if first != Some(&*entries[first_ours].resource_name) {
            let why = match first {
                Some(first) => format!(
                    "resource `{first}`, which `outermost()` did not register, comes first for \
                     its path; register the route before it, or give that resource `#[cors]` too"
                ),
                None => "a scope that owns its path comes first, or a resource `outermost()` did \
                         not register: unless a scope guard `outermost()` cannot see tells them \
                         apart, the route is never reached"
                    .to_owned(),
            };
            if first.is_none() {
                prefixes_in_doubt.push(&entry.scope_prefix);
            }
            doubts.push((index, why));
            continue;
        }
        // A scope of an earlier route takes the path, and this route is not in it.
        let taken = before.iter().any(|&earlier| {
            let scope = &*entries[earlier].scope_prefix;
            !scope.is_empty() && !is_path_prefix(scope, &entry.scope_prefix)
        });
        if taken {
            let why = "the scope of an earlier route owns its path, so the router never reaches \
                       it, unless a scope guard `outermost()` cannot see tells them apart"
                .to_owned();
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

/// A path `pattern` matches, for asking the resource map which resource comes first for it:
/// every dynamic segment filled with the first of a few values the pattern accepts there.
fn sample_path(pattern: &ResourceDef) -> Option<String> {
    ["0", "a", "x0", "A"].into_iter().find_map(|value| {
        let mut path = String::new();
        pattern.resource_path_from_iter(&mut path, std::iter::repeat(value));
        pattern.is_match(&path).then_some(path)
    })
}

/// Whether `prefix` is `path` or a path prefix of it ending at a `/`.
fn is_path_prefix(prefix: &str, path: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Logs `message` at `warn` level, once per process: every worker builds the same table.
fn warn_once(message: String) {
    static WARNED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut warned = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if warned
        .get_or_insert_with(HashSet::new)
        .insert(message.clone())
    {
        log::warn!(target: "cors_runtime", "{message}");
    }
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
