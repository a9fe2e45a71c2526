//! `Access-Control-Allow-Methods` (the `methods` key), and the check of a preflight's
//! `Access-Control-Request-Method` against it.

use actix_web::http::header::HeaderValue;
use cors_rules::stored::JoinedNames;

/// The methods a page may use cross-origin.
#[derive(Debug)]
pub(crate) struct AllowMethods {
    names: Box<[&'static str]>,
    value: HeaderValue,
}

impl AllowMethods {
    pub(crate) fn new(stored: &'static str) -> Self {
        let methods = JoinedNames::new(stored);
        AllowMethods {
            names: methods.entries().collect(),
            value: HeaderValue::from_static(methods.header_value()),
        }
    }

    /// Is the requested method allowed? Byte-exact: a page's `fetch(url, { method: "patch" })`
    /// sends `patch`, which is not `PATCH` (Fetch Standard, "normalize a method" uppercases only
    /// DELETE, GET, HEAD, OPTIONS, POST, PUT).
    pub(crate) fn allows(&self, method: &[u8]) -> bool {
        self.names
            .iter()
            .any(|allowed| allowed.as_bytes() == method)
    }

    /// Does the list name `method` in another case (`PATCH` for `patch`)? Some browsers (older
    /// Chromium, and Chrome under an enterprise policy) uppercase a requested method before
    /// comparing it with the list, and would let `patch` through on `PATCH`.
    pub(crate) fn lists_in_another_case(&self, method: &[u8]) -> bool {
        self.names
            .iter()
            .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(method))
    }

    pub(crate) fn to_header(&self) -> HeaderValue {
        self.value.clone()
    }
}
