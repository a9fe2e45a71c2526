// The path of a request, for whoever changes this crate (the crate's docs, for its users, follow):
// - `#[cors]` expands to a `StoredPolicy` static (policy/stored.rs) and a router entry
//   (routing/register.rs); each worker prepares the policy once (policy/prepared.rs).
// - A request meets `outermost()` first (layers/outermost.rs), which looks the route up in a table
//   built from the app's resource map (routing/table.rs) and answers a preflight, or passes the
//   request on and decorates what no layer inside answered.
// - The router picks the route's entry (routing/guard.rs, routing/owner.rs); the route's layer
//   (layers/route.rs) marks the request (layers/marks.rs), judges its origin (layers/judge.rs:
//   decision/origin.rs, then origin_fn/ask.rs), and answers its preflight (layers/preflight.rs:
//   decision/preflight.rs) or runs the handler and decorates the response (layers/decorate.rs).
// - Both layers run one state machine (layers/flow.rs); decision/ names no actix-web type.

#![doc = include_str!("front_page.md")]
#![warn(missing_docs)]

mod decision;
mod headers;
mod layers;
mod origin_fn;
mod policy;
mod routing;

#[doc(hidden)]
pub mod __private;
pub mod test;

pub use cors_macros::{cors, named_policy, policy};
pub use layers::outermost::{outermost, Outermost};
pub use layers::route::Cors;
pub use origin_fn::forms::OriginCheck;
pub use origin_fn::reloadable::{RefusedOrigin, ReloadableOrigins};
pub use policy::env_origins::check_origins_env;
pub use policy::registry::policies;
pub use policy::view::{AllowedOrigin, Policy};

/// The parts of a policy, as [`policies()`] and [`Policy`] list them.
pub mod audit {
    pub use crate::origin_fn::stored::OriginFn;
    pub use crate::policy::env_origins::{EnvOrigins, OriginsEnvError};
    pub use cors_rules::stored::AllowedHeaders;
    pub use cors_rules::{LoopbackAnyPort, OriginEntry, OriginPattern};
}

/// The services and futures of the two middleware, for code that names their types: the route's
/// ([`Cors`]) and the app's ([`outermost()`]). Applications do not write them.
pub mod middleware {
    pub use crate::layers::flow::{After, Layer, LayerFuture};
    pub use crate::layers::outermost::{OutermostFuture, OutermostLayer, OutermostService, Watch};
    pub use crate::layers::route::{CorsFuture, CorsService, Decorate, RouteLayer};
}

#[cfg(test)]
mod tests {
    /// The README carries the reference table the crate docs include, word for word.
    #[test]
    fn the_readme_carries_the_attribute_reference() {
        let reference = include_str!("attribute_reference.md");
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(reference.trim_end()),
            "copy src/attribute_reference.md into README.md"
        );
    }

    /// The macro's own docs (an editor's hover on `#[cors]`) carry the same reference: the macro
    /// crate is published on its own, so it keeps a copy.
    #[test]
    fn the_macro_carries_the_attribute_reference() {
        assert_eq!(
            include_str!("attribute_reference.md"),
            include_str!("../../cors-macros/src/attribute_reference.md"),
            "copy cors-runtime/src/attribute_reference.md to cors-macros/src/"
        );
    }
}
