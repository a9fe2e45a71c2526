//! Which place in the app's resource map a path reaches first ([`first_by_path`]), told apart
//! from every other place: by its identity ([`NodeId`]), not its name, which actix-web does not
//! keep unique (its routing macros name a resource after its function, and two modules may both
//! have a `remove`).
//!
//! `ResourceMap::match_name(path)` answers with a borrow of the name stored in the place the path
//! reaches first, and each place stores its own copy of its name: where that copy lives is the
//! place's identity, for as long as the app lives. A routed `#[cors]` handler's place is known
//! ([`Place`]):
//! - on a thread that builds an app with `outermost()`, from its registration: its place there
//!   holds its names as children (see `register`), so its own part of the map, asked for a path
//!   its pattern matches (`sample`), answers with the very name the app's map will;
//! - elsewhere its place is a leaf, as actix-web makes it (so that `HttpRequest::match_name` and
//!   `match_pattern` keep naming the resource the router picked), learnt from the first request
//!   the router gives it: for a leaf, `HttpRequest::match_name()` answers from the router's own
//!   record of the places it went through. Until then, a place with its name whose pattern ends
//!   with its path is taken for it.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use actix_web::dev::{ResourceDef, ResourceMap};
use actix_web::HttpRequest;

use super::sample::sample_path;

/// One place in an app's resource map: the address of the name it stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct NodeId(usize);

impl NodeId {
    fn of(name: &str) -> NodeId {
        NodeId(name.as_ptr() as usize)
    }
}

/// The resource the app's resource map finds first for a path, by path alone (as the router
/// tries its entries, without their guards).
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstByPath<'a> {
    pub(crate) node: NodeId,
    pub(crate) name: &'a str,
}

/// The resource `request`'s app finds first for `path`; `None` when it finds none, or an unnamed
/// one, or a scope that owns the path and holds nothing that matches it.
pub(crate) fn first_by_path<'a>(request: &'a HttpRequest, path: &str) -> Option<FirstByPath<'a>> {
    let name = request.resource_map().match_name(path)?;
    Some(FirstByPath {
        node: NodeId::of(name),
        name,
    })
}

/// The place a routed `#[cors]` handler's own part of the resource map (`names`, rooted at its
/// pattern `rdef`, holding its names as children) gives its first name: the place the app's map
/// will answer with. `None` when no path its pattern matches could be built.
pub(crate) fn own_node(rdef: &ResourceDef, names: &ResourceMap) -> Option<NodeId> {
    let pattern = rdef.pattern()?;
    let sample = ["0", "a", "x0", "A"]
        .into_iter()
        .find_map(|fill| sample_path(pattern, fill).filter(|sample| rdef.is_match(sample)))?;
    names.match_name(&sample).map(NodeId::of)
}

/// A routed `#[cors]` handler's place in its app's resource map.
#[derive(Debug)]
pub(crate) struct Place {
    name: Box<str>,
    /// The path as registered, without scope prefixes.
    path: Box<str>,
    node: Cell<Option<NodeId>>,
    /// Whether the place is a leaf, learnt from the first request that reaches it, rather than
    /// known from the registration (or, if no path could be built for it, never known).
    leaf: bool,
}

thread_local! {
    /// The places of the routed `#[cors]` handlers registered on this thread, of apps alive.
    static PLACES: RefCell<Vec<Weak<Place>>> = const { RefCell::new(Vec::new()) };
    /// Those known from their registration, by identity.
    static REGISTERED: RefCell<HashMap<NodeId, Weak<Place>>> = RefCell::new(HashMap::new());
}

impl Place {
    /// The place of a handler registered as `name` for `path`: a `leaf`, or one with its names as
    /// children, `node` if its registration learnt it. Noted for [`is_cors_node`] for as long as
    /// the returned place lives (its app does).
    pub(crate) fn new(name: &str, path: &str, leaf: bool, node: Option<NodeId>) -> Rc<Place> {
        let place = Rc::new(Place {
            name: name.into(),
            path: path.into(),
            node: Cell::new(node),
            leaf,
        });
        PLACES.with_borrow_mut(|places| {
            // Places of apps since dropped are forgotten, not kept for the thread's lifetime.
            if places.len() >= 64 && places.len().is_power_of_two() {
                places.retain(|place| place.strong_count() > 0);
            }
            places.push(Rc::downgrade(&place));
        });
        if let Some(node) = node {
            REGISTERED.with_borrow_mut(|registered| {
                if registered.len() >= 64 && registered.len().is_power_of_two() {
                    registered.retain(|_, place| place.strong_count() > 0);
                }
                registered.insert(node, Rc::downgrade(&place));
            });
        }
        place
    }

    /// This place, learnt from `request`, which the router gave its handler, if it is a leaf
    /// not seen yet. `None` for a place with children its registration could not learn: for it,
    /// `HttpRequest::match_name()` searches by path, and may name another place.
    #[inline]
    pub(crate) fn learn(&self, request: &HttpRequest) -> Option<NodeId> {
        match self.node.get() {
            Some(node) => Some(node),
            None if self.leaf => self.learn_now(request),
            None => None,
        }
    }

    #[cold]
    fn learn_now(&self, request: &HttpRequest) -> Option<NodeId> {
        let node = request.match_name().map(NodeId::of)?;
        self.node.set(Some(node));
        Some(node)
    }

    /// The name the handler's resource is registered under, for messages.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }
}

/// Whether `first`, the resource `request`'s app finds first for `path`, is a routed `#[cors]`
/// handler of a live app built on this thread.
pub(crate) fn is_cors_node(request: &HttpRequest, path: &str, first: FirstByPath<'_>) -> bool {
    let registered = REGISTERED.with_borrow(|registered| {
        registered
            .get(&first.node)
            .is_some_and(|place| place.strong_count() > 0)
    });
    if registered {
        return true;
    }
    PLACES.with_borrow(|places| {
        let mut pattern: Option<Option<String>> = None;
        places.iter().filter_map(Weak::upgrade).any(|place| {
            match place.node.get() {
                Some(node) => node == first.node,
                // A leaf no request has reached yet: a place of its name whose full pattern ends
                // with its path is taken for it.
                None if place.leaf && *place.name == *first.name => pattern
                    .get_or_insert_with(|| request.resource_map().match_pattern(path))
                    .as_deref()
                    .is_some_and(|pattern| pattern.ends_with(&*place.path)),
                None => false,
            }
        })
    })
}
