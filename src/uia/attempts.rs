//! Where password and token attempts are counted for the failure limit, and
//! new sessions for their bounds: in the store when it keeps them (SQLite,
//! PostgreSQL: the limits then hold across the processes sharing it and
//! across restarts), else in the engine's memory. Either way an attempt
//! takes its place before its check runs and gives it back only when the
//! check passed; a new session keeps its place for a session lifetime.

use super::engine::Engine;
use super::ratelimit::{self, RateLimiter};
use super::store::Claim;
use super::{StoreError, UiaError};

/// The limit a place counts under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    /// `max_failures` per `failure_window_ms`.
    Failures,
    /// `max_new_sessions_per_client` per session lifetime.
    NewPerClient,
    /// `max_new_sessions` per session lifetime.
    NewTotal,
}

/// A place under a limit; dropped without [`Place::keep`], it is given back.
#[must_use = "a place is given back when dropped; call keep() to keep it"]
pub(super) enum Place<'a> {
    /// Counted in the engine's memory.
    Memory(ratelimit::Attempt<'a>),
    /// Counted in the store.
    Store(StorePlace<'a>),
}

/// A place in the store, as attempt `id` (empty: no keys, nothing taken).
pub(super) struct StorePlace<'a> {
    engine: &'a Engine,
    id: String,
    failed: bool,
}

impl Place<'_> {
    /// The place stays counted for its window: a failed check, or a
    /// session created.
    pub(super) fn keep(self) {
        match self {
            Place::Memory(attempt) => attempt.failed(),
            Place::Store(mut place) => place.failed = true,
        }
    }
}

impl Drop for StorePlace<'_> {
    fn drop(&mut self) {
        if self.failed || self.id.is_empty() {
            return;
        }
        // A place that cannot be given back stays counted: the limit errs
        // on the side of refusing.
        let id = self.id.as_str();
        let _ = self.engine.store.transaction(&mut |tx| tx.drop_attempt(id));
    }
}

impl Engine {
    /// The in-memory counter, the maximum and the window of `limit`.
    fn limit(&self, limit: Limit) -> (&RateLimiter, u32, u64) {
        let (config, limits) = (&self.config, &*self.limits);
        match limit {
            Limit::Failures => (
                &limits.failures,
                config.max_failures,
                config.failure_window_ms,
            ),
            Limit::NewPerClient => (
                &limits.new_per_client,
                config.max_new_sessions_per_client,
                config.session_lifetime_ms,
            ),
            Limit::NewTotal => (
                &limits.new_total,
                config.max_new_sessions,
                config.session_lifetime_ms,
            ),
        }
    }

    /// Takes a place under `limit` for each of `keys`, or returns the
    /// milliseconds until one frees (`Ok(Err(wait))`). A bound on new
    /// sessions set to 0 takes nothing and never refuses.
    pub(super) fn take_place(
        &self,
        limit: Limit,
        keys: &[String],
        now_ms: u64,
    ) -> Result<Result<Place<'_>, u64>, UiaError> {
        let (counter, max, window) = self.limit(limit);
        let unbounded = limit != Limit::Failures && max == 0;
        let keys = if unbounded { &[] } else { keys };
        if !self.store.keeps_attempts() {
            return Ok(counter.begin(keys, now_ms).map(Place::Memory));
        }
        if keys.is_empty() {
            return Ok(Ok(Place::Store(StorePlace {
                engine: self,
                id: String::new(),
                failed: false,
            })));
        }
        let mut id_bytes = [0u8; 16];
        crate::crypto::fill_random(&mut id_bytes).map_err(|_| UiaError::Random)?;
        let id: String = id_bytes.iter().map(|b| format!("{b:02x}")).collect();
        let claim = Claim {
            keys,
            id: &id,
            now_ms,
            window_ms: window,
            max,
            keep_ms: self
                .config
                .failure_window_ms
                .max(self.config.session_lifetime_ms),
        };
        let mut wait = None;
        self.store
            .transaction(&mut |tx| {
                wait = tx.take_attempt(&claim)?;
                Ok(())
            })
            .map_err(|e: StoreError| UiaError::from(e))?;
        Ok(match wait {
            Some(wait) => Err(wait),
            None => Ok(Place::Store(StorePlace {
                engine: self,
                id,
                failed: false,
            })),
        })
    }
}
