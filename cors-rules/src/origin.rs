//! Serialized origins: `scheme "://" host [ ":" port ]`, exactly as a browser writes the `Origin`
//! request header (Fetch Standard, "`Origin` header"; URL Standard, "serialization of an origin").

use crate::edit_distance::edit_distance;
use crate::host::{canonical_host, check_host};
use crate::Problem;

/// Schemes whose pages never send an origin a server could trust, each with the reason.
const REJECTED_SCHEMES: [(&str, &str); 8] = [
    ("file", "`file:` pages send `Origin: null`, never a file origin"),
    ("data", "`data:` documents have an opaque origin and send `Origin: null`"),
    ("blob", "`blob:` URLs inherit their creator's origin; list that origin instead"),
    ("javascript", "`javascript:` URLs run in the page's own origin; list that origin instead"),
    ("about", "`about:` pages inherit their creator's origin or send `Origin: null`"),
    ("ws", "WebSocket handshakes are not CORS requests; list the origin of the page that opens the socket"),
    ("wss", "WebSocket handshakes are not CORS requests; list the origin of the page that opens the socket"),
    ("ftp", "browsers no longer load `ftp:` pages, so none can make a request"),
];

/// Checks that `origin` is one serialized origin exactly as a browser sends it, so that comparing
/// it byte for byte with the request's `Origin` header is the right test.
///
/// Refused: empty strings, whitespace, comma-joined lists, `null`, missing or uppercase schemes,
/// schemes whose pages never send an origin (`file`, `data`, `blob`, `javascript`, `about`, `ws`,
/// `wss`, `ftp`), paths (even a lone `/`), queries, fragments, userinfo, uppercase or non-ASCII
/// hosts, trailing dots, non-canonical IP addresses, default ports, ports outside 1..=65535.
/// Custom app schemes that webviews and extensions send (`chrome-extension`, `tauri`, ...) pass.
///
/// ```
/// use cors_rules::check_origin;
///
/// assert!(check_origin("http://localhost:3000").is_ok());
/// assert!(check_origin("http://[::1]:8080").is_ok());
/// assert!(check_origin("tauri://localhost").is_ok());
///
/// let problem = check_origin("https://example.com:443").unwrap_err();
/// assert_eq!(problem.suggestion.as_deref(), Some("https://example.com"));
/// assert!(check_origin("null").is_err());
/// ```
pub fn check_origin(origin: &str) -> Result<(), Problem> {
    validate(origin).map_err(|message| {
        // `null` is refused on purpose: no spelling of it is what the user meant.
        let suggestion = (origin != "null").then(|| suggest_origin(origin)).flatten();
        Problem::new(message).suggest(suggestion)
    })
}

/// Is `origin` exactly a serialized origin as a browser sends it? The yes/no form of
/// [`check_origin`], for request values: no message or suggestion is built.
///
/// ```
/// assert!(cors_rules::is_serialized_origin("https://tenant-7.example.org"));
/// assert!(!cors_rules::is_serialized_origin("https://Tenant-7.example.org/"));
/// assert!(!cors_rules::is_serialized_origin("null"));
/// ```
pub fn is_serialized_origin(origin: &str) -> bool {
    is_plain_web_origin(origin) || validate(origin).is_ok()
}

/// The origins nearly every request carries, in one pass over the bytes: `http` or `https`, a
/// lowercase domain name of letters, digits and `-` whose last label starts with a letter (so no
/// IP address and no `xn--` label, which `validate` judges), and a port as browsers write it.
/// Every origin it accepts, `validate` accepts (see the tests); whatever it does not, `validate`
/// decides. `origin_fn` asks this on every request it judges, and the full rules cost several
/// times as much.
fn is_plain_web_origin(origin: &str) -> bool {
    let (rest, https) = match origin.strip_prefix("https://") {
        Some(rest) => (rest, true),
        None => match origin.strip_prefix("http://") {
            Some(rest) => (rest, false),
            None => return false,
        },
    };
    let (host, port) = match rest.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let port_ok = port.is_none_or(|port| is_web_port(port.as_bytes(), https));
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
            && !label.starts_with("xn--")
            && bytes
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    let last_starts_with_a_letter = host
        .rsplit('.')
        .next()
        .is_some_and(|last| last.as_bytes().first().is_some_and(u8::is_ascii_lowercase));
    port_ok && host.len() <= 253 && last_starts_with_a_letter && host.split('.').all(label_ok)
}

/// Is `port` one a browser writes in an `http` (or `https`) origin: a number in `1..=65535`, in
/// decimal without leading zeros, and not the scheme's default, which browsers leave out? The
/// yes-or-no form of what `check_port` explains, for matching requests.
pub(crate) fn is_web_port(port: &[u8], https: bool) -> bool {
    let default: u16 = if https { 443 } else { 80 };
    matches!(port, [b'1'..=b'9', ..])
        && port.len() <= 5
        && port.iter().all(u8::is_ascii_digit)
        && std::str::from_utf8(port)
            .ok()
            .and_then(|port| port.parse::<u16>().ok())
            .is_some_and(|number| number != default)
}

/// The serialized origin a browser would send for what the user probably meant, for error
/// messages: trimmed, `https://` added when no scheme is given, lowercased, without path, userinfo
/// or default port, with punycode and canonical IP addresses. `None` when no valid origin comes
/// out, or when `origin` is already valid.
///
/// ```
/// assert_eq!(
///     cors_rules::suggest_origin(" HTTPS://Bücher.example:443/shop ").as_deref(),
///     Some("https://xn--bcher-kva.example"),
/// );
/// ```
pub fn suggest_origin(origin: &str) -> Option<String> {
    let trimmed = origin.trim();
    let (scheme, rest) = match trimmed.split_once("://") {
        Some((scheme, rest)) => {
            let scheme = scheme.to_ascii_lowercase();
            let meant = mistyped_web_scheme(&scheme).map(str::to_owned);
            (meant.unwrap_or(scheme), rest)
        }
        None => match split_malformed_separator(trimmed) {
            Some((scheme, rest)) => (scheme.to_owned(), rest),
            None => (default_scheme(trimmed).to_owned(), trimmed),
        },
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = split_host_port(authority);
    let mut suggestion = format!("{scheme}://{}", canonical_host(host)?);
    if let Some(port) = port {
        let port = port.trim_start_matches('0');
        if !port.is_empty() && default_port(&scheme) != Some(port) {
            suggestion.push(':');
            suggestion.push_str(port);
        }
    }
    (suggestion != origin && validate(&suggestion).is_ok()).then_some(suggestion)
}

/// The first rule `origin` breaks, as a message; suggestions are added by the caller.
fn validate(origin: &str) -> Result<(), String> {
    if origin.is_empty() {
        return Err("is empty; an origin looks like `https://app.example.com`".into());
    }
    if origin == "null" {
        return Err(
            "is the origin of sandboxed iframes, `file:` pages and cross-site redirects \
                    on every site, so allowing it lets all of them in"
                .into(),
        );
    }
    if origin.contains(char::is_whitespace) {
        return Err("contains whitespace; browsers never send it in an origin".into());
    }
    if origin.contains(',') {
        return Err(
            "looks like several origins joined by `,`; write each origin as its own \
                    string in the list"
                .into(),
        );
    }
    let Some((scheme, rest)) = origin.split_once("://") else {
        if split_malformed_separator(origin).is_some() {
            return Err(
                "writes the `://` after the scheme wrongly; an origin starts with `https://` or \
                 `http://`"
                    .into(),
            );
        }
        return Err("has no scheme; an origin starts with `https://` or `http://`".into());
    };
    check_scheme(scheme)?;
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    if tail == "/" {
        return Err("ends with `/`; an origin has no path, not even a trailing slash".into());
    }
    if !tail.is_empty() {
        return Err(format!(
            "has a path, query or fragment (`{tail}`); an origin is only scheme, host and port"
        ));
    }
    if authority.contains('@') {
        return Err("has userinfo (`user@`); browsers never send credentials in an origin".into());
    }
    let (host, port) = split_host_port(authority);
    check_host(host)?;
    if let Some(port) = port {
        check_port(scheme, port)?;
    }
    Ok(())
}

fn check_scheme(scheme: &str) -> Result<(), String> {
    let mut chars = scheme.chars();
    let well_formed = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    if !well_formed {
        return Err(format!("has `{scheme}` where the scheme belongs"));
    }
    if scheme.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("has uppercase letters in the scheme; browsers send it in lowercase".into());
    }
    if let Some((_, why)) = REJECTED_SCHEMES
        .iter()
        .find(|(rejected, _)| *rejected == scheme)
    {
        return Err(format!("uses the `{scheme}:` scheme; {why}"));
    }
    match mistyped_web_scheme(scheme) {
        Some(meant) => Err(format!(
            "has the scheme `{scheme}`, one or two letters away from `{meant}`: a typo, not a \
             custom scheme (those, such as `chrome-extension` or `tauri`, are accepted)"
        )),
        None => Ok(()),
    }
}

/// `http` or `https`, whichever is nearer, when `scheme` is neither but one or two edits away
/// from one of them (`htp`, `htps`, `hhtps`): a typo. Every scheme a browser or an embedder
/// really uses for pages is further away.
fn mistyped_web_scheme(scheme: &str) -> Option<&'static str> {
    if scheme == "http" || scheme == "https" {
        return None;
    }
    let to_https = edit_distance(scheme, "https");
    let to_http = edit_distance(scheme, "http");
    let (meant, distance) = match to_https <= to_http {
        true => ("https", to_https),
        false => ("http", to_http),
    };
    (distance <= 2).then_some(meant)
}

/// `https:/example.com`, `https:example.com`, `http//localhost`: a web scheme with its `://`
/// written wrongly; the scheme and the rest.
fn split_malformed_separator(origin: &str) -> Option<(&'static str, &str)> {
    let scheme = ["https", "http"].into_iter().find(|scheme| {
        origin
            .get(..scheme.len())
            .is_some_and(|written| written.eq_ignore_ascii_case(scheme))
    })?;
    let after = &origin[scheme.len()..];
    let rest = after.trim_start_matches([':', '/']);
    let separator = &after[..after.len() - rest.len()];
    (!separator.is_empty() && separator != "://").then_some((scheme, rest))
}

/// The scheme a suggestion gives an origin written without one: `http` for a loopback host, where
/// development servers run without TLS, else `https`.
fn default_scheme(origin: &str) -> &'static str {
    let authority = origin.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, _) = split_host_port(authority);
    let host = host.to_ascii_lowercase();
    let loopback = host == "localhost"
        || host.ends_with(".localhost")
        || host.starts_with("127.")
        || host == "[::1]";
    match loopback {
        true => "http",
        false => "https",
    }
}

fn check_port(scheme: &str, port: &str) -> Result<(), String> {
    if port.is_empty() {
        return Err("ends with `:` but names no port".into());
    }
    if port == "*" {
        return Err("has a wildcard port; list each port as its own origin".into());
    }
    if !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("has `{port}` where the port number belongs"));
    }
    if port.len() > 1 && port.starts_with('0') {
        return Err("has a port with leading zeros; browsers send the plain number".into());
    }
    match port.parse::<u32>() {
        Ok(1..=65535) => {}
        _ => return Err("has a port outside 1..=65535".into()),
    }
    if default_port(scheme) == Some(port) {
        return Err(format!(
            "names port {port}, the default for {scheme}; browsers leave the default port out"
        ));
    }
    Ok(())
}

fn default_port(scheme: &str) -> Option<&'static str> {
    match scheme {
        "http" => Some("80"),
        "https" => Some("443"),
        _ => None,
    }
}

/// Splits `host[:port]`, keeping the brackets of an IPv6 literal with the host.
pub(crate) fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    let host_end = match authority.starts_with('[') {
        true => authority.find(']').map_or(authority.len(), |i| i + 1),
        false => authority.rfind(':').unwrap_or(authority.len()),
    };
    let (host, port) = authority.split_at(host_end);
    (
        host,
        port.strip_prefix(':')
            .or((!port.is_empty()).then_some(port)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(origin: &str) -> Option<String> {
        check_origin(origin).unwrap_err().suggestion
    }

    /// The one-pass check accepts nothing the full rules refuse: every input it accepts, in a
    /// corpus of plain origins and their near misses.
    #[test]
    fn the_fast_path_accepts_only_valid_origins() {
        let plain = [
            "https://app.example.com",
            "http://localhost:3000",
            "https://a-b.c-d.example",
            "http://x.y.app.localhost:18081",
            "https://example.org:65535",
            "https://t1.example",
        ];
        for origin in plain {
            assert!(is_plain_web_origin(origin), "{origin}");
            assert_eq!(validate(origin), Ok(()), "{origin}");
        }
        let near_misses = [
            "https://",
            "https://.",
            "https://a.",
            "https://.a",
            "https://a..b",
            "https://-a.com",
            "https://a-.com",
            "https://A.com",
            "https://a.com:",
            "https://a.com:0",
            "https://a.com:01",
            "https://a.com:443",
            "http://a.com:80",
            "https://a.com:65536",
            "https://a.com:99999",
            "https://a.com:8080:1",
            "https://a.com/",
            "https://a_b.com",
            "https://1.2.3.4",
            "https://a.0x1",
            "https://a.123",
            "https://xn--a.com",
            "https://a.xn--zz",
            "ftp://a.com",
            "https:/a.com",
            "https://a com",
            "https://a.com#",
            "https://a.com?",
            "https://u@a.com",
            "HTTPS://a.com",
            "https://[::1]",
            "https://a.com.",
            "https://é.com",
            "https://a.com:+80",
            "https://a.com: 80",
            "https://localhost:0x50",
        ];
        for origin in near_misses {
            if is_plain_web_origin(origin) {
                assert_eq!(validate(origin), Ok(()), "{origin}");
            }
        }
        let long_label = format!("https://{}.com", "a".repeat(64));
        assert!(!is_plain_web_origin(&long_label));
        let long_host = format!("https://{}com", "a.".repeat(127));
        assert!(!is_plain_web_origin(&long_host) || validate(&long_host).is_ok());
    }

    #[test]
    fn origins_browsers_send() {
        // Fetch Standard / URL Standard examples of serialized origins, and app schemes.
        for origin in [
            "https://example.com",
            "https://example.org:8443",
            "http://localhost:3000",
            "http://127.0.0.1:8080",
            "http://[::1]:8080",
            "https://xn--bcher-kva.example",
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "moz-extension://2f1ab4ad-3b2c-4a5b-9c1d-0e2f3a4b5c6d",
            "tauri://localhost",
            "capacitor://localhost",
            "http://a.b.c.example.com:1",
            "https://x.example:65535",
        ] {
            assert_eq!(check_origin(origin), Ok(()), "{origin}");
        }
    }

    #[test]
    fn mistakes_with_their_fix() {
        let cases = [
            ("https://example.com/", "https://example.com"),
            ("https://example.com/app?x=1#top", "https://example.com"),
            ("HTTPS://EXAMPLE.COM", "https://example.com"),
            ("https://Example.com", "https://example.com"),
            ("https://example.com:443", "https://example.com"),
            ("http://example.com:80", "http://example.com"),
            ("example.com", "https://example.com"),
            (" https://example.com", "https://example.com"),
            ("https://user:pw@example.com", "https://example.com"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
            ("https://example.com.", "https://example.com"),
            ("http://127.1:8080", "http://127.0.0.1:8080"),
            ("http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080"),
            ("http://localhost:03000", "http://localhost:3000"),
            ("https://example.com:", "https://example.com"),
            // The first hour: a malformed `://`, a mistyped scheme, a loopback origin without one.
            ("https:/admin.example.com", "https://admin.example.com"),
            ("https:admin.example.com", "https://admin.example.com"),
            ("http//localhost:5173", "http://localhost:5173"),
            ("htp://localhost:5173", "http://localhost:5173"),
            ("htps://app.example.com", "https://app.example.com"),
            ("hhtps://app.example.com", "https://app.example.com"),
            ("localhost:5173", "http://localhost:5173"),
            ("127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("app.localhost:3000", "http://app.localhost:3000"),
        ];
        for (written, fixed) in cases {
            assert_eq!(suggestion(written).as_deref(), Some(fixed), "{written}");
        }
    }

    #[test]
    fn mistakes_without_a_fix() {
        for origin in [
            "",
            "null",
            "*",
            "https://a.com,https://b.com",
            "file:///etc/passwd",
            "data://x",
            "ws://example.com",
            "wss://example.com",
            "ftp://example.com",
            "javascript://example.com",
            "https://",
            "https://a_b.example.com",
            "https://example.com:0",
            "https://example.com:65536",
            "https://example.com:*",
            "https://exa mple.com",
            "https://[::1",
            "1https://example.com",
        ] {
            assert!(check_origin(origin).is_err(), "{origin}");
        }
        assert!(check_origin("https://a.com,https://b.com")
            .unwrap_err()
            .message
            .contains("`,`"));
    }

    #[test]
    fn host_and_port_split() {
        assert_eq!(split_host_port("a.com:8080"), ("a.com", Some("8080")));
        assert_eq!(split_host_port("a.com"), ("a.com", None));
        assert_eq!(split_host_port("[::1]:80"), ("[::1]", Some("80")));
        assert_eq!(split_host_port("[::1]"), ("[::1]", None));
        assert_eq!(split_host_port("[::1]x"), ("[::1]", Some("x")));
    }
}
