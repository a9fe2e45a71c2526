//! Everything that mirrors actix-web's router: registering a routed `#[cors]` handler
//! (`register`), whether a preflight the router gave a route is that route's to answer
//! (`owner`), what registration records (`recorder`), and the table `outermost()` asks which
//! route serves a request before the router runs (`table`).
//!
//! The behaviours of actix-web this relies on, checked against actix-web 4.18.1, each held by a
//! test in `tests/actix_behaviours.rs` that CI also runs against the newest actix-web 4:
//!
//! 1. The router tries an app's (or scope's) entries in registration order, each by its path
//!    pattern and then its guards; the first that accepts the request serves it. Entries are
//!    what `AppService::register_service` adds: one per resource, scope or service.
//! 2. A scope whose prefix matches the path and whose guards accept takes the request: its own
//!    router decides, its default service answers when nothing inside matches, and the router
//!    does not go on to the scope's later siblings.
//! 3. The app's resource map holds the same entries in the same order, without their guards, and
//!    `ResourceMap::match_name(path)` returns the name of the resource that comes first for the
//!    path by rule 2, or `None` for none (or a scope that matches but holds nothing that does).
//!    A node registered with a nested map of names answers with the first of those names.
//! 4. `url_for(name)` renders the full path of a named node, each scope prefix with it, filling
//!    dynamic segments from the iterator, and percent-encoding what a URL path cannot hold.
//! 5. A guard sees the request through `GuardContext`; the same guard asked outside the router,
//!    on the same request, gives the router's answer.
//! 6. Once the router has handed a request to a resource, the request's
//!    `match_info().unprocessed()` is empty; before routing it is the whole path.
//! 7. A request's extensions are cleared, not shrunk, when actix-web reuses the request: a mark
//!    without data costs no allocation in steady state. The request must not be cloned while the
//!    router runs (it takes `Rc::get_mut` of it).
//! 8. Each worker builds its app on its own thread, and registers every service of the app before
//!    it builds any middleware.
//!
//! Guards on a `web::scope` and resources `outermost()` did not register are invisible to it:
//! `table` says what it does about them.

pub(crate) mod guard;
pub(crate) mod owner;
pub(crate) mod recorder;
pub(crate) mod register;
pub(crate) mod table;
