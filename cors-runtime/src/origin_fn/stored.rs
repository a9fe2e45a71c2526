//! `origin_fn = path` as generated code stores it ([`StoredOriginFn`]), and as users read it in
//! an audit ([`OriginFn`]).

use std::fmt;
use std::time::Duration;

use crate::origin_fn::cache::CacheBounds;
use crate::origin_fn::forms::ErasedOriginFn;

/// `origin_fn = path` as generated code stores it.
#[derive(Clone, Copy)]
pub struct StoredOriginFn {
    /// The path as written, for the audit listing.
    pub name: &'static str,
    /// The module the path was resolved in (`module_path!()` there): the route's module, or for
    /// a named policy's `origin_fn`, the module that declares the policy.
    pub resolved_in: &'static str,
    /// The function, in whichever of the forms [`OriginCheck`](crate::OriginCheck) names.
    pub check: &'static dyn ErasedOriginFn,
}

impl fmt::Debug for StoredOriginFn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredOriginFn")
            .field("name", &self.name)
            .field("resolved_in", &self.resolved_in)
            .finish_non_exhaustive()
    }
}

/// `origin_fn = path::to::check`: decides origins the lists do not name.
///
/// It only ever sees what a browser's web page can send: a single, well-formed serialized
/// origin whose scheme is `http` or `https`. Pages of other schemes send `Origin: null`, except in
/// embedders that register a scheme of their own as standard (browser extensions, Electron,
/// Tauri, Capacitor): such an origin names an installed app, not a tenant of a web platform, so it
/// must be listed exactly in `origins` rather than decided by a function that was written with
/// web origins in mind.
#[derive(Debug, Clone, Copy)]
pub struct OriginFn {
    stored: StoredOriginFn,
    cache: CacheBounds,
    timeout_secs: u32,
}

impl OriginFn {
    pub(crate) fn new(stored: StoredOriginFn, cache: CacheBounds, timeout_secs: u32) -> Self {
        OriginFn {
            stored,
            cache,
            timeout_secs,
        }
    }

    /// The function's path, as written.
    pub fn name(&self) -> &'static str {
        self.stored.name
    }

    /// The module the path was resolved in: the route's module, or for a named policy's
    /// `origin_fn`, the module that declares the policy.
    pub fn resolved_in(&self) -> &'static str {
        self.stored.resolved_in
    }

    /// How long each worker keeps the function's answer for an origin (`origin_fn_ttl`), and at
    /// most how many answers (`origin_fn_cache_size`); `None` when answers are not kept.
    pub fn cache(&self) -> Option<(Duration, usize)> {
        let cache = self.cache;
        (!cache.is_none()).then(|| {
            let ttl = Duration::from_secs(cache.ttl_secs.into());
            (ttl, cache.entries as usize)
        })
    }

    /// How long a request waits for the answer of an `async` function before its origin is
    /// refused (`origin_fn_timeout`); `None` for a function that is not `async`, which answers
    /// before the request goes on.
    pub fn timeout(&self) -> Option<Duration> {
        let waits = self.stored.check.is_async();
        waits.then(|| Duration::from_secs(self.timeout_secs.into()))
    }

    /// Whether the function is `fn(&str) -> bool`: answered at once, from the origin alone,
    /// without app data.
    pub fn is_plain(&self) -> bool {
        self.stored.check.is_plain()
    }

    pub(crate) fn stored(&self) -> StoredOriginFn {
        self.stored
    }

    pub(crate) fn bounds(&self) -> CacheBounds {
        self.cache
    }

    /// `origin_fn_timeout`, in seconds.
    pub(crate) fn timeout_secs(&self) -> u32 {
        self.timeout_secs
    }

    /// Consults a plain function (`fn(&str) -> bool`) when `origin` is an `http` or `https`
    /// serialized origin; anything else never reaches it. A function that reads app data or is
    /// `async` cannot answer here, without a request: it allows nothing.
    pub(crate) fn allows(&self, origin: &[u8]) -> bool {
        as_web_origin(origin)
            .and_then(|origin| self.stored.check.decide_now(origin))
            .unwrap_or(false)
    }
}

/// `origin` as a function receives it, if it is an `http` or `https` serialized origin: the only
/// values a function ever sees.
pub(crate) fn as_web_origin(origin: &[u8]) -> Option<&str> {
    let web_scheme = origin.starts_with(b"https://") || origin.starts_with(b"http://");
    let origin = std::str::from_utf8(origin).ok()?;
    (web_scheme && cors_rules::is_serialized_origin(origin)).then_some(origin)
}
