//! Generators: valid policies (checked with the same rules the macro applies), and request values
//! aimed at them: the allowed origins themselves, near misses made by one edit, pattern instances
//! with good and bad labels, and arbitrary bytes.

use proptest::prelude::*;
use proptest::sample::select;

use crate::reference::{RefHeaders, RefOrigins, RefPolicy};

fn label() -> impl Strategy<Value = String> {
    (
        select(b"abcdefghijklmnopqrstuvwxyz0123456789".to_vec()),
        proptest::collection::vec(
            select(b"abcdefghijklmnopqrstuvwxyz0123456789-".to_vec()),
            0..6,
        ),
        select(b"abcdefghijklmnopqrstuvwxyz0123456789".to_vec()),
        any::<bool>(),
    )
        .prop_map(|(first, middle, last, single)| {
            let mut label = vec![first];
            if !single {
                label.extend(middle);
                label.push(last);
            }
            String::from_utf8(label).unwrap()
        })
}

fn domain(labels: std::ops::Range<usize>) -> impl Strategy<Value = String> {
    (
        proptest::collection::vec(label(), labels),
        select(vec!["com", "net", "example", "dev", "io"]),
    )
        .prop_map(|(labels, tld)| format!("{}.{tld}", labels.join(".")))
}

fn port() -> impl Strategy<Value = Option<u16>> {
    prop_oneof![3 => Just(None), 1 => (1u16..=65535).prop_map(Some), 1 => select(vec![Some(8080), Some(3000), Some(8443)])]
}

fn with_port(base: String, port: Option<u16>) -> String {
    match port {
        Some(port) => format!("{base}:{port}"),
        None => base,
    }
}

/// A serialized origin that the macro would accept.
pub fn exact_origin() -> impl Strategy<Value = String> {
    let host = prop_oneof![
        4 => domain(0..3),
        1 => (0u8..=255, 0u8..=255, 0u8..=255, 1u8..=255).prop_map(|(a, b, c, d)| format!("{a}.{b}.{c}.{d}")),
        1 => select(vec!["[::1]".to_owned(), "[2001:db8::1]".to_owned(), "localhost".to_owned()]),
    ];
    let scheme = select(vec!["https", "http", "chrome-extension", "tauri"]);
    (scheme, host, port())
        .prop_map(|(scheme, host, port)| with_port(format!("{scheme}://{host}"), port))
        .prop_filter("valid serialized origin", |o| {
            cors_rules::check_origin(o).is_ok()
        })
}

/// A one-label subdomain pattern that the macro would accept.
pub fn origin_pattern() -> impl Strategy<Value = String> {
    (select(vec!["https", "http"]), domain(1..3), port())
        .prop_map(|(scheme, domain, port)| with_port(format!("{scheme}://*.{domain}"), port))
        .prop_filter("valid pattern", |p| {
            cors_rules::check_origin_pattern(p).is_ok()
        })
}

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "PROPFIND"];
const HEADER_POOL: [&str; 6] = [
    "Content-Type",
    "X-Token",
    "Authorization",
    "X-Requested-With",
    "If-Match",
    "X-B3-TraceId",
];

/// A policy that passes the macro's checks: never `*` with credentials.
pub fn policy() -> impl Strategy<Value = RefPolicy> {
    let origins = prop_oneof![
        1 => Just(None),
        5 => (proptest::collection::vec(exact_origin(), 0..4), proptest::collection::vec(origin_pattern(), 0..3))
            .prop_filter("at least one origin", |(e, p)| !e.is_empty() || !p.is_empty())
            .prop_map(|(mut exact, mut patterns)| {
                exact.sort();
                exact.dedup();
                patterns.sort();
                patterns.dedup();
                Some(RefOrigins { exact, patterns })
            }),
    ];
    let methods = proptest::sample::subsequence(METHODS.to_vec(), 1..=METHODS.len())
        .prop_map(|m| m.into_iter().map(str::to_owned).collect::<Vec<_>>());
    let headers = prop_oneof![
        Just(RefHeaders::None),
        proptest::sample::subsequence(HEADER_POOL.to_vec(), 1..=3)
            .prop_map(|h| RefHeaders::List(h.into_iter().map(str::to_owned).collect())),
        any::<bool>().prop_map(|authorization| RefHeaders::Any { authorization }),
    ];
    (origins, methods, headers, any::<bool>(), any::<bool>()).prop_map(
        |(origins, methods, headers, credentials, private_network)| {
            // The macro refuses `*` (origins or headers) together with credentials.
            let credentials =
                credentials && origins.is_some() && !matches!(headers, RefHeaders::Any { .. });
            RefPolicy {
                origins,
                methods,
                headers,
                credentials,
                private_network,
            }
        },
    )
}

/// One edit that turns an allowed origin into something an attacker might send.
#[derive(Debug, Clone)]
enum Edit {
    None,
    Insert(usize, &'static str),
    Delete(usize),
    Uppercase(usize),
    Append(&'static str),
    Prepend(&'static str),
    SwapScheme,
}

const INSERTS: [&str; 22] = [
    ".", "_", "`", "%60", "!", "$", "@", " ", ",", "\t", "-", "a", "/", ":", "?", "#", "*", "\\",
    "\u{e9}", "\u{430}", ";", "&",
];
const APPENDS: [&str; 14] = [
    ".",
    "/",
    ":443",
    ":80",
    ":8080",
    ".evil.net",
    "evil.net",
    "_.evil.net",
    "%60.evil.net",
    ", https://evil.net",
    "@evil.net",
    " ",
    "\t",
    "/.evil.net",
];
const PREPENDS: [&str; 6] = ["evil", "https://evil.net@", " ", "\t", "null", "x"];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => Just(Edit::None),
        2 => (any::<usize>(), select(INSERTS.to_vec())).prop_map(|(i, s)| Edit::Insert(i, s)),
        1 => any::<usize>().prop_map(Edit::Delete),
        1 => any::<usize>().prop_map(Edit::Uppercase),
        2 => select(APPENDS.to_vec()).prop_map(Edit::Append),
        1 => select(PREPENDS.to_vec()).prop_map(Edit::Prepend),
        1 => Just(Edit::SwapScheme),
    ]
}

fn apply(edit: &Edit, origin: &str) -> Vec<u8> {
    let mut bytes = origin.as_bytes().to_vec();
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
    match edit {
        Edit::None => {}
        Edit::Insert(i, s) => {
            let i = at(*i, bytes.len());
            bytes.splice(i..i, s.bytes());
        }
        Edit::Delete(i) if !bytes.is_empty() => {
            bytes.remove(i % bytes.len());
        }
        Edit::Delete(_) => {}
        Edit::Uppercase(i) if !bytes.is_empty() => {
            let i = i % bytes.len();
            bytes[i] = bytes[i].to_ascii_uppercase();
        }
        Edit::Uppercase(_) => {}
        Edit::Append(s) => bytes.extend(s.bytes()),
        Edit::Prepend(s) => {
            bytes.splice(0..0, s.bytes());
        }
        Edit::SwapScheme => {
            bytes = if let Some(rest) = origin.strip_prefix("https://") {
                format!("http://{rest}").into_bytes()
            } else if let Some(rest) = origin.strip_prefix("http://") {
                format!("https://{rest}").into_bytes()
            } else {
                bytes
            }
        }
    }
    bytes
}

/// Labels to put where a pattern has its `*`: valid ones, and each way a label can be wrong.
fn pattern_label() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => label(),
        1 => (label(), label()).prop_map(|(a, b)| format!("{a}.{b}")),
        1 => select(vec![
            String::new(), "A".into(), "Ab".into(), "a_b".into(), "-a".into(), "a-".into(),
            "a".repeat(63), "a".repeat(64), "xn--80ak6aa92e".into(), "a b".into(), "*".into(),
            "%2e".into(), "a\u{e9}".into(),
        ]),
    ]
}

/// Arbitrary bytes a header value can carry: tab, visible ASCII and space, and obs-text.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![Just(b'\t'), 0x20u8..=0x7e, 0x80u8..=0xff],
        0..40,
    )
}

/// An `Origin` value aimed at `policy`.
pub fn origin_for(policy: &RefPolicy) -> BoxedStrategy<Vec<u8>> {
    let mut targets: Vec<String> = vec!["https://example.com".into(), "null".into()];
    let mut patterns: Vec<String> = Vec::new();
    if let Some(origins) = &policy.origins {
        targets.extend(origins.exact.iter().cloned());
        patterns.extend(origins.patterns.iter().cloned());
    }
    let near_miss = (select(targets), edit()).prop_map(|(target, edit)| apply(&edit, &target));
    let random = header_bytes();
    if patterns.is_empty() {
        return prop_oneof![4 => near_miss, 1 => random].boxed();
    }
    let instance = (select(patterns), pattern_label(), edit())
        .prop_map(|(pattern, label, edit)| apply(&edit, &pattern.replacen('*', &label, 1)));
    prop_oneof![3 => near_miss, 3 => instance, 1 => random].boxed()
}

/// An `Access-Control-Request-Method` value: the policy's methods and their near misses.
pub fn request_method() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => select(METHODS.to_vec()).prop_map(|m| m.as_bytes().to_vec()),
        1 => select(vec!["get", "patch", "Put", "OPTIONS", "TRACE", "CONNECT", "", " GET", "GET ", "GET,POST", "*"])
            .prop_map(|m| m.as_bytes().to_vec()),
        1 => header_bytes(),
    ]
}

/// Header names a page may set, lowercase, as a browser lists them.
pub fn browser_header_names() -> impl Strategy<Value = Vec<String>> {
    proptest::sample::subsequence(
        vec![
            "authorization",
            "content-type",
            "if-match",
            "x-b3-traceid",
            "x-other",
            "x-requested-with",
            "x-token",
        ],
        0..=3,
    )
    .prop_map(|names| names.into_iter().map(str::to_owned).collect())
}

/// An `Access-Control-Request-Headers` value as any client might send it.
pub fn raw_request_headers() -> impl Strategy<Value = Vec<u8>> {
    let name = select(vec![
        "content-type",
        "Content-Type",
        "X-TOKEN",
        "authorization",
        "x-other",
        "",
        " ",
        "x token",
        "x-token\t",
        "(bad)",
        "*",
        "x-b3-traceid",
        "if-match",
    ]);
    prop_oneof![
        3 => proptest::collection::vec(name, 0..5).prop_map(|names| names.join(",").into_bytes()),
        1 => header_bytes(),
    ]
}
