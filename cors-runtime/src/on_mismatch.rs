//! `on_mismatch = "reject"`: a cross-origin actual request from an origin the policy does not
//! allow gets `403` before the handler runs. The CORS protocol itself lets such requests through
//! (it only hides the answer from the page), which leaves cross-site form posts reaching the
//! handler; this closes that door for routes that ask for it.
//!
//! Same-origin requests carry `Origin` too (on `POST`, for example) and must pass. The browser's
//! `Sec-Fetch-Site` header says which they are where it is sent (all current browsers); without
//! it, the request's `Origin` is compared with the server's own origin as actix-web's
//! `ConnectionInfo` sees it (scheme and `Host`, or `Forwarded`/`X-Forwarded-*` behind a proxy).

use actix_web::dev::ServiceRequest;
use actix_web::http::header::{HeaderName, ORIGIN, VARY};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::headers::VARY_ORIGIN;

const SEC_FETCH_SITE: HeaderName = HeaderName::from_static("sec-fetch-site");

/// Did the browser send this request from the server's own origin (or did the user start it)?
pub(crate) fn is_same_origin(req: &ServiceRequest) -> bool {
    if let Some(site) = req.headers().get(SEC_FETCH_SITE) {
        // `none`: the user started it (typed the address, used a bookmark); `same-site` is a
        // sibling subdomain, which is another origin.
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = req.headers().get(ORIGIN) else {
        return true;
    };
    let info = req.connection_info();
    origin
        .as_bytes()
        .strip_prefix(info.scheme().as_bytes())
        .and_then(|rest| rest.strip_prefix(b"://"))
        .is_some_and(|host| host == info.host().as_bytes())
}

/// The answer to a rejected request: `403`, no CORS headers, and `Vary: Origin` because an allowed
/// origin gets another answer.
pub(crate) fn rejected() -> HttpResponse {
    let mut response = HttpResponse::new(StatusCode::FORBIDDEN);
    response.headers_mut().append(VARY, VARY_ORIGIN.clone());
    response
}
