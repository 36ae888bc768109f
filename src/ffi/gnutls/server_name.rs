//! `gnutls_server_name_get`: the server name (SNI) of a session.

use std::ffi::{c_int, c_uint, c_void};

use super::session::{gnutls_session_t, with_session};
use super::types::GNUTLS_NAME_DNS;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;

/// (Server) The server name at index `indx` (only index 0 exists): the DNS
/// name the client sent.
///
/// `*data_length` holds the size of `data` on entry. When the name and its
/// terminating NUL fit, copies them to `data`, writes the name's length
/// (without the NUL) to `*data_length` and `GNUTLS_NAME_DNS` to `*type`, and
/// returns 0. Otherwise returns `GNUTLS_E_SHORT_MEMORY_BUFFER` with the size
/// needed (NUL included) in `*data_length`. Returns
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` when there is no such name, and
/// `GNUTLS_E_INVALID_REQUEST` on a client session (as GnuTLS 3.7) or for
/// NULL `session`, `data_length` or `type`.
///
/// # Safety
/// `session` is NULL or live; `data_length` and `type` are NULL or valid
/// for reads and writes; `data` is NULL or writable for `*data_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_server_name_get(
    session: gnutls_session_t,
    data: *mut c_void,
    data_length: *mut usize,
    r#type: *mut c_uint,
    indx: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(data_length, "data_length")?;
        args::out_param(r#type, "type")?;
        // SAFETY: NULL or live, by the caller's promise.
        let name = unsafe {
            with_session(session, |s| {
                s.received_server_name().map(|n| n.map(str::to_owned))
            })
        }??;
        let name = name
            .filter(|_| indx == 0)
            .ok_or(Error::RequestedDataNotAvailable)?;
        // SAFETY: checked non-NULL; readable by the caller's promise.
        let room = unsafe { data_length.read() };
        let needed = name.len() + 1;
        if room < needed {
            // SAFETY: checked non-NULL; writable by the caller's promise.
            unsafe { data_length.write(needed) };
            return Err(Error::ShortMemoryBuffer.into());
        }
        // SAFETY: writable for `room` bytes by the caller's promise.
        let buf = unsafe { args::bytes_mut(data, needed, "data") }?;
        let (text, nul) = buf.split_at_mut(name.len());
        text.copy_from_slice(name.as_bytes());
        nul.fill(0);
        // SAFETY: both checked non-NULL; writable by the caller's promise.
        unsafe {
            data_length.write(name.len());
            r#type.write(c_uint::try_from(GNUTLS_NAME_DNS).unwrap_or(1));
        }
        Ok(0)
    })
}
