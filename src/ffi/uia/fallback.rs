//! The fallback page.

use std::ffi::{c_char, c_int};

use crate::ffi::{args, boundary};
use crate::uia::fallback::{FallbackState, page};

/// Builds the HTML page for `GET /_matrix/client/v3/auth/{stage_type}/fallback/web`.
/// With `done` 0 it shows the stage's form (user and password for
/// `m.login.password`, the token for `m.login.registration_token`, a button
/// for the others) and `error`, if not NULL; its script POSTs the form to
/// the same URL as `{"auth": {...}}` JSON (what `stepup_uia_complete_fallback`
/// and Telodendria's routes take) and shows the answer on the page: the
/// error, or that the stage is done, telling the client. With `done`
/// non-zero it tells the client the stage is complete
/// (`window.onAuthDone()` or an `authDone` message to its opener). For
/// `io.stepup.tls_client_cert` it explains, instead of a form, what a client
/// needs for that stage (TLS 1.3 post-handshake authentication, which
/// browsers do not offer by default). Every string echoed into the page is
/// HTML-escaped; the script is constant text.
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
