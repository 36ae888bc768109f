//! Verifying a peer's certificate chain, name, and handshake signature.

use std::time::Duration;

use rustls_pki_types::{
    CertificateDer, DnsName, ServerName, SignatureVerificationAlgorithm, TrustAnchor, UnixTime,
};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, KeyUsage, OwnedCertRevocationList,
    RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};

use super::CertificateError;
#[cfg(test)]
use super::verify_cache;
use super::verify_cache::{Question, VerifyCache, common_validity};
use crate::crypto::sign::scheme;

/// Signature algorithms accepted in certificate chains.
static CHAIN_ALGORITHMS: &[&dyn SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// The verification algorithm of a TLS 1.3 handshake signature scheme.
fn handshake_algorithm(scheme_id: u16) -> Option<&'static dyn SignatureVerificationAlgorithm> {
    Some(match scheme_id {
        scheme::ECDSA_SECP256R1_SHA256 => webpki::ring::ECDSA_P256_SHA256,
        scheme::ECDSA_SECP384R1_SHA384 => webpki::ring::ECDSA_P384_SHA384,
        scheme::ED25519 => webpki::ring::ED25519,
        scheme::RSA_PSS_RSAE_SHA256 => webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
        scheme::RSA_PSS_RSAE_SHA384 => webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
        scheme::RSA_PSS_RSAE_SHA512 => webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
        _ => return None,
    })
}

/// Which end of the connection a certificate authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A server certificate (extended key usage serverAuth).
    Server,
    /// A client certificate (extended key usage clientAuth).
    Client,
}

/// Trust anchors and the revocation lists to check chains against, owned.
pub struct TrustStore {
    anchors: Vec<TrustAnchor<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    verified: VerifyCache,
}

/// Whether `der` is a certificate revocation list webpki can use.
pub fn check_crl(der: &[u8]) -> Result<(), CertificateError> {
    OwnedCertRevocationList::from_der(der)
        .map(|_| ())
        .map_err(|e| CertificateError::Bad(format!("CRL: {e:?}")))
}

impl TrustStore {
    /// Anchors from DER CA certificates; certificates that are not usable as
    /// anchors are reported.
    pub fn from_certificates(certs: &[Vec<u8>]) -> Result<Self, CertificateError> {
        Self::with_crls(certs, &[])
    }

    /// Anchors from DER CA certificates, and DER revocation lists: a chain
    /// with a certificate that a CRL of its issuer lists is revoked. A
    /// certificate whose issuer has no CRL here is not checked.
    pub fn with_crls(certs: &[Vec<u8>], crls: &[Vec<u8>]) -> Result<Self, CertificateError> {
        let crls = crls
            .iter()
            .map(|der| {
                OwnedCertRevocationList::from_der(der)
                    .map(CertRevocationList::from)
                    .map_err(|e| CertificateError::Bad(format!("CRL: {e:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let anchors = certs
            .iter()
            .map(|der| {
                webpki::anchor_from_trusted_cert(&CertificateDer::from(der.as_slice()))
                    .map(|a| a.to_owned())
                    .map_err(|e| CertificateError::Bad(format!("trust anchor: {e:?}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            anchors,
            crls,
            verified: VerifyCache::default(),
        })
    }

    /// The anchors' subjects as DER Names, in order: what a server lists
    /// in certificate_authorities.
    pub fn subject_names(&self) -> Vec<Vec<u8>> {
        self.anchors
            .iter()
            .map(|a| super::authorities::name_der(a.subject.as_ref()))
            .collect()
    }

    /// How many anchors.
    pub fn len(&self) -> usize {
        self.anchors.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }

    /// Verifies `chain` (end-entity first) for `role` at `now_secs` (Unix
    /// time), and for a server the `name` (DNS name or IP address; with
    /// `NameCheck::DnsOnly` an address is taken as a DNS name, so no
    /// iPAddress entry matches it).
    pub fn verify(
        &self,
        chain: &[Vec<u8>],
        role: Role,
        name: Option<&str>,
        now_secs: u64,
    ) -> Result<(), CertificateError> {
        self.verify_name(chain, role, name, NameCheck::Any, now_secs)
    }

    /// `verify` with the kind of name match given.
    pub fn verify_name(
        &self,
        chain: &[Vec<u8>],
        role: Role,
        name: Option<&str>,
        check: NameCheck,
        now_secs: u64,
    ) -> Result<(), CertificateError> {
        let question = Question::new(chain, role, name, check);
        if self.verified.verified(&question, now_secs) {
            return Ok(());
        }
        self.verify_uncached(chain, role, name, check, now_secs)?;
        if let Some(window) = common_validity(chain) {
            self.verified.remember(question, window);
        }
        Ok(())
    }

    /// `verify_name` without the cache.
    fn verify_uncached(
        &self,
        chain: &[Vec<u8>],
        role: Role,
        name: Option<&str>,
        check: NameCheck,
        now_secs: u64,
    ) -> Result<(), CertificateError> {
        let (leaf, intermediates) = chain
            .split_first()
            .ok_or_else(|| CertificateError::Bad("empty chain".into()))?;
        let leaf_der = CertificateDer::from(leaf.as_slice());
        let ee = EndEntityCert::try_from(&leaf_der)
            .map_err(|e| CertificateError::Bad(format!("{e:?}")))?;
        let intermediates: Vec<CertificateDer<'_>> = intermediates
            .iter()
            .map(|c| CertificateDer::from(c.as_slice()))
            .collect();
        let usage = match role {
            Role::Server => KeyUsage::server_auth(),
            Role::Client => KeyUsage::client_auth(),
        };
        let now = UnixTime::since_unix_epoch(Duration::from_secs(now_secs));
        // Every certificate of the chain is looked up in its issuer's CRL,
        // if there is one (GnuTLS checks what it has, and only that).
        let crls: Vec<&CertRevocationList<'_>> = self.crls.iter().collect();
        let revocation = RevocationOptionsBuilder::new(&crls).ok().map(|options| {
            options
                .with_depth(RevocationCheckDepth::Chain)
                .with_status_policy(UnknownStatusPolicy::Allow)
                .with_expiration_policy(ExpirationPolicy::Ignore)
                .build()
        });
        ee.verify_for_usage(
            CHAIN_ALGORITHMS,
            &self.anchors,
            &intermediates,
            now,
            usage,
            revocation,
            None,
        )
        .map_err(map_webpki)?;
        if let Some(name) = name {
            let server_name = match check {
                NameCheck::Any => ServerName::try_from(name)
                    .map_err(|_| CertificateError::Bad("invalid name".into()))?,
                // An address is no DNS name: nothing can match it.
                NameCheck::DnsOnly => DnsName::try_from(name)
                    .map(ServerName::DnsName)
                    .map_err(|_| CertificateError::NameMismatch)?,
            };
            ee.verify_is_valid_for_subject_name(&server_name)
                .map_err(map_webpki)?;
        }
        Ok(())
    }
}

/// How a server's name is matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameCheck {
    /// DNS names against dNSName entries, addresses against iPAddress ones.
    Any,
    /// Everything as a DNS name (GnuTLS's `GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES`).
    DnsOnly,
}

fn map_webpki(e: webpki::Error) -> CertificateError {
    match e {
        webpki::Error::UnknownIssuer => CertificateError::UnknownIssuer,
        webpki::Error::CertExpired { .. } => CertificateError::Expired,
        webpki::Error::CertNotValidYet { .. } => CertificateError::NotYetValid,
        webpki::Error::CertNotValidForName(_) => CertificateError::NameMismatch,
        webpki::Error::CertRevoked => CertificateError::Revoked,
        other => CertificateError::Bad(format!("{other:?}")),
    }
}

/// A handshake signature that does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadSignature;

/// Verifies a handshake signature (`message` signed with `scheme_id`) with
/// the public key of the DER certificate `leaf`. `BadSignature` for a bad
/// signature, a scheme not allowed in TLS 1.3 handshakes, or a scheme that
/// does not fit the key.
pub fn verify_signature(
    leaf: &[u8],
    scheme_id: u16,
    message: &[u8],
    signature: &[u8],
) -> Result<(), BadSignature> {
    if matches!(
        scheme_id,
        scheme::RSA_PSS_PSS_SHA256 | scheme::RSA_PSS_PSS_SHA384 | scheme::RSA_PSS_PSS_SHA512
    ) {
        // webpki matches keys by their exact algorithm identifier and has
        // none for id-RSASSA-PSS keys: ring verifies with the key itself.
        let spki = super::fields::spki(leaf).map_err(|_| BadSignature)?;
        return super::rsa_pss::verifies(spki, scheme_id, message, signature)
            .then_some(())
            .ok_or(BadSignature);
    }
    let algorithm = handshake_algorithm(scheme_id).ok_or(BadSignature)?;
    verify_with_one_of(leaf, &[algorithm], message, signature)
}

/// Whether one of `algorithms` verifies `signature` over `message` with the
/// key of `leaf`. webpki reads certificates of at most 64 KiB; a larger one
/// (a long list of names, say) is checked with the key of its
/// SubjectPublicKeyInfo, whose algorithm must be the one each verifier
/// expects, as webpki would demand.
fn verify_with_one_of(
    leaf: &[u8],
    algorithms: &[&'static dyn SignatureVerificationAlgorithm],
    message: &[u8],
    signature: &[u8],
) -> Result<(), BadSignature> {
    let der = CertificateDer::from(leaf);
    let verified = match EndEntityCert::try_from(&der) {
        Ok(ee) => algorithms
            .iter()
            .any(|algorithm| ee.verify_signature(*algorithm, message, signature).is_ok()),
        Err(_) => {
            let spki = super::fields::spki(leaf).map_err(|_| BadSignature)?;
            let (algorithm_id, key) =
                super::key_info::spki_parts(spki).map_err(|_| BadSignature)?;
            algorithms.iter().any(|algorithm| {
                algorithm.public_key_alg_id().as_ref() == algorithm_id
                    && algorithm.verify_signature(key, message, signature).is_ok()
            })
        }
    };
    verified.then_some(()).ok_or(BadSignature)
}

/// Checks a TLS 1.2 ServerKeyExchange (or CertificateVerify) signature: as
/// `verify_signature`, except that TLS 1.2's ECDSA code points name only
/// the hash (any curve may sign with it) and that RSA PKCS#1 v1.5 is
/// allowed (RFC 5246 §7.4.1.4.1, RFC 8422 §5.10).
pub fn verify_signature_tls12(
    leaf: &[u8],
    scheme_id: u16,
    message: &[u8],
    signature: &[u8],
) -> Result<(), BadSignature> {
    let candidates: &[&'static dyn SignatureVerificationAlgorithm] = match scheme_id {
        scheme::ECDSA_SECP256R1_SHA256 => &[
            webpki::ring::ECDSA_P256_SHA256,
            webpki::ring::ECDSA_P384_SHA256,
        ],
        scheme::ECDSA_SECP384R1_SHA384 => &[
            webpki::ring::ECDSA_P384_SHA384,
            webpki::ring::ECDSA_P256_SHA384,
        ],
        scheme::RSA_PKCS1_SHA256 => &[webpki::ring::RSA_PKCS1_2048_8192_SHA256],
        scheme::RSA_PKCS1_SHA384 => &[webpki::ring::RSA_PKCS1_2048_8192_SHA384],
        scheme::RSA_PKCS1_SHA512 => &[webpki::ring::RSA_PKCS1_2048_8192_SHA512],
        _ => return verify_signature(leaf, scheme_id, message, signature),
    };
    verify_with_one_of(leaf, candidates, message, signature)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::pem;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    fn store() -> TrustStore {
        TrustStore::from_certificates(&pem::certificates(&fixture("ca.pem")).unwrap()).unwrap()
    }

    const NOW: u64 = 1_800_000_000; // 2027

    #[test]
    fn verifies_server_and_client_chains_of_every_key_type() {
        let store = store();
        for kind in ["rsa", "ecdsa", "ed25519", "p384", "rsa-pss"] {
            let server = pem::certificates(&fixture(&format!("server-{kind}.pem"))).unwrap();
            store
                .verify(&server, Role::Server, Some("localhost"), NOW)
                .unwrap();
            store
                .verify(&server, Role::Server, Some("127.0.0.1"), NOW)
                .unwrap();
            let client = pem::certificates(&fixture(&format!("client-{kind}.pem"))).unwrap();
            store.verify(&client, Role::Client, None, NOW).unwrap();
            let key = pem::private_key(&fixture(&format!("client-{kind}.key"))).unwrap();
            let scheme = key.schemes()[0];
            let sig = key.sign(scheme, b"t").unwrap();
            assert!(
                verify_signature(&client[0], scheme, b"t", &sig).is_ok(),
                "{kind}"
            );
        }
    }

    #[test]
    fn rejects_wrong_name_wrong_usage_unknown_issuer_and_expiry() {
        let store = store();
        let server = pem::certificates(&fixture("server-ecdsa.pem")).unwrap();
        assert!(matches!(
            store.verify(&server, Role::Server, Some("example.org"), NOW),
            Err(CertificateError::NameMismatch)
        ));
        let client = pem::certificates(&fixture("client-ecdsa.pem")).unwrap();
        assert!(
            store.verify(&client, Role::Server, None, NOW).is_err(),
            "a client cert is no server cert"
        );
        let stranger = pem::certificates(&fixture("stranger.pem")).unwrap();
        assert_eq!(
            store.verify(&stranger, Role::Client, None, NOW),
            Err(CertificateError::UnknownIssuer)
        );
        assert_eq!(
            store.verify(&client, Role::Client, None, 5_000_000_000),
            Err(CertificateError::Expired)
        );
        assert!(store.verify(&[], Role::Client, None, NOW).is_err());
    }

    #[test]
    fn a_remembered_verification_answers_only_the_same_question_inside_the_validity() {
        let store = store();
        let server = pem::certificates(&fixture("server-ecdsa.pem")).unwrap();
        let (from, until) = verify_cache::common_validity(&server).unwrap();
        let (from, until) = (u64::try_from(from).unwrap(), u64::try_from(until).unwrap());
        assert!(from < NOW && NOW < until);
        store
            .verify(&server, Role::Server, Some("localhost"), NOW)
            .unwrap();
        // Remembered: the same question at another time inside the window.
        let question = Question::new(&server, Role::Server, Some("localhost"), NameCheck::Any);
        assert!(store.verified.verified(&question, NOW + 1));
        store
            .verify(&server, Role::Server, Some("localhost"), from)
            .unwrap();
        // Outside the window the chain is checked again, and fails.
        assert_eq!(
            store.verify(&server, Role::Server, Some("localhost"), until + 1),
            Err(CertificateError::Expired)
        );
        assert_eq!(
            store.verify(&server, Role::Server, Some("localhost"), from - 1),
            Err(CertificateError::NotYetValid)
        );
        // Another name, role, kind of match or chain is another question.
        assert_eq!(
            store.verify(&server, Role::Server, Some("example.org"), NOW),
            Err(CertificateError::NameMismatch)
        );
        assert!(store.verify(&server, Role::Client, None, NOW).is_err());
        assert!(!store.verified.verified(
            &Question::new(&server, Role::Server, Some("localhost"), NameCheck::DnsOnly),
            NOW
        ));
        let mut tampered = server.clone();
        let last = tampered[0].len() - 1;
        tampered[0][last] ^= 1;
        assert!(
            store
                .verify(&tampered, Role::Server, Some("localhost"), NOW)
                .is_err()
        );
        // Another store knows nothing of what this one verified.
        assert!(!store_other().verified.verified(&question, NOW));
        // Failures are never remembered.
        let stranger = pem::certificates(&fixture("stranger.pem")).unwrap();
        for _ in 0..2 {
            assert_eq!(
                store.verify(&stranger, Role::Client, None, NOW),
                Err(CertificateError::UnknownIssuer)
            );
        }
    }

    fn store_other() -> TrustStore {
        store()
    }

    #[test]
    fn signatures_from_our_keys_verify_against_their_certificates() {
        for kind in ["rsa", "ecdsa", "ed25519", "rsa-pss"] {
            let key = pem::private_key(&fixture(&format!("client-{kind}.key"))).unwrap();
            let cert = pem::certificates(&fixture(&format!("client-{kind}.pem")))
                .unwrap()
                .remove(0);
            for &scheme_id in key.schemes() {
                let sig = key.sign(scheme_id, b"transcript").unwrap();
                assert!(
                    verify_signature(&cert, scheme_id, b"transcript", &sig).is_ok(),
                    "{kind} {scheme_id:#x}"
                );
                assert!(verify_signature(&cert, scheme_id, b"other", &sig).is_err());
            }
            // PKCS#1 v1.5 is never accepted in a handshake signature.
            assert!(
                verify_signature(&cert, scheme::RSA_PKCS1_SHA256, b"transcript", &[0; 256])
                    .is_err()
            );
        }
    }

    #[test]
    fn rsa_pss_keys_sign_with_rsa_pss_pss_only_and_as_their_parameters_allow() {
        // No parameters: the three rsa_pss_pss schemes; parameters naming
        // SHA-256: that one only.
        for (kind, schemes) in [
            (
                "server",
                &[
                    scheme::RSA_PSS_PSS_SHA256,
                    scheme::RSA_PSS_PSS_SHA384,
                    scheme::RSA_PSS_PSS_SHA512,
                ][..],
            ),
            ("client", &[scheme::RSA_PSS_PSS_SHA256]),
        ] {
            let key = pem::private_key(&fixture(&format!("{kind}-rsa-pss.key"))).unwrap();
            assert_eq!(key.schemes(), schemes, "{kind}");
            assert!(key.sign(scheme::RSA_PSS_RSAE_SHA256, b"m").is_err());
            let cert = pem::certificates(&fixture(&format!("{kind}-rsa-pss.pem")))
                .unwrap()
                .remove(0);
            // The same key signing (through ring directly) with each hash:
            // accepted only for the schemes its parameters allow.
            let pkcs8 = <rustls_pki_types::PrivateKeyDer as rustls_pki_types::pem::PemObject>::from_pem_slice(&fixture(&format!(
                "{kind}-rsa-pss.key"
            )))
            .unwrap();
            let (inner, _) = crate::x509::rsa_pss::pkcs8(pkcs8.secret_der()).unwrap();
            let raw = ring::signature::RsaKeyPair::from_der(inner).unwrap();
            for (s, padding) in [
                (scheme::RSA_PSS_PSS_SHA256, &ring::signature::RSA_PSS_SHA256),
                (scheme::RSA_PSS_PSS_SHA384, &ring::signature::RSA_PSS_SHA384),
                (scheme::RSA_PSS_PSS_SHA512, &ring::signature::RSA_PSS_SHA512),
            ] {
                let mut sig = vec![0; raw.public().modulus_len()];
                raw.sign(padding, &ring::rand::SystemRandom::new(), b"m", &mut sig)
                    .unwrap();
                assert_eq!(
                    verify_signature(&cert, s, b"m", &sig).is_ok(),
                    schemes.contains(&s),
                    "{kind} {s:#x}"
                );
            }
            // An rsaEncryption key's signature is no rsa_pss_pss one.
            let rsa = pem::private_key(&fixture(&format!("{kind}-rsa.key"))).unwrap();
            let rsa_cert = pem::certificates(&fixture(&format!("{kind}-rsa.pem")))
                .unwrap()
                .remove(0);
            let sig = rsa.sign(scheme::RSA_PSS_RSAE_SHA256, b"m").unwrap();
            assert!(verify_signature(&rsa_cert, scheme::RSA_PSS_PSS_SHA256, b"m", &sig).is_err());
            assert!(verify_signature(&cert, scheme::RSA_PSS_RSAE_SHA256, b"m", &sig).is_err());
        }
    }

    #[test]
    fn a_key_signs_only_with_its_own_schemes() {
        let key = pem::private_key(&fixture("server-ecdsa.key")).unwrap();
        assert!(key.sign(scheme::ED25519, b"x").is_err());
        assert_eq!(
            key.choose_scheme(&[scheme::RSA_PSS_RSAE_SHA256, scheme::ECDSA_SECP256R1_SHA256]),
            Some(scheme::ECDSA_SECP256R1_SHA256)
        );
        assert_eq!(key.choose_scheme(&[scheme::ED25519]), None);
    }

    #[test]
    fn loading_rejects_garbage() {
        assert!(pem::certificates(b"not a pem").is_err());
        assert!(
            pem::private_key(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .is_err()
        );
        assert!(pem::private_key(b"").is_err());
    }
}
