//! Which `#[cors]` route serves a request, asked from outside the router: the table
//! [`outermost()`](crate::outermost) consults before the app's other middleware runs, and after
//! one of them answered without calling the route.
//!
//! A routed handler's registration records, for each of its paths, the path as written, the
//! route's guard in the router (its methods and its attribute's `guard`s) and its policy, in a
//! list of the thread that builds
//! the app (actix-web builds each worker's app on the worker's own thread, and registers every
//! service before it builds any middleware). The path lacks the prefixes of the scopes around it,
//! which registration cannot see; the app's resource map can: the route's place in it holds a
//! hidden name unique to that registration (see `route_service`), and the resource map renders
//! the full path of a name (`url_for`). Rendered with placeholders for its dynamic segments, that
//! path is the route's full pattern; the table is built from it once per app instance, at its
//! first request, when the resource map is complete.
//!
//! Routes are recorded, and given the hidden name, only on threads where an `outermost()` has been
//! made: the app's builder makes it before actix-web registers the app's services, on the thread
//! that builds the app (a copy made elsewhere must be cloned into the app's factory, which clones
//! it on each worker's thread).
//!
//! A request is then matched the way the router matches it: the first entry whose full pattern
//! matches the path and whose guard, the very one the router asks, accepts the request.
//! Dynamic segments of a scope's prefix match any one segment here (their regular expression, if
//! any, is not part of the rendered path).
//!
//! The router tries its entries one by one; this table is asked on every request of the app, so
//! it finds the routes of a static path (most of an API's) by hashing the path, and tries only the
//! routes with dynamic segments one by one: the lookup costs about the same for the first route
//! and the two-hundredth.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use actix_web::dev::{ResourceDef, ServiceRequest};
use actix_web::error::UrlGenerationError;
use actix_web::guard::Guard;
use actix_web::HttpRequest;

use crate::policy::StoredPolicy;
use crate::prepared::Prepared;
use crate::route_service::RouteGuard;

/// One path of a routed `#[cors]` handler, as its registration records it.
struct Recorded {
    /// The hidden name of the route's place in the resource map.
    name: String,
    /// The path as registered, without scope prefixes.
    path: String,
    /// The route's guard in the router: its methods and its attribute's `guard`s.
    guard: RouteGuard,
    policy: &'static StoredPolicy,
}

thread_local! {
    static RECORDED: RefCell<Vec<Recorded>> = const { RefCell::new(Vec::new()) };
    static NEXT_NAME: Cell<u64> = const { Cell::new(0) };
    static OUTERMOST_EXPECTED: Cell<bool> = const { Cell::new(false) };
}

/// Called when an `outermost()` is made or cloned: apps this thread builds from now on may have
/// it, so their routes are recorded.
pub(crate) fn expect_outermost() {
    OUTERMOST_EXPECTED.set(true);
}

/// Whether routes registered now are recorded, with a hidden name.
pub(crate) fn outermost_expected() -> bool {
    OUTERMOST_EXPECTED.get()
}

/// Records one path of a routed handler while the app is built; returns the hidden name to give
/// the route's place in the resource map.
pub(crate) fn record(path: &str, guard: RouteGuard, policy: &'static StoredPolicy) -> String {
    let number = NEXT_NAME.with(|next| next.replace(next.get() + 1));
    let name = format!("__cors_runtime_route_{number}");
    RECORDED.with_borrow_mut(|recorded| {
        recorded.push(Recorded {
            name: name.clone(),
            path: path.to_owned(),
            guard,
            policy,
        })
    });
    name
}

/// The routed `#[cors]` handlers of one app, with their full patterns, in registration order.
pub(crate) struct RouteTable {
    entries: Vec<Entry>,
    /// The entries of each static full pattern (no dynamic segment), by that pattern, in order.
    static_paths: HashMap<Box<str>, Vec<usize>, BuildHasherDefault<PathHasher>>,
    /// The entries with dynamic segments, in order.
    dynamic: Vec<usize>,
}

struct Entry {
    pattern: ResourceDef,
    guard: RouteGuard,
    prepared: Rc<Prepared>,
}

impl RouteTable {
    /// The table of the app `request` belongs to: every recorded route its resource map knows.
    /// `None` when the request's own headers keep `url_for` from rendering paths: it renders a
    /// URL, whose scheme and host come from `Host`, `Forwarded` and `X-Forwarded-*`, and a value
    /// there that is no URL fails every name. Such a request must not leave the app without a
    /// table, so none is kept from it, and the next request builds one.
    pub(crate) fn build(request: &HttpRequest) -> Option<RouteTable> {
        let entries = RECORDED.with_borrow(|recorded| {
            let mut entries = Vec::new();
            for route in recorded {
                let pattern = match full_pattern(request, &route.name, &route.path) {
                    Ok(Some(pattern)) => pattern,
                    // A route of another app built on this thread.
                    Ok(None) => continue,
                    Err(Unrendered) => return None,
                };
                entries.push(Entry {
                    pattern: ResourceDef::new(pattern),
                    guard: route.guard.clone(),
                    prepared: Prepared::new(route.policy),
                });
            }
            Some(entries)
        })?;
        let mut static_paths: HashMap<_, Vec<usize>, _> = HashMap::default();
        let mut dynamic = Vec::new();
        for (index, entry) in entries.iter().enumerate() {
            match entry.pattern.pattern() {
                Some(pattern) if !pattern.contains('{') => {
                    static_paths.entry(pattern.into()).or_default().push(index)
                }
                _ => dynamic.push(index),
            }
        }
        Some(RouteTable {
            entries,
            static_paths,
            dynamic,
        })
    }

    /// The policy of the route that serves the request, or the preflight announcing it: the
    /// first whose path matches and whose guard in the router (methods, then the attribute's
    /// `guard`s) accepts the request.
    pub(crate) fn route_for(&self, request: &ServiceRequest) -> Option<&Rc<Prepared>> {
        let path = request.match_info().as_str();
        let ctx = request.guard_ctx();
        let serves = |index: &usize| self.entries[*index].guard.check(&ctx);
        let static_match = self
            .static_paths
            .get(path)
            .and_then(|indices| indices.iter().copied().find(serves));
        // A dynamic pattern registered before the static one still comes first, as in the router.
        let before = static_match.unwrap_or(usize::MAX);
        let dynamic_match = self
            .dynamic
            .iter()
            .copied()
            .take_while(|&index| index < before)
            .find(|index| self.entries[*index].pattern.is_match(path) && serves(index));
        dynamic_match
            .or(static_match)
            .map(|index| &self.entries[index].prepared)
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

/// The first placeholder name; each dynamic segment gets its own, numbered.
const PLACEHOLDER: &str = "__cors_segment_";

/// `url_for` failed on something other than the name: see [`RouteTable::build`].
struct Unrendered;

/// The full pattern of the route registered as `name`: the scope prefixes above it, as the
/// resource map renders them (each dynamic segment of a prefix a placeholder segment), then the
/// route's own `path` as written. `None` when this app has no such route (it belongs to another
/// app built on this thread).
fn full_pattern(
    request: &HttpRequest,
    name: &str,
    path: &str,
) -> Result<Option<String>, Unrendered> {
    let placeholders = (0..).map(|index| format!("{{{PLACEHOLDER}{index}}}"));
    let rendered = match request.url_for(name, placeholders.clone()) {
        Ok(rendered) => rendered,
        Err(UrlGenerationError::ResourceNotFound) => return Ok(None),
        Err(_) => return Err(Unrendered),
    };
    Ok(prefixed(rendered.path(), path, placeholders))
}

/// The route's `path` behind the scope prefixes of its `rendered` full path.
fn prefixed(
    rendered: &str,
    path: &str,
    placeholders: impl Iterator<Item = String> + Clone,
) -> Option<String> {
    let rendered = percent_decoded(rendered)?;
    let total = rendered.matches(PLACEHOLDER).count();
    let route = ResourceDef::new(path);
    let mut own = String::new();
    route.resource_path_from_iter(&mut own, placeholders.clone());
    let in_prefix = total.checked_sub(own.matches(PLACEHOLDER).count())?;
    let mut own = String::new();
    route.resource_path_from_iter(&mut own, placeholders.skip(in_prefix));
    let prefix = rendered.strip_suffix(&own)?;
    Some(format!("{prefix}{path}"))
}

/// `url_for` percent-encodes what a URL path cannot hold, the placeholders' braces among them.
fn percent_decoded(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(bytes.get(at + 1..at + 3)?).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            at += 3;
        } else {
            decoded.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(decoded).ok()
}
