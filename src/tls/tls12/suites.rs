//! The TLS 1.2 cipher suites stepup offers: ECDHE with an AEAD, signed by
//! an ECDSA (or EdDSA, RFC 8422) or RSA certificate.

use crate::crypto::aead::AeadAlgorithm;
use crate::crypto::hash::HashAlgorithm;

/// How a suite's server authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// ECDSA or EdDSA certificates.
    Ecdsa,
    /// RSA certificates (rsaEncryption keys).
    Rsa,
}

/// A TLS 1.2 cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tls12Suite {
    /// TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 (0xC02B).
    EcdheEcdsaAes128Gcm,
    /// TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (0xC02C).
    EcdheEcdsaAes256Gcm,
    /// TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256 (0xCCA9).
    EcdheEcdsaChacha20,
    /// TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (0xC02F).
    EcdheRsaAes128Gcm,
    /// TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC030).
    EcdheRsaAes256Gcm,
    /// TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256 (0xCCA8).
    EcdheRsaChacha20,
}

impl Tls12Suite {
    /// Every suite, in stepup's default preference order (the AEAD order of
    /// the TLS 1.3 suites).
    pub const ALL: [Tls12Suite; 6] = [
        Self::EcdheEcdsaAes128Gcm,
        Self::EcdheRsaAes128Gcm,
        Self::EcdheEcdsaAes256Gcm,
        Self::EcdheRsaAes256Gcm,
        Self::EcdheEcdsaChacha20,
        Self::EcdheRsaChacha20,
    ];

    /// From the wire value, if stepup implements it.
    pub fn from_u16(v: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.to_u16() == v)
    }

    /// The wire value.
    pub fn to_u16(self) -> u16 {
        match self {
            Self::EcdheEcdsaAes128Gcm => 0xc02b,
            Self::EcdheEcdsaAes256Gcm => 0xc02c,
            Self::EcdheEcdsaChacha20 => 0xcca9,
            Self::EcdheRsaAes128Gcm => 0xc02f,
            Self::EcdheRsaAes256Gcm => 0xc030,
            Self::EcdheRsaChacha20 => 0xcca8,
        }
    }

    /// The hash of the PRF and of the Finished transcript.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::EcdheEcdsaAes256Gcm | Self::EcdheRsaAes256Gcm => HashAlgorithm::Sha384,
            _ => HashAlgorithm::Sha256,
        }
    }

    /// The record protection.
    pub fn aead(self) -> AeadAlgorithm {
        match self {
            Self::EcdheEcdsaAes128Gcm | Self::EcdheRsaAes128Gcm => AeadAlgorithm::Aes128Gcm,
            Self::EcdheEcdsaAes256Gcm | Self::EcdheRsaAes256Gcm => AeadAlgorithm::Aes256Gcm,
            Self::EcdheEcdsaChacha20 | Self::EcdheRsaChacha20 => AeadAlgorithm::Chacha20Poly1305,
        }
    }

    /// The kind of certificate the server needs.
    pub fn authentication(self) -> Authentication {
        match self {
            Self::EcdheEcdsaAes128Gcm | Self::EcdheEcdsaAes256Gcm | Self::EcdheEcdsaChacha20 => {
                Authentication::Ecdsa
            }
            _ => Authentication::Rsa,
        }
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            Self::EcdheEcdsaAes128Gcm => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            Self::EcdheEcdsaAes256Gcm => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            Self::EcdheEcdsaChacha20 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            Self::EcdheRsaAes128Gcm => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            Self::EcdheRsaAes256Gcm => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            Self::EcdheRsaChacha20 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_out_of_scope() {
        for s in Tls12Suite::ALL {
            assert_eq!(Tls12Suite::from_u16(s.to_u16()), Some(s));
        }
        // CBC, RSA key exchange, finite-field DHE: not offered.
        for v in [0xc013, 0x009c, 0x009e, 0x002f] {
            assert_eq!(Tls12Suite::from_u16(v), None);
        }
        assert_eq!(Tls12Suite::EcdheRsaAes256Gcm.hash(), HashAlgorithm::Sha384);
        assert_eq!(
            Tls12Suite::EcdheEcdsaChacha20.authentication(),
            Authentication::Ecdsa
        );
    }
}
