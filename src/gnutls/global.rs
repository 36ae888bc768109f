//! `gnutls_global_init` / `gnutls_global_deinit`. Nothing in stepup needs
//! global set-up (like GnuTLS 3.x, which initialises on load); the calls keep
//! GnuTLS's reference count so that init/deinit pairs balance and an extra
//! deinit is harmless.

use std::sync::atomic::{AtomicU32, Ordering};

static INIT_COUNT: AtomicU32 = AtomicU32::new(0);

/// Takes one reference on the library's global state. Never fails.
pub fn init() {
    // Saturating: a program cannot overflow the count however often it calls.
    let _ = INIT_COUNT.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_add(1));
}

/// Drops one reference; a deinit without a matching init does nothing.
pub fn deinit() {
    let _ = INIT_COUNT.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1));
}

/// The number of outstanding `init` calls.
pub fn references() -> u32 {
    INIT_COUNT.load(Ordering::Acquire)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_and_deinit_balance_and_extra_deinit_is_harmless() {
        let before = references();
        init();
        init();
        assert!(references() >= before + 2);
        deinit();
        deinit();
        // Other tests may run concurrently; only check that deinit never underflows.
        for _ in 0..=before + 4 {
            deinit();
        }
        assert_eq!(references(), 0);
    }
}
