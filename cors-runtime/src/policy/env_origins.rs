//! `origins_env = "VAR"`: more origins, a list read from the environment once, when the app is
//! built.
//!
//! Entries of the variable pass exactly the checks the macro applies to literals
//! ([`cors_rules::OriginList`]). A bad entry, or a missing variable on a route without
//! static `origins`, stops the app while it is being built, with a message naming the variable,
//! the entry and the rule: it is never dropped silently, and never discovered on a request.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use cors_rules::stored::JoinedOrigins;
use cors_rules::{OriginEntry, OriginList, WILDCARD};

/// `origins_env = "VAR"`: the variable's name, and its checked contents once read.
#[derive(Debug)]
pub struct EnvOrigins {
    var: &'static str,
    /// Declared by the named policy the route builds on, not by the route itself.
    of_named_policy: bool,
    read: OnceLock<Result<OriginList, String>>,
    /// Whether a refusal of the variable was already printed: every worker builds the app and
    /// stops on the same refusal, and one message says it all.
    reported: AtomicBool,
}

impl EnvOrigins {
    pub(crate) const fn new(var: &'static str, of_named_policy: bool) -> Self {
        EnvOrigins {
            var,
            of_named_policy,
            read: OnceLock::new(),
            reported: AtomicBool::new(false),
        }
    }

    /// The variable's name.
    pub fn var(&self) -> &'static str {
        self.var
    }

    /// The accepted entries, once the variable was read.
    pub fn entries(&self) -> Option<impl Iterator<Item = OriginEntry<'_>>> {
        self.list().map(OriginList::entries)
    }

    pub(crate) fn list(&self) -> Option<&OriginList> {
        self.read.get()?.as_ref().ok()
    }

    /// The variable's checked entries, read the first time (see [`EnvOrigins::read`]).
    ///
    /// # Panics
    ///
    /// When the variable is refused, so that the app being built never serves. The first panic
    /// prints the message; later ones (the other workers building the same app) unwind with the
    /// same message without printing it again.
    pub(crate) fn read_or_stop(
        &self,
        route: &str,
        named: &str,
        static_origins: JoinedOrigins<'_>,
    ) -> &OriginList {
        match self.read(route, named, static_origins) {
            Ok(list) => list,
            Err(problem) if self.reported.swap(true, Ordering::Relaxed) => {
                std::panic::resume_unwind(Box::new(problem.to_owned()))
            }
            Err(problem) => panic!("{problem}"),
        }
    }

    /// Reads and checks the variable the first time, together with the route's own `origins`;
    /// later calls give the first answer, so the list cannot change under a running app. A
    /// refusal names the variable's owner: the named policy that declared it, or the route.
    pub(crate) fn read(
        &self,
        route: &str,
        named: &str,
        static_origins: JoinedOrigins<'_>,
    ) -> Result<&OriginList, &str> {
        let read = self.read.get_or_init(|| {
            let owner = if self.of_named_policy {
                format!("policy `{named}` (route `{route}`)")
            } else {
                format!("route `{route}`")
            };
            let value = std::env::var(self.var);
            let value = match &value {
                Ok(value) => Some(value.as_str()),
                Err(std::env::VarError::NotPresent) => {
                    // Once: the variable is read once per process, whoever reads it first.
                    log::info!(
                        target: "cors_runtime",
                        "{owner}: environment variable `{}` is not set; its origins come from \
                         `origins` alone",
                        self.var
                    );
                    None
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    return Err(format!(
                        "cors_runtime: {owner}: environment variable `{}` is not valid UTF-8",
                        self.var
                    ))
                }
            };
            parse(self.var, value, static_origins)
                .map_err(|problem| format!("cors_runtime: {owner}: {problem}"))
        });
        read.as_ref().map_err(String::as_str)
    }
}

/// Checks every `origins_env` variable of the program now, as building an app would, so that a
/// bad entry stops `main()` before the server binds its port rather than after ("listening on").
/// Each variable is read once per process; the apps built later read the same answer.
///
/// ```
/// fn main() -> std::process::ExitCode {
///     if let Err(problems) = cors_runtime::check_origins_env() {
///         eprintln!("{problems}");
///         return std::process::ExitCode::FAILURE;
///     }
///     // HttpServer::new(..).bind(..)?.run() ...
///     std::process::ExitCode::SUCCESS
/// }
/// ```
pub fn check_origins_env() -> Result<(), OriginsEnvError> {
    let mut problems = Vec::new();
    for policy in crate::policies() {
        let stored = policy.stored();
        let Some(env) = &stored.runtime_origins.env else {
            continue;
        };
        let listed = JoinedOrigins::new(stored.origins);
        if let Err(problem) = env.read(stored.route, stored.named, listed) {
            if !problems.iter().any(|known| known == problem) {
                problems.push(problem.to_owned());
            }
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(OriginsEnvError { problems }),
    }
}

/// What [`check_origins_env`] found: one line per variable refused, naming the variable, the
/// policy, the entry and the rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginsEnvError {
    problems: Vec<String>,
}

impl OriginsEnvError {
    /// Each refusal, as the app would print it when built.
    pub fn problems(&self) -> &[String] {
        &self.problems
    }
}

impl std::fmt::Display for OriginsEnvError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.problems.join("\n"))
    }
}

impl std::error::Error for OriginsEnvError {}

/// Parses the variable's value: entries separated by commas, spaces and tabs around each ignored.
/// The entries and the route's own `origins` are checked as one list, with the rules a list of
/// literals obeys: no origin twice, none that a pattern of either already matches. Returns the
/// variable's entries only.
fn parse(
    var: &str,
    value: Option<&str>,
    static_origins: JoinedOrigins<'_>,
) -> Result<OriginList, String> {
    let value = value.unwrap_or_default();
    let at = |problem: String| format!("environment variable `{var}`: {problem}");
    // The route's origins passed the same rules at compile time.
    let mut union = OriginList::default();
    for entry in static_origins.texts() {
        if let Err(problem) = union.push(entry) {
            return Err(at(format!("the route's origin `{entry}` {problem}")));
        }
    }
    let static_len = union.len();
    if value.trim().is_empty() {
        if static_len > 0 {
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
    for (index, entry) in value.split(',').enumerate() {
        let entry = entry.trim_matches([' ', '\t']);
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
        let in_static = union.texts().take(static_len).any(|listed| listed == entry);
        if in_static {
            return Err(at(format!(
                "entry `{entry}` is already in the route's `origins`; remove it from `{var}`"
            )));
        }
        if let Err(problem) = union.push(entry) {
            return Err(at(format!("entry `{entry}` {problem}")));
        }
    }
    if let Some((index, problem)) = union.covered().next() {
        let origin = union.texts().nth(index).unwrap_or_default();
        let which = if index < static_len {
            "the route's origin"
        } else {
            "entry"
        };
        return Err(at(format!("{which} `{origin}` {problem}")));
    }
    Ok(union.split_off(static_len))
}

#[cfg(test)]
mod tests {
    use cors_rules::stored::JoinedOrigins;

    use super::parse;

    const NONE: JoinedOrigins = JoinedOrigins::new("");
    const SOME: JoinedOrigins = JoinedOrigins::new("https://static.example.org");

    #[test]
    fn entries_are_trimmed_and_checked_like_literals() {
        let list = parse(
            "V",
            Some(" https://a.example.com ,\thttps://*.b.example.com"),
            NONE,
        )
        .unwrap();
        assert_eq!(
            list.texts().collect::<Vec<_>>(),
            ["https://a.example.com", "https://*.b.example.com"]
        );

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
            let error = parse("V", Some(value), SOME).unwrap_err();
            assert!(error.starts_with("environment variable `V`: "), "{error}");
            assert!(error.contains(fragment), "{value:?}: {error}");
        }
        assert!(parse("V", None, NONE).unwrap_err().contains("is not set"));
        assert!(parse("V", Some("  "), NONE)
            .unwrap_err()
            .contains("is blank"));
        assert!(parse("V", None, SOME).unwrap().is_empty());
    }

    /// The variable and the route's own `origins` obey the rules of one list, as two lists of
    /// literals merged into one would (SECURITY.md, S18).
    #[test]
    fn entries_are_checked_together_with_the_routes_origins() {
        let route = JoinedOrigins::new("https://app.example.com https://*.preview.example.com");
        for (value, message) in [
            (
                "https://app.example.com",
                "entry `https://app.example.com` is already in the route's `origins`; remove it \
                 from `V`",
            ),
            (
                "https://*.preview.example.com",
                "entry `https://*.preview.example.com` is already in the route's `origins`; \
                 remove it from `V`",
            ),
            (
                "https://pr-7.preview.example.com",
                "entry `https://pr-7.preview.example.com` is already matched by \
                 `https://*.preview.example.com`; remove one",
            ),
            (
                "https://*.example.com",
                "the route's origin `https://app.example.com` is already matched by \
                 `https://*.example.com`; remove one",
            ),
        ] {
            assert_eq!(
                parse("V", Some(value), route).unwrap_err(),
                format!("environment variable `V`: {message}")
            );
        }
        // Only the variable's own entries are returned.
        let list = parse("V", Some("https://staging.example.com"), route).unwrap();
        assert_eq!(
            list.texts().collect::<Vec<_>>(),
            ["https://staging.example.com"]
        );
    }
}
