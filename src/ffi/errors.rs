//! The one place where failures become C return codes: GnuTLS's
//! `GNUTLS_E_*` for the GnuTLS API, and stepup's own `STEPUP_E_*` for the
//! native API. Native codes are explicit, grouped by family, and a retired
//! number is never reused.

use std::ffi::{CStr, c_int};

use crate::gnutls::{self, error_codes as gn};

/// Success.
pub const STEPUP_E_SUCCESS: i32 = 0;
/// An internal failure, including a panic caught at the C boundary; the
/// object the call was given is left as it was before the call.
pub const STEPUP_E_INTERNAL: i32 = -1;
/// A pointer argument that must not be NULL was NULL.
pub const STEPUP_E_NULL_POINTER: i32 = -2;
/// A length argument was out of range for its buffer.
pub const STEPUP_E_INVALID_LENGTH: i32 = -3;

/// Which API a call belongs to, which decides its error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// The GnuTLS-compatible API: `GNUTLS_E_*` codes.
    Gnutls,
    /// The native stepup API: `STEPUP_E_*` codes.
    Stepup,
}

/// Why a call across the C boundary failed.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// A required pointer argument was NULL.
    #[error("argument `{0}` must not be NULL")]
    Null(&'static str),
    /// A length argument does not fit its buffer.
    #[error("argument `{0}` has an invalid length")]
    Length(&'static str),
    /// The call panicked; the panic was caught at the boundary.
    #[error("internal error (panic caught at the C boundary)")]
    Panic,
    /// A GnuTLS-level failure.
    #[error(transparent)]
    Gnutls(#[from] gnutls::Error),
}

/// The C return code for `error` in `family`.
pub fn code(family: Family, error: &CallError) -> c_int {
    match family {
        Family::Gnutls => gnutls_code(error),
        Family::Stepup => stepup_code(error),
    }
}

fn gnutls_code(error: &CallError) -> c_int {
    match error {
        CallError::Null(_) | CallError::Length(_) => gn::GNUTLS_E_INVALID_REQUEST,
        CallError::Panic => gn::GNUTLS_E_INTERNAL_ERROR,
        CallError::Gnutls(gnutls::Error::InvalidRequest) => gn::GNUTLS_E_INVALID_REQUEST,
        CallError::Gnutls(gnutls::Error::RandomFailed) => gn::GNUTLS_E_RANDOM_FAILED,
    }
}

fn stepup_code(error: &CallError) -> c_int {
    match error {
        CallError::Null(_) => STEPUP_E_NULL_POINTER,
        CallError::Length(_) => STEPUP_E_INVALID_LENGTH,
        // A GnuTLS failure reaching a native call is a bug in stepup.
        CallError::Panic | CallError::Gnutls(_) => STEPUP_E_INTERNAL,
    }
}

/// The description of a native `STEPUP_E_*` code.
pub fn stepup_message(code: c_int) -> &'static CStr {
    match code {
        STEPUP_E_SUCCESS => c"Success.",
        STEPUP_E_INTERNAL => c"Internal error in stepup.",
        STEPUP_E_NULL_POINTER => c"A required pointer argument was NULL.",
        STEPUP_E_INVALID_LENGTH => c"A length argument was out of range.",
        _ => c"Unknown stepup error code.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_codes_are_distinct_and_described() {
        let codes = [
            STEPUP_E_SUCCESS,
            STEPUP_E_INTERNAL,
            STEPUP_E_NULL_POINTER,
            STEPUP_E_INVALID_LENGTH,
        ];
        for (i, a) in codes.iter().enumerate() {
            assert!(codes.iter().skip(i + 1).all(|b| a != b));
            assert_ne!(stepup_message(*a), stepup_message(12345));
        }
    }

    #[test]
    fn boundary_failures_map_per_family() {
        let null = CallError::Null("p");
        assert_eq!(code(Family::Gnutls, &null), gn::GNUTLS_E_INVALID_REQUEST);
        assert_eq!(code(Family::Stepup, &null), STEPUP_E_NULL_POINTER);
        assert_eq!(
            code(Family::Gnutls, &CallError::Panic),
            gn::GNUTLS_E_INTERNAL_ERROR
        );
        assert_eq!(code(Family::Stepup, &CallError::Panic), STEPUP_E_INTERNAL);
    }
}
