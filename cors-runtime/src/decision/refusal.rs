//! Why a request earned no CORS headers, in words a developer reads in the debug log (see
//! `layers::log`), so that "blocked by CORS policy" in a browser console can be traced to the
//! rule and the value at fault.
//!
//! The words mean one thing each, here and in the docs: a request is *refused* when its origin,
//! method or headers earn it no CORS headers ([`Refusal`] says why); a refused preflight is
//! answered `403`; a refused actual request still reaches the handler, unless its route sets
//! `on_mismatch = "reject"`, in which case it is *rejected*: answered `403` before the handler runs.

use std::fmt;

/// One refusal, borrowing the offending request value where there is one. Formatting happens
/// only when the `cors_runtime` debug log is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal<'a> {
    /// The request has no `Origin` header.
    NoOrigin,
    /// The request has more than one `Origin` header: none is guessed at.
    RepeatedOrigin,
    /// No list of the policy names the origin, and its `origin_fn` (if any) said no.
    OriginNotListed,
    /// The policy's `origin_fn` reads app data the app does not hold.
    OriginFnAppDataMissing,
    /// The policy's `origin_fn` reads app data that differs between `outermost()` and the route.
    OriginFnAppDataDiffers,
    /// The policy's `async` `origin_fn` gave no answer within its `origin_fn_timeout`.
    OriginFnTimedOut {
        /// The policy's `origin_fn_timeout`, in seconds.
        after_secs: u32,
    },
    /// A preflight without `Access-Control-Request-Method`, or with it sent twice.
    RequestMethodMissing,
    /// The requested method (this value) is not in the policy's `methods`.
    MethodNotAllowed(&'a [u8]),
    /// The method is listed, but in another case (`patch` for `PATCH`): browsers uppercase only
    /// DELETE, GET, HEAD, OPTIONS, POST and PUT (Fetch Standard, "normalize a method").
    MethodInAnotherCase(&'a [u8]),
    /// The requested header (this name) is not in the policy's `headers`.
    HeaderNotAllowed(&'a [u8]),
    /// The preflight asks for private network access and the policy does not set
    /// `private_network = true`.
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
            Refusal::MethodNotAllowed(method) => {
                write!(f, "method `{}` is not allowed by the policy", lossy(method))
            }
            Refusal::MethodInAnotherCase(method) => write!(
                f,
                "method `{}` is not allowed by the policy, which lists it in another case \
                 (methods compare case-sensitively)",
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
pub enum Outcome {
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
    pub fn is_about_origin(&self) -> bool {
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
