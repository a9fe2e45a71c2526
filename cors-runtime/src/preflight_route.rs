//! The service that answers a routed handler's preflights. actix-web's routing macros guard
//! their resource by method, so an `OPTIONS` preflight never reaches it; `#[cors]` registers this
//! service on the same path for it, *after* the handler's resource.
//!
//! After, because the router tries services in registration order, and every service it tries
//! costs a path match (about 250 instructions, measured with callgrind) even when its guard then
//! says no. Registered first, this service would charge that to every actual request, to turn it
//! away; registered after, only a preflight pays, by first meeting the handler's method guard
//! (which records the method in the request's extensions: three allocations, still fewer than a
//! bare `GET` makes). Actual requests outnumber preflights, which browsers cache for `max_age`.
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

use crate::policy::Policy;
use crate::preflight;
use crate::prepared::Prepared;

/// Registers the preflight service for one path of a routed handler. Called by generated code,
/// after it registers the handler itself.
pub fn register_preflight(
    config: &mut AppService,
    path: &str,
    route_methods: &'static [&'static str],
    policy: &'static Policy,
) {
    // The path as `Resource::register` would store it: with a leading slash, except that the
    // empty path (a scope's own root) stays empty.
    let rdef = if path.is_empty() || path.starts_with('/') {
        ResourceDef::new(path)
    } else {
        ResourceDef::new(format!("/{path}"))
    };
    let guard: Box<dyn Guard> = Box::new(PreflightFor { route_methods });
    config.register_service(rdef, Some(vec![guard]), PreflightAnswer { policy }, None);
}

/// Matches the preflights for the methods one handler serves on this path. When the guard says
/// no, actix-web's router tries the next service, so a `GET` handler and a `POST` handler on the
/// same path each answer the preflights for their own method under their own policy.
///
/// Unlike `guard::Options()`, it records nothing in the request's extensions.
struct PreflightFor {
    route_methods: &'static [&'static str],
}

impl Guard for PreflightFor {
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
struct PreflightAnswer {
    policy: &'static Policy,
}

impl ServiceFactory<ServiceRequest> for PreflightAnswer {
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
