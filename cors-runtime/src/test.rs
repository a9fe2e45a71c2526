//! Checks of an app's CORS set-up for the application's own tests, and the requests such tests
//! send.
//!
//! The mistake [`check_app`] catches is the one that fails without a word: a middleware wrapped
//! around the `App` (authentication, a rate limiter) answers the browser's preflight itself, with
//! `401` or `429`, before any `#[cors]` route sees it. The browser then reports a missing
//! `Access-Control-Allow-Origin` header, and the server logs nothing. The fix is
//! [`outermost()`](crate::outermost), wrapped last.
//!
//! ```
//! use actix_web::{get, middleware::from_fn, test, App, HttpResponse};
//! use cors_runtime::cors;
//! # async fn require_login(
//! #     req: actix_web::dev::ServiceRequest,
//! #     next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
//! # ) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
//! #     match req.headers().contains_key("authorization") {
//! #         true => next.call(req).await,
//! #         false => Err(actix_web::error::ErrorUnauthorized("log in first")),
//! #     }
//! # }
//!
//! #[cors(origins = ["https://app.example.com"], credentials = true)]
//! #[get("/me")]
//! async fn me() -> HttpResponse {
//!     HttpResponse::Ok().finish()
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! // The trap: the login middleware answers every preflight with 401.
//! let app = test::init_service(App::new().service(me).wrap(from_fn(require_login))).await;
//! let failed = cors_runtime::test::check_app(&app).await.unwrap_err();
//! assert!(failed.to_string().contains("outermost()"));
//!
//! // The fix: `outermost()`, wrapped last, answers preflights before the middleware runs.
//! let app = test::init_service(
//!     App::new()
//!         .service(me)
//!         .wrap(from_fn(require_login))
//!         .wrap(cors_runtime::outermost()),
//! )
//! .await;
//! cors_runtime::test::check_app(&app).await.unwrap();
//! # });
//! ```

use std::fmt;

use actix_http::Request;
use actix_web::dev::{ResourceDef, ResourceMap, Service, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::test::TestRequest;

use crate::headers::PREFLIGHT_VARY;
use crate::policy::view::{AllowedOrigin, Policy};
use crate::routing::recorder::{self, Registered};

/// A preflight as a browser sends it before a cross-origin request: `OPTIONS` to `path`, with
/// `Origin` and `Access-Control-Request-Method`. Add `Access-Control-Request-Headers` with
/// `insert_header` when the page sets headers of its own.
pub fn preflight(path: &str, origin: &str, method: &str) -> TestRequest {
    TestRequest::default()
        .method(Method::OPTIONS)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
        .insert_header((header::ACCESS_CONTROL_REQUEST_METHOD, method))
}

/// A cross-origin request as a page's `fetch()` sends it: `method` to `path`, with `Origin`.
pub fn cross_origin(method: Method, path: &str, origin: &str) -> TestRequest {
    TestRequest::default()
        .method(method)
        .uri(path)
        .insert_header((header::ORIGIN, origin))
}

/// Sends, for every `#[cors]` route registered in `app` and each method its policy allows
/// cross-origin, a preflight from an origin the policy allows, to the route's full path (scope
/// prefixes included, dynamic segments filled in), and checks that a CORS layer answered it: the
/// route's own, or [`outermost()`](crate::outermost).
///
/// `app` is what `actix_web::test::init_service` returns; call it on the test's thread, which
/// built the app. Routes whose origins all come from `origin_fn` or `origins_env`, and routes
/// whose routing attribute has `guard`s a test request may not pass, are skipped: the report
/// says which and why.
///
/// Returns the report when every preflight was answered by a CORS layer, and otherwise an error
/// whose `Display` names each route, method and status, and the likely cause; when a middleware
/// outside the routes answered, it says where to wrap `outermost()`.
pub async fn check_app<S, B>(app: &S) -> Result<CheckReport, CheckFailed>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let registered = recorder::registered();
    let map = resource_map(app, &registered).await;
    let mut report = CheckReport::default();
    let mut failures = Vec::new();
    let mut seen = Vec::new();
    for route in &registered {
        let Some(path) = full_path(map.as_ref(), route) else {
            continue;
        };
        if seen.contains(&(route.resource_name.clone(), path.clone())) {
            continue;
        }
        seen.push((route.resource_name.clone(), path.clone()));
        let policy = Policy::new(route.policy);
        let name = format!("`{}` ({path})", policy.route());
        let Some(origin) = an_allowed_origin(&policy) else {
            report.skipped.push(format!(
                "{name}: its origins come from `origin_fn` or `origins_env` only, which a test \
                 cannot know"
            ));
            continue;
        };
        for method in policy.methods() {
            let request = preflight(&path, &origin, method).to_request();
            let answer = match app.call(request).await {
                Ok(response) => Answer::of(response.status(), answered_by_cors(&response)),
                Err(error) => Answer::of(error.as_response_error().status_code(), false),
            };
            match answer {
                Answer::ByCors => report.checked.push(format!("{name} {method}")),
                Answer::Other(status) if route.guarded && is_routing_status(status) => {
                    report.skipped.push(format!(
                        "{name} {method}: its routing attribute has `guard`s this request may \
                         not pass ({status})"
                    ))
                }
                Answer::Other(status) => failures.push(Failure {
                    route: name.clone(),
                    method: method.to_owned(),
                    status,
                }),
            }
        }
    }
    if map.is_none() && !registered.is_empty() {
        report.skipped.push(
            "every request to the app got an error, so the routes' full paths could not be read: \
             they were tried at their own paths, without scope prefixes"
                .to_owned(),
        );
    }
    match failures.is_empty() {
        true => Ok(report),
        false => Err(CheckFailed { failures, report }),
    }
}

enum Answer {
    ByCors,
    Other(StatusCode),
}

impl Answer {
    fn of(status: StatusCode, by_cors: bool) -> Answer {
        match by_cors {
            true => Answer::ByCors,
            false => Answer::Other(status),
        }
    }
}

/// Whether a CORS layer of this crate answered: every preflight answer it gives, allowed or
/// refused, carries its `Vary`, which no other middleware writes.
fn answered_by_cors<B>(response: &ServiceResponse<B>) -> bool {
    response.headers().get(header::VARY) == Some(&PREFLIGHT_VARY)
}

/// What the router answers when no resource serves a request.
fn is_routing_status(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED
    )
}

/// The app's resource map, read off the first response the app gives (whatever its status): a
/// response carries the request, and the request its app's map.
async fn resource_map<S, B>(app: &S, registered: &[Registered]) -> Option<ResourceMap>
where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
{
    let probes = registered
        .iter()
        .map(|route| TestRequest::get().uri(&route.path))
        .chain([TestRequest::get().uri("/")]);
    for probe in probes {
        if let Ok(response) = app.call(probe.to_request()).await {
            return Some(response.request().resource_map().clone());
        }
    }
    None
}

/// The placeholders a route's full path is rendered with, then filled in.
const SEGMENT: &str = "__cors_check_";

/// The route's full path in the app whose map this is, its dynamic segments filled with values
/// the pattern accepts; `None` when the route is not the app's. Without a map, its own path.
fn full_path(map: Option<&ResourceMap>, route: &Registered) -> Option<String> {
    let own = ResourceDef::new(&*route.path);
    let Some(map) = map else {
        return sample(&own);
    };
    let placeholders = (0..).map(|index| format!("{SEGMENT}{index}"));
    let anywhere = TestRequest::default().to_http_request();
    let rendered = map
        .url_for(&anywhere, &route.resource_name, placeholders.clone())
        .ok()?;
    let rendered = rendered.path();
    // Resource names are not unique (a handler with several paths has one): the route is the
    // app's if its own path ends the rendering, with the last placeholders.
    let total = rendered.matches(SEGMENT).count();
    let mut own_alone = String::new();
    own.resource_path_from_iter(&mut own_alone, placeholders.clone());
    let in_prefix = total.checked_sub(own_alone.matches(SEGMENT).count())?;
    let mut own_rendered = String::new();
    own.resource_path_from_iter(&mut own_rendered, placeholders.skip(in_prefix));
    let prefix = rendered.strip_suffix(&own_rendered)?;
    let mut pattern = String::new();
    let mut rest = prefix;
    while let Some(at) = rest.find(SEGMENT) {
        pattern.push_str(&rest[..at]);
        let after = &rest[at + SEGMENT.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        pattern.push_str(&format!("{{{SEGMENT}{}}}", &after[..digits]));
        rest = &after[digits..];
    }
    pattern.push_str(rest);
    pattern.push_str(&route.path);
    sample(&ResourceDef::new(pattern))
}

/// A path `pattern` matches: each dynamic segment filled with the first of a few values it accepts.
fn sample(pattern: &ResourceDef) -> Option<String> {
    ["1", "a", "x1", "A"].into_iter().find_map(|value| {
        let mut path = String::new();
        pattern.resource_path_from_iter(&mut path, std::iter::repeat(value));
        pattern.is_match(&path).then_some(path)
    })
}

/// An origin `policy` allows that a test can send: a listed one, or one under a listed pattern.
fn an_allowed_origin(policy: &Policy) -> Option<String> {
    policy.origins().find_map(|origin| match origin {
        AllowedOrigin::Any => Some("https://example.com".to_owned()),
        AllowedOrigin::Exact(origin) => Some(origin.to_owned()),
        AllowedOrigin::Pattern(pattern) => {
            Some(format!("{}check{}", pattern.prefix, pattern.suffix))
        }
        AllowedOrigin::LoopbackAnyPort(any_port) => Some(format!("{}:3000", any_port.origin)),
        _ => None,
    })
}

/// What [`check_app`] sent and what it left out.
#[derive(Debug, Default, Clone)]
pub struct CheckReport {
    checked: Vec<String>,
    skipped: Vec<String>,
}

impl CheckReport {
    /// Each route and method whose preflight a CORS layer answered.
    pub fn checked(&self) -> &[String] {
        &self.checked
    }

    /// Each route (or method) not checked, and why.
    pub fn skipped(&self) -> &[String] {
        &self.skipped
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} preflight(s) answered by a CORS layer",
            self.checked.len()
        )?;
        for skipped in &self.skipped {
            writeln!(f, "  skipped {skipped}")?;
        }
        Ok(())
    }
}

/// The preflights [`check_app`] saw answered by something other than a CORS layer.
#[derive(Debug, Clone)]
pub struct CheckFailed {
    failures: Vec<Failure>,
    report: CheckReport,
}

#[derive(Debug, Clone)]
struct Failure {
    route: String,
    method: String,
    status: StatusCode,
}

impl CheckFailed {
    /// What was checked and skipped besides the failures.
    pub fn report(&self) -> &CheckReport {
        &self.report
    }
}

impl fmt::Display for CheckFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} preflight(s) were not answered by a CORS layer:",
            self.failures.len()
        )?;
        for failure in &self.failures {
            writeln!(
                f,
                "  {} {}: answered {}, {}",
                failure.route,
                failure.method,
                failure.status,
                likely_cause(failure.status)
            )?;
        }
        if self
            .failures
            .iter()
            .any(|failure| !is_routing_status(failure.status))
        {
            writeln!(
                f,
                "A middleware outside the routes answered the preflight before any `#[cors]` \
                 route saw it (browsers then report a missing `Access-Control-Allow-Origin` \
                 header). Wrap `cors_runtime::outermost()` on the App last, after every other \
                 `.wrap(..)`, so that it runs first: \
                 `App::new().service(..).wrap(auth).wrap(cors_runtime::outermost())`."
            )?;
        }
        write!(f, "{}", self.report)
    }
}

impl std::error::Error for CheckFailed {}

fn likely_cause(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 | 403 | 407 => "probably an authentication middleware around the routes",
        429 => "probably a rate limiter around the routes",
        404 | 405 => {
            "the router found no handler for it: a scope or resource guard, or a path this test \
             could not fill in"
        }
        _ => "by a middleware or handler, not a CORS layer",
    }
}
