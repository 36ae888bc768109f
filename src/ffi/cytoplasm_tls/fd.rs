//! The connection's descriptor: the transport the session moves its bytes
//! through (send/recv/poll on the descriptor, never closing it), and the
//! descriptor checks and close of `TlsInit*` and `TlsClose`.

use std::ffi::c_int;
use std::time::Instant;

use super::conn::SendLimit;
use crate::gnutls::transport::{Transport, TransportError};

/// A socket descriptor the connection uses but does not own: `TlsClose`
/// closes it, nothing here does.
pub struct FdTransport {
    fd: c_int,
    send_limit: SendLimit,
}

impl FdTransport {
    /// A transport over `fd` whose sends obey `send_limit`.
    pub fn new(fd: c_int, send_limit: SendLimit) -> Self {
        Self { fd, send_limit }
    }
}

impl Transport for FdTransport {
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        let Some(until) = self.send_limit.until() else {
            return send(self.fd, data, libc::MSG_NOSIGNAL);
        };
        // Send what fits now; without room, wait for some until the limit.
        loop {
            match send(self.fd, data, libc::MSG_NOSIGNAL | libc::MSG_DONTWAIT) {
                Err(TransportError::WouldBlock) => {}
                sent => return sent,
            }
            let left = millis_until(until);
            if left == 0 || !wait(self.fd, libc::POLLOUT, left)? {
                return Err(TransportError::Failed(libc::ETIMEDOUT));
            }
        }
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        // SAFETY: recv(2) into a buffer valid for `buf.len()` bytes.
        let got = unsafe { libc::recv(self.fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
        count(got)
    }

    fn wait_readable(&mut self, ms: u32) -> Result<bool, TransportError> {
        let timeout = if ms == crate::gnutls::transport::INDEFINITE_TIMEOUT {
            -1
        } else {
            c_int::try_from(ms).unwrap_or(c_int::MAX)
        };
        wait(self.fd, libc::POLLIN, timeout)
    }

    fn can_wait(&self) -> bool {
        true
    }
}

/// send(2) of `data` with `flags`: how much went.
fn send(fd: c_int, data: &[u8], flags: c_int) -> Result<usize, TransportError> {
    // SAFETY: send(2) from a buffer valid for `data.len()` bytes.
    let sent = unsafe { libc::send(fd, data.as_ptr().cast(), data.len(), flags) };
    match count(sent)? {
        // The session takes a send that moved nothing as "not now".
        0 if !data.is_empty() => Err(TransportError::WouldBlock),
        n => Ok(n),
    }
}

/// Milliseconds from now to `until` (0 when it passed), rounded up so that
/// a wait does not end just before it.
fn millis_until(until: Instant) -> c_int {
    let left = until.saturating_duration_since(Instant::now());
    let ms = left.as_millis() + u128::from(left.subsec_nanos() % 1_000_000 != 0);
    c_int::try_from(ms).unwrap_or(c_int::MAX)
}

/// poll(2) for `events` on `fd` for up to `ms` milliseconds: whether the
/// descriptor is ready (a hang-up or an error counts: the next call tells).
fn wait(fd: c_int, events: libc::c_short, ms: c_int) -> Result<bool, TransportError> {
    let mut poll_fd = libc::pollfd {
        fd,
        events,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    match unsafe { libc::poll(&mut poll_fd, 1, ms) } {
        0 => Ok(false),
        n if n > 0 => Ok(true),
        _ => Err(last_error()),
    }
}

/// A send/recv result as a byte count or the errno's meaning.
fn count(result: isize) -> Result<usize, TransportError> {
    usize::try_from(result).map_err(|_| last_error())
}

fn last_error() -> TransportError {
    match std::io::Error::last_os_error().raw_os_error() {
        Some(libc::EAGAIN) => TransportError::WouldBlock,
        Some(libc::EINTR) => TransportError::Interrupted,
        Some(errno) => TransportError::Failed(errno),
        None => TransportError::Failed(libc::EIO),
    }
}

/// Whether `fd` is an open descriptor that blocks (`Some(true)`), an open
/// non-blocking one (`Some(false)`), or no open descriptor (`None`).
pub fn blocking(fd: c_int) -> Option<bool> {
    // SAFETY: F_GETFL only reads the descriptor's flags; a bad one gives -1.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    (flags >= 0).then_some(flags & libc::O_NONBLOCK == 0)
}

/// close(2): `Err` with the errno when it failed.
pub fn close(fd: c_int) -> Result<(), std::io::Error> {
    // SAFETY: closes the descriptor the connection was made with, once,
    // when the connection ends (`TlsClose`).
    if unsafe { libc::close(fd) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// Sets the calling thread's errno, as Cytoplasm's callers read it after a
/// -1 or NULL.
pub fn set_errno(code: c_int) {
    // SAFETY: the thread's errno location is always valid for a write.
    unsafe { *errno_location() = code };
}

#[cfg(any(target_os = "android", target_os = "openbsd", target_os = "netbsd"))]
use libc::__errno as errno_location;
#[cfg(target_os = "linux")]
use libc::__errno_location as errno_location;
#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "dragonfly"
))]
use libc::__error as errno_location;
