//! `Access-Control-Max-Age` (the `max_age` key).

use actix_web::http::header::HeaderValue;
use cors_rules::stored::stored_max_age;

/// How long a browser may cache a preflight answer.
#[derive(Debug)]
pub(crate) struct MaxAge(Option<HeaderValue>);

impl MaxAge {
    pub(crate) fn new(stored: u32) -> Self {
        MaxAge(stored_max_age(stored).map(HeaderValue::from))
    }

    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.0.clone()
    }
}
