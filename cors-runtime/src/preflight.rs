//! Answering a CORS preflight (Fetch Standard, "CORS-preflight request"): `204` with the policy's
//! headers when origin, method and every requested header are allowed, otherwise `403` with no
//! `Access-Control-*` header at all. Neither the handler nor its middleware runs, and nothing is
//! allocated to reach the decision.

use std::ops::ControlFlow;

use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::HttpResponse;

use crate::headers::{ALLOW_PRIVATE_NETWORK, PREFLIGHT_VARY};
use crate::prepared::Prepared;
use crate::refusal::{self, Outcome, Refusal};
use crate::single_header::single;

/// Is this request a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`?
/// Any other `OPTIONS` request is the application's business.
pub(crate) fn is_preflight(head: &RequestHead) -> bool {
    head.method == Method::OPTIONS
        && head.headers.contains_key(ORIGIN)
        && head.headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// Answers a preflight request under `prepared`'s policy.
pub(crate) fn respond(prepared: &Prepared, request: ServiceRequest) -> ServiceResponse {
    let response = match decide(prepared, request.headers()) {
        Ok(allow_origin) => allowed(prepared, request.headers(), allow_origin),
        Err(first) => {
            if refusal::log_enabled() {
                let reasons = every_refusal(prepared, request.headers(), first);
                refusal::log(
                    prepared.route,
                    Outcome::PreflightRefused,
                    request.head(),
                    &reasons,
                );
            }
            refused()
        }
    };
    request.into_response(response)
}

/// The whole decision, without building anything: the value of `Access-Control-Allow-Origin`,
/// or the first reason the preflight is refused.
fn decide<'a>(prepared: &Prepared, headers: &'a HeaderMap) -> Result<HeaderValue, Refusal<'a>> {
    let allow_origin = &prepared.allow_origin;
    let allow_origin = allow_origin.to_header(allow_origin.judge(headers))?;
    match check_request(prepared, headers, ControlFlow::Break) {
        ControlFlow::Break(reason) => Err(reason),
        ControlFlow::Continue(()) => Ok(allow_origin),
    }
}

/// Every reason a refused preflight breaks the policy, for the log, so that one round of fixes
/// covers them all: the method and each header at fault. A refused origin stands alone, since
/// nothing else of the policy applies to an origin it does not allow.
fn every_refusal<'a>(
    prepared: &Prepared,
    headers: &'a HeaderMap,
    first: Refusal<'a>,
) -> Vec<Refusal<'a>> {
    if first.is_about_origin() {
        return vec![first];
    }
    let mut reasons = Vec::new();
    // Never breaks: every rule is walked.
    let _ = check_request(prepared, headers, |reason| {
        reasons.push(reason);
        ControlFlow::Continue(())
    });
    reasons
}

/// The rules an allowed origin's preflight must still pass, in order: its method, each header it
/// asks for, private network access. Each broken rule goes to `refused`, which says whether to go
/// on (breaking with it): the decision stops at the first, the log wants them all, and both walk
/// this one list.
fn check_request<'a>(
    prepared: &Prepared,
    headers: &'a HeaderMap,
    mut refused: impl FnMut(Refusal<'a>) -> ControlFlow<Refusal<'a>>,
) -> ControlFlow<Refusal<'a>> {
    match single(headers, &ACCESS_CONTROL_REQUEST_METHOD) {
        Ok(Some(method)) if prepared.allow_methods.allows(method.as_bytes()) => {}
        Ok(Some(method)) => refused(Refusal::MethodNotAllowed(method.as_bytes()))?,
        Ok(None) | Err(()) => refused(Refusal::RequestMethodMissing)?,
    }
    for value in headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS) {
        for name in cors_rules::header_names(value.as_bytes()) {
            if !prepared.allow_headers.allows(name) {
                refused(Refusal::HeaderNotAllowed(name))?;
            }
        }
    }
    if prepared.allow_private_network.refuses(headers) {
        refused(Refusal::PrivateNetworkNotEnabled)?;
    }
    ControlFlow::Continue(())
}

/// The response is new, so each header is appended: `insert` would also look for old values to
/// move out and return, and there are none.
fn allowed(prepared: &Prepared, request: &HeaderMap, allow_origin: HeaderValue) -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.append(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.append(
        ACCESS_CONTROL_ALLOW_METHODS,
        prepared.allow_methods.to_header(),
    );
    if let Some(allow_headers) = prepared.allow_headers.to_header() {
        headers.append(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    }
    if let Some(credentials) = prepared.allow_credentials.to_header() {
        headers.append(ACCESS_CONTROL_ALLOW_CREDENTIALS, credentials);
    }
    if let Some(max_age) = prepared.max_age.to_header() {
        headers.append(ACCESS_CONTROL_MAX_AGE, max_age);
    }
    if let Some(private_network) = prepared.allow_private_network.to_header(request) {
        headers.append(ALLOW_PRIVATE_NETWORK, private_network);
    }
    headers.append(VARY, PREFLIGHT_VARY.clone());
    response
}

fn refused() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, PREFLIGHT_VARY.clone());
    response
}
