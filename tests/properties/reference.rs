//! A reference model, written from the Fetch Standard without looking at the runtime: what a
//! policy permits, and what a browser concludes from a response. The property tests hold the
//! runtime's answers against it.

/// A policy, as plain data.
#[derive(Debug, Clone)]
pub struct RefPolicy {
    /// `None`: `origins = ["*"]`.
    pub origins: Option<RefOrigins>,
    pub methods: Vec<String>,
    pub headers: RefHeaders,
    pub credentials: bool,
    pub private_network: bool,
}

#[derive(Debug, Clone)]
pub struct RefOrigins {
    pub exact: Vec<String>,
    /// Patterns as written: `https://*.example.com:8443`.
    pub patterns: Vec<String>,
}

#[derive(Debug, Clone)]
pub enum RefHeaders {
    None,
    List(Vec<String>),
    Any { authorization: bool },
}

/// Does the policy let `origin` (the raw bytes of the request's one `Origin` header) read?
pub fn origin_allowed(policy: &RefPolicy, origin: &[u8]) -> bool {
    let Some(origins) = &policy.origins else {
        return true;
    };
    origins.exact.iter().any(|exact| exact.as_bytes() == origin)
        || origins
            .patterns
            .iter()
            .any(|pattern| pattern_matches(pattern, origin))
}

/// `scheme://*.rest` matches `scheme://<label>.rest` where `<label>` is exactly one DNS label in
/// the lowercase form a browser serializes: 1 to 63 of `a-z`, `0-9`, `-`, not starting or ending
/// with `-`, and, for an `xn--` label, punycode a browser could have written.
fn pattern_matches(pattern: &str, origin: &[u8]) -> bool {
    let (scheme, rest) = pattern.split_once("://*.").expect("a pattern");
    let Some(after_scheme) = origin.strip_prefix(format!("{scheme}://").as_bytes()) else {
        return false;
    };
    let Some(dot) = after_scheme.iter().position(|&b| b == b'.') else {
        return false;
    };
    let (label, tail) = (&after_scheme[..dot], &after_scheme[dot + 1..]);
    tail == rest.as_bytes() && is_dns_label(label)
}

fn is_dns_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && label[0] != b'-'
        && label[label.len() - 1] != b'-'
        && (!label.starts_with(b"xn--") || is_browser_punycode(label))
}

/// Whether punycode decodes to a name a browser writes this way is RFC 3492 and UTS 46, not CORS:
/// the model takes it from `cors_rules`, whose unit tests pin it to the RFC's vectors, and asks
/// it about the label alone (as the host of an origin of its own).
fn is_browser_punycode(label: &[u8]) -> bool {
    std::str::from_utf8(label)
        .is_ok_and(|label| cors_rules::is_serialized_origin(&format!("http://{label}")))
}

/// RFC 9110 token characters.
fn is_token(name: &[u8]) -> bool {
    !name.is_empty()
        && name
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// A preflight as the server receives it.
#[derive(Debug, Clone)]
pub struct RefPreflight {
    pub origin: Vec<u8>,
    pub method: Vec<u8>,
    /// `Access-Control-Request-Headers`, raw, if sent.
    pub request_headers: Option<Vec<u8>>,
    pub private_network: bool,
}

/// Does the policy allow this preflight? The origin as above, the method byte for byte (Fetch
/// normalizes only six method names, so `patch` is not `PATCH`), every requested header name
/// (comma-separated, spaces and tabs trimmed, empty entries ignored) a token that the policy
/// allows case-insensitively, with `*` never covering `Authorization`, and private network access
/// only when enabled.
pub fn preflight_allowed(policy: &RefPolicy, preflight: &RefPreflight) -> bool {
    origin_allowed(policy, &preflight.origin)
        && policy
            .methods
            .iter()
            .any(|m| m.as_bytes() == preflight.method)
        && requested_names(preflight.request_headers.as_deref().unwrap_or_default())
            .iter()
            .all(|name| header_allowed(&policy.headers, name))
        && (!preflight.private_network || policy.private_network)
}

/// Is a refused preflight answered `204` with the policy's lists, for the browser to refuse by
/// itself (naming the method or header at fault), rather than a bare `403`? Only for an allowed
/// origin, and only when every part the policy refuses is one every browser checks against those
/// lists: a well-formed method other than `GET`, `HEAD` and `POST` (which browsers send whatever
/// the list says) that the list does not name in another case (some browsers uppercase it), a
/// well-formed header name when the policy lists names (Chromium still lets a `*` cover
/// `Authorization`). Never private network access (Chromium's warning modes go on without it).
pub fn preflight_refusal_is_readable(policy: &RefPolicy, preflight: &RefPreflight) -> bool {
    if !origin_allowed(policy, &preflight.origin) || preflight_allowed(policy, preflight) {
        return false;
    }
    let method = &preflight.method;
    let method_allowed = policy.methods.iter().any(|m| m.as_bytes() == method);
    let sent_regardless = [&b"GET"[..], b"HEAD", b"POST"]
        .iter()
        .any(|safelisted| safelisted.eq_ignore_ascii_case(method));
    let listed_in_another_case = policy
        .methods
        .iter()
        .any(|m| m.as_bytes().eq_ignore_ascii_case(method));
    let method_readable =
        method_allowed || (is_token(method) && !sent_regardless && !listed_in_another_case);
    let names_listed = !matches!(policy.headers, RefHeaders::Any { .. });
    let headers_readable =
        requested_names(preflight.request_headers.as_deref().unwrap_or_default())
            .iter()
            .all(|name| header_allowed(&policy.headers, name) || (names_listed && is_token(name)));
    let private_network_readable = !preflight.private_network || policy.private_network;
    method_readable && headers_readable && private_network_readable
}

fn requested_names(value: &[u8]) -> Vec<&[u8]> {
    value
        .split(|&b| b == b',')
        .map(|name| {
            let start = name.iter().position(|&b| b != b' ' && b != b'\t');
            let end = name.iter().rposition(|&b| b != b' ' && b != b'\t');
            match (start, end) {
                (Some(start), Some(end)) => &name[start..=end],
                _ => &name[..0],
            }
        })
        .filter(|name| !name.is_empty())
        .collect()
}

fn header_allowed(headers: &RefHeaders, name: &[u8]) -> bool {
    if !is_token(name) {
        return false;
    }
    match headers {
        RefHeaders::None => false,
        RefHeaders::List(list) => list.iter().any(|h| h.as_bytes().eq_ignore_ascii_case(name)),
        RefHeaders::Any { authorization } => {
            *authorization || !name.eq_ignore_ascii_case(b"authorization")
        }
    }
}

/// The response headers a browser looks at, as received.
#[derive(Debug, Default)]
pub struct Received {
    pub status: u16,
    pub allow_origin: Option<Vec<u8>>,
    pub allow_credentials: Option<Vec<u8>>,
    pub allow_methods: Option<Vec<u8>>,
    pub allow_headers: Option<Vec<u8>>,
    pub allow_private_network: Option<Vec<u8>>,
}

/// Fetch Standard, "CORS check": may a page on `origin` read this response?
pub fn cors_check(received: &Received, origin: &[u8], include_credentials: bool) -> bool {
    let Some(allow_origin) = &received.allow_origin else {
        return false;
    };
    if allow_origin == b"*" && !include_credentials {
        return true;
    }
    if allow_origin != origin {
        return false;
    }
    !include_credentials || received.allow_credentials.as_deref() == Some(b"true")
}

/// Fetch Standard, "CORS-preflight fetch": does the browser go on to send the actual request?
/// `request_headers` are the names the page set, lowercase, as the browser would list them.
pub fn preflight_passes(
    received: &Received,
    origin: &[u8],
    method: &[u8],
    request_headers: &[Vec<u8>],
    include_credentials: bool,
    private_network: bool,
) -> bool {
    if !(200..300).contains(&received.status) || !cors_check(received, origin, include_credentials)
    {
        return false;
    }
    let list = |value: &Option<Vec<u8>>| -> Vec<Vec<u8>> {
        requested_names(value.as_deref().unwrap_or_default())
            .into_iter()
            .map(<[u8]>::to_vec)
            .collect()
    };
    let methods = list(&received.allow_methods);
    let wildcard_methods = methods.iter().any(|m| m == b"*") && !include_credentials;
    let safelisted_method = [&b"GET"[..], b"HEAD", b"POST"].contains(&method);
    if !safelisted_method && !wildcard_methods && !methods.iter().any(|m| m == method) {
        return false;
    }
    let headers = list(&received.allow_headers);
    let wildcard_headers = headers.iter().any(|h| h == b"*") && !include_credentials;
    for name in request_headers {
        let listed = headers.iter().any(|h| h.eq_ignore_ascii_case(name));
        let by_wildcard = wildcard_headers && !name.eq_ignore_ascii_case(b"authorization");
        if !listed && !by_wildcard {
            return false;
        }
    }
    !private_network || received.allow_private_network.as_deref() == Some(b"true")
}
