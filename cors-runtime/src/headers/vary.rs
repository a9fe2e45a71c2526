//! `Vary`: tells caches which request headers an answer depends on, so that one origin's answer
//! is never replayed to another. Appended to what the handler set, never replacing it.

use actix_web::http::header::{HeaderMap, HeaderValue, VARY};

/// `Vary` of every preflight answer, allowed or refused: every request header that decides it,
/// `Access-Control-Request-Private-Network` included (it decides
/// `Access-Control-Allow-Private-Network`).
pub(crate) static PREFLIGHT_VARY: HeaderValue = HeaderValue::from_static(
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, \
     Access-Control-Request-Private-Network",
);

/// What an actual request's answer adds to `Vary` when it depends on the origin.
pub(crate) static VARY_ORIGIN: HeaderValue = HeaderValue::from_static("Origin");

/// Adds `name` to the response's `Vary` unless it is already there (names compare
/// case-insensitively) or `Vary: *` already covers everything.
pub(crate) fn append_vary(headers: &mut HeaderMap, name: &HeaderValue) {
    let covered = headers.get_all(VARY).any(|value| {
        value
            .as_bytes()
            .split(|&b| b == b',')
            .map(|entry| entry.trim_ascii())
            .any(|entry| entry == b"*" || entry.eq_ignore_ascii_case(name.as_bytes()))
    });
    if !covered {
        headers.append(VARY, name.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vary_of(existing: &[&'static str]) -> Vec<String> {
        let mut headers = HeaderMap::new();
        for value in existing {
            headers.append(VARY, HeaderValue::from_static(value));
        }
        append_vary(&mut headers, &VARY_ORIGIN);
        headers
            .get_all(VARY)
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    #[test]
    fn appends_without_losing_or_duplicating() {
        assert_eq!(vary_of(&[]), ["Origin"]);
        assert_eq!(vary_of(&["Accept-Encoding"]), ["Accept-Encoding", "Origin"]);
        assert_eq!(
            vary_of(&["Accept-Encoding, origin"]),
            ["Accept-Encoding, origin"]
        );
        assert_eq!(vary_of(&["Accept", "ORIGIN"]), ["Accept", "ORIGIN"]);
        assert_eq!(vary_of(&["*"]), ["*"]);
        assert_eq!(vary_of(&["Origin-Agent"]), ["Origin-Agent", "Origin"]);
    }
}
