//! Private Network Access: Chromium asks with `Access-Control-Request-Private-Network: true`
//! before a public page may reach a private address, and proceeds only on the matching answer
//! (the `private_network` key).

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

use super::TRUE;

const REQUEST_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-request-private-network");
pub(crate) const ALLOW_PRIVATE_NETWORK: HeaderName =
    HeaderName::from_static("access-control-allow-private-network");

/// Whether the preflight asks for private network access: `true` is the one value the protocol
/// defines.
pub(crate) fn asks(request: &HeaderMap) -> bool {
    request
        .get(REQUEST_PRIVATE_NETWORK)
        .is_some_and(|value| value.as_bytes() == b"true")
}

/// Whether preflights asking for private network access are granted.
#[derive(Debug)]
pub(crate) struct AllowPrivateNetwork(bool);

impl AllowPrivateNetwork {
    pub(crate) fn new(private_network: bool) -> Self {
        AllowPrivateNetwork(private_network)
    }

    /// `true` when the preflight asked and the policy grants it.
    pub(crate) fn to_header(&self, request: &HeaderMap) -> Option<HeaderValue> {
        (self.0 && asks(request)).then(|| TRUE.clone())
    }
}
