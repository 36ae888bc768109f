//! Transports for sessions: a pair of file descriptors, or the
//! application's push/pull callbacks with its transport pointer.

use std::ffi::{c_int, c_uint, c_void};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

use crate::gnutls::transport::{Transport, TransportError};

/// A transport pointer: handed unchanged to the push/pull callbacks.
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

/// Waits up to `ms` milliseconds for data; returns >0 when data is ready.
#[allow(non_camel_case_types)]
pub type gnutls_pull_timeout_func =
    Option<unsafe extern "C" fn(ptr: gnutls_transport_ptr_t, ms: c_uint) -> c_int>;

/// What the session's transport is made of, as the C calls set it.
#[derive(Clone)]
pub(crate) struct TransportSettings {
    pub(crate) recv_fd: c_int,
    pub(crate) send_fd: c_int,
    pub(crate) ptr: gnutls_transport_ptr_t,
    pub(crate) push: gnutls_push_func,
    pub(crate) pull: gnutls_pull_func,
    /// Set by `gnutls_transport_set_errno` from inside a callback.
    pub(crate) errno: Arc<AtomicI32>,
}

impl Default for TransportSettings {
    fn default() -> Self {
        Self {
            recv_fd: -1,
            send_fd: -1,
            ptr: std::ptr::null_mut(),
            push: None,
            pull: None,
            errno: Arc::new(AtomicI32::new(0)),
        }
    }
}

/// The transport built from the settings.
pub(crate) struct CTransport(TransportSettings);

// SAFETY: the application owns its transport pointer and callbacks and uses
// a session from one thread at a time, as GnuTLS requires.
unsafe impl Send for CTransport {}

impl CTransport {
    pub(crate) fn new(settings: TransportSettings) -> Self {
        Self(settings)
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

impl Transport for CTransport {
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
        let result = match self.0.push {
            // SAFETY: the application's callback, with its pointer and a valid buffer.
            Some(push) => unsafe { push(self.0.ptr, data.as_ptr().cast(), data.len()) },
            // SAFETY: send(2) on the application's descriptor with a valid buffer.
            None => unsafe {
                libc::send(
                    self.0.send_fd,
                    data.as_ptr().cast(),
                    data.len(),
                    libc::MSG_NOSIGNAL,
                )
            },
        };
        let n = self.count(result)?;
        if n == 0 && !data.is_empty() {
            return Err(TransportError::Failed(libc::EPIPE));
        }
        Ok(n)
    }

    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        let result = match self.0.pull {
            // SAFETY: the application's callback, with its pointer and a valid buffer.
            Some(pull) => unsafe { pull(self.0.ptr, buf.as_mut_ptr().cast(), buf.len()) },
            // SAFETY: recv(2) on the application's descriptor into a valid buffer.
            None => unsafe { libc::recv(self.0.recv_fd, buf.as_mut_ptr().cast(), buf.len(), 0) },
        };
        self.count(result)
    }
}
