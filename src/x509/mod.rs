//! Certificates and keys: PEM/DER loading (rustls-pki-types), chain and name
//! verification and signature checks (rustls-webpki). No ASN.1 validation of
//! our own.

pub mod pem;
pub mod verify;

/// A certificate was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// It could not be parsed, or is unsuitable.
    #[error("bad certificate: {0}")]
    Bad(String),
    /// It does not chain to a trust anchor.
    #[error("unknown issuer")]
    UnknownIssuer,
    /// It is outside its validity period.
    #[error("expired or not yet valid")]
    Expired,
    /// The host's own check refused it.
    #[error("rejected by the application")]
    Rejected,
}
