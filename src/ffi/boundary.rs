//! The panic boundary every export goes through. A panic must never unwind
//! into C (it would abort the host); it becomes the API's internal-error
//! value instead, and errors become the API's negative codes.

use std::ffi::c_int;
use std::panic::{AssertUnwindSafe, catch_unwind};

use super::errors::{self, CallError, Family};

/// What an export returns when its body fails or panics.
pub trait CReturn {
    /// The value standing for `error` in `family`.
    fn on_error(family: Family, error: &CallError) -> Self;
}

impl CReturn for c_int {
    fn on_error(family: Family, error: &CallError) -> Self {
        errors::code(family, error)
    }
}

impl<T> CReturn for *const T {
    fn on_error(_: Family, _: &CallError) -> Self {
        std::ptr::null()
    }
}

impl<T> CReturn for *mut T {
    fn on_error(_: Family, _: &CallError) -> Self {
        std::ptr::null_mut()
    }
}

/// `time_t` results: GnuTLS's `(time_t)-1` on error.
impl CReturn for i64 {
    fn on_error(_: Family, _: &CallError) -> Self {
        -1
    }
}

impl CReturn for () {
    fn on_error(_: Family, _: &CallError) -> Self {}
}

/// Runs the body of a GnuTLS-API export.
pub fn gnutls<R: CReturn>(body: impl FnOnce() -> Result<R, CallError>) -> R {
    run(Family::Gnutls, body)
}

/// Runs the body of a GnuTLS-API export whose return type has no error
/// value of its own (`unsigned`, `size_t`, a function pointer): `fallback`
/// when the body fails or panics, chosen per function (a verification
/// status falls back to "invalid", not to 0, which means verified).
pub fn gnutls_or<R>(fallback: R, body: impl FnOnce() -> Result<R, CallError>) -> R {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(_)) | Err(_) => fallback,
    }
}

/// Runs the body of a native-API export.
pub fn stepup<R: CReturn>(body: impl FnOnce() -> Result<R, CallError>) -> R {
    run(Family::Stepup, body)
}

fn run<R: CReturn>(family: Family, body: impl FnOnce() -> Result<R, CallError>) -> R {
    // AssertUnwindSafe: bodies only commit changes to C-visible objects as
    // their last step, so a panic leaves those objects as they were.
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => value,
        Ok(Err(error)) => R::on_error(family, &error),
        Err(_) => R::on_error(family, &CallError::Panic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ffi::errors::{STEPUP_E_INTERNAL, STEPUP_E_NULL_POINTER};
    use crate::gnutls::error_codes::{GNUTLS_E_INTERNAL_ERROR, GNUTLS_E_INVALID_REQUEST};
    use std::ffi::c_char;

    // Test-only exports, shaped like real ones, that panic inside the boundary.
    extern "C" fn panicking_gnutls_export() -> c_int {
        gnutls(|| panic!("forced panic"))
    }
    extern "C" fn panicking_stepup_export() -> c_int {
        stepup(|| panic!("forced panic"))
    }
    extern "C" fn panicking_pointer_export() -> *const c_char {
        gnutls(|| panic!("forced panic"))
    }
    extern "C" fn failing_export() -> c_int {
        stepup(|| Err(CallError::Null("session")))
    }

    #[test]
    fn panic_becomes_internal_error_code() {
        assert_eq!(panicking_gnutls_export(), GNUTLS_E_INTERNAL_ERROR);
        assert_eq!(panicking_stepup_export(), STEPUP_E_INTERNAL);
        assert!(panicking_pointer_export().is_null());
    }

    extern "C" fn panicking_status_export() -> std::ffi::c_uint {
        gnutls_or(std::ffi::c_uint::MAX, || panic!("forced panic"))
    }

    #[test]
    fn exports_without_an_error_value_fall_back_to_theirs() {
        assert_eq!(panicking_status_export(), std::ffi::c_uint::MAX);
        assert_eq!(gnutls_or(0usize, || Err(CallError::Null("session"))), 0);
        assert_eq!(gnutls_or(0usize, || Ok(5)), 5);
    }

    #[test]
    fn errors_become_family_codes() {
        assert_eq!(failing_export(), STEPUP_E_NULL_POINTER);
        assert_eq!(
            gnutls::<c_int>(|| Err(CallError::Length("len"))),
            GNUTLS_E_INVALID_REQUEST
        );
        assert_eq!(gnutls(|| Ok(7)), 7);
    }
}
