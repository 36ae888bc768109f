//! Abstract keys and parsed certificates: `gnutls_pubkey_*`,
//! `gnutls_privkey_*`, `gnutls_pcert_*`, and `gnutls_certificate_set_key`,
//! which hands a chain and key to credentials.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::credentials::{datum, gnutls_certificate_credentials_t, gnutls_pin_callback_t};
use super::enums::GNUTLS_CRT_X509;
use super::privkey::{gnutls_x509_privkey_deinit, gnutls_x509_privkey_t};
use super::retrieve::gnutls_pcert_st;
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{gnutls_x509_crt_t, x509_der};
use super::x509_fields::{export_out, give_bytes};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::privkey::PrivateKey;
use crate::gnutls::pubkey::{PublicKey, pk_algorithm};
use crate::tls::CertifiedKey;

/// `gnutls_privkey_import_x509` flag: the abstract key frees the X.509 key
/// when it is freed.
pub const GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE: c_uint = 1;
/// `gnutls_privkey_import_x509` flag: copy the key (stepup always does).
pub const GNUTLS_PRIVKEY_IMPORT_COPY: c_uint = 1 << 1;

/// An abstract public key (opaque); empty until imported.
#[allow(non_camel_case_types)]
pub struct gnutls_pubkey_st {
    key: Option<PublicKey>,
}
/// A public key handle.
#[allow(non_camel_case_types)]
pub type gnutls_pubkey_t = *mut gnutls_pubkey_st;

/// An abstract private key (opaque); empty until imported.
#[allow(non_camel_case_types)]
pub struct gnutls_privkey_st {
    pub(super) key: Option<PrivateKey>,
    /// An X.509 key imported with `GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE`,
    /// freed with this one.
    release: gnutls_x509_privkey_t,
}
/// A private key handle.
#[allow(non_camel_case_types)]
pub type gnutls_privkey_t = *mut gnutls_privkey_st;

impl Drop for gnutls_privkey_st {
    fn drop(&mut self) {
        // SAFETY: handed over with AUTO_RELEASE; freed once, here.
        unsafe { gnutls_x509_privkey_deinit(self.release) };
    }
}

fn algorithm_out(pk: i32, bits: u32, out: *mut c_uint) -> c_int {
    if !out.is_null() {
        // SAFETY: non-NULL; writable by the caller's promise (see callers).
        unsafe { out.write(bits) };
    }
    pk
}

/// Creates an empty public key object and writes it to `*key`; free it with
/// `gnutls_pubkey_deinit`. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a
/// NULL `key`.
///
/// # Safety
/// `key` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_init(key: *mut gnutls_pubkey_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(key, "key")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(key, gnutls_pubkey_st { key: None }) };
        Ok(0)
    })
}

/// Frees a public key object. NULL is ignored.
///
/// # Safety
/// `key` is NULL or from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_deinit(key: gnutls_pubkey_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(key) };
        Ok(())
    })
}

/// Imports the public key of certificate `crt` into `key` (replacing what
/// it held). `flags` are ignored. Returns 0, `GNUTLS_E_INVALID_REQUEST` for
/// NULL arguments or an empty certificate, or `GNUTLS_E_ASN1_DER_ERROR`.
///
/// # Safety
/// `key` and `crt` are NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_import_x509(
    key: gnutls_pubkey_t,
    crt: gnutls_x509_crt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: the caller's promises.
        let (handle, der) = unsafe { (args::object_mut(key, "key")?, x509_der(crt)?) };
        handle.key = Some(PublicKey::from_certificate(&der)?);
        Ok(0)
    })
}

/// Imports a SubjectPublicKeyInfo (`GNUTLS_X509_FMT_DER`, or `_PEM` with a
/// PUBLIC KEY block) into `key`, replacing what it held. Returns 0,
/// `GNUTLS_E_ASN1_DER_ERROR`, `GNUTLS_E_BASE64_*` errors for PEM, or
/// `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `key` is NULL or live; `data` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_import(
    key: gnutls_pubkey_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(key, "key")?, datum(data, "data")?) };
        handle.key = Some(PublicKey::import(bytes, format)?);
        Ok(0)
    })
}

/// # Safety
/// `key` is NULL or live during `'a`.
pub(super) unsafe fn public<'a>(key: gnutls_pubkey_t) -> Result<&'a PublicKey, CallError> {
    // SAFETY: forwarded promise.
    let handle = unsafe { args::object(key.cast_const(), "key") }?;
    Ok(handle.key.as_ref().ok_or(Error::InvalidRequest)?)
}

/// Writes the key's SubjectPublicKeyInfo in `format` (DER, or PEM with a
/// PUBLIC KEY block and a NUL) to `output_data`, which holds
/// `*output_data_size` bytes; `*output_data_size` becomes the length
/// written (without the NUL). Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER`
/// (with the size needed in `*output_data_size`) when it does not fit or
/// `output_data` is NULL; `GNUTLS_E_INVALID_REQUEST` for NULL or empty
/// keys or another format.
///
/// # Safety
/// `key` is NULL or live; `output_data_size` is NULL or readable and
/// writable; `output_data` is NULL or writable for `*output_data_size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_export(
    key: gnutls_pubkey_t,
    format: gnutls_x509_crt_fmt_t,
    output_data: *mut c_void,
    output_data_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            export_out(
                &public(key)?.export(format)?,
                format,
                output_data,
                output_data_size,
            )
        }
    })
}

/// Writes the key's SubjectPublicKeyInfo in `format` to `*out`, allocated
/// (free `out->data` with `gnutls_free`; PEM is NUL-terminated, the NUL
/// not counted). Returns 0 or the errors of `gnutls_pubkey_export` and
/// `GNUTLS_E_MEMORY_ERROR`; `*out` is untouched on failure.
///
/// # Safety
/// `key` is NULL or live; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_export2(
    key: gnutls_pubkey_t,
    format: gnutls_x509_crt_fmt_t,
    out: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(out, "out")?;
        // SAFETY: the caller's promises.
        unsafe { give_bytes(out, &public(key)?.export(format)?) }
    })
}

/// Returns the key's algorithm (`GNUTLS_PK_RSA`, `GNUTLS_PK_ECDSA`,
/// `GNUTLS_PK_EDDSA_ED25519`, ...; `GNUTLS_PK_UNKNOWN` for another or an
/// empty key) and, when `bits` is not NULL, writes its size in bits there
/// (RSA: the modulus; EC: the curve; 0 for an empty key).
/// `GNUTLS_E_INVALID_REQUEST` for a NULL key.
///
/// # Safety
/// `key` is NULL or live; `bits` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pubkey_get_pk_algorithm(
    key: gnutls_pubkey_t,
    bits: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(key.cast_const(), "key") }?;
        let (pk, size) = handle.key.as_ref().map_or((0, 0), PublicKey::algorithm);
        Ok(algorithm_out(pk, size, bits))
    })
}

/// Creates an empty private key object and writes it to `*key`; free it
/// with `gnutls_privkey_deinit`. Returns 0, or `GNUTLS_E_INVALID_REQUEST`
/// for a NULL `key`.
///
/// # Safety
/// `key` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_init(key: *mut gnutls_privkey_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(key, "key")?;
        let value = gnutls_privkey_st {
            key: None,
            release: std::ptr::null_mut(),
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(key, value) };
        Ok(0)
    })
}

/// Frees a private key object (and an X.509 key imported into it with
/// `GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE`); key bytes are zeroized. NULL is
/// ignored.
///
/// # Safety
/// `key` is NULL or from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_deinit(key: gnutls_privkey_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(key) };
        Ok(())
    })
}

/// Imports an X.509 private key object into `pkey` (a copy). With
/// `GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE` in `flags`, `pkey` also takes
/// `key` and frees it when freed; otherwise `key` stays the caller's.
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an empty
/// `key` (then nothing is taken).
///
/// # Safety
/// `pkey` and `key` are NULL or live; with AUTO_RELEASE the caller does not
/// free `key`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_import_x509(
    pkey: gnutls_privkey_t,
    key: gnutls_x509_privkey_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, source) = unsafe {
            (
                args::object_mut(pkey, "pkey")?,
                args::object(key.cast_const(), "key")?,
            )
        };
        let copy = source
            .key
            .as_ref()
            .ok_or(Error::InvalidRequest)?
            .duplicate()?;
        handle.key = Some(copy);
        if flags & GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE != 0 && handle.release != key {
            // SAFETY: a key released before is ours to free.
            unsafe { gnutls_x509_privkey_deinit(handle.release) };
            handle.release = key;
        }
        Ok(0)
    })
}

/// Imports the private key in `data` into `pkey`, replacing what it held,
/// as `gnutls_x509_privkey_import` reads it (PKCS #8, SEC 1 or PKCS #1; DER
/// or PEM). Encrypted keys are not supported: a key that does not read with
/// a `password` given gives `GNUTLS_E_UNIMPLEMENTED_FEATURE` (an
/// unencrypted one reads; the password is not used). `flags` are ignored.
/// Returns 0 or the errors of `gnutls_x509_privkey_import`.
///
/// # Safety
/// `pkey` is NULL or live; `data` is NULL or a datum holding `size` bytes;
/// `password` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_import_x509_raw(
    pkey: gnutls_privkey_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    password: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(pkey, "pkey")?, datum(data, "data")?) };
        handle.key = Some(super::privkey::unless_encrypted(
            PrivateKey::import(bytes, format),
            password,
        )?);
        Ok(0)
    })
}

/// Imports the key a URL names into `key`. stepup serves no URL scheme:
/// `pkcs11:`, `tpmkey:` and `system:` URLs give
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE` (PKCS #11 tokens, TPMs and system key
/// stores are not supported), any other URL `GNUTLS_E_INVALID_REQUEST` (as
/// GnuTLS answers a scheme it does not know). `flags` are ignored; `key`
/// is not changed.
///
/// # Safety
/// `key` is NULL or live; `url` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_import_url(
    key: gnutls_privkey_t,
    url: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: the caller's promises.
        let (_, url) = unsafe {
            (
                args::object(key.cast_const(), "key")?,
                args::cstr(url, "url")?,
            )
        };
        let url = url.to_bytes();
        let known = [b"pkcs11:".as_slice(), b"tpmkey:", b"system:"];
        if known.iter().any(|scheme| url.starts_with(scheme)) {
            Err(Error::Unimplemented.into())
        } else {
            Err(Error::InvalidRequest.into())
        }
    })
}

/// Sets the function asked for the key's PIN. stepup imports no
/// PIN-protected keys, so it is never called and nothing is kept. NULL
/// arguments are ignored.
///
/// # Safety
/// `key` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_set_pin_function(
    key: gnutls_privkey_t,
    r#fn: gnutls_pin_callback_t,
    userdata: *mut c_void,
) {
    boundary::gnutls(|| {
        let _ = (r#fn, userdata);
        // SAFETY: NULL or live.
        unsafe { args::object(key.cast_const(), "key") }?;
        Ok(())
    })
}

/// Returns the key's algorithm (as `gnutls_pubkey_get_pk_algorithm`) and,
/// when `bits` is not NULL, writes its size there.
/// `GNUTLS_E_INVALID_REQUEST` for a NULL or empty key.
///
/// # Safety
/// `key` is NULL or live; `bits` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_privkey_get_pk_algorithm(
    key: gnutls_privkey_t,
    bits: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(key.cast_const(), "key") }?;
        let info = handle.key.as_ref().ok_or(Error::InvalidRequest)?.info();
        Ok(algorithm_out(pk_algorithm(info.kind), info.bits, bits))
    })
}

/// A filled pcert for the DER certificate `der`.
fn pcert_of(der: &[u8]) -> Result<gnutls_pcert_st, CallError> {
    let key = PublicKey::from_certificate(der)?;
    let cert = gnutls_datum_t::malloc_bytes(der)?;
    Ok(gnutls_pcert_st {
        pubkey: Box::into_raw(Box::new(gnutls_pubkey_st { key: Some(key) })),
        cert,
        r#type: GNUTLS_CRT_X509,
    })
}

/// Fills `*pcert` from certificate `crt` (a copy of its DER and a new
/// public key object); release it with `gnutls_pcert_deinit`. `flags` are
/// ignored. Returns 0, `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an
/// empty certificate, or `GNUTLS_E_MEMORY_ERROR`; `*pcert` is written only
/// on success.
///
/// # Safety
/// `pcert` is NULL or writable; `crt` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pcert_import_x509(
    pcert: *mut gnutls_pcert_st,
    crt: gnutls_x509_crt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        args::out_param(pcert, "pcert")?;
        // SAFETY: the caller's promise.
        let der = unsafe { x509_der(crt) }?;
        let filled = pcert_of(&der)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { pcert.write(filled) };
        Ok(0)
    })
}

/// Fills the first `*ncrt` entries of `pcert_list` from the certificates
/// `crt[0..*ncrt]`, in order (each a copy of its DER and a new public key
/// object); release each with `gnutls_pcert_deinit`. `flags` may hold
/// `GNUTLS_X509_CRT_LIST_SORT`, which is ignored: the list is taken in the
/// order given. `*ncrt` is left as it is. Returns 0,
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an empty certificate,
/// or `GNUTLS_E_MEMORY_ERROR`; on failure no entry is left filled.
///
/// # Safety
/// `ncrt` is NULL or readable; `crt` is NULL or holds `*ncrt` live
/// certificates; `pcert_list` is NULL or holds `*ncrt` writable entries.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pcert_import_x509_list(
    pcert_list: *mut gnutls_pcert_st,
    crt: *mut gnutls_x509_crt_t,
    ncrt: *mut c_uint,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: NULL or readable by the caller's promise.
        let count = *unsafe { args::object(ncrt.cast_const(), "ncrt") }?;
        let count = usize::try_from(count).map_err(|_| CallError::Length("ncrt"))?;
        if count == 0 {
            return Ok(0);
        }
        args::out_param(pcert_list, "pcert_list")?;
        if crt.is_null() {
            return Err(CallError::Null("crt"));
        }
        // SAFETY: non-NULL and holding `count` handles by the caller's promise.
        let handles = unsafe { std::slice::from_raw_parts(crt.cast_const(), count) };
        let mut filled = Vec::with_capacity(count);
        for handle in handles {
            // SAFETY: each handle is live by the caller's promise.
            let made = unsafe { x509_der(*handle) }.and_then(|der| pcert_of(&der));
            match made {
                Ok(pcert) => filled.push(pcert),
                Err(e) => {
                    for mut pcert in filled {
                        // SAFETY: filled just now by this library.
                        unsafe { gnutls_pcert_deinit(&mut pcert) };
                    }
                    return Err(e);
                }
            }
        }
        for (i, pcert) in filled.into_iter().enumerate() {
            // SAFETY: `pcert_list` holds `count` entries and `i < count`.
            unsafe { pcert_list.add(i).write(pcert) };
        }
        Ok(0)
    })
}

/// Fills `*pcert` from the (first) certificate in `cert`, DER or PEM as
/// `format` says; release it with `gnutls_pcert_deinit`. `flags` are
/// ignored. Returns 0 or the errors of `gnutls_x509_crt_import`; `*pcert`
/// is written only on success.
///
/// # Safety
/// `pcert` is NULL or writable; `cert` is NULL or a datum holding `size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pcert_import_x509_raw(
    pcert: *mut gnutls_pcert_st,
    cert: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        args::out_param(pcert, "pcert")?;
        // SAFETY: the caller's promise.
        let bytes = unsafe { datum(cert, "cert") }?;
        let parsed = crate::gnutls::x509::Certificate::import(bytes, format)?;
        let filled = pcert_of(parsed.der())?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { pcert.write(filled) };
        Ok(0)
    })
}

/// Fills up to `*pcert_list_size` entries of `pcert_list` from the
/// certificates in `data` (PEM: each CERTIFICATE block; DER: one) and
/// writes the number filled to `*pcert_list_size`; release each with
/// `gnutls_pcert_deinit`. Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER` with
/// the number needed in `*pcert_list_size` (nothing filled) when they do
/// not fit and `flags` holds `GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED`
/// (otherwise the first ones are filled); the errors of
/// `gnutls_x509_crt_list_import`.
///
/// # Safety
/// `pcert_list` is NULL or holds `*pcert_list_size` writable entries;
/// `pcert_list_size` is NULL or readable and writable; `data` is NULL or a
/// datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pcert_list_import_x509_raw(
    pcert_list: *mut gnutls_pcert_st,
    pcert_list_size: *mut c_uint,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(pcert_list_size, "pcert_list_size")?;
        // SAFETY: checked non-NULL; readable by the caller's promise.
        let room = usize::try_from(unsafe { pcert_list_size.read() })
            .map_err(|_| CallError::Length("pcert_list_size"))?;
        // SAFETY: the caller's promise.
        let bytes = unsafe { datum(data, "data") }?;
        let mut list = super::x509::import_for_list(bytes, format)?;
        if list.len() > room {
            if flags & super::x509::GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED != 0 {
                let needed = c_uint::try_from(list.len()).map_err(|_| CallError::NoMemory)?;
                // SAFETY: checked non-NULL; writable by the caller's promise.
                unsafe { pcert_list_size.write(needed) };
                return Err(Error::ShortMemoryBuffer.into());
            }
            list.truncate(room);
        }
        if !list.is_empty() && pcert_list.is_null() {
            return Err(CallError::Null("pcert_list"));
        }
        let filled = list
            .iter()
            .map(|c| pcert_of(c.der()))
            .collect::<Result<Vec<_>, _>>()?;
        let count = c_uint::try_from(filled.len()).map_err(|_| CallError::NoMemory)?;
        for (i, pcert) in filled.into_iter().enumerate() {
            // SAFETY: `pcert_list` holds `room` entries and `i < room`.
            unsafe { pcert_list.add(i).write(pcert) };
        }
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { pcert_list_size.write(count) };
        Ok(0)
    })
}

/// Releases what a pcert holds (its public key and certificate copy), not
/// the structure itself. NULL is ignored.
///
/// # Safety
/// `pcert` is NULL or was filled by this library and not released since.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pcert_deinit(pcert: *mut gnutls_pcert_st) {
    boundary::gnutls(|| {
        // SAFETY: NULL or filled by this library.
        let Some(pcert) = (unsafe { pcert.as_mut() }) else {
            return Ok(());
        };
        // SAFETY: both were made by this library and are released once.
        unsafe {
            args::take(pcert.pubkey);
            libc::free(pcert.cert.data.cast::<c_void>());
        }
        pcert.pubkey = std::ptr::null_mut();
        pcert.cert = gnutls_datum_t {
            data: std::ptr::null_mut(),
            size: 0,
        };
        Ok(())
    })
}

/// The DER chain of `count` pcerts (X.509 only).
///
/// # Safety
/// `list` is NULL or holds `count` pcerts whose `cert` datums hold `size`
/// bytes.
pub(super) unsafe fn pcert_chain(
    list: *const gnutls_pcert_st,
    count: c_uint,
) -> Result<Vec<Vec<u8>>, CallError> {
    let count = usize::try_from(count).map_err(|_| CallError::Length("pcert_list_size"))?;
    if count == 0 {
        return Ok(Vec::new());
    }
    if list.is_null() {
        return Err(CallError::Null("pcert_list"));
    }
    // SAFETY: non-NULL and holds `count` entries by the caller's promise.
    let entries = unsafe { std::slice::from_raw_parts(list, count) };
    entries
        .iter()
        .map(|p| {
            if p.r#type != GNUTLS_CRT_X509 {
                return Err(Error::InvalidRequest.into());
            }
            // SAFETY: the datum holds `size` bytes by the caller's promise.
            Ok(unsafe { datum(&p.cert, "pcert") }?.to_vec())
        })
        .collect()
}

/// The chain and key of pcerts and an abstract key, as credentials use them.
///
/// # Safety
/// As for `pcert_chain`; `key` is NULL or live.
pub(super) unsafe fn certified_key(
    list: *const gnutls_pcert_st,
    count: c_uint,
    key: gnutls_privkey_t,
) -> Result<CertifiedKey, CallError> {
    // SAFETY: forwarded promises.
    let chain = unsafe { pcert_chain(list, count) }?;
    if chain.is_empty() {
        return Err(Error::InvalidRequest.into());
    }
    // SAFETY: NULL or live.
    let handle = unsafe { args::object(key.cast_const(), "key") }?;
    let key = handle.key.as_ref().ok_or(Error::InsufficientCredentials)?;
    Ok(CertifiedKey {
        chain,
        key: key.signing_key()?,
    })
}

/// Adds a certificate chain (`pcert_list`, end-entity first) and its key to
/// the credentials, as `gnutls_certificate_set_x509_key` does. `names`
/// (alternative server names) are ignored: the certificate's own names
/// are used. The credentials take the pcerts' contents and the key and
/// free them when freed (the array itself stays the caller's). Returns 0
/// (the pair's index with `GNUTLS_CERTIFICATE_API_V2`),
/// `GNUTLS_E_CERTIFICATE_KEY_MISMATCH`, or `GNUTLS_E_INVALID_REQUEST` for
/// NULL arguments or an empty list; on failure nothing is taken.
///
/// # Safety
/// `res` is NULL or live; `pcert_list` is NULL or holds `pcert_list_size`
/// pcerts filled by this library; `key` is NULL or live; after a success
/// the caller frees neither the pcerts' contents nor `key`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_key(
    res: gnutls_certificate_credentials_t,
    names: *mut *const c_char,
    names_size: c_int,
    pcert_list: *mut gnutls_pcert_st,
    pcert_list_size: c_int,
    key: gnutls_privkey_t,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (names, names_size);
        // SAFETY: NULL or live.
        let cred = unsafe { args::object(res.cast_const(), "credentials") }?;
        let count =
            c_uint::try_from(pcert_list_size).map_err(|_| CallError::Length("pcert_list_size"))?;
        // SAFETY: the caller's promises.
        let pair = unsafe { certified_key(pcert_list.cast_const(), count, key) }?;
        let index = cred.credentials.add_pair(pair)?;
        let mut owned = cred.owned_keys.lock();
        // SAFETY: `count` entries, checked readable above.
        let entries = unsafe {
            std::slice::from_raw_parts(pcert_list.cast_const(), usize::try_from(count).unwrap_or(0))
        };
        owned.push(OwnedKey {
            pcerts: entries
                .iter()
                .map(|p| gnutls_pcert_st {
                    pubkey: p.pubkey,
                    cert: gnutls_datum_t {
                        data: p.cert.data,
                        size: p.cert.size,
                    },
                    r#type: p.r#type,
                })
                .collect(),
            key,
        });
        Ok(index)
    })
}

/// What `gnutls_certificate_set_key` handed to credentials, freed with them.
pub(super) struct OwnedKey {
    pcerts: Vec<gnutls_pcert_st>,
    key: gnutls_privkey_t,
}

impl Drop for OwnedKey {
    fn drop(&mut self) {
        for pcert in &mut self.pcerts {
            // SAFETY: filled by this library and handed over once.
            unsafe { gnutls_pcert_deinit(pcert) };
        }
        // SAFETY: handed over once.
        unsafe { gnutls_privkey_deinit(self.key) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::gnutls::types::GNUTLS_X509_FMT_PEM;
    use crate::ffi::gnutls::x509::{
        gnutls_x509_crt_deinit, gnutls_x509_crt_import, gnutls_x509_crt_init,
    };

    fn imported(pem: &[u8]) -> gnutls_x509_crt_t {
        let mut crt: gnutls_x509_crt_t = std::ptr::null_mut();
        let data = gnutls_datum_t {
            data: pem.as_ptr().cast_mut(),
            size: c_uint::try_from(pem.len()).unwrap(),
        };
        // SAFETY: valid pointers for the calls.
        unsafe {
            assert_eq!(gnutls_x509_crt_init(&mut crt), 0);
            assert_eq!(gnutls_x509_crt_import(crt, &data, GNUTLS_X509_FMT_PEM), 0);
        }
        crt
    }

    #[test]
    fn a_list_of_certificates_becomes_pcerts_in_order() {
        let pems: [&[u8]; 2] = [
            include_bytes!("../../../tests/fixtures/server-ecdsa.pem"),
            include_bytes!("../../../tests/fixtures/ca.pem"),
        ];
        let mut crts: Vec<gnutls_x509_crt_t> = pems.iter().map(|p| imported(p)).collect();
        let empty = || gnutls_pcert_st {
            pubkey: std::ptr::null_mut(),
            cert: gnutls_datum_t {
                data: std::ptr::null_mut(),
                size: 0,
            },
            r#type: 0,
        };
        let mut pcerts = [empty(), empty()];
        let mut n: c_uint = 2;
        // SAFETY: two live certificates and two writable entries.
        let ret = unsafe {
            gnutls_pcert_import_x509_list(pcerts.as_mut_ptr(), crts.as_mut_ptr(), &mut n, 0)
        };
        assert_eq!((ret, n), (0, 2));
        for (pcert, pem) in pcerts.iter_mut().zip(pems) {
            let der = crate::x509::pem::certificates(pem).unwrap().remove(0);
            assert_eq!(usize::try_from(pcert.cert.size).unwrap(), der.len());
            // SAFETY: filled by the call above.
            let got = unsafe { std::slice::from_raw_parts(pcert.cert.data, der.len()) };
            assert_eq!(got, der.as_slice());
            // SAFETY: filled by this library.
            unsafe { gnutls_pcert_deinit(pcert) };
        }
        // A NULL list with certificates to fill is refused.
        // SAFETY: NULL is checked.
        let ret = unsafe {
            gnutls_pcert_import_x509_list(std::ptr::null_mut(), crts.as_mut_ptr(), &mut n, 0)
        };
        assert!(ret < 0);
        for crt in crts {
            // SAFETY: made above, released once.
            unsafe { gnutls_x509_crt_deinit(crt) };
        }
    }
}
