//! The rules of the Fetch Standard's CORS protocol that the `#[cors]` macro (at compile time) and
//! the runtime (on every request) both need, kept in one place so that the two can never disagree.
//!
//! Applications depend on `cors-runtime`; this crate is its foundation. Its one dependency is
//! `psl`, the whole Public Suffix List compiled into code, which judges subdomain patterns.
//!
//! ```
//! use cors_rules::{check_origin, check_origin_pattern, is_token};
//!
//! // What a browser sends in the `Origin` header is accepted as it is...
//! assert!(check_origin("https://app.example.com").is_ok());
//! // ...and anything else is refused with the reason and, where there is one, the fix.
//! let problem = check_origin("https://app.example.com/").unwrap_err();
//! assert_eq!(problem.suggestion.as_deref(), Some("https://app.example.com"));
//!
//! let pattern = check_origin_pattern("https://*.example.com").unwrap();
//! assert!(pattern.matches(b"https://a.example.com"));
//! assert!(!pattern.matches(b"https://a.b.example.com"));
//! assert!(!pattern.matches(b"https://example.com.evil.net"));
//!
//! assert!(is_token("X-Request-Id"));
//! ```

#![warn(missing_docs)]

mod any_port;
mod edit_distance;
mod entry;
mod header;
mod host;
mod method;
mod origin;
mod pattern;
mod problem;
mod punycode;
mod registry_section;
mod shared_parent;
pub mod stored;
mod token;

pub use any_port::{check_loopback_any_port, LoopbackAnyPort};
pub use edit_distance::edit_distance;
pub use entry::{check_origin_entry, OriginEntry, OriginList};
pub use header::{
    header_names, is_forbidden_request_header, is_forbidden_response_header, WILDCARD,
};
pub use method::{is_forbidden_method, NORMALIZED_METHODS};
pub use origin::{check_origin, is_serialized_origin, suggest_origin};
pub use pattern::{check_origin_pattern, OriginPattern};
pub use problem::Problem;
pub use token::{is_token, is_token_bytes};
