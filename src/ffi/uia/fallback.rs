//! The fallback page.

use std::ffi::{c_char, c_int};

use crate::ffi::{args, boundary};
use crate::uia::fallback::{FallbackState, page};

/// Builds the HTML page for `GET /_matrix/client/v3/auth/{stage_type}/fallback/web`.
/// With `done` 0 it shows a form that posts back to the same URL (with a
/// password field for `m.login.password`) and `error`, if not NULL; with
/// `done` non-zero it tells the client the stage is complete
/// (`window.onAuthDone()` or an `authDone` message to its opener). Every
/// string echoed into the page is HTML-escaped.
///
/// On success writes a NUL-terminated page to `*html` (free it with
/// `stepup_free`) and returns 0; otherwise returns `STEPUP_E_NULL_POINTER`,
/// `STEPUP_E_INVALID_UTF8`, `STEPUP_E_NO_MEMORY` and leaves `*html` untouched.
///
/// # Safety
/// The strings are NUL-terminated (`error` may be NULL); `html` is valid for a
/// pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_fallback_page(
    stage_type: *const c_char,
    session: *const c_char,
    done: c_int,
    error: *const c_char,
    html: *mut *mut c_char,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(html, "html")?;
        // SAFETY: NUL-terminated strings by the caller's promise.
        let (stage, session, error) = unsafe {
            (
                args::utf8(stage_type, "stage_type")?,
                args::utf8(session, "session")?,
                args::optional_utf8(error, "error")?,
            )
        };
        let state = if done != 0 {
            FallbackState::Done
        } else {
            FallbackState::Form { error }
        };
        let text = args::malloc_string(&page(stage, session, state))?;
        // SAFETY: checked non-NULL and writable by the caller's promise.
        unsafe { html.write(text) };
        Ok(0)
    })
}
