//! Decorating the response to an actual (non-preflight) request: whatever the handler returned,
//! errors included, gets the CORS headers its origin earned, and `Vary: Origin` whenever the
//! answer depends on the origin.

use actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS,
};

use crate::origin::OriginVerdict;
use crate::policy::Policy;
use crate::vary::append_vary;

/// Adds the CORS response headers for `verdict` to `headers`. Values are static or the request's
/// own (reference-counted) origin, so nothing is allocated beyond the header map's own growth.
pub(crate) fn decorate(policy: &Policy, verdict: OriginVerdict, headers: &mut HeaderMap) {
    let allow_origin = verdict.into_allow_origin().ok();
    let granted = allow_origin.is_some();
    // The policy is the only authority on who may read the answer: a grant the handler wrote by
    // hand must not reach an origin, or carry credentials, that the policy did not declare.
    set_or_remove(headers, ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    let credentials = (granted && policy.credentials).then(|| HeaderValue::from_static("true"));
    set_or_remove(headers, ACCESS_CONTROL_ALLOW_CREDENTIALS, credentials);
    let expose = policy
        .expose_headers
        .filter(|_| granted)
        .map(HeaderValue::from_static);
    set_or_remove(headers, ACCESS_CONTROL_EXPOSE_HEADERS, expose);
    if policy.varies_by_origin() {
        append_vary(headers, "Origin");
    }
}

fn set_or_remove(headers: &mut HeaderMap, name: HeaderName, value: Option<HeaderValue>) {
    match value {
        Some(value) => {
            headers.insert(name, value);
        }
        None if headers.contains_key(&name) => {
            headers.remove(name);
        }
        None => {}
    }
}
