//! Whether a preflight the router gave a routed `#[cors]` handler's entry is that route's to
//! answer ([`PreflightOwner`]).

use std::cell::Cell;
use std::fmt;
use std::rc::Rc;

use actix_web::dev::ServiceRequest;

use super::nodes::{self, first_by_path, Place};

/// Whether a preflight the router gave this route's entry is this route's to answer.
///
/// The router picks the entry for a preflight by the method it announces (see `RouteGuard`), but
/// a resource registered earlier may refuse the `OPTIONS` request and yet take the actual request
/// that follows (actix-web's own `#[get]` has a method guard): then this route would grant a
/// request another resource serves. So the route answers only when the resource the app's
/// resource map finds first for the path, by path alone, is this route, or another routed
/// `#[cors]` handler, whose guard refused the preflight as the router asked it, and so refuses
/// the actual request too. Anything else comes first: the preflight is refused, and the reason
/// logged. Resources are told apart by their place in the resource map, not their names, which
/// actix-web does not keep unique (see `nodes`).
#[derive(Debug, Clone)]
pub(crate) struct PreflightOwner {
    /// This route's place in the resource map.
    place: Rc<Place>,
    resource_name: Rc<str>,
    /// Kept after the first preflight to a path without dynamic segments (scope prefixes
    /// included), which gets the same answer every time.
    known: Rc<Cell<Option<bool>>>,
}

/// Why a preflight is not the route's to answer, for the debug log.
enum NotOwned<'a> {
    /// The route's own place in the resource map is unknown.
    Unplaced,
    /// A resource that is not a `#[cors]` route (`None`: unnamed, or a scope) comes first.
    Other(Option<&'a str>),
}

impl fmt::Display for NotOwned<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotOwned::Unplaced => f.write_str(
                "cors_runtime could not learn which place in the resource map this route holds",
            ),
            NotOwned::Other(first) => write!(
                f,
                "resource `{}`, which is not a `#[cors]` route, comes first for this path, and \
                 may serve the actual request; register this route before it, or give it \
                 `#[cors]`",
                first.unwrap_or("(unnamed, or a scope)")
            ),
        }
    }
}

impl PreflightOwner {
    pub(crate) fn new(place: Rc<Place>, resource_name: &str) -> Self {
        PreflightOwner {
            place,
            resource_name: resource_name.into(),
            known: Rc::default(),
        }
    }

    pub(crate) fn owns(&self, req: &ServiceRequest) -> bool {
        if let Some(known) = self.known.get() {
            return known;
        }
        let path = req.match_info().as_str();
        let owns = match self.judge(req, path) {
            Ok(()) => true,
            Err(why) => {
                log::debug!(
                    target: "cors_runtime",
                    "{}: OPTIONS {path} preflight refused with 403: {why}",
                    self.resource_name,
                );
                false
            }
        };
        if req.match_info().segment_count() == 0 {
            self.known.set(Some(owns));
        }
        owns
    }

    fn judge<'a>(&self, req: &'a ServiceRequest, path: &str) -> Result<(), NotOwned<'a>> {
        let own = self.place.learn(path).ok_or(NotOwned::Unplaced)?;
        let first = first_by_path(req.request(), path).ok_or(NotOwned::Other(None))?;
        if first.node == own || nodes::is_cors_node(first.node) {
            Ok(())
        } else {
            Err(NotOwned::Other(Some(first.name)))
        }
    }
}
