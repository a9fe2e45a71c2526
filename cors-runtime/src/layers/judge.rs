//! Judging a request's `Origin` under a prepared policy: its lists first (`decision::origin`),
//! then its `origin_fn` (`origin_fn::ask`), which may need the request's app data or time.

use actix_web::http::header::{HeaderValue, ORIGIN};
use actix_web::HttpRequest;

use crate::decision::origin::ListMatch;
use crate::decision::refusal::Refusal;
use crate::headers::request::single;
use crate::headers::OriginVerdict;
use crate::origin_fn::ask::Judged;
use crate::policy::prepared::PreparedPolicy;

/// Judges the request's `Origin`. Two `Origin` headers are refused rather than guessing which one
/// the browser meant. Only an `origin_fn` that is `async` (or reads app data the cache holds no
/// answer for) leaves the verdict for later.
#[inline]
pub(crate) fn judge(policy: &PreparedPolicy, request: &HttpRequest) -> Judged {
    judge_read(policy, read_origin(request), request)
}

/// The request's `Origin`, read once: `Ok(None)` without one, `Err(())` when it is sent twice.
pub(crate) type ReadOrigin<'a> = Result<Option<&'a HeaderValue>, ()>;

#[inline]
pub(crate) fn read_origin(request: &HttpRequest) -> ReadOrigin<'_> {
    single(request.headers(), &ORIGIN)
}

/// [`judge`], with the request's `Origin` read already.
#[inline]
pub(crate) fn judge_read(
    policy: &PreparedPolicy,
    origin: ReadOrigin<'_>,
    request: &HttpRequest,
) -> Judged {
    if policy.origins.is_any() {
        return Judged::Now(OriginVerdict::Any);
    }
    match origin {
        Ok(Some(origin)) => judge_value(policy, origin, request),
        Ok(None) => Judged::Now(OriginVerdict::Missing),
        Err(()) => Judged::Now(OriginVerdict::Refused(Refusal::RepeatedOrigin)),
    }
}

/// Judges one `Origin` value by the lists, then by the function.
fn judge_value(policy: &PreparedPolicy, origin: &HeaderValue, request: &HttpRequest) -> Judged {
    match by_the_lists(policy, origin) {
        Some(verdict) => Judged::Now(verdict),
        None => match &policy.origin_fn {
            Some(function) => function.judge(origin, request),
            None => Judged::Now(OriginVerdict::Refused(Refusal::OriginNotListed)),
        },
    }
}

/// The lists' verdict on one `Origin` value: `None` when no list names it.
#[inline]
pub(crate) fn by_the_lists(policy: &PreparedPolicy, origin: &HeaderValue) -> Option<OriginVerdict> {
    match policy.origins.find(origin.as_bytes()) {
        ListMatch::Any => Some(OriginVerdict::Any),
        ListMatch::Exact(index) => Some(OriginVerdict::Exact(index)),
        ListMatch::Matched => Some(OriginVerdict::Reflected(origin.clone())),
        ListMatch::NotListed => None,
    }
}
