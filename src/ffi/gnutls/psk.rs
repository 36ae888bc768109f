//! PSK credentials: `gnutls_psk_*` and the `GNUTLS_CRD_PSK` case of
//! `gnutls_credentials_set`. External PSKs in TLS 1.3 (RFC 8446 §4.2.11);
//! the key exchanges are enabled in the priority string (`+ECDHE-PSK`,
//! `+DHE-PSK`, `+PSK`), which GnuTLS 3.7's NORMAL leaves out.

use std::ffi::{CString, c_char, c_int, c_uint, c_void};
use std::sync::Arc;

use parking_lot::Mutex;

use super::credentials::datum;
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::psk::{Lookup, PskClientCredentials, PskServerCredentials};
use crate::tls::PskLookup;

/// `gnutls_psk_key_flags`: how `gnutls_psk_set_client_credentials` reads
/// its key (`GNUTLS_PSK_KEY_RAW` 0, `GNUTLS_PSK_KEY_HEX` 1).
#[allow(non_camel_case_types)]
pub type gnutls_psk_key_flags = c_uint;
/// The key is its bytes.
pub const GNUTLS_PSK_KEY_RAW: gnutls_psk_key_flags = 0;
/// The key is in hexadecimal.
pub const GNUTLS_PSK_KEY_HEX: gnutls_psk_key_flags = 1;

/// The server's key function (GnuTLS's
/// `gnutls_psk_server_credentials_function`, declared as a function type in
/// the header's trailer): called during the handshake with the session and
/// the user name the client offered (NUL-terminated). It returns 0 with
/// `key->data` allocated with `gnutls_malloc` (the library wipes and frees
/// it) and `key->size` set; 1 for an unknown user (the handshake then fails
/// as with a wrong key, `GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER`); a negative
/// value fails the handshake with `GNUTLS_E_KEYFILE_ERROR`. Other calls on
/// the session from inside it are refused (`GNUTLS_E_INVALID_REQUEST`, or
/// NULL), except `gnutls_session_get_ptr`.
type ServerKeyFunction =
    unsafe extern "C" fn(gnutls_session_t, *const c_char, *mut gnutls_datum_t) -> c_int;

/// The same with the user name as a datum, which may hold any bytes
/// (`gnutls_psk_server_credentials_function2`).
type ServerKeyFunction2 =
    unsafe extern "C" fn(gnutls_session_t, *const gnutls_datum_t, *mut gnutls_datum_t) -> c_int;

/// The application's key function, of either form.
#[derive(Clone, Copy)]
enum KeyFunction {
    Text(ServerKeyFunction),
    Binary(ServerKeyFunction2),
}

/// PSK client credentials (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_psk_client_credentials_st {
    credentials: Arc<PskClientCredentials>,
}

/// A PSK client credentials handle.
#[allow(non_camel_case_types)]
pub type gnutls_psk_client_credentials_t = *mut gnutls_psk_client_credentials_st;

/// The server's key function, shared by the sessions the credentials are
/// set on (so a function set later applies to them too).
type FunctionCell = Arc<Mutex<Option<KeyFunction>>>;

/// PSK server credentials (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_psk_server_credentials_st {
    credentials: Arc<PskServerCredentials>,
    function: FunctionCell,
}

/// A PSK server credentials handle.
#[allow(non_camel_case_types)]
pub type gnutls_psk_server_credentials_t = *mut gnutls_psk_server_credentials_st;

/// Allocates client PSK credentials without a key. Writes them to `*sc`
/// (free with `gnutls_psk_free_client_credentials` after the sessions using
/// them) and returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL `sc`.
///
/// # Safety
/// `sc` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_allocate_client_credentials(
    sc: *mut gnutls_psk_client_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(sc, "sc")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            args::give(
                sc,
                gnutls_psk_client_credentials_st {
                    credentials: Arc::new(PskClientCredentials::new()),
                },
            )
        };
        Ok(0)
    })
}

/// Frees client PSK credentials (the key is wiped). Sessions that still
/// use them keep their own reference. NULL is ignored.
///
/// # Safety
/// `sc` is NULL or credentials from `gnutls_psk_allocate_client_credentials`,
/// not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_free_client_credentials(sc: gnutls_psk_client_credentials_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(sc) };
        Ok(())
    })
}

/// Sets the user name (NUL-terminated, copied) and the key the client
/// offers: `key` holds the key's bytes with `GNUTLS_PSK_KEY_RAW`, or its
/// hexadecimal digits with `GNUTLS_PSK_KEY_HEX` (copied; the caller keeps
/// its buffers). Returns 0, or `GNUTLS_E_INVALID_REQUEST` for NULL
/// arguments, an empty key, hex that does not decode or unknown flags (the
/// credentials are then unchanged).
///
/// # Safety
/// `res` is NULL or live; `username` is NULL or NUL-terminated; `key` is
/// NULL or a datum whose data holds `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_client_credentials(
    res: gnutls_psk_client_credentials_t,
    username: *const c_char,
    key: *const gnutls_datum_t,
    flags: gnutls_psk_key_flags,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, username, key) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                args::cstr(username, "username")?,
                datum(key, "key")?,
            )
        };
        let flags = i32::try_from(flags).map_err(|_| Error::InvalidRequest)?;
        handle.credentials.set(username.to_bytes(), key, flags)?;
        Ok(0)
    })
}

/// Sets the user name (a datum of any bytes, copied) and the key the
/// client offers, as `gnutls_psk_set_client_credentials` does. Returns 0,
/// or `GNUTLS_E_INVALID_REQUEST` for NULL arguments, an empty user name or
/// key, hex that does not decode or unknown flags (the credentials are
/// then unchanged).
///
/// # Safety
/// `res` is NULL or live; `username` and `key` are NULL or datums whose
/// data hold `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_client_credentials2(
    res: gnutls_psk_client_credentials_t,
    username: *const gnutls_datum_t,
    key: *const gnutls_datum_t,
    flags: gnutls_psk_key_flags,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, username, key) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                datum(username, "username")?,
                datum(key, "key")?,
            )
        };
        if username.is_empty() {
            return Err(Error::InvalidRequest.into());
        }
        let flags = i32::try_from(flags).map_err(|_| Error::InvalidRequest)?;
        handle.credentials.set(username, key, flags)?;
        Ok(0)
    })
}

/// Allocates server PSK credentials without a key source. Writes them to
/// `*sc` (free with `gnutls_psk_free_server_credentials` after the sessions
/// using them) and returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL `sc`.
///
/// # Safety
/// `sc` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_allocate_server_credentials(
    sc: *mut gnutls_psk_server_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(sc, "sc")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            args::give(
                sc,
                gnutls_psk_server_credentials_st {
                    credentials: Arc::new(PskServerCredentials::new()),
                    function: FunctionCell::default(),
                },
            )
        };
        Ok(0)
    })
}

/// Frees server PSK credentials. Sessions that still use them keep their
/// own reference. NULL is ignored.
///
/// # Safety
/// `sc` is NULL or credentials from `gnutls_psk_allocate_server_credentials`,
/// not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_free_server_credentials(sc: gnutls_psk_server_credentials_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(sc) };
        Ok(())
    })
}

/// Sets the password file (`username:hexkey` lines, as written by
/// `psktool`) the server looks users up in; it is read again at each
/// lookup, so edits apply to later handshakes. A user not in the file
/// fails the handshake as a wrong key does; a file that cannot be read or
/// parsed then fails it with `GNUTLS_E_KEYFILE_ERROR`. A key function set
/// with `gnutls_psk_set_server_credentials_function` takes precedence.
/// Returns 0, `GNUTLS_E_FILE_ERROR` when the file does not exist, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or a name that is not
/// UTF-8.
///
/// # Safety
/// `res` is NULL or live; `password_file` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_server_credentials_file(
    res: gnutls_psk_server_credentials_t,
    password_file: *const c_char,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, path) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                args::utf8(password_file, "password_file")?,
            )
        };
        handle.credentials.set_file(path)?;
        Ok(0)
    })
}

/// Sets the PSK identity hint a TLS 1.2 server sends in its
/// ServerKeyExchange, for the sessions the credentials are set on (TLS 1.3
/// has no hint). `hint` is copied; nothing is owned. Returns 0, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments.
///
/// # Safety
/// `res` is NULL or live; `hint` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_server_credentials_hint(
    res: gnutls_psk_server_credentials_t,
    hint: *const c_char,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (handle, hint) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                args::cstr(hint, "hint")?,
            )
        };
        handle.credentials.set_hint(hint.to_bytes());
        Ok(0)
    })
}

/// Sets the function the server asks for a user's key, for the sessions the
/// credentials are set on, including those set earlier; NULL removes it.
/// Nothing is owned but the pointer value. NULL `cred` is ignored.
///
/// The function is called during the handshake with the session and the
/// user name the client offered (NUL-terminated). It returns 0 with
/// `key->data` allocated with `gnutls_malloc` (the library wipes and frees
/// it) and `key->size` set; 1 for an unknown user (the handshake then fails
/// as with a wrong key, `GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER`); a negative
/// value fails the handshake with `GNUTLS_E_KEYFILE_ERROR`. Other calls on
/// the session from inside it are refused (`GNUTLS_E_INVALID_REQUEST`, or
/// NULL), except `gnutls_session_get_ptr`.
///
/// # Safety
/// `cred` is NULL or live; `func`, if not NULL, stays callable while the
/// credentials are used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_server_credentials_function(
    cred: gnutls_psk_server_credentials_t,
    func: Option<
        unsafe extern "C" fn(
            session: gnutls_session_t,
            username: *const c_char,
            key: *mut gnutls_datum_t,
        ) -> c_int,
    >,
) {
    // SAFETY: the caller's promise.
    unsafe { set_key_function(cred, func.map(KeyFunction::Text)) }
}

/// Sets the function the server asks for a user's key, as
/// `gnutls_psk_set_server_credentials_function` does, but called with the
/// user name as a datum (its bytes, which may hold NUL, owned by the
/// library for the call); NULL removes it. NULL `cred` is ignored.
///
/// # Safety
/// `cred` is NULL or live; `func`, if not NULL, stays callable while the
/// credentials are used.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_set_server_credentials_function2(
    cred: gnutls_psk_server_credentials_t,
    func: Option<
        unsafe extern "C" fn(
            session: gnutls_session_t,
            username: *const gnutls_datum_t,
            key: *mut gnutls_datum_t,
        ) -> c_int,
    >,
) {
    // SAFETY: the caller's promise.
    unsafe { set_key_function(cred, func.map(KeyFunction::Binary)) }
}

/// Sets (`None`: removes) the key function of the credentials, for both
/// forms of `gnutls_psk_set_server_credentials_function`.
///
/// # Safety
/// `cred` is NULL or live.
unsafe fn set_key_function(cred: gnutls_psk_server_credentials_t, func: Option<KeyFunction>) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(cred.cast_const(), "cred") }?;
        *handle.function.lock() = func;
        Ok(())
    });
}

/// Writes to `*username` the user name the server's completed handshake
/// accepted, as bytes owned by the session (valid until `gnutls_deinit`;
/// not to be freed). Returns 0, or `GNUTLS_E_INVALID_REQUEST` when there is
/// none (see `gnutls_psk_server_get_username`) or for NULL arguments.
///
/// # Safety
/// `session` is NULL or live; `username` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_server_get_username2(
    session: gnutls_session_t,
    username: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(username, "username")?;
        // SAFETY: NULL or live.
        let name = unsafe { with_session(session, |s| s.psk_username().map(<[u8]>::to_vec)) }?;
        let name = name.ok_or(Error::InvalidRequest)?;
        let size = c_uint::try_from(name.len()).map_err(|_| Error::InvalidRequest)?;
        // SAFETY: live (just used); a field apart from the session state.
        let slot = unsafe { &mut *std::ptr::addr_of_mut!((*session).psk_username_bytes) };
        // Kept while it is the same name, so pointers handed out stay valid.
        if slot.as_deref() != Some(name.as_slice()) {
            *slot = Some(name);
        }
        let kept = slot.as_mut().ok_or(Error::InvalidRequest)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            username.write(gnutls_datum_t {
                data: kept.as_mut_ptr(),
                size,
            })
        };
        Ok(0)
    })
}

/// The user name the server's completed handshake accepted, NUL-terminated,
/// owned by the session (valid until the next call of this function on it
/// that finds another name, or `gnutls_deinit`); NULL before the handshake
/// completed, when no PSK was used, for a NULL session, from inside the
/// session's own callbacks, and (as GnuTLS 3.7) once post-handshake
/// authentication has brought a certificate.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_server_get_username(
    session: gnutls_session_t,
) -> *const c_char {
    boundary::gnutls(|| {
        // SAFETY: NULL or live; refused from inside the session's callbacks.
        let name = unsafe { with_session(session, |s| s.psk_username().map(<[u8]>::to_vec)) }?;
        let Some(name) = name.and_then(|n| CString::new(n).ok()) else {
            return Ok(std::ptr::null());
        };
        // SAFETY: live (just used); a field apart from the session state.
        let slot = unsafe { &mut *std::ptr::addr_of_mut!((*session).psk_username) };
        if slot.as_ref() != Some(&name) {
            *slot = Some(name);
        }
        Ok(slot.as_ref().map_or(std::ptr::null(), |n| n.as_ptr()))
    })
}

/// The PSK identity hint the TLS 1.2 server sent, NUL-terminated, owned by
/// the session (valid until `gnutls_deinit`); NULL before it arrived,
/// when the server sent none, under TLS 1.3, or for a NULL session.
///
/// # Safety
/// `session` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_psk_client_get_hint(session: gnutls_session_t) -> *const c_char {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let hint = unsafe { with_session(session, |s| s.psk_hint().map(<[u8]>::to_vec)) }?;
        let Some(hint) = hint.and_then(|h| CString::new(h).ok()) else {
            return Ok(std::ptr::null());
        };
        // SAFETY: live (just used); a field apart from the session state.
        let slot = unsafe { &mut *std::ptr::addr_of_mut!((*session).psk_hint) };
        Ok(slot.get_or_insert(hint).as_ptr())
    })
}

/// The session pointer a server's key lookup calls the application with.
struct SessionPtr(gnutls_session_t);

// SAFETY: a session is used by one thread at a time (GnuTLS's rule, which
// `gnutls_init` documents); the lookup only runs inside calls on its session.
unsafe impl Send for SessionPtr {}
// SAFETY: as above: the lookup is never called from two threads at once.
unsafe impl Sync for SessionPtr {}

impl SessionPtr {
    /// Calls the application's key function with the session marked busy,
    /// so calls on it from inside are refused instead of aliasing the
    /// session the handshake is borrowing.
    fn call(&self, func: KeyFunction, username: &[u8]) -> Lookup {
        let mut key = gnutls_datum_t {
            data: std::ptr::null_mut(),
            size: 0,
        };
        let code = match func {
            KeyFunction::Text(func) => {
                let Ok(name) = CString::new(username) else {
                    // A name with a NUL byte cannot be passed on: no such user.
                    return Lookup::Unknown;
                };
                // SAFETY: the session outlives its lookup (the lookup lives
                // in the session); `guarded` refuses calls on the session
                // from inside; `name` and `key` are alive for the call.
                unsafe {
                    super::callbacks::guarded(self.0, || func(self.0, name.as_ptr(), &mut key))
                }
            }
            KeyFunction::Binary(func) => {
                let Ok(size) = c_uint::try_from(username.len()) else {
                    return Lookup::Unknown;
                };
                let name = gnutls_datum_t {
                    data: username.as_ptr().cast_mut(),
                    size,
                };
                // SAFETY: as above; the function only reads `name`, whose
                // bytes live for the call.
                unsafe { super::callbacks::guarded(self.0, || func(self.0, &name, &mut key)) }
            }
        };
        // SAFETY: the function filled `key` with NULL or `size` bytes from
        // `gnutls_malloc`, which we now own.
        let bytes = unsafe { super::util::take_malloced(&key) };
        match (code, bytes) {
            (0, Some(key)) if !key.is_empty() => Lookup::Key(key),
            (c, _) if c > 0 => Lookup::Unknown,
            _ => Lookup::Failed,
        }
    }
}

/// Sets PSK credentials on a session (`gnutls_credentials_set` with
/// `GNUTLS_CRD_PSK`): a client's (`gnutls_psk_client_credentials_t`) or a
/// server's (`gnutls_psk_server_credentials_t`), by the session's side.
///
/// # Safety
/// `session` is NULL or live; `cred` is NULL or PSK credentials of the
/// session's side.
pub(super) unsafe fn set_on_session(
    session: gnutls_session_t,
    cred: *mut c_void,
) -> Result<(), crate::ffi::errors::CallError> {
    // SAFETY: NULL or live.
    let server = unsafe { with_session(session, |s| s.is_server()) }?;
    if !server {
        // SAFETY: the caller's promise: client credentials for a client.
        let handle = unsafe {
            args::object(
                cred.cast::<gnutls_psk_client_credentials_st>().cast_const(),
                "cred",
            )
        }?;
        let credentials = handle.credentials.clone();
        // SAFETY: live (just used).
        return unsafe { with_session(session, |s| s.set_psk_client(credentials)) };
    }
    // SAFETY: the caller's promise: server credentials for a server.
    let handle = unsafe {
        args::object(
            cred.cast::<gnutls_psk_server_credentials_st>().cast_const(),
            "cred",
        )
    }?;
    let (credentials, function) = (handle.credentials.clone(), handle.function.clone());
    let ptr = SessionPtr(session);
    let lookup: PskLookup = Arc::new(move |username: &[u8]| {
        let func = *function.lock();
        let found = match func {
            Some(func) => ptr.call(func, username),
            None => credentials.lookup_file(username),
        };
        found.into_engine()
    });
    let credentials = handle.credentials.clone();
    // SAFETY: live (just used).
    unsafe { with_session(session, |s| s.set_psk_server(lookup, credentials)) }
}
