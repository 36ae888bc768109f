//! Handshake hooks: `gnutls_handshake_set_hook_function` and the names of
//! handshake message types.

use std::ffi::{c_char, c_int, c_uint};
use std::sync::Arc;

use parking_lot::Mutex;

use super::callbacks::{guarded, with_callbacks};
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::boundary;
use crate::ffi::errors::CallError;
use crate::gnutls::error_codes::{GNUTLS_E_AGAIN, GNUTLS_E_INTERRUPTED};
use crate::gnutls::handshake_type;
use crate::tls::hook::{HandshakeHook, HookCall, HookStop, HookTiming};
use crate::tls::resumption::ClientSession;

/// A hook on handshake messages: called with the session, the message type
/// (`gnutls_handshake_description_t`), `GNUTLS_HOOK_PRE` or
/// `GNUTLS_HOOK_POST`, whether the message is incoming, and the message
/// body without its four-byte header (valid during the call only). Returns
/// 0, or a negative GnuTLS code that aborts the operation.
#[allow(non_camel_case_types)]
pub type gnutls_handshake_hook_func = Option<
    unsafe extern "C" fn(gnutls_session_t, c_uint, c_uint, c_uint, *const gnutls_datum_t) -> c_int,
>;

/// A handshake message type (GnuTLS's enumeration, as an integer).
#[allow(non_camel_case_types)]
pub type gnutls_handshake_description_t = c_uint;

/// Handshake message type `GNUTLS_HANDSHAKE_HELLO_REQUEST`.
pub const GNUTLS_HANDSHAKE_HELLO_REQUEST: gnutls_handshake_description_t = 0;
/// Handshake message type `GNUTLS_HANDSHAKE_CLIENT_HELLO`.
pub const GNUTLS_HANDSHAKE_CLIENT_HELLO: gnutls_handshake_description_t = 1;
/// Handshake message type `GNUTLS_HANDSHAKE_SERVER_HELLO`.
pub const GNUTLS_HANDSHAKE_SERVER_HELLO: gnutls_handshake_description_t = 2;
/// Handshake message type `GNUTLS_HANDSHAKE_HELLO_VERIFY_REQUEST`.
pub const GNUTLS_HANDSHAKE_HELLO_VERIFY_REQUEST: gnutls_handshake_description_t = 3;
/// Handshake message type `GNUTLS_HANDSHAKE_NEW_SESSION_TICKET`.
pub const GNUTLS_HANDSHAKE_NEW_SESSION_TICKET: gnutls_handshake_description_t = 4;
/// Handshake message type `GNUTLS_HANDSHAKE_END_OF_EARLY_DATA`.
pub const GNUTLS_HANDSHAKE_END_OF_EARLY_DATA: gnutls_handshake_description_t = 5;
/// Handshake message type `GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS`.
pub const GNUTLS_HANDSHAKE_ENCRYPTED_EXTENSIONS: gnutls_handshake_description_t = 8;
/// Handshake message type `GNUTLS_HANDSHAKE_CERTIFICATE_PKT`.
pub const GNUTLS_HANDSHAKE_CERTIFICATE_PKT: gnutls_handshake_description_t = 11;
/// Handshake message type `GNUTLS_HANDSHAKE_SERVER_KEY_EXCHANGE`.
pub const GNUTLS_HANDSHAKE_SERVER_KEY_EXCHANGE: gnutls_handshake_description_t = 12;
/// Handshake message type `GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST`.
pub const GNUTLS_HANDSHAKE_CERTIFICATE_REQUEST: gnutls_handshake_description_t = 13;
/// Handshake message type `GNUTLS_HANDSHAKE_SERVER_HELLO_DONE`.
pub const GNUTLS_HANDSHAKE_SERVER_HELLO_DONE: gnutls_handshake_description_t = 14;
/// Handshake message type `GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY`.
pub const GNUTLS_HANDSHAKE_CERTIFICATE_VERIFY: gnutls_handshake_description_t = 15;
/// Handshake message type `GNUTLS_HANDSHAKE_CLIENT_KEY_EXCHANGE`.
pub const GNUTLS_HANDSHAKE_CLIENT_KEY_EXCHANGE: gnutls_handshake_description_t = 16;
/// Handshake message type `GNUTLS_HANDSHAKE_FINISHED`.
pub const GNUTLS_HANDSHAKE_FINISHED: gnutls_handshake_description_t = 20;
/// Handshake message type `GNUTLS_HANDSHAKE_CERTIFICATE_STATUS`.
pub const GNUTLS_HANDSHAKE_CERTIFICATE_STATUS: gnutls_handshake_description_t = 22;
/// Handshake message type `GNUTLS_HANDSHAKE_SUPPLEMENTAL`.
pub const GNUTLS_HANDSHAKE_SUPPLEMENTAL: gnutls_handshake_description_t = 23;
/// Handshake message type `GNUTLS_HANDSHAKE_KEY_UPDATE`.
pub const GNUTLS_HANDSHAKE_KEY_UPDATE: gnutls_handshake_description_t = 24;
/// Handshake message type `GNUTLS_HANDSHAKE_COMPRESSED_CERTIFICATE_PKT`.
pub const GNUTLS_HANDSHAKE_COMPRESSED_CERTIFICATE_PKT: gnutls_handshake_description_t = 25;
/// Handshake message type `GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC`.
pub const GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC: gnutls_handshake_description_t = 254;
/// Handshake message type `GNUTLS_HANDSHAKE_CLIENT_HELLO_V2`.
pub const GNUTLS_HANDSHAKE_CLIENT_HELLO_V2: gnutls_handshake_description_t = 1024;
/// Handshake message type `GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST`.
pub const GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST: gnutls_handshake_description_t = 1025;

/// `htype` that hooks every handshake message (`(unsigned int)-1`).
pub const GNUTLS_HANDSHAKE_ANY: c_uint = 0xFFFF_FFFF;
/// Call the hook before the message is sent or handled.
pub const GNUTLS_HOOK_PRE: c_int = 0;
/// Call the hook after the message is sent or handled.
pub const GNUTLS_HOOK_POST: c_int = 1;
/// Call the hook both before and after.
pub const GNUTLS_HOOK_BOTH: c_int = -1;

/// The application's hook function and what it asks to see.
#[derive(Clone, Copy)]
pub(super) struct HookSettings {
    func: unsafe extern "C" fn(
        gnutls_session_t,
        c_uint,
        c_uint,
        c_uint,
        *const gnutls_datum_t,
    ) -> c_int,
    htype: c_uint,
    when: c_int,
}

/// The session's current hook settings, shared with the hook installed in
/// the session, so that `gnutls_handshake_set_hook_function` can change
/// them from inside a hook (as GnuTLS allows) without touching the
/// session, which is borrowed while its hook runs.
pub(super) type HookSlot = Arc<Mutex<Option<HookSettings>>>;

/// The hook installed in a session: calls whatever the slot holds.
struct CHook {
    session: gnutls_session_t,
    slot: HookSlot,
}

// SAFETY: a session is used by one thread at a time (GnuTLS's rule, which
// `gnutls_init` documents); the hook only runs inside calls on its session.
unsafe impl Send for CHook {}

impl CHook {
    fn call(&self, call: &HookCall<'_>) -> Result<(), HookStop> {
        // A copy: the hook may replace the settings while it runs.
        let Some(settings) = *self.slot.lock() else {
            return Ok(());
        };
        let htype = if call.hello_retry {
            GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST
        } else {
            c_uint::from(call.message_type)
        };
        // ChangeCipherSpec is no handshake message: GnuTLS shows it only to
        // a hook set for it by name, not to one for every type.
        let wanted_type = settings.htype == htype
            || (settings.htype == GNUTLS_HANDSHAKE_ANY
                && htype != GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC);
        let wanted_time = match call.timing {
            HookTiming::Pre => settings.when != GNUTLS_HOOK_POST,
            HookTiming::Post => settings.when != GNUTLS_HOOK_PRE,
        };
        if !wanted_type || !wanted_time {
            return Ok(());
        }
        let Ok(size) = c_uint::try_from(call.body.len()) else {
            return Ok(());
        };
        let datum = gnutls_datum_t {
            data: call.body.as_ptr().cast_mut(),
            size,
        };
        let when = match call.timing {
            HookTiming::Pre => 0,
            HookTiming::Post => 1,
        };
        let data = call.session.map(ClientSession::encode);
        // SAFETY: the session outlives its hook (the hook lives in the
        // session); only its callback cells are touched.
        unsafe { with_callbacks(self.session, |c| c.hook_session_data.set(data)) };
        // SAFETY: the session outlives its hook; `guarded` makes calls on
        // this session from inside the hook fail instead of waiting for the
        // lock this call holds; `datum` points into `call.body`, alive for
        // the call.
        let code = unsafe {
            guarded(self.session, || {
                (settings.func)(
                    self.session,
                    htype,
                    when,
                    c_uint::from(call.incoming),
                    &datum,
                )
            })
        };
        // SAFETY: as for the first call on the callback cells.
        unsafe { with_callbacks(self.session, |c| c.hook_session_data.set(None)) };
        match code {
            // Credentials set in the hook: the operation lets go of the
            // session so that they are set (a server's first ClientHello is
            // then handled under them).
            // SAFETY: the session outlives its hook; a field apart from
            // the session state.
            0.. if unsafe { super::credentials::has_deferred(self.session) } => {
                Err(HookStop::Reconfigure)
            }
            0.. => Ok(()),
            // GnuTLS returns these to the caller and resumes at the next call.
            GNUTLS_E_AGAIN | GNUTLS_E_INTERRUPTED => Err(HookStop::Interrupt(code)),
            _ => Err(HookStop::Abort(code)),
        }
    }
}

/// Sets the function called before and/or after each handshake message of
/// type `htype` (or every type, with `GNUTLS_HANDSHAKE_ANY`) is sent or
/// handled, post-handshake messages included (a client's hook sees a
/// post-handshake CertificateRequest before it is handled only, as in GnuTLS
/// 3.7). `when` is `GNUTLS_HOOK_PRE`, `GNUTLS_HOOK_POST` or
/// `GNUTLS_HOOK_BOTH`. A negative return from the hook aborts the operation
/// (handshake, record receive, reauth), which returns that code; no alert is
/// sent; `GNUTLS_E_AGAIN` or `GNUTLS_E_INTERRUPTED` is returned by the call
/// and the next call goes on. A HelloRetryRequest is reported as
/// `GNUTLS_HANDSHAKE_HELLO_RETRY_REQUEST`; ChangeCipherSpec only to a hook
/// set for `GNUTLS_HANDSHAKE_CHANGE_CIPHER_SPEC`. From inside the hook only
/// `gnutls_session_get_ptr` and this function may be called on the session,
/// and `gnutls_session_get_data2` from the POST hook of a received
/// NewSessionTicket (the session it brought); other calls on it return
/// `GNUTLS_E_INVALID_REQUEST`. A NULL `func`
/// removes the hook. Nothing is owned by the session but the pointer
/// value.
///
/// # Safety
/// `session` is NULL or live; `func`, if not NULL, stays callable while
/// the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_set_hook_function(
    session: gnutls_session_t,
    htype: c_uint,
    when: c_int,
    func: gnutls_handshake_hook_func,
) {
    boundary::gnutls(|| {
        if session.is_null() {
            return Err(CallError::Null("session"));
        }
        // SAFETY: live; only the slot field is read (the session itself
        // may be borrowed when a hook calls this).
        let slot = unsafe { &*std::ptr::addr_of!((*session).hook_slot) };
        let settings = func.map(|func| HookSettings { func, htype, when });
        let first = std::mem::replace(&mut *slot.lock(), settings).is_none();
        if first && settings.is_some() {
            let c = CHook {
                session,
                slot: slot.clone(),
            };
            let hook: HandshakeHook = Box::new(move |call: &HookCall<'_>| c.call(call));
            // SAFETY: NULL or live, by the caller's promise.
            unsafe { with_session(session, |s| s.set_handshake_hook(Some(hook))) }?;
        }
        Ok(())
    })
}

/// The name of a handshake message type, such as "CLIENT HELLO", as GnuTLS
/// 3.7 prints it; "Unknown Handshake packet" for others. The string is
/// static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_handshake_description_get_name(
    htype: gnutls_handshake_description_t,
) -> *const c_char {
    boundary::gnutls(|| Ok(handshake_type::name(htype).as_ptr()))
}
