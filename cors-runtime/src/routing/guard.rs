//! A routed `#[cors]` handler's guard in the router ([`RouteGuard`]), which `outermost()`'s table
//! asks the same question.

use std::rc::Rc;

use actix_web::guard::{Guard, GuardContext};
use actix_web::http::header::ACCESS_CONTROL_REQUEST_METHOD;
use actix_web::http::Method;

use crate::layers::preflight::is_preflight;

/// The entry's guard: a request with one of the route's methods, or a preflight announcing one,
/// that also passes the attribute's own guards. When it says no, the router tries the next entry,
/// so that a `GET` handler and a `PUT` handler on one path each serve, and answer the preflights
/// of, their own method under their own policy; and so that of two handlers told apart by a
/// `guard` (a `Host`, say), each answers the preflights of the requests it will serve. Those
/// guards see the preflight request, which has the actual request's path and host but none of
/// the headers the page adds to it.
///
/// Unlike actix-web's method guards, it does not list the methods it tried in the request's
/// extensions: a `Resource` registered later on the same path reads that list for the `Allow`
/// header of its `405`, which then names only its own methods.
///
/// `outermost()`'s route table keeps a clone and asks it the same question, so that it finds the
/// route the router would.
#[derive(Clone)]
pub(crate) struct RouteGuard {
    pub(crate) methods: Rc<[Method]>,
    pub(crate) route_methods: &'static [&'static str],
    pub(crate) route_guards: Rc<[Box<dyn Guard>]>,
}

impl RouteGuard {
    /// Whether the routing attribute added `guard`s of its own: then this guard may refuse a
    /// request for reasons other than its method.
    pub(crate) fn has_attribute_guards(&self) -> bool {
        !self.route_guards.is_empty()
    }

    /// Whether every method `other` serves is one this route serves too.
    pub(crate) fn serves_every_method_of(&self, other: &RouteGuard) -> bool {
        other
            .methods
            .iter()
            .all(|method| self.methods.contains(method))
    }

    /// A preflight is the route's only if it announces a method the route serves, also when the
    /// route serves `OPTIONS` itself: it must not answer the preflights of a sibling's methods.
    fn serves(&self, ctx: &GuardContext<'_>) -> bool {
        if is_preflight(ctx.head()) {
            self.announces_served_method(ctx)
        } else {
            self.methods.contains(&ctx.head().method)
        }
    }

    fn announces_served_method(&self, ctx: &GuardContext<'_>) -> bool {
        ctx.head()
            .headers
            .get(ACCESS_CONTROL_REQUEST_METHOD)
            .is_some_and(|requested| {
                // Case-insensitive on purpose: a page's `fetch(.., { method: "patch" })` sends
                // `patch`, which the policy then refuses with a logged reason, rather than the
                // preflight falling through to a bare 404.
                self.route_methods
                    .iter()
                    .any(|m| m.as_bytes().eq_ignore_ascii_case(requested.as_bytes()))
            })
    }
}

impl Guard for RouteGuard {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        self.serves(ctx) && self.route_guards.iter().all(|guard| guard.check(ctx))
    }
}
