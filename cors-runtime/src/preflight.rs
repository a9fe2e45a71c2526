//! Answering a CORS preflight (Fetch Standard, "CORS-preflight request"): `204` with the policy's
//! headers when origin, method and every requested header are allowed, otherwise `403` with no
//! `Access-Control-*` header at all. Neither the handler nor its middleware runs, and nothing is
//! allocated to reach the decision.

use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS,
    ACCESS_CONTROL_ALLOW_HEADERS, ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN,
    ACCESS_CONTROL_MAX_AGE, ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
    VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::HttpResponse;

use crate::origin::judge;
use crate::policy::AllowedHeaders;
use crate::prepared::{Prepared, TRUE};
use crate::refusal::Refusal;
use crate::single_header::single;
use crate::vary::PREFLIGHT_VARY;

/// Private Network Access: Chromium asks with this header before a public page may reach a
/// private address, and proceeds only on the matching answer.
const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// Is this request a CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method`?
/// Any other `OPTIONS` request is the application's business.
pub(crate) fn is_preflight(head: &RequestHead) -> bool {
    head.method == Method::OPTIONS
        && head.headers.contains_key(ORIGIN)
        && head.headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD)
}

/// Answers a preflight request under `prepared`'s policy.
pub(crate) fn respond(prepared: &Prepared, request: ServiceRequest) -> ServiceResponse {
    let response = response_to(prepared, request.headers());
    request.into_response(response)
}

/// The response to a preflight under `prepared`'s policy.
fn response_to(prepared: &Prepared, headers: &HeaderMap) -> HttpResponse {
    let policy = prepared.policy;
    match decide(prepared, headers) {
        Ok(allow_origin) => allowed(prepared, headers, allow_origin),
        Err(reason) => {
            log::debug!(
                target: "cors_runtime",
                "{}: preflight refused: {reason} (Origin: {:?}, Access-Control-Request-Method: {:?}, \
                 Access-Control-Request-Headers: {:?})",
                policy.route,
                headers.get(ORIGIN),
                headers.get(ACCESS_CONTROL_REQUEST_METHOD),
                headers.get(ACCESS_CONTROL_REQUEST_HEADERS),
            );
            refused()
        }
    }
}

/// The whole decision, without building anything: the value of `Access-Control-Allow-Origin`,
/// or why the preflight is refused.
fn decide<'a>(prepared: &Prepared, headers: &'a HeaderMap) -> Result<HeaderValue, Refusal<'a>> {
    let policy = prepared.policy;
    let allow_origin = judge(prepared, headers).into_allow_origin(prepared)?;
    let method = single(headers, &ACCESS_CONTROL_REQUEST_METHOD)
        .ok()
        .flatten()
        .ok_or(Refusal::RequestMethodMissing)?;
    // Byte-exact: a page's `fetch(url, { method: "patch" })` sends `patch`, which is not `PATCH`
    // (Fetch Standard, "normalize a method" uppercases only DELETE, GET, HEAD, OPTIONS, POST, PUT).
    if !prepared
        .methods
        .iter()
        .any(|allowed| allowed.as_bytes() == method.as_bytes())
    {
        return Err(Refusal::MethodNotAllowed(method.as_bytes()));
    }
    for value in headers.get_all(ACCESS_CONTROL_REQUEST_HEADERS) {
        for name in cors_rules::header_names(value.as_bytes()) {
            if !header_allowed(prepared, name) {
                return Err(Refusal::HeaderNotAllowed(name));
            }
        }
    }
    if headers
        .get(REQUEST_PRIVATE_NETWORK)
        .is_some_and(|v| v.as_bytes() == b"true")
        && !policy.private_network
    {
        return Err(Refusal::PrivateNetworkNotEnabled);
    }
    Ok(allow_origin)
}

/// Is one requested header name allowed? Names compare case-insensitively; anything that is not a
/// header name (a token) is refused. `*` never covers `Authorization` (Fetch Standard, "CORS
/// non-wildcard request-header name").
fn header_allowed(prepared: &Prepared, name: &[u8]) -> bool {
    let is_token = std::str::from_utf8(name).is_ok_and(cors_rules::is_token);
    is_token
        && match prepared.policy.headers {
            AllowedHeaders::None => false,
            AllowedHeaders::List { .. } => prepared
                .header_names
                .iter()
                .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(name)),
            AllowedHeaders::Any { authorization } => {
                authorization || !name.eq_ignore_ascii_case(b"authorization")
            }
        }
}

/// The response is new, so each header is appended: `insert` would also look for old values to
/// move out and return, and there are none.
fn allowed(prepared: &Prepared, request: &HeaderMap, allow_origin: HeaderValue) -> HttpResponse {
    let policy = prepared.policy;
    let mut response = HttpResponse::new(StatusCode::NO_CONTENT);
    let headers = response.headers_mut();
    headers.append(ACCESS_CONTROL_ALLOW_ORIGIN, allow_origin);
    headers.append(ACCESS_CONTROL_ALLOW_METHODS, prepared.allow_methods.clone());
    if let Some(allow_headers) = &prepared.allow_headers {
        headers.append(ACCESS_CONTROL_ALLOW_HEADERS, allow_headers.clone());
    }
    if policy.credentials {
        headers.append(ACCESS_CONTROL_ALLOW_CREDENTIALS, TRUE.clone());
    }
    if let Some(max_age) = &prepared.max_age {
        headers.append(ACCESS_CONTROL_MAX_AGE, max_age.clone());
    }
    if policy.private_network && request.contains_key(REQUEST_PRIVATE_NETWORK) {
        headers.append(ALLOW_PRIVATE_NETWORK, TRUE.clone());
    }
    headers.append(VARY, PREFLIGHT_VARY.clone());
    response
}

fn refused() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, PREFLIGHT_VARY.clone());
    response
}
