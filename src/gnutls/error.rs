//! The failures of GnuTLS calls, named for what went wrong. Each maps to one
//! `GNUTLS_E_*` code in `src/ffi/errors.rs`, and nowhere else.

/// A GnuTLS call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The caller asked for something the call does not do in this state or
    /// with these arguments (`GNUTLS_E_INVALID_REQUEST`).
    #[error("the request is invalid")]
    InvalidRequest,
    /// The random generator failed, or was asked for an unknown level
    /// (`GNUTLS_E_RANDOM_FAILED`, as GnuTLS reports both).
    #[error("the random number generator failed")]
    RandomFailed,
}
