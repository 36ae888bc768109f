//! Finite-field Diffie-Hellman: parameter objects and the session getters.
//! stepup speaks TLS 1.3 only, whose key exchange uses named groups (RFC
//! 8446 §4.2.7) and never server-chosen DH parameters. Parameters are
//! parsed (so bad input fails as in GnuTLS) and otherwise unused, as GnuTLS
//! ignores them in TLS 1.3; the getters report what GnuTLS reports for a
//! TLS 1.3 session: no DH values.

use std::ffi::{c_int, c_uint};

use super::credentials::{datum, gnutls_certificate_credentials_t};
use super::session::{gnutls_session_t, with_session};
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::dh::DhParams;

/// Diffie-Hellman parameters (opaque); empty until imported.
#[allow(non_camel_case_types)]
pub struct gnutls_dh_params_int {
    params: Option<DhParams>,
}

/// A DH parameters handle.
#[allow(non_camel_case_types)]
pub type gnutls_dh_params_t = *mut gnutls_dh_params_int;

/// Creates an empty parameters object and writes it to `*dh_params`; free
/// it with `gnutls_dh_params_deinit`. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for a NULL `dh_params`.
///
/// # Safety
/// `dh_params` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_params_init(dh_params: *mut gnutls_dh_params_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dh_params, "dh_params")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(dh_params, gnutls_dh_params_int { params: None }) };
        Ok(0)
    })
}

/// Frees a parameters object. NULL is ignored.
///
/// # Safety
/// `dh_params` is NULL or from this library, not used again (credentials
/// it was given to keep nothing of it).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_params_deinit(dh_params: gnutls_dh_params_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(dh_params) };
        Ok(())
    })
}

/// Imports PKCS#3 DHParameter (`GNUTLS_X509_FMT_DER`, or
/// `GNUTLS_X509_FMT_PEM` with a "DH PARAMETERS" block) into `params`,
/// replacing what it held. Returns 0;
/// `GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR` when the PEM has no such
/// block; `GNUTLS_E_BASE64_DECODING_ERROR` for bad base64;
/// `GNUTLS_E_ASN1_DER_ERROR` for bad DER; `GNUTLS_E_INVALID_REQUEST` for
/// NULL arguments or another format. On failure `params` is left as it was.
/// (The parameters are never used: see `gnutls_certificate_set_dh_params`.)
///
/// # Safety
/// `params` is NULL or live; `pkcs3_params` is NULL or a datum holding
/// `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_params_import_pkcs3(
    params: gnutls_dh_params_t,
    pkcs3_params: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe {
            (
                args::object_mut(params, "params")?,
                datum(pkcs3_params, "pkcs3_params")?,
            )
        };
        handle.params = Some(DhParams::import_pkcs3(bytes, format)?);
        Ok(0)
    })
}

/// Accepts DH parameters for credentials. GnuTLS uses them only for
/// TLS 1.2 DHE key exchange; stepup negotiates TLS 1.3 only, so they are
/// not kept and nothing changes (a TLS 1.3 session uses named groups, set
/// with the priority string); a debug log line (level 2) says so.
///
/// # Safety
/// `res` is not read; `dh_params` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_dh_params(
    res: gnutls_certificate_credentials_t,
    dh_params: gnutls_dh_params_t,
) {
    boundary::gnutls(|| {
        let _ = res;
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(dh_params.cast_const(), "dh_params") }?;
        let bits = handle.params.as_ref().map_or(0, DhParams::prime_bits);
        crate::gnutls::log::log(2, || {
            format!("CRD: DH parameters ({bits} bits) ignored: TLS 1.3 uses named groups")
        });
        Ok(())
    })
}

/// `gnutls_sec_param_t`: a security level.
#[allow(non_camel_case_types)]
pub type gnutls_sec_param_t = c_int;
/// Unknown.
pub const GNUTLS_SEC_PARAM_UNKNOWN: gnutls_sec_param_t = 0;
/// Under 42 bits.
pub const GNUTLS_SEC_PARAM_INSECURE: gnutls_sec_param_t = 5;
/// 42 bits.
pub const GNUTLS_SEC_PARAM_EXPORT: gnutls_sec_param_t = 10;
/// 64 bits.
pub const GNUTLS_SEC_PARAM_VERY_WEAK: gnutls_sec_param_t = 15;
/// 72 bits.
pub const GNUTLS_SEC_PARAM_WEAK: gnutls_sec_param_t = 20;
/// 80 bits.
pub const GNUTLS_SEC_PARAM_LOW: gnutls_sec_param_t = 25;
/// 96 bits.
pub const GNUTLS_SEC_PARAM_LEGACY: gnutls_sec_param_t = 30;
/// 112 bits.
pub const GNUTLS_SEC_PARAM_MEDIUM: gnutls_sec_param_t = 35;
/// 128 bits.
pub const GNUTLS_SEC_PARAM_HIGH: gnutls_sec_param_t = 40;
/// 192 bits.
pub const GNUTLS_SEC_PARAM_ULTRA: gnutls_sec_param_t = 45;
/// 256 bits.
pub const GNUTLS_SEC_PARAM_FUTURE: gnutls_sec_param_t = 50;

/// Accepts GnuTLS's built-in DH parameters of the `sec_param` level for
/// the credentials. As with `gnutls_certificate_set_dh_params`, they serve
/// TLS 1.2 DHE only; stepup negotiates TLS 1.3 (named groups), so nothing
/// is kept. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for NULL credentials.
///
/// # Safety
/// `res` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_known_dh_params(
    res: gnutls_certificate_credentials_t,
    sec_param: gnutls_sec_param_t,
) -> c_int {
    // SAFETY: forwarded promise.
    unsafe { accept_known_params(res, sec_param) }
}

/// As `gnutls_certificate_set_known_dh_params`, for PSK server credentials.
///
/// # Safety
/// `res` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_server_known_dh_params(
    res: super::psk::gnutls_psk_server_credentials_t,
    sec_param: gnutls_sec_param_t,
) -> c_int {
    // SAFETY: forwarded promise.
    unsafe { accept_known_params(res, sec_param) }
}

/// As `gnutls_certificate_set_known_dh_params`, for anonymous server
/// credentials.
///
/// # Safety
/// `res` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_anon_set_server_known_dh_params(
    res: super::anon::gnutls_anon_server_credentials_t,
    sec_param: gnutls_sec_param_t,
) -> c_int {
    // SAFETY: forwarded promise.
    unsafe { accept_known_params(res, sec_param) }
}

/// The answer of the `*_set_known_dh_params` functions: NULL credentials
/// are refused; otherwise the parameters are logged as ignored.
///
/// # Safety
/// `res` is NULL or live credentials.
unsafe fn accept_known_params<T>(res: *mut T, sec_param: gnutls_sec_param_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { args::object(res.cast_const(), "res") }?;
        crate::gnutls::log::log(2, || {
            format!(
                "CRD: known DH parameters (level {sec_param}) ignored: TLS 1.3 uses named groups"
            )
        });
        Ok(0)
    })
}

/// Sets the smallest DH prime a client accepts in a TLS 1.2 DHE exchange.
/// stepup negotiates TLS 1.3 only (named groups), so this changes nothing.
///
/// # Safety
/// Any arguments; none is read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_set_prime_bits(session: gnutls_session_t, bits: c_uint) {
    let _ = (session, bits);
}

/// Whether the session is far enough for GnuTLS's DH getters to answer
/// (a key exchange was negotiated); `GNUTLS_E_INVALID_REQUEST` otherwise.
///
/// # Safety
/// `session` is NULL or live.
unsafe fn negotiated(session: gnutls_session_t) -> Result<(), CallError> {
    // SAFETY: forwarded promise.
    match unsafe { with_session(session, |s| s.protocol()) }? {
        0 => Err(Error::InvalidRequest.into()),
        _ => Ok(()),
    }
}

/// Writes an empty datum (NULL, 0) to a non-NULL `out`.
///
/// # Safety
/// `out` is NULL or writable.
unsafe fn empty(out: *mut gnutls_datum_t) {
    // SAFETY: NULL or writable, by the caller's promise.
    if let Some(out) = unsafe { out.as_mut() } {
        *out = gnutls_datum_t {
            data: std::ptr::null_mut(),
            size: 0,
        };
    }
}

/// The generator and prime of a DHE exchange. A TLS 1.3 session has none:
/// after the key exchange was negotiated, writes empty datums (NULL, 0;
/// nothing to free) and returns 0, as GnuTLS does for TLS 1.3; before it,
/// returns `GNUTLS_E_INVALID_REQUEST` and writes nothing.
///
/// # Safety
/// `session` is NULL or live; `raw_gen` and `raw_prime` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_get_group(
    session: gnutls_session_t,
    raw_gen: *mut gnutls_datum_t,
    raw_prime: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            negotiated(session)?;
            empty(raw_gen);
            empty(raw_prime);
        }
        Ok(0)
    })
}

/// The peer's DHE public value: as `gnutls_dh_get_group`, an empty datum
/// and 0 for a TLS 1.3 session, `GNUTLS_E_INVALID_REQUEST` before the key
/// exchange was negotiated.
///
/// # Safety
/// `session` is NULL or live; `raw_key` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_get_pubkey(
    session: gnutls_session_t,
    raw_key: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            negotiated(session)?;
            empty(raw_key);
        }
        Ok(0)
    })
}

/// The bits of the DHE prime: 0 for a TLS 1.3 session (no DHE), as GnuTLS
/// reports; `GNUTLS_E_INVALID_REQUEST` before the key exchange was negotiated.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_get_prime_bits(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        unsafe { negotiated(session) }?;
        Ok(0)
    })
}

/// The bits of our DHE secret: 0 for a TLS 1.3 session, as
/// `gnutls_dh_get_prime_bits`.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_dh_get_secret_bits(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        unsafe { negotiated(session) }?;
        Ok(0)
    })
}
