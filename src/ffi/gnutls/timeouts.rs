//! `gnutls_handshake_set_timeout` and `gnutls_record_set_timeout`.
//!
//! As in GnuTLS, a session with a timeout waits for input through the
//! pull-timeout function before each read (poll(2) on the descriptor by
//! default) and fails with `GNUTLS_E_TIMEDOUT` when the time runs out.

use std::ffi::c_uint;

use super::session::{gnutls_session_t, with_session};
use crate::ffi::boundary;

/// `gnutls_handshake_set_timeout` value: GnuTLS's default timeout.
pub const GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT: c_uint = c_uint::MAX;
/// `gnutls_record_set_timeout` value: wait indefinitely.
pub const GNUTLS_INDEFINITE_TIMEOUT: c_uint = c_uint::MAX - 1;

/// Sets the handshake timeout in milliseconds, counted from the
/// handshake's first call (0: none; `GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT`:
/// GnuTLS's default, 40 s). Past it `gnutls_handshake` fails with
/// `GNUTLS_E_TIMEDOUT`; see the module notes. NULL is ignored.
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

/// Sets the timeout of each `gnutls_record_recv` in milliseconds (0 or
/// `GNUTLS_INDEFINITE_TIMEOUT`: none). When no data came in time the call
/// fails with `GNUTLS_E_TIMEDOUT`; see the module notes. NULL is ignored.
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
