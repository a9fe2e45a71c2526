//! Asking a policy's `origin_fn` about an origin the lists do not name, on one worker: through
//! its cache when it has one (see [`crate::origin_cache`]), and for an `async` function, with a
//! verdict the request waits for ([`PendingVerdict`]).

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::dev::ServiceRequest;
use actix_web::http::header::HeaderValue;
use actix_web::{HttpMessage, HttpRequest};

use crate::headers::OriginVerdict;
use crate::origin_cache::{self, CacheBounds, OriginCache};
use crate::origin_check::{Checked, ErasedOriginFn};
use crate::prepared::Prepared;
use crate::refusal::Refusal;
use crate::runtime_origins::{as_web_origin, OriginFn};

/// A verdict on the request's origin, reached now or to wait for.
pub(crate) enum Judged {
    Now(OriginVerdict),
    Later(PendingVerdict),
}

/// A policy's `origin_fn`, with this worker's cache of its answers.
pub(crate) struct OriginFnSource {
    function: OriginFn,
    check: &'static dyn ErasedOriginFn,
    bounds: CacheBounds,
    /// The cache this route's requests read, found on the first request that needed it (it
    /// depends on the app data the request sees).
    cache: RefCell<Option<Rc<OriginCache>>>,
    /// Whether the missing app data was already reported on this worker: once says it.
    reported_missing: Cell<bool>,
}

impl std::fmt::Debug for OriginFnSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginFnSource")
            .field("function", &self.function)
            .finish_non_exhaustive()
    }
}

impl OriginFnSource {
    pub(crate) fn new(function: OriginFn) -> Self {
        OriginFnSource {
            function,
            check: function.stored().check,
            bounds: function.bounds(),
            cache: RefCell::new(None),
            reported_missing: Cell::new(false),
        }
    }

    /// Asks the function about `origin`, the request's single `Origin` value, unless it is not an
    /// `http` or `https` serialized origin, which no function ever sees.
    pub(crate) fn judge(&self, origin: &HeaderValue, request: &HttpRequest) -> Judged {
        let Some(text) = as_web_origin(origin.as_bytes()) else {
            return Judged::Now(OriginVerdict::Refused(Refusal::OriginNotListed));
        };
        let uncached = self.bounds.is_none();
        if uncached {
            // A plain function, as before this module: no app data, no request, no waiting.
            if let Some(allowed) = self.check.decide_now(text) {
                return Judged::Now(verdict(origin, allowed));
            }
        }
        let app_data = match self.check.app_data_address(request) {
            Ok(address) => address,
            Err(type_name) => return Judged::Now(self.missing(type_name)),
        };
        let cache = (!uncached).then(|| self.cache_for(app_data, request));
        if let Some(allowed) = cache
            .as_ref()
            .and_then(|cache| cache.get(origin.as_bytes()))
        {
            return Judged::Now(verdict(origin, allowed));
        }
        if let Some(allowed) = handed_over(request, self.check, app_data) {
            return Judged::Now(verdict(origin, allowed));
        }
        match self.check.start(origin, request) {
            Checked::Decided(allowed) => {
                if let Some(cache) = &cache {
                    cache.insert(origin.as_bytes(), allowed);
                }
                Judged::Now(verdict(origin, allowed))
            }
            Checked::Pending(answer) => Judged::Later(PendingVerdict {
                origin: origin.clone(),
                answer,
                cache,
                handover: Handover {
                    check: self.check,
                    app_data,
                },
            }),
            Checked::NoAppData(type_name) => Judged::Now(self.missing(type_name)),
        }
    }

    /// This route's cache, for requests that see the app data at `app_data`.
    fn cache_for(&self, app_data: usize, request: &HttpRequest) -> Rc<OriginCache> {
        let mut slot = self.cache.borrow_mut();
        match &*slot {
            Some(cache) if cache.app_data() == app_data => cache.clone(),
            _ => {
                let identity = self.check.identity();
                let alive = || self.check.app_data_alive(request);
                let cache = origin_cache::shared(identity, self.bounds, app_data, alive);
                *slot = Some(cache.clone());
                cache
            }
        }
    }

    /// The function reads app data the app does not hold: a mistake in building the app, which
    /// refuses the origin (the function cannot vouch for it) and is reported once per worker.
    fn missing(&self, type_name: &'static str) -> OriginVerdict {
        if !self.reported_missing.replace(true) {
            log::error!(
                target: "cors_runtime",
                "origin_fn `{}` reads `{type_name}`, which the app does not hold, so it refuses \
                 every origin it is asked about: register it with \
                 `App::new().app_data(web::Data::new(..))` (or on the route's scope)",
                self.function.name()
            );
        }
        OriginVerdict::Refused(Refusal::OriginFnAppDataMissing)
    }
}

fn verdict(origin: &HeaderValue, allowed: bool) -> OriginVerdict {
    match allowed {
        true => OriginVerdict::Reflected(origin.clone()),
        false => OriginVerdict::Refused(Refusal::OriginNotListed),
    }
}

/// An `async` function's answer on its way, and where to keep it.
pub(crate) struct PendingVerdict {
    origin: HeaderValue,
    answer: Pin<Box<dyn Future<Output = bool>>>,
    cache: Option<Rc<OriginCache>>,
    handover: Handover,
}

impl Future for PendingVerdict {
    type Output = OriginVerdict;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<OriginVerdict> {
        let allowed = std::task::ready!(self.answer.as_mut().poll(cx));
        if let Some(cache) = &self.cache {
            cache.insert(self.origin.as_bytes(), allowed);
        }
        Poll::Ready(verdict(&self.origin, allowed))
    }
}

/// A request waiting for an `async` check's answer, and what it goes on to be: the one shape both
/// layers keep while they wait (boxed, as their futures' other states are small).
pub(crate) struct Waiting<S> {
    pending: PendingVerdict,
    request: Option<(ServiceRequest, Rc<Prepared>, Then<S>)>,
}

/// What a request waiting for its origin's verdict is.
pub(crate) enum Then<S> {
    /// A preflight, which the waiting layer answers.
    Preflight,
    /// An actual request, for the services inside the layer.
    Actual(Rc<S>),
}

/// A waiting request, once its origin's verdict came.
pub(crate) struct Answered<S> {
    pub(crate) verdict: OriginVerdict,
    pub(crate) request: ServiceRequest,
    pub(crate) prepared: Rc<Prepared>,
    pub(crate) then: Then<S>,
    handover: Handover,
}

impl<S> Waiting<S> {
    pub(crate) fn boxed(
        pending: PendingVerdict,
        request: ServiceRequest,
        prepared: Rc<Prepared>,
        then: Then<S>,
    ) -> Box<Self> {
        let request = Some((request, prepared, then));
        Box::new(Waiting { pending, request })
    }

    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<Answered<S>> {
        let verdict = std::task::ready!(Pin::new(&mut self.pending).poll(cx));
        let waiting = self.request.take();
        let (request, prepared, then) = waiting.expect("a waiting request polled after its answer");
        Poll::Ready(Answered {
            verdict,
            request,
            prepared,
            then,
            handover: self.pending.handover,
        })
    }
}

impl<S> Answered<S> {
    /// Leaves the answer on the request for the route's layer, once `outermost()` has waited for
    /// it: without a cache, the route's layer would otherwise ask the function again.
    pub(crate) fn hand_over(&self) {
        let allowed = matches!(self.verdict, OriginVerdict::Reflected(_));
        self.request.extensions_mut().insert(HandedOver {
            handover: self.handover,
            allowed,
        });
    }
}

/// Which function answered, for which app data.
#[derive(Clone, Copy)]
struct Handover {
    check: &'static dyn ErasedOriginFn,
    app_data: usize,
}

/// An answer `outermost()` waited for, left in the request's extensions for the route's layer.
struct HandedOver {
    handover: Handover,
    allowed: bool,
}

/// The answer `outermost()` left on `request` for this function and app data, if any.
fn handed_over(
    request: &HttpRequest,
    check: &'static dyn ErasedOriginFn,
    app_data: usize,
) -> Option<bool> {
    let extensions = request.extensions();
    let handed = extensions.get::<HandedOver>()?;
    let same_function = std::ptr::addr_eq(handed.handover.check, check);
    (same_function && handed.handover.app_data == app_data).then_some(handed.allowed)
}
