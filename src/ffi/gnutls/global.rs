//! Library initialisation and version checks.

use std::ffi::{CStr, c_char, c_int};

use crate::ffi::{args, boundary};
use crate::gnutls::{global, version};

/// `GNUTLS_VERSION` as a C string for `gnutls_check_version`.
const VERSION_C: &CStr = c"3.7.9";

/// Checks that the library is at least version `req_version` (a string such
/// as "3.6.0"), compared the way `strverscmp(3)` orders versions.
///
/// `req_version` may be NULL; it is only read during the call. Returns the
/// library's GnuTLS API version string ("3.7.9") when `req_version` is NULL or
/// satisfied, and NULL otherwise. The returned string is static: never free it.
///
/// # Safety
/// `req_version` is NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_check_version(req_version: *const c_char) -> *const c_char {
    boundary::gnutls(|| {
        // SAFETY: the caller passes NULL or a NUL-terminated string.
        let required = unsafe { args::optional_cstr(req_version) };
        match required {
            Some(req) if !version::satisfies(req.to_bytes()) => Ok(std::ptr::null()),
            _ => Ok(VERSION_C.as_ptr()),
        }
    })
}

/// Initialises the library's global state. Calls are reference-counted and
/// each should be paired with `gnutls_global_deinit`; calling it is optional,
/// as in GnuTLS 3.x. Thread-safe. Returns `GNUTLS_E_SUCCESS` (0).
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_global_init() -> c_int {
    boundary::gnutls(|| {
        global::init();
        Ok(0)
    })
}

/// Releases one reference taken by `gnutls_global_init`. A call without a
/// matching init does nothing. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_global_deinit() {
    boundary::gnutls(|| {
        global::deinit();
        Ok(())
    })
}

/// The path of the system-wide priority configuration GnuTLS reads: the
/// environment variable `GNUTLS_SYSTEM_PRIORITY_FILE` when set, else
/// `/etc/gnutls/config` (Debian's). stepup does not read that file (its
/// priorities come from the priority strings alone); the path is reported
/// as GnuTLS reports it, for programs that show or check it. The string is
/// the environment's or static: never free it.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_get_system_config_file() -> *const c_char {
    const DEFAULT: &CStr = c"/etc/gnutls/config";
    boundary::gnutls_or(DEFAULT.as_ptr(), || {
        // SAFETY: getenv with a NUL-terminated name; the result points into
        // the environment (nothing is allocated), as GnuTLS's does.
        let set = unsafe { libc::getenv(c"GNUTLS_SYSTEM_PRIORITY_FILE".as_ptr()) };
        Ok(if set.is_null() {
            DEFAULT.as_ptr()
        } else {
            set.cast_const()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_string_matches_constant() {
        assert_eq!(VERSION_C.to_str().unwrap(), version::GNUTLS_VERSION);
    }
}
