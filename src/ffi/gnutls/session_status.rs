//! What programs print about a session besides its suite: the kind of
//! authentication, the TLS 1.2-era options (renegotiation, EtM), OCSP and
//! SRTP status, whether a certificate was requested.

use std::ffi::{c_char, c_int, c_uint};

use super::session::{gnutls_session_t, with_session};
use super::types::{gnutls_datum_t, gnutls_srtp_profile_t};
use crate::ffi::{args, boundary};
use crate::gnutls::Error;

/// How the peer authenticated: `GNUTLS_CRD_CERTIFICATE`, or
/// `GNUTLS_CRD_PSK` after a handshake with an external PSK; 0 before the
/// handshake completed or for a NULL session.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_auth_get_type(session: gnutls_session_t) -> c_int {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || unsafe { with_session(session, |s| s.auth_type()) })
}

/// The server's authentication type; as `gnutls_auth_get_type` (TLS 1.3
/// authenticates both sides the same way).
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_auth_server_get_type(session: gnutls_session_t) -> c_int {
    // SAFETY: forwarded promise.
    unsafe { gnutls_auth_get_type(session) }
}

/// The client's authentication type; as `gnutls_auth_get_type`.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_auth_client_get_type(session: gnutls_session_t) -> c_int {
    // SAFETY: forwarded promise.
    unsafe { gnutls_auth_get_type(session) }
}

/// Whether safe renegotiation (RFC 5746) is in use. Under TLS 1.2, 1 when
/// the peer signalled it (stepup never renegotiates). TLS 1.3 has no
/// renegotiation, but as GnuTLS 3.7 does, a server reports 1 when its
/// client offered it (renegotiation_info or the SCSV); a client reports 0,
/// as does a NULL session.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_safe_renegotiation_status(session: gnutls_session_t) -> c_uint {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || unsafe {
        with_session(session, |s| s.safe_renegotiation_status())
    })
}

/// Whether encrypt-then-MAC (RFC 7366) is in use: always 0 (TLS 1.3 uses
/// AEAD ciphers only).
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_etm_status(session: gnutls_session_t) -> c_uint {
    let _ = session;
    0
}

/// Whether the peer's OCSP status response was checked: always 0 (stepup
/// does not check OCSP responses).
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ocsp_status_request_is_checked(
    session: gnutls_session_t,
    flags: c_uint,
) -> c_uint {
    let _ = (session, flags);
    0
}

/// Writes the SRTP profile negotiated to `*profile`: stepup speaks TLS,
/// not DTLS, so there never is one: `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE`
/// (`*profile` untouched).
///
/// # Safety
/// `session` is NULL or live; `profile` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_srtp_get_selected_profile(
    session: gnutls_session_t,
    profile: *mut gnutls_srtp_profile_t,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (session, profile);
        Err(Error::RequestedDataNotAvailable.into())
    })
}

/// On a client: non-zero when the server asked for a certificate during
/// the handshake; 0 otherwise, on a server, or for a NULL session.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_client_get_request_status(
    session: gnutls_session_t,
) -> c_uint {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || unsafe {
        with_session(session, |s| c_uint::from(s.certificate_requested()))
    })
}

/// Whether `url` names a key or certificate location stepup can read:
/// stepup reads files only (no PKCS #11, TPM or system keys), so always 0.
///
/// # Safety
/// `url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_url_is_supported(url: *const c_char) -> c_uint {
    // SAFETY: NULL or NUL-terminated, by the caller's promise.
    let _ = unsafe { args::optional_cstr(url) };
    0
}

/// `gnutls_channel_binding_t`: a kind of channel binding.
#[allow(non_camel_case_types)]
pub type gnutls_channel_binding_t = c_int;
/// tls-unique (RFC 5929): not defined for TLS 1.3.
pub const GNUTLS_CB_TLS_UNIQUE: gnutls_channel_binding_t = 0;
/// tls-server-end-point (RFC 5929).
pub const GNUTLS_CB_TLS_SERVER_END_POINT: gnutls_channel_binding_t = 1;
/// tls-exporter (RFC 9266).
pub const GNUTLS_CB_TLS_EXPORTER: gnutls_channel_binding_t = 2;

/// Writes the session's channel binding of kind `cbtype` to `*cb`
/// (`cb->data` allocated; free it with `gnutls_free`):
/// `GNUTLS_CB_TLS_SERVER_END_POINT`, a digest of the server's certificate
/// with its signature's hash (SHA-256 for MD5 and SHA-1);
/// `GNUTLS_CB_TLS_EXPORTER`, 32 bytes exported with the label
/// "EXPORTER-Channel-Binding" and an empty context. Returns 0;
/// `GNUTLS_CB_TLS_UNIQUE` (TLS 1.2 only), the first Finished message's
/// verify_data; `GNUTLS_E_CHANNEL_BINDING_NOT_AVAILABLE` before the
/// handshake completed and for `GNUTLS_CB_TLS_UNIQUE` under TLS 1.3;
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE` for another kind, without a server
/// certificate, or for a signature hash stepup does not compute;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments. `*cb` is written only on
/// success.
///
/// # Safety
/// `session` is NULL or live; `cb` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_channel_binding(
    session: gnutls_session_t,
    cbtype: gnutls_channel_binding_t,
    cb: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(cb, "cb")?;
        // SAFETY: NULL or live.
        let binding = unsafe { with_session(session, |s| s.channel_binding(cbtype)) }??;
        let out = gnutls_datum_t::malloc_bytes(&binding)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { cb.write(out) };
        Ok(0)
    })
}
