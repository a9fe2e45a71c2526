//! One entry of an origin list, wherever the list comes from: a literal in `#[cors(origins =
//! [...])]` checked by the macro, or an entry of an `origins_env` variable checked when the app
//! starts. Both go through here, so the two can never accept different things.

use crate::origin::check_origin;
use crate::pattern::{check_origin_pattern, OriginPattern};
use crate::problem::Problem;

/// A checked origin-list entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OriginEntry<'a> {
    /// A serialized origin, compared byte for byte.
    Exact,
    /// A one-label subdomain pattern, split around its `*`.
    Pattern(OriginPattern<'a>),
}

/// Checks one entry: a pattern when it holds a `*`, else a serialized origin.
///
/// ```
/// use cors_rules::{check_origin_entry, OriginEntry};
///
/// assert_eq!(check_origin_entry("https://app.example.com"), Ok(OriginEntry::Exact));
/// assert!(matches!(check_origin_entry("https://*.example.com"), Ok(OriginEntry::Pattern(_))));
/// assert!(check_origin_entry("https://app.example.com/").is_err());
/// ```
pub fn check_origin_entry(entry: &str) -> Result<OriginEntry<'_>, Problem> {
    if entry.contains('*') {
        check_origin_pattern(entry).map(OriginEntry::Pattern)
    } else {
        check_origin(entry).map(|()| OriginEntry::Exact)
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
/// ```
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OriginList {
    /// The exact origins, in order.
    pub exact: Vec<String>,
    /// The patterns as written, each with the byte index of its `*`.
    pub patterns: Vec<(String, usize)>,
}

impl OriginList {
    /// Adds one entry, or says which rule it breaks (the message does not repeat the entry).
    pub fn push(&mut self, entry: &str) -> Result<(), Problem> {
        let listed =
            self.exact.iter().any(|e| e == entry) || self.patterns.iter().any(|(p, _)| p == entry);
        if listed {
            return Err(Problem::new("is listed twice; remove one"));
        }
        match check_origin_entry(entry)? {
            OriginEntry::Exact => self.exact.push(entry.to_owned()),
            OriginEntry::Pattern(pattern) => {
                self.patterns.push((entry.to_owned(), pattern.prefix.len()));
            }
        }
        Ok(())
    }

    /// The patterns, split for matching.
    pub fn pattern_splits(&self) -> impl Iterator<Item = OriginPattern<'_>> {
        self.patterns.iter().map(|(pattern, star)| OriginPattern {
            prefix: &pattern[..*star],
            suffix: &pattern[*star + 1..],
        })
    }

    /// Once every entry is in: each exact origin (by its index in `exact`) that a pattern of the
    /// list already matches, and why it should go.
    pub fn covered(&self) -> impl Iterator<Item = (usize, Problem)> + '_ {
        self.exact.iter().enumerate().filter_map(|(index, origin)| {
            let mut covering = self.pattern_splits().zip(&self.patterns);
            covering
                .find(|(split, _)| split.matches(origin.as_bytes()))
                .map(|(_, (pattern, _))| {
                    let message = format!("is already matched by `{pattern}`; remove one");
                    (index, Problem::new(message))
                })
        })
    }
}
