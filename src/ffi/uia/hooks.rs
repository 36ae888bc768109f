//! Host hooks: the password checker and validators for custom stage types,
//! as C callbacks.

use std::ffi::{c_char, c_int, c_void};
use std::sync::Arc;

use crate::ffi::{args, boundary};
use crate::uia::hooks::{HookFailed, PasswordVerdict, ValidatorInput, ValidatorVerdict};
use crate::uia::{StageKind, UiaError};

use super::engine::stepup_uia;

/// Checks a password: returns 1 when `password` is `user_id`'s, 0 when it is
/// not (or the user does not exist), <0 on an internal error. `user_id` is a
/// full Matrix user id ("@alice:example.org"); both strings are valid only
/// during the call. Compare in constant time. Called from any thread that
/// calls `stepup_uia_complete`, with no engine lock held.
#[allow(non_camel_case_types)]
pub type stepup_uia_password_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        user_id: *const c_char,
        password: *const c_char,
    ) -> c_int,
>;

/// Validates an attempt at a custom stage: returns 1 when it passed, 0 when it
/// failed (set the errcode and message with `stepup_uia_verdict_set_error`),
/// <0 on an internal error. On a pass, `stepup_uia_verdict_set_user` may name
/// the user the stage proved. `auth_json` is the client's `auth` object;
/// `requesting_user` is NULL without an access token. All strings and
/// `verdict` are valid only during the call. Called from any thread that calls
/// `stepup_uia_complete`, with no engine lock held.
#[allow(non_camel_case_types)]
pub type stepup_uia_stage_fn = Option<
    unsafe extern "C" fn(
        ctx: *mut c_void,
        stage_type: *const c_char,
        auth_json: *const c_char,
        session: *const c_char,
        requesting_user: *const c_char,
        verdict: *mut stepup_uia_verdict,
    ) -> c_int,
>;

/// What a stage validator reports besides pass or fail.
#[allow(non_camel_case_types)]
#[derive(Default)]
pub struct stepup_uia_verdict {
    user: Option<String>,
    errcode: Option<String>,
    error: Option<String>,
}

/// The host's context pointer, handed back to its callbacks.
struct HostContext(*mut c_void);

// SAFETY: the API documents that callbacks (and so their context) are called
// from any thread that calls the engine; the host made it safe for that.
unsafe impl Send for HostContext {}
// SAFETY: as above.
unsafe impl Sync for HostContext {}

impl HostContext {
    // A method, so closures capture the whole (Send + Sync) wrapper rather
    // than its raw-pointer field.
    fn get(&self) -> *mut c_void {
        self.0
    }
}

/// A NUL-terminated copy of `text` that is zeroed when dropped (passwords).
struct SecretCString(Vec<u8>);

impl SecretCString {
    fn new(text: &str) -> Option<Self> {
        if text.as_bytes().contains(&0) {
            return None;
        }
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        Some(Self(bytes))
    }

    fn as_ptr(&self) -> *const c_char {
        self.0.as_ptr().cast()
    }
}

impl Drop for SecretCString {
    fn drop(&mut self) {
        self.0.fill(0);
        std::hint::black_box(&self.0);
    }
}

/// Sets the checker for `m.login.password`; replaces any earlier one. Without
/// a checker, a flow with a password stage fails closed
/// (`STEPUP_E_MISSING_HOOK`). `ctx` is passed to `check` unchanged and must
/// stay valid while the engine lives.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER` for a NULL `engine` or `check`.
///
/// # Safety
/// `engine` is a live engine; `check` is safe to call from any thread with `ctx`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_set_password_checker(
    engine: *const stepup_uia,
    check: stepup_uia_password_fn,
    ctx: *mut c_void,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: caller passes a live engine.
        let engine = unsafe { args::object(engine, "engine") }?;
        let check = check.ok_or(crate::ffi::errors::CallError::Null("check"))?;
        let ctx = HostContext(ctx);
        engine
            .engine
            .set_password_checker(Arc::new(move |user: &str, password: &str| {
                let (Some(user), Some(password)) =
                    (SecretCString::new(user), SecretCString::new(password))
                else {
                    return Ok(PasswordVerdict::Wrong);
                };
                // SAFETY: the host's callback, called as documented, with strings valid for the call.
                let verdict = unsafe { check(ctx.get(), user.as_ptr(), password.as_ptr()) };
                match verdict {
                    1 => Ok(PasswordVerdict::Correct),
                    0 => Ok(PasswordVerdict::Wrong),
                    _ => Err(HookFailed),
                }
            }));
        Ok(0)
    })
}

/// Registers the validator for a custom (non-`m.`) stage type; replaces any
/// earlier one for that type. Without a validator, a flow using the type
/// fails closed (`STEPUP_E_MISSING_HOOK`). `ctx` is passed to `validate`
/// unchanged and must stay valid while the engine lives.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_CONFIG` (a built-in or invalid stage type).
///
/// # Safety
/// `engine` is a live engine; `stage_type` is NUL-terminated; `validate` is
/// safe to call from any thread with `ctx`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_register_stage(
    engine: *const stepup_uia,
    stage_type: *const c_char,
    validate: stepup_uia_stage_fn,
    ctx: *mut c_void,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: caller passes a live engine and a NUL-terminated string.
        let (engine, name) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(stage_type, "stage_type")?,
            )
        };
        let validate = validate.ok_or(crate::ffi::errors::CallError::Null("validate"))?;
        let kind = StageKind::from_wire(name)
            .ok_or_else(|| UiaError::Config(format!("invalid stage type `{name}`")))?;
        let ctx = HostContext(ctx);
        engine.engine.register_validator(
            &kind,
            Arc::new(move |input: &ValidatorInput<'_>| {
                let (Some(stage), Some(auth), Some(session), Some(user)) = (
                    SecretCString::new(input.stage_type),
                    SecretCString::new(input.auth_json),
                    SecretCString::new(input.session),
                    SecretCString::new(input.requesting_user.unwrap_or("")),
                ) else {
                    return Err(HookFailed);
                };
                let user_ptr = if input.requesting_user.is_some() {
                    user.as_ptr()
                } else {
                    std::ptr::null()
                };
                let mut verdict = stepup_uia_verdict::default();
                // SAFETY: the host's callback with strings and verdict valid for the call.
                let result = unsafe {
                    validate(
                        ctx.get(),
                        stage.as_ptr(),
                        auth.as_ptr(),
                        session.as_ptr(),
                        user_ptr,
                        &mut verdict,
                    )
                };
                match result {
                    1 => Ok(ValidatorVerdict::Pass { user: verdict.user }),
                    0 => Ok(ValidatorVerdict::Fail {
                        errcode: verdict.errcode.unwrap_or_else(|| "M_FORBIDDEN".to_owned()),
                        error: verdict
                            .error
                            .unwrap_or_else(|| "Authentication failed".to_owned()),
                    }),
                    _ => Err(HookFailed),
                }
            }),
        )?;
        Ok(0)
    })
}

/// From a stage validator that passes: names the full user id the stage
/// proved (checked against the session's user by the engine). The string is
/// copied.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`.
///
/// # Safety
/// `verdict` is the one passed to the running validator; `user_id` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_verdict_set_user(
    verdict: *mut stepup_uia_verdict,
    user_id: *const c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: the validator's own verdict and a NUL-terminated string.
        let (verdict, user) = unsafe {
            (
                args::object_mut(verdict, "verdict")?,
                args::utf8(user_id, "user_id")?,
            )
        };
        verdict.user = Some(user.to_owned());
        Ok(0)
    })
}

/// From a stage validator that fails: the Matrix `errcode` (1 to 128
/// printable ASCII characters, for example "M_FORBIDDEN") and the message the
/// client sees. The strings are copied.
///
/// Returns 0, or `STEPUP_E_NULL_POINTER`, `STEPUP_E_INVALID_UTF8`,
/// `STEPUP_E_INVALID_ARGUMENT` (a malformed errcode).
///
/// # Safety
/// `verdict` is the one passed to the running validator; the strings are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_verdict_set_error(
    verdict: *mut stepup_uia_verdict,
    errcode: *const c_char,
    error: *const c_char,
) -> c_int {
    boundary::stepup(|| {
        // SAFETY: the validator's own verdict and NUL-terminated strings.
        let (verdict, errcode, error) = unsafe {
            (
                args::object_mut(verdict, "verdict")?,
                args::utf8(errcode, "errcode")?,
                args::utf8(error, "error")?,
            )
        };
        let valid =
            (1..=128).contains(&errcode.len()) && errcode.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return Err(crate::ffi::errors::CallError::Invalid("errcode"));
        }
        verdict.errcode = Some(errcode.to_owned());
        verdict.error = Some(error.to_owned());
        Ok(0)
    })
}
