//! Reading what the CORS protocol reads off a request: a header it reads as one value (`Origin`,
//! `Access-Control-Request-Method`), which sent twice is not guessed at, and what a preflight asks
//! for, for `decision::preflight`.

use actix_web::http::header::{
    HeaderMap, HeaderName, HeaderValue, ACCESS_CONTROL_REQUEST_HEADERS,
    ACCESS_CONTROL_REQUEST_METHOD,
};

use crate::decision::preflight::{PreflightRequest, Single};

/// The header's value when it is sent exactly once; `Err(())` when it is sent more than once.
pub(crate) fn single<'a>(
    headers: &'a HeaderMap,
    name: &HeaderName,
) -> Result<Option<&'a HeaderValue>, ()> {
    let mut values = headers.get_all(name);
    let Some(first) = values.next() else {
        return Ok(None);
    };
    match values.next() {
        None => Ok(Some(first)),
        Some(_) => Err(()),
    }
}

impl PreflightRequest for HeaderMap {
    fn request_method(&self) -> Single<'_> {
        match single(self, &ACCESS_CONTROL_REQUEST_METHOD) {
            Ok(Some(method)) => Single::One(method.as_bytes()),
            Ok(None) => Single::Missing,
            Err(()) => Single::Repeated,
        }
    }

    fn request_headers(&self) -> impl Iterator<Item = &[u8]> {
        self.get_all(ACCESS_CONTROL_REQUEST_HEADERS)
            .map(HeaderValue::as_bytes)
    }

    fn asks_private_network(&self) -> bool {
        super::asks_private_network(self)
    }
}
