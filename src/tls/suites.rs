//! TLS 1.3 cipher suites (RFC 8446 §B.4).

use crate::crypto::aead::AeadAlgorithm;
use crate::crypto::hash::HashAlgorithm;

/// A TLS 1.3 cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherSuite {
    /// TLS_AES_128_GCM_SHA256 (0x1301).
    Aes128GcmSha256,
    /// TLS_AES_256_GCM_SHA384 (0x1302).
    Aes256GcmSha384,
    /// TLS_CHACHA20_POLY1305_SHA256 (0x1303).
    Chacha20Poly1305Sha256,
}

impl CipherSuite {
    /// Every suite, in stepup's default preference order.
    pub const ALL: [CipherSuite; 3] = [
        Self::Aes128GcmSha256,
        Self::Aes256GcmSha384,
        Self::Chacha20Poly1305Sha256,
    ];

    /// From the wire value, if it is a TLS 1.3 suite stepup implements.
    pub fn from_u16(v: u16) -> Option<Self> {
        match v {
            0x1301 => Some(Self::Aes128GcmSha256),
            0x1302 => Some(Self::Aes256GcmSha384),
            0x1303 => Some(Self::Chacha20Poly1305Sha256),
            _ => None,
        }
    }

    /// The wire value.
    pub fn to_u16(self) -> u16 {
        match self {
            Self::Aes128GcmSha256 => 0x1301,
            Self::Aes256GcmSha384 => 0x1302,
            Self::Chacha20Poly1305Sha256 => 0x1303,
        }
    }

    /// The suite's hash.
    pub fn hash(self) -> HashAlgorithm {
        match self {
            Self::Aes256GcmSha384 => HashAlgorithm::Sha384,
            _ => HashAlgorithm::Sha256,
        }
    }

    /// The suite's AEAD.
    pub fn aead(self) -> AeadAlgorithm {
        match self {
            Self::Aes128GcmSha256 => AeadAlgorithm::Aes128Gcm,
            Self::Aes256GcmSha384 => AeadAlgorithm::Aes256Gcm,
            Self::Chacha20Poly1305Sha256 => AeadAlgorithm::Chacha20Poly1305,
        }
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aes128GcmSha256 => "TLS_AES_128_GCM_SHA256",
            Self::Aes256GcmSha384 => "TLS_AES_256_GCM_SHA384",
            Self::Chacha20Poly1305Sha256 => "TLS_CHACHA20_POLY1305_SHA256",
        }
    }
}

/// NamedGroup wire values (RFC 8446 §4.2.7) of the groups stepup implements.
pub mod group {
    use crate::crypto::kx::KxGroup;

    /// secp256r1.
    pub const SECP256R1: u16 = 0x0017;
    /// secp384r1.
    pub const SECP384R1: u16 = 0x0018;
    /// x25519.
    pub const X25519: u16 = 0x001d;

    /// The group of a wire value.
    pub fn from_u16(v: u16) -> Option<KxGroup> {
        match v {
            X25519 => Some(KxGroup::X25519),
            SECP256R1 => Some(KxGroup::Secp256r1),
            SECP384R1 => Some(KxGroup::Secp384r1),
            _ => None,
        }
    }

    /// The wire value of a group.
    pub fn to_u16(g: KxGroup) -> u16 {
        match g {
            KxGroup::X25519 => X25519,
            KxGroup::Secp256r1 => SECP256R1,
            KxGroup::Secp384r1 => SECP384R1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_suites_and_groups() {
        for s in CipherSuite::ALL {
            assert_eq!(CipherSuite::from_u16(s.to_u16()), Some(s));
        }
        assert_eq!(
            CipherSuite::from_u16(0x1304),
            None,
            "CCM is not implemented"
        );
        assert_eq!(CipherSuite::Aes256GcmSha384.hash(), HashAlgorithm::Sha384);
        for g in [group::X25519, group::SECP256R1, group::SECP384R1] {
            assert_eq!(group::to_u16(group::from_u16(g).unwrap()), g);
        }
    }
}
