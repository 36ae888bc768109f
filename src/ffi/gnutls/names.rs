//! Names of algorithms, protocols and alerts, and what a session
//! negotiated: `gnutls_*_get_name`, `gnutls_*_get`, `gnutls_alert_get`,
//! `gnutls_session_get_desc`. Every name string is static and GnuTLS's own.

use std::ffi::{CStr, c_char};

use super::enums::*;
use super::session::{gnutls_session_t, with_session};
use super::types::{gnutls_cipher_algorithm_t, gnutls_protocol_t};
use crate::ffi::{args, boundary};
use crate::gnutls::names;

fn name_ptr(name: Option<&'static CStr>) -> *const c_char {
    name.map_or(std::ptr::null(), CStr::as_ptr)
}

/// The name of protocol `version` ("TLS1.3", "TLS1.2", ...), or NULL for an
/// unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_protocol_get_name(version: gnutls_protocol_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::protocol(version))))
}

/// The name of cipher `algorithm` ("AES-256-GCM", ...), or NULL for an
/// unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_get_name(algorithm: gnutls_cipher_algorithm_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::cipher(algorithm))))
}

/// The name of MAC `algorithm` ("AEAD", "SHA256", ...), or NULL for an
/// unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_mac_get_name(algorithm: gnutls_mac_algorithm_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::mac(algorithm))))
}

/// The name of hash `algorithm` ("SHA256", "SHA384", ...), or NULL for an
/// unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_digest_get_name(algorithm: gnutls_digest_algorithm_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::digest(algorithm))))
}

/// The name of signature `algorithm` ("ECDSA-SECP256R1-SHA256",
/// "RSA-PSS-RSAE-SHA256", "EdDSA-Ed25519", ...), or NULL for an unknown
/// value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_sign_get_name(algorithm: gnutls_sign_algorithm_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::sign(algorithm))))
}

/// The name of `group` ("X25519", "SECP256R1", ...), or NULL for an unknown
/// value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_group_get_name(group: gnutls_group_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::group(group))))
}

/// The name of key exchange `algorithm` ("ECDHE-RSA", ...), or NULL for an
/// unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_kx_get_name(algorithm: gnutls_kx_algorithm_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::kx(algorithm))))
}

/// GnuTLS's description of `alert` ("Close notify", "Certificate is
/// required", ...), or NULL for an unknown value. The string is static:
/// never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_alert_get_name(alert: gnutls_alert_description_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::alert(alert))))
}

/// The group of the session's key exchange (`GNUTLS_GROUP_X25519`, ...), or
/// 0 (`GNUTLS_GROUP_INVALID`) before one was chosen;
/// `GNUTLS_E_INVALID_REQUEST` for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_group_get(session: gnutls_session_t) -> gnutls_group_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.group()) }
    })
}

/// The session's key exchange: under TLS 1.2 `GNUTLS_KX_ECDHE_ECDSA` or
/// `GNUTLS_KX_ECDHE_RSA` by the suite; `GNUTLS_KX_ECDHE_RSA` for a TLS 1.3
/// certificate handshake, as GnuTLS reports it whatever the key type; 0
/// before the key exchange; `GNUTLS_E_INVALID_REQUEST` for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_kx_get(session: gnutls_session_t) -> gnutls_kx_algorithm_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.kx()) }
    })
}

/// The session's MAC: `GNUTLS_MAC_AEAD` (every cipher stepup negotiates,
/// TLS 1.2's too, is an AEAD);
/// 0 before the handshake chose a cipher; `GNUTLS_E_INVALID_REQUEST` for a
/// NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_mac_get(session: gnutls_session_t) -> gnutls_mac_algorithm_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.mac()) }
    })
}

/// The signature algorithm of the server's handshake signature
/// (`GNUTLS_SIGN_ECDSA_SECP256R1_SHA256`, ...), `GNUTLS_SIGN_UNKNOWN` (0)
/// before it is known. Returns `GNUTLS_E_INVALID_REQUEST` for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_sign_algorithm_get(session: gnutls_session_t) -> std::ffi::c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.sign()) }
    })
}

/// The signature algorithm of the client's last CertificateVerify (in the
/// handshake or a post-handshake authentication; sent by this client or
/// verified by this server), `GNUTLS_SIGN_UNKNOWN` (0) when the client
/// signed nothing. Returns `GNUTLS_E_INVALID_REQUEST` for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_sign_algorithm_get_client(
    session: gnutls_session_t,
) -> std::ffi::c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.client_sign()) }
    })
}

/// The certificate type in use: always `GNUTLS_CRT_X509` (stepup speaks
/// X.509 only); 0 for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_type_get(
    session: gnutls_session_t,
) -> gnutls_certificate_type_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let live = unsafe { args::object(session.cast_const(), "session") }.is_ok();
        Ok(if live { GNUTLS_CRT_X509 } else { 0 })
    })
}

/// The certificate type `target` (`GNUTLS_CTYPE_CLIENT`, `_SERVER`,
/// `_OURS` or `_PEERS`) uses: always `GNUTLS_CRT_X509` (stepup speaks
/// X.509 only); 0 for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_type_get2(
    session: gnutls_session_t,
    target: gnutls_ctype_target_t,
) -> gnutls_certificate_type_t {
    let _ = target;
    // SAFETY: forwarded promise.
    unsafe { gnutls_certificate_type_get(session) }
}

/// The name of certificate type `type` ("X.509" or "Raw Public Key"), or NULL for
/// another value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_certificate_type_get_name(
    r#type: gnutls_certificate_type_t,
) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(names::certificate_type(r#type))))
}

/// The certificate type named `name` (case-insensitive: "X.509" or "X509",
/// "RAWPK"), or `GNUTLS_CRT_UNKNOWN` (0) for another or a NULL name.
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_type_get_id(
    name: *const c_char,
) -> gnutls_certificate_type_t {
    boundary::gnutls_or(0, || {
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let name = unsafe { args::cstr(name, "name") }?;
        Ok(names::certificate_type_id(&name.to_string_lossy()))
    })
}

/// The last alert the peer sent (after a `GNUTLS_E_WARNING_ALERT_RECEIVED`
/// or `GNUTLS_E_FATAL_ALERT_RECEIVED`, or a closed session); 0
/// (`GNUTLS_A_CLOSE_NOTIFY`) when none was received, as in GnuTLS, and for a
/// NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_alert_get(session: gnutls_session_t) -> gnutls_alert_description_t {
    boundary::gnutls(|| {
        if session.is_null() {
            return Ok(0);
        }
        // SAFETY: live, by the caller's promise.
        let alert = unsafe { with_session(session, |s| s.last_alert()) }?;
        Ok(gnutls_alert_description_t::from(alert))
    })
}

/// A description of the session's parameters, as GnuTLS 3.7 formats it:
/// "(TLS1.3)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)".
///
/// Returns a new string the caller frees with `gnutls_free`, or NULL before
/// the handshake completed, for a NULL session, or when memory runs out.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_desc(session: gnutls_session_t) -> *mut c_char {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let desc = unsafe { with_session(session, |s| s.description()) }?;
        match desc {
            Some(text) => args::malloc_string(&text),
            None => Ok(std::ptr::null_mut()),
        }
    })
}
