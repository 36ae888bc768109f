//! Alerts (RFC 8446 §6).

/// An alert description. Values the RFC does not name are kept as `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertDescription {
    /// close_notify (0).
    CloseNotify,
    /// unexpected_message (10).
    UnexpectedMessage,
    /// bad_record_mac (20).
    BadRecordMac,
    /// record_overflow (22).
    RecordOverflow,
    /// handshake_failure (40).
    HandshakeFailure,
    /// bad_certificate (42).
    BadCertificate,
    /// unsupported_certificate (43).
    UnsupportedCertificate,
    /// certificate_revoked (44).
    CertificateRevoked,
    /// certificate_expired (45).
    CertificateExpired,
    /// certificate_unknown (46).
    CertificateUnknown,
    /// illegal_parameter (47).
    IllegalParameter,
    /// unknown_ca (48).
    UnknownCa,
    /// access_denied (49).
    AccessDenied,
    /// decode_error (50).
    DecodeError,
    /// decrypt_error (51).
    DecryptError,
    /// protocol_version (70).
    ProtocolVersion,
    /// insufficient_security (71).
    InsufficientSecurity,
    /// internal_error (80).
    InternalError,
    /// inappropriate_fallback (86).
    InappropriateFallback,
    /// user_canceled (90).
    UserCanceled,
    /// no_renegotiation (100, TLS 1.2: a warning).
    NoRenegotiation,
    /// missing_extension (109).
    MissingExtension,
    /// unsupported_extension (110).
    UnsupportedExtension,
    /// unrecognized_name (112).
    UnrecognizedName,
    /// bad_certificate_status_response (113).
    BadCertificateStatusResponse,
    /// unknown_psk_identity (115).
    UnknownPskIdentity,
    /// certificate_required (116).
    CertificateRequired,
    /// no_application_protocol (120).
    NoApplicationProtocol,
    /// Any other value.
    Unknown(u8),
}

/// (description, wire value) for every named alert: the one table both
/// directions use.
const TABLE: &[(AlertDescription, u8)] = &[
    (AlertDescription::CloseNotify, 0),
    (AlertDescription::UnexpectedMessage, 10),
    (AlertDescription::BadRecordMac, 20),
    (AlertDescription::RecordOverflow, 22),
    (AlertDescription::HandshakeFailure, 40),
    (AlertDescription::BadCertificate, 42),
    (AlertDescription::UnsupportedCertificate, 43),
    (AlertDescription::CertificateRevoked, 44),
    (AlertDescription::CertificateExpired, 45),
    (AlertDescription::CertificateUnknown, 46),
    (AlertDescription::IllegalParameter, 47),
    (AlertDescription::UnknownCa, 48),
    (AlertDescription::AccessDenied, 49),
    (AlertDescription::DecodeError, 50),
    (AlertDescription::DecryptError, 51),
    (AlertDescription::ProtocolVersion, 70),
    (AlertDescription::InsufficientSecurity, 71),
    (AlertDescription::InternalError, 80),
    (AlertDescription::InappropriateFallback, 86),
    (AlertDescription::UserCanceled, 90),
    (AlertDescription::NoRenegotiation, 100),
    (AlertDescription::MissingExtension, 109),
    (AlertDescription::UnsupportedExtension, 110),
    (AlertDescription::UnrecognizedName, 112),
    (AlertDescription::BadCertificateStatusResponse, 113),
    (AlertDescription::UnknownPskIdentity, 115),
    (AlertDescription::CertificateRequired, 116),
    (AlertDescription::NoApplicationProtocol, 120),
];

impl AlertDescription {
    /// The description of a wire value.
    pub fn from_u8(value: u8) -> Self {
        TABLE
            .iter()
            .find(|(_, v)| *v == value)
            .map_or(Self::Unknown(value), |(d, _)| *d)
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::Unknown(v) => v,
            named => TABLE
                .iter()
                .find(|(d, _)| *d == named)
                .map_or(80, |(_, v)| *v),
        }
    }
}

/// The alert level byte: TLS 1.3 sends every alert but these two as fatal.
pub fn level_for(description: AlertDescription) -> u8 {
    match description {
        AlertDescription::CloseNotify
        | AlertDescription::UserCanceled
        | AlertDescription::NoRenegotiation => 1,
        _ => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_value() {
        for v in 0..=u8::MAX {
            assert_eq!(AlertDescription::from_u8(v).to_u8(), v);
        }
        assert_eq!(
            AlertDescription::from_u8(116),
            AlertDescription::CertificateRequired
        );
        assert_eq!(AlertDescription::from_u8(3), AlertDescription::Unknown(3));
    }
}
