//! The alert GnuTLS sends for an error code (`gnutls_error_to_alert`,
//! `gnutls_alert_send_appropriate`): applications whose handshake failed
//! tell the peer why with it.

use super::error_codes::*;

/// The warning alert level (RFC 5246 §7.2).
pub const WARNING: u8 = 1;
/// The fatal alert level.
pub const FATAL: u8 = 2;

// Alert descriptions (RFC 8446 §6, RFC 5246 §7.2, RFC 7507, RFC 4279).
const UNEXPECTED_MESSAGE: u8 = 10;
const BAD_RECORD_MAC: u8 = 20;
const RECORD_OVERFLOW: u8 = 22;
const DECOMPRESSION_FAILURE: u8 = 30;
const HANDSHAKE_FAILURE: u8 = 40;
const BAD_CERTIFICATE: u8 = 42;
const UNSUPPORTED_CERTIFICATE: u8 = 43;
const ILLEGAL_PARAMETER: u8 = 47;
const DECODE_ERROR: u8 = 50;
const DECRYPT_ERROR: u8 = 51;
const PROTOCOL_VERSION: u8 = 70;
const INSUFFICIENT_SECURITY: u8 = 71;
const INTERNAL_ERROR: u8 = 80;
const INAPPROPRIATE_FALLBACK: u8 = 86;
const USER_CANCELED: u8 = 90;
const NO_RENEGOTIATION: u8 = 100;
const MISSING_EXTENSION: u8 = 109;
const UNSUPPORTED_EXTENSION: u8 = 110;
const CERTIFICATE_UNOBTAINABLE: u8 = 111;
const UNRECOGNIZED_NAME: u8 = 112;
const UNKNOWN_PSK_IDENTITY: u8 = 115;
const CERTIFICATE_REQUIRED: u8 = 116;
const NO_APPLICATION_PROTOCOL: u8 = 120;

/// The (level, description) GnuTLS 3.7 sends for `code`; an internal_error
/// for codes it has no better answer for.
pub fn alert_for(code: i32) -> (u8, u8) {
    let description = match code {
        GNUTLS_E_PK_SIG_VERIFY_FAILED | GNUTLS_E_ERROR_IN_FINISHED_PACKET => DECRYPT_ERROR,
        // Never decryption_failed: it would tell padding errors apart.
        GNUTLS_E_DECRYPTION_FAILED => BAD_RECORD_MAC,
        GNUTLS_E_UNEXPECTED_PACKET_LENGTH
        | GNUTLS_E_UNEXPECTED_EXTENSIONS_LENGTH
        | GNUTLS_E_NO_CERTIFICATE_FOUND
        | GNUTLS_E_HANDSHAKE_TOO_LARGE => DECODE_ERROR,
        GNUTLS_E_DECOMPRESSION_FAILED => DECOMPRESSION_FAILURE,
        GNUTLS_E_ILLEGAL_PARAMETER
        | GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER
        | GNUTLS_E_ILLEGAL_SRP_USERNAME
        | GNUTLS_E_PK_INVALID_PUBKEY
        | GNUTLS_E_UNKNOWN_COMPRESSION_ALGORITHM
        | GNUTLS_E_RECEIVED_DISALLOWED_NAME
        | GNUTLS_E_INCOMPATIBLE_SIG_WITH_KEY => ILLEGAL_PARAMETER,
        GNUTLS_E_UNKNOWN_SRP_USERNAME => UNKNOWN_PSK_IDENTITY,
        GNUTLS_E_ASN1_ELEMENT_NOT_FOUND
        | GNUTLS_E_ASN1_IDENTIFIER_NOT_FOUND
        | GNUTLS_E_ASN1_DER_ERROR
        | GNUTLS_E_ASN1_VALUE_NOT_FOUND
        | GNUTLS_E_ASN1_GENERIC_ERROR
        | GNUTLS_E_ASN1_VALUE_NOT_VALID
        | GNUTLS_E_ASN1_TAG_ERROR
        | GNUTLS_E_ASN1_TAG_IMPLICIT
        | GNUTLS_E_ASN1_TYPE_ANY_ERROR
        | GNUTLS_E_ASN1_SYNTAX_ERROR
        | GNUTLS_E_ASN1_DER_OVERFLOW
        | GNUTLS_E_CERTIFICATE_ERROR
        | GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR => BAD_CERTIFICATE,
        GNUTLS_E_UNKNOWN_CIPHER_SUITE
        | GNUTLS_E_INSUFFICIENT_CREDENTIALS
        | GNUTLS_E_NO_CIPHER_SUITES
        | GNUTLS_E_NO_COMPRESSION_ALGORITHMS
        | GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM
        | GNUTLS_E_SAFE_RENEGOTIATION_FAILED
        | GNUTLS_E_INCOMPAT_DSA_KEY_WITH_TLS_PROTOCOL
        | GNUTLS_E_UNKNOWN_PK_ALGORITHM
        | GNUTLS_E_UNWANTED_ALGORITHM
        | GNUTLS_E_NO_COMMON_KEY_SHARE
        | GNUTLS_E_ECC_NO_SUPPORTED_CURVES
        | GNUTLS_E_ECC_UNSUPPORTED_CURVE => HANDSHAKE_FAILURE,
        GNUTLS_E_RECEIVED_ILLEGAL_EXTENSION => UNSUPPORTED_EXTENSION,
        GNUTLS_E_MISSING_EXTENSION => MISSING_EXTENSION,
        GNUTLS_E_USER_ERROR => USER_CANCELED,
        GNUTLS_E_UNEXPECTED_PACKET
        | GNUTLS_E_UNEXPECTED_HANDSHAKE_PACKET
        | GNUTLS_E_PREMATURE_TERMINATION => UNEXPECTED_MESSAGE,
        // The one warning: a refused renegotiation leaves the session up.
        GNUTLS_E_REHANDSHAKE | GNUTLS_E_UNSAFE_RENEGOTIATION_DENIED => {
            return (WARNING, NO_RENEGOTIATION);
        }
        GNUTLS_E_UNSUPPORTED_VERSION_PACKET => PROTOCOL_VERSION,
        GNUTLS_E_UNSUPPORTED_CERTIFICATE_TYPE => UNSUPPORTED_CERTIFICATE,
        GNUTLS_E_RECORD_OVERFLOW => RECORD_OVERFLOW,
        GNUTLS_E_INAPPROPRIATE_FALLBACK => INAPPROPRIATE_FALLBACK,
        GNUTLS_E_OPENPGP_GETKEY_FAILED => CERTIFICATE_UNOBTAINABLE,
        GNUTLS_E_DH_PRIME_UNACCEPTABLE
        | GNUTLS_E_SESSION_USER_ID_CHANGED
        | GNUTLS_E_INSUFFICIENT_SECURITY => INSUFFICIENT_SECURITY,
        GNUTLS_E_NO_APPLICATION_PROTOCOL => NO_APPLICATION_PROTOCOL,
        GNUTLS_E_UNRECOGNIZED_NAME => UNRECOGNIZED_NAME,
        GNUTLS_E_CERTIFICATE_REQUIRED => CERTIFICATE_REQUIRED,
        _ => INTERNAL_ERROR,
    };
    (FATAL, description)
}

/// Whether `gnutls_alert_send_appropriate` sends anything for `code`: for
/// fatal errors but a received alert, and for a rehandshake request.
pub fn worth_an_alert(code: i32) -> bool {
    code == GNUTLS_E_REHANDSHAKE
        || (super::errors::is_fatal(code) && code != GNUTLS_E_FATAL_ALERT_RECEIVED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_map_to_their_alerts() {
        assert_eq!(
            alert_for(GNUTLS_E_DECRYPTION_FAILED),
            (FATAL, BAD_RECORD_MAC)
        );
        assert_eq!(alert_for(GNUTLS_E_REHANDSHAKE), (WARNING, NO_RENEGOTIATION));
        assert_eq!(alert_for(GNUTLS_E_CERTIFICATE_REQUIRED), (FATAL, 116));
        assert_eq!(alert_for(-12345), (FATAL, INTERNAL_ERROR));
        assert!(worth_an_alert(GNUTLS_E_DECRYPTION_FAILED));
        assert!(worth_an_alert(GNUTLS_E_REHANDSHAKE));
        assert!(!worth_an_alert(GNUTLS_E_FATAL_ALERT_RECEIVED));
        assert!(!worth_an_alert(GNUTLS_E_AGAIN));
    }
}
