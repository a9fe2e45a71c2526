//! One entry of an origin list, wherever the list comes from: a literal in `#[cors(origins =
//! [...])]` checked by the macro, or an entry of an `origins_env` variable checked when the app
//! starts. Both go through here, so the two can never accept different things.

use crate::any_port::{check_loopback_any_port, LoopbackAnyPort};
use crate::origin::check_origin;
use crate::pattern::{check_origin_pattern, OriginPattern};
use crate::problem::Problem;

/// An origin-list entry: a serialized origin or a subdomain pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginEntry<'a> {
    /// A serialized origin, compared byte for byte.
    Exact(&'a str),
    /// A one-label subdomain pattern, split around its `*`.
    Pattern(OriginPattern<'a>),
    /// A loopback origin on any port: `http://localhost:*`.
    AnyPort(LoopbackAnyPort<'a>),
}

impl<'a> OriginEntry<'a> {
    /// Reads an entry that already passed [`check_origin_entry`], as it was written: a loopback
    /// origin on any port when it ends with `:*`, else a pattern when it holds a `*`. Telling them
    /// apart and splitting the pattern are one step, so no entry can be lost between them.
    ///
    /// ```
    /// use cors_rules::OriginEntry;
    ///
    /// assert_eq!(OriginEntry::of_checked("https://a.example.com"), OriginEntry::Exact("https://a.example.com"));
    /// let OriginEntry::Pattern(pattern) = OriginEntry::of_checked("https://*.example.com") else { panic!() };
    /// assert_eq!((pattern.prefix, pattern.suffix), ("https://", ".example.com"));
    /// ```
    pub fn of_checked(entry: &'a str) -> Self {
        if let Some(origin) = entry.strip_suffix(":*") {
            return OriginEntry::AnyPort(LoopbackAnyPort { origin });
        }
        match entry.split_once('*') {
            Some((prefix, suffix)) => OriginEntry::Pattern(OriginPattern { prefix, suffix }),
            None => OriginEntry::Exact(entry),
        }
    }

    /// Does the request's `Origin` value match: byte for byte for an exact origin, one label
    /// under the pattern's parent for a pattern, the same origin on any port for a loopback one?
    pub fn matches(&self, origin: &[u8]) -> bool {
        match self {
            OriginEntry::Exact(exact) => exact.as_bytes() == origin,
            OriginEntry::Pattern(pattern) => pattern.matches(origin),
            OriginEntry::AnyPort(any_port) => any_port.matches(origin),
        }
    }
}

/// The entry as written: `https://app.example.com`, `https://*.example.com`.
impl std::fmt::Display for OriginEntry<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OriginEntry::Exact(origin) => f.write_str(origin),
            OriginEntry::Pattern(pattern) => pattern.fmt(f),
            OriginEntry::AnyPort(any_port) => any_port.fmt(f),
        }
    }
}

/// Checks one entry: a loopback origin on any port when it ends with `:*`, a pattern when it
/// holds another `*`, else a serialized origin.
///
/// ```
/// use cors_rules::{check_origin_entry, OriginEntry};
///
/// assert_eq!(check_origin_entry("https://app.example.com"), Ok(OriginEntry::Exact("https://app.example.com")));
/// assert!(matches!(check_origin_entry("https://*.example.com"), Ok(OriginEntry::Pattern(_))));
/// assert!(check_origin_entry("https://app.example.com/").is_err());
/// ```
pub fn check_origin_entry(entry: &str) -> Result<OriginEntry<'_>, Problem> {
    if entry.ends_with(":*") {
        check_loopback_any_port(entry).map(OriginEntry::AnyPort)
    } else if entry.contains('*') {
        check_origin_pattern(entry).map(OriginEntry::Pattern)
    } else {
        check_origin(entry).map(|()| OriginEntry::Exact(entry))
    }
}

/// A whole origin list, with the rules that concern the list and not one entry: none is listed
/// twice, and no exact origin is one a pattern of the list already matches. The macro checks
/// `origins = [...]` with it and the runtime checks `origins_env` entries with it, so the two
/// lists obey the same rules.
///
/// ```
/// use cors_rules::OriginList;
///
/// let mut list = OriginList::default();
/// list.push("https://a.example.com").unwrap();
/// list.push("https://*.example.com").unwrap();
/// assert!(list.push("https://a.example.com").is_err());
/// let covered: Vec<usize> = list.covered().map(|(index, _)| index).collect();
/// assert_eq!(covered, [0]);
/// assert!(list.matches(b"https://b.example.com"));
/// ```
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OriginList {
    /// The checked entries as written, in order.
    entries: Vec<String>,
}

impl OriginList {
    /// Adds one entry, or says which rule it breaks (the message does not repeat the entry).
    pub fn push(&mut self, entry: &str) -> Result<(), Problem> {
        if self.contains(entry) {
            return Err(Problem::new("is listed twice; remove one"));
        }
        check_origin_entry(entry)?;
        self.entries.push(entry.to_owned());
        Ok(())
    }

    /// Is `entry` listed, as written?
    pub fn contains(&self, entry: &str) -> bool {
        self.entries.iter().any(|listed| listed == entry)
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the list has no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries as written, in order.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(String::as_str)
    }

    /// The entries, in order.
    pub fn entries(&self) -> impl Iterator<Item = OriginEntry<'_>> {
        self.texts().map(OriginEntry::of_checked)
    }

    /// Does the request's `Origin` value match an entry?
    pub fn matches(&self, origin: &[u8]) -> bool {
        self.entries().any(|entry| entry.matches(origin))
    }

    /// The entries from index `at` on, which leave this list.
    pub fn split_off(&mut self, at: usize) -> OriginList {
        OriginList {
            entries: self.entries.split_off(at),
        }
    }

    /// Once every entry is in: each exact origin (by its index in the list) that a pattern (or a
    /// loopback origin on any port) of the list already matches, and why it should go.
    pub fn covered(&self) -> impl Iterator<Item = (usize, Problem)> + '_ {
        self.entries()
            .enumerate()
            .filter_map(|(index, entry)| match entry {
                OriginEntry::Exact(origin) => Some((index, origin)),
                OriginEntry::Pattern(_) | OriginEntry::AnyPort(_) => None,
            })
            .filter_map(|(index, origin)| {
                let mut patterns = self
                    .entries()
                    .filter(|entry| !matches!(entry, OriginEntry::Exact(_)));
                patterns
                    .find(|pattern| pattern.matches(origin.as_bytes()))
                    .map(|pattern| {
                        let message = format!("is already matched by `{pattern}`; remove one");
                        (index, Problem::new(message))
                    })
            })
    }
}
