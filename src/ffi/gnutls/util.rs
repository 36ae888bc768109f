//! Data helpers: `gnutls_hex_encode2`, `gnutls_pem_base64_decode2`,
//! `gnutls_load_file`, and `gnutls_buffer_append_data` for the buffers
//! GnuTLS hands to extension callbacks.

use std::ffi::{c_char, c_int, c_uint, c_void};
use std::os::unix::ffi::OsStrExt;

use super::buffer::gnutls_buffer_t;
use super::credentials::datum;
use super::types::gnutls_datum_t;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::util;

/// Copies `bytes` into memory from the C allocator (freed with
/// `gnutls_free`), with a NUL after them that `size` does not count.
pub(super) fn malloc_datum(bytes: &[u8]) -> Result<gnutls_datum_t, CallError> {
    let size = c_uint::try_from(bytes.len()).map_err(|_| CallError::NoMemory)?;
    // SAFETY: malloc with a non-zero size; the result is checked for NULL.
    let data = unsafe { libc::malloc(bytes.len() + 1) }.cast::<u8>();
    if data.is_null() {
        return Err(CallError::NoMemory);
    }
    // SAFETY: `data` holds len + 1 bytes; the source holds len readable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
        data.add(bytes.len()).write(0);
    }
    Ok(gnutls_datum_t { data, size })
}

/// Takes the bytes an application's callback handed over in `datum`
/// (from `gnutls_malloc`): a copy wiped on drop, the original wiped and
/// freed. `None` when the data pointer is NULL.
///
/// # Safety
/// `datum.data` is NULL or `datum.size` bytes from the C allocator that
/// nothing else owns or frees.
pub(super) unsafe fn take_malloced(datum: &gnutls_datum_t) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    use zeroize::Zeroize;
    if datum.data.is_null() {
        return None;
    }
    let len = usize::try_from(datum.size).unwrap_or(0);
    // SAFETY: `size` bytes at `data`, ours now, by the caller's promise.
    let slice = unsafe { std::slice::from_raw_parts_mut(datum.data, len) };
    let copy = zeroize::Zeroizing::new(slice.to_vec());
    slice.zeroize();
    // SAFETY: allocated with `gnutls_malloc`, i.e. `malloc`; freed once.
    unsafe { libc::free(datum.data.cast::<c_void>()) };
    Some(copy)
}

/// Reads the file `filename` into `*data`, in memory the caller frees with
/// `gnutls_free` (a NUL follows the bytes; `data->size` does not count it).
/// Returns 0; `GNUTLS_E_FILE_ERROR` when the file cannot be read;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments; `GNUTLS_E_MEMORY_ERROR`.
/// `*data` is written only on success.
///
/// # Safety
/// `filename` is NULL or a NUL-terminated string; `data` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_load_file(
    filename: *const c_char,
    data: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(data, "data")?;
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let path = unsafe { args::cstr(filename, "filename") }?;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(path.to_bytes()));
        let bytes = std::fs::read(path).map_err(|_| crate::gnutls::Error::FileError)?;
        let out = malloc_datum(&bytes)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { data.write(out) };
        Ok(0)
    })
}

/// Writes the lower-case hex of `data` to `*result` as a NUL-terminated
/// string (`result->size`: its length without the NUL) that the caller
/// frees with `gnutls_free`. Empty data gives an empty string. Returns 0;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments; `GNUTLS_E_MEMORY_ERROR`.
/// `*result` is written only on success.
///
/// # Safety
/// `data` is NULL or a datum holding `size` bytes; `result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hex_encode2(
    data: *const gnutls_datum_t,
    result: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(result, "result")?;
        // SAFETY: NULL or a valid datum, by the caller's promise.
        let bytes = unsafe { datum(data, "data") }?;
        let out = malloc_datum(util::hex_encode(bytes).as_bytes())?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { result.write(out) };
        Ok(0)
    })
}

/// Decodes the first PEM block in `b64_data` whose label starts with
/// `header` ("CERTIFICATE" matches "-----BEGIN CERTIFICATE-----"; NULL:
/// any label) and writes its bytes to `*result`, in memory the caller frees
/// with `gnutls_free`. Returns 0; `GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR`
/// when there is no such block; `GNUTLS_E_BASE64_DECODING_ERROR` when its
/// body is not base64; `GNUTLS_E_INVALID_REQUEST` for NULL `b64_data` or
/// `result`; `GNUTLS_E_MEMORY_ERROR`. `*result` is written only on success.
///
/// # Safety
/// `header` is NULL or NUL-terminated; `b64_data` is NULL or a datum holding
/// `size` bytes; `result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pem_base64_decode2(
    header: *const c_char,
    b64_data: *const gnutls_datum_t,
    result: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(result, "result")?;
        // SAFETY: the caller's promises.
        let (header, bytes) = unsafe {
            (
                args::optional_utf8(header, "header")?,
                datum(b64_data, "b64_data")?,
            )
        };
        let decoded = zeroize::Zeroizing::new(util::pem_decode(header, bytes)?);
        let out = malloc_datum(&decoded)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { result.write(out) };
        Ok(0)
    })
}

/// Appends `data_size` bytes of `data` to a buffer the library handed to a
/// callback (an extension's send or pack function). Returns 0;
/// `GNUTLS_E_INVALID_REQUEST` for a NULL `buf` (or NULL `data` with a
/// non-zero size); `GNUTLS_E_MEMORY_ERROR` when the buffer cannot grow (it
/// is then unchanged).
///
/// # Safety
/// `buf` is NULL or a buffer the library passed to the running callback;
/// `data` is NULL or valid for reads of `data_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_buffer_append_data(
    buf: gnutls_buffer_t,
    data: *const c_void,
    data_size: usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (buffer, bytes) = unsafe {
            (
                args::object_mut(buf, "buf")?,
                args::bytes(data, data_size, "data")?,
            )
        };
        buffer
            .data
            .try_reserve(bytes.len())
            .map_err(|_| CallError::NoMemory)?;
        buffer.data.extend_from_slice(bytes);
        Ok(0)
    })
}

/// Maps the host name `input` (`ilen` bytes) to its IDNA (ASCII) form in
/// `*out`, freed by the caller with `gnutls_free`. A name of printable
/// ASCII is copied unchanged; converting internationalised names is not
/// supported (`GNUTLS_E_UNIMPLEMENTED_FEATURE`, as GnuTLS built without
/// libidn2). `flags` are ignored. Returns 0 or a negative code
/// (`GNUTLS_E_INVALID_REQUEST` for NULL arguments); `*out` is written only
/// on success.
///
/// # Safety
/// `input` is NULL or holds `ilen` readable bytes; `out` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_idna_map(
    input: *const c_char,
    ilen: c_uint,
    out: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        args::out_param(out, "out")?;
        let len = usize::try_from(ilen).map_err(|_| CallError::Length("ilen"))?;
        // SAFETY: the caller's promise.
        let name = unsafe { args::bytes(input.cast::<c_void>(), len, "input") }?;
        if !name.iter().all(|b| (0x20..0x7f).contains(b)) {
            return Err(crate::gnutls::Error::Unimplemented.into());
        }
        let mapped = malloc_datum(name)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { out.write(mapped) };
        Ok(0)
    })
}

/// The PEM text `gnutls_pem_base64_encode*` writes: a block labelled
/// `msg`, or without a label (NULL or empty) the bare base64 on one line.
fn pem_text(msg: Option<&str>, data: &[u8]) -> String {
    match msg.filter(|m| !m.is_empty()) {
        Some(label) => util::pem(label, data),
        None => util::base64(data),
    }
}

/// Writes `data` as a PEM block labelled `msg` ("-----BEGIN msg-----", the
/// base64 in lines of 64, "-----END msg-----"; NULL or empty `msg`: the
/// base64 alone, on one line) to `result`, which holds `*result_size`
/// bytes; `*result_size` becomes the text's length. As in GnuTLS, no NUL is
/// written, though room for one is required. Returns 0;
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` with the size needed (the length plus
/// one) when it does not fit or `result` is NULL;
/// `GNUTLS_E_INVALID_REQUEST` for NULL `data` or `result_size`.
///
/// # Safety
/// `msg` is NULL or NUL-terminated; `data` is NULL or a datum holding
/// `size` bytes; `result_size` is NULL or readable and writable; `result` is
/// NULL or writable for `*result_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pem_base64_encode(
    msg: *const c_char,
    data: *const gnutls_datum_t,
    result: *mut c_char,
    result_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let text = unsafe { pem_text(args::optional_utf8(msg, "msg")?, datum(data, "data")?) };
        // SAFETY: NULL or readable and writable.
        let room = unsafe { args::object_mut(result_size, "result_size") }?;
        // GnuTLS asks for room for a NUL it does not write.
        if result.is_null() || *room < text.len() + 1 {
            *room = text.len() + 1;
            return Err(crate::gnutls::Error::ShortMemoryBuffer.into());
        }
        // SAFETY: `result` holds at least `*room` > text.len() bytes.
        unsafe { std::ptr::copy_nonoverlapping(text.as_ptr(), result.cast::<u8>(), text.len()) };
        *room = text.len();
        Ok(0)
    })
}

/// As `gnutls_pem_base64_encode`, into `*result`, allocated (free
/// `result->data` with `gnutls_free`; NUL-terminated, the NUL not counted).
/// `*result` is written only on success.
///
/// # Safety
/// `msg` is NULL or NUL-terminated; `data` is NULL or a datum holding
/// `size` bytes; `result` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_pem_base64_encode2(
    msg: *const c_char,
    data: *const gnutls_datum_t,
    result: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(result, "result")?;
        // SAFETY: the caller's promises.
        let text = unsafe { pem_text(args::optional_utf8(msg, "msg")?, datum(data, "data")?) };
        let out = gnutls_datum_t::malloc_text(&text)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { result.write(out) };
        Ok(0)
    })
}
