//! Why a request earned no CORS headers, and the one debug log line that says so, so that
//! "blocked by CORS policy" in a browser console can be traced to the rule and the value at fault.
//!
//! The words mean one thing each, here and in the docs: a request is *refused* when its origin,
//! method or headers earn it no CORS headers ([`Refusal`] says why); a refused preflight is
//! answered `403`; a refused actual request still reaches the handler, unless its route sets
//! `on_mismatch = "reject"`, in which case it is *rejected*: answered `403` before the handler runs.

use std::fmt;

use actix_web::dev::RequestHead;
use actix_web::http::header::{
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};

/// One refusal, borrowing the offending request value where there is one. Formatting happens
/// only when the `cors_runtime` debug log is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal<'a> {
    NoOrigin,
    RepeatedOrigin,
    OriginNotListed,
    /// The policy's `origin_fn` reads app data the app does not hold.
    OriginFnAppDataMissing,
    /// The policy's `origin_fn` reads app data that differs between `outermost()` and the route.
    OriginFnAppDataDiffers,
    /// The policy's `async` `origin_fn` gave no answer within its `origin_fn_timeout`.
    OriginFnTimedOut {
        after_secs: u32,
    },
    RequestMethodMissing,
    MethodNotAllowed(&'a [u8]),
    HeaderNotAllowed(&'a [u8]),
    PrivateNetworkNotEnabled,
}

impl fmt::Display for Refusal<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lossy = String::from_utf8_lossy;
        match self {
            Refusal::NoOrigin => f.write_str("the request has no `Origin` header"),
            Refusal::RepeatedOrigin => f.write_str("the request has more than one `Origin` header"),
            Refusal::OriginNotListed => f.write_str("the origin is not allowed by the policy"),
            Refusal::OriginFnAppDataMissing => f.write_str(
                "the policy's `origin_fn` reads app data the app does not hold, so it allows no \
                 origin",
            ),
            Refusal::OriginFnAppDataDiffers => f.write_str(
                "the policy's `origin_fn` reads app data registered on the route's scope or \
                 resource, which `outermost()` does not see, so it allows no origin",
            ),
            Refusal::OriginFnTimedOut { after_secs } => write!(
                f,
                "the policy's `origin_fn` gave no answer within {after_secs} s \
                 (`origin_fn_timeout`), so the origin is refused; it is asked again on the next \
                 request"
            ),
            Refusal::RequestMethodMissing => {
                f.write_str("the request needs exactly one `Access-Control-Request-Method` header")
            }
            Refusal::MethodNotAllowed(method) => write!(
                f,
                "method `{}` is not allowed by the policy (methods compare case-sensitively)",
                lossy(method)
            ),
            Refusal::HeaderNotAllowed(name) => write!(
                f,
                "request header `{}` is not allowed by the policy",
                lossy(name)
            ),
            Refusal::PrivateNetworkNotEnabled => f.write_str(
                "private network access was requested but the policy does not enable it",
            ),
        }
    }
}

/// What became of a refused request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A preflight, answered `403`.
    PreflightRefused,
    /// A preflight of an allowed origin, answered with the policy's lists, which the browser
    /// refuses by itself.
    PreflightRefusedByTheBrowser,
    /// An actual request, served without CORS headers.
    ServedWithoutCors,
    /// An actual request, answered `403` before the handler ran (`on_mismatch = "reject"`).
    Rejected,
}

impl Refusal<'_> {
    /// Is the origin itself refused, rather than what the request asks of an allowed origin?
    pub(crate) fn is_about_origin(&self) -> bool {
        matches!(
            self,
            Refusal::NoOrigin
                | Refusal::RepeatedOrigin
                | Refusal::OriginNotListed
                | Refusal::OriginFnAppDataMissing
                | Refusal::OriginFnAppDataDiffers
                | Refusal::OriginFnTimedOut { .. }
        )
    }
}

/// Whether refusals are logged: the reasons are only gathered and formatted then.
pub(crate) fn log_enabled() -> bool {
    log::log_enabled!(target: "cors_runtime", log::Level::Debug)
}

/// Logs a refusal and every reason for it at debug level, target `cors_runtime`, in the one
/// format every refusal uses:
///
/// `list_items: GET /items served without CORS headers: the origin is not allowed by the policy
/// (Origin: "https://evil.example")`
pub(crate) fn log(route: &str, outcome: Outcome, request: &RequestHead, reasons: &[Refusal<'_>]) {
    if let Some(line) = line(route, outcome, request, reasons) {
        emit(&line);
    }
}

/// Logs a line [`line`] made earlier.
pub(crate) fn emit(line: &str) {
    log::debug!(target: "cors_runtime", "{line}");
}

/// The line [`log`] logs, made now for a log written later, when the request is gone (as it is
/// when an error becomes a response); `None` when refusals are not logged.
pub(crate) fn line(
    route: &str,
    outcome: Outcome,
    request: &RequestHead,
    reasons: &[Refusal<'_>],
) -> Option<String> {
    if !log_enabled() {
        return None;
    }
    let reasons: Vec<String> = reasons.iter().map(Refusal::to_string).collect();
    let outcome = match outcome {
        Outcome::PreflightRefused => "preflight refused with 403",
        Outcome::PreflightRefusedByTheBrowser => {
            "preflight answered with the policy's lists, which the browser will refuse"
        }
        Outcome::ServedWithoutCors => "served without CORS headers",
        Outcome::Rejected => "rejected with 403 before the handler",
    };
    // A preflight shows what it asked for; an actual request, only its origin.
    let shown = match request.headers.contains_key(ACCESS_CONTROL_REQUEST_METHOD) {
        true => 3,
        false => 1,
    };
    let values: Vec<String> = [
        ("Origin", ORIGIN),
        (
            "Access-Control-Request-Method",
            ACCESS_CONTROL_REQUEST_METHOD,
        ),
        (
            "Access-Control-Request-Headers",
            ACCESS_CONTROL_REQUEST_HEADERS,
        ),
    ]
    .into_iter()
    .take(shown)
    .map(|(written, name)| {
        let values: Vec<String> = request
            .headers
            .get_all(name)
            .map(|value| format!("{value:?}"))
            .collect();
        match values.is_empty() {
            true => format!("{written}: none"),
            false => format!("{written}: {}", values.join(", ")),
        }
    })
    .collect();
    Some(format!(
        "{route}: {} {} {outcome}: {} ({})",
        request.method,
        request.uri.path(),
        reasons.join("; "),
        values.join(", ")
    ))
}
