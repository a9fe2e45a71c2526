//! What the CORS layers leave on a request for `outermost()` to read, so that each response is
//! decorated once, by the layer that knows its policy.
//!
//! The marks travel with the request, not in thread state: a middleware between the layers may
//! run the rest of the chain in a task of its own, interleaved with other requests. A request's
//! extensions would allocate their map for the first entry of every request, so a mark is one of
//! the request's app data containers instead: a container shared by every request of the thread,
//! pushed onto the request's short list of them, which needs no allocation. Pushing takes the
//! request by `Rc::get_mut`, as actix-web's router does: safe where the router has just run (the
//! route's entry). A layer a resource registered by hand wraps may sit inside middleware that
//! holds a clone of the request, so it marks the request's extensions instead.

use std::rc::Rc;

use actix_web::dev::{Extensions, ServiceRequest};
use actix_web::{HttpMessage, HttpRequest, HttpResponse};

/// A CORS layer inside `outermost()` (a route's) answered
/// this request: its answer stands.
struct AnsweredInside;

/// A route's layer decorated the response an error of the route becomes (an error carries no
/// request, so the mark goes on the response it is rendered as).
struct SettledByRoute;

thread_local! {
    static ANSWERED_INSIDE: Rc<Extensions> = container(AnsweredInside);
}

fn container<T: 'static>(mark: T) -> Rc<Extensions> {
    let mut extensions = Extensions::new();
    extensions.insert(mark);
    Rc::new(extensions)
}

/// How a route's layer marks the requests it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marking {
    /// It does not: the app has no `outermost()`.
    None,
    /// Right behind the router: nothing holds a clone of the request.
    Routed,
    /// Behind whatever middleware the resource's registration put around it.
    ByHand,
}

impl Marking {
    pub(crate) fn mark_answered_inside(self, request: &mut ServiceRequest) {
        match self {
            Marking::None => {}
            Marking::Routed => {
                ANSWERED_INSIDE.with(|mark| request.add_data_container(mark.clone()))
            }
            Marking::ByHand => {
                request.extensions_mut().insert(AnsweredInside);
            }
        }
    }
}

pub(crate) fn answered_inside(request: &HttpRequest) -> bool {
    request.app_data::<AnsweredInside>().is_some()
        || request.extensions().contains::<AnsweredInside>()
}

/// Errors are rare; the mark allocates only then.
pub(crate) fn mark_settled_by_route(response: &mut HttpResponse) {
    response.extensions_mut().insert(SettledByRoute);
}

pub(crate) fn settled_by_route(response: &HttpResponse) -> bool {
    response.extensions().contains::<SettledByRoute>()
}

/// Whether the router handed `request` to a resource: its pattern then consumed the whole path.
/// Before routing (a middleware answered), nothing of the path is consumed.
pub(crate) fn routed_to_a_resource(request: &HttpRequest) -> bool {
    request.match_info().unprocessed().is_empty()
}
