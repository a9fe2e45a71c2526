//! One type per CORS response header, each made once per worker from the stored policy, each
//! giving its own header with a `to_header` method (the shape of tower-http's `cors` module), and
//! reading the request headers the protocol reads as one value (`request`). What a request earns
//! is decided from bytes, in `decision`; these turn a decision into header values.
//!
//! Values are made with `HeaderValue::from_static` here, when the app is built, because it checks
//! every byte: a request then copies a pointer and a length. Not made by the compiler, in the
//! `static` policy itself, though `from_static` is a `const fn`: evaluating any `const fn` for
//! every route's `static` makes an application's build slower, so the `static` stays plain data.

mod allow_credentials;
mod allow_headers;
mod allow_methods;
mod allow_origin;
mod allow_private_network;
mod expose_headers;
mod max_age;
pub(crate) mod request;
mod vary;

use actix_web::http::header::HeaderValue;

pub(crate) use allow_credentials::AllowCredentials;
pub(crate) use allow_headers::AllowHeaders;
pub(crate) use allow_methods::AllowMethods;
pub(crate) use allow_origin::{AllowOrigin, OriginVerdict};
pub(crate) use allow_private_network::{
    asks as asks_private_network, AllowPrivateNetwork, ALLOW_PRIVATE_NETWORK,
};
pub(crate) use expose_headers::ExposeHeaders;
pub(crate) use max_age::MaxAge;
pub(crate) use vary::{append_vary, PREFLIGHT_VARY, VARY_ORIGIN};

/// A header value the policy stores as it is sent (`expose_headers`, `max_age`), or none when
/// the stored string is empty.
fn stored_value(stored: &'static str) -> Option<HeaderValue> {
    (!stored.is_empty()).then(|| HeaderValue::from_static(stored))
}

/// `true`, the one value of `Access-Control-Allow-Credentials` and
/// `Access-Control-Allow-Private-Network`.
static TRUE: HeaderValue = HeaderValue::from_static("true");
