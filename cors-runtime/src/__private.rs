//! What generated code needs and users do not: not part of the public API.

pub use actix_web;

/// The decision core, for the property tests and fuzz targets that call it without actix-web.
pub mod decision {
    pub use crate::decision::{origin, preflight, refusal, same_origin};
}
pub use cors_macros::__policy_value as policy_value;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub use inventory;

use crate::layers::route::Cors;
pub use crate::origin_fn::cache::{CacheBounds, StandaloneCache};
pub use crate::origin_fn::forms::{
    form, AnyForm, CheckIdentity, Checked, ErasedOriginFn, FormOf, OriginFnOf, TakesWebData,
};
pub use crate::origin_fn::stored::StoredOriginFn;
use crate::policy::env_origins::EnvOrigins;
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub use crate::policy::registry::constructors::Registered;
pub use crate::policy::stored::{RuntimeOrigins, StoredPolicy};
use crate::policy::view::Policy;
pub use crate::routing::register::{register_route, route_guard};
// Not called by generated code: exported so that this crate compiles it, and with it the
// middleware's generic code that applications' debug builds then reuse (see `shared_generics`).
pub use crate::layers::shared_generics::compile_middleware_generics;

/// The middleware enforcing `policy`: the `wrap` `#[cors]` adds to a routed handler, and what
/// `handler::cors()` returns for one registered by hand.
pub fn cors(policy: &'static StoredPolicy) -> Cors {
    Cors::new(policy)
}

/// The view of a policy `named_policy!` expands to.
pub const fn policy(stored: &'static StoredPolicy) -> Policy {
    Policy::new(stored)
}

/// What `named_policy!` expands to for a named policy with errors: those errors stop the build
/// (this is never called), and a value of the right type keeps them the only ones.
pub fn policy_with_errors() -> Policy {
    unreachable!("a named policy with errors does not compile")
}

/// What a routed handler's name stands for while the named policy it builds on cannot be found
/// (`#[cors(policy = crate::cors::APII)]`): the unresolved path stops the build, and this keeps that
/// error the only one, rather than one more where the handler is registered. Never registered.
pub struct PolicyNotFound;

impl actix_web::dev::HttpServiceFactory for PolicyNotFound {
    fn register(self, _: &mut actix_web::dev::AppService) {
        unreachable!("a route whose named policy is not found does not compile")
    }
}

/// `origins_env = "VAR"`, not read yet: it is read when the policy is first prepared.
/// `of_named_policy`: the variable was declared by the named policy the route builds on.
pub const fn env_origins(var: &'static str, of_named_policy: bool) -> EnvOrigins {
    EnvOrigins::new(var, of_named_policy)
}

/// Implemented by the struct `#[cors]` generates for a handler registered by hand. Below a
/// routing macro, the generated check names actix-web's struct instead, which does not implement
/// it, and the compiler prints this message.
#[diagnostic::on_unimplemented(
    message = "`#[cors]` must be written above the routing macro of `{Self}`",
    label = "`#[cors]` is below a routing macro (`#[get]`, `#[post]`, `#[route]`, ...)",
    note = "attributes expand top to bottom: the routing macro above `#[cors]` has already turned \
            the handler into a service, so the policy could not be attached to it",
    note = "move `#[cors(...)]` above the routing macro"
)]
pub trait CorsAboveRoutingMacro {
    /// Evaluated by the generated check.
    const CHECKED: () = ();
}

/// The run-time origin sources of every policy that has none.
pub static NO_RUNTIME_ORIGINS: RuntimeOrigins = RuntimeOrigins {
    env: None,
    check: None,
    cache: CacheBounds::NONE,
    timeout_secs: 0,
};
