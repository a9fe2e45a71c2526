//! The decision core with arbitrary bytes, as an adapter hands them in: no panic, and a granted
//! preflight is one whose origin the lists name, whose method the policy lists byte for byte,
//! and whose every requested header name the policy allows.
#![no_main]

use cors_rules::stored::JoinedOrigins;
use cors_runtime::__private::decision::origin::{ListMatch, OriginLists};
use cors_runtime::__private::decision::preflight::{
    decide, HeaderRule, MethodRule, PreflightRequest, PreflightRules, PreflightVerdict, Single,
};
use cors_runtime::__private::decision::refusal::Refusal;
use libfuzzer_sys::fuzz_target;

/// The input split at `\0`: origin, method, then `Access-Control-Request-Headers` values; a
/// leading byte says whether private network access is asked for.
struct Input<'a> {
    origin: &'a [u8],
    method: Option<&'a [u8]>,
    headers: Vec<&'a [u8]>,
    private_network: bool,
}

impl PreflightRequest for Input<'_> {
    fn request_method(&self) -> Single<'_> {
        self.method.map_or(Single::Missing, Single::One)
    }

    fn request_headers(&self) -> impl Iterator<Item = &[u8]> {
        self.headers.iter().copied()
    }

    fn asks_private_network(&self) -> bool {
        self.private_network
    }
}

const ORIGINS: &str = "https://app.example.com https://*.preview.example.com http://localhost:*";

fuzz_target!(|data: &[u8]| {
    let Some((&flag, data)) = data.split_first() else {
        return;
    };
    let mut parts = data.split(|&b| b == 0);
    let input = Input {
        origin: parts.next().unwrap_or_default(),
        method: parts.next(),
        headers: parts.collect(),
        private_network: flag & 1 == 1,
    };
    let lists = OriginLists::new(JoinedOrigins::new(ORIGINS), None);
    let rules = PreflightRules {
        methods: MethodRule::new("GET, PUT, PATCH"),
        headers: HeaderRule::new("Content-Type, X-Token"),
        private_network: flag & 2 == 2,
    };
    let judged = match lists.find(input.origin) {
        ListMatch::NotListed => Err(Refusal::OriginNotListed),
        _ => Ok(()),
    };
    if let PreflightVerdict::Granted = decide(&rules, judged, &input) {
        assert!(judged.is_ok());
        let method = input.method.expect("a granted preflight has a method");
        assert!([&b"GET"[..], b"PUT", b"PATCH"].contains(&method));
        for value in &input.headers {
            for name in cors_rules::header_names(value) {
                assert!(
                    name.eq_ignore_ascii_case(b"content-type")
                        || name.eq_ignore_ascii_case(b"x-token")
                );
            }
        }
        assert!(!input.private_network || rules.private_network);
    }
});
