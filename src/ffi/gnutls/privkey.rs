//! Private key objects: `gnutls_x509_privkey_init`, `_import`, `_deinit`,
//! and `gnutls_certificate_set_x509_key`, which pairs one with a
//! certificate list in credentials.

use std::ffi::{c_char, c_int, c_uint};

use super::credentials::{datum, gnutls_certificate_credentials_t};
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{gnutls_x509_crt_t, x509_der};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::privkey::PrivateKey;
use crate::tls::CertifiedKey;

/// A private key object (opaque); empty until imported.
#[allow(non_camel_case_types)]
pub struct gnutls_x509_privkey_int {
    pub(super) key: Option<PrivateKey>,
}

/// A private key handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_privkey_t = *mut gnutls_x509_privkey_int;

/// Creates an empty private key object and writes it to `*key`; free it
/// with `gnutls_x509_privkey_deinit`. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for a NULL `key`.
///
/// # Safety
/// `key` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_privkey_init(key: *mut gnutls_x509_privkey_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(key, "key")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(key, gnutls_x509_privkey_int { key: None }) };
        Ok(0)
    })
}

/// Frees a private key object; the key's bytes are zeroized. NULL is ignored.
///
/// # Safety
/// `key` is NULL or from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_privkey_deinit(key: gnutls_x509_privkey_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(key) };
        Ok(())
    })
}

/// Imports the private key in `data` into `key`, replacing what it held:
/// PKCS#8 (ECDSA P-256/P-384, Ed25519, RSA) or PKCS#1 RSA, as
/// `GNUTLS_X509_FMT_DER` or `GNUTLS_X509_FMT_PEM`. Encrypted keys are not
/// supported. `data` is copied. Returns 0;
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` when PEM holds no key block;
/// `GNUTLS_E_ASN1_DER_ERROR` for a key stepup cannot read;
/// `GNUTLS_E_BASE64_DECODING_ERROR` for malformed PEM;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or another format. On
/// failure `key` is left as it was.
///
/// # Safety
/// `key` is NULL or live; `data` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_privkey_import(
    key: gnutls_x509_privkey_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(key, "key")?, datum(data, "data")?) };
        handle.key = Some(PrivateKey::import(bytes, format)?);
        Ok(0)
    })
}

/// A key imported with `password` given (non-NULL): a key that does not
/// read then is taken for an encrypted one, which stepup cannot decrypt
/// (`GNUTLS_E_UNIMPLEMENTED_FEATURE`).
pub(super) fn unless_encrypted(
    imported: Result<PrivateKey, Error>,
    password: *const c_char,
) -> Result<PrivateKey, CallError> {
    match imported {
        Err(_) if !password.is_null() => Err(Error::Unimplemented.into()),
        other => Ok(other?),
    }
}

/// `GNUTLS_PKCS_PLAIN`: the PKCS #8 key is not encrypted.
const GNUTLS_PKCS_PLAIN: c_uint = 1;

/// Imports an unencrypted PKCS #8 private key into `key`, replacing what it
/// held: a PEM `PRIVATE KEY` block, or DER with `GNUTLS_PKCS_PLAIN` in
/// `flags` (DER without it is read as encrypted: a plain key gives
/// `GNUTLS_E_ASN1_TAG_ERROR`, as in GnuTLS). stepup does not decrypt keys:
/// a `password`, or a PEM `ENCRYPTED PRIVATE KEY`, gives
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE`. Returns 0;
/// `GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR` for PEM without a PKCS #8
/// block; `GNUTLS_E_ASN1_TAG_ERROR` for DER that is no PKCS #8 key;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments. On failure `key` is left
/// as it was. `data` is copied.
///
/// # Safety
/// `key` is NULL or live; `data` is NULL or a datum holding `size` bytes;
/// `password` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_privkey_import_pkcs8(
    key: gnutls_x509_privkey_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    password: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(key, "key")?, datum(data, "data")?) };
        if !password.is_null() && flags & GNUTLS_PKCS_PLAIN == 0 {
            return Err(Error::Unimplemented.into());
        }
        handle.key = Some(PrivateKey::import_pkcs8(
            bytes,
            format,
            flags & GNUTLS_PKCS_PLAIN != 0,
        )?);
        Ok(0)
    })
}

/// Imports the private key in `data` into `key` in any encoding
/// `gnutls_x509_privkey_import` reads (PKCS #8, SEC 1, PKCS #1; DER or
/// PEM), replacing what it held. stepup does not decrypt keys: a key that
/// does not read with a `password` given gives
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE`. `flags` are ignored. Returns 0 or the
/// errors of `gnutls_x509_privkey_import` (`GNUTLS_E_ASN1_TAG_ERROR` for
/// DER that is no key).
///
/// # Safety
/// As for `gnutls_x509_privkey_import_pkcs8`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_privkey_import2(
    key: gnutls_x509_privkey_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    password: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(key, "key")?, datum(data, "data")?) };
        handle.key = Some(unless_encrypted(
            PrivateKey::import_any(bytes, format),
            password,
        )?);
        Ok(0)
    })
}

/// Adds the certificate chain `cert_list` (`cert_list_size` certificates,
/// end-entity first) and its private key `key` to the credentials. The
/// certificates and the key are copied: the caller still owns and frees
/// its objects. Returns 0 (with `GNUTLS_CERTIFICATE_API_V2` set by
/// `gnutls_certificate_set_flags`: the pair's index);
/// `GNUTLS_E_CERTIFICATE_KEY_MISMATCH` when `key` is not the first
/// certificate's (unless `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH` is set);
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments, an empty list, or empty
/// objects. Nothing is added on failure.
///
/// # Safety
/// `res` is NULL or live; `cert_list` is NULL or holds `cert_list_size`
/// certificate handles, each NULL or live; `key` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_key(
    res: gnutls_certificate_credentials_t,
    cert_list: *mut gnutls_x509_crt_t,
    cert_list_size: c_int,
    key: gnutls_x509_privkey_t,
) -> c_int {
    boundary::gnutls(|| {
        let count = usize::try_from(cert_list_size).map_err(|_| Error::InvalidRequest)?;
        if count == 0 {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: the caller's promises about the credentials and the key.
        let (creds, key) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                args::object(key.cast_const(), "key")?,
            )
        };
        // SAFETY: `cert_list` holds `count` handles, by the caller's promise.
        let chain = unsafe { x509_chain(cert_list.cast_const(), count) }?;
        let key = key.key.as_ref().ok_or(Error::InvalidRequest)?;
        let pair = CertifiedKey {
            chain,
            key: key.signing_key()?,
        };
        Ok(creds.credentials.add_pair(pair)?)
    })
}

/// The DER of `count` certificate objects.
///
/// # Safety
/// `list` is NULL or holds `count` handles, each NULL or live.
pub(super) unsafe fn x509_chain(
    list: *const gnutls_x509_crt_t,
    count: usize,
) -> Result<Vec<Vec<u8>>, crate::ffi::errors::CallError> {
    if list.is_null() {
        return Err(crate::ffi::errors::CallError::Null("cert_list"));
    }
    if isize::try_from(count.saturating_mul(std::mem::size_of::<gnutls_x509_crt_t>())).is_err() {
        return Err(crate::ffi::errors::CallError::Length("cert_list"));
    }
    // SAFETY: non-NULL, and holds `count` handles by the caller's promise.
    let handles = unsafe { std::slice::from_raw_parts(list, count) };
    handles
        .iter()
        // SAFETY: each handle is NULL or live, by the caller's promise.
        .map(|&h| unsafe { x509_der(h) })
        .collect()
}
