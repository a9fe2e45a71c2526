//! One-label subdomain patterns such as `https://*.example.com`: the `*` stands for exactly one
//! DNS label, and scheme, parent domain and port must match exactly.

use crate::host::is_lowercase_dns_label;
use crate::origin::{check_origin, split_host_port};
use crate::Problem;

/// A validated subdomain pattern, split around its `*` so that matching is two byte comparisons
/// and one label check, with no allocation and no parsing of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OriginPattern<'a> {
    /// Everything before the `*`: the scheme and `://`, e.g. `https://`.
    pub prefix: &'a str,
    /// Everything after the `*`: the parent domain with its leading dot, and the port if any,
    /// e.g. `.example.com` or `.example.com:8443`.
    pub suffix: &'a str,
}

impl OriginPattern<'_> {
    /// Does the request's `Origin` value match? Only when it is `prefix`, then one lowercase DNS
    /// label, then `suffix`, byte for byte: `https://a.example.com` matches `https://*.example.com`;
    /// `https://example.com`, `https://a.b.example.com`, `https://evilexample.com`,
    /// `https://a.example.com.evil.net` and `https://A.example.com` do not.
    pub fn matches(&self, origin: &[u8]) -> bool {
        origin
            .strip_prefix(self.prefix.as_bytes())
            .and_then(|rest| rest.strip_suffix(self.suffix.as_bytes()))
            .is_some_and(is_lowercase_dns_label)
    }
}

/// The pattern as written: `https://*.example.com`.
impl std::fmt::Display for OriginPattern<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}*{}", self.prefix, self.suffix)
    }
}

/// Checks a subdomain pattern: exactly one `*`, as the whole leftmost label of a domain with at
/// least two more labels that is not a public suffix or a shared hosting domain by the whole
/// Public Suffix List, embedded (`*.co.uk`, `*.github.io`, `*.s3.amazonaws.com`), and the rest a
/// valid serialized origin.
///
/// ```
/// use cors_rules::check_origin_pattern;
///
/// let pattern = check_origin_pattern("https://*.preview.example.com").unwrap();
/// assert_eq!((pattern.prefix, pattern.suffix), ("https://", ".preview.example.com"));
///
/// let problem = check_origin_pattern("https://*example.com").unwrap_err();
/// assert_eq!(problem.suggestion.as_deref(), Some("https://*.example.com"));
/// assert!(check_origin_pattern("https://*.com").is_err());
/// ```
pub fn check_origin_pattern(pattern: &str) -> Result<OriginPattern<'_>, Problem> {
    // A suggestion promises that the fix passes this very check; the rules below build theirs
    // from parts of the input, which may break other rules, so each is checked before it is kept.
    check(pattern).map_err(|mut problem| {
        problem.suggestion = problem.suggestion.filter(|fix| check(fix).is_ok());
        problem
    })
}

fn check(pattern: &str) -> Result<OriginPattern<'_>, Problem> {
    if pattern
        .split_once("://")
        .is_some_and(|(scheme, _)| scheme.contains('*'))
    {
        return Err(Problem::new(
            "has a wildcard scheme; list each scheme as its own pattern",
        ));
    }
    if pattern.matches('*').count() > 1 {
        return Err(Problem::new(
            "has more than one `*`; a pattern has exactly one, as its leftmost label, and it \
             matches one label (list deeper subdomains as patterns of their own)",
        ));
    }
    let Some((scheme, rest)) = pattern.split_once("://") else {
        return Err(Problem::new(
            "has no scheme; a pattern looks like `https://*.example.com`",
        ));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let (host, port) = split_host_port(authority);
    if port.is_some_and(|p| p.contains('*')) {
        return Err(Problem::new(
            "has a wildcard port; list each port as its own pattern",
        ));
    }
    let Some(parent) = host.strip_prefix("*.") else {
        return Err(misplaced_star(scheme, host, rest));
    };
    let parent_origin = &pattern[scheme.len() + "://*.".len()..];
    if !parent.contains('.') {
        return Err(Problem::new(format!(
            "would match every site under `.{parent}`; a pattern needs at least two labels \
             after `*.`, as in `{scheme}://*.example.{parent}`"
        )));
    }
    if parent.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(Problem::new(
            "puts `*` in an IP address; patterns apply to domain names only",
        ));
    }
    crate::shared_parent::check_parent(scheme, parent)?;
    // Everything after `*.` must itself be a serialized origin's host and port: checking
    // `scheme://label.parent` applies every origin rule (case, path, port, IP literals...).
    let sample = format!("{scheme}://a.{parent_origin}");
    check_origin(&sample).map_err(|problem| Problem {
        message: problem.message,
        suggestion: problem.suggestion.and_then(|s| {
            s.strip_prefix(&format!("{scheme}://a."))
                .map(|rest| format!("{scheme}://*.{rest}"))
        }),
    })?;
    let split = scheme.len() + "://*".len();
    Ok(OriginPattern {
        prefix: &pattern[..split - 1],
        suffix: &pattern[split..],
    })
}

fn misplaced_star(scheme: &str, host: &str, rest: &str) -> Problem {
    if host == "*" {
        return Problem::new(format!(
            "matches every site; write `origins = [\"*\"]` for any origin, or name the parent \
             domain as in `{scheme}://*.example.com`"
        ));
    }
    if let Some(glued) = host.strip_prefix('*') {
        let fixed = format!("{scheme}://*.{}", &rest[1..]);
        return Problem::new(format!(
            "has `*` glued to `{glued}`; `*` must be a whole label, or `*{glued}` would also \
             match `evil{glued}`"
        ))
        .suggest(Some(fixed));
    }
    Problem::new(
        "has `*` inside the host; only the leftmost label may be `*`, as in \
         `https://*.example.com`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by `fuzz/origin`: a `*` glued to a host with characters no origin may hold got a
    /// "fix" that failed the same check.
    #[test]
    fn a_suggestion_always_passes_the_check() {
        for input in [
            "https://*040z2:z\0:X\0~.X",
            "\u{1}\u{2}\0\0\0wwHHxxhttxs://*H.H0H\0",
            "https://*example.com",
        ] {
            let problem = check_origin_pattern(input).unwrap_err();
            if let Some(fix) = &problem.suggestion {
                assert!(check_origin_pattern(fix).is_ok(), "{input:?} -> {fix:?}");
            }
        }
    }

    #[test]
    fn one_label_exactly() {
        let pattern = check_origin_pattern("https://*.example.com").unwrap();
        for origin in [
            "https://a.example.com",
            "https://pr-42.example.com",
            "https://xn--bcher-kva.example.com",
        ] {
            assert!(pattern.matches(origin.as_bytes()), "{origin}");
        }
        for origin in [
            "https://example.com",
            "https://.example.com",
            "https://a.b.example.com",
            "https://evilexample.com",
            "https://a.example.com.evil.net",
            "https://a.example.com:443",
            "https://a.example.com:8443",
            "http://a.example.com",
            "https://A.example.com",
            "https://a.example.com.",
            "https://a_b.example.com",
            "https://user@a.example.com",
            "https://evil.net/.example.com",
            "https://a.example.com/",
            " https://a.example.com",
        ] {
            assert!(!pattern.matches(origin.as_bytes()), "{origin}");
        }
        let with_port = check_origin_pattern("http://*.app.localhost:8080").unwrap();
        assert!(with_port.matches(b"http://x.app.localhost:8080"));
        assert!(!with_port.matches(b"http://x.app.localhost"));
        assert!(!with_port.matches(b"http://x.app.localhost:80801"));
    }

    #[test]
    fn bad_patterns() {
        for pattern in [
            "https://*",
            "https://*.com",
            "https://*example.com",
            "https://a.*.example.com",
            "https://*.*.example.com",
            "https://example.*",
            "https://*.example.com:*",
            "*://*.example.com",
            "https://*.Example.com",
            "https://*.example.com/",
            "http://*.0.0.1",
            "*.example.com",
        ] {
            assert!(check_origin_pattern(pattern).is_err(), "{pattern}");
        }
        let fix = |p: &str| check_origin_pattern(p).unwrap_err().suggestion;
        assert_eq!(
            fix("https://*.Example.com/").as_deref(),
            Some("https://*.example.com")
        );
        assert_eq!(
            fix("https://*.example.com:443").as_deref(),
            Some("https://*.example.com")
        );
    }
}
