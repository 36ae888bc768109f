//! The five functions of Cytoplasm's `Tls.h`, with its prototypes:
//!
//! ```c
//! extern void * TlsInitClient(int, const char *);
//! extern void * TlsInitServer(int, const char *, const char *);
//! extern ssize_t TlsRead(void *, void *, size_t);
//! extern ssize_t TlsWrite(void *, void *, size_t);
//! extern int TlsClose(void *);
//! ```
//!
//! The cookie is a block from Cytoplasm's allocator (`MemoryAllocate`,
//! released with `MemoryFree` by `TlsClose`), so that Telodendria's memory
//! report counts a connection that was never closed; it holds the
//! connection, which lives on Rust's heap. Failures are logged through
//! Cytoplasm's `Log` and returned as `read(2)`, `write(2)` and `close(2)`
//! return them: -1 (NULL from the `TlsInit*` functions) with errno set.

use std::ffi::{CStr, c_char, c_int, c_void};

use libc::ssize_t;

use std::sync::Arc;

use parking_lot::Mutex;

use super::conn::{Channel, Connection, SendLimit, handshake_timeout};
use super::current::{self, Shared};
use super::errors::{Failure, errno, log_level};
use super::fd::{self, FdTransport, set_errno};
use super::stepup::{self, CONFIG_VAR};
use crate::ffi::{args, boundary};

unsafe extern "C" {
    /// Cytoplasm's `Log`: a syslog level and a printf format.
    fn Log(level: c_int, fmt: *const c_char, ...);
    /// Cytoplasm's allocator (`Malloc`): size, source file, line.
    fn MemoryAllocate(size: usize, file: *const c_char, line: c_int) -> *mut c_void;
    /// Cytoplasm's `Free`.
    fn MemoryFree(ptr: *mut c_void, file: *const c_char, line: c_int);
}

/// The file name Cytoplasm's memory report gives the cookies.
const COOKIE_FILE: &CStr = c"stepup/cytoplasm_tls";

/// The line Cytoplasm's memory report gives the cookies.
fn cookie_line() -> c_int {
    c_int::try_from(line!()).unwrap_or(0)
}

/// What a cookie points to: the connection and the descriptor it closes.
/// The connection is shared with the note of the thread serving it
/// (`current.rs`), for the certificate step-up of Telodendria's UIA.
struct Backend {
    fd: c_int,
    connection: Shared,
    /// A server connection, noted by the thread that reads it.
    server: bool,
}

/// A new cookie holding `backend`, from Cytoplasm's allocator.
fn cookie_new(backend: Backend) -> Result<*mut c_void, Failure> {
    let size = std::mem::size_of::<*mut Backend>();
    // SAFETY: Cytoplasm's allocator, with a static NUL-terminated file name.
    let cookie = unsafe { MemoryAllocate(size, COOKIE_FILE.as_ptr(), cookie_line()) };
    if cookie.is_null() {
        return Err(Failure::NoMemory);
    }
    let backend = Box::into_raw(Box::new(backend));
    // SAFETY: the block holds `size` bytes; its alignment is Cytoplasm's
    // business, hence an unaligned write.
    unsafe { cookie.cast::<*mut Backend>().write_unaligned(backend) };
    Ok(cookie)
}

/// The connection of a live cookie.
///
/// # Safety
/// `cookie` is NULL or from `TlsInit*`, not closed, and used by one thread
/// at a time (a Cytoplasm stream is).
unsafe fn cookie_mut<'a>(cookie: *mut c_void) -> Result<&'a mut Backend, Failure> {
    if cookie.is_null() {
        return Err(Failure::NoCookie);
    }
    // SAFETY: a cookie holds the pointer `cookie_new` wrote.
    let backend = unsafe { cookie.cast::<*mut Backend>().read_unaligned() };
    // SAFETY: live until `TlsClose`, used by one thread at a time.
    Ok(unsafe { args::object_mut(backend, "cookie") }?)
}

/// Takes the connection out of a cookie and frees the cookie.
///
/// # Safety
/// As for [`cookie_mut`]; the cookie is not used again.
unsafe fn cookie_take(cookie: *mut c_void) -> Result<Box<Backend>, Failure> {
    if cookie.is_null() {
        return Err(Failure::NoCookie);
    }
    // SAFETY: a cookie holds the pointer `cookie_new` wrote; it came from
    // Box::into_raw and comes back once, as the cookie is freed here.
    unsafe {
        let backend = cookie.cast::<*mut Backend>().read_unaligned();
        MemoryFree(cookie, COOKIE_FILE.as_ptr(), cookie_line());
        if backend.is_null() {
            return Err(Failure::NoCookie);
        }
        Ok(Box::from_raw(backend))
    }
}

/// Writes `line` to Cytoplasm's log at `level`.
fn log(level: c_int, line: &str) {
    // Our messages hold no NUL; a line that did would be dropped.
    if let Ok(line) = std::ffi::CString::new(line) {
        // SAFETY: a "%s" format with one NUL-terminated string.
        unsafe { Log(level, c"%s".as_ptr(), line.as_ptr()) };
    }
}

/// Runs the body of one of the five functions: a failure is logged and
/// becomes `failed` with errno set; a panic stays on this side, as EIO.
fn run<R: Copy>(function: &str, failed: R, body: impl FnOnce() -> Result<R, Failure>) -> R {
    let outcome = boundary::gnutls_or(None, || {
        Ok(Some(body().unwrap_or_else(|failure| {
            if let Some(level) = log_level(&failure) {
                log(level, &format!("{function}(): {failure}"));
            }
            set_errno(errno(&failure));
            failed
        })))
    });
    outcome.unwrap_or_else(|| {
        set_errno(libc::EIO);
        failed
    })
}

/// The descriptor's side of a new connection; the descriptor stays the
/// caller's until the connection exists.
fn channel(fd: c_int) -> Result<Channel, Failure> {
    let blocking = fd::blocking(fd).ok_or(Failure::Descriptor(fd))?;
    let send_limit = SendLimit::default();
    Ok(Channel {
        transport: Box::new(FdTransport::new(fd, send_limit.clone())),
        send_limit,
        blocking,
    })
}

/// A cookie for `connection` over `fd`.
// The connection is Send in every build but the test and fuzzing ones (see
// conn.rs); the Arc only crosses threads in the others.
#[cfg_attr(any(test, feature = "fuzzing"), allow(clippy::arc_with_non_send_sync))]
fn connected(fd: c_int, connection: Connection, server: bool) -> Result<*mut c_void, Failure> {
    cookie_new(Backend {
        fd,
        connection: Arc::new(Mutex::new(connection)),
        server,
    })
}

/// Makes a TLS client connection over the connected socket `fd` to the
/// server `serverName` and runs its handshake (at most 10 s; on a
/// non-blocking socket the first read or write finishes it). The server's
/// certificate chain must verify against the system trust store (or the
/// PEM file the environment variable `SSL_CERT_FILE` names) and name
/// `serverName`, a DNS name (also sent as SNI) or an IP address. TLS 1.3
/// and 1.2.
///
/// `fd` stays the caller's until the call succeeds; from then on `TlsClose`
/// closes it. `serverName` is borrowed for the call (NUL-terminated,
/// UTF-8).
///
/// Returns the connection's cookie for `TlsRead`, `TlsWrite` and
/// `TlsClose`. Returns NULL, with the reason logged through `Log` and errno
/// set, and `fd` left open, when `serverName` is NULL or not UTF-8
/// (EINVAL), `fd` is not open (EBADF), no trusted CA could be read
/// (ENOENT), the handshake failed, the server's certificate included (EIO),
/// or did not end in time (ETIMEDOUT).
///
/// # Safety
/// `serverName` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TlsInitClient(fd: c_int, serverName: *const c_char) -> *mut c_void {
    run("TlsInitClient", std::ptr::null_mut(), || {
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let server_name = unsafe { args::utf8(serverName, "serverName") }?;
        let connection = Connection::client(server_name, channel(fd)?, handshake_timeout())?;
        connected(fd, connection, false)
    })
}

/// Makes a TLS server connection over the accepted socket `fd`, with the
/// certificate chain in the PEM file `crt` (the server's certificate
/// first) and its private key in the PEM file `key` (PKCS #8, SEC 1 or
/// PKCS #1). TLS 1.3 and 1.2. Nothing is read from or sent to the client
/// here: the first `TlsRead` or `TlsWrite` runs the handshake, in the
/// thread that calls it, and fails it if it has not ended 10 s after it
/// started (less if the environment variable
/// `STEPUP_CYTOPLASM_TLS_HANDSHAKE_TIMEOUT_MS` says so, read here). So
/// Cytoplasm's accept thread never waits for a client, and a worker at
/// most that long.
///
/// `fd` stays the caller's until the call succeeds (HttpServer closes it
/// after a failure); from then on `TlsClose` closes it. `crt` and `key` are
/// borrowed for the call (NUL-terminated, UTF-8); both files are read here.
///
/// Returns the connection's cookie for `TlsRead`, `TlsWrite` and
/// `TlsClose`. Returns NULL, with the reason logged through `Log` and errno
/// set, and `fd` left open, when `crt` or `key` is NULL or not UTF-8
/// (EINVAL), `fd` is not open (EBADF), a file cannot be read (its errno,
/// ENOENT for a missing one), or the files hold no certificate and
/// matching key (EINVAL).
///
/// # Safety
/// `crt` and `key` are NULL or NUL-terminated strings.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TlsInitServer(
    fd: c_int,
    crt: *const c_char,
    key: *const c_char,
) -> *mut c_void {
    run("TlsInitServer", std::ptr::null_mut(), || {
        // SAFETY: NULL or NUL-terminated, by the caller's promise.
        let (crt, key) = unsafe { (args::utf8(crt, "crt")?, args::utf8(key, "key")?) };
        let stepup = stepup::current(|e| {
            log(
                libc::LOG_ERR,
                &format!("{CONFIG_VAR}: {e}; the certificate step-up is off"),
            );
        });
        let connection = Connection::server(
            crt,
            key,
            channel(fd)?,
            handshake_timeout(),
            stepup.as_deref(),
        )?;
        connected(fd, connection, true)
    })
}

/// Reads up to `nBytes` bytes of application data into `buf`, as `read(2)`
/// on a socket: it waits for data on a blocking socket. The first call on a
/// server connection (or a `TlsWrite`) runs the handshake first.
///
/// `cookie` is borrowed; `buf` is the caller's, written to only.
///
/// Returns how many bytes were read (at least 1, at most `nBytes`), or 0
/// when the peer closed the connection with close_notify (or `nBytes` is
/// 0). Returns -1 with errno set (a failure logged through `Log` once): EBADF
/// for a NULL cookie, EINVAL for a NULL `buf`, ETIMEDOUT when the
/// handshake did not end in time, EAGAIN or EINTR when a non-blocking
/// socket has nothing yet or a signal came (call again; on a blocking
/// socket the call waits through signals), EIO when the handshake or the
/// connection failed, or the peer closed it without close_notify. After
/// ETIMEDOUT or EIO every call fails with EIO at once.
///
/// # Safety
/// `cookie` is NULL or from `TlsInitServer`/`TlsInitClient`, not closed,
/// and used by one thread at a time; `buf` is NULL or writable for
/// `nBytes` bytes.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TlsRead(cookie: *mut c_void, buf: *mut c_void, nBytes: usize) -> ssize_t {
    run("TlsRead", -1, || {
        // SAFETY: as the caller promises.
        let (backend, buf) = unsafe { (cookie_mut(cookie)?, args::bytes_mut(buf, nBytes, "buf")?) };
        if backend.server {
            current::note(&backend.connection);
        }
        let read = backend.connection.lock().read(buf)?;
        // At most `nBytes`, which `bytes_mut` checked fits an ssize_t.
        Ok(ssize_t::try_from(read).unwrap_or(ssize_t::MAX))
    })
}

/// Writes the `nBytes` bytes of `buf` as application data, as `write(2)` on
/// a blocking socket: all of them, waiting for room (on a non-blocking
/// socket, as many as there is room for). The first call on a server
/// connection (or a `TlsRead`) runs the handshake first.
///
/// `cookie` is borrowed; `buf` is the caller's, read only.
///
/// Returns how many bytes were written (`nBytes` on a blocking socket; 0
/// when `nBytes` is 0). Returns -1 with errno set (a failure logged
/// through `Log` once): EBADF for a NULL cookie, EINVAL for a NULL `buf`,
/// ETIMEDOUT when the handshake did not end in time, EAGAIN or EINTR when
/// nothing could be written yet on a non-blocking socket (call again), EIO
/// when the handshake or the connection failed (the peer gone included).
/// After ETIMEDOUT or EIO every call fails with EIO at once.
///
/// # Safety
/// `cookie` is NULL or from `TlsInitServer`/`TlsInitClient`, not closed,
/// and used by one thread at a time; `buf` is NULL or readable for `nBytes`
/// bytes.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TlsWrite(cookie: *mut c_void, buf: *mut c_void, nBytes: usize) -> ssize_t {
    run("TlsWrite", -1, || {
        // SAFETY: as the caller promises.
        let (backend, data) = unsafe {
            (
                cookie_mut(cookie)?,
                args::bytes(buf.cast_const(), nBytes, "buf")?,
            )
        };
        let written = backend.connection.lock().write(data)?;
        // At most `nBytes`, which `bytes` checked fits an ssize_t.
        Ok(ssize_t::try_from(written).unwrap_or(ssize_t::MAX))
    })
}

/// Ends the connection: sends close_notify if the handshake completed
/// (waiting at most 2 s for room in the socket; without room it goes
/// unsent), closes the connection's own descriptor (the `fd` given to
/// `TlsInit*`, no other), and frees the cookie and everything the
/// connection held.
///
/// `cookie` is taken: it must not be used again, whatever the return.
///
/// Returns 0, or -1 with errno set by close(2) (the reason logged through
/// `Log`) when closing the descriptor failed; -1 with EBADF for a NULL
/// cookie.
///
/// # Safety
/// `cookie` is NULL or from `TlsInitServer`/`TlsInitClient`, not closed,
/// and no other thread uses it.
#[unsafe(no_mangle)]
#[allow(non_snake_case)]
pub unsafe extern "C" fn TlsClose(cookie: *mut c_void) -> c_int {
    run("TlsClose", -1, || {
        // SAFETY: as the caller promises; the cookie is not used again.
        let backend = unsafe { cookie_take(cookie) }?;
        backend.connection.lock().close_notify();
        let fd = backend.fd;
        drop(backend);
        fd::close(fd).map_err(|source| Failure::Close { fd, source })?;
        Ok(0)
    })
}
