//! Loopback origins on any port, for development: `http://localhost:*`, `http://127.0.0.1:*`,
//! `http://[::1]:*` (and the same with `https`).
//!
//! Development servers (Vite, webpack, an OAuth client's loopback redirect) pick a port at run
//! time, and a list of ports is never the right one; teams then fall back to `*`. A port
//! wildcard is safe on a loopback host because every page it matches is served from the user's
//! own machine: what it still lets in is any local process's page (another development server,
//! a local tool's UI), never a site on the network. On any other host a port wildcard would let
//! in whoever runs a server on some port of it, so it stays refused there.

use crate::origin::{check_origin, is_web_port, split_host_port};
use crate::Problem;

/// The hosts whose every port is the user's own machine.
const LOOPBACK_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// A validated loopback origin on any port: the origin as written before its `:*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoopbackAnyPort<'a> {
    /// The scheme and host, e.g. `http://localhost`.
    pub origin: &'a str,
}

impl LoopbackAnyPort<'_> {
    /// Does the request's `Origin` value match: the same scheme and host, with no port (the
    /// scheme's default) or a port as browsers serialize it (a number in `1..=65535` without
    /// leading zeros, never the scheme's default)? `http://localhost.evil.net`,
    /// `http://localhost:3000.evil.net` and `http://localhost:03000` do not.
    pub fn matches(&self, origin: &[u8]) -> bool {
        let Some(rest) = origin.strip_prefix(self.origin.as_bytes()) else {
            return false;
        };
        let Some(port) = rest.strip_prefix(b":") else {
            return rest.is_empty();
        };
        is_web_port(port, self.origin.starts_with("https:"))
    }
}

/// The entry as written: `http://localhost:*`.
impl std::fmt::Display for LoopbackAnyPort<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:*", self.origin)
    }
}

/// Checks an entry that ends with a port wildcard: a valid serialized origin without a port
/// before it, on a loopback host.
///
/// ```
/// use cors_rules::check_loopback_any_port;
///
/// let any_port = check_loopback_any_port("http://localhost:*").unwrap();
/// assert!(any_port.matches(b"http://localhost:5173"));
/// assert!(!any_port.matches(b"http://localhost.evil.net"));
/// assert!(check_loopback_any_port("https://app.example.com:*").is_err());
/// ```
pub fn check_loopback_any_port(entry: &str) -> Result<LoopbackAnyPort<'_>, Problem> {
    let Some(origin) = entry.strip_suffix(":*") else {
        return Err(Problem::new(
            "has no port wildcard; a loopback origin on any port looks like `http://localhost:*`",
        ));
    };
    if origin.contains('*') {
        return Err(Problem::new(
            "has a `*` besides its port wildcard; any port is for a loopback host \
             (`http://localhost:*`), and a subdomain pattern names its port",
        ));
    }
    check_origin(origin).map_err(|problem| Problem {
        message: problem.message,
        suggestion: problem.suggestion.map(|fixed| format!("{fixed}:*")),
    })?;
    let (scheme, authority) = origin.split_once("://").unwrap_or_default();
    if scheme != "http" && scheme != "https" {
        return Err(Problem::new(format!(
            "has a wildcard port on a `{scheme}` origin; any port is for `http` and `https` \
             loopback origins (`http://localhost:*`)"
        )));
    }
    let (host, port) = split_host_port(authority);
    if port.is_some() || !LOOPBACK_HOSTS.contains(&host) {
        return Err(Problem::new(format!(
            "has a wildcard port, which only a loopback host may have (`localhost`, \
             `127.0.0.1`, `[::1]`: every port there is the user's own machine); on `{host}` \
             list each port as its own origin"
        )));
    }
    Ok(LoopbackAnyPort { origin })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_port_of_the_same_loopback_origin() {
        for (entry, origins) in [
            (
                "http://localhost:*",
                &[
                    "http://localhost",
                    "http://localhost:5173",
                    "http://localhost:1",
                    "http://localhost:65535",
                ][..],
            ),
            ("http://127.0.0.1:*", &["http://127.0.0.1:8080"][..]),
            ("http://[::1]:*", &["http://[::1]:3000", "http://[::1]"][..]),
            (
                "https://localhost:*",
                &["https://localhost:8443", "https://localhost"][..],
            ),
        ] {
            let any_port = check_loopback_any_port(entry).unwrap();
            for origin in origins {
                assert!(any_port.matches(origin.as_bytes()), "{entry} {origin}");
            }
        }
        let any_port = check_loopback_any_port("http://localhost:*").unwrap();
        for origin in [
            "http://localhost:",
            "http://localhost:05173",
            "http://localhost:0",
            "http://localhost:65536",
            "http://localhost:80",
            "http://localhost:5173/",
            "http://localhost:5173.evil.net",
            "http://localhost.evil.net",
            "http://localhost.evil.net:5173",
            "https://localhost:5173",
            "http://127.0.0.1:5173",
            "http://a.localhost:5173",
            "http://LOCALHOST:5173",
            "http://localhost:+5173",
            "http://localhost:５１７３",
        ] {
            assert!(!any_port.matches(origin.as_bytes()), "{origin}");
        }
    }

    #[test]
    fn only_on_loopback_hosts() {
        for entry in [
            "https://app.example.com:*",
            "http://a.localhost:*",
            "http://127.0.0.2:*",
            "http://localhost:3000:*",
            "http://*.localhost:*",
            "*:*",
            "http://localhost/:*",
            "ftp://localhost:*",
        ] {
            assert!(check_loopback_any_port(entry).is_err(), "{entry}");
        }
        let problem = check_loopback_any_port("http://LocalHost:*").unwrap_err();
        assert_eq!(problem.suggestion.as_deref(), Some("http://localhost:*"));
    }
}
