//! Completing UIA for one request: the `UiaComplete` contract.

use std::ffi::{CString, c_char, c_int};

use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::uia::{Outcome, Request, StageKind};

use super::engine::stepup_uia;
use super::flows::stepup_uia_flows;

/// One HTTP request to an endpoint protected by UIA. The strings and the body
/// are only read during `stepup_uia_complete`.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct stepup_uia_request {
    /// HTTP method ("POST", "DELETE", ...). Required.
    pub method: *const c_char,
    /// Request path without the query string. Required.
    pub path: *const c_char,
    /// The request body (JSON text, not necessarily NUL-terminated); NULL
    /// with `body_len` 0 for an empty body.
    pub body: *const c_char,
    /// Length of `body` in bytes.
    pub body_len: usize,
    /// The full user id of the request's access token, or NULL when the
    /// request carried none.
    pub user: *const c_char,
    /// The client's network address as the host sees it (any text, such as
    /// "192.0.2.7"), or NULL. Sessions created without an access token are
    /// bounded per address (`max_new_sessions_per_client`); with NULL only
    /// the total bound applies to them. Hosts behind a proxy pass the
    /// address the proxy reports.
    pub client: *const c_char,
}

/// The result of `stepup_uia_complete`; read it with the
/// `stepup_uia_result_*` functions, free it with `stepup_uia_result_free`.
#[allow(non_camel_case_types)]
pub struct stepup_uia_result {
    status: c_int,
    body: Option<CString>,
    session: Option<CString>,
    flow: Option<CString>,
    user: Option<CString>,
    token: Option<CString>,
    request_body: Option<CString>,
    replayed: bool,
}

fn cstring(text: String) -> Result<CString, CallError> {
    CString::new(text).map_err(|_| CallError::Length("string with an interior NUL"))
}

impl stepup_uia_result {
    pub(super) fn from_outcome(outcome: Outcome) -> Result<(c_int, Self), CallError> {
        Ok(match outcome {
            // Only `stepup_uia_complete_tls` hands over a connection that can
            // be asked, and it deals with this before building a result.
            Outcome::Reauthenticate => return Err(CallError::Invalid("no TLS connection")),
            Outcome::Respond(response) => (
                0,
                Self {
                    status: c_int::from(response.status),
                    body: Some(cstring(response.body.to_string())?),
                    session: None,
                    flow: None,
                    user: None,
                    token: None,
                    request_body: None,
                    replayed: false,
                },
            ),
            Outcome::Done(done) => (
                1,
                Self {
                    status: 200,
                    body: None,
                    session: Some(cstring(done.session)?),
                    flow: Some(cstring(serde_json::Value::from(done.flow).to_string())?),
                    user: done.user.map(cstring).transpose()?,
                    token: done.token.map(cstring).transpose()?,
                    request_body: Some(cstring(done.body)?),
                    replayed: done.replayed,
                },
            ),
        })
    }
}

/// Runs user-interactive authentication for one request to an endpoint
/// protected by `flows`. Thread-safe: many threads may complete requests on
/// one engine at once; a session completes exactly once.
///
/// Returns:
/// - `1`: the client completed a flow; perform the operation. `*result` holds
///   the session id, the completed flow, the authenticated user, the consumed
///   registration token (when this request carried it) and this request's
///   body without `auth`; `stepup_uia_result_replayed` tells a repeat of the
///   completing request, identical secrets included (answer it as before, do
///   not perform the operation twice); any other request on a completed
///   session is refused (`0`, 403).
/// - `0`: send the response in `*result` (`stepup_uia_result_status`,
///   `stepup_uia_result_body`) to the client as it is, and stop: 401 with the
///   flows and session when stages remain, 400/403/413/429 with an errcode
///   when the request is refused.
///
/// A session authorises one operation: the first request on it with a body
/// (besides `auth` and the secret fields) fixes it, by a digest, and a later
/// request with another body gets 403. A request with only `auth` may pass
/// stages but does not complete an operation that has a body: after the last
/// stage it gets 401 with every stage completed, and the client repeats its
/// request with the body. A request that starts a session gets 429 (with
/// `retry_after_ms`) when its user, else its `client` address, or everyone
/// together started as many sessions in the last session lifetime as
/// `max_new_sessions_per_client` or `max_new_sessions` allow.
/// - `<0`: an internal error (`STEPUP_E_*`); `*result` is left untouched.
///   `STEPUP_E_MISSING_HOOK` when a stage has no checker (it never passes).
///
/// On 0 and 1 the caller owns `*result` and frees it with
/// `stepup_uia_result_free`.
///
/// # Safety
/// `engine` and `flows` are live objects; `request` points to a request whose
/// strings are NUL-terminated and whose body holds `body_len` bytes; `result`
/// is valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_complete(
    engine: *const stepup_uia,
    flows: *const stepup_uia_flows,
    request: *const stepup_uia_request,
    result: *mut *mut stepup_uia_result,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(result, "result")?;
        // SAFETY: live objects by the caller's promise.
        let (engine, flows, request) = unsafe {
            (
                args::object(engine, "engine")?,
                args::object(flows, "flows")?,
                args::object(request, "request")?,
            )
        };
        // SAFETY: the request's fields follow its documented contract.
        let request = unsafe { request_from_c(request) }?;
        let outcome = engine.engine.complete(&flows.flows, &request)?;
        let (code, value) = stepup_uia_result::from_outcome(outcome)?;
        // SAFETY: checked non-NULL and writable by the caller's promise.
        unsafe { args::give(result, value) };
        Ok(code)
    })
}

/// Handles the POST of the fallback page of `stage_type`
/// (`/_matrix/client/v3/auth/{stage_type}/fallback/web`): checks the stage
/// against the flows and user of the session named in `auth.session` and
/// records it, without completing the session (the client then repeats its
/// original request, which completes it). `request->user` may be NULL: the
/// page runs in a browser without an access token.
///
/// Returns 0 with `*result` holding the response to send (401 with the stage
/// in `completed` once it passed, or 400/403/429 with an errcode), or <0 (a
/// `STEPUP_E_*` code, `*result` untouched). The caller frees `*result` with
/// `stepup_uia_result_free`.
///
/// # Safety
/// As for `stepup_uia_complete`; `stage_type` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_complete_fallback(
    engine: *const stepup_uia,
    stage_type: *const c_char,
    request: *const stepup_uia_request,
    result: *mut *mut stepup_uia_result,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(result, "result")?;
        // SAFETY: live objects and a NUL-terminated string by the caller's promise.
        let (engine, stage, request) = unsafe {
            (
                args::object(engine, "engine")?,
                args::utf8(stage_type, "stage_type")?,
                args::object(request, "request")?,
            )
        };
        let kind = StageKind::from_wire(stage).ok_or(CallError::Invalid("stage_type"))?;
        // SAFETY: the request's fields follow its documented contract.
        let request = unsafe { request_from_c(request) }?;
        let outcome = engine.engine.complete_fallback(&kind, &request)?;
        let (code, value) = stepup_uia_result::from_outcome(outcome)?;
        // SAFETY: checked non-NULL and writable by the caller's promise.
        unsafe { args::give(result, value) };
        Ok(code)
    })
}

/// The engine's view of a C request.
///
/// # Safety
/// The request's strings are NUL-terminated (or NULL where allowed) and its
/// body holds `body_len` bytes, for the lifetime `'a`.
pub(super) unsafe fn request_from_c<'a>(
    request: &'a stepup_uia_request,
) -> Result<Request<'a>, CallError> {
    // SAFETY: forwarded caller promise.
    unsafe {
        Ok(Request {
            method: args::utf8(request.method, "request.method")?,
            path: args::utf8(request.path, "request.path")?,
            body: args::bytes(request.body.cast(), request.body_len, "request.body")?,
            user: args::optional_utf8(request.user, "request.user")?,
            client: args::optional_utf8(request.client, "request.client")?,
        })
    }
}

fn field(
    result: *const stepup_uia_result,
    pick: impl FnOnce(&stepup_uia_result) -> Option<&CString>,
) -> *const c_char {
    boundary::stepup(|| {
        // SAFETY: every accessor's contract: NULL or a live result.
        let result = unsafe { args::object(result, "result") }?;
        Ok(pick(result).map_or(std::ptr::null(), |s| s.as_ptr()))
    })
}

/// The HTTP status to answer with: 200 when UIA is complete, otherwise the
/// response's status (401, 400, 403, 413, 429). Returns
/// `STEPUP_E_NULL_POINTER` for a NULL result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_status(result: *const stepup_uia_result) -> c_int {
    boundary::stepup(|| {
        // SAFETY: NULL or a live result.
        Ok(unsafe { args::object(result, "result") }?.status)
    })
}

/// The JSON body to send when `stepup_uia_complete` returned 0; NULL when it
/// returned 1. Owned by the result: valid until `stepup_uia_result_free`.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_body(result: *const stepup_uia_result) -> *const c_char {
    field(result, |r| r.body.as_ref())
}

/// The completed session's id (after a return of 1), else NULL. Owned by the
/// result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_session(
    result: *const stepup_uia_result,
) -> *const c_char {
    field(result, |r| r.session.as_ref())
}

/// The completed flow as a JSON array of stage types (after a return of 1),
/// else NULL. Owned by the result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_flow(result: *const stepup_uia_result) -> *const c_char {
    field(result, |r| r.flow.as_ref())
}

/// The full user id the stages authenticated (after a return of 1), or NULL
/// when no stage proved a user. Owned by the result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_user(result: *const stepup_uia_result) -> *const c_char {
    field(result, |r| r.user.as_ref())
}

/// The registration token the completed session consumed, when the
/// completing request carried it (its `auth` attempted the token stage);
/// else NULL, also when the token was given in an earlier request: the
/// store keeps only a digest of it. Owned by the result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_token(
    result: *const stepup_uia_result,
) -> *const c_char {
    field(result, |r| r.token.as_ref())
}

/// The body (JSON, without `auth` and without the secret fields `password`,
/// `new_password`, `old_password`) of the request that completed the
/// session, or NULL before completion: the operation to perform, which the
/// engine checked is the one the session was started for. Owned by the
/// result.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_request_body(
    result: *const stepup_uia_result,
) -> *const c_char {
    field(result, |r| r.request_body.as_ref())
}

/// 1 when the result repeats an earlier completion (the identical request
/// was sent again), 0 otherwise; `STEPUP_E_NULL_POINTER` for NULL.
///
/// # Safety
/// `result` is NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_replayed(result: *const stepup_uia_result) -> c_int {
    boundary::stepup(|| {
        // SAFETY: NULL or a live result.
        Ok(c_int::from(
            unsafe { args::object(result, "result") }?.replayed,
        ))
    })
}

/// Frees a result and every string it owns. NULL is ignored.
///
/// # Safety
/// `result` is NULL or a result from `stepup_uia_complete`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_result_free(result: *mut stepup_uia_result) {
    boundary::stepup(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(result) };
        Ok(())
    })
}
