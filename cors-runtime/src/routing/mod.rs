//! Everything that mirrors actix-web's router: registering a routed `#[cors]` handler
//! (`register`), telling the places of the resource map apart (`nodes`, with paths built by
//! `sample`), whether a preflight the router gave a route is that route's to answer (`owner`),
//! what registration records (`recorder`), and the table `outermost()` asks which route serves a
//! request before the router runs (`table`).
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
//!    A node registered with a nested map of names answers with the first of those names. The
//!    name returned is a borrow of the name the node stores, so the same node always answers
//!    with the same address, and two nodes of one name with two (see `nodes`). For a leaf the
//!    router picked, `HttpRequest::match_name()` names that leaf, from the router's own record.
//! 4. `url_for(name)` renders the full path of a named node, each scope prefix with it, filling
//!    dynamic segments from the iterator, and percent-encoding what a URL path cannot hold.
//! 5. A guard sees the request through `GuardContext`; the same guard asked outside the router,
//!    on the same request, gives the router's answer.
//! 6. Once the router has handed a request to a resource, the request's
//!    `match_info().unprocessed()` is empty; before routing it is the whole path.
//! 7. A service right behind the router may push an app data container onto the request
//!    (`add_data_container`, which takes `Rc::get_mut` of it, as the router itself does): nothing
//!    holds a clone of the request there. The containers are dropped with the request.
//! 8. Each worker builds its app on its own thread, and registers every service of the app before
//!    it builds any middleware. `AppService::is_root()` is `false` while a scope's services
//!    register, `web::scope("")`'s too.
//! 9. A middleware wrapped on an `App` is given the app's router, the service of `App::new()`'s
//!    endpoint, or the service of a middleware wrapped before it, whose type names the router's
//!    unless that middleware boxes it (`from_fn` does); one wrapped on a scope is given the
//!    scope's, whose type never names the app's router. `layers::placement` reads this.
//!
//! Guards on a `web::scope` and resources `outermost()` did not register are invisible to it:
//! `table` says what it does about them.

use std::collections::HashSet;
use std::sync::Mutex;

pub(crate) mod guard;
pub(crate) mod nodes;
pub(crate) mod owner;
pub(crate) mod recorder;
pub(crate) mod register;
pub(crate) mod sample;
pub(crate) mod table;

/// Logs `message` at `warn` level, once per process: every worker registers the same routes and
/// builds the same table.
pub(crate) fn warn_once(message: String) {
    static WARNED: Mutex<Option<HashSet<String>>> = Mutex::new(None);
    let mut warned = WARNED
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if warned
        .get_or_insert_with(HashSet::new)
        .insert(message.clone())
    {
        log::warn!(target: "cors_runtime", "{message}");
    }
}
