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
/// `GNUTLS_CERT_PURPOSE_MISMATCH`.
pub const GNUTLS_CERT_PURPOSE_MISMATCH: u32 = 1 << 18;

/// anyExtendedKeyUsage (RFC 5280 §4.2.1.12), `GNUTLS_KP_ANY`.
const ANY_PURPOSE: &str = "2.5.29.37.0";
/// `GNUTLS_KP_TLS_WWW_SERVER`.
const SERVER_PURPOSE: &str = "1.3.6.1.5.5.7.3.1";
/// Netscape's and VeriSign's server-gated-cryptography purposes, which old
/// CA certificates carry instead of the TLS server purpose.
const OLD_SERVER_PURPOSES: [&str; 2] = ["2.16.840.1.113730.4.1", "2.16.840.1.113733.1.8.1"];

/// Whether `cert` may serve `purpose` (dotted OID): it has no
/// extendedKeyUsage, or one naming the purpose, or (for an end entity,
/// `end_entity`) anyExtendedKeyUsage; a CA certificate may name an old
/// equivalent of the TLS server purpose. An unreadable one may not.
fn serves_purpose(cert: &[u8], purpose: &str, end_entity: bool) -> bool {
    let purposes = match crate::x509::fields::extended_key_usage(cert) {
        Ok(None) => return true,
        Ok(Some(purposes)) => purposes,
        Err(_) => return false,
    };
    purposes
        .iter()
        .map(|oid| crate::x509::dn::dotted(oid))
        .any(|oid| {
            oid == purpose
                || (end_entity && oid == ANY_PURPOSE)
                || (!end_entity
                    && purpose == SERVER_PURPOSE
                    && OLD_SERVER_PURPOSES.contains(&oid.as_str()))
        })
}

/// The bits a key purpose asked of `chain` (end-entity first) adds, as in
/// GnuTLS: `GNUTLS_CERT_PURPOSE_MISMATCH | GNUTLS_CERT_INVALID` unless
/// every certificate may serve it.
pub fn purpose_status(chain: &[Vec<u8>], purpose: &str) -> u32 {
    let served = chain
        .iter()
        .enumerate()
        .all(|(i, cert)| serves_purpose(cert, purpose, i == 0));
    if served {
        0
    } else {
        GNUTLS_CERT_PURPOSE_MISMATCH | GNUTLS_CERT_INVALID
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(name: &str) -> Vec<Vec<u8>> {
        let pem = std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        crate::x509::pem::certificates(&pem).unwrap()
    }

    #[test]
    fn a_purpose_the_extended_key_usage_lacks_is_a_mismatch() {
        let server = chain("server-ecdsa.pem");
        assert_eq!(purpose_status(&server, SERVER_PURPOSE), 0);
        assert_eq!(
            purpose_status(&server, "1.3.6.1.5.5.7.3.2"),
            GNUTLS_CERT_PURPOSE_MISMATCH | GNUTLS_CERT_INVALID
        );
        // The CA has no extendedKeyUsage: any purpose.
        let ca = chain("ca.pem");
        assert_eq!(purpose_status(&ca, "1.3.6.1.5.5.7.3.4"), 0);
        // Above the end entity, the CA counts too.
        let both = [server[0].clone(), ca[0].clone()];
        assert_eq!(purpose_status(&both, SERVER_PURPOSE), 0);
    }
}
