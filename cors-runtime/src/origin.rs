//! Matching the request's `Origin` header against a policy: byte for byte, never lowercased,
//! trimmed, decoded or split (Fetch Standard, "CORS check").

use actix_web::http::header::{HeaderMap, HeaderValue, ORIGIN};

use crate::policy::AllowedOrigins;
use crate::prepared::Prepared;
use crate::refusal::Refusal;
use crate::single_header::single;

static ANY: HeaderValue = HeaderValue::from_static("*");

/// What the request's `Origin` means for a policy, kept until the response is decorated.
#[derive(Debug, Clone)]
pub(crate) enum OriginVerdict {
    /// A `*` policy: every response says `Access-Control-Allow-Origin: *`.
    Any,
    /// Listed exactly, at this index of the policy's exact origins: answered with the policy's
    /// own value, byte-equal to what the browser sent, so no copy of the request value is needed.
    Exact(usize),
    /// Matched a subdomain pattern, an `origins_env` entry or `origin_fn`: the request's value (a
    /// reference-counted clone).
    Reflected(HeaderValue),
    /// No `Origin`: a same-origin request or a non-browser client.
    Missing,
    /// Not allowed; the reason is for the debug log.
    Refused(Refusal<'static>),
}

impl OriginVerdict {
    /// The value of `Access-Control-Allow-Origin` this verdict earns, or why it earns none.
    pub(crate) fn into_allow_origin(
        self,
        prepared: &Prepared,
    ) -> Result<HeaderValue, Refusal<'static>> {
        match self {
            OriginVerdict::Any => Ok(ANY.clone()),
            OriginVerdict::Exact(index) => Ok(prepared.exact[index].clone()),
            OriginVerdict::Reflected(origin) => Ok(origin),
            OriginVerdict::Missing => Err(Refusal::NoOrigin),
            OriginVerdict::Refused(reason) => Err(reason),
        }
    }
}

/// Judges the request's `Origin` header. A value that is not exactly one of the listed origins or
/// one label under a listed pattern never matches, whatever bytes it holds; two `Origin` headers
/// are refused rather than guessing which one the browser meant.
pub(crate) fn judge(prepared: &Prepared, headers: &HeaderMap) -> OriginVerdict {
    let policy = prepared.policy;
    if let AllowedOrigins::Any = policy.origins {
        return OriginVerdict::Any;
    }
    let value = match single(headers, &ORIGIN) {
        Ok(Some(value)) => value,
        Ok(None) => return OriginVerdict::Missing,
        Err(()) => return OriginVerdict::Refused(Refusal::RepeatedOrigin),
    };
    let bytes = value.as_bytes();
    if let Some(index) = prepared
        .exact
        .iter()
        .position(|origin| origin.as_bytes() == bytes)
    {
        return OriginVerdict::Exact(index);
    }
    let matched = prepared
        .patterns
        .iter()
        .any(|pattern| pattern.matches(bytes))
        || policy.origins_env().is_some_and(|env| env.matches(bytes))
        || policy.origin_fn().is_some_and(|f| f.allows(bytes));
    if matched {
        return OriginVerdict::Reflected(value.clone());
    }
    OriginVerdict::Refused(Refusal::OriginNotListed)
}
