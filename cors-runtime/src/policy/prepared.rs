//! A policy made ready for requests, once per worker ([`PreparedPolicy`]): the rules the decision
//! reads (`decision`), the header values the answers are made of (`headers`), and its
//! `origin_fn` as this worker asks it. Preparing also reads `origins_env`, whoever prepares the
//! policy first, so the environment's origins are in force whichever layer is built first.

use std::rc::Rc;

use cors_rules::stored::JoinedOrigins;

use crate::decision::origin::OriginLists;
use crate::decision::preflight::{HeaderRule, MethodRule, PreflightRules};
use crate::headers::{
    AllowCredentials, AllowHeaders, AllowMethods, AllowOrigin, AllowPrivateNetwork, ExposeHeaders,
    MaxAge,
};
use crate::origin_fn::ask::OriginFnAsker;
use crate::policy::stored::StoredPolicy;
use crate::policy::view::Policy;

/// A policy's rules and header values, as one worker holds them.
#[derive(Debug)]
pub struct PreparedPolicy {
    /// The handler's name, for the debug log.
    pub(crate) route: &'static str,
    pub(crate) origins: OriginLists,
    pub(crate) origin_fn: Option<OriginFnAsker>,
    pub(crate) preflight: PreflightRules,
    /// `on_mismatch = "reject"`.
    pub(crate) reject_mismatch: bool,
    pub(crate) allow_origin: AllowOrigin,
    pub(crate) allow_methods: AllowMethods,
    pub(crate) allow_headers: AllowHeaders,
    pub(crate) expose_headers: ExposeHeaders,
    pub(crate) allow_credentials: AllowCredentials,
    pub(crate) max_age: MaxAge,
    pub(crate) allow_private_network: AllowPrivateNetwork,
}

impl PreparedPolicy {
    /// # Panics
    ///
    /// When the policy reads `origins_env` and the variable holds an entry that is not an origin
    /// (or is missing on a route without static `origins`): the message names the variable, the
    /// entry and the rule. This happens while the app is built, before any request is served.
    pub(crate) fn new(stored: &'static StoredPolicy) -> Rc<PreparedPolicy> {
        let listed = JoinedOrigins::new(stored.origins);
        let env = stored
            .runtime_origins
            .env
            .as_ref()
            .map(|env| env.read_or_stop(stored.route, stored.named, listed));
        let origins = OriginLists::new(listed, env);
        Rc::new(PreparedPolicy {
            route: stored.route,
            allow_origin: AllowOrigin::new(&origins),
            origins,
            origin_fn: Policy::new(stored).origin_fn().map(OriginFnAsker::new),
            preflight: PreflightRules {
                methods: MethodRule::new(stored.methods),
                headers: HeaderRule::new(stored.headers),
                private_network: stored.private_network,
            },
            reject_mismatch: stored.reject_mismatch,
            allow_methods: AllowMethods::new(stored.methods),
            allow_headers: AllowHeaders::new(stored.headers),
            expose_headers: ExposeHeaders::new(stored.expose_headers),
            allow_credentials: AllowCredentials::new(stored.credentials),
            max_age: MaxAge::new(stored.max_age),
            allow_private_network: AllowPrivateNetwork::new(stored.private_network),
        })
    }
}
