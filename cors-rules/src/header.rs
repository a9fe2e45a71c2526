/// The wildcard that `headers`, `expose_headers` and `methods` accept as their only entry.
pub const WILDCARD: &str = "*";

/// Request headers a script can never set (Fetch Standard, "forbidden request-header"), so
/// allowing them cross-origin is meaningless. Compared case-insensitively.
const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Is `name` a header that `fetch()` never lets a page set?
///
/// ```
/// assert!(cors_rules::is_forbidden_request_header("Cookie"));
/// assert!(cors_rules::is_forbidden_request_header("Sec-Fetch-Mode"));
/// assert!(cors_rules::is_forbidden_request_header("proxy-authorization"));
/// assert!(!cors_rules::is_forbidden_request_header("Authorization"));
/// ```
pub fn is_forbidden_request_header(name: &str) -> bool {
    let starts_with = |prefix: &str| {
        name.len() >= prefix.len() && name[..prefix.len()].eq_ignore_ascii_case(prefix)
    };
    starts_with("proxy-")
        || starts_with("sec-")
        || FORBIDDEN_REQUEST_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
}

/// Is `name` a response header a page can never read (Fetch Standard, "forbidden
/// response-header name"), so exposing it is meaningless?
///
/// ```
/// assert!(cors_rules::is_forbidden_response_header("Set-Cookie"));
/// assert!(!cors_rules::is_forbidden_response_header("X-Request-Id"));
/// ```
pub fn is_forbidden_response_header(name: &str) -> bool {
    name.eq_ignore_ascii_case("set-cookie") || name.eq_ignore_ascii_case("set-cookie2")
}

/// Splits a header-name list such as `Access-Control-Request-Headers` into its names, the way
/// the Fetch Standard's "get, decode, and split" does: commas separate, spaces and tabs around each
/// name are dropped, empty entries are skipped. Allocates nothing.
///
/// Browsers send lowercase names joined by bare commas (`content-type,x-token`); other clients
/// add spaces. Validating each name (is it a token? is it allowed?) is the caller's job.
///
/// ```
/// let names: Vec<&[u8]> = cors_rules::header_names(b"content-type, x-token,,").collect();
/// assert_eq!(names, [&b"content-type"[..], &b"x-token"[..]]);
/// ```
pub fn header_names(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value
        .split(|&b| b == b',')
        .map(trim_whitespace)
        .filter(|name| !name.is_empty())
}

fn trim_whitespace(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = s {
        s = rest;
    }
    s
}
