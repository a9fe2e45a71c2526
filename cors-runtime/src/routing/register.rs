//! Registering a routed `#[cors]` handler: one router entry per path, which serves the handler's
//! requests *and* answers the preflights that announce them.
//!
//! actix-web's router tries an app's (or scope's) entries one after the other, and each entry it
//! tries costs a path match, so a request to the 200th route pays for the 199 entries before it.
//! A separate preflight entry per route would double that for every request of the app. Instead,
//! the route's own entry accepts, besides the methods it serves, the preflights for those
//! methods, and the CORS layer in front of the handler answers them: the router holds exactly the
//! entries it would hold without `#[cors]`.
//!
//! The entry is registered here rather than by actix-web's routing macro, which registers a
//! `Resource` with a method guard that no preflight passes. What that macro builds is rebuilt
//! from public parts: the handler as a `Route` (with the attribute's `wrap`s), the method and
//! `guard = ".."` checks as the entry's guard, the resource's name in the app's resource map.
//!
//! The entry's place in the resource map holds two names: the resource's own, and a hidden one
//! unique to the registration, by which `outermost()` renders the route's full path, scope
//! prefixes included (see `table`). With them, the place is a node the registration builds
//! itself, so that its identity can be learnt (see `nodes`): resources are told apart by it, not
//! by their names, which actix-web does not keep unique. A place with names is a node with
//! children, where actix-web otherwise has a leaf, and for such a node actix-web answers
//! `HttpRequest::match_name()` and `match_pattern()` by searching the resource map by path alone:
//! the same answers, unless a resource registered earlier has a pattern that also matches the
//! path but not the method (`GET /items/{id}` before `POST /items/new`).

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use actix_web::body::BoxBody;
use actix_web::dev::{
    AppService, ResourceDef, ResourceMap, Service, ServiceFactory, ServiceRequest, ServiceResponse,
};
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::Method;
use actix_web::{Error, Route};
use pin_project_lite::pin_project;

use super::guard::RouteGuard;
use super::nodes::Place;
use super::owner::PreflightOwner;
use super::recorder;
use crate::layers::marks::Marking;
use crate::layers::route::{Cors, CorsFuture, CorsService};
use crate::policy::stored::StoredPolicy;

/// The service actix-web makes of a `Route`: the handler with the attribute's `wrap`s.
type RouteService = <Route as ServiceFactory<ServiceRequest>>::Service;

/// Registers one path of a routed handler: `route` (the handler, with the routing attribute's
/// `wrap`s) behind the CORS layer of `policy`, under `name` (the routing macro's resource name),
/// for requests with one of `route_methods` that pass `route_guards` (the attribute's
/// `guard = ".."` functions), and for the preflights of those requests.
pub fn register_route(
    config: &mut AppService,
    path: &str,
    name: &str,
    route_methods: &'static [&'static str],
    policy: &'static StoredPolicy,
    route_guards: Vec<Box<dyn Guard>>,
    route: Route,
) {
    // The path as `Resource::register` stores it: with a leading slash, except that the empty
    // path (a scope's own root) stays empty.
    let path = if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let guard = RouteGuard {
        methods: route_methods
            .iter()
            .map(|method| Method::from_bytes(method.as_bytes()).expect("checked by the macro"))
            .collect(),
        route_methods,
        route_guards: route_guards.into(),
    };
    let rdef = ResourceDef::new(path.as_str());
    recorder::note_registered(recorder::Registered {
        resource_name: name.into(),
        path: path.as_str().into(),
        policy,
        guarded: guard.has_attribute_guards(),
    });
    let hidden_name = recorder::next_hidden_name();
    let names = Rc::new(resource_names(&rdef, name, &hidden_name));
    let place = Place::new(&rdef, names.clone());
    let outermost_expected = recorder::outermost_expected();
    if outermost_expected {
        if place.known().is_none() {
            super::warn_once(format!(
                "outermost(): route `{}` ({name}) is not answered before the app's middleware: \
                 no path its pattern `{path}` matches could be built (a segment's regex uses \
                 syntax cors_runtime does not read), to learn which resource comes first for its \
                 paths; its own layer still answers the requests that reach it",
                policy.route
            ));
        }
        recorder::record(recorder::Recorded {
            hidden_name,
            node: place.known(),
            resource_name: name.to_owned(),
            path: path.clone(),
            guard: guard.clone(),
            policy,
            in_scope: !config.is_root(),
        });
    }
    let owner = PreflightOwner::new(place, name);
    let guards: Vec<Box<dyn Guard>> = vec![Box::new(guard)];
    let factory = RouteFactory {
        route,
        cors: Cors::new(policy).marking(match outermost_expected {
            true => Marking::Routed,
            false => Marking::None,
        }),
        owner,
    };
    config.register_service(rdef, Some(guards), factory, Some(names));
}

/// The entry's place in the app's resource map: a node for its path holding two names, the
/// resource's own (first, so that `HttpRequest::match_name` reports it, and `url_for` finds it as
/// it would find actix-web's resource) and the hidden one. Names live in the resource map only;
/// the router never sees them, so they cost requests nothing.
fn resource_names(rdef: &ResourceDef, name: &str, hidden_name: &str) -> ResourceMap {
    let mut names = ResourceMap::new(rdef.clone());
    for name in [name, hidden_name] {
        let mut named = ResourceDef::new("");
        named.set_name(name);
        names.add(&mut named, None);
    }
    names
}

/// One `guard = "path"` of a routing attribute, made the way actix-web's routing macros make it.
pub fn route_guard<F>(guard: F) -> Box<dyn Guard>
where
    F: Fn(&GuardContext<'_>) -> bool + 'static,
{
    Box::new(actix_web::guard::fn_guard(guard))
}

/// Makes the entry's service: the CORS layer in front of the route.
struct RouteFactory {
    route: Route,
    cors: Cors,
    owner: PreflightOwner,
}

impl ServiceFactory<ServiceRequest> for RouteFactory {
    type Response = ServiceResponse;
    type Error = Error;
    type Config = ();
    type Service = CorsRoute;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<CorsRoute, ()>>>>;

    fn new_service(&self, _: ()) -> Self::Future {
        let route = self.route.new_service(());
        let cors = self.cors;
        let owner = self.owner.clone();
        Box::pin(async move {
            Ok(CorsRoute {
                layer: cors.service(route.await?).with_preflight_owner(owner),
            })
        })
    }
}

/// The entry's service: [`CorsService`] around the route, with the response body the router
/// expects.
struct CorsRoute {
    layer: CorsService<RouteService>,
}

impl Service<ServiceRequest> for CorsRoute {
    type Response = ServiceResponse;
    type Error = Error;
    type Future = CorsRouteFuture;

    actix_web::dev::forward_ready!(layer);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        CorsRouteFuture {
            inner: self.layer.call(req),
        }
    }
}

pin_project! {
    struct CorsRouteFuture {
        #[pin]
        inner: CorsFuture<RouteService, BoxBody>,
    }
}

impl Future for CorsRouteFuture {
    type Output = Result<ServiceResponse, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // `EitherBody` of two boxed bodies unboxes to one of them: nothing is allocated.
        self.project()
            .inner
            .poll(cx)
            .map_ok(ServiceResponse::map_into_boxed_body)
    }
}

#[cfg(all(test, target_pointer_width = "64"))]
mod tests {
    /// Every request to a `#[cors]` route moves its future, so the states that only an `async`
    /// `origin_fn` needs are boxed: the future stays the size it had without them.
    #[test]
    fn the_routes_future_stays_small() {
        assert_eq!(std::mem::size_of::<super::CorsRouteFuture>(), 64);
    }
}
