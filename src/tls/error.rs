//! The engine's errors. Each maps to the alert the RFC calls for in one
//! place (`Error::alert`); call sites never pick alerts.

use super::alert::AlertDescription;
pub use crate::x509::CertificateError;

/// A message could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMessage {
    /// Ran out of input, or a length pointed past the end.
    #[error("truncated {0}")]
    Truncated(&'static str),
    /// Bytes were left over after a complete structure.
    #[error("trailing data after {0}")]
    TrailingData(&'static str),
    /// A field held a value its syntax forbids (an empty list that must not be, ...).
    #[error("invalid {0}")]
    InvalidValue(&'static str),
    /// An extensions block whose length, or an extension's within it, does
    /// not add up (GnuTLS tells this decoding error apart).
    #[error("extension lengths do not add up")]
    ExtensionsLength,
}

/// The peer broke the protocol.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerMisbehaved {
    /// A message that is not allowed in the current state.
    #[error("unexpected {0}")]
    UnexpectedMessage(&'static str),
    /// A field value the RFC makes illegal here.
    #[error("illegal parameter: {0}")]
    IllegalParameter(&'static str),
    /// An extension required here is missing.
    #[error("missing extension: {0}")]
    MissingExtension(&'static str),
    /// An extension not allowed in this message (or not offered).
    #[error("unsupported extension: {0}")]
    UnsupportedExtension(&'static str),
    /// Nothing in common to negotiate.
    #[error("handshake failure: {0}")]
    HandshakeFailure(&'static str),
    /// A signature or Finished did not verify.
    #[error("decrypt error: {0}")]
    DecryptError(&'static str),
    /// The peer sent no certificate where one is required.
    #[error("certificate required")]
    CertificateRequired,
    /// (TLS 1.2) The client sent no certificate where one is required:
    /// TLS 1.2 has no certificate_required alert (RFC 5246 §7.4.6).
    #[error("no client certificate where one is required")]
    NoCertificate,
    /// The protocol version is not TLS 1.3.
    #[error("protocol version: {0}")]
    ProtocolVersion(&'static str),
    /// No ALPN protocol in common.
    #[error("no application protocol in common")]
    NoApplicationProtocol,
    /// A PSK binder did not verify: the client does not hold the key.
    #[error("decrypt error: psk binder")]
    BadPskBinder,
    /// A server with no certificate got no PSK it could accept.
    #[error("handshake failure: no certificate and no PSK accepted")]
    NoServerCredentials,
    /// (TLS 1.2) The client's PSK identity is not known.
    #[error("unknown PSK identity")]
    UnknownPskIdentity,
}

/// Input a peer may send without limit at no cost to itself, past the
/// bound stepup sets on it (the limits are in `crate::tls::limits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Flood {
    /// More KeyUpdates in a second than `KEY_UPDATES_PER_SECOND`.
    #[error("too many KeyUpdates")]
    KeyUpdates,
    /// More records in a row carrying nothing (empty application data,
    /// ignored warning alerts) than `MAX_EMPTY_RECORDS`.
    #[error("too many empty records")]
    EmptyRecords,
    /// More unanswered post-handshake CertificateRequests than
    /// `MAX_PENDING_CERTIFICATE_REQUESTS`.
    #[error("too many certificate requests")]
    CertificateRequests,
}

/// A TLS failure. Once a connection has one, it is closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Undecodable input.
    #[error(transparent)]
    InvalidMessage(#[from] InvalidMessage),
    /// Input that decodes but breaks the protocol.
    #[error(transparent)]
    PeerMisbehaved(#[from] PeerMisbehaved),
    /// A certificate was rejected.
    #[error(transparent)]
    Certificate(#[from] CertificateError),
    /// A record failed authentication.
    #[error("record authentication failed")]
    BadRecordMac,
    /// A record exceeded the size limits.
    #[error("record too large")]
    RecordOverflow,
    /// The peer sent a fatal alert.
    #[error("peer sent alert {0:?}")]
    AlertReceived(AlertDescription),
    /// A local failure (RNG, a key that cannot sign, ...).
    #[error("internal error: {0}")]
    Internal(&'static str),
    /// The application asked for something the connection cannot do now
    /// (nothing is sent and the connection stays usable).
    #[error("invalid request: {0}")]
    ApiMisuse(&'static str),
    /// The application's handshake hook refused a message with this code.
    #[error("handshake hook returned {0}")]
    HookAborted(i32),
    /// The peer's certificate does not allow digital signatures (keyUsage,
    /// RFC 5280 §4.2.1.3), yet its key signed the handshake.
    #[error("the peer's certificate does not allow digital signatures")]
    KeyUsageViolation,
    /// The peer went past a resource bound.
    #[error(transparent)]
    Flood(#[from] Flood),
}

impl Error {
    /// The alert to send for this error, or `None` when nothing should be
    /// sent (the peer's own alert).
    pub fn alert(&self) -> Option<AlertDescription> {
        Some(match self {
            Self::InvalidMessage(_) => AlertDescription::DecodeError,
            Self::PeerMisbehaved(p) => match p {
                PeerMisbehaved::UnexpectedMessage(_) => AlertDescription::UnexpectedMessage,
                PeerMisbehaved::IllegalParameter(_) => AlertDescription::IllegalParameter,
                PeerMisbehaved::MissingExtension(_) => AlertDescription::MissingExtension,
                PeerMisbehaved::UnsupportedExtension(_) => AlertDescription::UnsupportedExtension,
                PeerMisbehaved::HandshakeFailure(_) => AlertDescription::HandshakeFailure,
                PeerMisbehaved::DecryptError(_) => AlertDescription::DecryptError,
                PeerMisbehaved::CertificateRequired => AlertDescription::CertificateRequired,
                PeerMisbehaved::NoCertificate => AlertDescription::HandshakeFailure,
                PeerMisbehaved::ProtocolVersion(_) => AlertDescription::ProtocolVersion,
                PeerMisbehaved::NoApplicationProtocol => AlertDescription::NoApplicationProtocol,
                PeerMisbehaved::BadPskBinder => AlertDescription::DecryptError,
                PeerMisbehaved::NoServerCredentials => AlertDescription::HandshakeFailure,
                PeerMisbehaved::UnknownPskIdentity => AlertDescription::UnknownPskIdentity,
            },
            Self::Certificate(c) => match c {
                CertificateError::Bad(_) | CertificateError::Rejected => {
                    AlertDescription::BadCertificate
                }
                CertificateError::UnknownIssuer => AlertDescription::UnknownCa,
                CertificateError::Revoked => AlertDescription::CertificateRevoked,
                CertificateError::Expired | CertificateError::NotYetValid => {
                    AlertDescription::CertificateExpired
                }
                CertificateError::NameMismatch | CertificateError::BadSignature => {
                    AlertDescription::BadCertificate
                }
            },
            Self::BadRecordMac => AlertDescription::BadRecordMac,
            Self::RecordOverflow => AlertDescription::RecordOverflow,
            // A hook's refusal is the application's, not the protocol's:
            // GnuTLS sends nothing for it either.
            Self::AlertReceived(_) | Self::ApiMisuse(_) | Self::HookAborted(_) => return None,
            // GnuTLS ends the handshake on a key-usage violation without
            // an alert (its peer is left waiting); so do we.
            Self::KeyUsageViolation => return None,
            // As GnuTLS, which has no alert of its own for these.
            Self::Internal(_) | Self::Flood(_) => AlertDescription::InternalError,
        })
    }
}
