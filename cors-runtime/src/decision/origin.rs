//! Whether a request's `Origin` is allowed by a policy's lists (`origins`, and the `origins_env`
//! entries): compared byte for byte with what the browser sent, never lowercased, trimmed,
//! decoded or split (Fetch Standard, "CORS check").

use cors_rules::stored::JoinedOrigins;
use cors_rules::{OriginEntry, OriginList};

/// A policy's lists of origins, ready for matching.
#[derive(Debug)]
pub struct OriginLists {
    /// `origins = ["*"]`.
    any: bool,
    /// The exact origins, in the policy's order.
    exact: Box<[&'static str]>,
    /// Subdomain patterns and loopback origins on any port: entries matched other than byte for
    /// byte.
    patterns: Box<[OriginEntry<'static>]>,
    /// The `origins_env` entries, read when the policy was prepared.
    env: Option<&'static OriginList>,
}

/// What the lists say about one origin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListMatch {
    /// A `*` policy: every origin, answered with `*`.
    Any,
    /// Listed exactly, at this index of the exact origins: the answer can be the policy's own
    /// value, byte-equal to the request's.
    Exact(usize),
    /// Matched a pattern, a loopback origin on any port or an `origins_env` entry: the answer
    /// repeats the request's value.
    Matched,
    /// No list names it.
    NotListed,
}

impl OriginLists {
    /// Splits the policy's origins into exact values (looked up by index) and the patterns
    /// tried one by one; `env` is the `origins_env` list, read once at start-up.
    pub fn new(origins: JoinedOrigins<'static>, env: Option<&'static OriginList>) -> Self {
        let mut exact = Vec::new();
        let mut patterns = Vec::new();
        for entry in origins.entries() {
            match entry {
                OriginEntry::Exact(origin) => exact.push(origin),
                pattern => patterns.push(pattern),
            }
        }
        OriginLists {
            any: origins.is_any(),
            exact: exact.into(),
            patterns: patterns.into(),
            env,
        }
    }

    /// Whether every origin gets the same answer (`*`), so that caches need no `Vary: Origin`.
    pub fn is_any(&self) -> bool {
        self.any
    }

    /// The exact origins, in the policy's order: what [`ListMatch::Exact`] indexes.
    pub fn exact(&self) -> &[&'static str] {
        &self.exact
    }

    /// Matches one `Origin` value. A value that is not exactly a listed origin, or one label
    /// under a listed pattern, never matches, whatever bytes it holds.
    #[inline]
    pub fn find(&self, origin: &[u8]) -> ListMatch {
        if self.any {
            return ListMatch::Any;
        }
        if let Some(index) = self.exact.iter().position(|o| o.as_bytes() == origin) {
            return ListMatch::Exact(index);
        }
        let listed = self.patterns.iter().any(|pattern| pattern.matches(origin))
            || self.env.is_some_and(|env| env.matches(origin));
        match listed {
            true => ListMatch::Matched,
            false => ListMatch::NotListed,
        }
    }
}
