//! The answers of an `origin_fn`, kept per worker for `origin_fn_ttl` seconds, at most
//! `origin_fn_cache_size` of them (the oldest answer makes room first).
//!
//! One cache serves every route of a worker that names the same function with the same bounds
//! and reads the same app data, so a tenant's origin is looked up once per worker and TTL,
//! however many routes it calls. Refusals are kept too: a client that repeats an unknown origin
//! does not reach the database each time. Each worker keeps its own cache, so reading one takes
//! no lock; a worker thread's caches outlive the apps it builds, so each is bound to its app
//! data's allocation, held by a weak reference, and dropped once that data is gone.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::origin_check::{AppDataAlive, CheckIdentity};

/// `origin_fn_ttl` and `origin_fn_cache_size`, as generated code stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBounds {
    /// Seconds an answer is kept; `0`: answers are not kept.
    pub ttl_secs: u32,
    /// How many answers are kept at most.
    pub entries: u32,
}

impl CacheBounds {
    /// No cache: every origin the lists do not name is checked anew.
    pub const NONE: CacheBounds = CacheBounds {
        ttl_secs: 0,
        entries: 0,
    };

    pub(crate) fn is_none(&self) -> bool {
        self.ttl_secs == 0 || self.entries == 0
    }
}

/// One function's answers, for one app data value, on one worker.
pub(crate) struct OriginCache {
    identity: CheckIdentity,
    bounds: CacheBounds,
    /// Where the app data the function reads lives (`0`: it reads none); requests of another app
    /// value go to another cache.
    app_data: usize,
    /// Whether that app data is still alive; `None` when the function reads none.
    app_data_alive: Option<AppDataAlive>,
    ttl: Duration,
    answers: RefCell<HashMap<Rc<[u8]>, Answer>>,
    /// Origins in the order their answers were stored, each with the answer's number: an origin
    /// stored again after it expired leaves a stale record here, which eviction skips.
    stored_order: RefCell<VecDeque<(u64, Rc<[u8]>)>>,
    next_number: Cell<u64>,
}

struct Answer {
    allowed: bool,
    expires: Instant,
    number: u64,
}

impl OriginCache {
    /// The address of the app data this cache answers for.
    pub(crate) fn app_data(&self) -> usize {
        self.app_data
    }

    /// The kept answer for `origin`, unless it has expired.
    pub(crate) fn get(&self, origin: &[u8]) -> Option<bool> {
        let answers = self.answers.borrow();
        let answer = answers.get(origin)?;
        (Instant::now() < answer.expires).then_some(answer.allowed)
    }

    /// Keeps `allowed` as the answer for `origin`, making room by dropping the oldest answers.
    pub(crate) fn insert(&self, origin: &[u8], allowed: bool) {
        let mut answers = self.answers.borrow_mut();
        let mut order = self.stored_order.borrow_mut();
        let capacity = self.bounds.entries as usize;
        answers.remove(origin);
        while answers.len() >= capacity {
            let Some((number, oldest)) = order.pop_front() else {
                break;
            };
            if answers.get(&oldest).is_some_and(|a| a.number == number) {
                answers.remove(&oldest);
            }
        }
        // Stale records of origins stored again would otherwise pile up.
        if order.len() >= capacity.saturating_mul(2) {
            order.retain(|(number, origin)| {
                answers.get(origin).is_some_and(|a| a.number == *number)
            });
        }
        let number = self.next_number.replace(self.next_number.get() + 1);
        let origin: Rc<[u8]> = Rc::from(origin);
        order.push_back((number, origin.clone()));
        let expires = Instant::now() + self.ttl;
        answers.insert(
            origin,
            Answer {
                allowed,
                expires,
                number,
            },
        );
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.answers.borrow().len()
    }
}

thread_local! {
    /// This worker's caches: few (one per function, bounds and app data), looked up only when a
    /// route first needs one.
    static CACHES: RefCell<Vec<Rc<OriginCache>>> = const { RefCell::new(Vec::new()) };
}

/// This worker's cache for the function `identity` under `bounds`, for the app data at
/// `app_data`; made on first use. `app_data_alive` is asked only when a cache is made. Caches
/// whose app data is gone are dropped here.
pub(crate) fn shared(
    identity: CheckIdentity,
    bounds: CacheBounds,
    app_data: usize,
    app_data_alive: impl FnOnce() -> Option<AppDataAlive>,
) -> Rc<OriginCache> {
    CACHES.with_borrow_mut(|caches| {
        caches.retain(|cache| cache.app_data_alive.as_ref().is_none_or(|alive| alive()));
        let found = caches.iter().find(|cache| {
            cache.identity == identity && cache.bounds == bounds && cache.app_data == app_data
        });
        if let Some(cache) = found {
            return cache.clone();
        }
        let cache = Rc::new(OriginCache {
            identity,
            bounds,
            app_data,
            app_data_alive: app_data_alive(),
            ttl: Duration::from_secs(bounds.ttl_secs.into()),
            answers: RefCell::default(),
            stored_order: RefCell::default(),
            next_number: Cell::new(0),
        });
        caches.push(cache.clone());
        cache
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(ttl_secs: u32, entries: u32) -> Rc<OriginCache> {
        let identity = CheckIdentity::Value(ttl_secs as usize * 1000 + entries as usize);
        shared(identity, CacheBounds { ttl_secs, entries }, 0, || None)
    }

    #[test]
    fn keeps_answers_up_to_its_size_dropping_the_oldest_first() {
        let cache = cache(60, 3);
        for (origin, allowed) in [(&b"a"[..], true), (b"b", false), (b"c", true)] {
            cache.insert(origin, allowed);
        }
        assert_eq!(
            [cache.get(b"a"), cache.get(b"b"), cache.get(b"c")],
            [Some(true), Some(false), Some(true)]
        );
        cache.insert(b"d", true);
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(b"a"), None, "the oldest answer made room");
        assert_eq!(cache.get(b"d"), Some(true));
        // Storing an origin again makes it the newest; its old record is skipped later.
        cache.insert(b"b", true);
        cache.insert(b"e", false);
        assert_eq!(cache.get(b"c"), None);
        assert_eq!(cache.get(b"b"), Some(true));
        for round in 0..100u8 {
            cache.insert(b"b", round % 2 == 0);
        }
        assert!(cache.stored_order.borrow().len() <= 6);
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn an_answer_expires_after_the_ttl() {
        let cache = cache(1, 10);
        cache.insert(b"a", true);
        assert_eq!(cache.get(b"a"), Some(true));
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(cache.get(b"a"), None);
    }

    #[test]
    fn routes_share_a_cache_only_for_the_same_function_bounds_and_app_data() {
        let bounds = CacheBounds {
            ttl_secs: 5,
            entries: 5,
        };
        let one = shared(CheckIdentity::Value(1), bounds, 0, || None);
        assert!(Rc::ptr_eq(
            &one,
            &shared(CheckIdentity::Value(1), bounds, 0, || None)
        ));
        let other_function = shared(CheckIdentity::Value(2), bounds, 0, || None);
        let other_data = shared(CheckIdentity::Value(1), bounds, 8, || None);
        let other_bounds = CacheBounds {
            ttl_secs: 6,
            ..bounds
        };
        let other_bounds = shared(CheckIdentity::Value(1), other_bounds, 0, || None);
        for other in [other_function, other_data, other_bounds] {
            assert!(!Rc::ptr_eq(&one, &other));
        }
    }

    #[test]
    fn a_cache_goes_with_its_app_data() {
        let data = std::sync::Arc::new(7u8);
        let address = std::sync::Arc::as_ptr(&data) as usize;
        let weak = std::sync::Arc::downgrade(&data);
        let bounds = CacheBounds {
            ttl_secs: 5,
            entries: 5,
        };
        let identity = CheckIdentity::Value(99);
        let cache = shared(identity, bounds, address, || {
            Some(Box::new(move || weak.strong_count() > 0))
        });
        drop(data);
        // The next lookup drops it, and a new app's data at the same place gets a fresh cache.
        let fresh = shared(identity, bounds, address, || None);
        assert!(!Rc::ptr_eq(&cache, &fresh));
    }
}
