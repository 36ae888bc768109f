//! Key logging: `gnutls_session_set_keylog_function` and
//! `gnutls_session_get_keylog_function`.

use std::ffi::{CString, c_char, c_int, c_uint};
use std::sync::Arc;

use super::callbacks::{guarded, with_callbacks};
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::boundary;
use crate::tls::config::KeyLog;

/// A key log function: called with the session, the NSS key log label of a
/// secret (`CLIENT_HANDSHAKE_TRAFFIC_SECRET`, `SERVER_HANDSHAKE_TRAFFIC_SECRET`,
/// `EXPORTER_SECRET`, `CLIENT_TRAFFIC_SECRET_0`, `SERVER_TRAFFIC_SECRET_0`)
/// and the secret; both are valid during the call only. Its return value
/// is ignored.
#[allow(non_camel_case_types)]
pub type gnutls_keylog_func =
    Option<unsafe extern "C" fn(gnutls_session_t, *const c_char, *const gnutls_datum_t) -> c_int>;

/// The C function and its session, as the engine's key log.
struct CKeyLog {
    session: gnutls_session_t,
    func: unsafe extern "C" fn(gnutls_session_t, *const c_char, *const gnutls_datum_t) -> c_int,
}

// SAFETY: a session is used by one thread at a time (GnuTLS's rule); the
// key log only runs inside calls on its session.
unsafe impl Send for CKeyLog {}
// SAFETY: as above: never called from two threads at once.
unsafe impl Sync for CKeyLog {}

impl CKeyLog {
    fn call(&self, label: &str, secret: &[u8]) {
        let (Ok(label), Ok(size)) = (CString::new(label), c_uint::try_from(secret.len())) else {
            return;
        };
        let datum = gnutls_datum_t {
            data: secret.as_ptr().cast_mut(),
            size,
        };
        // SAFETY: the session outlives its key log (the session holds it);
        // the session may be borrowed by the call that derived the secret,
        // so calls on it from inside are refused (`guarded`); `label` and
        // `datum` live through the call.
        unsafe {
            guarded(self.session, || {
                (self.func)(self.session, label.as_ptr(), &datum)
            });
        }
    }
}

/// Sets the function that receives the session's secrets as they are
/// derived (from the next handshake on), for debugging with packet
/// analysers: whoever holds them can decrypt the session. NULL removes it.
/// From inside the function, only `gnutls_session_get_ptr` and
/// `gnutls_session_get_keylog_function` may be called on the session;
/// other calls return `GNUTLS_E_INVALID_REQUEST`. Unlike GnuTLS, stepup has
/// no default function writing to `$SSLKEYLOGFILE`.
///
/// # Safety
/// `session` is NULL or live; `func`, if not NULL, stays callable while the
/// session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_keylog_function(
    session: gnutls_session_t,
    func: gnutls_keylog_func,
) {
    boundary::gnutls(|| {
        let key_log: Option<KeyLog> = func.map(|func| {
            let c = CKeyLog { session, func };
            let log: KeyLog =
                Arc::new(move |label: &str, _random: &[u8], secret: &[u8]| c.call(label, secret));
            log
        });
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_key_log(key_log)) }?;
        // SAFETY: live (checked by with_session).
        unsafe { with_callbacks(session, |c| c.keylog.set(func)) };
        Ok(())
    })
}

/// The function set with `gnutls_session_set_keylog_function`, or NULL
/// (stepup has no default one; GnuTLS's writes to `$SSLKEYLOGFILE`).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_keylog_function(
    session: gnutls_session_t,
) -> gnutls_keylog_func {
    boundary::gnutls_or(None, || {
        // SAFETY: NULL or live; reads a cell only, so it works inside callbacks.
        let keylog = unsafe { with_callbacks(session, |c| c.keylog.get()) };
        Ok(keylog.flatten())
    })
}
