//! GnuTLS's hash and HMAC API: `gnutls_hash_*`, `gnutls_hmac_*`,
//! `gnutls_fingerprint` and `gnutls_digest_get_id`. SHA-1 and SHA-2 (256,
//! 384, 512) are computed; other algorithms give
//! `GNUTLS_E_UNIMPLEMENTED_FEATURE`.

use std::ffi::{c_char, c_int, c_void};

use super::enums::{gnutls_digest_algorithm_t, gnutls_mac_algorithm_t};
use super::types::gnutls_datum_t;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::digest::{Hash, Hmac, hash_fast, hmac_fast};

/// A running hash (opaque).
#[allow(non_camel_case_types)]
pub struct hash_hd_st {
    hash: Hash,
}
/// A hash handle.
#[allow(non_camel_case_types)]
pub type gnutls_hash_hd_t = *mut hash_hd_st;

/// A running HMAC (opaque).
#[allow(non_camel_case_types)]
pub struct hmac_hd_st {
    hmac: Hmac,
}
/// An HMAC handle.
#[allow(non_camel_case_types)]
pub type gnutls_hmac_hd_t = *mut hmac_hd_st;

/// Copies `bytes` to `out`, which the caller sized for the algorithm.
///
/// # Safety
/// `out` is NULL or writable for `bytes.len()` bytes.
unsafe fn write_out(out: *mut c_void, bytes: &[u8]) -> Result<(), CallError> {
    if out.is_null() {
        return Err(CallError::Null("digest"));
    }
    // SAFETY: non-NULL and large enough by the caller's promise.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), out.cast::<u8>(), bytes.len()) };
    Ok(())
}

/// The `len` input bytes at `data` (NULL with 0 is empty).
///
/// # Safety
/// `data` is NULL or readable for `len` bytes.
unsafe fn input<'a>(
    data: *const c_void,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], CallError> {
    if len == 0 {
        return Ok(&[]);
    }
    // SAFETY: forwarded promise.
    unsafe { args::bytes(data, len, name) }
}

/// Hashes `ptext_len` bytes at `ptext` with `algorithm` and writes the
/// digest to `digest` (`gnutls_hash_get_len(algorithm)` bytes). Returns 0,
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE` for an algorithm other than SHA-1 and
/// SHA-2, or `GNUTLS_E_INVALID_REQUEST` for NULL pointers.
///
/// # Safety
/// `ptext` is NULL or readable for `ptext_len` bytes; `digest` is NULL or
/// writable for the digest's length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash_fast(
    algorithm: gnutls_digest_algorithm_t,
    ptext: *const c_void,
    ptext_len: usize,
    digest: *mut c_void,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let out = hash_fast(algorithm, input(ptext, ptext_len, "ptext")?)?;
            write_out(digest, &out)?;
        }
        Ok(0)
    })
}

/// Starts a hash with `algorithm` and writes its handle to `*dig` (free it
/// with `gnutls_hash_deinit`). Returns 0, `GNUTLS_E_UNIMPLEMENTED_FEATURE`
/// for an algorithm other than SHA-1 and SHA-2, or
/// `GNUTLS_E_INVALID_REQUEST` for a NULL `dig`.
///
/// # Safety
/// `dig` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash_init(
    dig: *mut gnutls_hash_hd_t,
    algorithm: gnutls_digest_algorithm_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dig, "dig")?;
        let hash = Hash::new(algorithm)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(dig, hash_hd_st { hash }) };
        Ok(0)
    })
}

/// Adds `ptext_len` bytes at `ptext` to the hash. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL pointers.
///
/// # Safety
/// `handle` is NULL or live; `ptext` is NULL or readable for `ptext_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash(
    handle: gnutls_hash_hd_t,
    ptext: *const c_void,
    ptext_len: usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let h = args::object_mut(handle, "handle")?;
            h.hash.update(input(ptext, ptext_len, "ptext")?);
        }
        Ok(0)
    })
}

/// Writes the digest of everything hashed so far to `digest` (when not
/// NULL; the digest's length) and starts the hash afresh.
///
/// # Safety
/// `handle` is NULL or live; `digest` is NULL or writable for the digest.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash_output(handle: gnutls_hash_hd_t, digest: *mut c_void) {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let h = args::object_mut(handle, "handle")?;
            let out = h.hash.output();
            if !digest.is_null() {
                write_out(digest, &out)?;
            }
        }
        Ok(())
    })
}

/// Writes the digest to `digest` when it is not NULL, then frees the hash.
/// NULL `handle` is ignored.
///
/// # Safety
/// `handle` is NULL or live, not used again; `digest` as for
/// `gnutls_hash_output`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash_deinit(handle: gnutls_hash_hd_t, digest: *mut c_void) {
    if handle.is_null() {
        return;
    }
    // SAFETY: forwarded promises.
    unsafe {
        gnutls_hash_output(handle, digest);
        boundary::gnutls(|| {
            args::take(handle);
            Ok(())
        });
    }
}

/// A copy of the hash in its current state (free it with
/// `gnutls_hash_deinit`); NULL for a NULL handle.
///
/// # Safety
/// `handle` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hash_copy(handle: gnutls_hash_hd_t) -> gnutls_hash_hd_t {
    boundary::gnutls_or(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        let h = unsafe { args::object(handle.cast_const(), "handle") }?;
        Ok(Box::into_raw(Box::new(hash_hd_st {
            hash: h.hash.clone(),
        })))
    })
}

/// HMAC of `ptext_len` bytes at `ptext` with `algorithm` and the `keylen`
/// bytes of `key`, written to `digest`. Returns 0,
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE` for an algorithm other than HMAC with
/// SHA-1 or SHA-2, or `GNUTLS_E_INVALID_REQUEST` for NULL pointers.
///
/// # Safety
/// `key` and `ptext` are NULL or readable for their lengths; `digest` is
/// NULL or writable for the MAC's length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_fast(
    algorithm: gnutls_mac_algorithm_t,
    key: *const c_void,
    keylen: usize,
    ptext: *const c_void,
    ptext_len: usize,
    digest: *mut c_void,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let key = input(key, keylen, "key")?;
            let out = hmac_fast(algorithm, key, input(ptext, ptext_len, "ptext")?)?;
            write_out(digest, &out)?;
        }
        Ok(0)
    })
}

/// Starts an HMAC with `algorithm` and the `keylen` bytes of `key` (copied)
/// and writes its handle to `*dig` (free it with `gnutls_hmac_deinit`).
/// Returns 0, `GNUTLS_E_UNIMPLEMENTED_FEATURE` for an algorithm other than
/// HMAC with SHA-1 or SHA-2, or `GNUTLS_E_INVALID_REQUEST` for NULL
/// pointers.
///
/// # Safety
/// `dig` is NULL or writable; `key` is NULL or readable for `keylen` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_init(
    dig: *mut gnutls_hmac_hd_t,
    algorithm: gnutls_mac_algorithm_t,
    key: *const c_void,
    keylen: usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(dig, "dig")?;
        // SAFETY: the caller's promise.
        let hmac = Hmac::new(algorithm, unsafe { input(key, keylen, "key") }?)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(dig, hmac_hd_st { hmac }) };
        Ok(0)
    })
}

/// Adds `ptext_len` bytes at `ptext` to the HMAC. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL pointers.
///
/// # Safety
/// `handle` is NULL or live; `ptext` is NULL or readable for `ptext_len`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac(
    handle: gnutls_hmac_hd_t,
    ptext: *const c_void,
    ptext_len: usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let h = args::object_mut(handle, "handle")?;
            h.hmac.update(input(ptext, ptext_len, "ptext")?);
        }
        Ok(0)
    })
}

/// Sets a nonce: HMACs take none, so this does nothing.
///
/// # Safety
/// Any arguments; none is read.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_set_nonce(
    handle: gnutls_hmac_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
) {
    let _ = (handle, nonce, nonce_len);
}

/// Writes the MAC of everything so far to `digest` (when not NULL) and
/// starts the HMAC afresh with the same key.
///
/// # Safety
/// `handle` is NULL or live; `digest` is NULL or writable for the MAC.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_output(handle: gnutls_hmac_hd_t, digest: *mut c_void) {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let h = args::object_mut(handle, "handle")?;
            let out = h.hmac.output();
            if !digest.is_null() {
                write_out(digest, &out)?;
            }
        }
        Ok(())
    })
}

/// Writes the MAC to `digest` when it is not NULL, then frees the HMAC
/// (its key is wiped by ring). NULL `handle` is ignored.
///
/// # Safety
/// `handle` is NULL or live, not used again; `digest` as for
/// `gnutls_hmac_output`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_deinit(handle: gnutls_hmac_hd_t, digest: *mut c_void) {
    if handle.is_null() {
        return;
    }
    // SAFETY: forwarded promises.
    unsafe {
        gnutls_hmac_output(handle, digest);
        boundary::gnutls(|| {
            args::take(handle);
            Ok(())
        });
    }
}

/// A copy of the HMAC in its current state (free it with
/// `gnutls_hmac_deinit`); NULL for a NULL handle.
///
/// # Safety
/// `handle` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_hmac_copy(handle: gnutls_hmac_hd_t) -> gnutls_hmac_hd_t {
    boundary::gnutls_or(std::ptr::null_mut(), || {
        // SAFETY: NULL or live.
        let h = unsafe { args::object(handle.cast_const(), "handle") }?;
        Ok(Box::into_raw(Box::new(hmac_hd_st {
            hmac: h.hmac.clone(),
        })))
    })
}

/// Writes the digest of `data` with `algo` to `result`, which holds
/// `*result_size` bytes; `*result_size` becomes the digest's length.
/// Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER` (with the length needed) when
/// it does not fit or `result` is NULL; `GNUTLS_E_UNIMPLEMENTED_FEATURE`
/// for an algorithm other than SHA-1 and SHA-2; `GNUTLS_E_INVALID_REQUEST`
/// for NULL `data` or `result_size`.
///
/// # Safety
/// `data` is NULL or a datum holding `size` bytes; `result_size` is NULL or
/// readable and writable; `result` is NULL or writable for `*result_size`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_fingerprint(
    algo: gnutls_digest_algorithm_t,
    data: *const gnutls_datum_t,
    result: *mut c_void,
    result_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let bytes = super::credentials::datum(data, "data")?;
            let out = hash_fast(algo, bytes)?;
            let room = args::object_mut(result_size, "result_size")?;
            if result.is_null() || *room < out.len() {
                *room = out.len();
                return Err(Error::ShortMemoryBuffer.into());
            }
            write_out(result, &out)?;
            *room = out.len();
        }
        Ok(0)
    })
}

/// The digest algorithm named `name` ("SHA256", case-insensitive), or
/// `GNUTLS_DIG_UNKNOWN` (0) for another or a NULL name.
///
/// # Safety
/// `name` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_digest_get_id(name: *const c_char) -> gnutls_digest_algorithm_t {
    boundary::gnutls_or(0, || {
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let name = unsafe { args::cstr(name, "name") }?;
        Ok(crate::gnutls::names::digest_id(&name.to_string_lossy()))
    })
}

/// Compares `n` bytes at `s1` and `s2` in time that does not depend on
/// their contents, for secrets: 0 when they are equal, another value when
/// not. NULL pointers with `n` 0 are equal.
///
/// # Safety
/// `s1` and `s2` are readable for `n` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_memcmp(s1: *const c_void, s2: *const c_void, n: usize) -> c_int {
    use subtle::ConstantTimeEq;
    boundary::gnutls_or(1, || {
        // SAFETY: readable for `n` bytes by the caller's promise.
        let (a, b) = unsafe { (args::bytes(s1, n, "s1")?, args::bytes(s2, n, "s2")?) };
        Ok(c_int::from(!bool::from(a.ct_eq(b))))
    })
}

/// Sets `size` bytes at `data` to `c` in a way the compiler keeps, for
/// wiping secrets. NULL with a size of 0 is fine.
///
/// # Safety
/// `data` is writable for `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_memset(data: *mut c_void, c: c_int, size: usize) {
    boundary::gnutls(|| {
        // SAFETY: writable for `size` bytes by the caller's promise.
        let bytes = unsafe { args::bytes_mut(data, size, "data") }?;
        // The byte value of `c`, as memset takes it.
        let value = c.to_le_bytes()[0];
        for b in bytes.iter_mut() {
            // SAFETY: a valid, aligned byte of the slice.
            unsafe { std::ptr::write_volatile(b, value) };
        }
        Ok(())
    })
}
