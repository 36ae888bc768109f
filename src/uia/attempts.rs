//! Where password and token attempts are counted for the failure limit: in
//! the store when it keeps them (SQLite, PostgreSQL: the limit then holds
//! across the processes sharing it and across restarts), else in the
//! engine's memory. Either way an attempt takes its place before its check
//! runs and gives it back only when the check passed.

use super::engine::Engine;
use super::ratelimit;
use super::{StoreError, UiaError};

/// An attempt's place under the failure limit; dropped without
/// [`Place::failed`], it is given back.
#[must_use = "a place is given back when dropped; call failed() for a failure"]
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
    /// The check failed: the place stays, as a failure in the window.
    pub(super) fn failed(self) {
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
    /// Takes a place for an attempt under each of `keys`, or returns the
    /// milliseconds until one frees (`Ok(Err(wait))`).
    pub(super) fn take_place(
        &self,
        keys: &[String],
        now_ms: u64,
    ) -> Result<Result<Place<'_>, u64>, UiaError> {
        if !self.store.keeps_attempts() {
            return Ok(self.limiter.begin(keys, now_ms).map(Place::Memory));
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
        let (max, window) = (self.config.max_failures, self.config.failure_window_ms);
        let mut wait = None;
        self.store
            .transaction(&mut |tx| {
                wait = tx.take_attempt(keys, &id, now_ms, window, max)?;
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
