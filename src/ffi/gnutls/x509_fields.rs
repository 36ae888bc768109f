//! The certificate accessors programs call most: validity times, version,
//! fingerprints, the DNs as strings, and export (issue 15's first family).
//! Buffers follow GnuTLS's convention: with room for the value (and the NUL
//! of a string), it is copied and its length written to `*size`; otherwise
//! `*size` gets the room needed and the call fails with
//! `GNUTLS_E_SHORT_MEMORY_BUFFER`.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{gnutls_x509_crt_int, gnutls_x509_crt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::x509::Certificate;

/// The certificate a handle holds, `None` for an object nothing was
/// imported into; `GNUTLS_E_INVALID_REQUEST` for NULL.
///
/// # Safety
/// `cert` is NULL or live during `'a`.
unsafe fn contents<'a>(cert: gnutls_x509_crt_t) -> Result<Option<&'a Certificate>, CallError> {
    // SAFETY: forwarded promise.
    let handle: &gnutls_x509_crt_int = unsafe { args::object(cert.cast_const(), "cert") }?;
    Ok(handle.certificate())
}

/// As `contents`, with GnuTLS's most common answer for an empty object:
/// `GNUTLS_E_ASN1_VALUE_NOT_FOUND`.
///
/// # Safety
/// `cert` is NULL or live during `'a`.
unsafe fn imported<'a>(cert: gnutls_x509_crt_t) -> Result<&'a Certificate, CallError> {
    // SAFETY: forwarded promise.
    Ok(unsafe { contents(cert) }?.ok_or(Error::Asn1ValueNotFound)?)
}

/// Copies `bytes` (and a NUL when `terminated`) to `buf`, by the
/// convention above.
///
/// # Safety
/// `size` is NULL or valid for reads and writes; `buf` is NULL or writable
/// for `*size` bytes.
pub(super) unsafe fn copy_out(
    bytes: &[u8],
    terminated: bool,
    buf: *mut c_void,
    size: *mut usize,
) -> Result<c_int, CallError> {
    // SAFETY: forwarded promise.
    let room = unsafe { args::object_mut(size, "size") }?;
    let needed = bytes.len() + usize::from(terminated);
    if buf.is_null() || *room < needed {
        *room = needed;
        return Err(Error::ShortMemoryBuffer.into());
    }
    // SAFETY: `buf` holds at least `needed` writable bytes.
    unsafe {
        let out = buf.cast::<u8>();
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), out, bytes.len());
        if terminated {
            out.add(bytes.len()).write(0);
        }
    }
    *room = bytes.len();
    Ok(0)
}

/// Writes `bytes` to `*out` as a datum from the C allocator (the caller
/// frees `out->data` with `gnutls_free`); returns 0.
///
/// # Safety
/// `out` is NULL or writable.
pub(super) unsafe fn give_bytes(
    out: *mut gnutls_datum_t,
    bytes: &[u8],
) -> Result<c_int, CallError> {
    args::out_param(out, "out")?;
    let datum = gnutls_datum_t::malloc_bytes(bytes)?;
    // SAFETY: checked non-NULL; writable by the caller's promise.
    unsafe { out.write(datum) };
    Ok(0)
}

/// An `*_export` call's answer: `encoded` (in `format`) copied to `buf`,
/// PEM with room for a NUL, by `copy_out`'s convention.
///
/// # Safety
/// As for [`copy_out`].
pub(super) unsafe fn export_out(
    encoded: &[u8],
    format: c_int,
    buf: *mut c_void,
    size: *mut usize,
) -> Result<c_int, CallError> {
    // SAFETY: forwarded promises.
    unsafe {
        copy_out(
            encoded,
            format == super::types::GNUTLS_X509_FMT_PEM,
            buf,
            size,
        )
    }
}

/// The time the certificate becomes valid (notBefore), in seconds since the
/// epoch; `(time_t)-1` for NULL, an empty object or an unreadable field.
///
/// # Safety
/// `cert` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_activation_time(
    cert: gnutls_x509_crt_t,
) -> libc::time_t {
    // SAFETY: forwarded promise.
    boundary::gnutls(|| Ok(unsafe { imported(cert) }?.validity()?.0))
}

/// The time the certificate expires (notAfter), as
/// `gnutls_x509_crt_get_activation_time`.
///
/// # Safety
/// `cert` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_expiration_time(
    cert: gnutls_x509_crt_t,
) -> libc::time_t {
    // SAFETY: forwarded promise.
    boundary::gnutls(|| Ok(unsafe { imported(cert) }?.validity()?.1))
}

/// The certificate's version (1, 2 or 3). An empty object answers 1, as
/// GnuTLS does. Returns `GNUTLS_E_INVALID_REQUEST` for NULL,
/// `GNUTLS_E_ASN1_DER_ERROR` for an unreadable field.
///
/// # Safety
/// `cert` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_version(cert: gnutls_x509_crt_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promise.
        match unsafe { contents(cert) }? {
            Some(c) => Ok(c.version()?),
            None => Ok(1),
        }
    })
}

/// Writes the digest of the certificate's DER with `algo` (SHA-1, SHA-256,
/// SHA-384, SHA-512) to `buf` (`*buf_size` bytes of room; the digest's
/// length is written back). Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER` with
/// the length needed in `*buf_size` (also for a NULL `buf`);
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE` for another algorithm;
/// `GNUTLS_E_ASN1_VALUE_NOT_FOUND` for an empty object;
/// `GNUTLS_E_INVALID_REQUEST` for NULL `cert` or `buf_size`.
///
/// # Safety
/// `cert` is NULL or live; `buf_size` is NULL or valid for reads and
/// writes; `buf` is NULL or writable for `*buf_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_fingerprint(
    cert: gnutls_x509_crt_t,
    algo: c_int,
    buf: *mut c_void,
    buf_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promises.
        unsafe {
            let digest = imported(cert)?.fingerprint(algo)?;
            copy_out(&digest, false, buf, buf_size)
        }
    })
}

/// Writes the certificate in `format` (DER, or PEM followed by a NUL not
/// counted in the length written back) to `output_data`. Returns 0;
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` with the room needed in
/// `*output_data_size`; `GNUTLS_E_ASN1_VALUE_NOT_FOUND` for an empty
/// object; `GNUTLS_E_INVALID_REQUEST` for NULL arguments or another format.
///
/// # Safety
/// As `gnutls_x509_crt_get_fingerprint`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_export(
    cert: gnutls_x509_crt_t,
    format: gnutls_x509_crt_fmt_t,
    output_data: *mut c_void,
    output_data_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promises.
        unsafe {
            export_out(
                &imported(cert)?.export(format)?,
                format,
                output_data,
                output_data_size,
            )
        }
    })
}

/// Writes the certificate in `format` to `*out`, allocated (free
/// `out->data` with `gnutls_free`; PEM is NUL-terminated, the NUL not
/// counted). Returns 0, or the errors of `gnutls_x509_crt_export` and
/// `GNUTLS_E_MEMORY_ERROR`; `*out` is untouched on failure.
///
/// # Safety
/// `cert` is NULL or live; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_export2(
    cert: gnutls_x509_crt_t,
    format: gnutls_x509_crt_fmt_t,
    out: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(out, "out")?;
        // SAFETY: forwarded promises.
        unsafe { give_bytes(out, &imported(cert)?.export(format)?) }
    })
}

/// Writes a DN string and its NUL to `buf`, by the convention above; an
/// empty object has none (`GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE`).
///
/// # Safety
/// As `copy_out`; `cert` is NULL or live.
unsafe fn dn_out(
    cert: gnutls_x509_crt_t,
    buf: *mut c_char,
    buf_size: *mut usize,
    which: impl FnOnce(&Certificate) -> Result<String, Error>,
) -> Result<c_int, CallError> {
    // SAFETY: forwarded promises.
    unsafe {
        let cert = contents(cert)?.ok_or(Error::RequestedDataNotAvailable)?;
        copy_out(which(cert)?.as_bytes(), true, buf.cast(), buf_size)
    }
}

/// Writes the subject DN as an RFC 4514 string, NUL-terminated, to `buf`.
/// Returns 0 with the length (without the NUL) in `*buf_size`;
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` with the room needed (NUL included);
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` for an empty object;
/// `GNUTLS_E_INVALID_REQUEST` for NULL `cert` or `buf_size`.
///
/// # Safety
/// `cert` is NULL or live; `buf_size` is NULL or valid for reads and
/// writes; `buf` is NULL or writable for `*buf_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_dn(
    cert: gnutls_x509_crt_t,
    buf: *mut c_char,
    buf_size: *mut usize,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { dn_out(cert, buf, buf_size, |c| c.subject_dn(0)) })
}

/// As `gnutls_x509_crt_get_dn`, for the issuer's DN.
///
/// # Safety
/// As `gnutls_x509_crt_get_dn`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_issuer_dn(
    cert: gnutls_x509_crt_t,
    buf: *mut c_char,
    buf_size: *mut usize,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { dn_out(cert, buf, buf_size, |c| c.issuer_dn(0)) })
}

/// `gnutls_x509_crt_get_dn3` with no flags.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_dn2(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe { super::x509::gnutls_x509_crt_get_dn3(cert, dn, 0) }
}

/// `gnutls_x509_crt_get_issuer_dn3` with no flags.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_issuer_dn2(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe { super::x509::gnutls_x509_crt_get_issuer_dn3(cert, dn, 0) }
}

/// `gnutls_x509_crt_check_hostname2` with no flags.
///
/// # Safety
/// `cert` is NULL or live; `hostname` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_check_hostname(
    cert: gnutls_x509_crt_t,
    hostname: *const c_char,
) -> c_uint {
    // SAFETY: forwarded promises.
    unsafe { gnutls_x509_crt_check_hostname2(cert, hostname, 0) }
}

/// Returns 1 when the certificate is for `hostname`, else 0 (also for NULL
/// arguments, an empty object or a name that is not UTF-8). An IPv4 or IPv6
/// address is matched against the certificate's iPAddress entries only,
/// unless `flags` has `GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES`. A name is
/// matched against its dNSName entries (without case; a `*` first label
/// stands for one label), or, when it has neither dNSName nor iPAddress
/// entries and may serve a web server (extendedKeyUsage absent, serverAuth
/// or any), against its single CN.
///
/// # Safety
/// As `gnutls_x509_crt_check_hostname`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_check_hostname2(
    cert: gnutls_x509_crt_t,
    hostname: *const c_char,
    flags: c_uint,
) -> c_uint {
    boundary::gnutls_or(0, || {
        // SAFETY: forwarded promises.
        let (cert, hostname) = unsafe { (imported(cert)?, args::utf8(hostname, "hostname")?) };
        Ok(c_uint::from(cert.check_hostname(hostname, flags)))
    })
}

/// Writes the serial number (its bytes as encoded, big-endian) to `result`,
/// by the buffer convention above. Returns 0;
/// `GNUTLS_E_SHORT_MEMORY_BUFFER`; `GNUTLS_E_ASN1_VALUE_NOT_FOUND` for an
/// empty object; `GNUTLS_E_INVALID_REQUEST` for NULL `cert` or
/// `result_size`.
///
/// # Safety
/// As `gnutls_x509_crt_get_fingerprint`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_serial(
    cert: gnutls_x509_crt_t,
    result: *mut c_void,
    result_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promises.
        unsafe { copy_out(&imported(cert)?.serial()?, false, result, result_size) }
    })
}

/// The `indx`-th value of the subject's attributes of type `oid` (dotted,
/// such as "2.5.4.3" for CN): as a NUL-terminated string, or with `raw_flag`
/// its DER, written by the buffer convention above. Returns 0;
/// `GNUTLS_E_SHORT_MEMORY_BUFFER`; `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE`
/// when there is no such value or the object is empty;
/// `GNUTLS_E_INVALID_REQUEST` for NULL `cert`, `oid` or `buf_size`.
///
/// # Safety
/// `cert` is NULL or live; `oid` is NULL or NUL-terminated; `buf_size` is
/// NULL or valid for reads and writes; `buf` is NULL or writable for
/// `*buf_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_dn_by_oid(
    cert: gnutls_x509_crt_t,
    oid: *const c_char,
    indx: c_uint,
    raw_flag: c_uint,
    buf: *mut c_void,
    buf_size: *mut usize,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { dn_value_out(false, cert, oid, indx, raw_flag, buf, buf_size) })
}

/// As `gnutls_x509_crt_get_dn_by_oid`, for the issuer's DN.
///
/// # Safety
/// As `gnutls_x509_crt_get_dn_by_oid`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_issuer_dn_by_oid(
    cert: gnutls_x509_crt_t,
    oid: *const c_char,
    indx: c_uint,
    raw_flag: c_uint,
    buf: *mut c_void,
    buf_size: *mut usize,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { dn_value_out(true, cert, oid, indx, raw_flag, buf, buf_size) })
}

/// The body of the two `_dn_by_oid` exports.
///
/// # Safety
/// As `gnutls_x509_crt_get_dn_by_oid`.
unsafe fn dn_value_out(
    issuer: bool,
    cert: gnutls_x509_crt_t,
    oid: *const c_char,
    indx: c_uint,
    raw_flag: c_uint,
    buf: *mut c_void,
    buf_size: *mut usize,
) -> Result<c_int, CallError> {
    // SAFETY: forwarded promises.
    unsafe {
        let oid = args::utf8(oid, "oid")?;
        let cert = contents(cert)?.ok_or(Error::RequestedDataNotAvailable)?;
        let index = usize::try_from(indx).map_err(|_| Error::RequestedDataNotAvailable)?;
        let value = cert.dn_value(issuer, oid, index, raw_flag != 0)?;
        copy_out(&value, raw_flag == 0, buf, buf_size)
    }
}

/// Returns 1 when `issuer`'s subject DN is `cert`'s issuer DN (compared as
/// encoded), else 0 (also for NULL or empty objects).
///
/// # Safety
/// `cert` and `issuer` are NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_check_issuer(
    cert: gnutls_x509_crt_t,
    issuer: gnutls_x509_crt_t,
) -> c_uint {
    boundary::gnutls_or(0, || {
        // SAFETY: forwarded promises.
        let (cert, issuer) = unsafe { (imported(cert)?, imported(issuer)?) };
        Ok(c_uint::from(cert.is_issued_by(issuer)))
    })
}

/// `gnutls_x509_subject_alt_name_t`: the kind of a subjectAltName entry.
#[allow(non_camel_case_types)]
pub type gnutls_x509_subject_alt_name_t = c_int;
/// A DNS name.
pub const GNUTLS_SAN_DNSNAME: gnutls_x509_subject_alt_name_t = 1;
/// An e-mail address.
pub const GNUTLS_SAN_RFC822NAME: gnutls_x509_subject_alt_name_t = 2;
/// A URI.
pub const GNUTLS_SAN_URI: gnutls_x509_subject_alt_name_t = 3;
/// An IP address (4 or 16 bytes).
pub const GNUTLS_SAN_IPADDRESS: gnutls_x509_subject_alt_name_t = 4;
/// An otherName.
pub const GNUTLS_SAN_OTHERNAME: gnutls_x509_subject_alt_name_t = 5;
/// A directoryName.
pub const GNUTLS_SAN_DN: gnutls_x509_subject_alt_name_t = 6;
/// A registeredID.
pub const GNUTLS_SAN_REGISTERED_ID: gnutls_x509_subject_alt_name_t = 7;

/// Entry `seq` of the subjectAltName, its type and critical flag.
///
/// # Safety
/// As for `gnutls_x509_crt_get_subject_alt_name2`.
unsafe fn alt_name(
    cert: gnutls_x509_crt_t,
    seq: c_uint,
    san: *mut c_void,
    san_size: *mut usize,
    critical: *mut c_uint,
) -> Result<c_int, CallError> {
    // GnuTLS 3.7 never writes `critical` (whatever its documentation says).
    let _ = critical;
    // SAFETY: forwarded promise.
    let cert = unsafe { contents(cert) }?.ok_or(Error::RequestedDataNotAvailable)?;
    let seq = usize::try_from(seq).map_err(|_| CallError::Length("seq"))?;
    let (kind, value, _critical) = cert.subject_alt_name(seq)?;
    let text = matches!(
        kind,
        GNUTLS_SAN_DNSNAME | GNUTLS_SAN_RFC822NAME | GNUTLS_SAN_URI
    );
    // SAFETY: forwarded promises.
    unsafe { copy_out(&value, text, san, san_size) }?;
    Ok(kind)
}

/// Writes entry `seq` (from 0) of the certificate's subjectAltName to
/// `san`, which holds `*san_size` bytes: names as NUL-terminated text
/// (`*san_size` becomes the length without the NUL), addresses as their 4
/// or 16 bytes, other kinds as DER. `critical` is not written, as in
/// GnuTLS 3.7. Returns the entry's type
/// (`GNUTLS_SAN_DNSNAME`, `_RFC822NAME`, `_URI`, `_IPADDRESS`, ...);
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` past the last entry, without
/// the extension, or for an empty object; `GNUTLS_E_SHORT_MEMORY_BUFFER`
/// with the size needed in
/// `*san_size` when it does not fit or `san` is NULL;
/// `GNUTLS_E_INVALID_REQUEST` for a NULL certificate or `san_size`.
///
/// # Safety
/// `cert` is NULL or live; `san_size` is NULL or readable and writable;
/// `san` is NULL or writable for `*san_size` bytes; `critical` is not used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_subject_alt_name(
    cert: gnutls_x509_crt_t,
    seq: c_uint,
    san: *mut c_void,
    san_size: *mut usize,
    critical: *mut c_uint,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { alt_name(cert, seq, san, san_size, critical) })
}

/// As `gnutls_x509_crt_get_subject_alt_name`, also writing the entry's
/// type to `*san_type` when not NULL.
///
/// # Safety
/// As for `gnutls_x509_crt_get_subject_alt_name`; `san_type` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_subject_alt_name2(
    cert: gnutls_x509_crt_t,
    seq: c_uint,
    san: *mut c_void,
    san_size: *mut usize,
    san_type: *mut c_uint,
    critical: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promises.
        let kind = unsafe { alt_name(cert, seq, san, san_size, critical) }?;
        if !san_type.is_null() {
            // SAFETY: non-NULL; writable by the caller's promise.
            unsafe { san_type.write(c_uint::try_from(kind).unwrap_or(0)) };
        }
        Ok(kind)
    })
}

/// # Safety
/// As for `gnutls_x509_crt_get_raw_dn`.
unsafe fn raw_dn(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
    issuer: bool,
) -> Result<c_int, CallError> {
    args::out_param(dn, "dn")?;
    // SAFETY: forwarded promise.
    let der = match unsafe { contents(cert) }? {
        Some(cert) => cert.raw_dn(issuer)?,
        // GnuTLS answers an empty object with an empty Name.
        None => crate::x509::authorities::name_der(&[]),
    };
    // SAFETY: checked non-NULL; writable by the caller's promise.
    unsafe { give_bytes(dn, &der) }
}

/// Writes the DER of the certificate's subject Name to `*dn`, allocated
/// (free `dn->data` with `gnutls_free`); an empty object gives an empty
/// Name (an empty SEQUENCE), as in GnuTLS. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments; `*dn` is written only on
/// success.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_raw_dn(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { raw_dn(cert, dn, false) })
}

/// As `gnutls_x509_crt_get_raw_dn`, for the issuer's Name.
///
/// # Safety
/// `cert` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_raw_issuer_dn(
    cert: gnutls_x509_crt_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    boundary::gnutls(|| unsafe { raw_dn(cert, dn, true) })
}
