//! The one debug log line every refusal gets, target `cors_runtime`, naming the route, the
//! request and every reason:
//!
//! `list_items: GET /items served without CORS headers: the origin is not allowed by the policy
//! (Origin: "https://evil.example")`

use actix_web::dev::RequestHead;
use actix_web::http::header::{
    ACCESS_CONTROL_REQUEST_HEADERS, ACCESS_CONTROL_REQUEST_METHOD, ORIGIN,
};

use crate::decision::refusal::{Outcome, Refusal};

/// Whether refusals are logged: the reasons are only gathered and formatted then.
pub(crate) fn enabled() -> bool {
    log::log_enabled!(target: "cors_runtime", log::Level::Debug)
}

/// Logs a refusal and every reason for it at debug level, target `cors_runtime`.
pub(crate) fn log(route: &str, outcome: Outcome, request: &RequestHead, reasons: &[Refusal<'_>]) {
    if enabled() {
        emit_refusal(route, outcome, &shown(request), reasons);
    }
}

/// Logs a line.
pub(crate) fn emit(line: &str) {
    log::debug!(target: "cors_runtime", "{line}");
}

/// The request as a refusal's line shows it, made while the request is at hand for a line logged
/// later, when it is gone (as it is when an error becomes a response).
#[derive(Debug)]
pub(crate) struct Shown {
    /// `GET /items`.
    request: String,
    /// `Origin: "https://evil.example"`, and for a preflight what it asked for.
    values: String,
}

pub(crate) fn shown(request: &RequestHead) -> Shown {
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
    Shown {
        request: format!("{} {}", request.method, request.uri.path()),
        values: values.join(", "),
    }
}

/// Logs one refusal's line.
pub(crate) fn emit_refusal(route: &str, outcome: Outcome, shown: &Shown, reasons: &[Refusal<'_>]) {
    let reasons: Vec<String> = reasons.iter().map(Refusal::to_string).collect();
    let outcome = match outcome {
        Outcome::PreflightRefused => "preflight refused with 403",
        Outcome::PreflightRefusedByTheBrowser => {
            "preflight answered with the policy's lists, which the browser will refuse"
        }
        Outcome::ServedWithoutCors => "served without CORS headers",
        Outcome::Rejected => "rejected with 403 before the handler",
    };
    emit(&format!(
        "{route}: {} {outcome}: {} ({})",
        shown.request,
        reasons.join("; "),
        shown.values
    ));
}
