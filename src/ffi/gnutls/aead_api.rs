//! GnuTLS's AEAD API: `gnutls_aead_cipher_*` for AES-128-GCM, AES-256-GCM
//! and ChaCha20-Poly1305 (what ring provides), with 12-byte nonces and full
//! 16-byte tags. Another cipher gives `GNUTLS_E_INVALID_REQUEST`, as GnuTLS
//! answers for a cipher that is no AEAD.

use std::ffi::{c_int, c_void};

use super::types::{gnutls_cipher_algorithm_t, gnutls_datum_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::aead_api::AeadCipher;

/// An AEAD cipher with its key (opaque).
#[allow(non_camel_case_types)]
pub struct api_aead_cipher_hd_st {
    cipher: AeadCipher,
}
/// An AEAD cipher handle.
#[allow(non_camel_case_types)]
pub type gnutls_aead_cipher_hd_t = *mut api_aead_cipher_hd_st;

/// One piece of a scattered buffer: POSIX `struct iovec`, which GnuTLS
/// calls `giovec_t` (declared by the header from `<sys/uio.h>`).
#[repr(C)]
#[allow(non_camel_case_types)]
pub struct iovec {
    /// Where the piece starts.
    pub iov_base: *mut c_void,
    /// Its length in bytes.
    pub iov_len: usize,
}
/// `giovec_t`.
#[allow(non_camel_case_types)]
pub type giovec_t = iovec;

/// The bytes of a key datum.
///
/// # Safety
/// `key` is NULL or a datum holding `size` bytes.
unsafe fn key_bytes<'a>(key: *const gnutls_datum_t) -> Result<&'a [u8], CallError> {
    // SAFETY: forwarded promise.
    unsafe { super::credentials::datum(key, "key") }
}

/// `len` bytes at `ptr` (NULL with 0 is empty).
///
/// # Safety
/// `ptr` is NULL or readable for `len` bytes.
unsafe fn input<'a>(
    ptr: *const c_void,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], CallError> {
    // SAFETY: forwarded promise; a zero length reads nothing.
    unsafe { args::bytes(ptr, len, name) }
}

/// The `count` pieces of `iov`, joined.
///
/// # Safety
/// `iov` is NULL (with `count` 0) or holds `count` entries, each readable
/// for its length.
unsafe fn gather(
    iov: *const giovec_t,
    count: c_int,
    name: &'static str,
) -> Result<Vec<u8>, CallError> {
    let count = usize::try_from(count).map_err(|_| CallError::Length(name))?;
    if count == 0 {
        return Ok(Vec::new());
    }
    if iov.is_null() {
        return Err(CallError::Null(name));
    }
    // SAFETY: non-NULL and holds `count` entries by the caller's promise.
    let pieces = unsafe { std::slice::from_raw_parts(iov, count) };
    let mut out = Vec::new();
    for piece in pieces {
        // SAFETY: each piece is readable for its length.
        out.extend_from_slice(unsafe { input(piece.iov_base.cast_const(), piece.iov_len, name) }?);
    }
    Ok(out)
}

/// Writes `data` back over the `count` pieces of `iov`, in order.
///
/// # Safety
/// As for [`gather`], and each piece writable for its length.
unsafe fn scatter(iov: *const giovec_t, count: c_int, data: &[u8]) -> Result<(), CallError> {
    let count = usize::try_from(count).map_err(|_| CallError::Length("iov"))?;
    if count == 0 {
        return Ok(());
    }
    // SAFETY: checked by `gather` before; holds `count` entries.
    let pieces = unsafe { std::slice::from_raw_parts(iov, count) };
    let mut rest = data;
    for piece in pieces {
        let (now, later) = rest.split_at(piece.iov_len.min(rest.len()));
        // SAFETY: each piece is writable for its length; `now` is no longer.
        let target = unsafe { args::bytes_mut(piece.iov_base, now.len(), "iov") }?;
        target.copy_from_slice(now);
        rest = later;
    }
    Ok(())
}

/// The handle's cipher.
///
/// # Safety
/// `handle` is NULL or live during `'a`.
unsafe fn cipher<'a>(handle: gnutls_aead_cipher_hd_t) -> Result<&'a AeadCipher, CallError> {
    // SAFETY: forwarded promise.
    Ok(&unsafe { args::object(handle.cast_const(), "handle") }?.cipher)
}

/// The cipher of a scattered call, its additional data and its text, each
/// joined.
///
/// # Safety
/// `handle` is NULL or live during `'a`; the vectors are as for [`gather`].
unsafe fn scattered<'a>(
    handle: gnutls_aead_cipher_hd_t,
    auth_iov: *const giovec_t,
    auth_iovcnt: c_int,
    iov: *const giovec_t,
    iovcnt: c_int,
) -> Result<(&'a AeadCipher, Vec<u8>, Vec<u8>), CallError> {
    // SAFETY: forwarded promises.
    unsafe {
        Ok((
            cipher(handle)?,
            gather(auth_iov, auth_iovcnt, "auth_iov")?,
            gather(iov, iovcnt, "iov")?,
        ))
    }
}

/// Writes `value` to `*out` (a length out-parameter).
///
/// # Safety
/// `out` is non-NULL (checked) and writable.
unsafe fn set_len(out: *mut usize, value: usize) {
    // SAFETY: the caller checked it and it is writable.
    unsafe { out.write(value) };
}

/// Creates an AEAD cipher handle for `cipher` (AES-128-GCM, AES-256-GCM or
/// ChaCha20-Poly1305) with the key in `key` (copied), and writes it to
/// `*handle`; free it with `gnutls_aead_cipher_deinit`. Returns 0,
/// `GNUTLS_E_INVALID_REQUEST` for another cipher, a ChaCha20 key that is
/// not 32 bytes or a NULL argument, or `GNUTLS_E_INTERNAL_ERROR` for an
/// AES key of the wrong size (GnuTLS's answers).
///
/// # Safety
/// `handle` is NULL or writable; `key` is NULL or a datum holding `size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_init(
    handle: *mut gnutls_aead_cipher_hd_t,
    cipher: gnutls_cipher_algorithm_t,
    key: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(handle, "handle")?;
        // SAFETY: the caller's promise.
        let key = unsafe { key_bytes(key) }?;
        let value = api_aead_cipher_hd_st {
            cipher: AeadCipher::new(cipher, key)?,
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(handle, value) };
        Ok(0)
    })
}

/// Replaces the handle's key with `key` (copied; the cipher's key size).
/// Returns 0 or a negative code as `gnutls_aead_cipher_init`; on an error
/// the old key stays.
///
/// # Safety
/// `handle` is NULL or live and not used elsewhere meanwhile; `key` is
/// NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_set_key(
    handle: gnutls_aead_cipher_hd_t,
    key: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (h, key) = unsafe { (args::object_mut(handle, "handle")?, key_bytes(key)?) };
        h.cipher.set_key(key)?;
        Ok(0)
    })
}

/// Encrypts `ptext_len` bytes at `ptext` with the 12-byte `nonce` and the
/// `auth_len` bytes of additional data at `auth`, and writes the
/// ciphertext followed by the 16-byte tag to `ctext`, which holds
/// `*ctext_len` bytes; `*ctext_len` becomes the length written.
/// `tag_size` is 0 or 16. Returns 0, `GNUTLS_E_SHORT_MEMORY_BUFFER` when
/// `ctext` is too small (`*ctext_len` unchanged), or
/// `GNUTLS_E_INVALID_REQUEST` for another nonce or tag size or a NULL
/// argument.
///
/// # Safety
/// `handle` is NULL or live; each buffer is NULL or valid for its length;
/// `ctext_len` is NULL or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_encrypt(
    handle: gnutls_aead_cipher_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
    auth: *const c_void,
    auth_len: usize,
    tag_size: usize,
    ptext: *const c_void,
    ptext_len: usize,
    ctext: *mut c_void,
    ctext_len: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(ctext_len, "ctext_len")?;
        // SAFETY: the caller's promises; `ctext_len` checked non-NULL.
        unsafe {
            let c = cipher(handle)?;
            let out = args::bytes_mut(ctext, ctext_len.read(), "ctext")?;
            let n = c.seal(
                input(nonce, nonce_len, "nonce")?,
                input(auth, auth_len, "auth")?,
                tag_size,
                input(ptext, ptext_len, "ptext")?,
                out,
            )?;
            set_len(ctext_len, n);
        }
        Ok(0)
    })
}

/// Decrypts `ctext_len` bytes at `ctext` (ciphertext followed by the
/// 16-byte tag) with the 12-byte `nonce` and the additional data at
/// `auth`, and writes the plaintext to `ptext`, which holds `*ptext_len`
/// bytes; `*ptext_len` becomes the length written. `tag_size` is 0 or 16.
/// Returns 0, `GNUTLS_E_DECRYPTION_FAILED` when the input does not
/// authenticate (or is shorter than a tag), `GNUTLS_E_SHORT_MEMORY_BUFFER`
/// when `ptext` is too small (`*ptext_len` unchanged), or
/// `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// As for `gnutls_aead_cipher_encrypt`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_decrypt(
    handle: gnutls_aead_cipher_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
    auth: *const c_void,
    auth_len: usize,
    tag_size: usize,
    ctext: *const c_void,
    ctext_len: usize,
    ptext: *mut c_void,
    ptext_len: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(ptext_len, "ptext_len")?;
        // SAFETY: the caller's promises; `ptext_len` checked non-NULL.
        unsafe {
            let c = cipher(handle)?;
            let out = args::bytes_mut(ptext, ptext_len.read(), "ptext")?;
            let n = c.open(
                input(nonce, nonce_len, "nonce")?,
                input(auth, auth_len, "auth")?,
                tag_size,
                input(ctext, ctext_len, "ctext")?,
                out,
            )?;
            set_len(ptext_len, n);
        }
        Ok(0)
    })
}

/// As `gnutls_aead_cipher_encrypt`, with the additional data in the
/// `auth_iovcnt` pieces of `auth_iov` and the plaintext in the `iovcnt`
/// pieces of `iov`.
///
/// # Safety
/// As for `gnutls_aead_cipher_encrypt`; each vector is NULL (with a count
/// of 0) or holds its count of entries, each readable for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_encryptv(
    handle: gnutls_aead_cipher_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
    auth_iov: *const giovec_t,
    auth_iovcnt: c_int,
    tag_size: usize,
    iov: *const giovec_t,
    iovcnt: c_int,
    ctext: *mut c_void,
    ctext_len: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(ctext_len, "ctext_len")?;
        // SAFETY: the caller's promises; `ctext_len` checked non-NULL.
        unsafe {
            let (c, auth, text) = scattered(handle, auth_iov, auth_iovcnt, iov, iovcnt)?;
            let out = args::bytes_mut(ctext, ctext_len.read(), "ctext")?;
            let n = c.seal(
                input(nonce, nonce_len, "nonce")?,
                &auth,
                tag_size,
                &text,
                out,
            )?;
            set_len(ctext_len, n);
        }
        Ok(0)
    })
}

/// Encrypts the `iovcnt` pieces of `iov` in place with the 12-byte `nonce`
/// and the additional data in `auth_iov`, and writes the 16-byte tag to
/// `tag`; `*tag_size` must be 16 (the room in `tag`). Returns 0 or
/// `GNUTLS_E_INVALID_REQUEST` (another tag or nonce size, NULL arguments).
///
/// # Safety
/// As for `gnutls_aead_cipher_encryptv`, the pieces of `iov` also
/// writable; `tag` is NULL or writable for `*tag_size` bytes; `tag_size`
/// is NULL or readable and writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_encryptv2(
    handle: gnutls_aead_cipher_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
    auth_iov: *const giovec_t,
    auth_iovcnt: c_int,
    iov: *const giovec_t,
    iovcnt: c_int,
    tag: *mut c_void,
    tag_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(tag_size, "tag_size")?;
        // SAFETY: the caller's promises; `tag_size` checked non-NULL.
        unsafe {
            let (c, auth, mut text) = scattered(handle, auth_iov, auth_iovcnt, iov, iovcnt)?;
            // GnuTLS takes exactly the cipher's tag size here.
            if tag_size.read() != c.tag_len() {
                return Err(Error::InvalidRequest.into());
            }
            let tag_out = args::bytes_mut(tag, c.tag_len(), "tag")?;
            let made = c.seal_in_place(input(nonce, nonce_len, "nonce")?, &auth, &mut text)?;
            scatter(iov, iovcnt, &text)?;
            tag_out.copy_from_slice(&made);
            set_len(tag_size, made.len());
        }
        Ok(0)
    })
}

/// Decrypts the `iovcnt` pieces of `iov` in place with the 12-byte `nonce`,
/// the additional data in `auth_iov` and the `tag_size`-byte `tag` (16).
/// Returns 0, `GNUTLS_E_DECRYPTION_FAILED` when it does not authenticate
/// (the pieces unchanged), or `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// As for `gnutls_aead_cipher_encryptv2`; `tag` is NULL or readable for
/// `tag_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_decryptv2(
    handle: gnutls_aead_cipher_hd_t,
    nonce: *const c_void,
    nonce_len: usize,
    auth_iov: *const giovec_t,
    auth_iovcnt: c_int,
    iov: *const giovec_t,
    iovcnt: c_int,
    tag: *mut c_void,
    tag_size: usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        unsafe {
            let (c, auth, mut text) = scattered(handle, auth_iov, auth_iovcnt, iov, iovcnt)?;
            let tag = input(tag.cast_const(), tag_size, "tag")?;
            c.open_in_place(input(nonce, nonce_len, "nonce")?, &auth, &mut text, tag)?;
            scatter(iov, iovcnt, &text)?;
        }
        Ok(0)
    })
}

/// Frees an AEAD cipher handle; NULL is ignored.
///
/// # Safety
/// `handle` is NULL or a handle from `gnutls_aead_cipher_init`, not used
/// again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_aead_cipher_deinit(handle: gnutls_aead_cipher_hd_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(handle) };
        Ok(())
    })
}
