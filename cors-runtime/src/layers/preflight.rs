//! Answering a CORS preflight as an actix-web response: the decision is
//! `decision::preflight`'s; this reads the request for it, logs a refusal, and builds the `204`
//! with the policy's headers or the bare `403`. Neither the handler nor its middleware runs, and
//! nothing is allocated to reach the decision.

use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::HttpResponse;

use super::log;
use crate::decision::preflight::{self as decision, PreflightVerdict};
use crate::decision::refusal::Outcome;
use crate::headers::{OriginVerdict, ALLOW_PRIVATE_NETWORK, PREFLIGHT_VARY};
use crate::policy::prepared::PreparedPolicy;

/// Is this request a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`?
/// Any other `OPTIONS` request is the application's business.
#[inline]
pub(crate) fn is_preflight(head: &RequestHead) -> bool {
    head.method == Method::OPTIONS
        && head.headers.contains_key(ORIGIN)
        && head.headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// Answers a preflight request under `policy`, its origin judged `verdict`.
pub(crate) fn respond(
    policy: &PreparedPolicy,
    request: ServiceRequest,
    verdict: OriginVerdict,
) -> ServiceResponse {
    let headers = request.headers();
    let answer = decision::decide(&policy.preflight, verdict.allowed(), headers);
    if let PreflightVerdict::ListsForTheBrowser(first) | PreflightVerdict::Refused(first) = answer {
        if log::enabled() {
            let reasons = decision::every_refusal(&policy.preflight, headers, first);
            let outcome = match answer {
                PreflightVerdict::ListsForTheBrowser(_) => Outcome::PreflightRefusedByTheBrowser,
                _ => Outcome::PreflightRefused,
            };
            log::log(policy.route, outcome, request.head(), &reasons);
        }
    }
    let response = match (answer, policy.allow_origin.to_header(verdict)) {
        (PreflightVerdict::Refused(_), _) | (_, Err(_)) => refused(),
        (_, Ok(allow_origin)) => granted(policy, headers, allow_origin),
    };
    request.into_response(response)
}

/// The response is new, so each header is appended: `insert` would also look for old values to
/// move out and return, and there are none.
fn granted(
    policy: &PreparedPolicy,
    request: &HeaderMap,
    allow_origin: HeaderValue,
) -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.append(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.append(
        ACCESS_CONTROL_ALLOW_METHODS,
        policy.allow_methods.to_header(),
    );
    if let Some(allow_headers) = policy.allow_headers.to_header() {
        headers.append(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers);
    }
    if let Some(credentials) = policy.allow_credentials.to_header() {
        headers.append(ACCESS_CONTROL_ALLOW_CREDENTIALS, credentials);
    }
    if let Some(max_age) = policy.max_age.to_header() {
        headers.append(ACCESS_CONTROL_MAX_AGE, max_age);
    }
    if let Some(private_network) = policy.allow_private_network.to_header(request) {
        headers.append(ALLOW_PRIVATE_NETWORK, private_network);
    }
    headers.append(VARY, PREFLIGHT_VARY.clone());
    response
}

/// The answer to a refused preflight: `403`, no `Access-Control-*` header, the preflight `Vary`.
pub(crate) fn refused() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, PREFLIGHT_VARY.clone());
    response
}
