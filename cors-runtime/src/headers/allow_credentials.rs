//! `Access-Control-Allow-Credentials` (the `credentials` key).

use actix_web::http::header::HeaderValue;

use super::TRUE;

/// Whether pages may send cookies and `Authorization` and read the answer.
#[derive(Debug)]
pub(crate) struct AllowCredentials(bool);

impl AllowCredentials {
    pub(crate) fn new(credentials: bool) -> Self {
        AllowCredentials(credentials)
    }

    /// `true` when the policy allows credentials; never anything else, as the protocol knows no
    /// other value.
    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.0.then(|| TRUE.clone())
    }
}
