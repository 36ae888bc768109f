//! The one place where a failure of the Cytoplasm TLS backend becomes what
//! Cytoplasm's callers get: the errno beside the -1 or NULL, and the level
//! of the line logged through Cytoplasm's `Log` (or none).

use std::ffi::c_int;

use super::conn::TlsError;
use crate::ffi::errors::CallError;

/// Why a call of the backend failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The cookie was NULL.
    #[error("no TLS connection (NULL cookie)")]
    NoCookie,
    /// Another argument was unusable.
    #[error(transparent)]
    Argument(#[from] CallError),
    /// The descriptor was not an open one.
    #[error("descriptor {0} is not open")]
    Descriptor(c_int),
    /// Cytoplasm's allocator failed.
    #[error("out of memory")]
    NoMemory,
    /// Closing the descriptor failed.
    #[error("cannot close descriptor {fd}: {source}")]
    Close {
        /// The descriptor.
        fd: c_int,
        /// What close(2) said.
        source: std::io::Error,
    },
    /// The connection could not be made or used.
    #[error(transparent)]
    Tls(#[from] TlsError),
}

/// The errno that goes with `failure`: what `read(2)`, `write(2)` or
/// `close(2)` would set for its kind of failure.
pub fn errno(failure: &Failure) -> c_int {
    match failure {
        Failure::NoCookie | Failure::Descriptor(_) => libc::EBADF,
        Failure::Argument(CallError::NoMemory) | Failure::NoMemory => libc::ENOMEM,
        Failure::Argument(CallError::Panic) => libc::EIO,
        Failure::Argument(_) => libc::EINVAL,
        Failure::Close { source, .. } => source.raw_os_error().unwrap_or(libc::EIO),
        Failure::Tls(tls) => match tls {
            TlsError::CertificateFile { source, .. } | TlsError::KeyFile { source, .. } => {
                source.raw_os_error().unwrap_or(libc::EIO)
            }
            TlsError::KeyPair { .. } => libc::EINVAL,
            TlsError::TrustAnchors { .. } => libc::ENOENT,
            TlsError::HandshakeTimedOut(_) | TlsError::CertificateTimedOut(_) => libc::ETIMEDOUT,
            TlsError::WouldBlock => libc::EAGAIN,
            TlsError::Interrupted => libc::EINTR,
            TlsError::Setup(_)
            | TlsError::Handshake(_)
            | TlsError::CertificateRequest(_)
            | TlsError::TooMuchPending
            | TlsError::Record(_)
            | TlsError::NoProgress
            | TlsError::Failed => libc::EIO,
        },
    }
}

/// The syslog level `failure` is logged at, `None` for a failure not worth
/// a line: a pause the caller retries, or one reported when it happened.
/// The operator's mistakes (files, arguments) are errors; what a peer does
/// (a failed or stalled handshake) is a warning; a connection's end after
/// its handshake is for debugging.
pub fn log_level(failure: &Failure) -> Option<c_int> {
    match failure {
        Failure::Tls(TlsError::WouldBlock | TlsError::Interrupted | TlsError::Failed) => None,
        Failure::Tls(TlsError::Record(_) | TlsError::NoProgress) => Some(libc::LOG_DEBUG),
        Failure::Tls(
            TlsError::Handshake(_)
            | TlsError::HandshakeTimedOut(_)
            | TlsError::CertificateRequest(_)
            | TlsError::CertificateTimedOut(_)
            | TlsError::TooMuchPending,
        ) => Some(libc::LOG_WARNING),
        _ => Some(libc::LOG_ERR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gnutls::Error as GnutlsError;
    use std::time::Duration;

    #[test]
    fn a_stalled_handshake_is_a_timeout_and_a_warning() {
        let failure = Failure::Tls(TlsError::HandshakeTimedOut(Duration::from_secs(10)));
        assert_eq!(errno(&failure), libc::ETIMEDOUT);
        assert_eq!(log_level(&failure), Some(libc::LOG_WARNING));
    }

    #[test]
    fn a_missing_key_file_keeps_its_errno_and_is_an_error() {
        let source = std::io::Error::from_raw_os_error(libc::ENOENT);
        let failure = Failure::Tls(TlsError::KeyFile {
            path: "/nowhere/key.pem".into(),
            source,
        });
        assert_eq!(errno(&failure), libc::ENOENT);
        assert_eq!(log_level(&failure), Some(libc::LOG_ERR));
        assert!(failure.to_string().contains("/nowhere/key.pem"));
    }

    #[test]
    fn pauses_are_not_logged() {
        for (tls, code) in [
            (TlsError::WouldBlock, libc::EAGAIN),
            (TlsError::Interrupted, libc::EINTR),
            (TlsError::Failed, libc::EIO),
        ] {
            let failure = Failure::Tls(tls);
            assert_eq!(errno(&failure), code);
            assert_eq!(log_level(&failure), None);
        }
    }

    #[test]
    fn a_failed_record_is_an_io_error_for_debugging() {
        let failure = Failure::Tls(TlsError::Record(GnutlsError::PrematureTermination));
        assert_eq!(errno(&failure), libc::EIO);
        assert_eq!(log_level(&failure), Some(libc::LOG_DEBUG));
    }

    #[test]
    fn a_null_cookie_is_a_bad_descriptor() {
        assert_eq!(errno(&Failure::NoCookie), libc::EBADF);
        assert_eq!(
            errno(&Failure::Argument(CallError::Null("buf"))),
            libc::EINVAL
        );
    }
}
