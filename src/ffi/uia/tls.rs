//! UIA over a TLS connection: the `io.stepup.tls_client_cert` stage, with
//! the client asked for its certificate through post-handshake
//! authentication on the session the request arrived on.

use std::ffi::{c_int, c_uint};

use crate::ffi::errors::CallError;
use crate::ffi::gnutls::session::{gnutls_session_t, run_with_peer_check, with_session};
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::session::CertRequest;
use crate::uia::Outcome;

use super::complete::{request_from_c, stepup_uia_request, stepup_uia_result};
use super::engine::stepup_uia;
use super::flows::stepup_uia_flows;

/// The stage type satisfied by a TLS client certificate.
pub const STEPUP_UIA_STAGE_TLS_CLIENT_CERT: &str = "io.stepup.tls_client_cert";

/// `stepup_uia_complete_tls`: the client attempted the TLS client-certificate
/// stage and the connection has no certificate yet. Run `gnutls_reauth` on
/// the session until it returns 0, then call again with the same request.
pub const STEPUP_UIA_REAUTH: c_int = 2;

/// `stepup_uia_complete_tls` flag: run `gnutls_reauth` inside the call
/// (for sessions over blocking sockets).
pub const STEPUP_UIA_TLS_RUN_REAUTH: c_uint = 1;

/// Like `stepup_uia_complete`, for a request that arrived on the server TLS
/// session `session` (from this library's GnuTLS API, after its handshake),
/// which makes the stage `io.stepup.tls_client_cert` possible: it passes
/// when the connection holds a verified client certificate (from the
/// handshake or from post-handshake authentication) that maps to the user
/// the UIA session is for, by an enrolled key (`stepup_uia_cert_enrol`) or
/// by the `tls_client_cert` patterns of the engine configuration; when the
/// session is for nobody yet, the stage authenticates the user it maps to.
///
/// When the client attempts that stage and the connection has no client
/// certificate yet but can be asked (TLS 1.3, the client offered
/// post-handshake authentication, the session was initialised with
/// `GNUTLS_POST_HANDSHAKE_AUTH` and has certificate credentials):
/// - with `STEPUP_UIA_TLS_RUN_REAUTH` in `flags`, the call runs
///   `gnutls_reauth(session, 0)` itself (asking with `GNUTLS_CERT_REQUEST`
///   when the session's request mode is `GNUTLS_CERT_IGNORE`; the mode is
///   restored after) and then decides the stage;
/// - otherwise it returns `STEPUP_UIA_REAUTH` and leaves `*result`
///   untouched: set a request mode, call `gnutls_reauth` until it returns 0
///   (it may return `GNUTLS_E_AGAIN` on non-blocking sockets), then call
///   this again with the same request. The same happens with the flag when
///   `gnutls_reauth` returns `GNUTLS_E_AGAIN`, `GNUTLS_E_INTERRUPTED` or
///   `GNUTLS_E_GOT_APPLICATION_DATA`: finish it the same way.
///
/// Failures of the stage are responses (return 0) with status 401 and
/// errcode `IO.STEPUP.CERT_MISSING` (the client sent an empty Certificate),
/// `IO.STEPUP.CERT_UNTRUSTED` (the chain did not verify against the
/// credentials' trust), `IO.STEPUP.CERT_UNKNOWN` (it maps to no user),
/// `IO.STEPUP.CERT_WRONG_USER` (it maps to another user) or
/// `IO.STEPUP.CERT_UNAVAILABLE` (no certificate, and the connection cannot
/// be asked).
///
/// Returns 1, 0 and `<0` as `stepup_uia_complete` does, `STEPUP_UIA_REAUTH`
/// as above, and `STEPUP_E_TLS` when `gnutls_reauth` failed fatally (close
/// the connection). `session` is only used during the call.
///
/// # Safety
/// As for `stepup_uia_complete`; `session` is a live session that no other
/// thread uses during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_complete_tls(
    engine: *const stepup_uia,
    flows: *const stepup_uia_flows,
    request: *const stepup_uia_request,
    session: gnutls_session_t,
    flags: c_uint,
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
        let mut asked = false;
        loop {
            // SAFETY: a live session by the caller's promise.
            let cert = unsafe { with_session(session, |s| crate::bridge::client_cert(s)) }?;
            let outcome = engine
                .engine
                .complete_with_cert(&flows.flows, &request, &cert)?;
            if !matches!(outcome, Outcome::Reauthenticate) {
                let (code, value) = stepup_uia_result::from_outcome(outcome)?;
                // SAFETY: checked non-NULL and writable by the caller's promise.
                unsafe { args::give(result, value) };
                return Ok(code);
            }
            // Asked once already and still nothing: the host finishes it.
            if flags & STEPUP_UIA_TLS_RUN_REAUTH == 0 || asked {
                return Ok(STEPUP_UIA_REAUTH);
            }
            asked = true;
            // SAFETY: as above.
            match unsafe { reauth(session) } {
                Ok(()) => {}
                Err(CallError::Gnutls(
                    Error::Again | Error::Interrupted | Error::GotApplicationData,
                )) => return Ok(STEPUP_UIA_REAUTH),
                Err(e) => return Err(e),
            }
        }
    })
}

/// Runs `gnutls_reauth` on `session`, asking with REQUEST if the host's
/// mode is IGNORE, and restores the host's mode.
///
/// # Safety
/// `session` is a live session used by no other thread.
unsafe fn reauth(session: gnutls_session_t) -> Result<(), CallError> {
    // SAFETY: forwarded promise.
    let previous = unsafe {
        with_session(session, |s| {
            let previous = s.cert_request();
            if previous == CertRequest::Ignore {
                s.set_cert_request(CertRequest::Request);
            }
            previous
        })
    }?;
    // SAFETY: forwarded promise; the application's verify function runs as
    // it does in `gnutls_reauth`.
    let outcome = unsafe { run_with_peer_check(session, |s| s.reauth(0)) };
    // SAFETY: forwarded promise.
    unsafe { with_session(session, |s| s.set_cert_request(previous)) }?;
    outcome
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_header_names_the_engine_s_stage() {
        let kind = crate::uia::StageKind::from_wire(super::STEPUP_UIA_STAGE_TLS_CLIENT_CERT);
        assert_eq!(kind, Some(crate::uia::StageKind::TlsClientCert));
    }
}
