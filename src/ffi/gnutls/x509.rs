//! X.509 certificate objects: `gnutls_x509_crt_init`, `_import`,
//! `_list_import2`, `_deinit`, and the DNs (`_get_dn3`, `_get_issuer_dn3`).
//! The other accessors are in `x509_fields.rs`.

use std::ffi::{c_int, c_uint};

use super::credentials::datum;
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::x509::Certificate;

/// `gnutls_x509_crt_get_dn3` flag: the DN in encoding order (GnuTLS's
/// older order) instead of RFC 4514's.
pub const GNUTLS_X509_DN_FLAG_COMPAT: c_uint = 1;

/// `gnutls_x509_crt_list_import` flag: fail if there are more
/// certificates than fit (no effect on `_list_import2`, whose list is
/// allocated to fit).
pub const GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED: c_uint = 1;
/// `gnutls_x509_crt_list_import2` flag: fail unless each certificate is
/// issued by the next one.
pub const GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED: c_uint = 1 << 1;
/// `gnutls_x509_crt_list_import2` flag: sort the chain (not supported:
/// ignored).
pub const GNUTLS_X509_CRT_LIST_SORT: c_uint = 1 << 2;

/// An X.509 certificate object (opaque); empty until imported.
#[allow(non_camel_case_types)]
pub struct gnutls_x509_crt_int {
    cert: Option<Certificate>,
    /// The subject and issuer as DN objects (`gnutls_x509_crt_get_subject`,
    /// `_get_issuer`): made on first use, valid while the certificate is.
    pub(super) names: [std::sync::OnceLock<Box<super::x509_dn::gnutls_x509_dn_st>>; 2],
}

impl gnutls_x509_crt_int {
    /// The certificate imported into the object, if any.
    pub(super) fn certificate(&self) -> Option<&Certificate> {
        self.cert.as_ref()
    }
}

/// A certificate handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_crt_t = *mut gnutls_x509_crt_int;

/// A certificate object holding `cert`.
pub(super) fn crt_object(cert: Certificate) -> gnutls_x509_crt_int {
    gnutls_x509_crt_int {
        cert: Some(cert),
        names: Default::default(),
    }
}

/// The certificate a handle holds: `GNUTLS_E_INVALID_REQUEST` for NULL or
/// an empty object.
///
/// # Safety
/// `cert` is NULL or live during `'a`.
pub(super) unsafe fn certificate<'a>(
    cert: gnutls_x509_crt_t,
) -> Result<&'a Certificate, CallError> {
    // SAFETY: forwarded promise.
    let handle = unsafe { args::object(cert.cast_const(), "cert") }?;
    Ok(handle.cert.as_ref().ok_or(Error::InvalidRequest)?)
}

/// A copy of the DER a handle holds, as `certificate`.
///
/// # Safety
/// `cert` is NULL or live.
pub(super) unsafe fn x509_der(cert: gnutls_x509_crt_t) -> Result<Vec<u8>, CallError> {
    // SAFETY: forwarded promise.
    Ok(unsafe { certificate(cert) }?.der().to_vec())
}

/// Creates an empty certificate object and writes it to `*cert`; free it
/// with `gnutls_x509_crt_deinit`. Returns 0, or `GNUTLS_E_INVALID_REQUEST`
/// for a NULL `cert`.
///
/// # Safety
/// `cert` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_init(cert: *mut gnutls_x509_crt_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(cert, "cert")?;
        let empty = gnutls_x509_crt_int {
            cert: None,
            names: Default::default(),
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(cert, empty) };
        Ok(0)
    })
}

/// Frees a certificate object. NULL is ignored.
///
/// # Safety
/// `cert` is NULL or from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_deinit(cert: gnutls_x509_crt_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(cert) };
        Ok(())
    })
}

/// Imports the certificate in `data` (`GNUTLS_X509_FMT_DER`, or
/// `GNUTLS_X509_FMT_PEM`: the first CERTIFICATE block) into `cert`,
/// replacing what it held. `data` is copied. Returns 0;
/// `GNUTLS_E_BASE64_DECODING_ERROR` for PEM without a certificate;
/// `GNUTLS_E_ASN1_DER_ERROR` for DER that is not a certificate;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or another format. On
/// failure `cert` is left as it was.
///
/// # Safety
/// `cert` is NULL or live; `data` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_import(
    cert: gnutls_x509_crt_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(cert, "cert")?, datum(data, "data")?) };
        handle.cert = Some(Certificate::import(bytes, format)?);
        // DN objects of the certificate it held end with it, as in GnuTLS.
        handle.names = Default::default();
        Ok(0)
    })
}

/// Imports every certificate in `data` (PEM: each CERTIFICATE block; DER:
/// one). On success writes a new array of `*size` new certificate objects
/// to `*certs` and returns 0: free each with `gnutls_x509_crt_deinit` and
/// the array with `gnutls_free`. With `GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED`
/// in `flags`, returns `GNUTLS_E_CERTIFICATE_LIST_UNSORTED` unless each
/// certificate's issuer is the next one's subject; other flags are ignored.
/// Returns the codes of `gnutls_x509_crt_import`, or `GNUTLS_E_MEMORY_ERROR`;
/// nothing is written on failure.
///
/// # Safety
/// `certs` and `size` are NULL or writable; `data` is NULL or a datum
/// holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_list_import2(
    certs: *mut *mut gnutls_x509_crt_t,
    size: *mut c_uint,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(certs, "certs")?;
        args::out_param(size, "size")?;
        // SAFETY: NULL or a valid datum, by the caller's promise.
        let bytes = unsafe { datum(data, "data") }?;
        let list = Certificate::import_list(bytes, format)?;
        if flags & GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED != 0 && !is_sorted(&list) {
            return Err(Error::CertificateListUnsorted.into());
        }
        let (array, count) = args::malloc_handles(list, crt_object)?;
        // SAFETY: both checked non-NULL; writable by the caller's promise.
        unsafe {
            certs.write(array);
            size.write(count);
        }
        Ok(0)
    })
}

/// Imports the certificates in `data` (PEM: each CERTIFICATE block; DER:
/// one) into the caller's array `certs` of `*cert_max` entries, creating a
/// certificate object in each entry used (free each with
/// `gnutls_x509_crt_deinit`). Returns the number imported and writes it to
/// `*cert_max`. When `data` holds more than fit: without
/// `GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED` the first `*cert_max` are
/// imported; with it nothing is, `*cert_max` is set to the number needed
/// and the result is `GNUTLS_E_SHORT_MEMORY_BUFFER`. PEM without a
/// certificate gives `GNUTLS_E_NO_CERTIFICATE_FOUND`.
/// `GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED` as for
/// `gnutls_x509_crt_list_import2`. Otherwise returns the codes of
/// `gnutls_x509_crt_import`; nothing is created on failure.
///
/// # Safety
/// `certs` is NULL or holds `*cert_max` writable entries; `cert_max` is
/// NULL or readable and writable; `data` is NULL or a datum holding `size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_list_import(
    certs: *mut gnutls_x509_crt_t,
    cert_max: *mut c_uint,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(cert_max, "cert_max")?;
        // SAFETY: checked non-NULL; readable by the caller's promise.
        let room = usize::try_from(unsafe { cert_max.read() })
            .map_err(|_| CallError::Length("cert_max"))?;
        // SAFETY: NULL or a valid datum, by the caller's promise.
        let bytes = unsafe { datum(data, "data") }?;
        let mut list = import_for_list(bytes, format)?;
        let found = c_uint::try_from(list.len()).map_err(|_| CallError::NoMemory)?;
        if list.len() > room {
            if flags & GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED != 0 {
                // SAFETY: checked non-NULL; writable by the caller's promise.
                unsafe { cert_max.write(found) };
                return Err(Error::ShortMemoryBuffer.into());
            }
            list.truncate(room);
        }
        if flags & GNUTLS_X509_CRT_LIST_FAIL_IF_UNSORTED != 0 && !is_sorted(&list) {
            return Err(Error::CertificateListUnsorted.into());
        }
        // SAFETY: `certs` holds `room` entries and the list fits.
        let count = unsafe { args::fill_handles(certs, list, crt_object) }?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { cert_max.write(count) };
        Ok(c_int::try_from(count).unwrap_or(c_int::MAX))
    })
}

/// The certificates of `data` as `gnutls_x509_crt_list_import` reads them:
/// PEM without a certificate is `GNUTLS_E_NO_CERTIFICATE_FOUND` there.
pub(super) fn import_for_list(data: &[u8], format: c_int) -> Result<Vec<Certificate>, Error> {
    match Certificate::import_list(data, format) {
        Err(Error::Base64Decoding) if format == super::types::GNUTLS_X509_FMT_PEM => {
            Err(Error::NoCertificateFound)
        }
        other => other,
    }
}

/// Whether each certificate is issued by the next.
fn is_sorted(list: &[Certificate]) -> bool {
    list.windows(2).all(|pair| match pair {
        [cert, issuer] => cert.issuer_dn(0).ok() == issuer.subject_dn(0).ok(),
        _ => true,
    })
}

/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
unsafe fn give_dn(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
    which: impl FnOnce(&Certificate) -> Result<String, Error>,
) -> Result<c_int, CallError> {
    args::out_param(dn, "dn")?;
    // SAFETY: NULL or live, by the caller's promise.
    let handle = unsafe { args::object(cert.cast_const(), "cert") }?;
    let cert = handle.cert.as_ref().ok_or(Error::InvalidRequest)?;
    let text = which(cert)?;
    let out = gnutls_datum_t::malloc_text(&text)?;
    // SAFETY: checked non-NULL; writable by the caller's promise.
    unsafe { dn.write(out) };
    Ok(0)
}

/// Writes the certificate's subject DN to `*dn` as an RFC 4514 string
/// ("CN=localhost,O=Example"), or in encoding order with
/// `GNUTLS_X509_DN_FLAG_COMPAT` in `flags`, with GnuTLS's attribute names.
/// `dn->data` is NUL-terminated (not counted in `dn->size`) and the caller
/// frees it with `gnutls_free`. Returns 0; `GNUTLS_E_INVALID_REQUEST` for
/// NULL arguments or an empty object; `GNUTLS_E_MEMORY_ERROR`. Nothing is
/// written on failure.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_dn3(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    boundary::gnutls(|| unsafe { give_dn(cert, dn, |c| c.subject_dn(flags)) })
}

/// As `gnutls_x509_crt_get_dn3`, for the issuer's DN.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_issuer_dn3(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    boundary::gnutls(|| unsafe { give_dn(cert, dn, |c| c.issuer_dn(flags)) })
}
