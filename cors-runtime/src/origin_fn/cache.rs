//! The answers of an `origin_fn`, kept per worker for `origin_fn_ttl` seconds, at most
//! `origin_fn_cache_size` of them.
//!
//! One cache serves every route of a worker that names the same function with the same bounds
//! and reads the same app data, so a tenant's origin is looked up once per worker and TTL,
//! however many routes it calls. Refusals are kept too, so a client that repeats an unknown
//! origin does not reach the database each time; but a client chooses its `Origin` freely, so a
//! refusal never pushes out a live grant: when the cache is full, a new refusal replaces the
//! oldest refusal, else the oldest grant if it has expired (else it is not kept), and a new grant
//! replaces the oldest refusal, else the oldest grant.
//! An answer is kept only if no newer one for its origin was kept meanwhile: a slow answer must
//! not overwrite a fresher one.
//!
//! Each worker keeps its own caches, so reading one takes no lock. A worker thread's caches
//! outlive the apps it builds, so each is bound to its app data's allocation, held by a weak
//! reference, and dropped once that data is gone.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use std::time::{Duration, Instant};

use crate::origin_fn::forms::{AppDataAlive, CheckIdentity};

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
pub(crate) struct AnswerCache {
    identity: CheckIdentity,
    bounds: CacheBounds,
    /// Where the app data the function reads lives (`0`: it reads none); requests of another app
    /// value go to another cache.
    app_data: usize,
    /// Whether that app data is still alive; `None` when the function reads none.
    app_data_alive: Option<AppDataAlive>,
    ttl: Duration,
    answers: RefCell<HashMap<Rc<[u8]>, Answer>>,
    /// Grants and refusals in the order they were kept, each with its answer's number: an origin
    /// kept again leaves a stale record here, which eviction skips.
    granted_order: RefCell<VecDeque<(u64, Rc<[u8]>)>>,
    refused_order: RefCell<VecDeque<(u64, Rc<[u8]>)>>,
    next_number: Cell<u64>,
}

struct Answer {
    allowed: bool,
    /// When the function was asked.
    asked: Instant,
    number: u64,
}

impl AnswerCache {
    fn new(
        identity: CheckIdentity,
        bounds: CacheBounds,
        app_data: usize,
        app_data_alive: Option<AppDataAlive>,
    ) -> Self {
        AnswerCache {
            identity,
            bounds,
            app_data,
            app_data_alive,
            ttl: Duration::from_secs(bounds.ttl_secs.into()),
            answers: RefCell::default(),
            granted_order: RefCell::default(),
            refused_order: RefCell::default(),
            next_number: Cell::new(0),
        }
    }

    /// The address of the app data this cache answers for.
    pub(crate) fn app_data(&self) -> usize {
        self.app_data
    }

    /// The kept answer for `origin`, unless it has expired.
    pub(crate) fn get(&self, origin: &[u8]) -> Option<bool> {
        let answers = self.answers.borrow();
        let answer = answers.get(origin)?;
        (answer.asked.elapsed() < self.ttl).then_some(answer.allowed)
    }

    /// Keeps `allowed`, the function's answer for `origin` when it was asked at `asked`, unless
    /// an answer asked later is kept already; makes room as the module says.
    pub(crate) fn insert(&self, origin: &[u8], allowed: bool, asked: Instant) {
        let mut answers = self.answers.borrow_mut();
        if answers.get(origin).is_some_and(|kept| kept.asked > asked) {
            return;
        }
        // The old answer's key is reused: its stale order record shares it rather than keeping
        // a copy of its own alive.
        let kept_key = answers.remove_entry(origin).map(|(key, _)| key);
        let (mut granted, mut refused) = (
            self.granted_order.borrow_mut(),
            self.refused_order.borrow_mut(),
        );
        let capacity = self.bounds.entries as usize;
        while answers.len() >= capacity {
            let oldest = match refused.pop_front() {
                Some(oldest) => oldest,
                // A refusal displaces a grant only once that grant has expired.
                None if !allowed && !self.oldest_expired(&answers, &mut granted) => return,
                None => match granted.pop_front() {
                    Some(oldest) => oldest,
                    None => break,
                },
            };
            if is_current(&answers, &oldest) {
                answers.remove(&oldest.1);
            }
        }
        let number = self.next_number.replace(self.next_number.get() + 1);
        let origin: Rc<[u8]> = kept_key.unwrap_or_else(|| Rc::from(origin));
        let order = if allowed { &mut granted } else { &mut refused };
        // Stale records of origins kept again would otherwise pile up.
        if order.len() >= capacity.saturating_mul(2) {
            order.retain(|record| is_current(&answers, record));
        }
        order.push_back((number, origin.clone()));
        let answer = Answer {
            allowed,
            asked,
            number,
        };
        answers.insert(origin, answer);
    }

    /// Whether the oldest kept grant has expired. The stale records ahead of it are dropped on
    /// the way, so that each is passed once, not once per refusal that asks.
    fn oldest_expired(
        &self,
        answers: &HashMap<Rc<[u8]>, Answer>,
        granted: &mut VecDeque<(u64, Rc<[u8]>)>,
    ) -> bool {
        while granted
            .front()
            .is_some_and(|record| !is_current(answers, record))
        {
            granted.pop_front();
        }
        granted
            .front()
            .and_then(|(_, origin)| answers.get(origin))
            .is_some_and(|answer| answer.asked.elapsed() >= self.ttl)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.answers.borrow().len()
    }
}

/// Is this order record the kept answer for its origin, not a stale one?
fn is_current(answers: &HashMap<Rc<[u8]>, Answer>, (number, origin): &(u64, Rc<[u8]>)) -> bool {
    answers
        .get(origin)
        .is_some_and(|answer| answer.number == *number)
}

thread_local! {
    /// This worker's caches: few (one per function, bounds and app data), looked up only when a
    /// route first needs one.
    static CACHES: RefCell<Vec<Rc<AnswerCache>>> = const { RefCell::new(Vec::new()) };
}

/// This worker's cache for the function `identity` under `bounds`, for the app data at
/// `app_data`; made on first use. `app_data_alive` is asked only when a cache is made. Caches
/// whose app data is gone are dropped here.
pub(crate) fn shared(
    identity: CheckIdentity,
    bounds: CacheBounds,
    app_data: usize,
    app_data_alive: impl FnOnce() -> Option<AppDataAlive>,
) -> Rc<AnswerCache> {
    CACHES.with_borrow_mut(|caches| {
        caches.retain(|cache| cache.app_data_alive.as_ref().is_none_or(|alive| alive()));
        let found = caches.iter().find(|cache| {
            cache.identity == identity && cache.bounds == bounds && cache.app_data == app_data
        });
        if let Some(cache) = found {
            return cache.clone();
        }
        let cache = Rc::new(AnswerCache::new(
            identity,
            bounds,
            app_data,
            app_data_alive(),
        ));
        caches.push(cache.clone());
        cache
    })
}

/// A cache on its own, outside this worker's shared ones, for the benchmarks
/// (`benches/origin_lists.rs`); applications get theirs from `origin_fn_ttl`.
#[doc(hidden)]
pub struct StandaloneCache(AnswerCache);

impl StandaloneCache {
    /// An empty cache that keeps answers `bounds.ttl_secs` seconds, at most `bounds.entries`.
    pub fn new(bounds: CacheBounds) -> Self {
        StandaloneCache(AnswerCache::new(CheckIdentity::Value(0), bounds, 0, None))
    }

    /// Keeps `allowed`, the answer for `origin` asked at `asked`, as a route's cache does.
    pub fn insert(&self, origin: &[u8], allowed: bool, asked: Instant) {
        self.0.insert(origin, allowed, asked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache(ttl_secs: u32, entries: u32) -> Rc<AnswerCache> {
        let identity = CheckIdentity::Value(ttl_secs as usize * 1000 + entries as usize);
        shared(identity, CacheBounds { ttl_secs, entries }, 0, || None)
    }

    fn now() -> Instant {
        Instant::now()
    }

    #[test]
    fn keeps_answers_up_to_its_size_dropping_the_oldest_first() {
        let cache = cache(60, 3);
        for origin in [&b"a"[..], b"b", b"c"] {
            cache.insert(origin, true, now());
        }
        assert_eq!(
            [cache.get(b"a"), cache.get(b"b"), cache.get(b"c")],
            [Some(true); 3]
        );
        cache.insert(b"d", true, now());
        assert_eq!(cache.len(), 3);
        assert_eq!(cache.get(b"a"), None, "the oldest answer made room");
        assert_eq!(cache.get(b"d"), Some(true));
        // Keeping an origin again makes it the newest; its old record is skipped later.
        cache.insert(b"b", true, now());
        cache.insert(b"e", true, now());
        assert_eq!(cache.get(b"c"), None);
        assert_eq!(cache.get(b"b"), Some(true));
        for _ in 0..100 {
            cache.insert(b"b", true, now());
        }
        assert!(cache.granted_order.borrow().len() <= 6);
        assert_eq!(cache.len(), 3);
    }

    #[test]
    fn refusals_never_push_out_grants() {
        let cache = cache(60, 4);
        cache.insert(b"tenant-1", true, now());
        cache.insert(b"tenant-2", true, now());
        for unknown in 0..50u8 {
            cache.insert(&[b'x', unknown], false, now());
        }
        assert_eq!(cache.get(b"tenant-1"), Some(true));
        assert_eq!(cache.get(b"tenant-2"), Some(true));
        assert_eq!(
            cache.get(&[b'x', 49]),
            Some(false),
            "the newest refusals are kept"
        );
        assert_eq!(cache.get(&[b'x', 0]), None);
        assert_eq!(cache.len(), 4);
        // A grant makes room by dropping a refusal first.
        cache.insert(b"tenant-3", true, now());
        cache.insert(b"tenant-4", true, now());
        assert_eq!(
            cache
                .refused_order
                .borrow()
                .iter()
                .filter(|r| is_current(&cache.answers.borrow(), r))
                .count(),
            0
        );
        // Full of grants: a refusal is not kept, a grant drops the oldest grant.
        cache.insert(b"x", false, now());
        assert_eq!(cache.get(b"x"), None);
        cache.insert(b"tenant-5", true, now());
        assert_eq!(cache.get(b"tenant-1"), None);
        assert_eq!(cache.get(b"tenant-5"), Some(true));
    }

    #[test]
    fn a_refusal_displaces_an_expired_grant() {
        let cache = cache(1, 2);
        let long_ago = now() - Duration::from_secs(5);
        cache.insert(b"old-tenant", true, long_ago);
        cache.insert(b"tenant", true, now());
        cache.insert(b"unknown", false, now());
        assert_eq!(cache.get(b"unknown"), Some(false));
        assert_eq!(cache.get(b"tenant"), Some(true));
        assert_eq!(cache.len(), 2);
    }

    /// A full cache of grants asked long ago, of which all (or all but the last) were asked
    /// again since: the records of their first answers, stale, sit ahead of every live one.
    fn stale_grants_ahead(size: u32, asked_again: u32) -> (AnswerCache, impl Fn(u32) -> String) {
        let bounds = CacheBounds {
            ttl_secs: 60,
            entries: size,
        };
        let cache = AnswerCache::new(CheckIdentity::Value(0), bounds, 0, None);
        let long_ago = now() - Duration::from_secs(120);
        let tenant = |index| format!("https://tenant-{index}.example.com");
        for index in 0..size {
            cache.insert(tenant(index).as_bytes(), true, long_ago);
        }
        for index in 0..asked_again {
            cache.insert(tenant(index).as_bytes(), true, now());
        }
        (cache, tenant)
    }

    fn refuse_unknown_origins(cache: &AnswerCache, count: u32) -> impl Fn(u32) -> String {
        let unknown = |index| format!("https://unknown-{index}.example.org");
        for index in 0..count {
            cache.insert(unknown(index).as_bytes(), false, now());
        }
        unknown
    }

    #[test]
    fn a_refusal_drops_the_stale_records_it_passes() {
        let size = 10_000;
        let (cache, tenant) = stale_grants_ahead(size, size);
        let unknown = refuse_unknown_origins(&cache, size);
        // Full of live grants: no refusal is kept, no grant pushed out.
        assert_eq!(cache.get(unknown(size - 1).as_bytes()), None);
        assert!((0..size).all(|index| cache.get(tenant(index).as_bytes()) == Some(true)));
        assert_eq!(cache.len(), size as usize);
        // The next refusal starts from a live grant instead of passing the stale records again.
        let granted = cache.granted_order.borrow();
        assert!(is_current(
            &cache.answers.borrow(),
            granted.front().unwrap()
        ));
        assert_eq!(granted.len(), size as usize);
    }

    #[test]
    fn a_refusal_displaces_an_expired_grant_behind_stale_records() {
        let size = 10_000;
        let (cache, tenant) = stale_grants_ahead(size, size - 1);
        let unknown = refuse_unknown_origins(&cache, size);
        assert_eq!(
            cache.get(tenant(size - 1).as_bytes()),
            None,
            "the expired grant made room"
        );
        assert!((0..size - 1).all(|index| cache.get(tenant(index).as_bytes()) == Some(true)));
        // The later refusals displaced the older ones.
        assert_eq!(cache.get(unknown(size - 1).as_bytes()), Some(false));
        assert_eq!(cache.get(unknown(0).as_bytes()), None);
        assert_eq!(cache.len(), size as usize);
    }

    #[test]
    fn a_slow_answer_does_not_overwrite_a_fresher_one() {
        let cache = cache(60, 4);
        let asked_first = now();
        let asked_later = asked_first + Duration::from_millis(5);
        cache.insert(b"a", false, asked_later);
        cache.insert(b"a", true, asked_first);
        assert_eq!(cache.get(b"a"), Some(false));
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
