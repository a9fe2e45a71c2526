//! Origins the application replaces while it serves: a tenant table reloaded from the database,
//! a config file re-read, an admin endpoint.
//!
//! A list is replaced whole. The new one is checked entry by entry with the rules a literal
//! `origins = [...]` obeys, and refused whole, with the message the compiler would give the
//! literal, if any entry breaks one: the old list then stays in force. A request reads the list
//! once, through an atomic pointer swap (`arc-swap`), so it sees the old list or the new one,
//! never a mix, and reading takes no lock and allocates nothing.
//!
//! The list is indexed when it is built (see [`cors_rules::OriginList`]), so a tenant table of
//! tens of thousands of entries costs a request what a list of three does.

use std::fmt;
use std::sync::Arc;

use arc_swap::ArcSwapOption;
use cors_rules::{OriginList, WILDCARD};

/// A list of allowed origins that the application can replace while serving.
///
/// Keep it in a `static` or in app data (`web::Data<ReloadableOrigins>`, read by an
/// `origin_fn` of the form `fn(&str, &ReloadableOrigins) -> bool`), fill it at startup, and let a
/// route consult it through `origin_fn`; replace it whenever the source changes (the handle is
/// `Sync`: any thread, any task):
///
/// ```
/// use cors_runtime::{cors, ReloadableOrigins};
///
/// static TENANT_ORIGINS: ReloadableOrigins = ReloadableOrigins::new();
///
/// fn is_tenant(origin: &str) -> bool {
///     TENANT_ORIGINS.allows(origin)
/// }
///
/// #[cors(origins = ["https://app.example.com"], origin_fn = is_tenant, credentials = true)]
/// #[actix_web::get("/orders")]
/// async fn orders() -> actix_web::HttpResponse {
///     actix_web::HttpResponse::Ok().finish()
/// }
///
/// TENANT_ORIGINS.replace(["https://shop.acme.example", "https://*.tenants.example.com"]).unwrap();
/// assert!(is_tenant("https://eu.tenants.example.com"));
///
/// // A bad list is refused whole, with the message the literal would get; the old one stays.
/// let refused = TENANT_ORIGINS.replace(["https://new.example", "https://typo.example/"]);
/// assert_eq!(
///     refused.unwrap_err().to_string(),
///     "origin `https://typo.example/` ends with `/`; an origin has no path, not even a trailing \
///      slash; did you mean `https://typo.example`?"
/// );
/// assert!(is_tenant("https://shop.acme.example"));
/// assert!(!is_tenant("https://new.example"));
/// ```
#[derive(Debug)]
pub struct ReloadableOrigins {
    current: ArcSwapOption<OriginList>,
}

impl ReloadableOrigins {
    /// An empty list, which allows no origin until the first [`replace`](Self::replace).
    pub const fn new() -> Self {
        ReloadableOrigins {
            current: ArcSwapOption::const_empty(),
        }
    }

    /// Replaces the whole list with `entries`, once every entry passed the rules of a literal
    /// `origins` list (a serialized origin, a one-label subdomain pattern, a loopback origin on
    /// any port; none twice, none that a pattern of the list already matches; no `*`). On the
    /// first entry that breaks one, nothing changes and the error says which and why. An empty
    /// list allows no origin.
    ///
    /// Takes time linear in the number of entries: each is checked as a literal would be, and
    /// found among the others by hash look-ups.
    pub fn replace<I, S>(&self, entries: I) -> Result<(), RefusedOrigin>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut list = OriginList::default();
        for entry in entries {
            let entry = entry.as_ref();
            if entry == WILDCARD {
                return Err(RefusedOrigin::new(
                    entry,
                    "allows every origin, which a replaceable list cannot: write \
                     `origins = [\"*\"]` on the route"
                        .into(),
                ));
            }
            list.push(entry)
                .map_err(|problem| RefusedOrigin::new(entry, problem.to_string()))?;
        }
        if let Some((index, problem)) = list.covered().next() {
            let entry = list.texts().nth(index).unwrap_or_default().to_owned();
            return Err(RefusedOrigin::new(&entry, problem.to_string()));
        }
        self.current.store(Some(Arc::new(list)));
        Ok(())
    }

    /// Whether the current list allows `origin`, the value of a request's `Origin` header,
    /// compared byte for byte.
    ///
    /// Takes about constant time, whatever the list's size: a hash look-up of the origin among
    /// the exact entries, one of the parent domain and port it could be one label under among the
    /// patterns, and a look at the loopback origins on any port (six at most).
    pub fn allows(&self, origin: &str) -> bool {
        self.current
            .load()
            .as_deref()
            .is_some_and(|list| list.matches(origin.as_bytes()))
    }

    /// The current entries, as they were given.
    pub fn entries(&self) -> Vec<String> {
        let current = self.current.load();
        let texts = current.as_deref().map(|list| list.texts());
        texts.into_iter().flatten().map(str::to_owned).collect()
    }
}

impl Default for ReloadableOrigins {
    fn default() -> Self {
        ReloadableOrigins::new()
    }
}

/// An entry [`ReloadableOrigins::replace`] refused, and why: the message the compiler gives the
/// same literal in `origins = [...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedOrigin {
    entry: String,
    why: String,
}

impl RefusedOrigin {
    fn new(entry: &str, why: String) -> Self {
        RefusedOrigin {
            entry: entry.to_owned(),
            why,
        }
    }

    /// The entry, as it was given.
    pub fn entry(&self) -> &str {
        &self.entry
    }
}

impl fmt::Display for RefusedOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "origin `{}` {}", self.entry, self.why)
    }
}

impl std::error::Error for RefusedOrigin {}
