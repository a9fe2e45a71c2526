//! `Access-Control-Max-Age` (the `max_age` key).

use actix_web::http::header::HeaderValue;

use super::stored_value;

/// How long a browser may cache a preflight answer.
#[derive(Debug)]
pub(crate) struct MaxAge(Option<HeaderValue>);

impl MaxAge {
    /// `stored` is the header's value itself, or empty.
    pub(crate) fn new(stored: &'static str) -> Self {
        MaxAge(stored_value(stored))
    }

    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.0.clone()
    }
}
