//! Sessions: creation, transport, handshake, records, close, and the
//! post-handshake re-authentication of `gnutls_reauth()`.

use std::ffi::{c_char, c_int, c_uint, c_void};

use super::enums::{gnutls_alert_description_t, gnutls_alert_level_t};
use super::transport::{
    CTransport, TransportSettings, push_without_waiting, wait_input_or_room, wait_writable,
};
use super::types::*;
use super::verify::VerifyCell;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::session::{CertRequest, RecvStep, Session, read_input};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// A TLS session (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_session_int {
    /// The session, locked by each call: GnuTLS lets one thread receive
    /// while another sends, and a receive leaves it unlocked while it waits
    /// for input (see `gnutls_record_recv`).
    session: Mutex<Session>,
    pub(super) transport: TransportSettings,
    user_ptr: *mut c_void,
    /// The peer's certificates as handed out by `gnutls_certificate_get_peers`.
    peers: Vec<Vec<u8>>,
    peer_datums: Vec<gnutls_datum_t>,
    /// The verify function of the credentials set on the session.
    verify_function: Option<VerifyCell>,
    /// Retrieve function, our certificate's datum, verify output function
    /// (see `retrieve.rs`).
    pub(super) certs: super::retrieve::SessionCerts,
    /// The key log function and the extension message being handled
    /// (cells: read while `session` is borrowed).
    pub(super) callbacks: super::callbacks::Callbacks,
    /// The accepted PSK user name handed out by `gnutls_psk_server_get_username`.
    pub(super) psk_username: Option<std::ffi::CString>,
    /// What `gnutls_psk_server_get_username2` hands out.
    pub(super) psk_username_bytes: Option<Vec<u8>>,
    /// What `gnutls_psk_client_get_hint` hands out.
    pub(super) psk_hint: Option<std::ffi::CString>,
    /// What `gnutls_session_get_master_secret` points into.
    pub(super) master_secret: zeroize::Zeroizing<Vec<u8>>,
    /// What `gnutls_ciphersuite_get` hands out.
    pub(super) suite_name: Option<std::ffi::CString>,
    /// The credentials handles set with `gnutls_credentials_set`, by type,
    /// for `gnutls_credentials_get`.
    pub(super) credential_handles: Vec<(i32, *mut c_void)>,
    /// What `gnutls_session_get_random` points into: (client, server).
    pub(super) randoms: Box<[[u8; 32]; 2]>,
    /// The session database functions (stored, never called).
    pub(super) db: super::tickets::DbFunctions,
    /// The handshake hook's settings (see `hooks.rs`).
    pub(super) hook_slot: super::hooks::HookSlot,
    /// Credentials a handshake hook set while the session was busy, set on
    /// it once the hook's operation lets go (see `credentials.rs`).
    pub(super) deferred_credentials: Vec<(i32, *mut c_void)>,
}

/// A session handle.
#[allow(non_camel_case_types)]
pub type gnutls_session_t = *mut gnutls_session_int;

/// The session of a handle, locked, for calls that may run the
/// application's transport callbacks: only the `session` field is borrowed,
/// so a callback that calls `gnutls_transport_set_errno` touches another
/// field. From inside one of the session's own callbacks (a hook, say) on
/// this thread the call is refused instead of waiting for the lock that
/// thread holds.
///
/// # Safety
/// `ptr` is NULL or a live session.
unsafe fn session_mut<'a>(ptr: gnutls_session_t) -> Result<MutexGuard<'a, Session>, CallError> {
    if ptr.is_null() {
        return Err(CallError::Null("session"));
    }
    if super::callbacks::in_callback(ptr) {
        return Err(Error::InvalidRequest.into());
    }
    // SAFETY: non-NULL and live by the caller's promise; a shared borrow of
    // the lock field alone.
    let lock = unsafe { &*std::ptr::addr_of!((*ptr).session) };
    // A panic caught at the boundary leaves the session as the engine left
    // it (a poisoned connection fails its calls), so the lock is taken
    // back. std's lock, not parking_lot's: no per-thread data is left in
    // the application's threads.
    Ok(lock.lock().unwrap_or_else(PoisonError::into_inner))
}

/// Runs `f` on the session of a live handle.
///
/// # Safety
/// As for `session_mut`.
pub(crate) unsafe fn with_session<R>(
    ptr: gnutls_session_t,
    f: impl FnOnce(&mut Session) -> R,
) -> Result<R, CallError> {
    // SAFETY: forwarded promise.
    Ok(f(&mut *unsafe { session_mut(ptr) }?))
}

/// Remembers the verify function cell of the credentials set on a session.
///
/// # Safety
/// `ptr` is NULL or a live session used by no other thread.
pub(super) unsafe fn set_verify_cell(
    ptr: gnutls_session_t,
    cell: VerifyCell,
) -> Result<(), CallError> {
    // SAFETY: forwarded promise.
    unsafe { args::object_mut(ptr, "session") }?.verify_function = Some(cell);
    Ok(())
}

/// Runs `op` on the session; when it stops for the application's check of
/// the peer (`Error::PeerCheckPending`), calls the credentials' verify
/// function with no borrow of the session held (it may call back into the
/// library with `session`), hands its verdict to the session (non-zero
/// fails with `GNUTLS_E_CERTIFICATE_ERROR`), and runs `op` again.
///
/// # Safety
/// `ptr` is NULL or a live session used by no other thread.
pub(crate) unsafe fn run_with_peer_check<R>(
    ptr: gnutls_session_t,
    mut op: impl FnMut(&mut Session) -> Result<R, Error>,
) -> Result<R, CallError> {
    loop {
        // SAFETY: forwarded promise; the borrow ends with the call.
        // The lock is released before the arms run the application's code.
        let result = op(&mut *unsafe { session_mut(ptr) }?);
        // Credentials a hook set in there apply now (before a pause for
        // them is resumed).
        // SAFETY: forwarded promise; no borrow of the session is live.
        unsafe { super::credentials::apply_deferred(ptr) }?;
        match result {
            Err(Error::PeerCheckPending) => {}
            Err(Error::CertificateChoicePending) => {
                // SAFETY: forwarded promise; no borrow of the session is live.
                unsafe { super::retrieve::choose(ptr) }?;
                continue;
            }
            Err(Error::ClientHelloCheckPending) => {
                // SAFETY: forwarded promise; no borrow of the session is live.
                unsafe { super::handshake_info::run_post_client_hello(ptr) }?;
                continue;
            }
            other => return Ok(other?),
        }
        // SAFETY: live (checked above); only the verify function field is read.
        let cell = unsafe { (*std::ptr::addr_of!((*ptr).verify_function)).clone() };
        let function = cell.and_then(|c| *c.lock());
        let accepted = match function {
            // SAFETY: the application's verify function, called with the
            // session as GnuTLS calls it; no Rust borrow of the session is live.
            Some(f) => (unsafe { f(ptr) }) == 0,
            None => true,
        };
        // SAFETY: forwarded promise.
        unsafe { session_mut(ptr) }?.peer_checked(accepted)?;
    }
}

/// Hands the session a transport made of the handle's current settings.
pub(super) fn install_transport(handle: &mut gnutls_session_int) {
    let transport = Box::new(CTransport::new(handle.transport.clone()));
    handle
        .session
        .get_mut()
        .unwrap_or_else(PoisonError::into_inner)
        .set_transport(transport);
}

/// Creates a session. `flags` holds `GNUTLS_SERVER` or `GNUTLS_CLIENT`, and
/// optionally `GNUTLS_POST_HANDSHAKE_AUTH` (client: offer post-handshake
/// authentication), `GNUTLS_AUTO_REAUTH` (client: answer it inside
/// `gnutls_record_recv`) and others GnuTLS defines.
///
/// On success writes the session to `*session` (free it with
/// `gnutls_deinit`) and returns 0; returns `GNUTLS_E_INVALID_REQUEST` for a
/// NULL `session` or neither/both of server and client.
///
/// # Safety
/// `session` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_init(session: *mut gnutls_session_t, flags: c_uint) -> c_int {
    boundary::gnutls(|| {
        args::out_param(session, "session")?;
        let inner = Session::new(flags)?;
        let handle = gnutls_session_int {
            session: Mutex::new(inner),
            transport: TransportSettings::default(),
            user_ptr: std::ptr::null_mut(),
            peers: Vec::new(),
            peer_datums: Vec::new(),
            verify_function: None,
            certs: super::retrieve::SessionCerts::default(),
            callbacks: super::callbacks::Callbacks::default(),
            psk_username: None,
            psk_hint: None,
            randoms: Box::new([[0; 32]; 2]),
            suite_name: None,
            credential_handles: Vec::new(),
            master_secret: zeroize::Zeroizing::new(Vec::new()),
            psk_username_bytes: None,
            db: super::tickets::DbFunctions::default(),
            hook_slot: super::hooks::HookSlot::default(),
            deferred_credentials: Vec::new(),
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(session, handle) };
        Ok(0)
    })
}

/// Frees a session and everything it owns (not its credentials, which
/// the caller frees after every session using them). NULL is ignored.
///
/// # Safety
/// `session` is NULL or a session from `gnutls_init`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_deinit(session: gnutls_session_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(session) };
        Ok(())
    })
}

/// Runs the handshake. Returns 0 when it is complete; `GNUTLS_E_AGAIN` or
/// `GNUTLS_E_INTERRUPTED` when the transport would block or was
/// interrupted (call again; `gnutls_record_get_direction` tells which way);
/// otherwise a fatal negative code (the session must be closed).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { run_with_peer_check(session, Session::handshake) }?;
        Ok(0)
    })
}

/// Sends `data_size` bytes of `data` (at most 16384 per call). Returns the
/// number of bytes sent; `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED`: call again
/// with the same arguments (or NULL and 0);
/// `GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE` from inside one of the session's
/// handshake callbacks; another negative code is fatal.
///
/// # Safety
/// `session` is NULL or live; `data` is valid for `data_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_send(
    session: gnutls_session_t,
    data: *const c_void,
    data_size: usize,
) -> libc::ssize_t {
    let code = boundary::gnutls(|| {
        refuse_inside_callbacks(session)?;
        // SAFETY: the caller's promise about the buffer.
        let data = unsafe { args::bytes(data, data_size, "data")? };
        // SAFETY: the caller's promise about the session.
        let sent = unsafe { send(session, data) }?;
        Ok(c_int::try_from(sent).unwrap_or(c_int::MAX))
    });
    isize::try_from(code).unwrap_or(-1)
}

/// Sends up to `count` bytes read from the file descriptor `fd` (a file
/// stepup reads; it is neither closed nor kept): from `*offset` when
/// `offset` is not NULL, which then advances by the bytes sent while the
/// descriptor's own position stays put; from its current position
/// otherwise. Stops early at the end of the file. Returns the number of
/// bytes sent; a negative code as `gnutls_record_send` returns them (bytes
/// read but not sent when it fails are lost, as in GnuTLS), or
/// `GNUTLS_E_FILE_ERROR` when the descriptor cannot be read.
///
/// # Safety
/// `session` is NULL or live; `offset` is NULL or valid for reads and
/// writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_send_file(
    session: gnutls_session_t,
    fd: c_int,
    offset: *mut libc::off_t,
    count: usize,
) -> libc::ssize_t {
    let code = boundary::gnutls(|| {
        refuse_inside_callbacks(session)?;
        // SAFETY: NULL or valid, by the caller's promise.
        let mut position = unsafe { offset.as_mut() };
        // The count returned must fit the return value.
        let count = count.min(usize::try_from(c_int::MAX).unwrap_or(usize::MAX));
        let mut buf = vec![0u8; 16384];
        let mut total: usize = 0;
        while total < count {
            let want = buf.len().min(count - total);
            let chunk = buf.get_mut(..want).ok_or(Error::InvalidRequest)?;
            let got = match position.as_deref() {
                // SAFETY: pread(2) into a buffer valid for `want` bytes.
                Some(at) => unsafe { libc::pread(fd, chunk.as_mut_ptr().cast(), want, *at) },
                // SAFETY: read(2) into a buffer valid for `want` bytes.
                None => unsafe { libc::read(fd, chunk.as_mut_ptr().cast(), want) },
            };
            let got = usize::try_from(got).map_err(|_| Error::FileError)?;
            if got == 0 {
                break;
            }
            let mut sent = 0;
            while sent < got {
                // SAFETY: the caller's promise about the session.
                match unsafe { send(session, &chunk[sent..got]) } {
                    Ok(n) => sent += n,
                    Err(e) if total + sent == 0 => return Err(e),
                    // What went is reported; the error comes again next call.
                    Err(_) => break,
                }
            }
            total += sent;
            if let Some(at) = position.as_deref_mut() {
                *at += libc::off_t::try_from(sent).map_err(|_| Error::InvalidRequest)?;
            }
            if sent < got {
                break;
            }
        }
        Ok(c_int::try_from(total).unwrap_or(c_int::MAX))
    });
    isize::try_from(code).unwrap_or(-1)
}

/// Receives up to `data_size` bytes into `data`. Returns the number of
/// bytes received, 0 when the peer closed the session (close_notify),
/// `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call again),
/// `GNUTLS_E_REAUTH_REQUEST` (client: the server asks for a certificate;
/// call `gnutls_reauth`), `GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE` (from
/// inside one of the session's handshake callbacks), or another, fatal,
/// negative code.
///
/// # Safety
/// `session` is NULL or live; `data` is valid for writes of `data_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_recv(
    session: gnutls_session_t,
    data: *mut c_void,
    data_size: usize,
) -> libc::ssize_t {
    let code = boundary::gnutls(|| {
        refuse_inside_callbacks(session)?;
        // SAFETY: the caller's promises about the buffer.
        let buf = unsafe { args::bytes_mut(data, data_size, "data")? };
        // SAFETY: the caller's promise about the session.
        let n = unsafe { receive(session, buf) }?;
        Ok(c_int::try_from(n).unwrap_or(c_int::MAX))
    });
    isize::try_from(code).unwrap_or(-1)
}

/// Records cannot move from inside the session's own callbacks (a
/// handshake hook, say): `GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE`, as GnuTLS
/// answers.
fn refuse_inside_callbacks(session: gnutls_session_t) -> Result<(), CallError> {
    if !session.is_null() && super::callbacks::in_callback(session) {
        return Err(Error::UnavailableDuringHandshake.into());
    }
    Ok(())
}

/// `gnutls_record_send`'s work. On a blocking socket of the default
/// transport the record is pushed without waiting while the session is
/// locked; when the socket is full the call waits for room unlocked and
/// then finishes the queued record, so a thread receiving on the session
/// meanwhile (as GnuTLS allows) is never held up by our output.
///
/// # Safety
/// `ptr` is NULL or a live session; no other thread sends on it or calls
/// anything on it but `gnutls_record_recv`.
unsafe fn send(ptr: gnutls_session_t, data: &[u8]) -> Result<usize, CallError> {
    if ptr.is_null() {
        return Err(CallError::Null("session"));
    }
    // SAFETY: non-NULL and live; a shared read of the settings field,
    // which only calls on this thread change.
    let socket = unsafe { &*std::ptr::addr_of!((*ptr).transport) }.blocking_push_socket();
    let Some(fd) = socket else {
        // SAFETY: forwarded promise.
        return Ok(unsafe { session_mut(ptr) }?.send(data)?);
    };
    loop {
        // SAFETY: forwarded promise.
        let sent = push_without_waiting(|| unsafe { session_mut(ptr) }.map(|mut s| s.send(data)))?;
        match sent {
            Err(Error::Again) => wait_writable(fd),
            other => return Ok(other?),
        }
    }
}

/// `gnutls_record_recv`'s work: the session is locked for each step and
/// unlocked while the transport is read, so that a thread sending on the
/// same session (as GnuTLS allows) never waits for our input.
///
/// # Safety
/// `ptr` is NULL or a live session; no other thread receives on it or
/// calls anything on it but `gnutls_record_send`.
unsafe fn receive(ptr: gnutls_session_t, buf: &mut [u8]) -> Result<usize, CallError> {
    if ptr.is_null() {
        return Err(CallError::Null("session"));
    }
    // The reads go through a transport made of the session's own settings,
    // which only calls on this thread change.
    // SAFETY: non-NULL and live; a shared read of the settings field.
    let settings = unsafe { &*std::ptr::addr_of!((*ptr).transport) };
    let mut reader = CTransport::new(settings.clone());
    match settings.blocking_sockets() {
        // SAFETY: forwarded promise.
        None => unsafe { receive_with(ptr, buf, &mut reader, None) },
        // On blocking sockets our own output (an answer to a KeyUpdate, or
        // the record of a sender waiting for room) never blocks while the
        // session is locked: it stays queued, and this call waits for room
        // or for input unlocked.
        Some(sockets) => push_without_waiting(|| {
            // SAFETY: forwarded promise.
            unsafe { receive_with(ptr, buf, &mut reader, Some(sockets)) }
        }),
    }
}

/// The steps of `receive`; `sockets`: the receiving and sending blocking
/// sockets, whose pushes do not wait (see `receive`).
///
/// # Safety
/// As for `receive`.
unsafe fn receive_with(
    ptr: gnutls_session_t,
    buf: &mut [u8],
    reader: &mut CTransport,
    sockets: Option<(c_int, c_int)>,
) -> Result<usize, CallError> {
    let mut after_input = false;
    loop {
        // SAFETY: forwarded promise.
        let deadline = unsafe { with_session(ptr, |s| s.recv_deadline()) }?;
        let defer = sockets.is_some();
        // SAFETY: forwarded promise.
        let step = unsafe { run_with_peer_check(ptr, |s| s.recv_step(buf, after_input, defer)) }?;
        let want = match step {
            RecvStep::Read(n) => return Ok(n),
            RecvStep::NeedInput(want) => want,
        };
        if let Some((recv_fd, send_fd)) = sockets {
            // SAFETY: forwarded promise.
            let queued = unsafe { with_session(ptr, |s| s.has_pending_output()) }?;
            if queued && !wait_input_or_room(recv_fd, send_fd, deadline.and_then(|w| w.deadline()))
            {
                // Room came first: our queued output goes out, then on.
                // SAFETY: forwarded promise.
                unsafe { with_session(ptr, Session::flush_deferred) }??;
                continue;
            }
        }
        // SAFETY: forwarded promise.
        let (mut input, at) = unsafe { with_session(ptr, |s| s.take_read_buf(want)) }?;
        let got = read_input(reader, &mut input[at..], deadline);
        // SAFETY: forwarded promise.
        unsafe { with_session(ptr, |s| s.recv_input(input, at, got)) }??;
        after_input = true;
    }
}

/// 0 if the last `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` happened while
/// reading, 1 while writing.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_get_direction(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(unsafe { session_mut(session) }?.direction())
    })
}

/// The number of received bytes waiting to be read with `gnutls_record_recv`
/// (0 for a NULL session).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_record_check_pending(session: gnutls_session_t) -> usize {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || Ok(unsafe { session_mut(session) }?.pending()))
}

/// Ends the session: sends close_notify, and with `GNUTLS_SHUT_RDWR` waits
/// for the peer's. Returns 0, `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call
/// again), or a negative code.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_bye(
    session: gnutls_session_t,
    how: gnutls_close_request_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.bye(how == GNUTLS_SHUT_RDWR)?;
        Ok(0)
    })
}

/// Sends an alert: `level` is `GNUTLS_AL_WARNING` (1) or `GNUTLS_AL_FATAL`
/// (2), `desc` a `gnutls_alert_description_t`. Returns 0,
/// `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call again with the same
/// arguments), or a negative code (`GNUTLS_E_INVALID_REQUEST` before the
/// handshake started or for a bad level or description).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_alert_send(
    session: gnutls_session_t,
    level: gnutls_alert_level_t,
    desc: gnutls_alert_description_t,
) -> c_int {
    boundary::gnutls(|| {
        let level = u8::try_from(level)
            .ok()
            .filter(|l| matches!(l, 1 | 2))
            .ok_or(Error::InvalidRequest)?;
        let desc = u8::try_from(desc).map_err(|_| Error::InvalidRequest)?;
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.alert_send(level, desc)?;
        Ok(0)
    })
}

/// Sends the alert GnuTLS sends for the error `err` (see
/// `gnutls_error_to_alert`), typically after a failed handshake: nothing
/// for non-fatal codes (but `GNUTLS_E_REHANDSHAKE`) and for
/// `GNUTLS_E_FATAL_ALERT_RECEIVED`, and nothing either when stepup already
/// answered the failure with an alert of its own (it sends the one the
/// protocol calls for, where GnuTLS leaves that to the application).
/// Returns 0, `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call again), or a
/// negative code (`GNUTLS_E_INVALID_REQUEST` before the handshake started).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_alert_send_appropriate(
    session: gnutls_session_t,
    err: c_int,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.alert_send_appropriate(err)?;
        Ok(0)
    })
}

/// The alert description GnuTLS sends for the error `err`, with its level
/// (`GNUTLS_AL_WARNING` or `GNUTLS_AL_FATAL`) written to `*level` when
/// `level` is not NULL; `GNUTLS_A_INTERNAL_ERROR` for codes without a
/// better match.
///
/// # Safety
/// `level` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_error_to_alert(err: c_int, level: *mut c_int) -> c_int {
    let (alert_level, description) = crate::gnutls::error_alerts::alert_for(err);
    if !level.is_null() {
        // SAFETY: non-NULL and writable by the caller's promise.
        unsafe { level.write(c_int::from(alert_level)) };
    }
    c_int::from(description)
}

/// Performs TLS 1.3 post-handshake authentication. `flags` must be 0.
/// Under TLS 1.2 it always fails with `GNUTLS_E_INVALID_REQUEST` and
/// changes nothing, as GnuTLS documents.
///
/// On a server it asks the client for a certificate (as set with
/// `gnutls_certificate_server_set_request`: REQUEST or REQUIRE) and waits for
/// the answer. Returns 0 when the client authenticated (or, with REQUEST,
/// declined); `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` (call again to resume);
/// `GNUTLS_E_GOT_APPLICATION_DATA` when data arrived before the client's
/// certificate (read it with `gnutls_record_recv`, then call again);
/// `GNUTLS_E_CERTIFICATE_REQUIRED` when REQUIRE got no certificate; and
/// `GNUTLS_E_INVALID_REQUEST` when `flags` is not 0, the client did not offer
/// post-handshake authentication, no request mode or no certificate
/// credentials were set, or the handshake is not complete (nothing is sent).
///
/// On a client, after `gnutls_record_recv` returned `GNUTLS_E_REAUTH_REQUEST`,
/// it answers with the credentials' certificate (or an empty one). Returns 0,
/// `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED`, or a negative code.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_reauth(session: gnutls_session_t, flags: c_uint) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { run_with_peer_check(session, |s| s.reauth(flags)) }?;
        Ok(0)
    })
}

/// (Server) Whether to ask clients for certificates, in the handshake and
/// for `gnutls_reauth`: `GNUTLS_CERT_IGNORE`, `GNUTLS_CERT_REQUEST` or
/// `GNUTLS_CERT_REQUIRE`. Other values are ignored.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_server_set_request(
    session: gnutls_session_t,
    req: gnutls_certificate_request_t,
) {
    boundary::gnutls(|| {
        let mode = match req {
            GNUTLS_CERT_IGNORE => CertRequest::Ignore,
            GNUTLS_CERT_REQUEST => CertRequest::Request,
            GNUTLS_CERT_REQUIRE => CertRequest::Require,
            _ => return Ok(()),
        };
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.set_cert_request(mode);
        Ok(())
    })
}

/// (Server) With `status` non-zero, certificate requests name no trusted
/// CAs (clients may then offer any certificate); with 0, the default, they
/// list the subjects of the credentials' trusted CAs.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_send_x509_rdn_sequence(
    session: gnutls_session_t,
    status: c_int,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.set_list_authorities(status == 0);
        Ok(())
    })
}

/// (Client) Asks for the server's OCSP response with the status_request
/// extension. GnuTLS clients send it by default (unless initialised with
/// `GNUTLS_NO_EXTENSIONS`) once certificate credentials are set. As in
/// GnuTLS 3.6 and later, `responder_id`, `responder_id_size` and
/// `extensions` are ignored (pass NULL, 0, NULL); nothing is kept. A
/// stapled response is accepted and not checked.
///
/// Returns 0, `GNUTLS_E_INVALID_REQUEST` on a server or a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ocsp_status_request_enable_client(
    session: gnutls_session_t,
    _responder_id: *mut gnutls_datum_t,
    _responder_id_size: usize,
    _extensions: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { session_mut(session) }?.enable_status_request()?;
        Ok(0)
    })
}

/// The session's flags: `GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH` when
/// post-handshake authentication is possible (the client offered it);
/// (client) `GNUTLS_SFLAGS_SESSION_TICKET` once a session ticket arrived;
/// `GNUTLS_SFLAGS_CLI_REQUESTED_OCSP` when the client sent status_request;
/// under TLS 1.2 also `GNUTLS_SFLAGS_EXT_MASTER_SECRET` (always: stepup
/// requires it) and `GNUTLS_SFLAGS_SAFE_RENEGOTIATION` when the peer
/// signalled RFC 5746.
/// Returns 0 for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_flags(session: gnutls_session_t) -> c_uint {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || Ok(unsafe { session_mut(session) }?.flags()))
}

/// Stores a pointer for the application (`gnutls_session_get_ptr`).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_ptr(session: gnutls_session_t, ptr: *mut c_void) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { args::object_mut(session, "session") }?.user_ptr = ptr;
        Ok(())
    })
}

/// The pointer stored with `gnutls_session_set_ptr` (NULL if none).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_ptr(session: gnutls_session_t) -> *mut c_void {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        if session.is_null() {
            return Err(CallError::Null("session"));
        }
        // SAFETY: non-NULL and live; a read of this one field only, so a
        // handshake hook may call it while the session is borrowed.
        Ok(unsafe { *std::ptr::addr_of!((*session).user_ptr) })
    })
}

/// (Client) Sets the server name to send (SNI) and to verify against.
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for another type or a bad name.
///
/// # Safety
/// `session` is NULL or live; `name` holds `name_length` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_server_name_set(
    session: gnutls_session_t,
    r#type: gnutls_server_name_type_t,
    name: *const c_void,
    name_length: usize,
) -> c_int {
    boundary::gnutls(|| {
        if r#type != GNUTLS_NAME_DNS {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: the caller's promises.
        let (mut session, name) = unsafe {
            (
                session_mut(session)?,
                args::bytes(name, name_length, "name")?,
            )
        };
        let name = std::str::from_utf8(name).map_err(|_| CallError::Utf8("name"))?;
        session.set_server_name(name);
        Ok(0)
    })
}

/// Makes the handshake verify the peer's certificate against the
/// credentials' trust anchors (and `hostname`, if not NULL), failing with
/// `GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR` otherwise. `flags`
/// (`GNUTLS_VERIFY_*`) add to the credentials' verification flags (see
/// `gnutls_certificate_set_verify_flags`).
///
/// # Safety
/// `session` is NULL or live; `hostname` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_verify_cert(
    session: gnutls_session_t,
    hostname: *const c_char,
    flags: c_uint,
) {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (mut session, hostname) = unsafe {
            (
                session_mut(session)?,
                args::optional_utf8(hostname, "hostname")?,
            )
        };
        session.set_verify_cert(hostname, flags);
        Ok(())
    })
}

/// Verifies the peer's certificate against the credentials' trust anchors
/// and writes the status bits to `*status` (0 when trusted). Returns 0,
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments, or
/// `GNUTLS_E_NO_CERTIFICATE_FOUND` when the peer sent no certificate (and
/// `*status` is left alone), as GnuTLS.
///
/// # Safety
/// `session` is NULL or live; `status` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_verify_peers2(
    session: gnutls_session_t,
    status: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(status, "status")?;
        // SAFETY: NULL or live.
        let bits = unsafe { session_mut(session) }?.verify_peer(None, None)?;
        // SAFETY: checked non-NULL.
        unsafe { status.write(bits) };
        Ok(0)
    })
}

/// The peer's certificates (DER, end-entity first) and their count in
/// `*list_size`; NULL when the peer sent none. The array belongs to the
/// session: valid until the next call of this function, a re-authentication,
/// or `gnutls_deinit`.
///
/// # Safety
/// `session` is NULL or live; `list_size` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_get_peers(
    session: gnutls_session_t,
    list_size: *mut c_uint,
) -> *const gnutls_datum_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let handle = unsafe { args::object_mut(session, "session") }?;
        handle.peers = handle
            .session
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .peer_certificates();
        handle.peer_datums = handle
            .peers
            .iter_mut()
            .map(|der| gnutls_datum_t {
                data: der.as_mut_ptr(),
                size: c_uint::try_from(der.len()).unwrap_or(0),
            })
            .collect();
        // SAFETY: NULL or writable by the caller's promise.
        if let Some(out) = unsafe { list_size.as_mut() } {
            *out = c_uint::try_from(handle.peer_datums.len()).unwrap_or(0);
        }
        Ok(if handle.peer_datums.is_empty() {
            std::ptr::null()
        } else {
            handle.peer_datums.as_ptr()
        })
    })
}

/// The negotiated protocol: `GNUTLS_TLS1_3` or `GNUTLS_TLS1_2` once the
/// hellos chose it, 0 before.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_protocol_get_version(
    session: gnutls_session_t,
) -> gnutls_protocol_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(unsafe { session_mut(session) }?.protocol())
    })
}

/// The negotiated cipher (`GNUTLS_CIPHER_AES_128_GCM`, ...), 0 before the handshake.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_cipher_get(session: gnutls_session_t) -> gnutls_cipher_algorithm_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(unsafe { session_mut(session) }?.cipher())
    })
}
