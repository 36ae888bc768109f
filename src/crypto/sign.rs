//! Signing with our own private keys (ring), and the TLS 1.3 signature
//! schemes. Verifying a peer's signature goes through the peer's
//! certificate (`crate::x509`), so the key comes from a parsed certificate.

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};

/// TLS SignatureScheme values (RFC 8446 §4.2.3).
pub mod scheme {
    /// rsa_pkcs1_sha256: certificates only in TLS 1.3.
    pub const RSA_PKCS1_SHA256: u16 = 0x0401;
    /// rsa_pkcs1_sha384: certificates only.
    pub const RSA_PKCS1_SHA384: u16 = 0x0501;
    /// rsa_pkcs1_sha512: certificates only.
    pub const RSA_PKCS1_SHA512: u16 = 0x0601;
    /// ecdsa_secp256r1_sha256.
    pub const ECDSA_SECP256R1_SHA256: u16 = 0x0403;
    /// ecdsa_secp384r1_sha384.
    pub const ECDSA_SECP384R1_SHA384: u16 = 0x0503;
    /// rsa_pss_rsae_sha256.
    pub const RSA_PSS_RSAE_SHA256: u16 = 0x0804;
    /// rsa_pss_rsae_sha384.
    pub const RSA_PSS_RSAE_SHA384: u16 = 0x0805;
    /// rsa_pss_rsae_sha512.
    pub const RSA_PSS_RSAE_SHA512: u16 = 0x0806;
    /// ed25519.
    pub const ED25519: u16 = 0x0807;
    /// rsa_pss_pss_sha256.
    pub const RSA_PSS_PSS_SHA256: u16 = 0x0809;
    /// rsa_pss_pss_sha384.
    pub const RSA_PSS_PSS_SHA384: u16 = 0x080a;
    /// rsa_pss_pss_sha512.
    pub const RSA_PSS_PSS_SHA512: u16 = 0x080b;
}

/// The schemes a TLS 1.3 CertificateVerify may use that stepup verifies, in
/// preference order (PKCS#1 v1.5 is excluded: RFC 8446 §4.2.3).
pub const HANDSHAKE_SCHEMES: &[u16] = &[
    scheme::ECDSA_SECP256R1_SHA256,
    scheme::ECDSA_SECP384R1_SHA384,
    scheme::ED25519,
    scheme::RSA_PSS_RSAE_SHA256,
    scheme::RSA_PSS_RSAE_SHA384,
    scheme::RSA_PSS_RSAE_SHA512,
    scheme::RSA_PSS_PSS_SHA256,
    scheme::RSA_PSS_PSS_SHA384,
    scheme::RSA_PSS_PSS_SHA512,
];

/// The schemes a TLS 1.2 ServerKeyExchange or CertificateVerify may use
/// that stepup verifies: TLS 1.3's, and RSA PKCS#1 v1.5, which TLS 1.2
/// still allows (RFC 5246 §7.4.1.4.1).
pub const TLS12_HANDSHAKE_SCHEMES: &[u16] = &[
    scheme::ECDSA_SECP256R1_SHA256,
    scheme::ECDSA_SECP384R1_SHA384,
    scheme::ED25519,
    scheme::RSA_PSS_RSAE_SHA256,
    scheme::RSA_PSS_RSAE_SHA384,
    scheme::RSA_PSS_RSAE_SHA512,
    scheme::RSA_PSS_PSS_SHA256,
    scheme::RSA_PSS_PSS_SHA384,
    scheme::RSA_PSS_PSS_SHA512,
    scheme::RSA_PKCS1_SHA256,
    scheme::RSA_PKCS1_SHA384,
    scheme::RSA_PKCS1_SHA512,
];

/// The schemes accepted in certificate signatures (signature_algorithms_cert).
pub const CERTIFICATE_SCHEMES: &[u16] = &[
    scheme::ECDSA_SECP256R1_SHA256,
    scheme::ECDSA_SECP384R1_SHA384,
    scheme::ED25519,
    scheme::RSA_PSS_RSAE_SHA256,
    scheme::RSA_PSS_RSAE_SHA384,
    scheme::RSA_PSS_RSAE_SHA512,
    scheme::RSA_PKCS1_SHA256,
    scheme::RSA_PKCS1_SHA384,
    scheme::RSA_PKCS1_SHA512,
];

/// A private key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// The key is in a format or algorithm stepup does not support.
    #[error("unsupported private key: {0}")]
    Unsupported(&'static str),
    /// An RSA key shorter than the 2048 bits ring signs with.
    #[error("RSA key too small: stepup signs with RSA keys of 2048 bits or more")]
    TooSmall,
    /// Signing failed.
    #[error("signing failed")]
    Sign,
}

/// ring's name for an RSA key under its minimum size.
fn rsa_rejected(e: &ring::error::KeyRejected) -> KeyError {
    if e.to_string() == "TooSmall" {
        KeyError::TooSmall
    } else {
        KeyError::Unsupported("invalid RSA key")
    }
}

/// A big-endian scalar at exactly `length` bytes: leading zero bytes
/// dropped or added; `None` when it does not fit.
fn fixed_length(scalar: &[u8], length: usize) -> Option<zeroize::Zeroizing<Vec<u8>>> {
    let start = scalar.iter().position(|b| *b != 0).unwrap_or(scalar.len());
    let digits = scalar.get(start..)?;
    let padding = length.checked_sub(digits.len())?;
    let mut out = zeroize::Zeroizing::new(vec![0; padding]);
    out.extend_from_slice(digits);
    Some(out)
}

/// The algorithm of a private key.
enum Key {
    EcdsaP256(EcdsaKeyPair),
    EcdsaP384(EcdsaKeyPair),
    Ed25519(Ed25519KeyPair),
    Rsa(RsaKeyPair),
    /// An id-RSASSA-PSS key: the rsa_pss_pss schemes its parameters allow.
    RsaPss(RsaKeyPair, &'static [u16]),
}

/// A private key that signs CertificateVerify messages.
pub struct SigningKey {
    key: Key,
}

impl SigningKey {
    /// A key from PKCS#8 DER (`-----BEGIN PRIVATE KEY-----`): ECDSA P-256 or
    /// P-384, Ed25519, or RSA.
    pub fn from_pkcs8(der: &[u8]) -> Result<Self, KeyError> {
        let rng = SystemRandom::new();
        let key = if let Ok(k) =
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, der, &rng)
        {
            Key::EcdsaP256(k)
        } else if let Ok(k) =
            EcdsaKeyPair::from_pkcs8(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, der, &rng)
        {
            Key::EcdsaP384(k)
        } else if let Ok(k) = Ed25519KeyPair::from_pkcs8_maybe_unchecked(der) {
            Key::Ed25519(k)
        } else if let Some((rsa, schemes)) = crate::x509::rsa_pss::pkcs8(der) {
            if schemes.is_empty() {
                return Err(KeyError::Unsupported(
                    "RSA-PSS key bound to a hash TLS 1.3 does not sign with",
                ));
            }
            Key::RsaPss(
                RsaKeyPair::from_der(rsa).map_err(|e| rsa_rejected(&e))?,
                schemes,
            )
        } else {
            match RsaKeyPair::from_pkcs8(der) {
                Ok(k) => Key::Rsa(k),
                Err(e) if e.to_string() == "TooSmall" => return Err(KeyError::TooSmall),
                Err(_) => {
                    return Err(KeyError::Unsupported(
                        "PKCS#8 key of an unsupported algorithm",
                    ));
                }
            }
        };
        Ok(Self { key })
    }

    /// An RSA key from PKCS#1 DER (`-----BEGIN RSA PRIVATE KEY-----`).
    pub fn from_pkcs1_rsa(der: &[u8]) -> Result<Self, KeyError> {
        RsaKeyPair::from_der(der)
            .map(|k| Self { key: Key::Rsa(k) })
            .map_err(|e| rsa_rejected(&e))
    }

    /// An ECDSA P-256 or P-384 key from SEC 1 DER (`-----BEGIN EC PRIVATE
    /// KEY-----`), which must name its curve and carry its public key. A
    /// scalar written with a leading zero byte, as GnuTLS writes some, is
    /// taken at the curve's length.
    pub fn from_sec1(der: &[u8]) -> Result<Self, KeyError> {
        use sec1::der::Decode;
        const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
        const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
        let parsed = sec1::EcPrivateKey::from_der(der)
            .map_err(|_| KeyError::Unsupported("invalid SEC1 EC key"))?;
        let curve = parsed
            .parameters
            .and_then(|p| p.named_curve())
            .ok_or(KeyError::Unsupported("SEC1 EC key without a named curve"))?;
        let (alg, length) = match curve.as_bytes() {
            P256 => (&signature::ECDSA_P256_SHA256_ASN1_SIGNING, 32),
            P384 => (&signature::ECDSA_P384_SHA384_ASN1_SIGNING, 48),
            _ => {
                return Err(KeyError::Unsupported(
                    "EC key on a curve stepup does not sign with",
                ));
            }
        };
        let public = parsed
            .public_key
            .ok_or(KeyError::Unsupported("SEC1 EC key without its public key"))?;
        let scalar = fixed_length(parsed.private_key, length)
            .ok_or(KeyError::Unsupported("SEC1 EC key of the wrong length"))?;
        let key = EcdsaKeyPair::from_private_key_and_public_key(
            alg,
            &scalar,
            public,
            &SystemRandom::new(),
        )
        .map_err(|_| KeyError::Unsupported("invalid SEC1 EC key"))?;
        Ok(Self {
            key: if length == 32 {
                Key::EcdsaP256(key)
            } else {
                Key::EcdsaP384(key)
            },
        })
    }

    /// The schemes this key can sign with, in our preference order.
    pub fn schemes(&self) -> &'static [u16] {
        match self.key {
            Key::EcdsaP256(_) => &[scheme::ECDSA_SECP256R1_SHA256],
            Key::EcdsaP384(_) => &[scheme::ECDSA_SECP384R1_SHA384],
            Key::Ed25519(_) => &[scheme::ED25519],
            Key::Rsa(_) => &[
                scheme::RSA_PSS_RSAE_SHA256,
                scheme::RSA_PSS_RSAE_SHA384,
                scheme::RSA_PSS_RSAE_SHA512,
            ],
            Key::RsaPss(_, schemes) => schemes,
        }
    }

    /// The schemes this key signs a TLS 1.2 ServerKeyExchange with, in our
    /// preference order: as for TLS 1.3, and PKCS#1 v1.5 for RSA, which
    /// TLS 1.2 still allows (RFC 5246 §7.4.1.4.1) and older clients need.
    pub fn tls12_schemes(&self) -> &'static [u16] {
        match self.key {
            Key::Rsa(_) => &[
                scheme::RSA_PSS_RSAE_SHA256,
                scheme::RSA_PSS_RSAE_SHA384,
                scheme::RSA_PSS_RSAE_SHA512,
                scheme::RSA_PKCS1_SHA256,
                scheme::RSA_PKCS1_SHA384,
                scheme::RSA_PKCS1_SHA512,
            ],
            _ => self.schemes(),
        }
    }

    /// The first of our schemes the peer accepts.
    pub fn choose_scheme(&self, peer_accepts: &[u16]) -> Option<u16> {
        self.schemes()
            .iter()
            .copied()
            .find(|s| peer_accepts.contains(s))
    }

    /// The key's algorithm and size in bits.
    pub fn info(&self) -> crate::x509::key_info::KeyInfo {
        use crate::x509::key_info::{KeyInfo, KeyKind};
        let (kind, bits) = match &self.key {
            Key::EcdsaP256(_) => (KeyKind::Ec, 256),
            Key::EcdsaP384(_) => (KeyKind::Ec, 384),
            Key::Ed25519(_) => (KeyKind::Ed25519, 256),
            Key::Rsa(k) => (
                KeyKind::Rsa,
                u32::try_from(k.public().modulus_len() * 8).unwrap_or(0),
            ),
            Key::RsaPss(k, _) => (
                KeyKind::RsaPss,
                u32::try_from(k.public().modulus_len() * 8).unwrap_or(0),
            ),
        };
        KeyInfo { kind, bits }
    }

    /// The public key (the raw bytes ring exports; compared with a
    /// certificate's key to catch a mismatched pair).
    pub fn public_key(&self) -> &[u8] {
        match &self.key {
            Key::EcdsaP256(k) | Key::EcdsaP384(k) => k.public_key().as_ref(),
            Key::Ed25519(k) => k.public_key().as_ref(),
            Key::Rsa(k) | Key::RsaPss(k, _) => k.public_key().as_ref(),
        }
    }

    /// Signs `message` with `scheme` (one of `schemes()`).
    pub fn sign(&self, scheme_id: u16, message: &[u8]) -> Result<Vec<u8>, KeyError> {
        let rng = SystemRandom::new();
        match (&self.key, scheme_id) {
            (Key::EcdsaP256(k), scheme::ECDSA_SECP256R1_SHA256)
            | (Key::EcdsaP384(k), scheme::ECDSA_SECP384R1_SHA384) => k
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| KeyError::Sign),
            (Key::Ed25519(k), scheme::ED25519) => Ok(k.sign(message).as_ref().to_vec()),
            (Key::Rsa(k), s) | (Key::RsaPss(k, _), s) => {
                // An rsaEncryption key signs with rsa_pss_rsae (and, in a
                // TLS 1.2 ServerKeyExchange, PKCS#1 v1.5), an RSA-PSS key
                // with the rsa_pss_pss schemes it allows (RFC 8446 §4.2.3).
                if !self.tls12_schemes().contains(&s) {
                    return Err(KeyError::Unsupported(
                        "scheme not available for this RSA key",
                    ));
                }
                let padding: &'static dyn signature::RsaEncoding = match s {
                    scheme::RSA_PSS_RSAE_SHA256 | scheme::RSA_PSS_PSS_SHA256 => {
                        &signature::RSA_PSS_SHA256
                    }
                    scheme::RSA_PSS_RSAE_SHA384 | scheme::RSA_PSS_PSS_SHA384 => {
                        &signature::RSA_PSS_SHA384
                    }
                    scheme::RSA_PSS_RSAE_SHA512 | scheme::RSA_PSS_PSS_SHA512 => {
                        &signature::RSA_PSS_SHA512
                    }
                    scheme::RSA_PKCS1_SHA256 => &signature::RSA_PKCS1_SHA256,
                    scheme::RSA_PKCS1_SHA384 => &signature::RSA_PKCS1_SHA384,
                    scheme::RSA_PKCS1_SHA512 => &signature::RSA_PKCS1_SHA512,
                    _ => return Err(KeyError::Unsupported("scheme not available for an RSA key")),
                };
                let mut sig = vec![0u8; k.public().modulus_len()];
                k.sign(padding, &rng, message, &mut sig)
                    .map_err(|_| KeyError::Sign)?;
                Ok(sig)
            }
            _ => Err(KeyError::Unsupported("scheme does not match the key")),
        }
    }
}
