//! `gnutls_strerror`, `gnutls_strerror_name` and `gnutls_error_is_fatal` over
//! GnuTLS 3.7's error table (`error_table.rs`).

use std::ffi::CStr;

use super::error_table::TABLE;

/// One row of GnuTLS's error table.
#[derive(Debug)]
pub struct ErrorInfo {
    /// The negative code (or 0 for success).
    pub code: i32,
    /// The constant's name, as `gnutls_strerror_name` returns it.
    pub name: &'static CStr,
    /// Whether `gnutls_error_is_fatal` calls this code fatal.
    pub fatal: bool,
    /// The description `gnutls_strerror` returns.
    pub message: &'static CStr,
}

/// What GnuTLS answers for a code missing from its table.
const UNKNOWN_MESSAGE: &CStr = c"(unknown error code)";

/// The table row for `code`, if GnuTLS knows the code.
pub fn lookup(code: i32) -> Option<&'static ErrorInfo> {
    TABLE
        .binary_search_by_key(&code, |info| info.code)
        .ok()
        .and_then(|index| TABLE.get(index))
}

/// The description of `code`; `(unknown error code)` for codes GnuTLS does
/// not know, as GnuTLS does.
pub fn message(code: i32) -> &'static CStr {
    lookup(code).map_or(UNKNOWN_MESSAGE, |info| info.message)
}

/// The constant's name for `code`, or `None` for an unknown code.
pub fn name(code: i32) -> Option<&'static CStr> {
    lookup(code).map(|info| info.name)
}

/// Whether `code` is fatal to a session. GnuTLS treats every unknown negative
/// code as fatal and every unknown positive one as not.
pub fn is_fatal(code: i32) -> bool {
    lookup(code).map_or(code < 0, |info| info.fatal)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gnutls::error_codes::*;

    #[test]
    fn table_is_sorted_and_unique() {
        assert!(TABLE.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn known_codes_have_their_names_and_messages() {
        assert_eq!(name(GNUTLS_E_AGAIN), Some(c"GNUTLS_E_AGAIN"));
        assert_eq!(
            message(GNUTLS_E_REAUTH_REQUEST),
            c"Re-authentication was requested by the peer."
        );
        assert_eq!(name(GNUTLS_E_SUCCESS), Some(c"GNUTLS_E_SUCCESS"));
    }

    #[test]
    fn unknown_codes_get_the_generic_message_and_no_name() {
        for code in [-1, -2, 1, 12345, i32::MIN, i32::MAX] {
            assert_eq!(message(code), UNKNOWN_MESSAGE);
            assert_eq!(name(code), None);
        }
    }

    #[test]
    fn fatality_follows_gnutls() {
        for code in [
            GNUTLS_E_AGAIN,
            GNUTLS_E_INTERRUPTED,
            GNUTLS_E_REAUTH_REQUEST,
            0,
            7,
        ] {
            assert!(!is_fatal(code), "{code} must not be fatal");
        }
        for code in [
            GNUTLS_E_INVALID_REQUEST,
            GNUTLS_E_DECRYPTION_FAILED,
            -2,
            i32::MIN,
        ] {
            assert!(is_fatal(code), "{code} must be fatal");
        }
    }

    #[test]
    fn every_table_name_is_a_constant_with_that_value() {
        // The constants file and the table come from one GnuTLS; they must agree.
        let constants = include_str!("error_codes.rs");
        for info in TABLE {
            let name = info.name.to_str().unwrap();
            let line = format!("pub const {name}: i32 = {};", info.code);
            assert!(constants.contains(&line), "missing `{line}`");
        }
    }
}
