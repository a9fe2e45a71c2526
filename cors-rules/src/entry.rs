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
