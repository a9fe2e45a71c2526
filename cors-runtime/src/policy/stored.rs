//! A route's policy as the `#[cors]` macro stores it: a `static` of plain data, which only
//! generated code writes and only this crate reads. Its next stages are
//! [`PreparedPolicy`](super::prepared::PreparedPolicy) (once per worker) and
//! [`Policy`](crate::Policy) (the view users read).

use crate::origin_fn::cache::CacheBounds;
use crate::origin_fn::stored::StoredOriginFn;
use crate::policy::env_origins::EnvOrigins;

/// The policy of one annotated handler as the `#[cors]` macro stores it: a `static` of plain
/// data, built from literals it has validated, in the encoding `cors_rules::stored` owns. Only
/// generated code writes one and only this crate reads its fields; users read a [`Policy`](crate::Policy).
///
/// Its fields are shaped for the compiler as much as for the reader: an application has one such
/// `static` per route, and its build pays for every part of it. Each generic enum value
/// (`Option::Some(..)`, `None`) costs a round of type inference, and each nested slice a
/// constant of its own, so lists are joined strings and absent values are empty, and the rarely
/// used run-time origin sources sit behind one reference, shared by every policy that has none.
#[derive(Debug)]
pub struct StoredPolicy {
    /// The handler's name.
    pub route: &'static str,
    /// The named policy (`policy = NAME`) this route's policy builds on; empty if none.
    pub named: &'static str,
    /// The paths of the routing attribute, as written (without any scope prefix); empty for a
    /// handler registered by hand.
    pub paths: &'static [&'static str],
    /// `origins`: a [`JoinedOrigins`](cors_rules::stored::JoinedOrigins).
    pub origins: &'static str,
    /// `origins_env` and `origin_fn`, the sources of origins known only at run time.
    pub runtime_origins: &'static RuntimeOrigins,
    /// The methods a page may use cross-origin: a [`JoinedNames`](cors_rules::stored::JoinedNames).
    pub methods: &'static str,
    /// `headers`: an [`AllowedHeaders`](cors_rules::stored::AllowedHeaders) in its stored form.
    pub headers: &'static str,
    /// `expose_headers`: the value of `Access-Control-Expose-Headers`; empty if none.
    pub expose_headers: &'static str,
    /// `credentials = true`.
    pub credentials: bool,
    /// `max_age`, as `cors_rules::stored::store_max_age` stores it: the header value, or empty.
    pub max_age: &'static str,
    /// `private_network = true`.
    pub private_network: bool,
    /// `on_mismatch = "reject"`.
    pub reject_mismatch: bool,
}

/// A policy's sources of origins known only at run time, `origins_env` and `origin_fn`, as
/// generated code stores them. Most policies have neither and share one empty `static`;
/// generated code gives a policy that has one a `static` of its own, since the environment's
/// origins are read once, into it.
#[derive(Debug)]
pub struct RuntimeOrigins {
    /// `origins_env = "VAR"`: more origins, read from the environment when the app is built.
    pub env: Option<EnvOrigins>,
    /// `origin_fn = path`: decides origins that no list names.
    pub check: Option<StoredOriginFn>,
    /// `origin_fn_ttl` and `origin_fn_cache_size`: how the function's answers are kept.
    pub cache: CacheBounds,
    /// `origin_fn_timeout`: the seconds a request waits for an `async` function's answer; `0`
    /// without `origin_fn`.
    pub timeout_secs: u32,
}
