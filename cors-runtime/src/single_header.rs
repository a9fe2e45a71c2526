//! A request header the CORS protocol reads as one value (`Origin`,
//! `Access-Control-Request-Method`): sent twice, it is not guessed at.

use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};

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
