//! An `outermost()` on a scope inside an app that has one too steps aside: the app's sees every
//! request first and is in charge of it, default policy included.
//!
//! Nothing is left on requests for this. An app builds its services before its middleware, and a
//! scope's middleware before the app's, on the thread that builds the app: so each `outermost()`
//! notes, when it is built, the ones built on its thread since the last one, as layers it may sit
//! around ([`Nesting::built`]). Whether it does is settled on requests, once: an inner layer sees
//! a request only after every layer around it did, and a layer notes the app it serves (the
//! address of the app's resource map) on every request it sees; an inner layer whose candidate
//! noted the same app is inside it. A candidate of another app built on the same thread noted
//! another map, and a layer of an app since dropped is gone.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use actix_web::HttpRequest;

/// What one `outermost()` knows of the others.
#[derive(Debug, Default)]
pub(crate) struct Nesting {
    /// The app this layer serves: the address of its resource map, once it has seen a request.
    app: Cell<usize>,
    /// Layers built after this one on its thread, which may sit around it.
    around: RefCell<Vec<Weak<Nesting>>>,
    /// Settled: whether a layer around this one is in charge.
    steps_aside: Cell<Option<bool>>,
}

thread_local! {
    /// The layers built on this thread since the last one.
    static BUILT: RefCell<Vec<Weak<Nesting>>> = const { RefCell::new(Vec::new()) };
}

impl Nesting {
    /// A layer just built: it may sit around the layers built before it since the last one.
    pub(crate) fn built() -> Rc<Nesting> {
        let nesting = Rc::new(Nesting::default());
        BUILT.with_borrow_mut(|built| {
            for inner in built.drain(..).filter_map(|inner| inner.upgrade()) {
                inner.around.borrow_mut().push(Rc::downgrade(&nesting));
            }
            built.push(Rc::downgrade(&nesting));
        });
        nesting
    }

    /// Whether a layer around this one is in charge of `request`; notes the app for the layers
    /// inside this one.
    #[inline]
    pub(crate) fn steps_aside(&self, request: &HttpRequest) -> bool {
        let app = request.resource_map() as *const _ as usize;
        self.app.set(app);
        match self.steps_aside.get() {
            Some(settled) => settled,
            None => self.settle(app),
        }
    }

    #[cold]
    fn settle(&self, app: usize) -> bool {
        let around: Vec<Rc<Nesting>> = self
            .around
            .borrow()
            .iter()
            .filter_map(Weak::upgrade)
            .collect();
        let inside = around.iter().any(|outer| outer.app.get() == app);
        // A candidate that has not seen a request yet cannot be around this one: the layers
        // around a layer see its requests first.
        let all_seen = around.iter().all(|outer| outer.app.get() != 0);
        if inside || all_seen {
            self.steps_aside.set(Some(inside));
        }
        inside
    }
}
