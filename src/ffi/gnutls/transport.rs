//! Transports for sessions, as GnuTLS models them: a receiving and a
//! sending transport pointer, handed to the application's push/pull
//! functions, or, without those, taken as the socket descriptors of the
//! default functions (send/recv, poll for the pull timeout).

use std::ffi::{c_int, c_uint, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use super::session::{gnutls_session_int, gnutls_session_t, install_transport};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::transport::{Transport, TransportError};

/// A transport pointer: handed unchanged to the push/pull callbacks; for
/// the default functions, a socket descriptor cast to a pointer.
#[allow(non_camel_case_types)]
pub type gnutls_transport_ptr_t = *mut c_void;

/// Sends `size` bytes from `data`; returns how many were sent, or -1 with
/// the error set by `gnutls_transport_set_errno` (EAGAIN, EINTR) or errno.
#[allow(non_camel_case_types)]
pub type gnutls_push_func = Option<
    unsafe extern "C" fn(
        ptr: gnutls_transport_ptr_t,
        data: *const c_void,
        size: usize,
    ) -> libc::ssize_t,
>;

/// Receives up to `size` bytes into `data`; returns how many, 0 at end of
/// stream, or -1 with the error as for the push function.
#[allow(non_camel_case_types)]
pub type gnutls_pull_func = Option<
    unsafe extern "C" fn(
        ptr: gnutls_transport_ptr_t,
        data: *mut c_void,
        size: usize,
    ) -> libc::ssize_t,
>;

/// Waits up to `ms` milliseconds for data; returns >0 when data is ready,
/// 0 on timeout, -1 on error.
#[allow(non_camel_case_types)]
pub type gnutls_pull_timeout_func =
    Option<unsafe extern "C" fn(ptr: gnutls_transport_ptr_t, ms: c_uint) -> c_int>;

/// A descriptor as GnuTLS stores it in a transport pointer.
fn fd_to_ptr(fd: c_int) -> gnutls_transport_ptr_t {
    let bits = usize::from_ne_bytes(isize::try_from(fd).unwrap_or(-1).to_ne_bytes());
    std::ptr::without_provenance_mut(bits)
}

/// The descriptor a transport pointer stands for (the default functions').
fn ptr_to_fd(ptr: gnutls_transport_ptr_t) -> c_int {
    c_int::try_from(isize::from_ne_bytes(ptr.addr().to_ne_bytes())).unwrap_or(-1)
}

/// What the session's transport is made of, as the C calls set it.
#[derive(Clone)]
pub(crate) struct TransportSettings {
    pub(crate) recv_ptr: gnutls_transport_ptr_t,
    pub(crate) send_ptr: gnutls_transport_ptr_t,
    pub(crate) push: gnutls_push_func,
    pub(crate) pull: gnutls_pull_func,
    pub(crate) pull_timeout: gnutls_pull_timeout_func,
    /// Set by `gnutls_transport_set_errno` from inside a callback.
    pub(crate) errno: Arc<AtomicI32>,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            recv_ptr: fd_to_ptr(-1),
            send_ptr: fd_to_ptr(-1),
            push: None,
            pull: None,
            pull_timeout: None,
            errno: Arc::new(AtomicI32::new(0)),
        }
    }
}

thread_local! {
    /// Set while this thread's `gnutls_record_send` pushes without waiting
    /// (see `push_without_waiting`).
    static PUSH_WITHOUT_WAITING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` with this thread's pushes on default transports made
/// non-blocking (MSG_DONTWAIT), so that a sender never waits for a full
/// socket while it holds the session: it gets AGAIN, waits unlocked, and
/// goes on. Other threads' pushes are not affected.
pub(crate) fn push_without_waiting<R>(f: impl FnOnce() -> R) -> R {
    struct Restore;
    impl Drop for Restore {
        fn drop(&mut self) {
            PUSH_WITHOUT_WAITING.with(|c| c.set(false));
        }
    }
    PUSH_WITHOUT_WAITING.with(|c| c.set(true));
    let _restore = Restore;
    f()
}

impl TransportSettings {
    /// The socket of the default push function when it is a blocking one
    /// (none with a push function of the application's, or a non-blocking
    /// socket, whose AGAIN belongs to the application).
    pub(crate) fn blocking_push_socket(&self) -> Option<c_int> {
        if self.push.is_some() {
            return None;
        }
        let fd = ptr_to_fd(self.send_ptr);
        // SAFETY: F_GETFL reads the descriptor's flags; a bad descriptor
        // gives -1.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        (flags >= 0 && flags & libc::O_NONBLOCK == 0).then_some(fd)
    }

    /// The receiving and sending sockets of the default functions when both
    /// are in use and the sending one blocks.
    pub(crate) fn blocking_sockets(&self) -> Option<(c_int, c_int)> {
        if self.pull.is_some() {
            return None;
        }
        Some((ptr_to_fd(self.recv_ptr), self.blocking_push_socket()?))
    }
}

/// Waits until `recv_fd` has input (`true`) or `send_fd` has room
/// (`false`); at `deadline` it gives up waiting and says `true`, so that
/// the read reports the timeout.
pub(crate) fn wait_input_or_room(
    recv_fd: c_int,
    send_fd: c_int,
    deadline: Option<std::time::Instant>,
) -> bool {
    let mut fds = [
        pollfd(recv_fd, libc::POLLIN),
        pollfd(send_fd, libc::POLLOUT),
    ];
    let timeout = deadline.map_or(-1, |d| {
        let left = d.saturating_duration_since(std::time::Instant::now());
        c_int::try_from(left.as_millis()).unwrap_or(c_int::MAX)
    });
    let ready = poll(&mut fds, timeout);
    ready <= 0 || fds[0].revents != 0 || fds[1].revents == 0
}

/// Waits until `fd` can take more output (or has failed).
pub(crate) fn wait_writable(fd: c_int) {
    poll(&mut [pollfd(fd, libc::POLLOUT)], -1);
}

/// A pollfd asking for `events` on `fd`.
fn pollfd(fd: c_int, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd,
        events,
        revents: 0,
    }
}

/// poll(2) on `fds`, `timeout` ms (-1: for ever): >0 ready, 0 timed out,
/// -1 failed.
fn poll(fds: &mut [libc::pollfd], timeout: c_int) -> c_int {
    let count = libc::nfds_t::try_from(fds.len()).unwrap_or(0);
    // SAFETY: `count` valid pollfds.
    unsafe { libc::poll(fds.as_mut_ptr(), count, timeout) }
}

/// The transport built from the settings, and how much of the record
/// being pushed is still to go (0: the next byte starts a record).
pub(crate) struct CTransport(TransportSettings, usize);

// SAFETY: the application owns its transport pointers and callbacks and
// uses a session from one thread at a time, as GnuTLS requires.
unsafe impl Send for CTransport {}

impl CTransport {
    pub(crate) fn new(settings: TransportSettings) -> Self {
        Self(settings, 0)
    }

    /// How much of `data` (what is left to send, from where the last push
    /// stopped) the next push of the application's function gets: the rest
    /// of one record. GnuTLS hands a push function one record per call, and
    /// applications count on it (one record per datagram-like write, or a
    /// check of each record's size).
    fn one_record(&mut self, data: &[u8]) -> usize {
        if self.1 == 0 {
            self.1 = match data {
                [_, _, _, hi, lo, ..] => 5 + usize::from(u16::from_be_bytes([*hi, *lo])),
                _ => data.len(),
            };
        }
        self.1.min(data.len())
    }

    fn failure(&self, result: isize) -> Option<TransportError> {
        if result >= 0 {
            return None;
        }
        let set = self.0.errno.swap(0, Ordering::SeqCst);
        let errno = if set != 0 {
            set
        } else {
            std::io::Error::last_os_error()
                .raw_os_error()
                .unwrap_or(libc::EIO)
        };
        Some(match errno {
            libc::EAGAIN => TransportError::WouldBlock,
            libc::EINTR => TransportError::Interrupted,
            other => TransportError::Failed(other),
        })
    }

    fn count(&self, result: isize) -> Result<usize, TransportError> {
        match self.failure(result) {
            Some(e) => Err(e),
            None => usize::try_from(result).map_err(|_| TransportError::Failed(libc::EIO)),
        }
    }
}

/// poll(2) for input on a descriptor: >0 ready, 0 timed out, -1 failed.
fn poll_readable(fd: c_int, ms: c_uint) -> c_int {
    let timeout = if ms == crate::gnutls::transport::INDEFINITE_TIMEOUT {
        -1
    } else {
        c_int::try_from(ms).unwrap_or(c_int::MAX)
    };
    poll(&mut [pollfd(fd, libc::POLLIN)], timeout)
}

impl Transport for CTransport {
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        let result = match self.0.push {
            Some(push) => {
                let len = self.one_record(data);
                // SAFETY: the application's callback, with its pointer and
                // a valid buffer of at least `len` bytes.
                let pushed = unsafe { push(self.0.send_ptr, data.as_ptr().cast(), len) };
                self.1 -= usize::try_from(pushed).unwrap_or(0).min(self.1);
                pushed
            }
            // SAFETY: send(2) on the application's descriptor with a valid buffer.
            None => unsafe {
                let wait = if PUSH_WITHOUT_WAITING.with(std::cell::Cell::get) {
                    libc::MSG_DONTWAIT
                } else {
                    0
                };
                libc::send(
                    ptr_to_fd(self.0.send_ptr),
                    data.as_ptr().cast(),
                    data.len(),
                    libc::MSG_NOSIGNAL | wait,
                )
            },
        };
        let n = self.count(result)?;
        if n == 0 && !data.is_empty() {
            // GnuTLS takes a push that moved nothing as "not now": the call
            // returns AGAIN and the data waits for the next one.
            return Err(TransportError::WouldBlock);
        }
        Ok(n)
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        let result = match self.0.pull {
            // SAFETY: the application's callback, with its pointer and a valid buffer.
            Some(pull) => unsafe { pull(self.0.recv_ptr, buf.as_mut_ptr().cast(), buf.len()) },
            // SAFETY: recv(2) on the application's descriptor into a valid buffer.
            None => unsafe {
                libc::recv(
                    ptr_to_fd(self.0.recv_ptr),
                    buf.as_mut_ptr().cast(),
                    buf.len(),
                    0,
                )
            },
        };
        self.count(result)
    }

    fn wait_readable(&mut self, ms: u32) -> Result<bool, TransportError> {
        let result = match (self.0.pull_timeout, self.0.pull) {
            // SAFETY: the application's callback with its pointer.
            (Some(wait), _) => unsafe { wait(self.0.recv_ptr, ms) },
            (None, None) => poll_readable(ptr_to_fd(self.0.recv_ptr), ms),
            // A pull function of its own and no way to wait on it: GnuTLS
            // fails the read (PULL_ERROR) rather than block past a timeout.
            (None, Some(_)) => return Err(TransportError::Failed(libc::EINVAL)),
        };
        self.failure(isize::try_from(result).unwrap_or(-1))
            .map_or(Ok(result > 0), Err)
    }

    fn can_wait(&self) -> bool {
        self.0.pull_timeout.is_some() || self.0.pull.is_none()
    }
}

/// Runs `f` on the transport settings of a live session and installs the
/// transport they make.
///
/// # Safety
/// `session` is NULL or a live session.
unsafe fn update(
    session: gnutls_session_t,
    f: impl FnOnce(&mut TransportSettings),
) -> Result<(), CallError> {
    // SAFETY: NULL or live, by the caller's promise.
    let handle: &mut gnutls_session_int = unsafe { args::object_mut(session, "session") }?;
    f(&mut handle.transport);
    install_transport(handle);
    Ok(())
}

/// Reads the transport settings of a live session.
///
/// # Safety
/// `session` is NULL or a live session.
unsafe fn settings<'a>(session: gnutls_session_t) -> Result<&'a TransportSettings, CallError> {
    // SAFETY: NULL or live, by the caller's promise.
    Ok(&unsafe { args::object(session, "session") }?.transport)
}

/// Sets the socket descriptors the session reads from (`r`) and writes to
/// (`s`): the default push/pull functions use them, and custom ones receive
/// them as their transport pointers.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_int2(session: gnutls_session_t, r: c_int, s: c_int) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe {
            update(session, |t| {
                t.recv_ptr = fd_to_ptr(r);
                t.send_ptr = fd_to_ptr(s);
            })
        }
    })
}

/// The receiving descriptor (the receiving transport pointer as an int),
/// -1 when none was set.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_get_int(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(ptr_to_fd(unsafe { settings(session) }?.recv_ptr))
    })
}

/// Writes the receiving and sending descriptors to `*r` and `*s` (each
/// may be NULL).
///
/// # Safety
/// `session` is NULL or live; `r` and `s` are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_get_int2(
    session: gnutls_session_t,
    r: *mut c_int,
    s: *mut c_int,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let t = unsafe { settings(session) }?;
        // SAFETY: NULL or writable, by the caller's promise.
        unsafe {
            if let Some(r) = r.as_mut() {
                *r = ptr_to_fd(t.recv_ptr);
            }
            if let Some(s) = s.as_mut() {
                *s = ptr_to_fd(t.send_ptr);
            }
        }
        Ok(())
    })
}

/// Sets one transport pointer for both directions: handed to the push and
/// pull functions, or, without them, taken as a socket descriptor.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_ptr(
    session: gnutls_session_t,
    ptr: gnutls_transport_ptr_t,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe {
            update(session, |t| {
                t.recv_ptr = ptr;
                t.send_ptr = ptr;
            })
        }
    })
}

/// Sets the receiving and the sending transport pointers.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_ptr2(
    session: gnutls_session_t,
    recv_ptr: gnutls_transport_ptr_t,
    send_ptr: gnutls_transport_ptr_t,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe {
            update(session, |t| {
                t.recv_ptr = recv_ptr;
                t.send_ptr = send_ptr;
            })
        }
    })
}

/// The receiving transport pointer (NULL for a NULL session).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_get_ptr(
    session: gnutls_session_t,
) -> gnutls_transport_ptr_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(unsafe { settings(session) }?.recv_ptr)
    })
}

/// Writes the receiving and sending transport pointers to `*recv_ptr` and
/// `*send_ptr` (each may be NULL).
///
/// # Safety
/// `session` is NULL or live; the out-pointers are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_get_ptr2(
    session: gnutls_session_t,
    recv_ptr: *mut gnutls_transport_ptr_t,
    send_ptr: *mut gnutls_transport_ptr_t,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let t = unsafe { settings(session) }?;
        // SAFETY: NULL or writable, by the caller's promise.
        unsafe {
            if let Some(r) = recv_ptr.as_mut() {
                *r = t.recv_ptr;
            }
            if let Some(s) = send_ptr.as_mut() {
                *s = t.send_ptr;
            }
        }
        Ok(())
    })
}

/// Sets the function that sends data (NULL: send(2) on the sending
/// descriptor).
///
/// # Safety
/// `session` is NULL or a live session; `push` is safe to call with the
/// sending transport pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_push_function(
    session: gnutls_session_t,
    push: gnutls_push_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { update(session, |t| t.push = push) }
    })
}

/// Sets the function that receives data (NULL: recv(2) on the receiving
/// descriptor).
///
/// # Safety
/// As for `gnutls_transport_set_push_function`, with the receiving pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_pull_function(
    session: gnutls_session_t,
    pull: gnutls_pull_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { update(session, |t| t.pull = pull) }
    })
}

/// Sets the function that waits for data when a handshake or record
/// timeout is set (NULL: poll(2) on the receiving descriptor). With a
/// custom pull function and no timeout function, a read under a timeout
/// fails with `GNUTLS_E_PULL_ERROR`, as in GnuTLS.
///
/// # Safety
/// `session` is NULL or a live session; `func` is safe to call with the
/// receiving transport pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_pull_timeout_function(
    session: gnutls_session_t,
    func: gnutls_pull_timeout_func,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { update(session, |t| t.pull_timeout = func) }
    })
}

/// The default pull-timeout function: waits up to `ms` milliseconds for
/// input on the descriptor `ptr` stands for. Returns >0 when input is
/// ready, 0 on timeout, -1 on error (errno set).
///
/// # Safety
/// Any pointer value; it is only read as a descriptor number.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_system_recv_timeout(
    ptr: gnutls_transport_ptr_t,
    ms: c_uint,
) -> c_int {
    poll_readable(ptr_to_fd(ptr), ms)
}

/// From inside a push or pull function: the error of its -1 return
/// (EAGAIN, EINTR, or another errno).
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_transport_set_errno(session: gnutls_session_t, err: c_int) {
    boundary::gnutls(|| {
        if session.is_null() {
            return Err(CallError::Null("session"));
        }
        // SAFETY: live; only the errno cell is touched (the session may be
        // borrowed by the call that runs the callback).
        let errno = unsafe { &*std::ptr::addr_of!((*session).transport.errno) };
        errno.store(err, Ordering::SeqCst);
        Ok(())
    })
}
