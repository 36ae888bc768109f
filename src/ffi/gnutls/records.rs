//! Record-layer controls: corking (`gnutls_record_cork`/`uncork`), record
//! size limits, and key updates (`gnutls_session_key_update`, and
//! `gnutls_rehandshake`, which is a key update under TLS 1.3).

use std::ffi::{c_int, c_uint};

use super::session::{gnutls_session_t, run_with_peer_check, with_session};
use crate::ffi::boundary;

/// `gnutls_record_uncork` flag: retry until every held-back byte is sent.
pub const GNUTLS_RECORD_WAIT: c_uint = 1;
/// `gnutls_session_key_update` flag: ask the peer to update its keys too.
pub const GNUTLS_KU_PEER: c_uint = 1;

/// Holds back the data of later `gnutls_record_send` calls (each returns
/// its length at once) until `gnutls_record_uncork`, which sends it in as
/// few records as possible. Corking a corked session does nothing.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_cork(session: gnutls_session_t) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.cork()) }
    })
}

/// Sends the data held back since `gnutls_record_cork` and ends corking.
/// With `GNUTLS_RECORD_WAIT` in `flags` it retries until all is sent;
/// without, it may return `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call it
/// again with the same flags to finish).
///
/// Returns the number of bytes sent (0 when nothing was corked), or a
/// negative code: `GNUTLS_E_INVALID_REQUEST` for a NULL session or before
/// the handshake completed, or the fatal code of the failed send.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_uncork(session: gnutls_session_t, flags: c_uint) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let sent = unsafe { with_session(session, |s| s.uncork(flags)) }??;
        Ok(c_int::try_from(sent).unwrap_or(c_int::MAX))
    })
}

/// Limits records to `size` bytes of plaintext, both sent and (announced
/// with record_size_limit, RFC 8449) received, from the next handshake;
/// called after it, it is accepted and changes nothing, as in GnuTLS 3.7.
///
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a size outside 512..=16384
/// or a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_set_max_size(
    session: gnutls_session_t,
    size: usize,
) -> libc::ssize_t {
    let code = boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_max_record_size(size)) }??;
        Ok(0)
    });
    isize::try_from(code).unwrap_or(-1)
}

/// Limits the plaintext of records received to `size` bytes, announced to
/// the peer with record_size_limit (RFC 8449) in the next handshake; after
/// the handshake it is accepted and changes nothing, as in GnuTLS 3.7.
///
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a size outside 512..=16384
/// or a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_set_max_recv_size(
    session: gnutls_session_t,
    size: usize,
) -> libc::ssize_t {
    let code = boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_max_recv_size(size)) }??;
        Ok(0)
    });
    isize::try_from(code).unwrap_or(-1)
}

/// The most plaintext per record this end accepts: the size set with
/// `gnutls_record_set_max_size` or `gnutls_record_set_max_recv_size`,
/// 16384 by default. Returns 0 for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_get_max_size(session: gnutls_session_t) -> usize {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || unsafe {
        with_session(session, |s| s.max_record_size())
    })
}

/// Updates the session's sending keys (a TLS 1.3 KeyUpdate, RFC 8446
/// §4.6.3); with `GNUTLS_KU_PEER` in `flags` it asks the peer to update
/// its own too (its answer is handled by `gnutls_record_recv`). Other flag
/// bits are ignored, as in GnuTLS.
///
/// Returns 0; `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` when the KeyUpdate is
/// queued but not all sent (call again or send data: it goes first);
/// `GNUTLS_E_INVALID_REQUEST` before the handshake completed or for a NULL
/// session (GnuTLS 3.7 is not safe to call then at all); another negative
/// code if the session has failed.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_key_update(
    session: gnutls_session_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { run_with_peer_check(session, |s| s.key_update(flags)) }?;
        Ok(0)
    })
}

/// What GnuTLS 3.7 does for a TLS 1.3 server asked to renegotiate, which
/// TLS 1.3 does not have: `gnutls_session_key_update(session,
/// GNUTLS_KU_PEER)`. A client cannot call it.
///
/// Returns 0 (server), `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` as
/// `gnutls_session_key_update`, or `GNUTLS_E_INVALID_REQUEST` on a client,
/// before the handshake completed, or for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_rehandshake(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { run_with_peer_check(session, |s| s.rehandshake()) }?;
        Ok(0)
    })
}
