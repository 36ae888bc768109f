//! The `SIGN-*` elements of a priority string: which signature scheme each
//! GnuTLS name enables, and for which protocol version. GnuTLS keeps two
//! entries for some codes: `SIGN-ECDSA-SHA256` is TLS 1.2's 0x0403 (any
//! curve), `SIGN-ECDSA-SECP256R1-SHA256` TLS 1.3's (P-256 only), and a
//! priority for one version drops the names that are only the other's.

use crate::crypto::sign::scheme;

/// The versions a `SIGN-*` name signs handshakes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignVersions {
    /// TLS 1.2 only (PKCS#1 v1.5, and ECDSA whatever the curve).
    Tls12,
    /// TLS 1.3 only (ECDSA bound to its curve).
    Tls13,
    /// Both.
    Both,
}

impl SignVersions {
    /// Whether TLS 1.2 handshakes may use the scheme.
    pub fn tls12(self) -> bool {
        self != SignVersions::Tls13
    }

    /// Whether TLS 1.3 handshakes may use the scheme.
    pub fn tls13(self) -> bool {
        self != SignVersions::Tls12
    }
}

/// The GnuTLS names stepup signs and verifies with.
const NAMES: &[(&str, u16, SignVersions)] = &[
    (
        "SIGN-RSA-SHA256",
        scheme::RSA_PKCS1_SHA256,
        SignVersions::Tls12,
    ),
    (
        "SIGN-RSA-SHA384",
        scheme::RSA_PKCS1_SHA384,
        SignVersions::Tls12,
    ),
    (
        "SIGN-RSA-SHA512",
        scheme::RSA_PKCS1_SHA512,
        SignVersions::Tls12,
    ),
    (
        "SIGN-ECDSA-SHA256",
        scheme::ECDSA_SECP256R1_SHA256,
        SignVersions::Tls12,
    ),
    (
        "SIGN-ECDSA-SHA384",
        scheme::ECDSA_SECP384R1_SHA384,
        SignVersions::Tls12,
    ),
    (
        "SIGN-ECDSA-SECP256R1-SHA256",
        scheme::ECDSA_SECP256R1_SHA256,
        SignVersions::Tls13,
    ),
    (
        "SIGN-ECDSA-SECP384R1-SHA384",
        scheme::ECDSA_SECP384R1_SHA384,
        SignVersions::Tls13,
    ),
    ("SIGN-EdDSA-Ed25519", scheme::ED25519, SignVersions::Both),
    (
        "SIGN-RSA-PSS-RSAE-SHA256",
        scheme::RSA_PSS_RSAE_SHA256,
        SignVersions::Both,
    ),
    (
        "SIGN-RSA-PSS-RSAE-SHA384",
        scheme::RSA_PSS_RSAE_SHA384,
        SignVersions::Both,
    ),
    (
        "SIGN-RSA-PSS-RSAE-SHA512",
        scheme::RSA_PSS_RSAE_SHA512,
        SignVersions::Both,
    ),
    (
        "SIGN-RSA-PSS-SHA256",
        scheme::RSA_PSS_PSS_SHA256,
        SignVersions::Both,
    ),
    (
        "SIGN-RSA-PSS-SHA384",
        scheme::RSA_PSS_PSS_SHA384,
        SignVersions::Both,
    ),
    (
        "SIGN-RSA-PSS-SHA512",
        scheme::RSA_PSS_PSS_SHA512,
        SignVersions::Both,
    ),
];

/// The scheme a `SIGN-*` name enables and the versions it is for; `None`
/// for names stepup does not sign with.
pub fn sign_of(name: &str) -> Option<(u16, SignVersions)> {
    NAMES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, s, v)| (*s, *v))
}

/// Every name's scheme for one version, in table order (`SIGN-ALL`).
pub fn all(tls13: bool) -> impl Iterator<Item = u16> {
    NAMES
        .iter()
        .filter(move |(_, _, v)| if tls13 { v.tls13() } else { v.tls12() })
        .map(|(_, s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sign::{HANDSHAKE_SCHEMES, TLS12_HANDSHAKE_SCHEMES};

    #[test]
    fn ecdsa_names_differ_by_version() {
        assert_eq!(
            sign_of("SIGN-ECDSA-SHA256"),
            Some((scheme::ECDSA_SECP256R1_SHA256, SignVersions::Tls12))
        );
        assert_eq!(
            sign_of("SIGN-ECDSA-SECP256R1-SHA256"),
            Some((scheme::ECDSA_SECP256R1_SHA256, SignVersions::Tls13))
        );
        assert_eq!(sign_of("SIGN-DSA-SHA1"), None);
    }

    #[test]
    fn all_covers_the_schemes_of_each_version() {
        let mut tls13: Vec<u16> = all(true).collect();
        let mut expected = HANDSHAKE_SCHEMES.to_vec();
        tls13.sort_unstable();
        expected.sort_unstable();
        assert_eq!(tls13, expected);
        let mut tls12: Vec<u16> = all(false).collect();
        let mut expected = TLS12_HANDSHAKE_SCHEMES.to_vec();
        tls12.sort_unstable();
        expected.sort_unstable();
        assert_eq!(tls12, expected);
    }
}
