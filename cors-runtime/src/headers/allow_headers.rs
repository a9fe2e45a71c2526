//! `Access-Control-Allow-Headers` (the `headers` key), and the check of a preflight's
//! `Access-Control-Request-Headers` against it.

use actix_web::http::header::HeaderValue;
use cors_rules::stored::AllowedHeaders;

/// The request headers a page may send.
#[derive(Debug)]
pub(crate) struct AllowHeaders {
    allowed: AllowedHeaders<'static>,
    /// The named headers, as written; none for a `*`.
    names: Box<[&'static str]>,
    value: Option<HeaderValue>,
}

impl AllowHeaders {
    pub(crate) fn new(stored: &'static str) -> Self {
        let allowed = AllowedHeaders::stored(stored);
        AllowHeaders {
            allowed,
            names: allowed.names().collect(),
            value: allowed.header_value().map(HeaderValue::from_static),
        }
    }

    /// Whether the answer names each allowed header (or none), so that a browser refuses any
    /// other: not so for `*`, which Chromium still lets cover `Authorization` despite the Fetch
    /// Standard (it only warns), so refusing `Authorization` under `*` is this crate's to do.
    pub(crate) fn browsers_refuse_the_unnamed(&self) -> bool {
        !matches!(self.allowed, AllowedHeaders::Any { .. })
    }

    /// Is one requested header name allowed? Names compare case-insensitively; anything that is
    /// not a header name (a token) is refused. `*` never covers `Authorization` (Fetch Standard,
    /// "CORS non-wildcard request-header name").
    pub(crate) fn allows(&self, name: &[u8]) -> bool {
        cors_rules::is_token_bytes(name)
            && match self.allowed {
                AllowedHeaders::None => false,
                AllowedHeaders::List(_) => self
                    .names
                    .iter()
                    .any(|allowed| allowed.as_bytes().eq_ignore_ascii_case(name)),
                AllowedHeaders::Any { authorization } => {
                    authorization || !name.eq_ignore_ascii_case(b"authorization")
                }
            }
    }

    pub(crate) fn to_header(&self) -> Option<HeaderValue> {
        self.value.clone()
    }
}
