//! TLS extensions for applications: `gnutls_session_ext_register` (an
//! extension whose body the application sends and receives),
//! `gnutls_ext_get_current_msg` and `gnutls_ext_raw_parse`.

use std::ffi::{c_char, c_int, c_uchar, c_uint, c_void};
use std::sync::Arc;

use super::buffer::{gnutls_buffer_st, gnutls_buffer_t};
use super::callbacks::{guarded, with_callbacks};
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::error_codes as gn;
use crate::gnutls::ext::{RawInput, RawParseError, parse};
use crate::tls::config::{CustomExtension, ExtensionMessage};

/// Private data of an extension (`gnutls_ext_set_data`).
#[allow(non_camel_case_types)]
pub type gnutls_ext_priv_data_t = *mut c_void;

/// When an extension is parsed (GnuTLS's enumeration, as an integer).
#[allow(non_camel_case_types)]
pub type gnutls_ext_parse_type_t = c_int;
/// Parse point `GNUTLS_EXT_ANY`.
pub const GNUTLS_EXT_ANY: gnutls_ext_parse_type_t = 0;
/// Parse point `GNUTLS_EXT_APPLICATION`.
pub const GNUTLS_EXT_APPLICATION: gnutls_ext_parse_type_t = 1;
/// Parse point `GNUTLS_EXT_TLS`.
pub const GNUTLS_EXT_TLS: gnutls_ext_parse_type_t = 2;
/// Parse point `GNUTLS_EXT_MANDATORY`.
pub const GNUTLS_EXT_MANDATORY: gnutls_ext_parse_type_t = 3;
/// Parse point `GNUTLS_EXT_NONE`.
pub const GNUTLS_EXT_NONE: gnutls_ext_parse_type_t = 4;
/// Parse point `GNUTLS_EXT_VERSION_NEG`.
pub const GNUTLS_EXT_VERSION_NEG: gnutls_ext_parse_type_t = 5;

/// Where an extension may appear (GnuTLS's `gnutls_ext_flags_t`, as an integer).
#[allow(non_camel_case_types)]
pub type gnutls_ext_flags_t = c_uint;
/// Replace an internal extension: stepup allows it for cookie (44),
/// ec_point_formats (11), padding (21) and compress_certificate (27); the
/// others are refused (GnuTLS refuses about half of them too).
pub const GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL: gnutls_ext_flags_t = 1;
/// The extension may be in a ClientHello.
pub const GNUTLS_EXT_FLAG_CLIENT_HELLO: gnutls_ext_flags_t = 1 << 1;
/// The extension may be in a TLS 1.2 ServerHello (never used by stepup).
pub const GNUTLS_EXT_FLAG_TLS12_SERVER_HELLO: gnutls_ext_flags_t = 1 << 2;
/// The extension may be in a TLS 1.3 ServerHello (not supported by stepup:
/// such an extension is not sent there).
pub const GNUTLS_EXT_FLAG_TLS13_SERVER_HELLO: gnutls_ext_flags_t = 1 << 3;
/// The extension may be in EncryptedExtensions.
pub const GNUTLS_EXT_FLAG_EE: gnutls_ext_flags_t = 1 << 4;
/// The extension may be in a HelloRetryRequest.
pub const GNUTLS_EXT_FLAG_HRR: gnutls_ext_flags_t = 1 << 5;
/// A server sends the extension even if the client did not; a client takes
/// it from a server although it did not send it.
pub const GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST: gnutls_ext_flags_t = 1 << 6;
/// The extension applies to TLS.
pub const GNUTLS_EXT_FLAG_TLS: gnutls_ext_flags_t = 1 << 7;
/// The extension applies to DTLS (stepup has no DTLS).
pub const GNUTLS_EXT_FLAG_DTLS: gnutls_ext_flags_t = 1 << 8;

/// `gnutls_ext_raw_parse` flag: the data is a TLS ClientHello body.
pub const GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO: c_uint = 1;
/// `gnutls_ext_raw_parse` flag: the data is a DTLS ClientHello body.
pub const GNUTLS_EXT_RAW_FLAG_DTLS_CLIENT_HELLO: c_uint = 1 << 1;

/// An extension's receive function: the session, the body (valid during
/// the call) and its length. Returns 0 or a negative code.
#[allow(non_camel_case_types)]
pub type gnutls_ext_recv_func =
    Option<unsafe extern "C" fn(gnutls_session_t, *const c_uchar, usize) -> c_int>;
/// An extension's send function: appends the body to the buffer with
/// `gnutls_buffer_append_data`. Returns the bytes appended or 0 (nothing
/// appended: the extension is not sent), `GNUTLS_E_INT_RET_0` to send it
/// empty, or a negative code.
#[allow(non_camel_case_types)]
pub type gnutls_ext_send_func =
    Option<unsafe extern "C" fn(gnutls_session_t, gnutls_buffer_t) -> c_int>;
/// Frees an extension's private data.
#[allow(non_camel_case_types)]
pub type gnutls_ext_deinit_data_func = Option<unsafe extern "C" fn(gnutls_ext_priv_data_t)>;
/// Packs an extension's private data for session resumption.
#[allow(non_camel_case_types)]
pub type gnutls_ext_pack_func =
    Option<unsafe extern "C" fn(gnutls_ext_priv_data_t, gnutls_buffer_t) -> c_int>;
/// Unpacks an extension's private data at session resumption.
#[allow(non_camel_case_types)]
pub type gnutls_ext_unpack_func =
    Option<unsafe extern "C" fn(gnutls_buffer_t, *mut gnutls_ext_priv_data_t) -> c_int>;
/// Called by `gnutls_ext_raw_parse` for each extension: the context, the
/// extension type, its body (valid during the call) and its length.
/// Returns 0 to go on, or a negative code that stops the parse.
#[allow(non_camel_case_types)]
pub type gnutls_ext_raw_process_func =
    Option<unsafe extern "C" fn(*mut c_void, c_uint, *const c_uchar, c_uint) -> c_int>;

/// The code of the message being handled, for `gnutls_ext_get_current_msg`.
fn message_code(message: ExtensionMessage) -> c_uint {
    match message {
        ExtensionMessage::ClientHello => GNUTLS_EXT_FLAG_CLIENT_HELLO,
        ExtensionMessage::EncryptedExtensions => GNUTLS_EXT_FLAG_EE,
        ExtensionMessage::HelloRetryRequest => GNUTLS_EXT_FLAG_HRR,
    }
}

/// A registered extension: the application's functions and its session.
struct CExtension {
    session: gnutls_session_t,
    ty: u16,
    flags: c_uint,
    recv: gnutls_ext_recv_func,
    send: gnutls_ext_send_func,
}

// SAFETY: a session is used by one thread at a time (GnuTLS's rule); the
// functions only run inside calls on their session.
unsafe impl Send for CExtension {}
// SAFETY: as above: never called from two threads at once.
unsafe impl Sync for CExtension {}

impl CExtension {
    /// Runs `f` with the session marked as in a callback and the current
    /// message set.
    fn in_callback<R>(&self, message: ExtensionMessage, f: impl FnOnce() -> R) -> R {
        // SAFETY: the session outlives its extensions (it holds them); only
        // the callback cells and the `in_hook` guard are touched, as the
        // session itself may be borrowed by the handshake calling us.
        unsafe {
            with_callbacks(self.session, |c| c.ext_msg.set(message_code(message)));
            let result = guarded(self.session, f);
            with_callbacks(self.session, |c| c.ext_msg.set(0));
            result
        }
    }
}

impl CustomExtension for CExtension {
    fn extension_type(&self) -> u16 {
        self.ty
    }

    fn unasked(&self) -> bool {
        self.flags & GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST != 0
    }

    fn send(&self, message: ExtensionMessage) -> Result<Option<Vec<u8>>, i32> {
        if self.flags & message_code(message) == 0 {
            return Ok(None);
        }
        let Some(send) = self.send else {
            return Ok(None);
        };
        let mut buffer = gnutls_buffer_st::default();
        // SAFETY: the application's send function, with its session and a
        // buffer that lives through the call.
        let code = self.in_callback(message, || unsafe { send(self.session, &mut buffer) });
        match code {
            gn::GNUTLS_E_INT_RET_0 => Ok(Some(Vec::new())),
            c if c < 0 => Err(c),
            _ if buffer.data.is_empty() => Ok(None),
            _ => Ok(Some(buffer.data)),
        }
    }

    fn receive(&self, message: ExtensionMessage, body: &[u8]) -> Result<(), i32> {
        if self.flags & message_code(message) == 0 {
            return Ok(());
        }
        let Some(recv) = self.recv else {
            return Ok(());
        };
        // SAFETY: the application's receive function, with its session and
        // the body, which lives through the call.
        let code = self.in_callback(message, || unsafe {
            recv(self.session, body.as_ptr(), body.len())
        });
        if code < 0 { Err(code) } else { Ok(()) }
    }
}

/// Registers an extension for this session's next handshake: `type` is
/// its code point; `recv_func` gets the peer's body, `send_func` appends
/// ours. `flags` say where it goes: with `GNUTLS_EXT_FLAG_CLIENT_HELLO` a
/// client sends it in its ClientHello and a server receives it there (in
/// each ClientHello); with `GNUTLS_EXT_FLAG_HRR` or `GNUTLS_EXT_FLAG_EE` a
/// server answers in a HelloRetryRequest or EncryptedExtensions (only to a
/// client that sent it, unless `GNUTLS_EXT_FLAG_IGNORE_CLIENT_REQUEST`) and
/// the client receives it there. No placement flag means ClientHello and
/// EncryptedExtensions, as in GnuTLS. stepup speaks TLS 1.3 only, so the
/// TLS 1.2 ServerHello placement is never used, the TLS 1.3 ServerHello one
/// is not supported (nothing is sent there), and an extension for DTLS
/// only is inert. `name` and `parse_point` are not used;
/// `deinit_func`, `pack_func` and `unpack_func` are never called (stepup
/// keeps no extension data and resumes no sessions). The pointers are
/// stored, not owned.
///
/// Returns 0; `GNUTLS_E_ALREADY_REGISTERED` for a type registered already
/// or implemented by GnuTLS itself (unless `GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL`
/// and the type is one stepup lets the application take over, see there);
/// `GNUTLS_E_INVALID_REQUEST` for a
/// type above 65535, a NULL session, or a session whose handshake started.
///
/// # Safety
/// `session` is NULL or live; the functions, if not NULL, stay callable
/// while the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_ext_register(
    session: gnutls_session_t,
    name: *const c_char,
    r#type: c_int,
    parse_point: gnutls_ext_parse_type_t,
    recv_func: gnutls_ext_recv_func,
    send_func: gnutls_ext_send_func,
    deinit_func: gnutls_ext_deinit_data_func,
    pack_func: gnutls_ext_pack_func,
    unpack_func: gnutls_ext_unpack_func,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (name, parse_point, deinit_func, pack_func, unpack_func);
        let ty = u16::try_from(r#type).map_err(|_| CallError::Invalid("type"))?;
        let dtls_only = flags & GNUTLS_EXT_FLAG_DTLS != 0 && flags & GNUTLS_EXT_FLAG_TLS == 0;
        let placements = GNUTLS_EXT_FLAG_CLIENT_HELLO
            | GNUTLS_EXT_FLAG_TLS12_SERVER_HELLO
            | GNUTLS_EXT_FLAG_TLS13_SERVER_HELLO
            | GNUTLS_EXT_FLAG_EE
            | GNUTLS_EXT_FLAG_HRR;
        let flags = if flags & placements == 0 {
            flags | GNUTLS_EXT_FLAG_CLIENT_HELLO | GNUTLS_EXT_FLAG_EE
        } else {
            flags
        };
        let override_internal = flags & GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL != 0;
        let extension = CExtension {
            session,
            ty,
            flags: if dtls_only { 0 } else { flags },
            recv: recv_func,
            send: send_func,
        };
        // SAFETY: NULL or live.
        unsafe {
            with_session(session, |s| {
                s.register_extension(Arc::new(extension), override_internal)
            })
        }??;
        Ok(0)
    })
}

/// From inside an extension's send or receive function: the message being
/// built or read, `GNUTLS_EXT_FLAG_CLIENT_HELLO` or `GNUTLS_EXT_FLAG_EE`;
/// 0 elsewhere or for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ext_get_current_msg(session: gnutls_session_t) -> c_uint {
    boundary::gnutls_or(0, || {
        // SAFETY: NULL or live; reads a cell only (works inside callbacks).
        let msg = unsafe { with_callbacks(session, |c| c.ext_msg.get()) };
        Ok(msg.unwrap_or(0))
    })
}

/// Calls `cb` with `ctx` for each extension in `data`, in order: the data
/// is an extension block (two-byte length, then extensions), or with
/// `GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO` (or `_DTLS_CLIENT_HELLO`) a
/// ClientHello body without its handshake header. Nothing is kept.
///
/// Returns 0; the first negative return of `cb`;
/// `GNUTLS_E_UNEXPECTED_EXTENSIONS_LENGTH` when the lengths do not add up;
/// `GNUTLS_E_UNEXPECTED_PACKET_LENGTH` for a ClientHello cut short;
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` for a ClientHello without
/// extensions; `GNUTLS_E_INVALID_REQUEST` for NULL `cb` or `data`.
///
/// # Safety
/// `data` is NULL or a datum valid for its size; `cb`, if not NULL, is
/// safe to call with `ctx`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ext_raw_parse(
    ctx: *mut c_void,
    cb: gnutls_ext_raw_process_func,
    data: *const gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let cb = cb.ok_or(CallError::Null("cb"))?;
        // SAFETY: NULL or a valid datum by the caller's promise.
        let datum = unsafe { data.as_ref() }.ok_or(CallError::Null("data"))?;
        let len = usize::try_from(datum.size).map_err(|_| CallError::Length("data"))?;
        // SAFETY: valid for its size by the caller's promise.
        let bytes = unsafe { args::bytes(datum.data.cast(), len, "data") }?;
        let input = if flags & GNUTLS_EXT_RAW_FLAG_DTLS_CLIENT_HELLO != 0 {
            RawInput::DtlsClientHello
        } else if flags & GNUTLS_EXT_RAW_FLAG_TLS_CLIENT_HELLO != 0 {
            RawInput::TlsClientHello
        } else {
            RawInput::Block
        };
        let extensions = match parse(bytes, input) {
            Ok(list) => list,
            Err(RawParseError::ExtensionsLength) => {
                return Ok(gn::GNUTLS_E_UNEXPECTED_EXTENSIONS_LENGTH);
            }
            Err(RawParseError::PacketLength) => return Ok(gn::GNUTLS_E_UNEXPECTED_PACKET_LENGTH),
            Err(RawParseError::NoExtensions) => {
                return Ok(gn::GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE);
            }
        };
        for (ty, body) in extensions {
            let size = c_uint::try_from(body.len()).map_err(|_| CallError::Length("data"))?;
            // SAFETY: the application's function with its context and a body
            // inside `data`, valid through the call.
            let code = unsafe { cb(ctx, c_uint::from(ty), body.as_ptr(), size) };
            if code < 0 {
                return Ok(code);
            }
        }
        Ok(0)
    })
}
