//! The global debug log: `gnutls_global_set_log_function` and
//! `gnutls_global_set_log_level`. The C function pointer stays here; the
//! library logs through a Rust function that calls it.

use std::ffi::{CString, c_char, c_int};

use parking_lot::RwLock;

use crate::ffi::boundary;
use crate::gnutls::log;

/// The type of a log function: the message's level and its text (a
/// NUL-terminated line, valid only during the call).
#[allow(non_camel_case_types)]
pub type gnutls_log_func = Option<unsafe extern "C" fn(level: c_int, text: *const c_char)>;

/// The application's log function.
static LOG_FUNCTION: RwLock<gnutls_log_func> = RwLock::new(None);

/// Hands a message to the application's log function.
fn to_log_function(level: i32, text: &str) {
    let Some(function) = *LOG_FUNCTION.read() else {
        return;
    };
    // A message with a NUL inside is cut there, as C would read it.
    let text = text.split('\0').next().unwrap_or_default();
    if let Ok(line) = CString::new(text) {
        // SAFETY: the application gave a log function taking a level and a
        // NUL-terminated string that lives for the call.
        unsafe { function(level, line.as_ptr()) };
    }
}

/// Sets the function that receives the library's debug messages (NULL: none).
/// Messages of level 1 to the level set with `gnutls_global_set_log_level`
/// are passed; stepup logs handshake progress at level 2 and never logs
/// secrets. The function may be called from any thread that uses the
/// library, and must not call back into the library with a session that is
/// in a call.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_global_set_log_function(log_func: gnutls_log_func) {
    boundary::gnutls(|| {
        *LOG_FUNCTION.write() = log_func;
        let logger: log::Logger = to_log_function;
        log::set_logger(log_func.map(|_| logger));
        Ok(())
    })
}

/// Sets the debug log level: 0 (the default) logs nothing; higher levels
/// log more (stepup's messages are at level 2).
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_global_set_log_level(level: c_int) {
    boundary::gnutls(|| {
        log::set_level(level);
        Ok(())
    })
}
