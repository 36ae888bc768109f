//! Distinguished names as objects: `gnutls_x509_crt_get_subject` and
//! `_get_issuer`, `gnutls_x509_dn_get_rdn_ava`, and standalone DN objects
//! (`gnutls_x509_dn_init`, `_import`, `_get_str`, `_get_str2`, `_deinit`).

use std::ffi::{CString, c_int, c_uint, c_ulong};

use super::credentials::datum;
use super::types::gnutls_datum_t;
use super::x509::{gnutls_x509_crt_int, gnutls_x509_crt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::x509::rdn::{Ava, name_contents, rdns};

/// One attribute, held so that datums can point into it.
struct HeldAva {
    oid: CString,
    value: Vec<u8>,
    tag: u8,
}

/// A DN (opaque): a Name's DER and its attributes.
#[allow(non_camel_case_types)]
pub struct gnutls_x509_dn_st {
    der: Vec<u8>,
    rdns: Vec<Vec<HeldAva>>,
}

/// A DN handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_dn_t = *mut gnutls_x509_dn_st;

/// An attribute as `gnutls_x509_dn_get_rdn_ava` reports it.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_x509_ava_st {
    /// The attribute type, dotted ("2.5.4.3"), NUL-terminated (not counted).
    pub oid: gnutls_datum_t,
    /// The value's contents (a string's bytes).
    pub value: gnutls_datum_t,
    /// The value's ASN.1 tag (12 for UTF8String, 19 for PrintableString).
    pub value_tag: c_ulong,
}

impl gnutls_x509_dn_st {
    /// A DN object for the DER Name `der`.
    fn parse(der: Vec<u8>) -> Result<Self, Error> {
        let parsed = rdns(&der).map_err(|_| Error::DerDecoding)?;
        let rdns = parsed
            .into_iter()
            .map(|rdn| rdn.into_iter().map(held).collect::<Result<Vec<_>, _>>())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { der, rdns })
    }
}

fn held(ava: Ava) -> Result<HeldAva, Error> {
    Ok(HeldAva {
        oid: CString::new(ava.oid).map_err(|_| Error::DerDecoding)?,
        value: ava.value,
        tag: ava.tag,
    })
}

/// The subject (`issuer` false) or issuer DN object of a certificate.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
unsafe fn crt_name(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_x509_dn_t,
    issuer: bool,
) -> Result<c_int, CallError> {
    args::out_param(dn, "dn")?;
    // SAFETY: NULL or live.
    let handle: &gnutls_x509_crt_int = unsafe { args::object(cert.cast_const(), "cert") }?;
    let cell = &handle.names[usize::from(issuer)];
    let object = match cell.get() {
        Some(object) => object,
        None => {
            let der = match handle.certificate() {
                Some(certificate) => certificate.raw_dn(issuer)?,
                // GnuTLS answers an empty object with an empty DN.
                None => crate::x509::authorities::name_der(&[]),
            };
            let made = Box::new(gnutls_x509_dn_st::parse(der)?);
            cell.get_or_init(|| made)
        }
    };
    let pointer: *const gnutls_x509_dn_st = &**object;
    // SAFETY: checked non-NULL; writable by the caller's promise.
    unsafe { dn.write(pointer.cast_mut()) };
    Ok(0)
}

/// Writes the certificate's subject as a DN object to `*dn`, for
/// `gnutls_x509_dn_get_rdn_ava`. The object belongs to the certificate:
/// valid until it is freed or imports another one; do not free it. An
/// empty object gives an empty DN, as in GnuTLS. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_subject(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_x509_dn_t,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { crt_name(cert, dn, false) })
}

/// As `gnutls_x509_crt_get_subject`, for the issuer.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_issuer(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_x509_dn_t,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { crt_name(cert, dn, true) })
}

/// Describes attribute `iava` of RDN `irdn` (both from 0, in encoding
/// order) of `dn` in `*ava`: its type (dotted OID), its value's contents
/// and tag. The datums point into `dn`: valid while it is; do not free
/// them. Returns 0, `GNUTLS_E_ASN1_ELEMENT_NOT_FOUND` past the last RDN or
/// attribute, or `GNUTLS_E_INVALID_REQUEST` for NULL arguments.
///
/// # Safety
/// `dn` is NULL or live; `ava` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_get_rdn_ava(
    dn: gnutls_x509_dn_t,
    irdn: c_int,
    iava: c_int,
    ava: *mut gnutls_x509_ava_st,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(ava, "ava")?;
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(dn.cast_const(), "dn") }?;
        let found = usize::try_from(irdn)
            .ok()
            .and_then(|r| handle.rdns.get(r))
            .and_then(|rdn| usize::try_from(iava).ok().and_then(|a| rdn.get(a)))
            .ok_or(Error::Asn1ElementNotFound)?;
        let oid = found.oid.as_bytes();
        let out = gnutls_x509_ava_st {
            oid: gnutls_datum_t {
                data: found.oid.as_ptr().cast::<u8>().cast_mut(),
                size: c_uint::try_from(oid.len()).map_err(|_| CallError::Length("oid"))?,
            },
            value: gnutls_datum_t {
                data: found.value.as_ptr().cast_mut(),
                size: c_uint::try_from(found.value.len())
                    .map_err(|_| CallError::Length("value"))?,
            },
            value_tag: c_ulong::from(found.tag),
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { ava.write(out) };
        Ok(0)
    })
}

/// Creates an empty DN object and writes it to `*dn`; free it with
/// `gnutls_x509_dn_deinit`. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a
/// NULL `dn`.
///
/// # Safety
/// `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_init(dn: *mut gnutls_x509_dn_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dn, "dn")?;
        let empty = gnutls_x509_dn_st::parse(crate::x509::authorities::name_der(&[]))?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(dn, empty) };
        Ok(0)
    })
}

/// Reads the DER Name in `data` into `dn`, replacing what it held (data
/// is copied). Returns 0, `GNUTLS_E_ASN1_DER_ERROR` for what is not a
/// Name, or `GNUTLS_E_INVALID_REQUEST` for NULL arguments; on failure `dn`
/// is unchanged.
///
/// # Safety
/// `dn` is NULL or a DN from `gnutls_x509_dn_init`; `data` is NULL or a
/// datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_import(
    dn: gnutls_x509_dn_t,
    data: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(dn, "dn")?, datum(data, "data")?) };
        *handle = gnutls_x509_dn_st::parse(bytes.to_vec())?;
        Ok(0)
    })
}

/// Frees a DN object made with `gnutls_x509_dn_init` (never one a
/// certificate handed out). NULL is ignored.
///
/// # Safety
/// `dn` is NULL or from `gnutls_x509_dn_init`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_deinit(dn: gnutls_x509_dn_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(dn) };
        Ok(())
    })
}

/// Writes the DN as a string to `*str` (allocated, NUL-terminated; free
/// `str->data` with `gnutls_free`): RFC 4514 order, or encoding order with
/// `GNUTLS_X509_DN_FLAG_COMPAT` in `flags`, as `gnutls_x509_crt_get_dn3`.
/// Returns 0 or a negative code; `*str` is written only on success.
///
/// # Safety
/// `dn` is NULL or live; `str` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_get_str2(
    dn: gnutls_x509_dn_t,
    str: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(str, "str")?;
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(dn.cast_const(), "dn") }?;
        let contents = name_contents(&handle.der).map_err(|_| Error::DerDecoding)?;
        let text = crate::x509::dn::to_string(
            contents,
            flags & super::x509::GNUTLS_X509_DN_FLAG_COMPAT != 0,
        )
        .map_err(|_| Error::DerDecoding)?;
        let out = gnutls_datum_t::malloc_text(&text)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { str.write(out) };
        Ok(0)
    })
}

/// As `gnutls_x509_dn_get_str2` with no flags.
///
/// # Safety
/// `dn` is NULL or live; `str` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_dn_get_str(
    dn: gnutls_x509_dn_t,
    str: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe { gnutls_x509_dn_get_str2(dn, str, 0) }
}
