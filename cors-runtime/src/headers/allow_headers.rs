//! `Access-Control-Allow-Headers` (the `headers` key). Which headers a preflight may ask for is
//! `decision::preflight::HeaderRule`'s to say.

use actix_web::http::header::HeaderValue;
use cors_rules::stored::AllowedHeaders;

/// The request headers a page may send, as the header lists them.
#[derive(Debug)]
pub(crate) struct AllowHeaders(Option<HeaderValue>);

impl AllowHeaders {
    pub(crate) fn new(stored: &'static str) -> Self {
        let allowed = AllowedHeaders::stored(stored);
        AllowHeaders(allowed.header_value().map(HeaderValue::from_static))
    }

    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.0.clone()
    }
}
