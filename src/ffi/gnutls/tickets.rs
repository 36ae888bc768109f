//! Session tickets and resumption: ticket keys, more tickets after the
//! handshake, a client's session data, and the session database functions
//! a TLS 1.2 server resumes sessions by id with.

use std::ffi::{c_int, c_uint, c_void};
use std::sync::Arc;

use zeroize::Zeroizing;

use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use super::util::malloc_datum;
use crate::ffi::args;
use crate::ffi::boundary;
use crate::ffi::errors::CallError;
use crate::gnutls::Error;
use crate::gnutls::session::entry_times;
use crate::tls::config::SessionStore;
use crate::tls::ticket_keys::MASTER_KEY_LEN;

/// Stores a session's data under a key (the session id); returns 0 on
/// success.
#[allow(non_camel_case_types)]
pub type gnutls_db_store_func = Option<
    unsafe extern "C" fn(ptr: *mut c_void, key: gnutls_datum_t, data: gnutls_datum_t) -> c_int,
>;
/// Removes the data stored under a key; returns 0 on success.
#[allow(non_camel_case_types)]
pub type gnutls_db_remove_func =
    Option<unsafe extern "C" fn(ptr: *mut c_void, key: gnutls_datum_t) -> c_int>;
/// Looks up the data stored under a key: a copy allocated with
/// `gnutls_malloc`, which stepup frees; `{NULL, 0}` when there is none.
#[allow(non_camel_case_types)]
pub type gnutls_db_retr_func =
    Option<unsafe extern "C" fn(ptr: *mut c_void, key: gnutls_datum_t) -> gnutls_datum_t>;

/// A session's database functions and their pointer.
#[derive(Clone, Copy)]
pub(super) struct DbFunctions {
    ptr: *mut c_void,
    store: gnutls_db_store_func,
    retrieve: gnutls_db_retr_func,
    remove: gnutls_db_remove_func,
}

impl Default for DbFunctions {
    fn default() -> Self {
        Self {
            ptr: std::ptr::null_mut(),
            store: None,
            retrieve: None,
            remove: None,
        }
    }
}

// SAFETY: a session is used by one thread at a time (GnuTLS's rule), and its
// database functions are called only inside calls on it; the pointer is the
// application's, handed back to its own functions.
unsafe impl Send for DbFunctions {}
// SAFETY: as above: never called from two threads at once.
unsafe impl Sync for DbFunctions {}

/// A datum over `bytes`, for the duration of a call.
fn borrowed(bytes: &[u8]) -> Option<gnutls_datum_t> {
    Some(gnutls_datum_t {
        data: bytes.as_ptr().cast_mut(),
        size: c_uint::try_from(bytes.len()).ok()?,
    })
}

impl SessionStore for DbFunctions {
    fn store(&self, id: &[u8], data: &[u8]) {
        let (Some(store), Some(key), Some(value)) = (self.store, borrowed(id), borrowed(data))
        else {
            return;
        };
        // SAFETY: the application's function with its own pointer; the
        // data outlives the call, which may only read it. Its result is
        // ignored, as GnuTLS does (a session not kept is only not resumed).
        unsafe { store(self.ptr, key, value) };
    }

    fn retrieve(&self, id: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let (retrieve, key) = (self.retrieve?, borrowed(id)?);
        // SAFETY: as for `store`.
        let found = unsafe { retrieve(self.ptr, key) };
        // SAFETY: the function returns NULL or `size` bytes from
        // `gnutls_malloc` that the caller owns.
        unsafe { super::util::take_malloced(&found) }
    }

    fn remove(&self, id: &[u8]) {
        let (Some(remove), Some(key)) = (self.remove, borrowed(id)) else {
            return;
        };
        // SAFETY: as for `store`.
        unsafe { remove(self.ptr, key) };
    }
}

/// Gives the session its database once the store and retrieve functions
/// are both set (GnuTLS needs both to resume by id); takes it away
/// otherwise.
///
/// # Safety
/// `session` is NULL or live.
unsafe fn refresh_store(session: gnutls_session_t) -> Result<(), CallError> {
    // SAFETY: NULL or live.
    let db = unsafe { args::object_mut(session, "session") }?.db;
    let store: Option<Arc<dyn SessionStore>> = match (db.store, db.retrieve) {
        (Some(_), Some(_)) => Some(Arc::new(db)),
        _ => None,
    };
    // SAFETY: NULL or live.
    unsafe { with_session(session, |s| s.set_session_store(store)) }
}

/// The bytes of a datum argument.
///
/// # Safety
/// `datum` is NULL or points to a datum whose data holds `size` bytes.
unsafe fn datum<'a>(
    datum: *const gnutls_datum_t,
    name: &'static str,
) -> Result<&'a [u8], CallError> {
    // SAFETY: forwarded promise.
    unsafe { super::credentials::datum(datum, name) }
}

/// Generates a master key for session tickets: 64 random bytes in
/// `key->data`, allocated with `gnutls_malloc` (free it with `gnutls_free`,
/// after wiping it). Returns 0; `GNUTLS_E_INVALID_REQUEST` for a NULL
/// `key`; `GNUTLS_E_MEMORY_ERROR`; `GNUTLS_E_RANDOM_FAILED`.
///
/// # Safety
/// `key` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_ticket_key_generate(key: *mut gnutls_datum_t) -> c_int {
    boundary::gnutls(|| {
        args::out_param(key, "key")?;
        let mut bytes = zeroize::Zeroizing::new([0u8; MASTER_KEY_LEN]);
        crate::crypto::fill_random(&mut bytes[..]).map_err(|_| Error::RandomFailed)?;
        let out = malloc_datum(&bytes[..])?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { key.write(out) };
        Ok(0)
    })
}

/// Makes a server send TLS 1.3 session tickets sealed under `key` (64
/// bytes, from `gnutls_session_ticket_key_generate`; every server sharing
/// it accepts the others' tickets), two after each handshake (none with
/// `GNUTLS_NO_AUTO_SEND_TICKET`), even if the
/// session was initialised with `GNUTLS_NO_TICKETS`. The sealing key
/// rotates with the expiration time of `gnutls_db_set_cache_expiration`
/// (6 hours unless set before the handshake), which is also the tickets'
/// lifetime. A client session accepts the call and ignores the key.
/// Returns 0; `GNUTLS_E_INVALID_REQUEST` for a NULL or wrong-sized key.
///
/// # Safety
/// `session` is NULL or live; `key` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_ticket_enable_server(
    session: gnutls_session_t,
    key: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        if key.is_null() {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: non-NULL and valid by the caller's promise.
        let bytes = unsafe { datum(key, "key") }?;
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.ticket_enable_server(bytes)) }??;
        Ok(0)
    })
}

/// (Server) Sends `nr` more session tickets after the handshake. Before
/// the handshake, or without `gnutls_session_ticket_enable_server`, sends
/// nothing and returns 0. Returns 0; `GNUTLS_E_INVALID_REQUEST` on a client
/// or for `nr` 0; `GNUTLS_E_AGAIN`/`GNUTLS_E_INTERRUPTED` when the
/// transport did not take everything (call again with the same arguments
/// or flush with another call); a transport error. `flags` is unused.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_ticket_send(
    session: gnutls_session_t,
    nr: c_uint,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.ticket_send(nr)) }??;
        Ok(0)
    })
}

/// (Client) The session to resume later with `gnutls_session_set_data`,
/// from the latest ticket the server sent, in `data->data`, allocated with
/// `gnutls_malloc` (free it with `gnutls_free`). Tickets arrive after the
/// handshake, with the server's first records: as GnuTLS 3.7, a blocking
/// TLS 1.3 client whose transport can wait (its own descriptor, or a
/// pull-timeout function) reads for up to 60 ms for one, keeping any
/// application data for `gnutls_record_recv`. Without a ticket then,
/// returns 0 with 4 zero bytes that resume nothing. Returns 0; `GNUTLS_E_INVALID_REQUEST` for NULL
/// arguments or before a priority was set; `GNUTLS_E_MEMORY_ERROR`.
///
/// # Safety
/// `session` is NULL or live; `data` is NULL or valid for a write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_get_data2(
    session: gnutls_session_t,
    data: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(data, "data")?;
        // Inside a NewSessionTicket's POST hook the session is busy: the
        // hook's copy of what the ticket brought answers.
        let in_hook = if super::callbacks::in_callback(session) {
            // SAFETY: live while its hook runs; only the callback cells.
            unsafe { super::callbacks::with_callbacks(session, |c| c.hook_session_data()) }
                .flatten()
        } else {
            None
        };
        let bytes = match in_hook {
            Some(bytes) => bytes,
            // SAFETY: NULL or live.
            None => unsafe { with_session(session, |s| s.session_data()) }??,
        };
        let out = malloc_datum(&bytes)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { data.write(out) };
        Ok(0)
    })
}

/// (Client, before the handshake) Offers to resume the session of
/// `session_data` (`session_data_size` bytes from
/// `gnutls_session_get_data2`); a server that does not accept its ticket
/// makes the handshake a full one (see `gnutls_session_is_resumed`).
/// Returns 0 (also for the empty session data of a connection that got no
/// ticket, which changes nothing); `GNUTLS_E_INVALID_REQUEST` for NULL or
/// empty data; `GNUTLS_E_DB_ERROR` for data that is not stepup's;
/// `GNUTLS_E_PARSING_ERROR` for damaged stepup data.
///
/// # Safety
/// `session` is NULL or live; `session_data` is NULL or holds
/// `session_data_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_data(
    session: gnutls_session_t,
    session_data: *const c_void,
    session_data_size: usize,
) -> c_int {
    boundary::gnutls(|| {
        if session_data.is_null() || session_data_size == 0 {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: non-NULL, holding that many bytes by the caller's promise.
        let bytes = unsafe { args::bytes(session_data, session_data_size, "session_data") }?;
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_session_data(bytes)) }??;
        Ok(0)
    })
}

/// (Client, before the handshake) Sets the session id the ClientHello
/// carries (`sid`, at most 32 bytes, copied), for exceptional uses: it is
/// no resumption (session data set before is forgotten; use
/// `gnutls_session_set_data` to resume). A server that resumes a session
/// by that id makes the handshake fail with `GNUTLS_E_UNEXPECTED_PACKET`.
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` on a server, for NULL
/// arguments or an id longer than 32 bytes.
///
/// # Safety
/// `session` is NULL or live; `sid` is NULL or a datum holding `size`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_id(
    session: gnutls_session_t,
    sid: *const gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        let id = unsafe { super::credentials::datum(sid, "sid") }?;
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_session_id(id)) }??;
        Ok(0)
    })
}

/// Whether the handshake resumed an earlier session with a ticket (1) or
/// was a full one (0), on either side.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_is_resumed(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(c_int::from(unsafe {
            with_session(session, |s| s.is_resumed())
        }?))
    })
}

/// (Server) Whether the client offered a ticket of this server still
/// valid (1), whether or not the handshake could resume with it; also 1
/// on a server given data with `gnutls_session_set_data`, as GnuTLS 3.7.
/// Always 0 on a client.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_resumption_requested(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(c_int::from(unsafe {
            with_session(session, |s| s.resumption_requested())
        }?))
    })
}

/// Sets how long sessions stay resumable, in seconds: the lifetime of the
/// tickets a server sends and the rotation period of the keys that seal
/// them (6 hours by default). Set it before the handshake, and the same on
/// every server sharing a ticket key: a ticket opens only on a server
/// rotating with the same period.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_set_cache_expiration(session: gnutls_session_t, seconds: c_int) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { with_session(session, |s| s.set_cache_expiration(seconds)) }
    })
}

/// Sets the pointer handed to the session database functions as their
/// first argument.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_set_ptr(session: gnutls_session_t, ptr: *mut c_void) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { args::object_mut(session, "session") }?.db.ptr = ptr;
        // SAFETY: as above.
        unsafe { refresh_store(session) }?;
        Ok(())
    })
}

/// Sets the function a TLS 1.2 server keeps each new session with, under
/// its session id, for resumption by id (with the retrieve function; the
/// data holds the session's secret, so keep it safe). Its result is
/// ignored. TLS 1.3 sessions resume with tickets only. NULL removes it.
///
/// # Safety
/// `session` is NULL or live; `store_func`, if not NULL, stays callable
/// while the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_set_store_function(
    session: gnutls_session_t,
    store_func: gnutls_db_store_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { args::object_mut(session, "session") }?.db.store = store_func;
        // SAFETY: as above.
        unsafe { refresh_store(session) }?;
        Ok(())
    })
}

/// Sets the function a TLS 1.2 server looks up the session id of a
/// ClientHello with; a session found, alive and fitting is resumed. NULL
/// removes it.
///
/// # Safety
/// `session` is NULL or live; `retr_func`, if not NULL, stays callable
/// while the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_set_retrieve_function(
    session: gnutls_session_t,
    retr_func: gnutls_db_retr_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { args::object_mut(session, "session") }?.db.retrieve = retr_func;
        // SAFETY: as above.
        unsafe { refresh_store(session) }?;
        Ok(())
    })
}

/// Sets the function a TLS 1.2 server removes an expired session with.
/// NULL removes it.
///
/// # Safety
/// `session` is NULL or live; `rem_func`, if not NULL, stays callable
/// while the session lives.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_set_remove_function(
    session: gnutls_session_t,
    rem_func: gnutls_db_remove_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { args::object_mut(session, "session") }?.db.remove = rem_func;
        // SAFETY: as above.
        unsafe { refresh_store(session) }?;
        Ok(())
    })
}

/// The time (seconds since the epoch) stepup session data
/// (`gnutls_session_get_data2`) was saved; 0 for anything else.
///
/// # Safety
/// `entry` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_check_entry_time(entry: *mut gnutls_datum_t) -> libc::time_t {
    // SAFETY: forwarded promise.
    unsafe { entry_time(entry, |(saved, _)| saved) }
}

/// The time (seconds since the epoch) stepup session data expires; 0 for
/// anything else.
///
/// # Safety
/// `entry` is NULL or a datum holding `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_db_check_entry_expire_time(
    entry: *mut gnutls_datum_t,
) -> libc::time_t {
    // SAFETY: forwarded promise.
    unsafe { entry_time(entry, |(_, expires)| expires) }
}

/// One of the times of session data, or 0.
///
/// # Safety
/// `entry` is NULL or a datum holding `size` bytes.
unsafe fn entry_time(
    entry: *const gnutls_datum_t,
    pick: impl FnOnce((u64, u64)) -> u64,
) -> libc::time_t {
    boundary::gnutls(|| {
        if entry.is_null() {
            return Ok(0);
        }
        // SAFETY: non-NULL and valid by the caller's promise.
        let bytes = unsafe { datum(entry, "entry") }?;
        Ok(entry_times(bytes).map_or(0, |t| libc::time_t::try_from(pick(t)).unwrap_or(0)))
    })
}
