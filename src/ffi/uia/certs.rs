//! Client certificates enrolled for users, for the `io.stepup.tls_client_cert`
//! stage: enrol, list, revoke.

use std::ffi::{c_char, c_int};

use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::uia::UiaError;

use super::engine::stepup_uia;

/// Enrols a client certificate's key for `user_id` (a full user id such as
/// `@alice:example.org`): the `io.stepup.tls_client_cert` stage then maps
/// any certificate with the same public key (SubjectPublicKeyInfo) to that
/// user, whatever its names. `cert` holds `cert_len` bytes of PEM (the first
/// certificate is used) or DER. Enrolling a key again for its own user
/// changes nothing.
///
/// When `fingerprint` is not NULL, writes the key's fingerprint there (64
/// lowercase hex digits of SHA-256 over the SubjectPublicKeyInfo; free it
/// with `stepup_free`).
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_ENROLMENT` (the certificate cannot be read, the user id is
/// malformed, or the key is enrolled for another user), `STEPUP_E_STORE`;
/// `*fingerprint` is then untouched.
///
/// # Safety
/// `engine` is a live engine; `user_id` is NUL-terminated; `cert` holds
/// `cert_len` bytes; `fingerprint` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_cert_enrol(
    engine: *const stepup_uia,
    user_id: *const c_char,
    cert: *const u8,
    cert_len: usize,
    fingerprint: *mut *mut c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: the caller's promises about each argument.
        let (engine, user, cert) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(user_id, "user_id")?,
                args::bytes(cert.cast(), cert_len, "cert")?,
            )
        };
        let computed = crate::bridge::certificate_fingerprint(cert).ok_or_else(|| {
            CallError::Uia(UiaError::Enrolment("the certificate cannot be read".into()))
        })?;
        enrol(engine, user, &computed, fingerprint)
    })
}

/// Enrols a key by its fingerprint (as `stepup_uia_cert_enrol` computes it;
/// hex digits in either case, `:` separators allowed) for `user_id`.
/// Returns and writes `*normalised` (when not NULL) as `stepup_uia_cert_enrol`
/// does; `STEPUP_E_ENROLMENT` for a malformed fingerprint.
///
/// # Safety
/// `engine` is a live engine; the strings are NUL-terminated; `normalised`
/// is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_cert_enrol_fingerprint(
    engine: *const stepup_uia,
    user_id: *const c_char,
    fingerprint: *const c_char,
    normalised: *mut *mut c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: the caller's promises about each argument.
        let (engine, user, given) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(user_id, "user_id")?,
                args::utf8(fingerprint, "fingerprint")?,
            )
        };
        enrol(engine, user, given, normalised)
    })
}

fn enrol(
    engine: &stepup_uia,
    user: &str,
    fingerprint: &str,
    out: *mut *mut c_char,
) -> Result<c_int, CallError> {
    let stored = engine.engine.enrol_certificate(user, fingerprint)?;
    if !out.is_null() {
        let text = args::malloc_string(&stored)?;
        // SAFETY: non-NULL and writable by the caller's promise.
        unsafe { out.write(text) };
    }
    Ok(0)
}

/// Lists the keys enrolled for `user_id` as a JSON array, oldest first:
/// `[{"fingerprint": "…", "enrolled_ms": 1700000000000}, …]` (`[]` for
/// none). Writes it to `*json` (free it with `stepup_free`) and returns the
/// number of keys, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_STORE` with `*json` untouched.
///
/// # Safety
/// `engine` is a live engine; `user_id` is NUL-terminated; `json` is valid
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_cert_list(
    engine: *const stepup_uia,
    user_id: *const c_char,
    json: *mut *mut c_char,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(json, "json")?;
        // SAFETY: the caller's promises about each argument.
        let (engine, user) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(user_id, "user_id")?,
            )
        };
        let certs = engine.engine.enrolled_certificates(user)?;
        let list: Vec<serde_json::Value> = certs
            .iter()
            .map(
                |c| serde_json::json!({"fingerprint": c.fingerprint, "enrolled_ms": c.enrolled_ms}),
            )
            .collect();
        let count = c_int::try_from(list.len()).unwrap_or(c_int::MAX);
        let text = args::malloc_string(&serde_json::Value::Array(list).to_string())?;
        // SAFETY: checked non-NULL and writable by the caller's promise.
        unsafe { json.write(text) };
        Ok(count)
    })
}

/// Revokes `user_id`'s enrolment of the key with `fingerprint`: the stage
/// no longer maps it to the user (sessions already completed stay so).
/// Returns 1 when it was enrolled for that user, 0 when not (including a
/// malformed fingerprint), or `STEPUP_E_NULL_POINTER`,
/// `STEPUP_E_INVALID_UTF8`, `STEPUP_E_STORE`.
///
/// # Safety
/// `engine` is a live engine; the strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_cert_revoke(
    engine: *const stepup_uia,
    user_id: *const c_char,
    fingerprint: *const c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: the caller's promises about each argument.
        let (engine, user, fingerprint) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(user_id, "user_id")?,
                args::utf8(fingerprint, "fingerprint")?,
            )
        };
        Ok(c_int::from(
            engine.engine.revoke_certificate(user, fingerprint)?,
        ))
    })
}
