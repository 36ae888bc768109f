//! Handshake facts and controls: the last handshake messages, the session
//! id, the extended-master-secret status, the hello random, the server's
//! post-client-hello function, and the `gnutls_transport_set_int` symbol.

use std::ffi::{CString, c_char, c_int, c_uint, c_void};

use super::hooks::gnutls_handshake_description_t;
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::session::{PostClientHello, Session};

/// A function called with the session only (`gnutls_handshake_post_client_hello_func`).
#[allow(non_camel_case_types)]
pub type gnutls_handshake_simple_hook_func =
    Option<unsafe extern "C" fn(gnutls_session_t) -> c_int>;

/// The type of the last handshake message the session sent (a
/// `gnutls_handshake_description_t`), or `(unsigned)-1` when none was sent
/// since the last handshake completed (GnuTLS 3.7 forgets the handshake's
/// messages when it completes; post-handshake ones, such as KeyUpdate or a
/// re-authentication's, count again). A KeyUpdate sent automatically in
/// answer to the peer's does not count, as in GnuTLS. `(unsigned)-1` for a
/// NULL session too, and from inside a handshake hook or key log function
/// (the session is busy then; GnuTLS answers there).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_get_last_out(
    session: gnutls_session_t,
) -> gnutls_handshake_description_t {
    let code: c_int = boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let (_, out) = unsafe { with_session(session, |s| s.last_handshake_messages()) }?;
        Ok(out)
    });
    // -1 (none), and a failed call, become (unsigned)-1, as in GnuTLS.
    c_uint::try_from(code).unwrap_or(c_uint::MAX)
}

/// The type of the last handshake message the session received, or
/// `(unsigned)-1` when none was received since the last handshake
/// completed (see `gnutls_handshake_get_last_out`) or for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_get_last_in(
    session: gnutls_session_t,
) -> gnutls_handshake_description_t {
    let code: c_int = boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let (last_in, _) = unsafe { with_session(session, |s| s.last_handshake_messages()) }?;
        Ok(last_in)
    });
    // -1 (none), and a failed call, become (unsigned)-1, as in GnuTLS.
    c_uint::try_from(code).unwrap_or(c_uint::MAX)
}

/// Copies the session id into `session_id` and its length into
/// `*session_id_size`. Under TLS 1.3, as in GnuTLS 3.7, a client's is the
/// legacy_session_id of its ClientHello (32 random bytes) and a server's is
/// an id of its own (32 random bytes, not the client's); both are empty
/// before the handshake starts. With `session_id` NULL
/// only the length is written. The buffer belongs to the caller.
///
/// Returns 0; `GNUTLS_E_SHORT_MEMORY_BUFFER` when `*session_id_size` is
/// smaller than the id (the length needed is written); or
/// `GNUTLS_E_INVALID_REQUEST` for a NULL session or `session_id_size`.
///
/// # Safety
/// `session` is NULL or live; `session_id_size` is NULL or valid for reads
/// and writes; `session_id` is NULL or valid for `*session_id_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_id(
    session: gnutls_session_t,
    session_id: *mut c_void,
    session_id_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(session_id_size, "session_id_size")?;
        // SAFETY: NULL or live.
        let id = unsafe { with_session(session, |s| s.session_id()) }??;
        // SAFETY: checked non-NULL; readable and writable by the caller's promise.
        let capacity = unsafe { session_id_size.replace(id.len()) };
        if session_id.is_null() {
            return Ok(0);
        }
        if capacity < id.len() {
            return Err(Error::ShortMemoryBuffer.into());
        }
        // SAFETY: valid for `capacity` bytes, which is at least the id's length.
        let out = unsafe { args::bytes_mut(session_id, id.len(), "session_id") }?;
        out.copy_from_slice(&id);
        Ok(0)
    })
}

/// Whether the extended master secret (RFC 7627) is in use: always 1
/// under TLS 1.2 (stepup requires it). TLS 1.3 has none; GnuTLS 3.7
/// nevertheless reports 1 on a server whose client
/// offered the extension in its ClientHello (as GnuTLS clients do) and 0
/// on a client, and so does stepup. 0 for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_ext_master_secret_status(
    session: gnutls_session_t,
) -> c_uint {
    // SAFETY: NULL (an error) or live by the caller's promise.
    boundary::gnutls_or(0, || unsafe {
        with_session(session, |s| s.ext_master_secret_status())
    })
}

/// Sets the random of the session's hello message (ClientHello or
/// ServerHello) for the next handshake instead of a fresh one: for tests
/// needing reproducible messages only. `random` (32 bytes) is copied.
///
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a size other than 32 or
/// NULL arguments.
///
/// # Safety
/// `session` is NULL or live; `random` is NULL or a datum valid for its size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_set_random(
    session: gnutls_session_t,
    random: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or a valid datum by the caller's promise.
        let datum = unsafe { random.as_ref() }.ok_or(CallError::Null("random"))?;
        let len = usize::try_from(datum.size).map_err(|_| CallError::Length("random"))?;
        // SAFETY: valid for its size by the caller's promise.
        let bytes = unsafe { args::bytes(datum.data.cast(), len, "random") }?;
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_handshake_random(bytes)) }??;
        Ok(0)
    })
}

/// The IANA name of the cipher suite the completed handshake negotiated
/// ("TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
/// NUL-terminated, owned by the session (valid until `gnutls_deinit`);
/// NULL before the handshake completed or for a NULL session.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_ciphersuite_get(session: gnutls_session_t) -> *const c_char {
    boundary::gnutls_or(std::ptr::null(), || {
        // SAFETY: NULL or live.
        let Some(name) = (unsafe { with_session(session, |s| s.ciphersuite_name()) })? else {
            return Ok(std::ptr::null());
        };
        let name = CString::new(name).map_err(|_| Error::InvalidRequest)?;
        // SAFETY: live (just used); a field apart from the session state.
        let slot = unsafe { &mut *std::ptr::addr_of_mut!((*session).suite_name) };
        if slot.as_ref() != Some(&name) {
            *slot = Some(name);
        }
        Ok(slot.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()))
    })
}

/// Points `*secret` at the master secret of a TLS 1.2 session (48 bytes),
/// owned by the session: valid until the next call of this function on it
/// or `gnutls_deinit`; not to be freed. Under TLS 1.3, or before the
/// handshake, `secret` gets NULL and size 0 (GnuTLS hands out internal
/// bytes there that no TLS 1.3 key derives from). A NULL `secret` is
/// ignored.
///
/// # Safety
/// `session` is NULL or live; `secret` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_master_secret(
    session: gnutls_session_t,
    secret: *mut gnutls_datum_t,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let master = unsafe { with_session(session, |s| s.master_secret()) }?;
        // SAFETY: NULL or writable by the caller's promise.
        let Some(out) = (unsafe { secret.as_mut() }) else {
            return Ok(());
        };
        let size = c_uint::try_from(master.len()).map_err(|_| Error::InvalidRequest)?;
        // SAFETY: live (just used); a field apart from the session state.
        let kept = unsafe { &mut *std::ptr::addr_of_mut!((*session).master_secret) };
        *kept = master;
        out.data = if kept.is_empty() {
            std::ptr::null_mut()
        } else {
            kept.as_mut_ptr()
        };
        out.size = size;
        Ok(())
    })
}

/// Points `*client` and `*server` (each when not NULL) at the hello
/// randoms of the session's handshake (32 bytes each; zero until known),
/// owned by the session: valid until the next call of this function on it
/// or `gnutls_deinit`; not to be freed.
///
/// # Safety
/// `session` is NULL or live; `client` and `server` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_random(
    session: gnutls_session_t,
    client: *mut gnutls_datum_t,
    server: *mut gnutls_datum_t,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let (c, s) = unsafe { with_session(session, |s| s.randoms()) }?;
        // SAFETY: live (just used); a field apart from the session state.
        let kept = unsafe { &mut *std::ptr::addr_of_mut!((*session).randoms) };
        **kept = [c, s];
        let [kept_client, kept_server] = &mut **kept;
        for (out, bytes) in [(client, kept_client), (server, kept_server)] {
            // SAFETY: NULL or writable by the caller's promise.
            if let Some(out) = unsafe { out.as_mut() } {
                out.data = bytes.as_mut_ptr();
                out.size = 32;
            }
        }
        Ok(())
    })
}

/// The C post-client-hello function and its session.
struct CPostClientHello {
    session: gnutls_session_t,
    func: unsafe extern "C" fn(gnutls_session_t) -> c_int,
}

// SAFETY: a session is used by one thread at a time (GnuTLS's rule); the
// function only runs inside calls on its session.
unsafe impl Send for CPostClientHello {}

impl CPostClientHello {
    fn call(&self) -> i32 {
        // SAFETY: called by `run_post_client_hello` with no borrow of the
        // session live; the session outlives its function.
        unsafe { (self.func)(self.session) }
    }
}

/// (Server) Sets the function called once the client's first ClientHello
/// is parsed (its server name, ALPN protocol and extensions are known)
/// and before any answer is sent. It runs with the session free: it may
/// call any function on it, such as `gnutls_server_name_get` or
/// `gnutls_alpn_get_selected_protocol`; credentials and priorities set
/// there do not change this handshake (stepup chose them with the
/// ClientHello). A negative return ends `gnutls_handshake` with that code,
/// nothing sent (the client sees the connection end). NULL removes it.
/// Ignored on a client.
///
/// # Safety
/// `session` is NULL or live; `func`, if not NULL, stays callable while
/// the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_handshake_set_post_client_hello_function(
    session: gnutls_session_t,
    func: gnutls_handshake_simple_hook_func,
) {
    boundary::gnutls(|| {
        let function: Option<PostClientHello> = func.map(|func| {
            let c = CPostClientHello { session, func };
            let f: PostClientHello = Box::new(move || c.call());
            f
        });
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_post_client_hello(function)) }
    })
}

/// Runs the post-client-hello function of a server whose handshake stopped
/// after the ClientHello, with no borrow of the session held, and resumes
/// the handshake with its verdict.
///
/// # Safety
/// `ptr` is NULL or a live session used by no other thread, with no borrow
/// of it live.
pub(super) unsafe fn run_post_client_hello(ptr: gnutls_session_t) -> Result<(), CallError> {
    // A pause before the ClientHello is handled, for what its hook set.
    // SAFETY: forwarded promise; the borrow ends with the call.
    if unsafe { with_session(ptr, |s| s.awaiting_reconfigure()) }? {
        // SAFETY: forwarded promise.
        unsafe { with_session(ptr, Session::reconfigure_after_hook) }??;
        return Ok(());
    }
    // SAFETY: forwarded promise; the borrow ends with the call.
    let mut function = unsafe { with_session(ptr, |s| s.take_post_client_hello()) }?;
    let code = function.as_mut().map_or(0, |f| f());
    // SAFETY: forwarded promise.
    unsafe { with_session(ptr, |s| s.client_hello_checked(code, function)) }??;
    Ok(())
}
