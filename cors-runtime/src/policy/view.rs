//! A route's policy as users read it ([`Policy`]): for an audit listing, or a test that enforces
//! a team's rules over every route.

use cors_rules::stored::{stored_max_age, AllowedHeaders, JoinedNames, JoinedOrigins};
use cors_rules::{LoopbackAnyPort, OriginEntry, OriginList, OriginPattern};

use crate::origin_fn::stored::OriginFn;
use crate::policy::env_origins::EnvOrigins;
use crate::policy::stored::StoredPolicy;

/// The effective CORS policy of one annotated handler, with a named policy's keys merged in, as
/// [`policies()`](crate::policies) and [`Cors::policy`](crate::Cors::policy) give it: for a startup
/// log, or a test that enforces a team's rules over every route.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    stored: &'static StoredPolicy,
}

/// One entry of a policy's allowed origins, as [`Policy::origins`] lists them.
///
/// Displayed, an entry reads as the policy wrote it: `https://app.example.com`,
/// `https://*.example.com`, `*`, `$VAR (not read yet)`, `origin_fn path (in module)`, or for an
/// `async` function with `origin_fn_ttl`,
/// `origin_fn path (in module; waits at most 5 s; answers kept 60 s, at most 10000)`.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum AllowedOrigin {
    /// `origins = ["*"]`: any origin.
    Any,
    /// A serialized origin, from `origins` or from the `origins_env` variable once read.
    Exact(&'static str),
    /// A one-label subdomain pattern, from `origins` or from the `origins_env` variable once read.
    Pattern(OriginPattern<'static>),
    /// A loopback origin on any port (`http://localhost:*`), from `origins` or from the
    /// `origins_env` variable once read.
    LoopbackAnyPort(LoopbackAnyPort<'static>),
    /// `origins_env = "VAR"` before any app serving the route was built, which is when the
    /// variable is read.
    Unread {
        /// The variable's name.
        var: &'static str,
    },
    /// `origin_fn = path`: a function decides origins the lists do not name.
    Function(OriginFn),
}

impl From<OriginEntry<'static>> for AllowedOrigin {
    fn from(entry: OriginEntry<'static>) -> Self {
        match entry {
            OriginEntry::Exact(origin) => AllowedOrigin::Exact(origin),
            OriginEntry::Pattern(pattern) => AllowedOrigin::Pattern(pattern),
            OriginEntry::AnyPort(any_port) => AllowedOrigin::LoopbackAnyPort(any_port),
        }
    }
}

impl std::fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AllowedOrigin::Any => f.write_str("*"),
            AllowedOrigin::Exact(origin) => f.write_str(origin),
            AllowedOrigin::Pattern(pattern) => pattern.fmt(f),
            AllowedOrigin::LoopbackAnyPort(any_port) => any_port.fmt(f),
            AllowedOrigin::Unread { var } => write!(f, "${var} (not read yet)"),
            AllowedOrigin::Function(function) => {
                write!(
                    f,
                    "origin_fn {} (in {}",
                    function.name(),
                    function.resolved_in()
                )?;
                if let Some(timeout) = function.timeout() {
                    write!(f, "; waits at most {} s", timeout.as_secs())?;
                }
                if let Some((ttl, entries)) = function.cache() {
                    write!(f, "; answers kept {} s, at most {entries}", ttl.as_secs())?;
                }
                f.write_str(")")
            }
        }
    }
}

impl Policy {
    pub(crate) const fn new(stored: &'static StoredPolicy) -> Self {
        Policy { stored }
    }

    pub(crate) fn stored(&self) -> &'static StoredPolicy {
        self.stored
    }

    /// The name of the handler that declared this policy.
    pub fn route(&self) -> &'static str {
        self.stored.route
    }

    /// The named policy this route builds on (`#[cors(policy = NAME, ..)]`), if any. The other
    /// accessors give the effective policy, with the route's own keys merged in.
    pub fn named_policy(&self) -> Option<&'static str> {
        non_empty(self.stored.named)
    }

    /// The paths of the handler's routing attribute, as written (a scope's prefix is not
    /// included); empty for a handler registered by hand.
    pub fn paths(&self) -> &'static [&'static str] {
        self.stored.paths
    }

    /// Every allowed origin: `*`, or the `origins` entries in the policy's order, then the
    /// `origins_env` entries (or [`AllowedOrigin::Unread`]), then the `origin_fn`.
    pub fn origins(&self) -> impl Iterator<Item = AllowedOrigin> {
        let listed = JoinedOrigins::new(self.stored.origins);
        let any = listed.is_any().then_some(AllowedOrigin::Any);
        let env = self.origins_env();
        let env_entries = env
            .and_then(EnvOrigins::list)
            .into_iter()
            .flat_map(OriginList::entries);
        let unread = env
            .filter(|env| env.list().is_none())
            .map(|env| AllowedOrigin::Unread { var: env.var() });
        any.into_iter()
            .chain(listed.entries().map(AllowedOrigin::from))
            .chain(env_entries.map(AllowedOrigin::from))
            .chain(unread)
            .chain(self.origin_fn().map(AllowedOrigin::Function))
    }

    /// The `origins_env` source, if any: its variable and, once read, its entries.
    pub fn origins_env(&self) -> Option<&'static EnvOrigins> {
        self.stored.runtime_origins.env.as_ref()
    }

    /// The `origin_fn` predicate, if any.
    pub fn origin_fn(&self) -> Option<OriginFn> {
        let runtime = self.stored.runtime_origins;
        runtime
            .check
            .map(|check| OriginFn::new(check, runtime.cache, runtime.timeout_secs))
    }

    /// Whether the policy allows `origin`, the value of a request's `Origin` header, by what can
    /// be judged without a request: the listed origins and patterns, the `origins_env` entries
    /// (once an app with the route was built, which is when the variable is read) and an
    /// `origin_fn` of the form `fn(&str) -> bool`. `*` allows every origin. Two sources cannot
    /// answer here, and allow nothing (this fails closed): an `origin_fn` that reads app data or
    /// is `async`, which needs the request's app and may wait, and the `origins_env` of a value
    /// from `named_policy!`, a policy of its own that no app builds. For those, give the route
    /// `on_mismatch = "reject"`, which judges with the request.
    ///
    /// For routes browsers apply no CORS to: a WebSocket handshake, or a stream a handler starts
    /// before anyone reads it, where a handler registered by hand checks the origin itself.
    /// (Routed handlers get the same check from `on_mismatch = "reject"`.)
    ///
    /// ```
    /// mod cors_policies {
    ///     cors_runtime::policy!(LIVE { origins = ["https://app.example.com", "http://localhost:*"] });
    /// }
    ///
    /// fn main() {
    ///     let live = cors_runtime::named_policy!(crate::cors_policies::LIVE);
    ///     assert!(live.allows_origin("https://app.example.com"));
    ///     assert!(live.allows_origin("http://localhost:5173"));
    ///     assert!(!live.allows_origin("https://app.example.com.evil.net"));
    ///     assert!(!live.allows_origin("null"));
    /// }
    /// ```
    pub fn allows_origin(&self, origin: &str) -> bool {
        let listed = JoinedOrigins::new(self.stored.origins);
        let bytes = origin.as_bytes();
        listed.is_any()
            || listed.entries().any(|entry| entry.matches(bytes))
            || self
                .origins_env()
                .and_then(EnvOrigins::list)
                .is_some_and(|list| list.matches(bytes))
            || self.origin_fn().is_some_and(|check| check.allows(bytes))
    }

    /// The methods a page may use cross-origin, in the policy's order.
    pub fn methods(&self) -> impl Iterator<Item = &'static str> {
        JoinedNames::new(self.stored.methods).entries()
    }

    /// The request headers a page may send.
    pub fn headers(&self) -> AllowedHeaders<'static> {
        AllowedHeaders::stored(self.stored.headers)
    }

    /// The response headers a page may read beyond the safelisted ones, as
    /// `Access-Control-Expose-Headers` gives them (`*` for all).
    pub fn expose_headers(&self) -> Option<&'static str> {
        non_empty(self.stored.expose_headers)
    }

    /// Whether pages may send cookies and `Authorization` and read the answer.
    pub fn credentials(&self) -> bool {
        self.stored.credentials
    }

    /// How long, in seconds, a browser may cache a preflight answer: the policy's `max_age`, or
    /// 600 when it sets none (`0`: not at all). `None` only for a policy built without the macro.
    pub fn max_age(&self) -> Option<u32> {
        stored_max_age(self.stored.max_age)
    }

    /// Whether preflights asking for private network access are granted.
    pub fn private_network(&self) -> bool {
        self.stored.private_network
    }

    /// Whether a cross-origin actual request from a disallowed origin is answered `403` before
    /// the handler runs (`on_mismatch = "reject"`), rather than passed through without CORS
    /// headers.
    pub fn rejects_mismatch(&self) -> bool {
        self.stored.reject_mismatch
    }
}

fn non_empty(value: &'static str) -> Option<&'static str> {
    (!value.is_empty()).then_some(value)
}

/// One line for an audit listing: handler, methods, paths, and every key that is set.
///
/// `create_item POST /items: origins https://app.example.com; headers Content-Type; credentials;
/// max_age 600`
impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let methods: Vec<&str> = self.methods().collect();
        write!(f, "{} {}", self.route(), methods.join(","))?;
        if !self.paths().is_empty() {
            write!(f, " {}", self.paths().join(" "))?;
        }
        if let Some(named) = self.named_policy() {
            write!(f, " (policy {named})")?;
        }
        let origins: Vec<String> = self.origins().map(|origin| origin.to_string()).collect();
        write!(f, ": origins {}", origins.join(", "))?;
        if let Some(headers) = self.headers().header_value() {
            write!(f, "; headers {headers}")?;
        }
        if let Some(expose) = self.expose_headers() {
            write!(f, "; expose {expose}")?;
        }
        if self.credentials() {
            f.write_str("; credentials")?;
        }
        if let Some(max_age) = self.max_age() {
            write!(f, "; max_age {max_age}")?;
        }
        if self.private_network() {
            f.write_str("; private_network")?;
        }
        if self.rejects_mismatch() {
            f.write_str("; on_mismatch reject")?;
        }
        Ok(())
    }
}
