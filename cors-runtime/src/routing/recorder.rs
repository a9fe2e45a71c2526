//! What a routed `#[cors]` handler's registration leaves for `outermost()`: its path as written,
//! its guard in the router, its policy and its names, in a list of the thread that builds the
//! app. actix-web builds each worker's app on the worker's own thread and registers every service
//! before it builds any middleware, so the list is complete when `outermost()` first reads it.
//!
//! Routes are recorded only on threads where an `outermost()` has been made (or cloned): the
//! app's builder makes it before actix-web registers the app's services. Elsewhere registration
//! costs nothing more than actix-web's own.

use std::cell::{Cell, RefCell};

use super::guard::RouteGuard;
use super::nodes::NodeId;
use crate::policy::stored::StoredPolicy;

/// One path of a routed `#[cors]` handler, as its registration records it.
pub(crate) struct Recorded {
    /// The name only this registration's place in the resource map holds, by which the app's
    /// resource map renders its full path.
    pub(crate) hidden_name: String,
    /// The place itself, if it could be learnt (see `nodes`).
    pub(crate) node: Option<NodeId>,
    /// The resource's own name (the routing attribute's `name`, else the handler's), for
    /// messages.
    pub(crate) resource_name: String,
    /// The path as registered, without scope prefixes.
    pub(crate) path: String,
    /// The route's guard in the router: its methods and its attribute's `guard`s.
    pub(crate) guard: RouteGuard,
    pub(crate) policy: &'static StoredPolicy,
    /// Whether the route is registered in a `web::scope` (any, `web::scope("")` too), which
    /// takes every path its prefix matches, rather than on the app itself.
    pub(crate) in_scope: bool,
}

thread_local! {
    static RECORDED: RefCell<Vec<Recorded>> = const { RefCell::new(Vec::new()) };
    static NEXT_NAME: Cell<u64> = const { Cell::new(0) };
    static OUTERMOST_EXPECTED: Cell<bool> = const { Cell::new(false) };
    static REGISTERED: RefCell<Vec<Registered>> = const { RefCell::new(Vec::new()) };
}

/// One path of a routed `#[cors]` handler, as every registration notes it, whether or not the app
/// has an `outermost()`: what `cors_runtime::test::check_app` sends preflights for.
#[derive(Clone)]
pub(crate) struct Registered {
    pub(crate) resource_name: Box<str>,
    /// The path as registered, without scope prefixes.
    pub(crate) path: Box<str>,
    pub(crate) policy: &'static StoredPolicy,
    /// Whether the routing attribute added `guard`s, which a test request may not pass.
    pub(crate) guarded: bool,
}

/// Notes a routed handler's registration; see [`Registered`].
pub(crate) fn note_registered(registered: Registered) {
    REGISTERED.with_borrow_mut(|all| all.push(registered));
}

/// Every routed handler registered on this thread, in registration order.
pub(crate) fn registered() -> Vec<Registered> {
    REGISTERED.with_borrow(Vec::clone)
}

/// Called when an `outermost()` is made or cloned: apps this thread builds from now on may have
/// it, so their routes are recorded.
pub(crate) fn expect_outermost() {
    OUTERMOST_EXPECTED.set(true);
}

/// Whether routes registered now are recorded, with a hidden name, and mark the requests they
/// answer for `outermost()`.
pub(crate) fn outermost_expected() -> bool {
    OUTERMOST_EXPECTED.get()
}

/// A name no other registration's place in the resource map holds.
pub(crate) fn next_hidden_name() -> String {
    let number = NEXT_NAME.with(|next| next.replace(next.get() + 1));
    format!("__cors_runtime_route_{number}")
}

/// Records one path of a routed handler while the app is built.
pub(crate) fn record(recorded: Recorded) {
    RECORDED.with_borrow_mut(|all| all.push(recorded));
}

/// Runs `read` over every route recorded on this thread, in registration order (the routes of
/// every app this thread built).
pub(crate) fn with_recorded<R>(read: impl FnOnce(&[Recorded]) -> R) -> R {
    RECORDED.with_borrow(|recorded| read(recorded))
}
