//! The two places a CORS layer sits, and the one state machine they share (`flow`): on a route
//! (`route`: the middleware `#[cors]` installs, answering the route's preflights and decorating
//! its responses) and around the app or a scope (`outermost`: answering preflights before the
//! app's other middleware, and decorating what that middleware answers). What they leave on a
//! request for each other is in `marks`; how an `outermost()` on a scope learns that one around
//! the app is in charge, in `nesting`; whether one wraps the app or a scope, in `placement`.
//!
//! Both read the request (`judge`, and `headers::request`), ask `decision` for the verdict, and
//! turn it into a response: a preflight's answer (`preflight`), the headers of an actual
//! response (`decorate`), a rejection (`reject`), and the debug line of a refusal (`log`).

pub(crate) mod decorate;
pub(crate) mod flow;
pub(crate) mod judge;
pub(crate) mod log;
pub(crate) mod marks;
pub(crate) mod nesting;
pub(crate) mod outermost;
pub(crate) mod placement;
pub(crate) mod preflight;
pub(crate) mod reject;
pub(crate) mod route;
pub(crate) mod shared_generics;
