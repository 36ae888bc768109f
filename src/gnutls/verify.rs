//! GnuTLS's certificate verification status bits for a peer's chain.

use crate::tls::{PeerIdentity, Verification};
use crate::x509::CertificateError;
use crate::x509::verify::{NameCheck, Role, TrustStore};

/// `GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES`: a host name that is an
/// address is matched as a DNS name, never against iPAddress entries.
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES: u32 = 1 << 1;
/// `GNUTLS_CERT_INVALID`.
pub const GNUTLS_CERT_INVALID: u32 = 1 << 1;
/// `GNUTLS_CERT_REVOKED`.
pub const GNUTLS_CERT_REVOKED: u32 = 1 << 5;
/// `GNUTLS_CERT_SIGNER_NOT_FOUND`.
pub const GNUTLS_CERT_SIGNER_NOT_FOUND: u32 = 1 << 6;
/// `GNUTLS_CERT_NOT_ACTIVATED`.
pub const GNUTLS_CERT_NOT_ACTIVATED: u32 = 1 << 9;
/// `GNUTLS_CERT_EXPIRED`.
pub const GNUTLS_CERT_EXPIRED: u32 = 1 << 10;
/// `GNUTLS_CERT_SIGNATURE_FAILURE`.
pub const GNUTLS_CERT_SIGNATURE_FAILURE: u32 = 1 << 11;
/// `GNUTLS_CERT_UNEXPECTED_OWNER`.
pub const GNUTLS_CERT_UNEXPECTED_OWNER: u32 = 1 << 14;

fn bits(error: &CertificateError) -> u32 {
    GNUTLS_CERT_INVALID
        | match error {
            CertificateError::UnknownIssuer => GNUTLS_CERT_SIGNER_NOT_FOUND,
            CertificateError::Expired => GNUTLS_CERT_EXPIRED,
            CertificateError::NotYetValid => GNUTLS_CERT_NOT_ACTIVATED,
            CertificateError::NameMismatch => GNUTLS_CERT_UNEXPECTED_OWNER,
            CertificateError::BadSignature => GNUTLS_CERT_SIGNATURE_FAILURE,
            CertificateError::Revoked => GNUTLS_CERT_REVOKED,
            CertificateError::Bad(_) | CertificateError::Rejected => 0,
        }
}

/// The status of `peer`'s chain: checked against `trust` (and `hostname`
/// for a server's chain, as the `GNUTLS_VERIFY_*` `flags` say); `GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND`
/// without trust anchors or without a chain, as GnuTLS reports.
pub fn status(
    peer: Option<&PeerIdentity>,
    trust: Option<&TrustStore>,
    we_are_server: bool,
    hostname: Option<&str>,
    flags: u32,
) -> u32 {
    let Some(peer) = peer else {
        return GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
    };
    chain_status(&peer.chain, trust, !we_are_server, hostname, flags)
}

/// The status of `chain` (end-entity first), checked against `trust` for
/// a TLS server's purpose (`peer_is_server`) or a client's, and for
/// `hostname` as the `GNUTLS_VERIFY_*` `flags` say;
/// `GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND` without anchors or
/// without a chain, as GnuTLS reports.
pub fn chain_status(
    chain: &[Vec<u8>],
    trust: Option<&TrustStore>,
    peer_is_server: bool,
    hostname: Option<&str>,
    flags: u32,
) -> u32 {
    let Some(trust) = trust.filter(|_| !chain.is_empty()) else {
        return GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND;
    };
    let role = if !peer_is_server {
        Role::Client
    } else {
        Role::Server
    };
    let now = crate::tls::clock::now();
    let check = if flags & GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES != 0 {
        NameCheck::DnsOnly
    } else {
        NameCheck::Any
    };
    match trust.verify_name(chain, role, hostname, check, now) {
        Ok(()) => 0,
        Err(e) => bits(&e),
    }
}

/// The status recorded during the handshake, for callers without a hostname.
pub fn recorded(peer: &PeerIdentity) -> u32 {
    match &peer.verification {
        Verification::Verified => 0,
        Verification::Failed(e) => bits(e),
        Verification::NotChecked => GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND,
    }
}
