//! Origins known only at run time: `origins_env = "VAR"` (a list read from the environment once,
//! when the app is built) and `origin_fn = path` (a predicate consulted for origins the static
//! list does not name, such as database-backed tenants).
//!
//! Entries of the variable pass exactly the checks the macro applies to literals
//! ([`cors_rules::OriginList`]). A bad entry, or a missing variable on a route without
//! static `origins`, stops the app while it is being built, with a message naming the variable,
//! the entry and the rule: it is never dropped silently, and never discovered on a request.

use std::sync::OnceLock;

use cors_rules::{OriginList, WILDCARD};

/// `origins_env = "VAR"`: the variable's name, and its checked contents once read.
#[derive(Debug)]
pub struct EnvOrigins {
    var: &'static str,
    resolved: OnceLock<Result<OriginList, String>>,
}

impl EnvOrigins {
    /// The origins of environment variable `var`, not read yet. Called by generated code.
    pub const fn new(var: &'static str) -> Self {
        EnvOrigins {
            var,
            resolved: OnceLock::new(),
        }
    }

    /// The variable's name.
    pub fn var(&self) -> &'static str {
        self.var
    }

    /// Reads and checks the variable the first time; later calls give the first answer, so the
    /// list cannot change under a running app.
    pub(crate) fn resolve(&self, route: &str, has_static_origins: bool) -> Result<(), &str> {
        let resolved = self.resolved.get_or_init(|| {
            let value = std::env::var(self.var);
            let value = match &value {
                Ok(value) => Some(value.as_str()),
                Err(std::env::VarError::NotPresent) => None,
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(format!(
                        "cors_runtime: route `{route}`: environment variable `{}` is not valid \
                         UTF-8",
                        self.var
                    ))
                }
            };
            parse(self.var, value, has_static_origins)
                .map_err(|problem| format!("cors_runtime: route `{route}`: {problem}"))
        });
        resolved.as_ref().map(|_| ()).map_err(String::as_str)
    }

    /// Does the request's `Origin` match an entry? Never before the variable was read and
    /// accepted.
    pub(crate) fn matches(&self, origin: &[u8]) -> bool {
        let Some(Ok(list)) = self.resolved.get() else {
            return false;
        };
        list.exact.iter().any(|exact| exact.as_bytes() == origin)
            || list.pattern_splits().any(|pattern| pattern.matches(origin))
    }

    /// The accepted entries, as written, once the variable was read.
    pub fn origins(&self) -> Option<Vec<&str>> {
        let Some(Ok(list)) = self.resolved.get() else {
            return None;
        };
        let patterns = list.patterns.iter().map(|(pattern, _)| pattern.as_str());
        Some(
            list.exact
                .iter()
                .map(String::as_str)
                .chain(patterns)
                .collect(),
        )
    }
}

/// Parses the variable's value: entries separated by commas, spaces and tabs around each ignored.
fn parse(var: &str, value: Option<&str>, has_static_origins: bool) -> Result<OriginList, String> {
    let value = value.unwrap_or_default();
    if value.trim().is_empty() {
        if has_static_origins {
            return Ok(OriginList::default());
        }
        let state = if value.is_empty() {
            "is not set or empty"
        } else {
            "is blank"
        };
        return Err(format!(
            "environment variable `{var}` {state}, and the route lists no static `origins`: set \
             it to a comma-separated list of origins, like \
             `{var}=https://app.example.com,https://*.preview.example.com`"
        ));
    }
    let mut list = OriginList::default();
    for (index, entry) in value.split(',').enumerate() {
        let entry = entry.trim_matches([' ', '\t']);
        let at = |problem: String| format!("environment variable `{var}`: {problem}");
        if entry.is_empty() {
            return Err(at(format!(
                "entry {} is empty (two commas in a row, or a comma at the end?)",
                index + 1
            )));
        }
        if entry == WILDCARD {
            return Err(at(
                "entry `*`: any-origin cannot come from the environment; write \
                 `origins = [\"*\"]` on the route"
                    .into(),
            ));
        }
        if let Err(problem) = list.push(entry) {
            return Err(at(format!("entry `{entry}` {problem}")));
        }
    }
    if let Some((index, problem)) = list.covered().next() {
        let entry = &list.exact[index];
        return Err(format!(
            "environment variable `{var}`: entry `{entry}` {problem}"
        ));
    }
    Ok(list)
}

/// A policy's sources of origins known only at run time, `origins_env` and `origin_fn`. Most
/// policies have neither and share one empty `static`; generated code gives a policy that has
/// one a `static` of its own, since the environment's origins are read once, into it.
#[doc(hidden)]
#[derive(Debug)]
pub struct RuntimeOrigins {
    /// `origins_env = "VAR"`: more origins, read from the environment when the app is built.
    pub env: Option<EnvOrigins>,
    /// `origin_fn = path`: decides origins that no list names.
    pub check: Option<OriginFn>,
}

/// `origin_fn = path::to::predicate`: decides origins the static list does not name. It only
/// ever sees a single, well-formed serialized origin.
#[derive(Debug, Clone, Copy)]
pub struct OriginFn {
    /// The path as written, for the audit listing.
    pub name: &'static str,
    /// The predicate.
    pub check: fn(&str) -> bool,
}

impl OriginFn {
    /// Consults the predicate when `origin` is a serialized origin; anything else never reaches it.
    pub(crate) fn allows(&self, origin: &[u8]) -> bool {
        std::str::from_utf8(origin)
            .is_ok_and(|origin| cors_rules::is_serialized_origin(origin) && (self.check)(origin))
    }
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn entries_are_trimmed_and_checked_like_literals() {
        let list = parse(
            "V",
            Some(" https://a.example.com ,\thttps://*.b.example.com"),
            false,
        )
        .unwrap();
        assert_eq!(list.exact, ["https://a.example.com"]);
        assert_eq!(list.patterns, [("https://*.b.example.com".to_owned(), 8)]);

        for (value, fragment) in [
            (
                "https://a.example.com/",
                "entry `https://a.example.com/` ends with `/`",
            ),
            (
                "https://a.example.com,,https://b.example.com",
                "entry 2 is empty",
            ),
            ("https://a.example.com,", "entry 2 is empty"),
            ("*", "entry `*`"),
            ("null", "entry `null`"),
            (
                "https://*.github.io",
                "entry `https://*.github.io` would match every site",
            ),
            (
                "https://a.example.com, https://a.example.com",
                "listed twice",
            ),
            // The macro refuses this list too: one rule set for both.
            (
                "https://a.example.com, https://*.example.com",
                "entry `https://a.example.com` is already matched by `https://*.example.com`",
            ),
        ] {
            let error = parse("V", Some(value), true).unwrap_err();
            assert!(error.starts_with("environment variable `V`: "), "{error}");
            assert!(error.contains(fragment), "{value:?}: {error}");
        }
        assert!(parse("V", None, false).unwrap_err().contains("is not set"));
        assert!(parse("V", Some("  "), false)
            .unwrap_err()
            .contains("is blank"));
        assert!(parse("V", None, true).unwrap().exact.is_empty());
    }
}
