//! Asking a policy's `origin_fn` about an origin the lists do not name, on one worker
//! ([`OriginFnAsker`]): through its cache when it has one (see `cache`), and for an `async`
//! function, with an answer the request waits for ([`PendingAnswer`]), `origin_fn_timeout` at
//! most. What `outermost()` learns from the function it hands to the route's layer with the
//! request ([`hand_over`]), so that the function is asked once per request.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use actix_web::http::header::HeaderValue;
use actix_web::{HttpMessage, HttpRequest};

use crate::decision::refusal::Refusal;
use crate::headers::OriginVerdict;
use crate::origin_fn::cache::{self, AnswerCache};
use crate::origin_fn::forms::{Checked, ErasedOriginFn};
use crate::origin_fn::stored::{as_web_origin, OriginFn};

/// A verdict on the request's origin, reached now or to wait for.
pub(crate) enum Judged {
    /// Reached from the lists or a plain `fn(&str) -> bool`, which every layer reaches alike.
    Now(OriginVerdict),
    /// Reached by a function that reads app data or is `async` (or a kept answer of one): what
    /// `outermost()` hands to the route's layer with the request (see [`hand_over`]).
    ByFunction(OriginVerdict, Asked),
    /// An `async` function's answer, to wait for.
    Later(PendingAnswer),
}

/// Which function was asked, and with which app data. Two words: every `judge` returns room for
/// it, on every request.
#[derive(Clone, Copy)]
pub struct Asked {
    /// The function's address, to tell it from others.
    check: *const (),
    app_data: AppDataSeen,
}

/// Where the app data a function read lives (`0`: it reads none), or [`AppDataSeen::MISSING`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct AppDataSeen(usize);

impl AppDataSeen {
    /// Not registered where the function was asked: no data lives at the last address.
    const MISSING: AppDataSeen = AppDataSeen(usize::MAX);
}

/// The address that tells a function from others, in an [`Asked`].
fn address_of(check: &'static dyn ErasedOriginFn) -> *const () {
    check as *const dyn ErasedOriginFn as *const ()
}

/// A policy's `origin_fn`, with this worker's cache of its answers.
pub(crate) struct OriginFnAsker {
    function: OriginFn,
    /// The cache this route's requests read, found on the first request that needed it (it
    /// depends on the app data the request sees).
    cache: RefCell<Option<Rc<AnswerCache>>>,
    /// Whether missing app data, and app data that differ from `outermost()`'s, were already
    /// reported by this layer on this worker: once says each.
    reported_missing: Cell<bool>,
    reported_shadowed: Cell<bool>,
    /// Whether an answer that did not come in time was already reported by this layer on this
    /// worker.
    reported_timeout: Cell<bool>,
}

impl std::fmt::Debug for OriginFnAsker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OriginFnAsker")
            .field("function", &self.function)
            .finish_non_exhaustive()
    }
}

impl OriginFnAsker {
    pub(crate) fn new(function: OriginFn) -> Self {
        OriginFnAsker {
            function,
            cache: RefCell::new(None),
            reported_missing: Cell::new(false),
            reported_shadowed: Cell::new(false),
            reported_timeout: Cell::new(false),
        }
    }

    fn check(&self) -> &'static dyn ErasedOriginFn {
        self.function.stored().check
    }

    /// Asks the function about `origin`, the request's single `Origin` value, unless it is not an
    /// `http` or `https` serialized origin, which no function ever sees.
    pub(crate) fn judge(&self, origin: &HeaderValue, request: &HttpRequest) -> Judged {
        let Some(text) = as_web_origin(origin.as_bytes()) else {
            return Judged::Now(OriginVerdict::Refused(Refusal::OriginNotListed));
        };
        let uncached = self.function.bounds().is_none();
        if uncached {
            // A plain function: no app data, no request, no waiting.
            if let Some(allowed) = self.check().decide_now(text) {
                return Judged::Now(verdict(origin, allowed));
            }
        }
        let app_data = match self.check().app_data_address(request) {
            Some(address) => AppDataSeen(address),
            None => AppDataSeen::MISSING,
        };
        let asked = Asked {
            check: address_of(self.check()),
            app_data,
        };
        if let Some(handed) = handed_over(request, self.check()) {
            return Judged::Now(self.take_over(handed, origin, app_data));
        }
        if app_data == AppDataSeen::MISSING {
            return Judged::ByFunction(self.missing(), asked);
        }
        let address = app_data.0;
        let cache = (!uncached).then(|| self.cache_for(address, request));
        if let Some(allowed) = cache
            .as_ref()
            .and_then(|cache| cache.get(origin.as_bytes()))
        {
            return Judged::ByFunction(verdict(origin, allowed), asked);
        }
        let now = Instant::now();
        let timeout = Duration::from_secs(self.function.timeout_secs().into());
        match self.check().start(origin, request, timeout) {
            Checked::Decided(allowed) => {
                if let Some(cache) = &cache {
                    cache.insert(origin.as_bytes(), allowed, now);
                }
                Judged::ByFunction(verdict(origin, allowed), asked)
            }
            Checked::Pending(answer) => Judged::Later(PendingAnswer {
                answer,
                cache,
                asked_at: now,
                asked,
            }),
            Checked::NoAppData => Judged::ByFunction(self.missing(), asked),
        }
    }

    /// The verdict `outermost()` reached for this request, if the route's layer sees the same app
    /// data; if not, the two layers would judge by different data, and the origin is refused.
    fn take_over(
        &self,
        handed: HandedOver,
        origin: &HeaderValue,
        app_data: AppDataSeen,
    ) -> OriginVerdict {
        if handed.asked.app_data != app_data {
            return self.shadowed();
        }
        if app_data == AppDataSeen::MISSING {
            // Neither layer found the data; `outermost()` reported it.
            return OriginVerdict::Refused(Refusal::OriginFnAppDataMissing);
        }
        match handed.granted {
            Ok(granted) if granted == origin => OriginVerdict::Reflected(granted),
            Ok(_) => OriginVerdict::Refused(Refusal::OriginNotListed),
            Err(reason) => OriginVerdict::Refused(reason),
        }
    }

    /// This route's cache, for requests that see the app data at `app_data`.
    fn cache_for(&self, app_data: usize, request: &HttpRequest) -> Rc<AnswerCache> {
        let mut slot = self.cache.borrow_mut();
        match &*slot {
            Some(cache) if cache.app_data() == app_data => cache.clone(),
            _ => {
                let identity = self.check().identity();
                let alive = || self.check().app_data_alive(request);
                let cache = cache::shared(identity, self.function.bounds(), app_data, alive);
                *slot = Some(cache.clone());
                cache
            }
        }
    }

    /// The function reads app data the app does not hold where it is asked: a mistake in building
    /// the app, which refuses the origin (the function cannot vouch for it) and is reported once
    /// per layer and worker.
    fn missing(&self) -> OriginVerdict {
        if !self.reported_missing.replace(true) {
            let type_name = self.check().app_data_type();
            log::error!(
                target: "cors_runtime",
                "origin_fn `{}` reads `{type_name}`, which the app does not hold where the \
                 function is asked, so it refuses every origin it is asked about: register it \
                 with `App::new().app_data(web::Data::new(..))`; `outermost()` sees only the \
                 app data registered where it is wrapped or further out (a scope or resource \
                 inside it adds theirs later), so with it, register it there",
                self.function.name()
            );
        }
        OriginVerdict::Refused(Refusal::OriginFnAppDataMissing)
    }

    /// The route's layer sees other app data than `outermost()` did (one registered on the
    /// route's scope or resource, which `outermost()` cannot see): a mistake in building the app,
    /// which refuses the origin and is reported once per worker.
    fn shadowed(&self) -> OriginVerdict {
        if !self.reported_shadowed.replace(true) {
            log::error!(
                target: "cors_runtime",
                "origin_fn `{}` reads `{}`, registered on a scope or resource inside \
                 `outermost()`, which it cannot see (they add their app data after it runs): \
                 the two layers would judge origins by different data, so every origin the \
                 function is asked about is refused; register it where `outermost()` is wrapped \
                 (usually the App) only",
                self.function.name(),
                self.check().app_data_type()
            );
        }
        OriginVerdict::Refused(Refusal::OriginFnAppDataDiffers)
    }

    /// The function gave no answer within `origin_fn_timeout`: the origin is refused, so that the
    /// request goes on, and this is reported once per route and worker. The refusal is not kept
    /// as the function's answer (a slow database is no "no"): the origin's next request asks
    /// again.
    pub(crate) fn timed_out(&self, route: &str) -> OriginVerdict {
        let after_secs = self.function.timeout_secs();
        if !self.reported_timeout.replace(true) {
            log::warn!(
                target: "cors_runtime",
                "origin_fn `{}` gave no answer within {after_secs} s (`origin_fn_timeout`) on \
                 route `{route}`, so the origin it was asked about was refused and the request \
                 went on; it is asked again on the origin's next request. Have the function give \
                 up sooner on what it waits for, or raise `origin_fn_timeout` (reported once \
                 per route and worker)",
                self.function.name()
            );
        }
        OriginVerdict::Refused(Refusal::OriginFnTimedOut { after_secs })
    }
}

fn verdict(origin: &HeaderValue, allowed: bool) -> OriginVerdict {
    match allowed {
        true => OriginVerdict::Reflected(origin.clone()),
        false => OriginVerdict::Refused(Refusal::OriginNotListed),
    }
}

/// An `async` function's answer on its way, and where to keep it. The origin it is about stays
/// in the request, which waits with it.
pub(crate) struct PendingAnswer {
    /// `None` once `origin_fn_timeout` passed without an answer.
    answer: Pin<Box<dyn Future<Output = Option<bool>>>>,
    cache: Option<Rc<AnswerCache>>,
    asked_at: Instant,
    asked: Asked,
}

impl PendingAnswer {
    /// Which function is asked, and with which app data.
    pub(crate) fn asked(&self) -> Asked {
        self.asked
    }

    /// Polls the answer about `origin`, and keeps it once given; `None` when none came in time.
    pub(crate) fn poll(
        &mut self,
        cx: &mut Context<'_>,
        origin: &HeaderValue,
    ) -> Poll<Option<OriginVerdict>> {
        let Some(allowed) = std::task::ready!(self.answer.as_mut().poll(cx)) else {
            return Poll::Ready(None);
        };
        if let Some(cache) = &self.cache {
            cache.insert(origin.as_bytes(), allowed, self.asked_at);
        }
        Poll::Ready(Some(verdict(origin, allowed)))
    }
}

/// Leaves the verdict a function reached in `outermost()` on the request, for the route's layer:
/// it takes it rather than asking again (an uncached function would be asked twice), and refuses
/// the origin if it sees other app data than `outermost()` did, so that the two layers never
/// judge by different data. Only the function's own answer is handed over, for the origin it
/// was asked about: a middleware between the layers that rewrites `Origin` gets nothing.
pub(crate) fn hand_over(request: &HttpRequest, verdict: &OriginVerdict, asked: Asked) {
    let granted = match verdict {
        OriginVerdict::Reflected(origin) => Ok(origin.clone()),
        OriginVerdict::Refused(reason) => Err(*reason),
        _ => Err(Refusal::OriginNotListed),
    };
    request
        .extensions_mut()
        .insert(HandedOver { asked, granted });
}

/// A verdict `outermost()` reached, in the request's extensions.
#[derive(Clone)]
struct HandedOver {
    asked: Asked,
    /// The origin granted, or why it was not.
    granted: Result<HeaderValue, Refusal<'static>>,
}

/// The verdict `outermost()` left on `request` for this function, if any.
fn handed_over(request: &HttpRequest, check: &'static dyn ErasedOriginFn) -> Option<HandedOver> {
    let extensions = request.extensions();
    let handed = extensions.get::<HandedOver>()?;
    (handed.asked.check == address_of(check)).then(|| handed.clone())
}
