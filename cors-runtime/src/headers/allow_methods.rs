//! `Access-Control-Allow-Methods` (the `methods` key). Which methods a preflight may announce is
//! `decision::preflight::MethodRule`'s to say.

use actix_web::http::header::HeaderValue;
use cors_rules::stored::JoinedNames;

/// The methods a page may use cross-origin, as the header lists them.
#[derive(Debug)]
pub(crate) struct AllowMethods(HeaderValue);

impl AllowMethods {
    pub(crate) fn new(stored: &'static str) -> Self {
        AllowMethods(HeaderValue::from_static(
            JoinedNames::new(stored).header_value(),
        ))
    }

    pub(crate) fn to_header(&self) -> HeaderValue {
        self.0.clone()
    }
}
