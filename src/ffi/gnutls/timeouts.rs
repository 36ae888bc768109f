//! `gnutls_handshake_set_timeout` and `gnutls_record_set_timeout`.
//!
//! stepup never waits on the transport itself: each call reads what the
//! transport gives and returns `GNUTLS_E_AGAIN` when it would block, and
//! the pull-timeout function is not called. The timeouts are therefore
//! stored on the session (for the application to read back through its own
//! I/O loop) and do not change what the calls do.

use std::ffi::c_uint;

use super::session::{gnutls_session_t, with_session};
use crate::ffi::boundary;

/// `gnutls_handshake_set_timeout` value: GnuTLS's default timeout.
pub const GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT: c_uint = c_uint::MAX;
/// `gnutls_record_set_timeout` value: wait indefinitely.
pub const GNUTLS_INDEFINITE_TIMEOUT: c_uint = c_uint::MAX - 1;

/// Sets the handshake timeout in milliseconds (0: none;
/// `GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT`: GnuTLS's default). Stored on the
/// session; see the module notes. NULL is ignored.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_set_timeout(session: gnutls_session_t, ms: c_uint) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.set_handshake_timeout(ms)) }
    })
}

/// Sets the timeout of `gnutls_record_recv` in milliseconds (0: none;
/// `GNUTLS_INDEFINITE_TIMEOUT`). Stored on the session; see the module
/// notes. NULL is ignored.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_set_timeout(session: gnutls_session_t, ms: c_uint) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.set_record_timeout(ms)) }
    })
}
