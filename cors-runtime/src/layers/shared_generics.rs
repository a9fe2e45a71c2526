//! Build time of applications, not run time: the middleware's generic code, compiled once here
//! instead of in every application that uses it.
//!
//! A routed `#[cors]` handler's layer is compiled here already: `route_service` puts it around
//! actix-web's `Route` service, one concrete type. A handler registered by hand is wrapped by the
//! application, `web::resource(..).wrap(handler::cors())`, and actix-web's `wrap` makes the CORS
//! middleware part of that resource's service type, so its code (the `Transform`, the service,
//! its future, the response body) is generic, and Rust compiles generic code in the crate that
//! uses it: each application's build would compile it again. In unoptimized builds, rustc lets a
//! crate reuse the copies its dependencies already compiled ("shared generics"). The function
//! below compiles exactly the copies that `wrap` asks for, here, so that an application's debug
//! build links to them instead of compiling them (the saving is in `benches/README.md`).
//! Optimized builds compile their own copies anyway, to inline them.

use actix_web::dev::{AppService, HttpServiceFactory};
use actix_web::Resource;

use super::route::Cors;
use crate::policy::stored::StoredPolicy;

/// Registers a resource wrapped in the CORS middleware, as an application does for a handler
/// registered by hand. Nothing calls it: it exists to be compiled (see the module).
pub fn compile_middleware_generics(config: &mut AppService, policy: &'static StoredPolicy) {
    let resource = Resource::new("").wrap(Cors::new(policy));
    HttpServiceFactory::register(resource, config);
}
