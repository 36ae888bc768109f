//! The engine's clock, for certificate validity checks and ticket ages
//! and lifetimes: the system clock unless the application installed its
//! own (GnuTLS's `gnutls_global_set_time_function`).

use std::sync::RwLock;

/// A clock: seconds since the Unix epoch. A plain function, so setting one
/// allocates nothing that could outlive an unloaded library.
pub type Clock = fn() -> i64;

static CLOCK: RwLock<Option<Clock>> = RwLock::new(None);

/// Installs `clock` for every later check (`None`: the system clock).
pub fn set(clock: Option<Clock>) {
    let mut slot = CLOCK
        .write()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    *slot = clock;
}

fn installed() -> Option<Clock> {
    *CLOCK
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The current time in milliseconds since the epoch (an installed clock
/// counts whole seconds).
pub fn now_ms() -> u64 {
    match installed() {
        Some(clock) => u64::try_from(clock()).unwrap_or(0).saturating_mul(1000),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
    }
}

/// The current time in seconds since the epoch (0 for a time before it).
pub fn now() -> u64 {
    match installed() {
        Some(clock) => u64::try_from(clock()).unwrap_or(0),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    }
}
