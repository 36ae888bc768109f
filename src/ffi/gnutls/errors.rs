//! Error descriptions and fatality.

use std::ffi::{c_char, c_int};
use std::io::Write;

use crate::ffi::boundary;
use crate::gnutls::errors;

/// Returns a description of the GnuTLS error code `error`, or
/// "(unknown error code)" for a code GnuTLS does not define.
///
/// The returned string is static: never free or modify it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_strerror(error: c_int) -> *const c_char {
    boundary::gnutls(|| Ok(errors::message(error).as_ptr()))
}

/// Returns the name of the constant for the GnuTLS error code `error`
/// (for example "GNUTLS_E_AGAIN"), or NULL for a code GnuTLS does not define.
///
/// The returned string is static: never free or modify it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_strerror_name(error: c_int) -> *const c_char {
    boundary::gnutls(|| Ok(errors::name(error).map_or(std::ptr::null(), |n| n.as_ptr())))
}

/// Tells whether the GnuTLS error code `error` is fatal to the session it came
/// from: returns non-zero when the session must be terminated, 0 when the
/// operation may be retried or the condition handled (`GNUTLS_E_AGAIN`,
/// `GNUTLS_E_INTERRUPTED`, `GNUTLS_E_REAUTH_REQUEST`, ...). Unknown negative
/// codes are fatal; positive codes are not.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_error_is_fatal(error: c_int) -> c_int {
    boundary::gnutls(|| Ok(c_int::from(errors::is_fatal(error))))
}

/// Prints "GnuTLS error: " and the description of `error` (as
/// `gnutls_strerror` gives it) on standard error.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_perror(error: c_int) {
    boundary::gnutls(|| {
        let mut line = b"GnuTLS error: ".to_vec();
        line.extend_from_slice(errors::message(error).to_bytes());
        line.push(b'\n');
        // Nothing useful can be done if standard error is gone; GnuTLS ignores it too.
        let _ = std::io::stderr().lock().write_all(&line);
        Ok(())
    })
}
