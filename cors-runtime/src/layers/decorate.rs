//! Decorating the response to an actual (non-preflight) request: whatever the handler returned,
//! errors included, gets the CORS headers its origin earned, and `Vary: Origin` whenever the
//! answer depends on the origin.

use actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_EXPOSE_HEADERS, VARY,
};

use crate::headers::{append_vary, OriginVerdict, VARY_ORIGIN};
use crate::policy::prepared::PreparedPolicy;

/// Adds the CORS response headers for `verdict` to `headers`. Values are the policy's own, made
/// once, or the request's own (reference-counted) origin: nothing is allocated or checked again
/// here.
pub(crate) fn decorate(prepared: &PreparedPolicy, verdict: OriginVerdict, headers: &mut HeaderMap) {
    let allow_origin = prepared.allow_origin.to_header(verdict).ok();
    let granted = allow_origin.is_some();
    let present = HandlerWrote::scan(headers);
    // The policy is the only authority on who may read the answer: a grant the handler wrote by
    // hand must not reach an origin, or carry credentials, that the policy did not declare.
    set(
        headers,
        present.allow_origin,
        ACCESS_CONTROL_ALLOW_ORIGIN,
        allow_origin,
    );
    let credentials = granted
        .then(|| prepared.allow_credentials.to_header())
        .flatten();
    set(
        headers,
        present.allow_credentials,
        ACCESS_CONTROL_ALLOW_CREDENTIALS,
        credentials,
    );
    let expose = granted
        .then(|| prepared.expose_headers.to_header())
        .flatten();
    set(
        headers,
        present.expose_headers,
        ACCESS_CONTROL_EXPOSE_HEADERS,
        expose,
    );
    if present.stray {
        headers.retain(|name, _| !is_stray(name));
    }
    if prepared.allow_origin.varies_by_origin() {
        if present.vary {
            append_vary(headers, &VARY_ORIGIN);
        } else {
            headers.append(VARY, VARY_ORIGIN.clone());
        }
    }
}

/// Which of the headers `decorate` writes the handler has already set. Usually none: each is then
/// appended, one hash lookup, rather than inserted over an old value or looked up first (each
/// insert or lookup in actix-http's map is a hash, a probe and, for an insert, moving the old
/// values out to return them; one pass over the handful of names the response holds is cheaper
/// than four of them).
#[derive(Default)]
struct HandlerWrote {
    allow_origin: bool,
    allow_credentials: bool,
    expose_headers: bool,
    vary: bool,
    /// Any other `Access-Control-*` header (see [`is_stray`]).
    stray: bool,
}

impl HandlerWrote {
    fn scan(headers: &HeaderMap) -> Self {
        let mut wrote = HandlerWrote::default();
        for name in headers.keys() {
            if *name == ACCESS_CONTROL_ALLOW_ORIGIN {
                wrote.allow_origin = true;
            } else if *name == ACCESS_CONTROL_ALLOW_CREDENTIALS {
                wrote.allow_credentials = true;
            } else if *name == ACCESS_CONTROL_EXPOSE_HEADERS {
                wrote.expose_headers = true;
            } else if *name == VARY {
                wrote.vary = true;
            } else if is_stray(name) {
                wrote.stray = true;
            }
        }
        wrote
    }
}

/// An `Access-Control-*` header that has no place on the answer to an actual request
/// (`-Allow-Methods`, `-Allow-Headers`, `-Max-Age`, `-Allow-Private-Network`: preflight answers,
/// which the policy alone writes). The policy is the only source of CORS headers, so what the
/// handler or its middleware wrote by hand is removed rather than left to contradict it.
fn is_stray(name: &HeaderName) -> bool {
    name.as_str().starts_with("access-control-")
        && *name != ACCESS_CONTROL_ALLOW_ORIGIN
        && *name != ACCESS_CONTROL_ALLOW_CREDENTIALS
        && *name != ACCESS_CONTROL_EXPOSE_HEADERS
}

/// Makes `value` the only value of `name`, or removes `name` when there is no value to give.
fn set(headers: &mut HeaderMap, present: bool, name: HeaderName, value: Option<HeaderValue>) {
    match (value, present) {
        (Some(value), false) => headers.append(name, value),
        (Some(value), true) => {
            headers.insert(name, value);
        }
        (None, true) => {
            headers.remove(name);
        }
        (None, false) => {}
    }
}
