//! Why a request earned no CORS headers: the reason the debug log gives, so that "blocked by
//! CORS policy" in a browser console can be traced to the rule and the value at fault.

use std::fmt;

/// One refusal, borrowing the offending request value where there is one. Formatting happens
/// only when the `cors_runtime` debug log is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal<'a> {
    NoOrigin,
    RepeatedOrigin,
    OriginNotListed,
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
