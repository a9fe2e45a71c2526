//! An `outermost()` on a scope inside an app (or scope) that has one too steps aside: the
//! outer one sees every request first and is in charge of it, default policy included.
//!
//! Which layers sit inside which is settled on requests, once per layer: a layer that is in
//! charge marks the requests with an `Origin` it sees ([`OuterInCharge`]) while any layer built on
//! its thread has not settled yet, and a layer settles on the first request with an `Origin` that
//! reaches it: marked, another layer around it is in charge, for good, since every request that
//! reaches a layer has passed the same layers around it. Siblings (two scopes, each with its own
//! `outermost()`) never see each other's requests, so neither takes the other for one around it.
//! The mark goes into the request's extensions, which allocates; once every layer has settled,
//! requests are not marked.

use std::cell::Cell;
use std::rc::Rc;

use actix_web::dev::{Extensions, ServiceRequest};
use actix_web::HttpRequest;

/// Left on a request by an `outermost()` in charge of it.
struct OuterInCharge;

thread_local! {
    /// The layers on this thread that have not settled yet.
    static UNSETTLED: Cell<usize> = const { Cell::new(0) };
    static MARK: Rc<Extensions> = {
        let mut mark = Extensions::new();
        mark.insert(OuterInCharge);
        Rc::new(mark)
    };
}

/// What one `outermost()` knows of the others.
#[derive(Debug)]
pub(crate) struct Nesting {
    /// Settled: whether a layer around this one is in charge.
    steps_aside: Cell<Option<bool>>,
}

impl Nesting {
    /// A layer just built, not settled yet.
    pub(crate) fn built() -> Nesting {
        UNSETTLED.set(UNSETTLED.get() + 1);
        Nesting {
            steps_aside: Cell::new(None),
        }
    }

    /// Whether a layer around this one is in charge of `request`, which has an `Origin`.
    #[inline]
    pub(crate) fn steps_aside(&self, request: &HttpRequest) -> bool {
        match self.steps_aside.get() {
            Some(settled) => settled,
            None => self.settle(request),
        }
    }

    /// Marks `request`, which this layer is in charge of, for the layers inside it that have not
    /// settled, before it passes it on.
    #[inline]
    pub(crate) fn mark_in_charge(&self, request: &mut ServiceRequest) {
        if UNSETTLED.get() > 0 {
            MARK.with(|mark| request.add_data_container(mark.clone()));
        }
    }

    #[cold]
    fn settle(&self, request: &HttpRequest) -> bool {
        let inside = request.app_data::<OuterInCharge>().is_some();
        self.steps_aside.set(Some(inside));
        UNSETTLED.set(UNSETTLED.get() - 1);
        inside
    }
}

impl Drop for Nesting {
    fn drop(&mut self) {
        if self.steps_aside.get().is_none() {
            UNSETTLED.set(UNSETTLED.get() - 1);
        }
    }
}
