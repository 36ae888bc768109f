//! GnuTLS's global debug log (`gnutls_global_set_log_function`,
//! `gnutls_global_set_log_level`): a message of level `n` goes to the logger
//! when the log level is at least `n`; level 0 (the default) logs nothing.
//! Messages never hold secrets.

use std::sync::atomic::{AtomicI32, Ordering};

use parking_lot::RwLock;

/// Where log messages go: the level and one line of text (ending in '\n',
/// as GnuTLS's do). A plain function, so setting one allocates nothing that
/// could outlive an unloaded library.
pub type Logger = fn(i32, &str);

static LOGGER: RwLock<Option<Logger>> = RwLock::new(None);
static LEVEL: AtomicI32 = AtomicI32::new(0);

/// Sets (or, with `None`, removes) the logger.
pub fn set_logger(logger: Option<Logger>) {
    *LOGGER.write() = logger;
}

/// Sets the log level: 0 logs nothing, higher levels log more.
pub fn set_level(level: i32) {
    LEVEL.store(level, Ordering::Release);
}

/// Whether a message of `level` would be logged.
pub fn enabled(level: i32) -> bool {
    level > 0 && level <= LEVEL.load(Ordering::Acquire) && LOGGER.read().is_some()
}

/// Logs `message` at `level` if the level allows it. The logger runs with
/// no lock held, so it may call back into the library.
pub fn log(level: i32, message: impl FnOnce() -> String) {
    if !enabled(level) {
        return;
    }
    let logger = *LOGGER.read();
    if let Some(logger) = logger {
        let mut text = message();
        text.push('\n');
        logger(level, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn logs_only_up_to_the_level() {
        static SEEN: AtomicUsize = AtomicUsize::new(0);
        set_logger(Some(|level, text| {
            assert!(level >= 1 && text.ends_with('\n'));
            SEEN.fetch_add(1, Ordering::SeqCst);
        }));
        set_level(2);
        log(2, || "shown".into());
        log(3, || "hidden".into());
        set_level(0);
        log(1, || "hidden".into());
        set_logger(None);
        assert_eq!(SEEN.load(Ordering::SeqCst), 1);
    }
}
