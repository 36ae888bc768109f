//! The native stepup API shared by all of its parts: version and errors.

use std::ffi::{CStr, c_char, c_int, c_void};

use super::{boundary, errors};

/// stepup's own version as a C string.
const VERSION_C: &CStr = c"0.1.0";

/// Returns stepup's own version ("MAJOR.MINOR.PATCH"), which is not the
/// GnuTLS API level (see `gnutls_check_version`).
///
/// The returned string is static: never free or modify it.
#[unsafe(no_mangle)]
pub extern "C" fn stepup_version() -> *const c_char {
    boundary::stepup(|| Ok(VERSION_C.as_ptr()))
}

/// Returns a description of the native error code `code` (one of the
/// `STEPUP_E_*` values), or "Unknown stepup error code." for any other value.
///
/// The returned string is static: never free or modify it.
#[unsafe(no_mangle)]
pub extern "C" fn stepup_strerror(code: c_int) -> *const c_char {
    boundary::stepup(|| Ok(errors::stepup_message(code).as_ptr()))
}

/// Frees memory the native API handed to the caller (strings such as the
/// page from `stepup_uia_fallback_page`). NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or memory from this library documented as freed with
/// `stepup_free`, not freed before.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_free(ptr: *mut c_void) {
    boundary::stepup(|| {
        // SAFETY: the library allocated it with the C allocator; the caller frees it once.
        unsafe { libc::free(ptr) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_the_crate() {
        assert_eq!(VERSION_C.to_str().unwrap(), crate::VERSION);
    }
}
