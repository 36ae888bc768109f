//! The TLS 1.2 cipher suites stepup offers, all with an AEAD: ECDHE signed
//! by an ECDSA (or EdDSA, RFC 8422) or RSA certificate, and an external PSK
//! alone or with ECDHE (RFC 4279, RFC 5489, RFC 8442, RFC 7905).

use crate::crypto::aead::AeadAlgorithm;
use crate::crypto::hash::HashAlgorithm;

/// How a suite's server authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authentication {
    /// ECDSA or EdDSA certificates.
    Ecdsa,
    /// RSA certificates (rsaEncryption keys).
    Rsa,
    /// An external PSK, no certificate.
    Psk,
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
    /// TLS_PSK_WITH_AES_128_GCM_SHA256 (0x00A8).
    PskAes128Gcm,
    /// TLS_PSK_WITH_AES_256_GCM_SHA384 (0x00A9).
    PskAes256Gcm,
    /// TLS_PSK_WITH_CHACHA20_POLY1305_SHA256 (0xCCAB).
    PskChacha20,
    /// TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256 (0xD001).
    EcdhePskAes128Gcm,
    /// TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384 (0xD002).
    EcdhePskAes256Gcm,
    /// TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256 (0xCCAC).
    EcdhePskChacha20,
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

    /// The PSK suites: the PSK with ECDHE first, then alone.
    pub const PSK: [Tls12Suite; 6] = [
        Self::EcdhePskAes128Gcm,
        Self::EcdhePskAes256Gcm,
        Self::EcdhePskChacha20,
        Self::PskAes128Gcm,
        Self::PskAes256Gcm,
        Self::PskChacha20,
    ];

    /// From the wire value, if stepup implements it.
    pub fn from_u16(v: u16) -> Option<Self> {
        Self::ALL
            .into_iter()
            .chain(Self::PSK)
            .find(|s| s.to_u16() == v)
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
            Self::PskAes128Gcm => 0x00a8,
            Self::PskAes256Gcm => 0x00a9,
            Self::PskChacha20 => 0xccab,
            Self::EcdhePskAes128Gcm => 0xd001,
            Self::EcdhePskAes256Gcm => 0xd002,
            Self::EcdhePskChacha20 => 0xccac,
        }
    }

    /// The hash of the PRF and of the Finished transcript.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::EcdheEcdsaAes256Gcm
            | Self::EcdheRsaAes256Gcm
            | Self::PskAes256Gcm
            | Self::EcdhePskAes256Gcm => HashAlgorithm::Sha384,
            _ => HashAlgorithm::Sha256,
        }
    }

    /// The record protection.
    pub fn aead(self) -> AeadAlgorithm {
        match self {
            Self::EcdheEcdsaAes128Gcm
            | Self::EcdheRsaAes128Gcm
            | Self::PskAes128Gcm
            | Self::EcdhePskAes128Gcm => AeadAlgorithm::Aes128Gcm,
            Self::EcdheEcdsaAes256Gcm
            | Self::EcdheRsaAes256Gcm
            | Self::PskAes256Gcm
            | Self::EcdhePskAes256Gcm => AeadAlgorithm::Aes256Gcm,
            Self::EcdheEcdsaChacha20
            | Self::EcdheRsaChacha20
            | Self::PskChacha20
            | Self::EcdhePskChacha20 => AeadAlgorithm::Chacha20Poly1305,
        }
    }

    /// How the server authenticates: the kind of certificate, or the PSK.
    pub fn authentication(self) -> Authentication {
        match self {
            Self::EcdheEcdsaAes128Gcm | Self::EcdheEcdsaAes256Gcm | Self::EcdheEcdsaChacha20 => {
                Authentication::Ecdsa
            }
            Self::EcdheRsaAes128Gcm | Self::EcdheRsaAes256Gcm | Self::EcdheRsaChacha20 => {
                Authentication::Rsa
            }
            _ => Authentication::Psk,
        }
    }

    /// Whether the key exchange has an ECDHE part (all but plain PSK).
    pub fn ecdhe(self) -> bool {
        !matches!(
            self,
            Self::PskAes128Gcm | Self::PskAes256Gcm | Self::PskChacha20
        )
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
            Self::PskAes128Gcm => "TLS_PSK_WITH_AES_128_GCM_SHA256",
            Self::PskAes256Gcm => "TLS_PSK_WITH_AES_256_GCM_SHA384",
            Self::PskChacha20 => "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256",
            Self::EcdhePskAes128Gcm => "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256",
            Self::EcdhePskAes256Gcm => "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384",
            Self::EcdhePskChacha20 => "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_what_is_out_of_scope() {
        for s in Tls12Suite::ALL.into_iter().chain(Tls12Suite::PSK) {
            assert_eq!(Tls12Suite::from_u16(s.to_u16()), Some(s));
        }
        assert!(!Tls12Suite::PskChacha20.ecdhe() && Tls12Suite::EcdhePskChacha20.ecdhe());
        assert_eq!(Tls12Suite::EcdhePskAes256Gcm.hash(), HashAlgorithm::Sha384);
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
