//! `Access-Control-Expose-Headers` (the `expose_headers` key).

use actix_web::http::header::HeaderValue;

use super::stored_value;

/// The response headers a page may read beyond the safelisted ones.
#[derive(Debug)]
pub(crate) struct ExposeHeaders(Option<HeaderValue>);

impl ExposeHeaders {
    /// `stored` is the header's value itself (`*` or the names joined), or empty.
    pub(crate) fn new(stored: &'static str) -> Self {
        ExposeHeaders(stored_value(stored))
    }

    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.0.clone()
    }
}
