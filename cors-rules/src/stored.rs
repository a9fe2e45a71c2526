//! The form a checked policy is stored in: what the `#[cors]` macro writes into each route's
//! `static` and what the runtime reads back. Both sides go through the types here, so the
//! encoding has one owner and cannot drift apart.
//!
//! A list is one string, its entries joined by a separator no checked entry can contain, rather
//! than a slice of strings: an application has one policy `static` per route, and its build pays
//! for every constant in it (`benches/README.md` has the figures). For the same reason an absent
//! value is an empty string rather than an `Option`.
//!
//! ```
//! use cors_rules::stored::{AllowedHeaders, JoinedNames, JoinedOrigins};
//! use cors_rules::OriginEntry;
//!
//! let origins = JoinedOrigins::join(["https://app.example.com", "https://*.example.org"]);
//! let entries: Vec<String> = JoinedOrigins::new(&origins).entries().map(|e| e.to_string()).collect();
//! assert_eq!(entries, ["https://app.example.com", "https://*.example.org"]);
//!
//! let headers = AllowedHeaders::Any { authorization: true };
//! assert_eq!(headers.header_value(), Some("*, Authorization"));
//! assert_eq!(AllowedHeaders::stored("*, Authorization"), headers);
//! let methods = JoinedNames::join(["GET", "POST"]);
//! assert_eq!(JoinedNames::new(&methods).entries().collect::<Vec<_>>(), ["GET", "POST"]);
//! ```

use crate::entry::OriginEntry;
use crate::header::WILDCARD;

/// An `origins` list: the checked entries as written, exact origins and subdomain patterns in the
/// policy's order, joined with spaces (no checked entry holds one); `*` alone for any origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinedOrigins<'a>(&'a str);

impl<'a> JoinedOrigins<'a> {
    /// The stored form of `origins = ["*"]`.
    pub const ANY: &'static str = WILDCARD;

    /// The stored form of checked entries (see [`crate::OriginList`]).
    pub fn join<'e>(entries: impl IntoIterator<Item = &'e str>) -> String {
        entries.into_iter().collect::<Vec<_>>().join(" ")
    }

    /// Reads a stored list.
    pub const fn new(joined: &'a str) -> Self {
        JoinedOrigins(joined)
    }

    /// Whether this is `origins = ["*"]`.
    pub fn is_any(&self) -> bool {
        self.0 == WILDCARD
    }

    /// The entries as written, in the policy's order; none for `*`.
    pub fn texts(&self) -> impl Iterator<Item = &'a str> {
        let list = if self.is_any() { "" } else { self.0 };
        list.split(' ').filter(|entry| !entry.is_empty())
    }

    /// The entries, in the policy's order; none for `*`.
    pub fn entries(&self) -> impl Iterator<Item = OriginEntry<'a>> {
        self.texts().map(OriginEntry::of_checked)
    }
}

/// Method or header names joined with `, `: the very value of `Access-Control-Allow-Methods`,
/// `-Allow-Headers` and `-Expose-Headers` (no name is allowed to hold a comma or a space).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinedNames<'a>(&'a str);

impl<'a> JoinedNames<'a> {
    /// The stored form of checked names.
    pub fn join<'e>(names: impl IntoIterator<Item = &'e str>) -> String {
        names.into_iter().collect::<Vec<_>>().join(", ")
    }

    /// Reads a stored list.
    pub const fn new(joined: &'a str) -> Self {
        JoinedNames(joined)
    }

    /// The names, in the policy's order.
    pub fn entries(&self) -> impl Iterator<Item = &'a str> {
        self.0.split(", ").filter(|name| !name.is_empty())
    }

    /// The list as a header value.
    pub fn header_value(&self) -> &'a str {
        self.0
    }

    /// Whether the list has no name.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Which request headers a page may send (the `headers` key), stored as the value of
/// `Access-Control-Allow-Headers` itself: empty, the names, or `*` first, followed by
/// `Authorization` when it is listed beside the `*` (a `*` never covers it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowedHeaders<'a> {
    /// No `headers` key: only CORS-safelisted request headers.
    None,
    /// Named headers, as written.
    List(JoinedNames<'a>),
    /// `headers = ["*"]`: any header but `Authorization`, unless it is listed beside the `*`.
    Any {
        /// Whether `Authorization` is listed beside the `*`.
        authorization: bool,
    },
}

impl<'a> AllowedHeaders<'a> {
    /// Reads the stored form, [`header_value`](Self::header_value) or empty.
    pub fn stored(value: &'a str) -> Self {
        let names = JoinedNames::new(value);
        let mut entries = names.entries();
        match entries.next() {
            None => AllowedHeaders::None,
            Some(WILDCARD) => AllowedHeaders::Any {
                authorization: entries.next().is_some(),
            },
            Some(_) => AllowedHeaders::List(names),
        }
    }

    /// The value of `Access-Control-Allow-Headers`, which is also the stored form; none without
    /// a `headers` key.
    pub fn header_value(&self) -> Option<&'a str> {
        match self {
            AllowedHeaders::None => None,
            AllowedHeaders::List(names) => Some(names.header_value()),
            AllowedHeaders::Any {
                authorization: true,
            } => Some("*, Authorization"),
            AllowedHeaders::Any {
                authorization: false,
            } => Some(WILDCARD),
        }
    }

    /// The named headers, as written; none without a `headers` key or for a `*`.
    pub fn names(&self) -> impl Iterator<Item = &'a str> {
        let names = match self {
            AllowedHeaders::List(names) => *names,
            AllowedHeaders::None | AllowedHeaders::Any { .. } => JoinedNames::new(""),
        };
        names.entries()
    }
}

/// The stored form of `max_age`: the value of `Access-Control-Max-Age` itself, in decimal, or
/// empty without one. Kept as text, like the other header values, so that the runtime makes a
/// static header value of it, which costs a request nothing to copy.
pub fn store_max_age(seconds: Option<u32>) -> String {
    seconds
        .map(|seconds| seconds.to_string())
        .unwrap_or_default()
}

/// Reads a stored `max_age`.
pub fn stored_max_age(stored: &str) -> Option<u32> {
    stored.parse().ok()
}
