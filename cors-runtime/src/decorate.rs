//! Decorating the response to an actual (non-preflight) request: whatever the handler returned,
//! errors included, gets the CORS headers its origin earned, and `Vary: Origin` whenever the
//! answer depends on the origin.

use actix_web::http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_EXPOSE_HEADERS,
};

use crate::origin::OriginVerdict;
use crate::policy::Policy;
use crate::vary::append_vary;

/// Adds the CORS response headers for `verdict` to `headers`. Values are static or the request's
/// own (reference-counted) origin, so nothing is allocated beyond the header map's own growth.
pub(crate) fn decorate(policy: &Policy, verdict: OriginVerdict, headers: &mut HeaderMap) {
    let allow_origin = match verdict {
        OriginVerdict::Any => Some(HeaderValue::from_static("*")),
        OriginVerdict::Exact(origin) => Some(HeaderValue::from_static(origin)),
        OriginVerdict::Pattern(origin) => Some(origin),
        OriginVerdict::Missing | OriginVerdict::Refused(_) => None,
    };
    match allow_origin {
        Some(allow_origin) => {
            headers.insert(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
            if policy.credentials {
                headers.insert(
                    ACCESS_CONTROL_ALLOW_CREDENTIALS,
                    HeaderValue::from_static("true"),
                );
            }
            if let Some(expose) = policy.expose_headers {
                headers.insert(
                    ACCESS_CONTROL_EXPOSE_HEADERS,
                    HeaderValue::from_static(expose),
                );
            }
        }
        // The policy is the only authority on who may read the answer: a grant the handler
        // wrote by hand must not reach an origin the policy refused.
        None => {
            for name in [
                ACCESS_CONTROL_ALLOW_ORIGIN,
                ACCESS_CONTROL_ALLOW_CREDENTIALS,
                ACCESS_CONTROL_EXPOSE_HEADERS,
            ] {
                if headers.contains_key(&name) {
                    headers.remove(name);
                }
            }
        }
    }
    if policy.varies_by_origin() {
        append_vary(headers, "Origin");
    }
}
