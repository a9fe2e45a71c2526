//! `on_mismatch = "reject"`: a cross-origin actual request from an origin the policy does not
//! allow gets `403` before the handler runs. The CORS protocol itself lets such requests through
//! (it only hides the answer from the page), which leaves cross-site form posts reaching the
//! handler; this closes that door for routes that ask for it. Same-origin requests must pass
//! (`decision::same_origin` tells them apart).

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderName, ORIGIN, VARY};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::decision::same_origin;
use crate::headers::VARY_ORIGIN;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Did the browser send this request from the server's own origin (or did the user start it)?
/// The server's own origin is read (`ConnectionInfo`: scheme and `Host`, or `Forwarded` behind a
/// proxy) only when the browser did not say.
pub(crate) fn is_same_origin(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    let site = headers.get(SEC_FETCH_SITE).map(|site| site.as_bytes());
    let origin = headers.get(ORIGIN).map(|origin| origin.as_bytes());
    if site.is_some() || origin.is_none() {
        return same_origin::is_same_origin(site, origin, "", "");
    }
    let info = req.connection_info();
    same_origin::is_same_origin(site, origin, info.scheme(), info.host())
}

/// The answer to a rejected request: `403`, no CORS headers, and `Vary: Origin` because an allowed
/// origin gets another answer.
pub(crate) fn rejected() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, VARY_ORIGIN.clone());
    response
}
