//! The resource that answers a routed handler's preflights. actix-web's routing macros guard
//! their resource by method, so an `OPTIONS` preflight never reaches it; `#[cors]` registers
//! this second resource on the same path for it.

use std::future::ready;

use actix_web::dev::{fn_service, AppService, HttpServiceFactory, ServiceRequest};
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::header::ACCESS_CONTROL_REQUEST_METHOD;
use actix_web::Resource;

use crate::policy::Policy;
use crate::preflight;

/// Registers the preflight resource for one path of a routed handler. Called by generated code.
pub fn register_preflight(
    config: &mut AppService,
    path: &str,
    route_methods: &'static [&'static str],
    policy: &'static Policy,
) {
    let resource = Resource::new(path)
        .guard(PreflightFor { route_methods })
        .default_service(fn_service(move |req: ServiceRequest| {
            let response = preflight::answer(policy, req.headers());
            ready(Ok(req.into_response(response)))
        }));
    HttpServiceFactory::register(resource, config);
}

/// Matches the preflights for the methods one handler serves on this path. When the guard says
/// no, actix-web's router tries the next resource, so a `GET` handler and a `POST` handler on the
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
