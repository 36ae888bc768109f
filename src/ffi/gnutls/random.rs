//! Random numbers.

use std::ffi::{c_int, c_void};

use crate::ffi::{args, boundary};
use crate::gnutls::random;

/// The strength of random data asked of `gnutls_rnd`: one of the
/// `GNUTLS_RND_*` values.
#[allow(non_camel_case_types)]
pub type gnutls_rnd_level_t = c_int;

/// Fills `data` with `len` random bytes of strength `level`, from the
/// operating system's CSPRNG.
///
/// `data` is written, never kept; it may be NULL only when `len` is 0.
/// Returns 0 on success, `GNUTLS_E_RANDOM_FAILED` for an unknown level or a
/// generator failure, and `GNUTLS_E_INVALID_REQUEST` for a NULL `data` with a
/// non-zero `len`.
///
/// # Safety
/// `data` is NULL or valid for writes of `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_rnd(
    level: gnutls_rnd_level_t,
    data: *mut c_void,
    len: usize,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller passes a buffer valid for `len` bytes (or NULL).
        let out = unsafe { args::bytes_mut(data, len, "data") }?;
        random::fill(level, out)?;
        Ok(0)
    })
}
