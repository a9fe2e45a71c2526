//! What the browser is asked to do, and the verdict it must reach. Each case is one `fetch()`
//! from one page origin; the page runs the cases of its origin in order, so a pair of calls (the
//! `max_age` cases) can rely on the first one having happened.

use serde::Deserialize;

use crate::api::ADMIN_HOST;
use serde_json::{json, Value};

/// Page origins. Chromium resolves `localhost` and every `*.localhost` name to loopback, so one
/// page server per port stands in for several sites.
pub const HOME: &str = "http://localhost:18081";
pub const OTHER_PORT: &str = "http://localhost:18082";
pub const LOOPBACK_IP: &str = "http://127.0.0.1:18081";
pub const SUBDOMAIN: &str = "http://a.app.localhost:18081";
pub const BARE_DOMAIN: &str = "http://app.localhost:18081";
pub const TWO_LABELS: &str = "http://x.y.app.localhost:18081";

/// Every page origin the suite opens, in the order it opens them.
pub const PAGE_ORIGINS: [&str; 6] = [
    HOME,
    OTHER_PORT,
    LOOPBACK_IP,
    SUBDOMAIN,
    BARE_DOMAIN,
    TWO_LABELS,
];

const JSON: (&str, &str) = ("Content-Type", "application/json");
const PEN: &str = r#"{"name":"pen"}"#;

/// The verdict a case expects from the browser.
#[derive(Debug)]
pub enum Expect {
    /// The page may read the answer: its status and body.
    Readable { status: u16, body: &'static str },
    /// `fetch()` rejects with a `TypeError`: the browser refused the page the answer.
    Blocked,
}

/// One `fetch()` and its expected verdict.
pub struct Case {
    pub name: &'static str,
    pub page: &'static str,
    method: &'static str,
    path: &'static str,
    /// The API's host (and port) to call, when not the usual one.
    api_host: Option<&'static str>,
    headers: Vec<(&'static str, &'static str)>,
    body: Option<&'static str>,
    include_credentials: bool,
    /// A response header the page tries to read, and the value it must see (`None`: the browser
    /// hides it because it is not exposed).
    read_header: Option<(&'static str, Option<&'static str>)>,
    pub expect: Expect,
    /// Preflights the server must have seen on this case's path by the end of the run.
    pub preflights_seen: Option<u32>,
    /// Real seconds the page waits before its `fetch()`.
    wait_seconds: u32,
    /// What Chromium's console must say about this case's refusal.
    console_says: Option<&'static str>,
}

impl Case {
    fn new(
        name: &'static str,
        page: &'static str,
        method: &'static str,
        path: &'static str,
    ) -> Self {
        Case {
            name,
            page,
            method,
            path,
            api_host: None,
            headers: Vec::new(),
            body: None,
            include_credentials: false,
            read_header: None,
            expect: Expect::Blocked,
            preflights_seen: None,
            wait_seconds: 0,
            console_says: None,
        }
    }

    /// Calls the API under another name, such as `admin.localhost:18080`: the same server, with
    /// another `Host`.
    fn on_host(mut self, host: &'static str) -> Self {
        self.api_host = Some(host);
        self
    }

    fn header(mut self, header: (&'static str, &'static str)) -> Self {
        self.headers.push(header);
        self
    }

    fn body(mut self, body: &'static str) -> Self {
        self.body = Some(body);
        self
    }

    fn json(self, body: &'static str) -> Self {
        self.header(JSON).body(body)
    }

    fn credentials(mut self) -> Self {
        self.include_credentials = true;
        self
    }

    fn reads(mut self, header: &'static str, value: Option<&'static str>) -> Self {
        self.read_header = Some((header, value));
        self
    }

    /// A refusal whose console message must name what is at fault: `words`, about this path.
    fn console_says(mut self, words: &'static str) -> Self {
        self.console_says = Some(words);
        self
    }

    fn after_seconds(mut self, seconds: u32) -> Self {
        self.wait_seconds = seconds;
        self
    }

    fn preflights_seen(mut self, count: u32) -> Self {
        self.preflights_seen = Some(count);
        self
    }

    fn readable(mut self, status: u16, body: &'static str) -> Self {
        self.expect = Expect::Readable { status, body };
        self
    }

    fn blocked(mut self) -> Self {
        self.expect = Expect::Blocked;
        self
    }

    pub fn path(&self) -> &'static str {
        self.path
    }

    /// The case as the page's script reads it.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "page": self.page,
            "method": self.method,
            "path": self.path,
            "api_host": self.api_host,
            "headers": self.headers,
            "body": self.body,
            "credentials": if self.include_credentials { "include" } else { "same-origin" },
            "read_header": self.read_header.map(|(name, _)| name),
            "wait_seconds": self.wait_seconds,
        })
    }

    /// Compares what the browser reported with what this case expects; `console` is the page's
    /// CORS messages.
    pub fn check<'a>(
        &self,
        seen: &Outcome,
        mut console: impl Iterator<Item = &'a str>,
    ) -> Result<(), String> {
        match (&self.expect, seen) {
            (Expect::Blocked, Outcome::Blocked { .. }) => match self.console_says {
                Some(words)
                    if !console.any(|line| line.contains(words) && line.contains(self.path)) =>
                {
                    Err(format!(
                        "blocked, but Chromium's console never said {words:?} about {}",
                        self.path
                    ))
                }
                _ => Ok(()),
            },
            (
                Expect::Readable { status, body },
                Outcome::Readable {
                    status: got,
                    body: got_body,
                    header,
                },
            ) => {
                if got != status || got_body != body {
                    return Err(format!(
                        "expected {status} {body:?}, the page read {got} {got_body:?}"
                    ));
                }
                match self.read_header {
                    Some((name, want)) if header.as_deref() != want => Err(format!(
                        "expected the page to read {name}: {want:?}, it read {header:?}"
                    )),
                    _ => Ok(()),
                }
            }
            (expect, seen) => Err(format!(
                "expected {expect:?}, the browser reported {}",
                seen.describe()
            )),
        }
    }
}

/// What the page reported for one case.
#[derive(Debug, Deserialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Outcome {
    Readable {
        status: u16,
        body: String,
        header: Option<String>,
    },
    /// `fetch()` rejected with a `TypeError`, which is how a CORS refusal reaches a script.
    Blocked { error: String },
    /// `fetch()` failed some other way: a bug in the page or the harness, never a pass.
    Failed { error: String },
}

impl Outcome {
    fn describe(&self) -> String {
        match self {
            Outcome::Readable { status, body, .. } => format!("a readable {status} {body:?}"),
            Outcome::Blocked { error } => format!("a blocked fetch ({error})"),
            Outcome::Failed { error } => format!("a failed fetch ({error})"),
        }
    }
}

/// Every case of the suite.
pub fn all() -> Vec<Case> {
    vec![
        // Simple requests (no preflight).
        Case::new("simple GET", HOME, "GET", "/items").readable(200, "items"),
        Case::new("exposed header is readable", HOME, "GET", "/items")
            .reads("X-Request-Id", Some("42"))
            .readable(200, "items"),
        Case::new("non-exposed header is hidden", HOME, "GET", "/items")
            .reads("X-Internal", None)
            .readable(200, "items"),
        Case::new("simple POST (text/plain)", HOME, "POST", "/notes")
            .header(("Content-Type", "text/plain"))
            .body("hi")
            .readable(200, "note: hi"),
        // Preflighted requests.
        Case::new("JSON POST after a preflight", HOME, "POST", "/items")
            .json(PEN)
            .readable(201, "created pen"),
        Case::new(
            "bad JSON: the extractor's 400 is readable",
            HOME,
            "POST",
            "/items",
        )
        .json("{not json")
        .readable(
            400,
            "Json deserialize error: key must be a string at line 1 column 2",
        ),
        Case::new("PUT with JSON and X-Token", HOME, "PUT", "/items/7")
            .json(PEN)
            .header(("X-Token", "t"))
            .readable(200, "replaced 7 with pen"),
        Case::new("PATCH with JSON", HOME, "PATCH", "/items/7")
            .json(PEN)
            .readable(200, "patched 7 to pen"),
        Case::new(
            "lowercase 'patch' is not normalized, so refused",
            HOME,
            "patch",
            "/items/7",
        )
        .json(PEN)
        .blocked(),
        // A method the route serves but the policy does not list: the answer lists the policy's
        // methods, so the browser names the one at fault.
        Case::new(
            "a method the policy does not list",
            HOME,
            "DELETE",
            "/narrow",
        )
        .blocked()
        .console_says("Method DELETE is not allowed by Access-Control-Allow-Methods"),
        Case::new("the method the policy lists", HOME, "PUT", "/narrow")
            .json(PEN)
            .readable(200, "narrow"),
        Case::new("DELETE with X-Token", HOME, "DELETE", "/items/7")
            .header(("X-Token", "t"))
            .readable(200, "deleted 7"),
        Case::new("DELETE with an unlisted header", HOME, "DELETE", "/items/7")
            .header(("X-Unlisted", "1"))
            .blocked()
            .console_says(
                "Request header field x-unlisted is not allowed by Access-Control-Allow-Headers",
            ),
        Case::new(
            "a method no handler on the path serves",
            HOME,
            "PUT",
            "/items",
        )
        .json(PEN)
        .blocked(),
        // Authorization and credentials.
        Case::new("Authorization listed by name", HOME, "GET", "/auth")
            .header(("Authorization", "Bearer t"))
            .readable(200, "authorized"),
        Case::new(
            "credentials include, credentials = true",
            HOME,
            "GET",
            "/me",
        )
        .credentials()
        .readable(200, "me"),
        Case::new("credentials include with Authorization", HOME, "GET", "/me")
            .credentials()
            .header(("Authorization", "Bearer t"))
            .readable(200, "me"),
        Case::new(
            "credentials include, no credentials = true",
            HOME,
            "GET",
            "/items",
        )
        .credentials()
        .blocked(),
        // Any origin.
        Case::new("* without credentials", HOME, "GET", "/public").readable(200, "public"),
        Case::new("* with credentials include", HOME, "GET", "/public")
            .credentials()
            .blocked(),
        Case::new(
            "headers = [*] covers a custom header",
            HOME,
            "GET",
            "/public/any-header",
        )
        .header(("X-Custom", "1"))
        .readable(200, "any header"),
        Case::new(
            "headers = [*] never covers Authorization",
            HOME,
            "GET",
            "/public/any-header",
        )
        .header(("Authorization", "Bearer t"))
        .blocked(),
        // Errors stay readable.
        Case::new("404 body readable", HOME, "GET", "/fail/404").readable(404, "failed with 404"),
        Case::new("500 body readable", HOME, "GET", "/fail/500").readable(500, "failed with 500"),
        // Two handlers, two policies, one path.
        Case::new(
            "one path: GET's policy lists this origin",
            HOME,
            "GET",
            "/shared",
        )
        .readable(200, "shared get"),
        Case::new("one path: POST's policy does not", HOME, "POST", "/shared")
            .json(PEN)
            .blocked(),
        Case::new(
            "one path: POST's policy lists the other port",
            OTHER_PORT,
            "POST",
            "/shared",
        )
        .json(PEN)
        .readable(200, "shared post pen"),
        Case::new(
            "one path: GET's policy does not",
            OTHER_PORT,
            "GET",
            "/shared",
        )
        .blocked(),
        // Two handlers on one path and method, told apart by a Host guard.
        Case::new("guard: the public host's policy", HOME, "PUT", "/guarded")
            .json(PEN)
            .readable(200, "public pen"),
        Case::new(
            "guard: the admin page on the public host",
            SUBDOMAIN,
            "PUT",
            "/guarded",
        )
        .json(PEN)
        .credentials()
        .blocked(),
        Case::new(
            "guard: the admin host's policy",
            SUBDOMAIN,
            "PUT",
            "/guarded",
        )
        .on_host(ADMIN_HOST)
        .json(PEN)
        .credentials()
        .readable(200, "admin pen"),
        Case::new(
            "guard: the home page on the admin host",
            HOME,
            "PUT",
            "/guarded",
        )
        .on_host(ADMIN_HOST)
        .json(PEN)
        .blocked(),
        // max_age: the second identical call reuses the cached preflight, or not.
        Case::new("max_age = 600: first PUT", HOME, "PUT", "/cached")
            .header(("X-Token", "t"))
            .readable(200, "cached"),
        Case::new(
            "max_age = 600: second PUT, preflight from cache",
            HOME,
            "PUT",
            "/cached",
        )
        .header(("X-Token", "t"))
        .readable(200, "cached")
        .preflights_seen(1),
        Case::new("max_age = 0: first PUT", HOME, "PUT", "/uncached")
            .header(("X-Token", "t"))
            .readable(200, "uncached"),
        Case::new(
            "max_age = 0: second PUT, preflight again",
            HOME,
            "PUT",
            "/uncached",
        )
        .header(("X-Token", "t"))
        .readable(200, "uncached")
        .preflights_seen(2),
        // No `max_age`: the default keeps the answer ten minutes. Without one, Chromium keeps
        // it 5 s, and the second call, 6 s later, would preflight again.
        Case::new("no max_age: first PUT", HOME, "PUT", "/default-cached")
            .header(("X-Token", "t"))
            .readable(200, "default-cached"),
        Case::new(
            "no max_age: second PUT 6 s later, preflight from cache",
            HOME,
            "PUT",
            "/default-cached",
        )
        .header(("X-Token", "t"))
        .after_seconds(6)
        .readable(200, "default-cached")
        .preflights_seen(1),
        // The login flow, through the app-wide auth middleware and rate limiter, with
        // `outermost()` in front of them.
        Case::new(
            "login flow: the 401 before logging in",
            HOME,
            "GET",
            "/account/me",
        )
        .readable(401, "log in first"),
        Case::new("login flow: logged in", HOME, "GET", "/account/me")
            .header(("Authorization", "Bearer t"))
            .readable(200, "account"),
        Case::new(
            "login flow: a preflighted PUT with Authorization",
            HOME,
            "PUT",
            "/account/items/7",
        )
        .header(("Authorization", "Bearer t"))
        .json(PEN)
        .readable(200, "account replaced 7 with pen")
        .preflights_seen(1),
        Case::new(
            "login flow: the rate limiter's 429",
            HOME,
            "GET",
            "/account/burst",
        )
        .header(("Authorization", "Bearer t"))
        .reads("Retry-After", Some("30"))
        .readable(429, "slow down"),
        Case::new(
            "login flow: the 401 from an unlisted port",
            OTHER_PORT,
            "GET",
            "/account/me",
        )
        .blocked(),
        // No #[cors].
        Case::new("route without #[cors]", HOME, "GET", "/plain").blocked(),
        // Other origins.
        // An origin the policy does not list gets no grant at all, and the console says so.
        Case::new("unlisted port", OTHER_PORT, "GET", "/items")
            .blocked()
            .console_says("No 'Access-Control-Allow-Origin' header is present"),
        Case::new("* from another port", OTHER_PORT, "GET", "/public").readable(200, "public"),
        Case::new("127.0.0.1 is not localhost", LOOPBACK_IP, "GET", "/items").blocked(),
        // `http://localhost:*`: a development server on any port, and nothing else.
        Case::new("localhost on any port", HOME, "PUT", "/any-port")
            .header(("X-Token", "t"))
            .readable(200, "any port"),
        Case::new("localhost on another port", OTHER_PORT, "PUT", "/any-port")
            .header(("X-Token", "t"))
            .readable(200, "any port"),
        Case::new("any port is not 127.0.0.1", LOOPBACK_IP, "PUT", "/any-port")
            .header(("X-Token", "t"))
            .blocked(),
        Case::new("any port is not a subdomain", SUBDOMAIN, "PUT", "/any-port")
            .header(("X-Token", "t"))
            .blocked(),
        Case::new("pattern: one label", SUBDOMAIN, "GET", "/items")
            .reads("X-Request-Id", Some("42"))
            .readable(200, "items"),
        Case::new(
            "pattern only on the route that lists it",
            SUBDOMAIN,
            "POST",
            "/items",
        )
        .json(PEN)
        .blocked(),
        Case::new("pattern: the bare domain", BARE_DOMAIN, "GET", "/items").blocked(),
        Case::new("pattern: two labels", TWO_LABELS, "GET", "/items").blocked(),
    ]
}
