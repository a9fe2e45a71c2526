//! Whether a preflight the router gave a routed `#[cors]` handler's entry is that route's to
//! answer ([`PreflightOwner`]).

use std::cell::Cell;
use std::rc::Rc;

use actix_web::dev::ServiceRequest;

use super::recorder;

/// Whether a preflight the router gave this route's entry is this route's to answer.
///
/// The router picks the entry for a preflight by the method it announces (see [`RouteGuard`]),
/// but a resource registered earlier may refuse the `OPTIONS` request and yet take the actual
/// request that follows (actix-web's own `#[get]` has a method guard): then this route would grant
/// a request another resource serves. So the route answers only when the resource the app's
/// resource map finds first for the path, by path alone, is this route or another routed
/// `#[cors]` handler, whose guard refused the preflight and so refuses its actual request too.
/// Anything else comes first: the preflight is refused, and the reason logged.
#[derive(Debug, Clone)]
pub(crate) struct PreflightOwner {
    resource_name: Rc<str>,
    /// Whether the path has no dynamic segment: then the answer is the same for every preflight,
    /// and kept after the first.
    is_static: bool,
    known: Rc<Cell<Option<bool>>>,
}

impl PreflightOwner {
    pub(crate) fn new(resource_name: &str, path: &str) -> Self {
        PreflightOwner {
            resource_name: resource_name.into(),
            is_static: !path.contains('{'),
            known: Rc::default(),
        }
    }

    pub(crate) fn owns(&self, req: &ServiceRequest) -> bool {
        if let Some(known) = self.known.get() {
            return known;
        }
        let path = req.match_info().as_str();
        let first = req.request().resource_map().match_name(path);
        let owns = first.is_some_and(|first| {
            *first == *self.resource_name || recorder::is_cors_resource(first)
        });
        if !owns {
            log::debug!(
                target: "cors_runtime",
                "{}: OPTIONS {path} preflight refused with 403: resource `{}`, which is not a \
                 `#[cors]` route, comes first for this path, and may serve the actual request; \
                 register this route before it, or give it `#[cors]`",
                self.resource_name,
                first.unwrap_or("(unnamed)")
            );
        }
        if self.is_static {
            self.known.set(Some(owns));
        }
        owns
    }
}
