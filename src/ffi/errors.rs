//! The one place where failures become C return codes: GnuTLS's
//! `GNUTLS_E_*` for the GnuTLS API, and stepup's own `STEPUP_E_*` for the
//! native API. Native codes are explicit, grouped by family, and a retired
//! number is never reused.

use std::ffi::{CStr, c_int};

use crate::gnutls::{self, error_codes as gn};
#[cfg(feature = "uia")]
use crate::uia::UiaError;

/// Success.
pub const STEPUP_E_SUCCESS: i32 = 0;
/// An internal failure, including a panic caught at the C boundary; the
/// object the call was given is left as it was before the call.
pub const STEPUP_E_INTERNAL: i32 = -1;
/// A pointer argument that must not be NULL was NULL.
pub const STEPUP_E_NULL_POINTER: i32 = -2;
/// A length argument was out of range for its buffer.
pub const STEPUP_E_INVALID_LENGTH: i32 = -3;

/// A string argument was not valid UTF-8.
pub const STEPUP_E_INVALID_UTF8: i32 = -4;
/// Memory could not be allocated.
pub const STEPUP_E_NO_MEMORY: i32 = -5;
/// An argument had a value outside its documented range.
pub const STEPUP_E_INVALID_ARGUMENT: i32 = -6;
/// The configuration JSON was invalid (unknown key, wrong type, bad store).
pub const STEPUP_E_CONFIG: i32 = -10;
/// The flows were invalid (no flow, empty flow, bad stage type or params).
pub const STEPUP_E_FLOWS: i32 = -11;
/// The session store failed (I/O, corruption, lost connection).
pub const STEPUP_E_STORE: i32 = -12;
/// A flow uses a stage whose host hook (password checker, stage validator)
/// was never set; the stage fails closed.
pub const STEPUP_E_MISSING_HOOK: i32 = -13;
/// A host hook returned an internal error.
pub const STEPUP_E_HOOK: i32 = -14;
/// The operating system's random generator failed.
pub const STEPUP_E_RANDOM: i32 = -15;
/// Concurrent requests kept changing the session; try again.
pub const STEPUP_E_CONTENTION: i32 = -16;
/// The TLS session failed while the client was asked for a certificate
/// (the connection is unusable; close it).
pub const STEPUP_E_TLS: i32 = -17;
/// A certificate enrolment was refused: the key is enrolled for another
/// user, or the certificate, fingerprint or user id is malformed.
pub const STEPUP_E_ENROLMENT: i32 = -18;

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
    /// A string argument was not UTF-8.
    #[error("argument `{0}` is not valid UTF-8")]
    Utf8(&'static str),
    /// An argument had a value outside its range.
    #[error("argument `{0}` is out of range")]
    Invalid(&'static str),
    /// The C allocator failed.
    #[error("out of memory")]
    NoMemory,
    /// The call panicked; the panic was caught at the boundary.
    #[error("internal error (panic caught at the C boundary)")]
    Panic,
    /// A GnuTLS-level failure.
    #[error(transparent)]
    Gnutls(#[from] gnutls::Error),
    /// A UIA engine failure.
    #[cfg(feature = "uia")]
    #[error(transparent)]
    Uia(#[from] UiaError),
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
        CallError::Null(_) | CallError::Length(_) | CallError::Utf8(_) | CallError::Invalid(_) => {
            gn::GNUTLS_E_INVALID_REQUEST
        }
        CallError::NoMemory => gn::GNUTLS_E_MEMORY_ERROR,
        CallError::Panic => gn::GNUTLS_E_INTERNAL_ERROR,
        CallError::Gnutls(e) => gnutls_error_code(e),
        // A UIA failure reaching a GnuTLS call is a bug in stepup.
        #[cfg(feature = "uia")]
        CallError::Uia(_) => gn::GNUTLS_E_INTERNAL_ERROR,
    }
}

fn gnutls_error_code(error: &gnutls::Error) -> c_int {
    use gnutls::Error as E;
    match error {
        E::InvalidRequest => gn::GNUTLS_E_INVALID_REQUEST,
        E::RandomFailed => gn::GNUTLS_E_RANDOM_FAILED,
        E::Again => gn::GNUTLS_E_AGAIN,
        E::Interrupted => gn::GNUTLS_E_INTERRUPTED,
        E::PrematureTermination => gn::GNUTLS_E_PREMATURE_TERMINATION,
        E::SessionEof => gn::GNUTLS_E_SESSION_EOF,
        E::UnexpectedPacket => gn::GNUTLS_E_UNEXPECTED_PACKET,
        E::UnexpectedPacketLength => gn::GNUTLS_E_UNEXPECTED_PACKET_LENGTH,
        E::InvalidSession => gn::GNUTLS_E_INVALID_SESSION,
        E::TimedOut => gn::GNUTLS_E_TIMEDOUT,
        E::Push => gn::GNUTLS_E_PUSH_ERROR,
        E::Pull => gn::GNUTLS_E_PULL_ERROR,
        E::GotApplicationData => gn::GNUTLS_E_GOT_APPLICATION_DATA,
        E::ReauthRequest => gn::GNUTLS_E_REAUTH_REQUEST,
        E::Rehandshake => gn::GNUTLS_E_REHANDSHAKE,
        E::InsufficientCredentials => gn::GNUTLS_E_INSUFFICIENT_CREDENTIALS,
        E::FileError => gn::GNUTLS_E_FILE_ERROR,
        E::Base64Decoding => gn::GNUTLS_E_BASE64_DECODING_ERROR,
        E::CertificateError => gn::GNUTLS_E_CERTIFICATE_ERROR,
        E::CertificateVerification => gn::GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR,
        E::NoPriorities => gn::GNUTLS_E_NO_PRIORITIES_WERE_SET,
        E::NoCipherSuites => gn::GNUTLS_E_NO_CIPHER_SUITES,
        E::NoCertificateFound => gn::GNUTLS_E_NO_CERTIFICATE_FOUND,
        E::DerDecoding => gn::GNUTLS_E_ASN1_DER_ERROR,
        E::InsufficientSecurity => gn::GNUTLS_E_INSUFFICIENT_SECURITY,
        E::Asn1Tag => gn::GNUTLS_E_ASN1_TAG_ERROR,
        E::Asn1ValueNotFound => gn::GNUTLS_E_ASN1_VALUE_NOT_FOUND,
        E::Asn1ElementNotFound => gn::GNUTLS_E_ASN1_ELEMENT_NOT_FOUND,
        E::Unimplemented => gn::GNUTLS_E_UNIMPLEMENTED_FEATURE,
        E::DecryptionFailed => gn::GNUTLS_E_DECRYPTION_FAILED,
        E::CipherKeySize => gn::GNUTLS_E_INTERNAL_ERROR,
        E::ChannelBindingNotAvailable => gn::GNUTLS_E_CHANNEL_BINDING_NOT_AVAILABLE,
        E::CertificateListUnsorted => gn::GNUTLS_E_CERTIFICATE_LIST_UNSORTED,
        E::RequestedDataNotAvailable => gn::GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE,
        E::UnknownCipherSuite => gn::GNUTLS_E_UNKNOWN_CIPHER_SUITE,
        E::UnavailableDuringHandshake => gn::GNUTLS_E_UNAVAILABLE_DURING_HANDSHAKE,
        E::ShortMemoryBuffer => gn::GNUTLS_E_SHORT_MEMORY_BUFFER,
        // The C boundary resumes this itself; reaching C is a bug.
        E::PeerCheckPending => gn::GNUTLS_E_INTERNAL_ERROR,
        E::ClientHelloCheckPending => gn::GNUTLS_E_INTERNAL_ERROR,
        E::AlreadyRegistered => gn::GNUTLS_E_ALREADY_REGISTERED,
        E::CertificateKeyMismatch => gn::GNUTLS_E_CERTIFICATE_KEY_MISMATCH,
        E::Base64UnexpectedHeader => gn::GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR,
        E::DbError => gn::GNUTLS_E_DB_ERROR,
        E::Parsing => gn::GNUTLS_E_PARSING_ERROR,
        // Resumed by the C boundary, like PeerCheckPending.
        E::CertificateChoicePending => gn::GNUTLS_E_INTERNAL_ERROR,
        #[cfg(feature = "tls")]
        E::Tls(e) => tls_code(e),
    }
}

/// The GnuTLS code for a TLS engine failure.
#[cfg(feature = "tls")]
fn tls_code(error: &crate::tls::Error) -> c_int {
    use crate::tls::error::{Error as T, InvalidMessage as M, PeerMisbehaved as P};
    match error {
        T::InvalidMessage(M::ExtensionsLength) => gn::GNUTLS_E_UNEXPECTED_EXTENSIONS_LENGTH,
        T::InvalidMessage(_) => gn::GNUTLS_E_UNEXPECTED_PACKET_LENGTH,
        T::PeerMisbehaved(p) => match p {
            P::UnexpectedMessage(_) => gn::GNUTLS_E_UNEXPECTED_PACKET,
            P::IllegalParameter(_) => gn::GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER,
            P::MissingExtension(_) => gn::GNUTLS_E_MISSING_EXTENSION,
            P::UnsupportedExtension(_) => gn::GNUTLS_E_RECEIVED_ILLEGAL_EXTENSION,
            // GnuTLS 3.7's codes for a PSK-only server that accepts no PSK,
            // and for a binder that does not check out (a wrong key, or an
            // unknown user's stand-in key).
            P::NoServerCredentials | P::UnknownPskIdentity => gn::GNUTLS_E_INSUFFICIENT_CREDENTIALS,
            P::HandshakeFailure(_) => gn::GNUTLS_E_NO_CIPHER_SUITES,
            P::BadPskBinder => gn::GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER,
            P::DecryptError(_) => gn::GNUTLS_E_PK_SIG_VERIFY_FAILED,
            P::CertificateRequired => gn::GNUTLS_E_CERTIFICATE_REQUIRED,
            P::NoCertificate => gn::GNUTLS_E_NO_CERTIFICATE_FOUND,
            P::ProtocolVersion(_) => gn::GNUTLS_E_UNSUPPORTED_VERSION_PACKET,
            P::NoApplicationProtocol => gn::GNUTLS_E_NO_APPLICATION_PROTOCOL,
        },
        T::Certificate(_) => gn::GNUTLS_E_CERTIFICATE_ERROR,
        T::BadRecordMac => gn::GNUTLS_E_DECRYPTION_FAILED,
        T::RecordOverflow => gn::GNUTLS_E_RECORD_OVERFLOW,
        T::AlertReceived(_) => gn::GNUTLS_E_FATAL_ALERT_RECEIVED,
        T::Internal(_) => gn::GNUTLS_E_INTERNAL_ERROR,
        T::ApiMisuse(_) => gn::GNUTLS_E_INVALID_REQUEST,
        // The hook's own (negative) GnuTLS code, as GnuTLS returns it.
        T::HookAborted(code) => *code,
        T::KeyUsageViolation => gn::GNUTLS_E_KEY_USAGE_VIOLATION,
        T::Flood(crate::tls::error::Flood::EmptyRecords) => gn::GNUTLS_E_TOO_MANY_EMPTY_PACKETS,
        T::Flood(_) => gn::GNUTLS_E_TOO_MANY_HANDSHAKE_PACKETS,
    }
}

fn stepup_code(error: &CallError) -> c_int {
    match error {
        CallError::Null(_) => STEPUP_E_NULL_POINTER,
        CallError::Length(_) => STEPUP_E_INVALID_LENGTH,
        CallError::Utf8(_) => STEPUP_E_INVALID_UTF8,
        CallError::Invalid(_) => STEPUP_E_INVALID_ARGUMENT,
        CallError::NoMemory => STEPUP_E_NO_MEMORY,
        CallError::Panic => STEPUP_E_INTERNAL,
        // Native calls meet GnuTLS failures only on a session handed to the
        // UIA bridge: the TLS session failed.
        CallError::Gnutls(_) => STEPUP_E_TLS,
        #[cfg(feature = "uia")]
        CallError::Uia(error) => uia_code(error),
    }
}

#[cfg(feature = "uia")]
fn uia_code(error: &UiaError) -> c_int {
    match error {
        UiaError::Store(_) => STEPUP_E_STORE,
        UiaError::Config(_) => STEPUP_E_CONFIG,
        UiaError::Flows(_) => STEPUP_E_FLOWS,
        UiaError::MissingHook(_) => STEPUP_E_MISSING_HOOK,
        UiaError::Hook(_) => STEPUP_E_HOOK,
        UiaError::Random => STEPUP_E_RANDOM,
        UiaError::Contention => STEPUP_E_CONTENTION,
        UiaError::Enrolment(_) => STEPUP_E_ENROLMENT,
    }
}

/// The description of a native `STEPUP_E_*` code.
pub fn stepup_message(code: c_int) -> &'static CStr {
    match code {
        STEPUP_E_SUCCESS => c"Success.",
        STEPUP_E_INTERNAL => c"Internal error in stepup.",
        STEPUP_E_NULL_POINTER => c"A required pointer argument was NULL.",
        STEPUP_E_INVALID_LENGTH => c"A length argument was out of range.",
        STEPUP_E_INVALID_UTF8 => c"A string argument was not valid UTF-8.",
        STEPUP_E_NO_MEMORY => c"Memory could not be allocated.",
        STEPUP_E_INVALID_ARGUMENT => c"An argument was out of its documented range.",
        STEPUP_E_CONFIG => c"The configuration is invalid.",
        STEPUP_E_FLOWS => c"The UIA flows are invalid.",
        STEPUP_E_STORE => c"The UIA session store failed.",
        STEPUP_E_MISSING_HOOK => c"A UIA stage has no host hook (password checker or validator).",
        STEPUP_E_HOOK => c"A host hook reported an internal error.",
        STEPUP_E_RANDOM => c"The system random number generator failed.",
        STEPUP_E_CONTENTION => c"The UIA session was too busy; try again.",
        STEPUP_E_TLS => c"The TLS session failed during re-authentication.",
        STEPUP_E_ENROLMENT => c"The certificate enrolment was refused.",
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
            STEPUP_E_INVALID_UTF8,
            STEPUP_E_NO_MEMORY,
            STEPUP_E_INVALID_ARGUMENT,
            STEPUP_E_CONFIG,
            STEPUP_E_FLOWS,
            STEPUP_E_STORE,
            STEPUP_E_MISSING_HOOK,
            STEPUP_E_HOOK,
            STEPUP_E_RANDOM,
            STEPUP_E_CONTENTION,
            STEPUP_E_TLS,
            STEPUP_E_ENROLMENT,
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
