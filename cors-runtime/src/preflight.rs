//! Answering a CORS preflight (Fetch Standard, "CORS-preflight request"): `204` with the policy's
//! headers when origin, method and every requested header are allowed, and `403` with no
//! `Access-Control-*` header at all when the origin is not. Neither the handler nor its
//! middleware runs, and nothing is allocated to reach the decision.
//!
//! An allowed origin whose preflight asks for a method or a header the policy does not allow gets
//! the same `204` answer, which lists what the policy does allow: the browser then refuses the
//! request itself, and says in its console which method or header is missing from the list
//! ("Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response"), where a
//! bare `403` makes it say that no `Access-Control-Allow-Origin` header is present, and sends the
//! developer looking at the origin. The browser goes on only with what the lists name, so the
//! answer grants nothing the policy does not. Except where some browser would go on regardless
//! (see `the_browser_refuses_by_the_lists`): such a preflight, one asking for private network
//! access the policy does not enable, and one whose method or header names are malformed (no
//! browser sends them), still get the bare `403`.

use std::ops::ControlFlow;

use actix_web::dev::{RequestHead, ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    HeaderMap, HeaderValue, ACCESS_CONTROL_ALLOW_CREDENTIALS, ACCESS_CONTROL_ALLOW_HEADERS,
    ACCESS_CONTROL_ALLOW_METHODS, ACCESS_CONTROL_ALLOW_ORIGIN, ACCESS_CONTROL_MAX_AGE,
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN, VARY,
};
use actix_web::http::{Method, StatusCode};
use actix_web::HttpResponse;

use crate::headers::{OriginVerdict, ALLOW_PRIVATE_NETWORK, PREFLIGHT_VARY};
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

/// Answers a preflight request under `prepared`'s policy, its origin judged `verdict`.
pub(crate) fn respond(
    prepared: &Prepared,
    request: ServiceRequest,
    verdict: OriginVerdict,
) -> ServiceResponse {
    let headers = request.headers();
    let response = match decide(prepared, headers, verdict) {
        Ok(allow_origin) => allowed(prepared, headers, allow_origin),
        Err(Refused { first, lists_for }) => {
            if refusal::log_enabled() {
                let reasons = every_refusal(prepared, headers, first);
                let outcome = match lists_for {
                    Some(_) => Outcome::PreflightRefusedByTheBrowser,
                    None => Outcome::PreflightRefused,
                };
                refusal::log(prepared.route, outcome, request.head(), &reasons);
            }
            match lists_for {
                Some(allow_origin) => allowed(prepared, headers, allow_origin),
                None => refused(),
            }
        }
    };
    request.into_response(response)
}

/// A refused preflight: the first reason, and the value of `Access-Control-Allow-Origin` when
/// the answer is the policy's lists, for the browser to refuse by (see the module).
struct Refused<'a> {
    first: Refusal<'a>,
    lists_for: Option<HeaderValue>,
}

/// The whole decision, without building anything: the value of `Access-Control-Allow-Origin`,
/// or why the preflight is refused.
fn decide<'a>(
    prepared: &Prepared,
    headers: &'a HeaderMap,
    verdict: OriginVerdict,
) -> Result<HeaderValue, Refused<'a>> {
    let allow_origin = prepared
        .allow_origin
        .to_header(verdict)
        .map_err(|first| Refused {
            first,
            lists_for: None,
        })?;
    let mut first = None;
    let mut readable = true;
    let _ = check_request(prepared, headers, |reason| {
        readable = the_browser_refuses_by_the_lists(prepared, &reason);
        first.get_or_insert(reason);
        // Every reason must be one the browser names; the first that is not settles it.
        match readable {
            true => ControlFlow::Continue(()),
            false => ControlFlow::Break(reason),
        }
    });
    match first {
        None => Ok(allow_origin),
        Some(first) => Err(Refused {
            first,
            lists_for: readable.then_some(allow_origin),
        }),
    }
}

/// Does a browser that reads the policy's lists refuse the request by itself, naming what is
/// missing? A well-formed method it checks against `Access-Control-Allow-Methods`: any but `GET`,
/// `HEAD` and `POST`, which browsers send regardless, and any the list names in another case,
/// which some browsers uppercase before comparing. A well-formed header name it checks against
/// `Access-Control-Allow-Headers`, when that names every header it allows (not under `*`, which
/// Chromium still lets cover `Authorization`). Not private network access: Chromium's Private
/// Network Access warning modes go on without the grant.
fn the_browser_refuses_by_the_lists(prepared: &Prepared, reason: &Refusal<'_>) -> bool {
    match *reason {
        Refusal::MethodNotAllowed(method) => {
            let sent_regardless = [&b"GET"[..], b"HEAD", b"POST"]
                .iter()
                .any(|safelisted| safelisted.eq_ignore_ascii_case(method));
            cors_rules::is_token_bytes(method)
                && !sent_regardless
                && !prepared.allow_methods.lists_in_another_case(method)
        }
        Refusal::HeaderNotAllowed(name) => {
            prepared.allow_headers.browsers_refuse_the_unnamed() && cors_rules::is_token_bytes(name)
        }
        Refusal::PrivateNetworkNotEnabled
        | Refusal::NoOrigin
        | Refusal::RepeatedOrigin
        | Refusal::OriginNotListed
        | Refusal::OriginFnAppDataMissing
        | Refusal::OriginFnAppDataDiffers
        | Refusal::OriginFnTimedOut { .. }
        | Refusal::RequestMethodMissing => false,
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

/// The answer to a refused preflight: `403`, no `Access-Control-*` header, the preflight `Vary`.
pub(crate) fn refused() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, PREFLIGHT_VARY.clone());
    response
}
