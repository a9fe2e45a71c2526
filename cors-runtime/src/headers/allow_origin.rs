//! `Access-Control-Allow-Origin` (the `origins`, `origins_env` and `origin_fn` keys): matching the
//! request's `Origin` header against the policy byte for byte, never lowercased, trimmed, decoded
//! or split (Fetch Standard, "CORS check").

use actix_web::http::header::{HeaderValue, ORIGIN};
use actix_web::HttpRequest;
use cors_rules::stored::JoinedOrigins;
use cors_rules::{OriginEntry, OriginList};

use crate::origin_fn_source::{Judged, OriginFnSource};
use crate::refusal::Refusal;
use crate::runtime_origins::OriginFn;
use crate::single_header::single;

static ANY: HeaderValue = HeaderValue::from_static("*");

/// Every origin source of a policy, ready for matching.
#[derive(Debug)]
pub(crate) struct AllowOrigin {
    /// `origins = ["*"]`.
    any: bool,
    /// One per exact origin, in the policy's order.
    exact: Box<[HeaderValue]>,
    /// Subdomain patterns and loopback origins on any port: entries matched other than byte for
    /// byte.
    patterns: Box<[OriginEntry<'static>]>,
    /// The `origins_env` entries, read when the policy was prepared.
    env: Option<&'static OriginList>,
    function: Option<OriginFnSource>,
}

/// What the request's `Origin` means for a policy, kept until the response is decorated.
#[derive(Debug, Clone)]
pub(crate) enum OriginVerdict {
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

impl AllowOrigin {
    pub(crate) fn new(
        origins: JoinedOrigins<'static>,
        env: Option<&'static OriginList>,
        function: Option<OriginFn>,
    ) -> Self {
        let mut exact = Vec::new();
        let mut patterns = Vec::new();
        for entry in origins.entries() {
            match entry {
                OriginEntry::Exact(origin) => exact.push(HeaderValue::from_static(origin)),
                pattern => patterns.push(pattern),
            }
        }
        AllowOrigin {
            any: origins.is_any(),
            exact: exact.into(),
            patterns: patterns.into(),
            env,
            function: function.map(OriginFnSource::new),
        }
    }

    /// The policy's `origin_fn`, as this layer asks it on this worker.
    pub(crate) fn origin_fn(&self) -> Option<&OriginFnSource> {
        self.function.as_ref()
    }

    /// Whether the answer depends on the request's `Origin`, in which case caches must be told
    /// with `Vary: Origin`. A `*` policy answers every origin alike.
    pub(crate) fn varies_by_origin(&self) -> bool {
        !self.any
    }

    /// Judges the request's `Origin` header. A value that is not exactly one of the listed
    /// origins or one label under a listed pattern never matches, whatever bytes it holds; two
    /// `Origin` headers are refused rather than guessing which one the browser meant. Only an
    /// `origin_fn` that is `async` (or reads app data the cache holds no answer for) leaves the
    /// verdict for later.
    // Inlinable into the layers, which are compiled in the application's crate: about 50 – 90
    // fewer instructions per request (benches/README.md).
    #[inline]
    pub(crate) fn judge(&self, request: &HttpRequest) -> Judged {
        if self.any {
            return Judged::Now(OriginVerdict::Any);
        }
        let value = match single(request.headers(), &ORIGIN) {
            Ok(Some(value)) => value,
            Ok(None) => return Judged::Now(OriginVerdict::Missing),
            Err(()) => return Judged::Now(OriginVerdict::Refused(Refusal::RepeatedOrigin)),
        };
        let bytes = value.as_bytes();
        if let Some(index) = self
            .exact
            .iter()
            .position(|origin| origin.as_bytes() == bytes)
        {
            return Judged::Now(OriginVerdict::Exact(index));
        }
        let listed = self.patterns.iter().any(|pattern| pattern.matches(bytes))
            || self.env.is_some_and(|env| env.matches(bytes));
        if listed {
            return Judged::Now(OriginVerdict::Reflected(value.clone()));
        }
        match &self.function {
            Some(function) => function.judge(value, request),
            None => Judged::Now(OriginVerdict::Refused(Refusal::OriginNotListed)),
        }
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
