//! A policy made ready for requests, once per worker: one value per header concern (see
//! [`crate::headers`]), which the route's layer and `outermost()` hold and request-time code
//! reads. Preparing also reads `origins_env`, whoever prepares the policy first, so the
//! environment's origins are in force whichever of them is built first.

use std::rc::Rc;

use cors_rules::stored::JoinedOrigins;

use crate::headers::{
    AllowCredentials, AllowHeaders, AllowMethods, AllowOrigin, AllowPrivateNetwork, ExposeHeaders,
    MaxAge,
};
use crate::policy::{Policy, StoredPolicy};

/// A policy's header values and checks.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The handler's name, for the debug log.
    pub(crate) route: &'static str,
    pub(crate) allow_origin: AllowOrigin,
    pub(crate) allow_methods: AllowMethods,
    pub(crate) allow_headers: AllowHeaders,
    pub(crate) expose_headers: ExposeHeaders,
    pub(crate) allow_credentials: AllowCredentials,
    pub(crate) max_age: MaxAge,
    pub(crate) allow_private_network: AllowPrivateNetwork,
    /// `on_mismatch = "reject"`.
    pub(crate) reject_mismatch: bool,
}

impl Prepared {
    /// # Panics
    ///
    /// When the policy reads `origins_env` and the variable holds an entry that is not an origin
    /// (or is missing on a route without static `origins`): the message names the variable, the
    /// entry and the rule. This happens while the app is built, before any request is served.
    pub(crate) fn new(stored: &'static StoredPolicy) -> Rc<Prepared> {
        let origins = JoinedOrigins::new(stored.origins);
        let env = stored
            .runtime_origins
            .env
            .as_ref()
            .map(|env| env.read_or_stop(stored.route, stored.named, origins));
        Rc::new(Prepared {
            route: stored.route,
            allow_origin: AllowOrigin::new(origins, env, Policy::new(stored).origin_fn()),
            allow_methods: AllowMethods::new(stored.methods),
            allow_headers: AllowHeaders::new(stored.headers),
            expose_headers: ExposeHeaders::new(stored.expose_headers),
            allow_credentials: AllowCredentials::new(stored.credentials),
            max_age: MaxAge::new(stored.max_age),
            allow_private_network: AllowPrivateNetwork::new(stored.private_network),
            reject_mismatch: stored.reject_mismatch,
        })
    }
}
