//! The host part of a serialized origin: a lowercase ASCII domain, a canonical IPv4 address or a
//! bracketed canonical IPv6 address (URL Standard, "host serializing").

use std::net::Ipv6Addr;

use crate::punycode;

/// Checks that `host` is exactly what a browser puts in an `Origin` header.
pub(crate) fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("has no host".into());
    }
    if let Some(inner) = host.strip_prefix('[') {
        return check_ipv6(inner);
    }
    if !host.is_ascii() {
        return Err("has a non-ASCII host; browsers send the punycode (`xn--`) form".into());
    }
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err("has uppercase letters in the host; browsers send hosts in lowercase".into());
    }
    if host.ends_with('.') && host.len() > 1 {
        return Err(
            "has a trailing dot after the host; browsers send the name without it, \
                    and `example.com.` is a different origin from `example.com`"
                .into(),
        );
    }
    if ends_in_a_number(host) {
        return match parse_ipv4(host) {
            Some(address) if format_ipv4(address) == host => Ok(()),
            Some(_) => Err("writes the IPv4 address in a form browsers never send; \
                            they send four decimal numbers without leading zeros"
                .into()),
            None => Err("has a host that is neither a domain name nor a valid IPv4 address".into()),
        };
    }
    check_domain(host)
}

fn check_domain(host: &str) -> Result<(), String> {
    if host.len() > 253 {
        return Err("has a host name longer than 253 characters".into());
    }
    for label in host.split('.') {
        check_label(label)?;
    }
    Ok(())
}

fn check_label(label: &str) -> Result<(), String> {
    if label.is_empty() {
        return Err("has an empty label (`..`) in the host".into());
    }
    if label.len() > 63 {
        return Err(format!(
            "has a host label longer than 63 characters (`{label}`)"
        ));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
    {
        return Err(if c == '_' {
            "has `_` in the host; web origins use letters, digits and `-` only \
             (no public certificate can name such a host)"
                .into()
        } else {
            format!("has `{c}` in the host, which cannot appear in a host name")
        });
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(format!(
            "has a host label that starts or ends with `-` (`{label}`)"
        ));
    }
    if label.starts_with("xn--") && !punycode::is_valid_a_label(label) {
        return Err(format!(
            "has the host label `{label}`, which is not the punycode of any name a browser \
             accepts, so no page can have this origin; write the name in its `xn--` form as \
             the browser's address bar shows it"
        ));
    }
    Ok(())
}

/// Is `label` one DNS label as a browser serializes it: lowercase letters, digits and `-`, 1 to 63
/// bytes, no `-` at either end, and valid punycode when it starts with `xn--`? This is what a
/// one-label subdomain pattern's `*` stands for.
pub(crate) fn is_lowercase_dns_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && label.first() != Some(&b'-')
        && label.last() != Some(&b'-')
        && (!label.starts_with(b"xn--")
            // All ASCII, checked above.
            || std::str::from_utf8(label).is_ok_and(punycode::is_valid_a_label))
}

fn check_ipv6(inner: &str) -> Result<(), String> {
    let Some(address) = inner.strip_suffix(']') else {
        return Err("has an IPv6 address without its closing `]`".into());
    };
    match address.parse::<Ipv6Addr>() {
        Ok(parsed) if format_ipv6(parsed) == address => Ok(()),
        Ok(_) => Err("writes the IPv6 address in a form browsers never send; \
                      they send lowercase hex with the longest run of zeros as `::`"
            .into()),
        Err(_) => Err("has an invalid IPv6 address".into()),
    }
}

/// The URL Standard's "ends in a number checker": a host whose last label is numeric is parsed
/// as IPv4 by every browser, so it must be a valid, canonical address.
fn ends_in_a_number(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or(host);
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    match last.strip_prefix("0x").or_else(|| last.strip_prefix("0X")) {
        Some(hex) => hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The URL Standard's IPv4 parser, which accepts `127.1`, `0x7f.0.0.1` and `2130706433` as the
/// same address. Returns `None` where a browser would reject the host.
fn parse_ipv4(host: &str) -> Option<u32> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| parse_ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, leading) = numbers.split_last()?;
    if leading.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - numbers.len() as u32) {
        return None;
    }
    let mut address = *last;
    for (i, n) in leading.iter().enumerate() {
        address += n * 256u64.pow(3 - i as u32);
    }
    u32::try_from(address).ok()
}

fn parse_ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        return Some(0);
    }
    // Fewer than 16 digits keeps u64 from overflowing; any such value fails the range checks.
    if digits.len() > 15 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

fn format_ipv4(address: u32) -> String {
    let [a, b, c, d] = address.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// The URL Standard's IPv6 serializer: lowercase hex pieces without leading zeros, the first
/// longest run of two or more zero pieces written as `::`, and no dotted-quad tail.
fn format_ipv6(address: Ipv6Addr) -> String {
    let pieces = address.segments();
    let mut compress: Option<(usize, usize)> = None;
    let mut i = 0;
    while i < 8 {
        if pieces[i] == 0 {
            let start = i;
            while i < 8 && pieces[i] == 0 {
                i += 1;
            }
            let len = i - start;
            if len >= 2 && compress.is_none_or(|(_, best)| len > best) {
                compress = Some((start, len));
            }
        } else {
            i += 1;
        }
    }
    let hex = |range: &[u16]| {
        range
            .iter()
            .map(|p| format!("{p:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    match compress {
        Some((start, len)) => format!("{}::{}", hex(&pieces[..start]), hex(&pieces[start + len..])),
        None => hex(&pieces),
    }
}

/// Rewrites a host the way a browser would serialize it, for suggestions: lowercase, no trailing
/// dot, punycode for non-ASCII labels, canonical IP addresses. `None` where no fix is obvious.
pub(crate) fn canonical_host(host: &str) -> Option<String> {
    if let Some(inner) = host.strip_prefix('[') {
        let address: Ipv6Addr = inner.strip_suffix(']')?.parse().ok()?;
        return Some(format!("[{}]", format_ipv6(address)));
    }
    let host = host.strip_suffix('.').unwrap_or(host).to_lowercase();
    if ends_in_a_number(&host) {
        return parse_ipv4(&host).map(format_ipv4);
    }
    let labels = host
        .split('.')
        .map(|label| match label.is_ascii() {
            true => Some(label.to_owned()),
            false => punycode::encode_label(label).map(|encoded| format!("xn--{encoded}")),
        })
        .collect::<Option<Vec<String>>>()?;
    Some(labels.join("."))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SECURITY.md, S19: `origin_fn`, patterns and literals only ever meet hosts a browser
    /// can send, and `xn--a` is none.
    #[test]
    fn punycode_labels_must_decode_to_a_name() {
        assert!(check_host("xn--bcher-kva.example").is_ok());
        for host in ["xn--a.example", "a.xn--abc.example", "xn--abc-x.example"] {
            let message = check_host(host).unwrap_err();
            assert!(
                message.contains("is not the punycode of any name"),
                "{host}: {message}"
            );
        }
        assert!(is_lowercase_dns_label(b"xn--bcher-kva"));
        assert!(!is_lowercase_dns_label(b"xn--a"));
    }

    #[test]
    fn ipv4_forms_from_the_url_standard() {
        // URL Standard, "IPv4 parser" examples: all of these are 127.0.0.1 or 192.168.0.1.
        for host in [
            "127.1",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "2130706433",
            "127.0.0.1.",
        ] {
            assert_eq!(
                parse_ipv4(host).map(format_ipv4).as_deref(),
                Some("127.0.0.1"),
                "{host}"
            );
        }
        assert_eq!(
            parse_ipv4("0xc0.0250.1").map(format_ipv4).as_deref(),
            Some("192.168.0.1")
        );
        for host in ["256.0.0.1", "1.2.3.4.5", "4294967296", "1.2.3.09", "1..2.3"] {
            assert_eq!(parse_ipv4(host), None, "{host}");
        }
        assert!(check_host("127.0.0.1").is_ok());
        assert!(check_host("127.1").is_err());
        assert!(check_host("010.0.0.1").is_err());
    }

    #[test]
    fn ipv6_serialization_from_the_url_standard() {
        let cases = [
            ("[0:0:0:0:0:0:0:1]", "[::1]"),
            ("[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
            ("[2001:db8:0:0:0:0:2:1]", "[2001:db8::2:1]"),
            ("[::ffff:192.0.2.128]", "[::ffff:c000:280]"),
            ("[1:0:1:0:1:0:1:0]", "[1:0:1:0:1:0:1:0]"),
        ];
        for (written, canonical) in cases {
            assert_eq!(
                canonical_host(written).as_deref(),
                Some(canonical),
                "{written}"
            );
            assert!(check_host(canonical).is_ok(), "{canonical}");
            assert_eq!(
                check_host(written).is_ok(),
                written == canonical,
                "{written}"
            );
        }
        assert!(check_host("[::1").is_err());
        assert!(check_host("[fe80::1%eth0]").is_err());
    }

    #[test]
    fn domains() {
        assert!(check_host("example.com").is_ok());
        assert!(check_host("xn--bcher-kva.example").is_ok());
        assert!(check_host("localhost").is_ok());
        for bad in [
            "Example.com",
            "example.com.",
            "a..b",
            "a_b.com",
            "-a.com",
            "a-.com",
            "bü.de",
            "a b",
        ] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
        assert_eq!(
            canonical_host("Bücher.Example.").as_deref(),
            Some("xn--bcher-kva.example")
        );
    }

    #[test]
    fn dns_labels() {
        assert!(is_lowercase_dns_label(b"a"));
        assert!(is_lowercase_dns_label(b"pr-42"));
        assert!(is_lowercase_dns_label(b"xn--bcher-kva"));
        for bad in [
            &b""[..],
            b"A",
            b"-a",
            b"a-",
            b"a.b",
            b"a_b",
            b"a b",
            b"a:1",
            &[b'a'; 64],
        ] {
            assert!(!is_lowercase_dns_label(bad), "{bad:?}");
        }
    }
}
