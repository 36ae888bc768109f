//! Application-Layer Protocol Negotiation (RFC 7301):
//! `gnutls_alpn_set_protocols` and `gnutls_alpn_get_selected_protocol`.

use std::ffi::{c_int, c_uint};

use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};

/// `flags` of `gnutls_alpn_set_protocols` (GnuTLS's enumeration, as an integer).
#[allow(non_camel_case_types)]
pub type gnutls_alpn_flags_t = c_uint;
/// Fail the handshake when no protocol is common: a server fails it with
/// `GNUTLS_E_NO_APPLICATION_PROTOCOL` when the client offered ALPN; a
/// client fails when the server selected none.
pub const GNUTLS_ALPN_MANDATORY: gnutls_alpn_flags_t = 1;
/// (Server) Choose by the server's order of preference, not the client's.
pub const GNUTLS_ALPN_SERVER_PRECEDENCE: gnutls_alpn_flags_t = 1 << 1;

/// Sets the protocols to offer (client) or accept (server), most preferred
/// first, for the next handshake. `protocols` is an array of
/// `protocols_size` datums, copied: the caller keeps ownership. At most 8
/// protocols of at most 31 bytes each, as in GnuTLS; empty names are
/// skipped. `flags`: `GNUTLS_ALPN_MANDATORY`, `GNUTLS_ALPN_SERVER_PRECEDENCE`
/// (a server follows the client's order without it, as GnuTLS does).
///
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL session, a NULL
/// array with a non-zero size, too many protocols or a name too long.
///
/// # Safety
/// `session` is NULL or live; `protocols` is NULL or valid for
/// `protocols_size` datums, each valid for its `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_alpn_set_protocols(
    session: gnutls_session_t,
    protocols: *const gnutls_datum_t,
    protocols_size: c_uint,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let count = usize::try_from(protocols_size).map_err(|_| CallError::Length("protocols"))?;
        let list: &[gnutls_datum_t] = if count == 0 {
            &[]
        } else if protocols.is_null() {
            return Err(CallError::Null("protocols"));
        } else {
            // SAFETY: non-NULL and valid for `count` datums by the caller's promise.
            unsafe { std::slice::from_raw_parts(protocols, count) }
        };
        let mut names = Vec::with_capacity(list.len());
        for datum in list {
            let len = usize::try_from(datum.size).map_err(|_| CallError::Length("protocols"))?;
            // SAFETY: each datum is valid for its size by the caller's promise.
            names.push(unsafe { args::bytes(datum.data.cast(), len, "protocols") }?);
        }
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_alpn_protocols(&names, flags)) }??;
        Ok(0)
    })
}

/// Writes the protocol the handshake selected to `*protocol`. The bytes
/// belong to the session (valid until `gnutls_deinit`; do not free them)
/// and are not NUL-terminated.
///
/// Returns 0; `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` before the handshake
/// or when no protocol was selected; `GNUTLS_E_INVALID_REQUEST` for NULL
/// arguments.
///
/// # Safety
/// `session` is NULL or live; `protocol` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_alpn_get_selected_protocol(
    session: gnutls_session_t,
    protocol: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(protocol, "protocol")?;
        // SAFETY: NULL or live; the pointer stays valid while the
        // connection lives (its negotiated ALPN never changes).
        let datum = unsafe {
            with_session(session, |s| {
                s.alpn_selected().map(|p| gnutls_datum_t {
                    data: p.as_ptr().cast_mut(),
                    size: c_uint::try_from(p.len()).unwrap_or(0),
                })
            })
        }??;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { protocol.write(datum) };
        Ok(0)
    })
}
