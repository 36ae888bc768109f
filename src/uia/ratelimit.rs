//! Limits on failed password and token attempts, per user and per session:
//! at most `max` failures in a sliding window. Kept in memory per engine.

use std::collections::{HashMap, VecDeque};

use parking_lot::Mutex;

/// Entries kept before idle ones are pruned, bounding memory under attack.
const PRUNE_AT: usize = 65_536;

/// A sliding-window failure counter. An attempt counts from before its
/// check runs ([`RateLimiter::begin`]): it holds a place until it is known
/// to have failed (the place stays, as a failure) or passed (freed), so at
/// most `max` checks per key run in a window, however many arrive at once.
pub struct RateLimiter {
    max: u32,
    window_ms: u64,
    failures: Mutex<HashMap<String, VecDeque<u64>>>,
}

/// An attempt holding a place against each of its keys; dropped without
/// [`Attempt::failed`], it gives the places back.
#[must_use = "an attempt frees its place when dropped; call failed() for a failure"]
pub struct Attempt<'a> {
    limiter: &'a RateLimiter,
    keys: Vec<String>,
    at_ms: u64,
    failed: bool,
}

impl Attempt<'_> {
    /// The check failed: the place stays, as a failure in the window.
    pub fn failed(mut self) {
        self.failed = true;
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if !self.failed {
            self.limiter.release(&self.keys, self.at_ms);
        }
    }
}

impl RateLimiter {
    /// Allows `max` failures per key within `window_ms`.
    pub fn new(max: u32, window_ms: u64) -> Self {
        Self {
            max,
            window_ms,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a place for an attempt against each of `keys`, or says in how
    /// many milliseconds one may try again (`Err`). The check and the taking
    /// are one step, under the lock.
    pub fn begin(&self, keys: &[String], now_ms: u64) -> Result<Attempt<'_>, u64> {
        let mut failures = self.failures.lock();
        if let Some(wait) = Self::wait(&mut failures, keys, now_ms, self.max, self.window_ms) {
            return Err(wait);
        }
        Self::prune(&mut failures, now_ms, self.window_ms);
        for key in keys {
            failures.entry(key.clone()).or_default().push_back(now_ms);
        }
        Ok(Attempt {
            limiter: self,
            keys: keys.to_vec(),
            at_ms: now_ms,
            failed: false,
        })
    }

    /// Frees the places an attempt at `at_ms` took.
    fn release(&self, keys: &[String], at_ms: u64) {
        let mut failures = self.failures.lock();
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                if let Some(i) = times.iter().rposition(|&t| t == at_ms) {
                    times.remove(i);
                }
                if times.is_empty() {
                    failures.remove(key);
                }
            }
        }
    }

    /// Milliseconds until any of `keys` may try again, or `None` if all may now.
    fn wait(
        failures: &mut HashMap<String, VecDeque<u64>>,
        keys: &[String],
        now_ms: u64,
        max: u32,
        window_ms: u64,
    ) -> Option<u64> {
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                Self::expire(times, now_ms, window_ms);
                let count = u64::try_from(times.len()).unwrap_or(u64::MAX);
                counts.push((count, times.front().copied()));
            }
        }
        super::store::refusal(counts, now_ms, window_ms, max)
    }

    /// Drops idle entries once there are many, bounding memory under attack.
    fn prune(failures: &mut HashMap<String, VecDeque<u64>>, now_ms: u64, window_ms: u64) {
        if failures.len() >= PRUNE_AT {
            failures.retain(|_, times| {
                Self::expire(times, now_ms, window_ms);
                !times.is_empty()
            });
        }
    }

    fn expire(times: &mut VecDeque<u64>, now_ms: u64, window_ms: u64) {
        while times
            .front()
            .is_some_and(|&t| now_ms.saturating_sub(t) >= window_ms)
        {
            times.pop_front();
        }
    }
}

/// The counters an engine keeps in memory when its store keeps none:
/// failures, and sessions created (per user or client address, and in
/// total). Shared by engines that stand for one host (see
/// `Engine::with_limits`).
pub struct Limits {
    /// Failed password and token attempts.
    pub failures: RateLimiter,
    /// Sessions created by one user or client address.
    pub new_per_client: RateLimiter,
    /// Sessions created in total.
    pub new_total: RateLimiter,
}

impl Limits {
    /// The limits `config` sets.
    pub fn new(config: &super::config::Config) -> Self {
        Self {
            failures: RateLimiter::new(config.max_failures, config.failure_window_ms),
            new_per_client: RateLimiter::new(
                config.max_new_sessions_per_client,
                config.session_lifetime_ms,
            ),
            new_total: RateLimiter::new(config.max_new_sessions, config.session_lifetime_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail(limiter: &RateLimiter, keys: &[String], now: u64) {
        limiter.begin(keys, now).unwrap().failed();
    }

    #[test]
    fn limits_after_max_failures_until_the_window_passes() {
        let limiter = RateLimiter::new(3, 1000);
        let keys = ["user:@a:x".to_owned()];
        for t in 0..3 {
            fail(&limiter, &keys, t);
        }
        assert_eq!(limiter.begin(&keys, 10).err(), Some(990));
        assert!(
            limiter.begin(&keys, 1000).is_ok(),
            "the first failure left the window"
        );
    }

    #[test]
    fn keys_are_independent() {
        let limiter = RateLimiter::new(1, 1000);
        fail(&limiter, &["a".to_owned()], 0);
        assert!(limiter.begin(&["a".to_owned()], 1).is_err());
        assert!(limiter.begin(&["b".to_owned()], 1).is_ok());
    }

    #[test]
    fn attempts_in_flight_hold_their_places_and_passes_give_them_back() {
        let limiter = RateLimiter::new(2, 1000);
        let keys = ["session:s".to_owned()];
        let first = limiter.begin(&keys, 0).unwrap();
        let second = limiter.begin(&keys, 0).unwrap();
        // Two checks running: a third waits, though nothing failed yet.
        assert!(limiter.begin(&keys, 0).is_err());
        drop(first); // passed
        second.failed();
        let third = limiter.begin(&keys, 1).unwrap();
        assert!(limiter.begin(&keys, 1).is_err());
        third.failed();
        assert!(limiter.begin(&keys, 2).is_err());
    }
}
