//! The service that answers a routed handler's preflights. actix-web's routing macros guard
//! their resource by method, so an `OPTIONS` preflight never reaches it; `#[cors]` registers this
//! service on the same path for it, *after* the handler's resource.
//!
//! After, because the router tries services in registration order, and every service it tries
//! costs a path match even when its guard then says no. Registered first, this service would
//! charge that to every actual request, to turn it away; registered after, only a preflight pays,
//! by first meeting the handler's method guard (which records the method in the request's
//! extensions: three allocations, still fewer than a bare `GET` makes). Actual requests outnumber preflights, which browsers cache for `max_age`.
//!
//! It is registered as a bare service rather than a `Resource`, whose default service would box
//! its future: answering a preflight builds the response and nothing else.

use std::future::{ready, Ready};
use std::rc::Rc;

use actix_web::dev::{
    always_ready, AppService, ResourceDef, Service, ServiceFactory, ServiceRequest, ServiceResponse,
};
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::header::ACCESS_CONTROL_REQUEST_METHOD;
use actix_web::Error;

use crate::policy::StoredPolicy;
use crate::preflight;
use crate::prepared::Prepared;
use crate::route_table::{self, RouteGuards};

/// Registers the preflight service for one path of a routed handler. Called by generated code,
/// after it registers the handler itself.
pub fn register_preflight(
    config: &mut AppService,
    path: &str,
    route_methods: &'static [&'static str],
    policy: &'static StoredPolicy,
) {
    register_guarded_preflight(config, path, route_methods, policy, Vec::new());
}

/// Registers the preflight service for one path of a routed handler whose routing attribute has
/// `guard = "..."` options: the preflight must pass those guards too, as the actual request must,
/// so that of two handlers on one path and method told apart by a guard (a `Host`, say), each
/// answers the preflights of the requests it will serve, under its own policy. The guards see the
/// preflight request, which has the actual request's path and host but none of the headers the
/// page adds to it.
pub fn register_guarded_preflight(
    config: &mut AppService,
    path: &str,
    route_methods: &'static [&'static str],
    policy: &'static StoredPolicy,
    route_guards: Vec<Box<dyn Guard>>,
) {
    // The path as `Resource::register` would store it: with a leading slash, except that the
    // empty path (a scope's own root) stays empty.
    let path = if path.is_empty() || path.starts_with('/') {
        path.to_owned()
    } else {
        format!("/{path}")
    };
    let route_guards = RouteGuards::new(route_guards);
    // Under a name of its own, by which `outermost()` finds the route's full path.
    let name = route_table::record(&path, route_methods, route_guards.clone(), policy);
    let mut rdef = ResourceDef::new(path);
    rdef.set_name(name);
    // The router checks every guard of the list; the preflight test goes first, as it rules out
    // most requests without calling into the application's code.
    let guards: Vec<Box<dyn Guard>> = vec![
        Box::new(PreflightGuard { route_methods }),
        Box::new(route_guards),
    ];
    config.register_service(rdef, Some(guards), PreflightServiceFactory { policy }, None);
}

/// One `guard = "path"` of a routing attribute, made the way actix-web's routing macros make it.
pub fn route_guard<F>(guard: F) -> Box<dyn Guard>
where
    F: Fn(&GuardContext<'_>) -> bool + 'static,
{
    Box::new(actix_web::guard::fn_guard(guard))
}

/// Matches the preflights for the methods one handler serves on this path. When the guard says
/// no, actix-web's router tries the next service, so a `GET` handler and a `POST` handler on the
/// same path each answer the preflights for their own method under their own policy.
///
/// Unlike `guard::Options()`, it records nothing in the request's extensions.
struct PreflightGuard {
    route_methods: &'static [&'static str],
}

impl Guard for PreflightGuard {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let head = ctx.head();
        preflight::is_preflight(head)
            && head
                .headers
                .get(ACCESS_CONTROL_REQUEST_METHOD)
                .is_some_and(|requested| {
                    // Case-insensitive on purpose: a page's `fetch(.., { method: "patch" })` sends
                    // `patch`, which the policy then refuses with a logged reason, rather than
                    // the preflight falling through to a bare 404.
                    self.route_methods
                        .iter()
                        .any(|m| m.as_bytes().eq_ignore_ascii_case(requested.as_bytes()))
                })
    }
}

/// Makes the service that answers a preflight under one policy; the handler never runs.
#[derive(Clone, Copy)]
struct PreflightServiceFactory {
    policy: &'static StoredPolicy,
}

impl ServiceFactory<ServiceRequest> for PreflightServiceFactory {
    type Response = ServiceResponse;
    type Error = Error;
    type Config = ();
    type Service = PreflightService;
    type InitError = ();
    type Future = Ready<Result<PreflightService, ()>>;

    fn new_service(&self, _: ()) -> Self::Future {
        ready(Ok(PreflightService {
            prepared: Prepared::new(self.policy),
        }))
    }
}

/// Answers a preflight under one policy, with its header values made once per worker.
struct PreflightService {
    prepared: Rc<Prepared>,
}

impl Service<ServiceRequest> for PreflightService {
    type Response = ServiceResponse;
    type Error = Error;
    type Future = Ready<Result<ServiceResponse, Error>>;

    always_ready!();

    fn call(&self, req: ServiceRequest) -> Self::Future {
        ready(Ok(preflight::respond(&self.prepared, req)))
    }
}
