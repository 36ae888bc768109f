//! Certificate revocation list objects (`gnutls_x509_crl_t`): import from
//! PEM or DER, the fields GnuTLS's accessors return, export, and their use
//! in `gnutls_x509_crt_check_revocation` and
//! `gnutls_certificate_set_x509_crl`.

use std::ffi::{c_char, c_int, c_uchar, c_uint, c_void};

use super::credentials::{creds, datum, gnutls_certificate_credentials_t};
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED, certificate, gnutls_x509_crt_t};
use super::x509_fields::{copy_out, export_out, give_bytes};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::crl::Crl;

/// A CRL object (opaque): empty until something is imported into it.
#[allow(non_camel_case_types)]
pub struct gnutls_x509_crl_int {
    crl: Option<Crl>,
}

/// A CRL handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_crl_t = *mut gnutls_x509_crl_int;

/// A handle's object holding `crl`.
fn crl_object(crl: Crl) -> gnutls_x509_crl_int {
    gnutls_x509_crl_int { crl: Some(crl) }
}

/// The CRL a handle holds: `GNUTLS_E_INVALID_REQUEST` for NULL or an
/// empty object.
///
/// # Safety
/// `crl` is NULL or live during `'a`.
unsafe fn held<'a>(crl: gnutls_x509_crl_t) -> Result<&'a Crl, CallError> {
    // SAFETY: forwarded promise.
    let handle = unsafe { args::object(crl.cast_const(), "crl") }?;
    Ok(handle.crl.as_ref().ok_or(Error::InvalidRequest)?)
}

/// The CRLs of a list argument.
///
/// # Safety
/// `list` is NULL (with `size` 0) or holds `size` live handles.
unsafe fn crls_of<'a>(
    list: *const gnutls_x509_crl_t,
    size: usize,
) -> Result<Vec<&'a Crl>, CallError> {
    if size == 0 {
        return Ok(Vec::new());
    }
    if list.is_null() {
        return Err(CallError::Null("crl_list"));
    }
    // SAFETY: non-NULL and holds `size` handles by the caller's promise.
    let handles = unsafe { std::slice::from_raw_parts(list, size) };
    // SAFETY: each handle is live by the caller's promise.
    handles.iter().map(|&h| unsafe { held(h) }).collect()
}

/// Creates an empty CRL object and writes it to `*crl`; free it with
/// `gnutls_x509_crl_deinit`. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a
/// NULL `crl`.
///
/// # Safety
/// `crl` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_init(crl: *mut gnutls_x509_crl_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(crl, "crl")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(crl, gnutls_x509_crl_int { crl: None }) };
        Ok(0)
    })
}

/// Frees a CRL object; NULL is ignored.
///
/// # Safety
/// `crl` is NULL or from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_deinit(crl: gnutls_x509_crl_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(crl) };
        Ok(())
    })
}

/// Imports the (first) CRL in `data` (PEM `X509 CRL`, or DER, as `format`
/// says) into `crl`, replacing what it held; `data` is copied. Returns 0,
/// `GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR` for PEM without a CRL,
/// `GNUTLS_E_ASN1_TAG_ERROR` for DER that is no CRL, or
/// `GNUTLS_E_INVALID_REQUEST`; on failure `crl` is left as it was.
///
/// # Safety
/// `crl` is NULL or live; `data` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_import(
    crl: gnutls_x509_crl_t,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, bytes) = unsafe { (args::object_mut(crl, "crl")?, datum(data, "data")?) };
        handle.crl = Some(Crl::import(bytes, format)?);
        Ok(0)
    })
}

/// Imports every CRL in `data` into a new array of new CRL objects, written
/// to `*crls` with their number in `*size`: free each with
/// `gnutls_x509_crl_deinit` and the array with `gnutls_free`. `flags` are
/// ignored. Returns 0 or the errors of `gnutls_x509_crl_import`.
///
/// # Safety
/// `crls` and `size` are NULL or writable; `data` is NULL or a datum
/// holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_list_import2(
    crls: *mut *mut gnutls_x509_crl_t,
    size: *mut c_uint,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        args::out_param(crls, "crls")?;
        args::out_param(size, "size")?;
        // SAFETY: NULL or a valid datum, by the caller's promise.
        let list = Crl::import_list(unsafe { datum(data, "data") }?, format)?;
        let (array, count) = args::malloc_handles(list, crl_object)?;
        // SAFETY: both checked non-NULL; writable by the caller's promise.
        unsafe {
            crls.write(array);
            size.write(count);
        }
        Ok(0)
    })
}

/// Imports the CRLs in `data` into the `*crl_max` new objects `crls` has
/// room for, and writes how many to `*crl_max`. With more CRLs than room,
/// `GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED` in `flags` fails with
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` (`*crl_max` set to the number needed);
/// without it the first `*crl_max` are imported. Returns the number
/// imported or a negative code (those of `gnutls_x509_crl_import`).
///
/// # Safety
/// `crls` is NULL or writable for `*crl_max` handles; `crl_max` is NULL or
/// readable and writable; `data` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_list_import(
    crls: *mut gnutls_x509_crl_t,
    crl_max: *mut c_uint,
    data: *const gnutls_datum_t,
    format: gnutls_x509_crt_fmt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(crl_max, "crl_max")?;
        // SAFETY: checked non-NULL; readable by the caller's promise.
        let room =
            usize::try_from(unsafe { crl_max.read() }).map_err(|_| CallError::Length("crl_max"))?;
        // SAFETY: NULL or a valid datum, by the caller's promise.
        let mut list = Crl::import_list(unsafe { datum(data, "data") }?, format)?;
        if list.len() > room {
            if flags & GNUTLS_X509_CRT_LIST_IMPORT_FAIL_IF_EXCEED != 0 {
                let needed = c_uint::try_from(list.len()).map_err(|_| CallError::NoMemory)?;
                // SAFETY: checked non-NULL; writable by the caller's promise.
                unsafe { crl_max.write(needed) };
                return Err(Error::ShortMemoryBuffer.into());
            }
            list.truncate(room);
        }
        // SAFETY: `crls` holds `room` entries and the list fits.
        let count = unsafe { args::fill_handles(crls, list, crl_object) }?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { crl_max.write(count) };
        Ok(c_int::try_from(count).unwrap_or(c_int::MAX))
    })
}

/// The CRL's version (1 or 2), or `GNUTLS_E_INVALID_REQUEST` for NULL or an
/// empty object.
///
/// # Safety
/// `crl` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_version(crl: gnutls_x509_crl_t) -> c_int {
    // SAFETY: forwarded promise.
    boundary::gnutls(|| Ok(unsafe { held(crl) }?.version()))
}

/// When the CRL was issued (thisUpdate), in seconds since the epoch;
/// `(time_t)-1` for NULL or an empty object.
///
/// # Safety
/// `crl` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_this_update(crl: gnutls_x509_crl_t) -> libc::time_t {
    // SAFETY: forwarded promise.
    boundary::gnutls(|| Ok(unsafe { held(crl) }?.this_update()))
}

/// When the next CRL is due (nextUpdate), in seconds since the epoch;
/// `(time_t)-1` when the CRL gives none, for NULL or an empty object.
///
/// # Safety
/// `crl` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_next_update(crl: gnutls_x509_crl_t) -> libc::time_t {
    // SAFETY: forwarded promise.
    boundary::gnutls(|| Ok(unsafe { held(crl) }?.next_update()))
}

/// How many certificates the CRL revokes, or `GNUTLS_E_INVALID_REQUEST`
/// for NULL or an empty object.
///
/// # Safety
/// `crl` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_crt_count(crl: gnutls_x509_crl_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: forwarded promise.
        Ok(c_int::try_from(unsafe { held(crl) }?.count()).unwrap_or(c_int::MAX))
    })
}

/// Copies the serial number of the `indx`-th revoked certificate to
/// `serial` (`*serial_size` bytes of room; the length written goes there)
/// and its revocation time to `*t` when `t` is not NULL. Returns 0,
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` when it does not fit (`*serial_size`
/// unchanged, as in GnuTLS), `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` past
/// the last one, or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `serial` is NULL or writable for `*serial_size`
/// bytes; `serial_size` is NULL or readable and writable; `t` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_crt_serial(
    crl: gnutls_x509_crl_t,
    indx: c_uint,
    serial: *mut c_uchar,
    serial_size: *mut usize,
    t: *mut libc::time_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (crl, room) = unsafe { (held(crl)?, args::object_mut(serial_size, "serial_size")?) };
        let index = usize::try_from(indx).map_err(|_| CallError::Length("indx"))?;
        let (number, when) = crl.revoked(index)?;
        if serial.is_null() || *room < number.len() {
            return Err(Error::ShortMemoryBuffer.into());
        }
        // SAFETY: `serial` holds at least `number.len()` writable bytes.
        unsafe { std::ptr::copy_nonoverlapping(number.as_ptr(), serial, number.len()) };
        *room = number.len();
        if !t.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { t.write(when) };
        }
        Ok(0)
    })
}

/// Copies the issuer's DN (an RFC 4514 string, NUL-terminated) to `buf`,
/// which holds `*sizeof_buf` bytes; `*sizeof_buf` becomes its length
/// without the NUL. Returns 0, `GNUTLS_E_SHORT_MEMORY_BUFFER` with the
/// size needed (NUL included) in `*sizeof_buf` when `buf` is NULL or too
/// small, or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `buf` is NULL or writable for `*sizeof_buf`
/// bytes; `sizeof_buf` is NULL or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_issuer_dn(
    crl: gnutls_x509_crl_t,
    buf: *mut c_char,
    sizeof_buf: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let text = held(crl)?.issuer_dn(0)?;
            copy_out(text.as_bytes(), true, buf.cast::<c_void>(), sizeof_buf)
        }
    })
}

/// Writes the issuer's DN (RFC 4514, or in encoding order with
/// `GNUTLS_X509_DN_FLAG_COMPAT` in `flags`) to `*dn`, allocated: free
/// `dn->data` with `gnutls_free`. Returns 0 or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_issuer_dn3(
    crl: gnutls_x509_crl_t,
    dn: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dn, "dn")?;
        // SAFETY: the caller's promise.
        let text = unsafe { held(crl) }?.issuer_dn(flags)?;
        let value = gnutls_datum_t::malloc_text(&text)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { dn.write(value) };
        Ok(0)
    })
}

/// `gnutls_x509_crl_get_issuer_dn3` with `flags` 0.
///
/// # Safety
/// As for `gnutls_x509_crl_get_issuer_dn3`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_issuer_dn2(
    crl: gnutls_x509_crl_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe { gnutls_x509_crl_get_issuer_dn3(crl, dn, 0) }
}

/// Writes the DER of the issuer's Name to `*dn`, allocated: free
/// `dn->data` with `gnutls_free`. Returns 0 or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `dn` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_raw_issuer_dn(
    crl: gnutls_x509_crl_t,
    dn: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dn, "dn")?;
        // SAFETY: the caller's promises.
        unsafe { give_bytes(dn, &held(crl)?.raw_issuer()) }
    })
}

/// Copies the CRL as DER or PEM (`format`) to `output_data`, which holds
/// `*output_data_size` bytes; the length written goes there. Returns 0,
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` with the size needed in
/// `*output_data_size`, or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `output_data` is NULL or writable for
/// `*output_data_size` bytes; `output_data_size` is NULL or readable and
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_export(
    crl: gnutls_x509_crl_t,
    format: gnutls_x509_crt_fmt_t,
    output_data: *mut c_void,
    output_data_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            export_out(
                &held(crl)?.export(format)?,
                format,
                output_data,
                output_data_size,
            )
        }
    })
}

/// Writes the CRL as DER or PEM (`format`) to `*out`, allocated: free
/// `out->data` with `gnutls_free`. Returns 0 or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `crl` is NULL or live; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_export2(
    crl: gnutls_x509_crl_t,
    format: gnutls_x509_crt_fmt_t,
    out: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(out, "out")?;
        // SAFETY: the caller's promises.
        unsafe { give_bytes(out, &held(crl)?.export(format)?) }
    })
}

/// Would write a description of the CRL to `*out`: not implemented by
/// stepup (`GNUTLS_E_UNIMPLEMENTED_FEATURE`). `*out` (when not NULL) is set
/// empty (`data` NULL, `size` 0), so a caller that frees `out->data`
/// whatever the result frees nothing.
///
/// # Safety
/// `out` is NULL or writable; `crl` is not read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_print(
    crl: gnutls_x509_crl_t,
    format: super::x509_key::gnutls_certificate_print_formats_t,
    out: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (crl, format);
        if !out.is_null() {
            // SAFETY: non-NULL and writable by the caller's promise.
            unsafe { out.write(gnutls_datum_t::empty()) };
        }
        Err(Error::Unimplemented.into())
    })
}

/// Would copy the CRL number extension into `ret`: not implemented by
/// stepup (`GNUTLS_E_UNIMPLEMENTED_FEATURE`); nothing is written.
///
/// # Safety
/// Any arguments; none is read or written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_number(
    crl: gnutls_x509_crl_t,
    ret: *mut c_void,
    ret_size: *mut usize,
    critical: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (crl, ret, ret_size, critical);
        Err(Error::Unimplemented.into())
    })
}

/// Whether one of the `crl_list_length` CRLs of `crl_list` revokes `cert`
/// (its issuer is the certificate's issuer and it lists the serial
/// number): 1 if so, 0 if not, or `GNUTLS_E_INVALID_REQUEST` for NULL or
/// empty objects. The CRLs' signatures are not checked here.
///
/// # Safety
/// `cert` is NULL or live; `crl_list` is NULL (with a length of 0) or holds
/// that many live CRL handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_check_revocation(
    cert: gnutls_x509_crt_t,
    crl_list: *const gnutls_x509_crl_t,
    crl_list_length: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let length =
            usize::try_from(crl_list_length).map_err(|_| CallError::Length("crl_list_length"))?;
        // SAFETY: the caller's promises.
        let (cert, crls) = unsafe { (certificate(cert)?, crls_of(crl_list, length)?) };
        Ok(c_int::from(crls.iter().any(|crl| crl.revokes(cert))))
    })
}

/// Adds copies of the `crl_list_size` CRLs of `crl_list` to the
/// credentials' trust list (as `gnutls_certificate_set_x509_crl_mem`
/// does); the caller still owns and frees its objects. Returns the number
/// added or a negative code; on an error nothing is added.
///
/// # Safety
/// `res` is NULL or live; `crl_list` is NULL (with a size of 0) or holds
/// that many live CRL handles.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_crl(
    res: gnutls_certificate_credentials_t,
    crl_list: *mut gnutls_x509_crl_t,
    crl_list_size: c_int,
) -> c_int {
    boundary::gnutls(|| {
        let size =
            usize::try_from(crl_list_size).map_err(|_| CallError::Length("crl_list_size"))?;
        // SAFETY: the caller's promises.
        let (creds, crls) = unsafe { (creds(res)?, crls_of(crl_list.cast_const(), size)?) };
        let ders = crls.iter().map(|c| c.der().to_vec()).collect();
        let added = creds.trust_list().add_crl_der(ders)?;
        Ok(c_int::try_from(added).unwrap_or(c_int::MAX))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gnutls::error_codes::GNUTLS_E_UNIMPLEMENTED_FEATURE;

    #[test]
    fn print_clears_its_output_so_a_caller_may_free_it() {
        // A caller's datum pointing at its own (static) data, as GnuTLS's
        // tests hand it in before freeing whatever comes back.
        static TEXT: [u8; 4] = *b"text";
        let mut out = gnutls_datum_t {
            data: TEXT.as_ptr().cast_mut(),
            size: 4,
        };
        let mut crl = std::ptr::null_mut();
        // SAFETY: valid pointers; the object is freed below.
        unsafe {
            assert_eq!(gnutls_x509_crl_init(&mut crl), 0);
            assert_eq!(
                gnutls_x509_crl_print(crl, 0, &mut out),
                GNUTLS_E_UNIMPLEMENTED_FEATURE
            );
            gnutls_x509_crl_deinit(crl);
        }
        assert!(out.data.is_null());
        assert_eq!(out.size, 0);
    }
}
