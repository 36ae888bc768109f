//! Limits on failed password and token attempts, per user and per session:
//! at most `max` failures in a sliding window. Kept in memory per engine.

use std::collections::{HashMap, VecDeque};

use parking_lot::Mutex;

/// Entries kept before idle ones are pruned, bounding memory under attack.
const PRUNE_AT: usize = 65_536;

/// A sliding-window failure counter.
pub struct RateLimiter {
    max: u32,
    window_ms: u64,
    failures: Mutex<HashMap<String, VecDeque<u64>>>,
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

    /// Milliseconds until any of `keys` may try again, or `None` if all may now.
    pub fn retry_after(&self, keys: &[String], now_ms: u64) -> Option<u64> {
        let mut failures = self.failures.lock();
        let mut wait = None;
        for key in keys {
            let Some(times) = failures.get_mut(key) else {
                continue;
            };
            Self::expire(times, now_ms, self.window_ms);
            if times.len() >= usize::try_from(self.max).unwrap_or(usize::MAX) {
                let oldest = times.front().copied().unwrap_or(now_ms);
                let until = oldest
                    .saturating_add(self.window_ms)
                    .saturating_sub(now_ms)
                    .max(1);
                wait = Some(wait.map_or(until, |w: u64| w.max(until)));
            }
        }
        wait
    }

    /// Records one failure against each of `keys`.
    pub fn record_failure(&self, keys: &[String], now_ms: u64) {
        let mut failures = self.failures.lock();
        if failures.len() >= PRUNE_AT {
            let window = self.window_ms;
            failures.retain(|_, times| {
                Self::expire(times, now_ms, window);
                !times.is_empty()
            });
        }
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            Self::expire(times, now_ms, self.window_ms);
            times.push_back(now_ms);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_after_max_failures_until_the_window_passes() {
        let limiter = RateLimiter::new(3, 1000);
        let keys = ["user:@a:x".to_owned()];
        for t in 0..3 {
            assert_eq!(limiter.retry_after(&keys, t), None);
            limiter.record_failure(&keys, t);
        }
        assert_eq!(limiter.retry_after(&keys, 10), Some(990));
        assert_eq!(
            limiter.retry_after(&keys, 1000),
            None,
            "the first failure left the window"
        );
    }

    #[test]
    fn keys_are_independent() {
        let limiter = RateLimiter::new(1, 1000);
        limiter.record_failure(&["a".to_owned()], 0);
        assert!(limiter.retry_after(&["a".to_owned()], 1).is_some());
        assert_eq!(limiter.retry_after(&["b".to_owned()], 1), None);
    }
}
