//! What the origins an application holds at run time cost, side by side in one run: replacing a
//! `ReloadableOrigins` list and asking it about a listed and an unknown origin, at 1,000, 10,000
//! and 30,000 entries; and refusing an unknown origin with `origin_fn`'s answer cache full of
//! grants asked again after they expired, at 10,000 and 100,000 answers (the default size and the
//! largest).
//!
//!     cargo bench --bench origin_lists            # ROUNDS=3 by default
//!
//! Each figure is the median of the rounds. A `replace` is timed whole; a call to `allows` or a
//! refusal by the cache is timed over a batch, repeated until the batch takes long enough to
//! measure. The lists look like a tenant table: nine exact origins in ten, one subdomain pattern
//! in ten.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cors_runtime::__private::{CacheBounds, StandaloneCache};
use cors_runtime::ReloadableOrigins;

const LIST_SIZES: [usize; 3] = [1_000, 10_000, 30_000];
const CACHE_SIZES: [u32; 2] = [10_000, 100_000];
/// How long a batch of calls runs, at least, before its time per call is taken.
const BATCH_TIME: Duration = Duration::from_millis(100);

fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(3);
    println!("origin lists and the answer cache, median of {rounds} rounds");
    for size in LIST_SIZES {
        let entries = tenant_entries(size);
        let listed = entries[size - 2].clone();
        let under_pattern = entries[size - 1].replace('*', "eu");
        let origins = ReloadableOrigins::new();
        let replace = median(rounds, || {
            let started = Instant::now();
            origins.replace(&entries).expect("a valid list");
            started.elapsed()
        });
        row("ReloadableOrigins::replace", size, "entries", replace);
        for (what, origin) in [
            ("allows, listed exactly", listed.as_str()),
            ("allows, under a listed pattern", under_pattern.as_str()),
            ("allows, unknown", "https://unknown.example.org"),
        ] {
            assert_eq!(origins.allows(origin), what != "allows, unknown");
            let per_call = median(rounds, || per_call(|| origins.allows(black_box(origin))));
            row(what, size, "entries", per_call);
        }
    }
    for size in CACHE_SIZES {
        let per_refusal = median(rounds, || {
            let cache = stale_grants_ahead_of(size, size);
            let mut unknown = 0u64;
            per_call(|| {
                unknown += 1;
                let origin = format!("https://unknown-{unknown}.example.org");
                cache.insert(origin.as_bytes(), false, Instant::now());
            })
        });
        row(
            "cache: a refusal, stale grants ahead of live ones",
            size as usize,
            "answers",
            per_refusal,
        );
        let first_refusal = median(rounds, || {
            let cache = stale_grants_ahead_of(size, size - 1);
            let started = Instant::now();
            cache.insert(b"https://unknown.example.org", false, Instant::now());
            started.elapsed()
        });
        row(
            "cache: a refusal, stale grants ahead of an expired one",
            size as usize,
            "answers",
            first_refusal,
        );
    }
}

/// `size` entries of a tenant table, the last a pattern and the one before it exact.
fn tenant_entries(size: usize) -> Vec<String> {
    (0..size)
        .map(|index| match (size - index) % 10 {
            1 => format!("https://*.team-{index}.example.com"),
            _ => format!("https://shop-{index}.tenants.example"),
        })
        .collect()
}

/// A full cache of `size` grants, all asked long ago and the first `asked_again` of them asked
/// again now: the records of their first answers, stale, sit ahead of every live one.
fn stale_grants_ahead_of(size: u32, asked_again: u32) -> StandaloneCache {
    let cache = StandaloneCache::new(CacheBounds {
        ttl_secs: 60,
        entries: size,
    });
    let long_ago = Instant::now()
        .checked_sub(Duration::from_secs(120))
        .expect("the machine has been up for two minutes");
    let tenant = |index: u32| format!("https://tenant-{index}.example.com");
    for index in 0..size {
        cache.insert(tenant(index).as_bytes(), true, long_ago);
    }
    for index in 0..asked_again {
        cache.insert(tenant(index).as_bytes(), true, Instant::now());
    }
    cache
}

/// The time one call of `call` takes, over a batch that runs at least [`BATCH_TIME`].
fn per_call<T>(mut call: impl FnMut() -> T) -> Duration {
    let mut calls = 1u32;
    loop {
        let started = Instant::now();
        for _ in 0..calls {
            black_box(call());
        }
        let elapsed = started.elapsed();
        if elapsed >= BATCH_TIME || calls >= 1 << 24 {
            return elapsed / calls;
        }
        calls *= 4;
    }
}

fn median(rounds: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..rounds.max(1)).map(|_| measure()).collect();
    times.sort();
    times[times.len() / 2]
}

fn row(what: &str, size: usize, unit: &str, time: Duration) {
    println!("{what:56} {size:>8} {unit:8} {:>14}", shown(time));
}

/// A time in the unit that suits it.
fn shown(time: Duration) -> String {
    let nanos = time.as_nanos();
    match nanos {
        0..1_000 => format!("{nanos} ns"),
        1_000..1_000_000 => format!("{:.1} µs", nanos as f64 / 1e3),
        1_000_000..1_000_000_000 => format!("{:.1} ms", nanos as f64 / 1e6),
        _ => format!("{:.2} s", nanos as f64 / 1e9),
    }
}
