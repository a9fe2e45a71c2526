//! One entry of an origin list, wherever the list comes from: a literal in `#[cors(origins =
//! [...])]` checked by the macro, or an entry of an `origins_env` variable checked when the app
//! starts. Both go through here, so the two can never accept different things.

use std::collections::HashMap;

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
/// The list is indexed as it is filled, so that its size does not slow a request down: [`push`],
/// [`contains`] and [`matches`] take about constant time however many entries the list holds,
/// and [`covered`] time linear in their number. An exact origin is one hash look-up; a pattern is
/// found by the one parent domain and port a request's origin could be one label under; loopback
/// origins on any port are scanned, and a list holds at most six of them (three hosts, two
/// schemes).
///
/// [`push`]: OriginList::push
/// [`contains`]: OriginList::contains
/// [`matches`]: OriginList::matches
/// [`covered`]: OriginList::covered
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
#[derive(Default, Clone, PartialEq, Eq)]
pub struct OriginList {
    /// The checked entries as written, in order.
    entries: Vec<String>,
    /// Every entry's text, and whether it is an exact origin: a duplicate and an exact origin
    /// are one look-up each.
    by_text: HashMap<Box<[u8]>, bool>,
    /// The indices of the subdomain patterns, by what follows their `*` (`.example.com:8443`).
    patterns_by_suffix: HashMap<Box<[u8]>, Vec<usize>>,
    /// The indices of the loopback origins on any port.
    any_port: Vec<usize>,
}

impl OriginList {
    /// Adds one entry, or says which rule it breaks (the message does not repeat the entry).
    pub fn push(&mut self, entry: &str) -> Result<(), Problem> {
        if self.contains(entry) {
            return Err(Problem::new("is listed twice; remove one"));
        }
        check_origin_entry(entry)?;
        self.index(entry);
        self.entries.push(entry.to_owned());
        Ok(())
    }

    /// Records where `entry`, checked and about to be pushed, will be found.
    fn index(&mut self, entry: &str) {
        let index = self.entries.len();
        let checked = OriginEntry::of_checked(entry);
        let exact = matches!(checked, OriginEntry::Exact(_));
        self.by_text.insert(entry.as_bytes().into(), exact);
        match checked {
            OriginEntry::Exact(_) => {}
            OriginEntry::Pattern(pattern) => self
                .patterns_by_suffix
                .entry(pattern.suffix.as_bytes().into())
                .or_default()
                .push(index),
            OriginEntry::AnyPort(_) => self.any_port.push(index),
        }
    }

    /// A list of entries that all passed [`OriginList::push`] already.
    fn of_checked(entries: Vec<String>) -> OriginList {
        let mut list = OriginList::default();
        for entry in entries {
            list.index(&entry);
            list.entries.push(entry);
        }
        list
    }

    /// Is `entry` listed, as written?
    pub fn contains(&self, entry: &str) -> bool {
        self.by_text.contains_key(entry.as_bytes())
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

    fn entry(&self, index: usize) -> OriginEntry<'_> {
        OriginEntry::of_checked(&self.entries[index])
    }

    /// Does the request's `Origin` value match an entry?
    pub fn matches(&self, origin: &[u8]) -> bool {
        let exact = self.by_text.get(origin).is_some_and(|&exact| exact);
        exact || self.first_pattern_matching(origin).is_some()
    }

    /// The index of the first pattern or loopback origin on any port, in the list's order, that
    /// matches `origin`.
    fn first_pattern_matching(&self, origin: &[u8]) -> Option<usize> {
        let under_parent = pattern_suffix(origin)
            .and_then(|suffix| self.patterns_by_suffix.get(suffix))
            .map_or(&[][..], Vec::as_slice);
        under_parent
            .iter()
            .chain(&self.any_port)
            .copied()
            .filter(|&index| self.entry(index).matches(origin))
            .min()
    }

    /// The entries from index `at` on, which leave this list.
    pub fn split_off(&mut self, at: usize) -> OriginList {
        let rest = self.entries.split_off(at);
        *self = OriginList::of_checked(std::mem::take(&mut self.entries));
        OriginList::of_checked(rest)
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
                let pattern = self.first_pattern_matching(origin.as_bytes())?;
                let message = format!(
                    "is already matched by `{}`; remove one",
                    self.entry(pattern)
                );
                Some((index, Problem::new(message)))
            })
    }
}

/// What follows the leftmost label of `origin`'s host (`.example.com:8443` in
/// `https://eu.example.com:8443`): the only suffix a pattern matching `origin` can have. A
/// pattern's prefix is its scheme and `://`, with no other `:`, and its `*` stands for a label,
/// which holds no `.`; so a matching origin's first `:` ends its scheme, and the first `.` after
/// the `://` starts the pattern's suffix.
fn pattern_suffix(origin: &[u8]) -> Option<&[u8]> {
    let scheme_end = origin.iter().position(|&b| b == b':')?;
    let host = origin[scheme_end..].strip_prefix(b"://")?;
    let label_end = host.iter().position(|&b| b == b'.')?;
    Some(&host[label_end..])
}

/// The entries only: the indexes follow from them.
impl std::fmt::Debug for OriginList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginList")
            .field("entries", &self.entries)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the list answered when it scanned its entries one by one.
    fn scanned(list: &OriginList, origin: &[u8]) -> bool {
        list.entries().any(|entry| entry.matches(origin))
    }

    fn list(entries: &[&str]) -> OriginList {
        let mut list = OriginList::default();
        for entry in entries {
            list.push(entry).unwrap();
        }
        list
    }

    /// The indexes find exactly what a scan of every entry finds, byte for byte, for origins
    /// that match each kind of entry and for near misses of each.
    #[test]
    fn the_indexes_match_what_a_scan_matches() {
        let list = list(&[
            "https://app.example.com",
            "https://*.example.com",
            "https://*.eu.example.com:8443",
            "http://*.example.com",
            "x.y+z://*.example.com",
            "chrome-extension://abcdefghijklmnop",
            "http://localhost:*",
            "https://[::1]:*",
            "http://127.0.0.1:3000",
            "https://xn--bcher-kva.example",
        ]);
        let mut origins: Vec<String> = [
            "https://app.example.com",
            "https://b.example.com",
            "http://b.example.com",
            "x.y+z://b.example.com",
            "https://b.eu.example.com:8443",
            "https://b.eu.example.com",
            "https://a.b.example.com",
            "https://example.com",
            "https://.example.com",
            "https://B.example.com",
            "https://b.example.com.",
            "https://b.example.com:443",
            "https://evilexample.com",
            "https://*.example.com",
            "http://localhost:*",
            "http://localhost",
            "http://localhost:5173",
            "http://localhost:05173",
            "https://[::1]:8443",
            "http://[::1]:8443",
            "http://127.0.0.1:3000",
            "http://127.0.0.1:3001",
            "chrome-extension://abcdefghijklmnop",
            "https://xn--bcher-kva.example",
            "https:/b.example.com",
            "https//b.example.com",
            "https://b:x.example.com",
            "ht://tps://b.example.com",
            "",
            ":",
            "://.",
        ]
        .map(str::to_owned)
        .into();
        // Every entry's text with one byte changed, dropped or doubled.
        for entry in list.texts() {
            for at in 0..entry.len() {
                let mut changed = entry.as_bytes().to_vec();
                changed[at] ^= 0x20;
                origins.push(String::from_utf8_lossy(&changed).into_owned());
                let (head, tail) = entry.split_at(at);
                origins.push(format!("{head}{}", &tail[1..]));
                origins.push(format!("{head}{}{tail}", &tail[..1]));
            }
        }
        for origin in &origins {
            let origin = origin.as_bytes();
            assert_eq!(
                list.matches(origin),
                scanned(&list, origin),
                "{:?}",
                String::from_utf8_lossy(origin)
            );
        }
        assert!(list.matches(b"https://b.eu.example.com:8443"));
        assert!(
            !list.matches(b"https://*.example.com"),
            "a pattern's text is no origin"
        );
    }

    #[test]
    fn covered_names_the_first_entry_that_matches_in_the_lists_order() {
        let list = list(&[
            "http://localhost:3000",
            "https://a.example.com",
            "https://app.example.org",
            "https://*.example.com",
            "http://localhost:*",
            "https://a.example.org",
        ]);
        let covered: Vec<(usize, String)> = list
            .covered()
            .map(|(index, problem)| (index, problem.message))
            .collect();
        assert_eq!(
            covered,
            [
                (
                    0,
                    "is already matched by `http://localhost:*`; remove one".to_owned()
                ),
                (
                    1,
                    "is already matched by `https://*.example.com`; remove one".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_split_list_is_indexed_on_both_sides() {
        let mut head = list(&[
            "https://a.example.com",
            "https://*.b.example.com",
            "https://c.example.com",
            "https://*.d.example.com",
        ]);
        let tail = head.split_off(2);
        assert_eq!(
            head.texts().collect::<Vec<_>>(),
            ["https://a.example.com", "https://*.b.example.com"]
        );
        assert!(
            head.matches(b"https://x.b.example.com") && !head.matches(b"https://x.d.example.com")
        );
        assert!(head.contains("https://a.example.com") && !head.contains("https://c.example.com"));
        assert!(tail.matches(b"https://c.example.com") && tail.matches(b"https://x.d.example.com"));
        assert!(
            !tail.matches(b"https://a.example.com") && !tail.contains("https://*.b.example.com")
        );
    }

    /// A tenant table's size: each entry is pushed, checked against the others and matched in
    /// about constant time, so this takes as long as checking the entries one by one.
    #[test]
    fn a_large_list_is_filled_and_checked() {
        let mut list = OriginList::default();
        for index in 0..30_000 {
            let entry = match index % 10 {
                9 => format!("https://*.team-{index}.example.com"),
                _ => format!("https://shop-{index}.tenants.example"),
            };
            list.push(&entry).unwrap();
        }
        assert!(list.push("https://shop-0.tenants.example").is_err());
        list.push("https://a.team-9.example.com").unwrap();
        let covered: Vec<usize> = list.covered().map(|(index, _)| index).collect();
        assert_eq!(covered, [30_000]);
        assert!(list.matches(b"https://shop-29998.tenants.example"));
        assert!(list.matches(b"https://eu.team-29999.example.com"));
        assert!(!list.matches(b"https://shop-30000.tenants.example"));
    }
}
