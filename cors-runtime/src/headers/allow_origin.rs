//! `Access-Control-Allow-Origin` (the `origins`, `origins_env` and `origin_fn` keys): the value a
//! request's origin earns, once judged (see `layers::judge`).

use actix_web::http::header::HeaderValue;

use crate::decision::origin::OriginLists;
use crate::decision::refusal::Refusal;

static ANY: HeaderValue = HeaderValue::from_static("*");

/// The policy's own values for its exact origins.
#[derive(Debug)]
pub(crate) struct AllowOrigin {
    /// One per exact origin, in the policy's order.
    exact: Box<[HeaderValue]>,
    /// Whether the answer depends on the request's `Origin`.
    varies_by_origin: bool,
}

/// What the request's `Origin` means for a policy, kept until the response is decorated.
#[derive(Debug, Clone)]
pub enum OriginVerdict {
    /// A `*` policy: every response says `Access-Control-Allow-Origin: *`.
    Any,
    /// Listed exactly, at this index of the policy's exact origins: answered with the policy's
    /// own value, byte-equal to what the browser sent, so no copy of the request value is needed.
    Exact(usize),
    /// Matched a subdomain pattern, a loopback origin on any port, an `origins_env` entry or
    /// `origin_fn`: the request's value (a reference-counted clone).
    Reflected(HeaderValue),
    /// No `Origin`: a same-origin request or a non-browser client.
    Missing,
    /// Not allowed; the reason is for the debug log.
    Refused(Refusal<'static>),
}

impl OriginVerdict {
    /// The origin's verdict as the preflight decision reads it.
    pub(crate) fn allowed(&self) -> Result<(), Refusal<'static>> {
        match self {
            OriginVerdict::Any | OriginVerdict::Exact(_) | OriginVerdict::Reflected(_) => Ok(()),
            OriginVerdict::Missing => Err(Refusal::NoOrigin),
            OriginVerdict::Refused(reason) => Err(*reason),
        }
    }
}

impl AllowOrigin {
    pub(crate) fn new(lists: &OriginLists) -> Self {
        AllowOrigin {
            exact: lists
                .exact()
                .iter()
                .copied()
                .map(HeaderValue::from_static)
                .collect(),
            varies_by_origin: !lists.is_any(),
        }
    }

    /// Whether the answer depends on the request's `Origin`, in which case caches must be told
    /// with `Vary: Origin`. A `*` policy answers every origin alike.
    pub(crate) fn varies_by_origin(&self) -> bool {
        self.varies_by_origin
    }

    /// The value of `Access-Control-Allow-Origin` a verdict earns, or why it earns none.
    pub(crate) fn to_header(
        &self,
        verdict: OriginVerdict,
    ) -> Result<HeaderValue, Refusal<'static>> {
        match verdict {
            OriginVerdict::Any => Ok(ANY.clone()),
            OriginVerdict::Exact(index) => Ok(self.exact[index].clone()),
            OriginVerdict::Reflected(origin) => Ok(origin),
            OriginVerdict::Missing => Err(Refusal::NoOrigin),
            OriginVerdict::Refused(reason) => Err(reason),
        }
    }
}
