//! Certificates and keys: PEM/DER loading (rustls-pki-types), chain and name
//! verification and signature checks (rustls-webpki). No ASN.1 validation of
//! our own.

pub mod authorities;
pub mod crl;
pub mod dn;
pub mod fields;
pub mod general_names;
pub mod key_info;
pub mod pem;
pub mod rdn;
pub mod rsa_pss;
pub mod verify;
mod verify_cache;

/// A certificate was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// It could not be parsed, or is unsuitable.
    #[error("bad certificate: {0}")]
    Bad(String),
    /// It does not chain to a trust anchor.
    #[error("unknown issuer")]
    UnknownIssuer,
    /// Its validity period has ended.
    #[error("expired")]
    Expired,
    /// Its validity period has not begun.
    #[error("not yet valid")]
    NotYetValid,
    /// It does not name the server that was asked for.
    #[error("does not match the expected name")]
    NameMismatch,
    /// A signature in the chain does not verify.
    #[error("bad signature in the chain")]
    BadSignature,
    /// A CRL of its issuer lists it.
    #[error("revoked")]
    Revoked,
    /// The host's own check refused it.
    #[error("rejected by the application")]
    Rejected,
}
