//! A certificate's key and summary: `gnutls_x509_crt_get_pk_algorithm`,
//! `_get_key_id`, `_print`, `gnutls_pubkey_get_key_id`, and the key
//! algorithm names (`gnutls_pk_algorithm_get_name`, `gnutls_pk_get_name`).

use std::ffi::{CStr, c_char, c_int, c_uint, c_void};

use super::abstract_key::gnutls_pubkey_t;
use super::types::gnutls_datum_t;
use super::x509::{certificate, gnutls_x509_crt_t};
use super::x509_fields::copy_out;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::pubkey::PublicKey;
use crate::gnutls::x509_print;

/// How `gnutls_x509_crt_print` formats: `GNUTLS_CRT_PRINT_FULL` (0),
/// `_ONELINE` (1), `_UNSIGNED_FULL` (2), `_COMPACT` (3), `_FULL_NUMBERS` (4).
#[allow(non_camel_case_types)]
pub type gnutls_certificate_print_formats_t = c_int;

/// Every field (`gnutls_x509_crt_print`; not supported).
pub const GNUTLS_CRT_PRINT_FULL: gnutls_certificate_print_formats_t = 0;
/// One line.
pub const GNUTLS_CRT_PRINT_ONELINE: gnutls_certificate_print_formats_t = 1;
/// Every field of an unsigned certificate (not supported).
pub const GNUTLS_CRT_PRINT_UNSIGNED_FULL: gnutls_certificate_print_formats_t = 2;
/// One line and the key identifiers.
pub const GNUTLS_CRT_PRINT_COMPACT: gnutls_certificate_print_formats_t = 3;
/// Every field with the key's numbers (not supported).
pub const GNUTLS_CRT_PRINT_FULL_NUMBERS: gnutls_certificate_print_formats_t = 4;

/// `gnutls_keyid_flags_t`: the digest of a key identifier.
#[allow(non_camel_case_types)]
pub type gnutls_keyid_flags_t = c_uint;
/// SHA-1 (the default).
pub const GNUTLS_KEYID_USE_SHA1: gnutls_keyid_flags_t = 0;
/// SHA-256.
pub const GNUTLS_KEYID_USE_SHA256: gnutls_keyid_flags_t = 1;
/// SHA-512.
pub const GNUTLS_KEYID_USE_SHA512: gnutls_keyid_flags_t = 1 << 1;
/// The best known (SHA-512).
pub const GNUTLS_KEYID_USE_BEST_KNOWN: gnutls_keyid_flags_t = 1 << 30;

/// The public key of a certificate handle.
///
/// # Safety
/// `cert` is NULL or live.
unsafe fn cert_key(cert: gnutls_x509_crt_t) -> Result<PublicKey, CallError> {
    // SAFETY: forwarded promise.
    let cert = unsafe { certificate(cert) }?;
    Ok(PublicKey::from_certificate(cert.der())?)
}

/// Returns the algorithm of the certificate's key (`GNUTLS_PK_RSA`,
/// `GNUTLS_PK_ECDSA`, `GNUTLS_PK_EDDSA_ED25519`, ...; `GNUTLS_PK_UNKNOWN`
/// for another) and, when `bits` is not NULL, writes its size in bits
/// there. `GNUTLS_E_INVALID_REQUEST` for a NULL or empty certificate.
///
/// # Safety
/// `cert` is NULL or live; `bits` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_pk_algorithm(
    cert: gnutls_x509_crt_t,
    bits: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        let (pk, size) = unsafe { cert_key(cert) }?.algorithm();
        if !bits.is_null() {
            // SAFETY: non-NULL; writable by the caller's promise.
            unsafe { bits.write(size) };
        }
        Ok(pk)
    })
}

/// Writes the certificate key's identifier (a digest of its
/// SubjectPublicKeyInfo: SHA-1, or with `GNUTLS_KEYID_USE_SHA256` in
/// `flags` SHA-256, with `_SHA512` or `_BEST_KNOWN` SHA-512) to
/// `output_data` (`*output_data_size` bytes; set to the length written).
/// Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER` with the size needed when it
/// does not fit; `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an empty
/// certificate.
///
/// # Safety
/// `crt` is NULL or live; `output_data_size` is NULL or readable and
/// writable; `output_data` is NULL or writable for `*output_data_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_key_id(
    crt: gnutls_x509_crt_t,
    flags: c_uint,
    output_data: *mut std::ffi::c_uchar,
    output_data_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let id = x509_print::key_id_with(cert_key(crt)?.spki(), flags);
            copy_out(&id, false, output_data.cast::<c_void>(), output_data_size)
        }
    })
}

/// As `gnutls_x509_crt_get_key_id`, for an abstract public key.
///
/// # Safety
/// `key` is NULL or live; the output as for `gnutls_x509_crt_get_key_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_get_key_id(
    key: gnutls_pubkey_t,
    flags: c_uint,
    output_data: *mut std::ffi::c_uchar,
    output_data_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let spki = super::abstract_key::public(key)?.spki().to_vec();
            let id = x509_print::key_id_with(&spki, flags);
            copy_out(&id, false, output_data.cast::<c_void>(), output_data_size)
        }
    })
}

/// Writes a summary of the certificate to `*out` (NUL-terminated, freed by
/// the caller with `gnutls_free`), as GnuTLS prints it:
/// `GNUTLS_CRT_PRINT_ONELINE` (subject, issuer, serial, key, signature,
/// validity, key pin) or `GNUTLS_CRT_PRINT_COMPACT` (that line and the key
/// identifiers). The full forms are not supported:
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE`, with `*out` set empty (`data` NULL,
/// `size` 0) so that a caller freeing `out->data` whatever the result frees
/// nothing. Returns 0 or a negative code (`GNUTLS_E_INVALID_REQUEST` for
/// NULL arguments or an empty certificate, `*out` untouched).
///
/// # Safety
/// `cert` is NULL or live; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_print(
    cert: gnutls_x509_crt_t,
    format: gnutls_certificate_print_formats_t,
    out: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(out, "out")?;
        // SAFETY: the caller's promise.
        let cert = unsafe { certificate(cert) }?;
        let text = match x509_print::print(cert, format) {
            Err(Error::Unimplemented) => {
                // SAFETY: checked non-NULL; writable by the caller's promise.
                unsafe { out.write(gnutls_datum_t::empty()) };
                return Err(Error::Unimplemented.into());
            }
            other => other?,
        };
        let datum = gnutls_datum_t::malloc_text(&text)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { out.write(datum) };
        Ok(0)
    })
}

fn static_name(name: &'static str) -> *const c_char {
    // The names are literals; each is looked up with its NUL below.
    match name {
        "RSA" => c"RSA",
        "DSA" => c"DSA",
        "EC/ECDSA" => c"EC/ECDSA",
        "ECDH (X25519)" => c"ECDH (X25519)",
        "RSA-PSS" => c"RSA-PSS",
        "EdDSA (Ed25519)" => c"EdDSA (Ed25519)",
        "GOST R 34.10-2001" => c"GOST R 34.10-2001",
        "GOST R 34.10-2012-256" => c"GOST R 34.10-2012-256",
        "GOST R 34.10-2012-512" => c"GOST R 34.10-2012-512",
        "ECDH (X448)" => c"ECDH (X448)",
        "EdDSA (Ed448)" => c"EdDSA (Ed448)",
        "DH" => c"DH",
        _ => c"GOST R 34.10-94",
    }
    .as_ptr()
}

/// The name of key algorithm `algorithm` ("RSA", "EC/ECDSA",
/// "EdDSA (Ed25519)", ...; as in GnuTLS, "GOST R 34.10-94" for
/// `GNUTLS_PK_UNKNOWN`), or NULL for another value. The string is static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_pk_algorithm_get_name(algorithm: c_int) -> *const c_char {
    boundary::gnutls(|| Ok(x509_print::pk_name(algorithm).map_or(std::ptr::null(), static_name)))
}

/// As `gnutls_pk_algorithm_get_name`, but "Unknown" instead of NULL.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_pk_get_name(algorithm: c_int) -> *const c_char {
    const UNKNOWN: &CStr = c"Unknown";
    boundary::gnutls(|| Ok(x509_print::pk_name(algorithm).map_or(UNKNOWN.as_ptr(), static_name)))
}
