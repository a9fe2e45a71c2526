//! The policy one `#[cors]` attribute declares, as a `static` the macro builds from literals it
//! has already validated.

use cors_rules::OriginPattern;

use crate::runtime_origins::{EnvOrigins, OriginFn, RuntimeOrigins};

/// The CORS policy of one annotated handler.
///
/// The `#[cors]` macro builds one as a `static` from literals it has validated at compile time;
/// its fields are public only for that generated code. Read it through the accessor methods, for
/// example to assert rules over every route of an application.
///
/// The fields are shaped for the compiler as much as for the reader: an application has one such
/// `static` per route, and its build pays for every part of it. Each generic enum value
/// (`Option::Some(..)`, `None`) costs a round of type inference, and each nested slice a
/// constant of its own. So the optional strings are empty when absent, lists whose entries can
/// never contain the separator are one joined string (split when a worker starts, not per
/// request), and the rarely used run-time origin sources sit behind one reference, shared by every
/// policy that has none.
#[derive(Debug)]
pub struct Policy {
    #[doc(hidden)]
    pub route: &'static str,
    /// The named policy (`policy = NAME`) this route's policy builds on; empty if none.
    #[doc(hidden)]
    pub named: &'static str,
    /// The paths of the routing attribute, as written (without any scope prefix); empty for a
    /// handler registered by hand.
    #[doc(hidden)]
    pub paths: &'static [&'static str],
    #[doc(hidden)]
    pub origins: AllowedOrigins,
    /// `origins_env` and `origin_fn`, the sources of origins known only at run time.
    #[doc(hidden)]
    pub runtime_origins: &'static RuntimeOrigins,
    /// The methods a page may use cross-origin, joined with `, `: the value of
    /// `Access-Control-Allow-Methods`.
    #[doc(hidden)]
    pub allow_methods: &'static str,
    #[doc(hidden)]
    pub headers: AllowedHeaders,
    /// The value of `Access-Control-Expose-Headers`; empty if none.
    #[doc(hidden)]
    pub expose_headers: &'static str,
    #[doc(hidden)]
    pub credentials: bool,
    /// The value of `Access-Control-Max-Age`, already in decimal; empty if none.
    #[doc(hidden)]
    pub max_age: &'static str,
    #[doc(hidden)]
    pub private_network: bool,
    #[doc(hidden)]
    pub reject_mismatch: bool,
}

/// Which origins a policy lets read its responses (the `origins` key).
#[derive(Debug)]
pub enum AllowedOrigins {
    /// `origins = ["*"]`: any origin, answered with `Access-Control-Allow-Origin: *`.
    Any,
    /// Exact serialized origins and one-label subdomain patterns: read them with
    /// [`exact`](Self::exact) and [`patterns`](Self::patterns).
    List {
        /// Origins compared byte for byte with the request's `Origin`, joined with spaces (which
        /// no serialized origin contains).
        #[doc(hidden)]
        exact: &'static str,
        /// `https://*.example.com` and the like, joined with spaces.
        #[doc(hidden)]
        patterns: &'static str,
    },
}

impl AllowedOrigins {
    /// The exact origins, in the policy's order; none for `*`.
    pub fn exact(&self) -> impl Iterator<Item = &'static str> {
        let exact = match self {
            AllowedOrigins::Any => "",
            AllowedOrigins::List { exact, .. } => exact,
        };
        exact.split_ascii_whitespace()
    }

    /// The subdomain patterns, in the policy's order, split around their `*`; none for `*`.
    pub fn patterns(&self) -> impl Iterator<Item = OriginPattern<'static>> {
        let patterns = match self {
            AllowedOrigins::Any => "",
            AllowedOrigins::List { patterns, .. } => patterns,
        };
        patterns
            .split_ascii_whitespace()
            .filter_map(|pattern| pattern.split_once('*'))
            .map(|(prefix, suffix)| OriginPattern { prefix, suffix })
    }
}

/// Which request headers a page may send (the `headers` key).
#[derive(Debug)]
pub enum AllowedHeaders {
    /// No `headers` key: only CORS-safelisted request headers.
    None,
    /// Named headers: read them with [`names`](Self::names).
    List {
        /// The names as written, joined with `, `: the value of `Access-Control-Allow-Headers`.
        allow_headers: &'static str,
    },
    /// `headers = ["*"]`: any header but `Authorization`, unless it is listed beside the `*`.
    Any {
        /// Whether `Authorization` is listed beside the `*`.
        authorization: bool,
    },
}

impl AllowedHeaders {
    /// The named headers, as written; none without a `headers` key or for a `*`.
    pub fn names(&self) -> impl Iterator<Item = &'static str> {
        let names = match self {
            AllowedHeaders::List { allow_headers } => allow_headers,
            AllowedHeaders::None | AllowedHeaders::Any { .. } => "",
        };
        split_joined(names)
    }
}

impl Policy {
    /// The name of the handler that declared this policy.
    pub fn route(&self) -> &'static str {
        self.route
    }

    /// The named policy this route builds on (`#[cors(policy = NAME, ..)]`), if any. The other
    /// accessors give the effective policy, with the route's own keys merged in.
    pub fn named_policy(&self) -> Option<&'static str> {
        non_empty(self.named)
    }

    /// The paths of the handler's routing attribute, as written (a scope's prefix is not
    /// included); empty for a handler registered by hand.
    pub fn paths(&self) -> &'static [&'static str] {
        self.paths
    }

    /// The origins listed in `origins` (checked at compile time).
    pub fn origins(&self) -> &AllowedOrigins {
        &self.origins
    }

    /// The `origins_env` source, if any: its variable and, once read, its entries.
    pub fn origins_env(&self) -> Option<&EnvOrigins> {
        self.runtime_origins.env.as_ref()
    }

    /// The `origin_fn` predicate, if any.
    pub fn origin_fn(&self) -> Option<&OriginFn> {
        self.runtime_origins.check.as_ref()
    }

    /// Reads `origins_env` the first time the policy is put to use; panics, naming the
    /// variable, the entry and the rule, when the variable holds a bad entry, or is missing on a
    /// route without static `origins`. Called when a `Cors` middleware is built, that is while
    /// the app is built, so a bad configuration stops the server before it serves a request.
    pub(crate) fn prepare(&self) {
        if let Some(env) = self.origins_env() {
            if let Err(problem) = env.resolve(self.route, &self.origins) {
                panic!("{problem}");
            }
        }
    }

    /// Every allowed origin as written in the policy: exact origins, patterns such as
    /// `https://*.example.com`, or `*`; then the entries read from `origins_env` (or
    /// `$VAR (not read yet)`), then `origin_fn <path> (in <module>)`, naming the module where the
    /// function's path was resolved.
    pub fn origin_list(&self) -> impl Iterator<Item = String> + '_ {
        let any = matches!(self.origins, AllowedOrigins::Any).then(|| "*".to_owned());
        let exact = any
            .into_iter()
            .chain(self.origins.exact().map(str::to_owned));
        let env = self
            .origins_env()
            .into_iter()
            .flat_map(|env| match env.origins() {
                Some(origins) => origins.into_iter().map(str::to_owned).collect(),
                None => vec![format!("${} (not read yet)", env.var())],
            });
        let function = self
            .origin_fn()
            .into_iter()
            .map(|f| format!("origin_fn {} (in {})", f.name, f.resolved_in));
        exact
            .chain(self.origins.patterns().map(|pattern| pattern.to_string()))
            .chain(env)
            .chain(function)
    }

    /// The methods a page may use cross-origin, in the policy's order.
    pub fn methods(&self) -> impl Iterator<Item = &'static str> {
        split_joined(self.allow_methods)
    }

    /// The request headers a page may send.
    pub fn headers(&self) -> &AllowedHeaders {
        &self.headers
    }

    /// The response headers a page may read beyond the safelisted ones (`*` for all).
    pub fn expose_headers(&self) -> Option<&'static str> {
        non_empty(self.expose_headers)
    }

    /// Whether pages may send cookies and `Authorization` and read the answer.
    pub fn credentials(&self) -> bool {
        self.credentials
    }

    /// How long, in seconds, a browser may cache a preflight answer.
    pub fn max_age(&self) -> Option<u32> {
        non_empty(self.max_age).and_then(|seconds| seconds.parse().ok())
    }

    /// Whether preflights asking for private network access are granted.
    pub fn private_network(&self) -> bool {
        self.private_network
    }

    /// Whether a cross-origin actual request from a disallowed origin is answered `403` before
    /// the handler runs (`on_mismatch = "reject"`), rather than passed through without CORS
    /// headers.
    pub fn rejects_mismatch(&self) -> bool {
        self.reject_mismatch
    }

    /// Whether the answer depends on the request's `Origin`, in which case caches must be told
    /// with `Vary: Origin`. A `*` policy answers every origin alike.
    pub(crate) fn varies_by_origin(&self) -> bool {
        !matches!(self.origins, AllowedOrigins::Any)
    }
}

/// The entries of a list the macro joined with `, ` (see [`Policy`]); none for an empty one.
pub(crate) fn split_joined(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.split(',')
        .map(|entry| entry.trim_start_matches(' '))
        .filter(|entry| !entry.is_empty())
}

/// The optional strings of a policy are empty when absent (see [`Policy`]).
pub(crate) fn non_empty(value: &'static str) -> Option<&'static str> {
    (!value.is_empty()).then_some(value)
}

/// One line for an audit listing: handler, methods, paths, and every key that is set.
///
/// `create_item POST /items: origins https://app.example.com; headers Content-Type; credentials;
/// max_age 600`
impl std::fmt::Display for Policy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {}",
            self.route,
            self.allow_methods.replace(", ", ",")
        )?;
        if !self.paths.is_empty() {
            write!(f, " {}", self.paths.join(" "))?;
        }
        if let Some(named) = self.named_policy() {
            write!(f, " (policy {named})")?;
        }
        write!(
            f,
            ": origins {}",
            self.origin_list().collect::<Vec<_>>().join(", ")
        )?;
        match &self.headers {
            AllowedHeaders::None => {}
            AllowedHeaders::List { allow_headers } => write!(f, "; headers {allow_headers}")?,
            AllowedHeaders::Any { authorization } => write!(
                f,
                "; headers *{}",
                if *authorization {
                    ", Authorization"
                } else {
                    ""
                }
            )?,
        }
        if let Some(expose) = self.expose_headers() {
            write!(f, "; expose {expose}")?;
        }
        if self.credentials {
            f.write_str("; credentials")?;
        }
        if let Some(max_age) = non_empty(self.max_age) {
            write!(f, "; max_age {max_age}")?;
        }
        if self.private_network {
            f.write_str("; private_network")?;
        }
        if self.reject_mismatch {
            f.write_str("; on_mismatch reject")?;
        }
        Ok(())
    }
}
