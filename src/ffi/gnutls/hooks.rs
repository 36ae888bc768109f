//! Handshake hooks: `gnutls_handshake_set_hook_function` and the names of
//! handshake message types.

use std::ffi::{c_char, c_int, c_uint};

use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::boundary;
use crate::gnutls::handshake_type;
use crate::tls::hook::{HandshakeHook, HookCall, HookTiming};

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

/// The C hook and the session it belongs to.
struct CHook {
    session: gnutls_session_t,
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

// SAFETY: a session is used by one thread at a time (GnuTLS's rule, which
// `gnutls_init` documents); the hook only runs inside calls on its session.
unsafe impl Send for CHook {}

impl CHook {
    fn call(&self, call: &HookCall<'_>) -> Result<(), i32> {
        let wanted_type =
            self.htype == GNUTLS_HANDSHAKE_ANY || self.htype == c_uint::from(call.message_type);
        let wanted_time = match call.timing {
            HookTiming::Pre => self.when != GNUTLS_HOOK_POST,
            HookTiming::Post => self.when != GNUTLS_HOOK_PRE,
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
        // SAFETY: the session outlives its hook (the hook lives in the
        // session); `in_hook` is a Cell field apart from the borrowed
        // `session` field, and makes calls on this session from inside the
        // hook fail instead of aliasing it; `datum` points into `call.body`,
        // alive for the call.
        let code = unsafe {
            let guard = &*std::ptr::addr_of!((*self.session).in_hook);
            guard.set(true);
            let code = (self.func)(
                self.session,
                c_uint::from(call.message_type),
                when,
                c_uint::from(call.incoming),
                &datum,
            );
            guard.set(false);
            code
        };
        if code < 0 { Err(code) } else { Ok(()) }
    }
}

/// Sets the function called before and/or after each handshake message of
/// type `htype` (or every type, with `GNUTLS_HANDSHAKE_ANY`) is sent or
/// handled, post-handshake messages included (a client's hook sees a
/// post-handshake CertificateRequest before it is handled only, as in GnuTLS
/// 3.7). `when` is `GNUTLS_HOOK_PRE`, `GNUTLS_HOOK_POST` or
/// `GNUTLS_HOOK_BOTH`. A negative return from the hook aborts the operation
/// (handshake, record receive, reauth), which returns that code; no alert is
/// sent. From inside the hook only `gnutls_session_get_ptr` may be called on
/// the session; other calls on it return `GNUTLS_E_INVALID_REQUEST`. A NULL
/// `func` removes the hook. Nothing is owned by the session but the pointer
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
        let hook: Option<HandshakeHook> = func.map(|func| {
            let c = CHook {
                session,
                func,
                htype,
                when,
            };
            let hook: HandshakeHook = Box::new(move |call: &HookCall<'_>| c.call(call));
            hook
        });
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.set_handshake_hook(hook)) }
    })
}

/// The name of a handshake message type, such as "CLIENT HELLO", as GnuTLS
/// 3.7 prints it; "Unknown Handshake packet" for others. The string is
/// static: do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_handshake_description_get_name(
    htype: gnutls_handshake_description_t,
) -> *const c_char {
    handshake_type::name(htype).as_ptr()
}
