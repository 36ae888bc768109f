//! Registration tokens.

use std::ffi::{c_char, c_int};

use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};

use super::engine::stepup_uia;

/// Adds a registration token, or changes an existing one's limits (its use
/// counters are kept). `uses_allowed` < 0 means unlimited; `expiry_ms` is a
/// time in milliseconds since the Unix epoch, 0 for never. Tokens are 1 to 64
/// characters of `[A-Za-z0-9._~-]`; the store keeps only a digest.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_CONFIG` (a malformed token), `STEPUP_E_STORE`.
///
/// # Safety
/// `engine` is a live engine; `token` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_token_put(
    engine: *const stepup_uia,
    token: *const c_char,
    uses_allowed: i64,
    expiry_ms: u64,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: live engine and NUL-terminated string by the caller's promise.
        let (engine, token) =
            unsafe { (args::object(engine, "engine")?, args::utf8(token, "token")?) };
        let uses = u64::try_from(uses_allowed).ok();
        let expiry = (expiry_ms != 0).then_some(expiry_ms);
        engine.engine.put_token(token, uses, expiry)?;
        Ok(0)
    })
}

/// Reads a registration token's counters: uses allowed (-1 for unlimited),
/// uses held by sessions in progress, and uses by completed registrations.
/// Any of the out-pointers may be NULL; they are written only when the token
/// exists.
///
/// Returns 1 when the token exists, 0 when it does not, or
/// `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`, `STEPUP_E_STORE`.
///
/// # Safety
/// `engine` is a live engine; `token` is NUL-terminated; each out-pointer is
/// NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_token_get(
    engine: *const stepup_uia,
    token: *const c_char,
    uses_allowed: *mut i64,
    pending: *mut u64,
    completed: *mut u64,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: live engine and NUL-terminated string by the caller's promise.
        let (engine, token) =
            unsafe { (args::object(engine, "engine")?, args::utf8(token, "token")?) };
        let Some(record) = engine.engine.token(token)? else {
            return Ok(0);
        };
        let allowed = match record.uses_allowed {
            None => -1,
            Some(n) => i64::try_from(n).map_err(|_| CallError::Invalid("uses_allowed"))?,
        };
        // SAFETY: each pointer is NULL or writable by the caller's promise.
        unsafe {
            if let Some(out) = uses_allowed.as_mut() {
                *out = allowed;
            }
            if let Some(out) = pending.as_mut() {
                *out = record.pending;
            }
            if let Some(out) = completed.as_mut() {
                *out = record.completed;
            }
        }
        Ok(1)
    })
}

/// Deletes a registration token. Sessions holding a use of it can no longer
/// complete. Returns 1 when it existed, 0 when not, or
/// `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`, `STEPUP_E_STORE`.
///
/// # Safety
/// `engine` is a live engine; `token` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_token_delete(
    engine: *const stepup_uia,
    token: *const c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: live engine and NUL-terminated string by the caller's promise.
        let (engine, token) =
            unsafe { (args::object(engine, "engine")?, args::utf8(token, "token")?) };
        Ok(c_int::from(engine.engine.delete_token(token)?))
    })
}
