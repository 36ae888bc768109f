//! Curves, signature algorithms and the algorithm lists:
//! `gnutls_ecc_curve_*`, `gnutls_sign_get_hash_algorithm`,
//! `gnutls_sign_get_pk_algorithm` and `gnutls_*_list`. The facts are
//! GnuTLS's for every value; the lists name what stepup supports.

use std::ffi::{CStr, c_char, c_int};

use super::enums::{
    gnutls_certificate_type_t, gnutls_digest_algorithm_t, gnutls_group_t, gnutls_kx_algorithm_t,
    gnutls_mac_algorithm_t, gnutls_sign_algorithm_t,
};
use super::retrieve::gnutls_pk_algorithm_t;
use super::session::{gnutls_session_t, with_session};
use super::types::{gnutls_cipher_algorithm_t, gnutls_protocol_t};
use crate::ffi::{args, boundary};
use crate::gnutls::algorithm_info::{self as info, lists};

/// An elliptic curve (`GNUTLS_ECC_CURVE_SECP256R1`, ...).
#[allow(non_camel_case_types)]
pub type gnutls_ecc_curve_t = c_int;

fn name_ptr(name: Option<&'static CStr>) -> *const c_char {
    name.map_or(std::ptr::null(), CStr::as_ptr)
}

/// The name of `curve` ("SECP256R1", "X25519", "Ed25519", ...), or NULL for
/// an unknown value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_ecc_curve_get_name(curve: gnutls_ecc_curve_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(info::curve_name(curve))))
}

/// The OID of `curve` in dotted form, or NULL for an unknown value. The
/// string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_ecc_curve_get_oid(curve: gnutls_ecc_curve_t) -> *const c_char {
    boundary::gnutls(|| Ok(name_ptr(info::curve_oid(curve))))
}

/// The size of `curve`'s elements in bytes, 0 for an unknown value.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_ecc_curve_get_size(curve: gnutls_ecc_curve_t) -> c_int {
    boundary::gnutls(|| Ok(info::curve_size(curve)))
}

/// The public-key algorithm of `curve` (`GNUTLS_PK_ECDSA`,
/// `GNUTLS_PK_ECDH_X25519`, `GNUTLS_PK_EDDSA_ED25519`, ...), or
/// `GNUTLS_PK_UNKNOWN` (0).
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_ecc_curve_get_pk(curve: gnutls_ecc_curve_t) -> gnutls_pk_algorithm_t {
    boundary::gnutls(|| Ok(info::curve_pk(curve)))
}

/// The curve named `name` (any case) if stepup supports it (see
/// `gnutls_ecc_curve_list`), else `GNUTLS_ECC_CURVE_INVALID` (0), as GnuTLS
/// answers for a curve it does not support or a NULL name.
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ecc_curve_get_id(name: *const c_char) -> gnutls_ecc_curve_t {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        Ok(unsafe { args::optional_cstr(name) }.map_or(0, |n| info::curve_id(n.to_bytes())))
    })
}

/// The curve of the session's key exchange (`GNUTLS_ECC_CURVE_X25519`,
/// `_SECP256R1`, `_SECP384R1`), or `GNUTLS_ECC_CURVE_INVALID` (0) before
/// one is chosen or for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ecc_curve_get(session: gnutls_session_t) -> gnutls_ecc_curve_t {
    boundary::gnutls_or(0, || {
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| info::curve_of_group(s.group())) }
    })
}

/// The hash algorithm of signature algorithm `sign` (`GNUTLS_DIG_SHA256`,
/// ...), or `GNUTLS_DIG_UNKNOWN` (0) for an unknown value or one without a
/// hash.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_sign_get_hash_algorithm(
    sign: gnutls_sign_algorithm_t,
) -> gnutls_digest_algorithm_t {
    boundary::gnutls(|| Ok(info::sign_hash(sign)))
}

/// The public-key algorithm of signature algorithm `sign`
/// (`GNUTLS_PK_RSA`, `GNUTLS_PK_ECDSA`, ...), or `GNUTLS_PK_UNKNOWN` (0).
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_sign_get_pk_algorithm(
    sign: gnutls_sign_algorithm_t,
) -> gnutls_pk_algorithm_t {
    boundary::gnutls(|| Ok(info::sign_pk(sign)))
}

/// The elliptic curves stepup supports (SECP256R1, SECP384R1, X25519,
/// Ed25519), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_ecc_curve_list() -> *const gnutls_ecc_curve_t {
    info::CURVE_LIST.as_ptr()
}

/// The protocol versions stepup supports (TLS 1.3), a static array ended
/// by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_protocol_list() -> *const gnutls_protocol_t {
    lists::PROTOCOLS.as_ptr()
}

/// The ciphers stepup supports (AES-256-GCM, ChaCha20-Poly1305,
/// AES-128-GCM), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_list() -> *const gnutls_cipher_algorithm_t {
    lists::CIPHERS.as_ptr()
}

/// The MAC algorithms stepup supports (HMAC with SHA-1 and SHA-2, and
/// AEAD), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_mac_list() -> *const gnutls_mac_algorithm_t {
    lists::MACS.as_ptr()
}

/// The hash algorithms stepup supports (SHA-1, SHA-256, SHA-384, SHA-512),
/// a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_digest_list() -> *const gnutls_digest_algorithm_t {
    lists::DIGESTS.as_ptr()
}

/// The key exchanges stepup supports (ECDHE with certificates, PSK, ECDHE
/// with PSK), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_kx_list() -> *const gnutls_kx_algorithm_t {
    lists::KX.as_ptr()
}

/// The key exchange groups stepup supports (X25519, SECP256R1,
/// SECP384R1), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_group_list() -> *const gnutls_group_t {
    lists::GROUPS.as_ptr()
}

/// The public-key algorithms stepup supports (RSA, ECDSA, RSA-PSS,
/// Ed25519), a static array ended by 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_pk_list() -> *const gnutls_pk_algorithm_t {
    lists::PKS.as_ptr()
}

/// The signature algorithms stepup supports, a static array ended by 0:
/// never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_sign_list() -> *const gnutls_sign_algorithm_t {
    lists::SIGNS.as_ptr()
}

/// The certificate types stepup supports (X.509), a static array ended by
/// 0: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_certificate_type_list() -> *const gnutls_certificate_type_t {
    lists::CERTIFICATE_TYPES.as_ptr()
}
