//! Verifying the peer: `gnutls_certificate_verify_peers3`,
//! `gnutls_certificate_verification_status_print`,
//! `gnutls_session_get_verify_cert_status`, and the credentials' verify
//! flags and verify function.

use std::ffi::{c_char, c_int, c_uint};
use std::sync::Arc;

use parking_lot::Mutex;

use super::credentials::gnutls_certificate_credentials_t;
use super::enums::gnutls_certificate_type_t;
use super::session::{gnutls_session_int, gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::{args, boundary};
use crate::gnutls::names;

/// The application's verify function: called with the session, returns 0
/// to go on or non-zero to fail.
pub(super) type VerifyFunction = unsafe extern "C" fn(session: *mut gnutls_session_int) -> c_int;

/// Where credentials keep their verify function, shared with the sessions
/// they are set on (so a function set later still applies).
pub(super) type VerifyCell = Arc<Mutex<Option<VerifyFunction>>>;

/// Sets the function called during the handshake once the peer's
/// certificate and its CertificateVerify signature checked out, before the
/// handshake completes (on a server, only when the client sent a
/// certificate), and again on a server when a client answers
/// `gnutls_reauth`. The function gets the session (it may call
/// `gnutls_certificate_verify_peers2/3`, `gnutls_certificate_get_peers`,
/// `gnutls_session_get_ptr`, ...); returning 0 lets the handshake go on,
/// non-zero fails it with `GNUTLS_E_CERTIFICATE_ERROR` and no alert is sent.
/// NULL removes the function. It applies to every session using `cred`,
/// including ones it was set on before this call; sessions whose handshake
/// already started keep the behaviour they started with.
///
/// # Safety
/// `cred` is NULL or live; `func` is NULL or safe to call with a session
/// during the calls named above.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_verify_function(
    cred: gnutls_certificate_credentials_t,
    func: Option<unsafe extern "C" fn(session: gnutls_session_t) -> c_int>,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(cred.cast_const(), "cred") }?;
        *handle.verify_function.lock() = func;
        handle.credentials.set_peer_check(func.is_some());
        Ok(())
    })
}

/// Sets the verification flags (`GNUTLS_VERIFY_*`) of the credentials,
/// used by `gnutls_certificate_verify_peers*` and
/// `gnutls_session_set_verify_cert` (which adds its own). Only
/// `GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES` changes anything: stepup's
/// verifier (rustls-webpki) has a fixed policy (CA signatures, validity
/// times and key usage always checked; no CRLs; no SHA-1, MD2 or MD5
/// signatures; wildcards as RFC 6125 allows), so the other flags are
/// accepted and have no effect. NULL `res` is ignored.
///
/// # Safety
/// `res` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_verify_flags(
    res: gnutls_certificate_credentials_t,
    flags: c_uint,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(res.cast_const(), "res") }?;
        handle.credentials.set_verify_flags(flags);
        Ok(())
    })
}

/// Verifies the peer's certificate chain against the credentials' trust
/// anchors and, when `hostname` is not NULL, that it names `hostname`,
/// writing the `GNUTLS_CERT_*` status bits to `*status` (0: trusted).
///
/// Returns 0 (the status says whether the peer is trusted);
/// `GNUTLS_E_NO_CERTIFICATE_FOUND` when the peer sent no certificate
/// (`*status` is not written); `GNUTLS_E_INVALID_REQUEST` for a NULL
/// `session` or `status`.
///
/// # Safety
/// `session` is NULL or live; `hostname` is NULL or NUL-terminated;
/// `status` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_verify_peers3(
    session: gnutls_session_t,
    hostname: *const c_char,
    status: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(status, "status")?;
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let hostname = unsafe { args::optional_utf8(hostname, "hostname") }?;
        // SAFETY: NULL or live, by the caller's promise.
        let bits = unsafe { with_session(session, |s| s.verify_peer(hostname, None)) }??;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { status.write(bits) };
        Ok(0)
    })
}

/// Describes the verification `status` bits in English, as GnuTLS does
/// ("The certificate is NOT trusted. The certificate issuer is unknown. ").
/// `type` is the certificate type (the text is that of X.509) and `flags`
/// must be 0.
///
/// On success writes to `*out` a NUL-terminated string (its length, without
/// the NUL, in `out->size`) that the caller frees with `gnutls_free`, and
/// returns 0; returns `GNUTLS_E_INVALID_REQUEST` for a NULL `out`, or
/// `GNUTLS_E_MEMORY_ERROR`. Nothing is written on failure.
///
/// # Safety
/// `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_verification_status_print(
    status: c_uint,
    r#type: gnutls_certificate_type_t,
    out: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (r#type, flags);
        args::out_param(out, "out")?;
        let datum = gnutls_datum_t::malloc_text(&names::status_text(status))?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { out.write(datum) };
        Ok(0)
    })
}

/// The verification status found during the handshake by the check that
/// `gnutls_session_set_verify_cert` asked for (0: trusted), or `UINT_MAX`
/// when no such check ran (or for a NULL session), as GnuTLS reports.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_verify_cert_status(
    session: gnutls_session_t,
) -> c_uint {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(c_uint::MAX, || unsafe {
        with_session(session, |s| s.verify_cert_status())
    })
}
