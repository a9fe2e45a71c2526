//! Which place in the app's resource map a path reaches first ([`first_by_path`]), told apart
//! from every other place: by its identity ([`NodeId`]), not its name, which actix-web does not
//! keep unique (its routing macros name a resource after its function, and two modules may both
//! have a `remove`).
//!
//! `ResourceMap::match_name(path)` answers with a borrow of the name stored in the place the path
//! reaches first, and each place stores its own copy of its name: where that copy lives is the
//! place's identity, for as long as the app lives. A routed `#[cors]` handler's place holds its
//! names as children (see `register`) in a part of the map the handler builds itself and the app's
//! map then holds as it is: asked for a path the handler's pattern matches, that part answers with
//! the very name the app's map will ([`Place`]). The path is built when the handler is registered
//! (`sample`), or taken from the first request the router gives the handler.

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

/// A routed `#[cors]` handler's place in its app's resource map: a node holding the handler's
/// names as children (see `register`), and so learnt from the handler's own part of the map,
/// `names`, which the app's map holds as it is.
#[derive(Debug)]
pub(crate) struct Place {
    /// The handler's own part of the map, rooted at its pattern.
    names: Rc<ResourceMap>,
    /// The handler's pattern, without scope prefixes.
    rdef: ResourceDef,
    node: Cell<Option<NodeId>>,
}

thread_local! {
    /// The places of the routed `#[cors]` handlers of live apps built on this thread, by
    /// identity.
    static PLACES: RefCell<HashMap<NodeId, Weak<Place>>> = RefCell::new(HashMap::new());
}

impl Place {
    /// The place of the handler whose own part of the map is `names`, rooted at `rdef`: learnt
    /// now from a path its pattern matches (see `sample`), else from the first request that
    /// reaches it. Noted for [`is_cors_node`] for as long as it lives (its app does).
    pub(crate) fn new(rdef: &ResourceDef, names: Rc<ResourceMap>) -> Rc<Place> {
        let place = Rc::new(Place {
            names,
            rdef: rdef.clone(),
            node: Cell::new(None),
        });
        let sample = rdef.pattern().and_then(|pattern| {
            ["0", "a", "x0", "A"]
                .into_iter()
                .find_map(|fill| sample_path(pattern, fill).filter(|sample| rdef.is_match(sample)))
        });
        if let Some(sample) = sample {
            place.learn_from(&sample);
            note_place(&place);
        }
        place
    }

    /// The place, known now (`None`: no path its pattern matches could be built).
    pub(crate) fn known(&self) -> Option<NodeId> {
        self.node.get()
    }

    /// The place, learnt from `path` if it is not known yet: the path of a request the router
    /// gave the handler, whose end (after the scope prefixes) the handler's pattern matches.
    #[inline]
    pub(crate) fn learn(self: &Rc<Place>, path: &str) -> Option<NodeId> {
        match self.node.get() {
            Some(node) => Some(node),
            None => self.learn_now(path),
        }
    }

    #[cold]
    fn learn_now(self: &Rc<Place>, path: &str) -> Option<NodeId> {
        // The scope prefixes end at a `/` (or at the path's end, for a handler on `""`).
        let ends = path
            .match_indices('/')
            .map(|(at, _)| at)
            .chain(std::iter::once(path.len()));
        let own = ends
            .map(|at| &path[at..])
            .find(|own| self.rdef.is_match(own))?;
        let node = self.learn_from(own);
        note_place(self);
        node
    }

    fn learn_from(&self, own_path: &str) -> Option<NodeId> {
        let node = self.names.match_name(own_path).map(NodeId::of)?;
        self.node.set(Some(node));
        Some(node)
    }
}

/// Notes `place` (with its node known) for [`is_cors_node`], for as long as it lives.
fn note_place(place: &Rc<Place>) {
    let Some(node) = place.node.get() else {
        return;
    };
    PLACES.with_borrow_mut(|places| {
        // Places of apps since dropped are forgotten, not kept for the thread's lifetime.
        if places.len() >= 64 && places.len().is_power_of_two() {
            places.retain(|_, place| place.strong_count() > 0);
        }
        places.insert(node, Rc::downgrade(place));
    });
}

/// Whether `node` is the place of a routed `#[cors]` handler of a live app built on this thread.
pub(crate) fn is_cors_node(node: NodeId) -> bool {
    PLACES.with_borrow(|places| {
        places
            .get(&node)
            .is_some_and(|place| place.strong_count() > 0)
    })
}
