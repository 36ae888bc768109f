//! The names GnuTLS gives its algorithms, protocols and alerts, for the
//! `gnutls_*_get_name` functions, keyed by GnuTLS's enumeration values (the
//! numbers of `<gnutls/gnutls.h>`). Every value GnuTLS 3.7 names is listed,
//! including algorithms stepup does not negotiate, so a program printing a
//! name sees the same text with either library; other values have no name.
//!
//! Also here: the GnuTLS numbers of what the TLS engine negotiated (cipher,
//! group, signature scheme), and the text of
//! `gnutls_certificate_verification_status_print`.

use std::ffi::CStr;

use crate::crypto::aead::AeadAlgorithm;
use crate::crypto::kx::KxGroup;
use crate::crypto::sign::scheme;
use crate::tls::suites::CipherSuite;
use crate::tls::tls12::suites::Tls12Suite;

/// `gnutls_protocol_t`.
const PROTOCOLS: &[(i32, &CStr)] = &[
    (1, c"SSL3.0"),
    (2, c"TLS1.0"),
    (3, c"TLS1.1"),
    (4, c"TLS1.2"),
    (5, c"TLS1.3"),
    (200, c"DTLS0.9"),
    (201, c"DTLS1.0"),
    (202, c"DTLS1.2"),
];

/// `gnutls_cipher_algorithm_t`.
const CIPHERS: &[(i32, &CStr)] = &[
    (1, c"NULL"),
    (2, c"ARCFOUR-128"),
    (3, c"3DES-CBC"),
    (4, c"AES-128-CBC"),
    (5, c"AES-256-CBC"),
    (6, c"ARCFOUR-40"),
    (7, c"CAMELLIA-128-CBC"),
    (8, c"CAMELLIA-256-CBC"),
    (9, c"AES-192-CBC"),
    (10, c"AES-128-GCM"),
    (11, c"AES-256-GCM"),
    (12, c"CAMELLIA-192-CBC"),
    (13, c"SALSA20-256"),
    (14, c"ESTREAM-SALSA20-256"),
    (15, c"CAMELLIA-128-GCM"),
    (16, c"CAMELLIA-256-GCM"),
    (17, c"RC2-40"),
    (18, c"DES-CBC"),
    (19, c"AES-128-CCM"),
    (20, c"AES-256-CCM"),
    (21, c"AES-128-CCM-8"),
    (22, c"AES-256-CCM-8"),
    (23, c"CHACHA20-POLY1305"),
    (24, c"GOST28147-TC26Z-CFB"),
    (25, c"GOST28147-CPA-CFB"),
    (26, c"GOST28147-CPB-CFB"),
    (27, c"GOST28147-CPC-CFB"),
    (28, c"GOST28147-CPD-CFB"),
    (29, c"AES-128-CFB8"),
    (30, c"AES-192-CFB8"),
    (31, c"AES-256-CFB8"),
    (32, c"AES-128-XTS"),
    (33, c"AES-256-XTS"),
    (34, c"GOST28147-TC26Z-CNT"),
    (35, c"CHACHA20-64"),
    (36, c"CHACHA20-32"),
    (37, c"AES-128-SIV"),
    (38, c"AES-256-SIV"),
    (39, c"AES-192-GCM"),
    (40, c"MAGMA-CTR-ACPKM"),
    (41, c"KUZNYECHIK-CTR-ACPKM"),
];

/// `gnutls_mac_algorithm_t`.
const MACS: &[(i32, &CStr)] = &[
    (1, c"MAC-NULL"),
    (2, c"MD5"),
    (3, c"SHA1"),
    (4, c"RIPEMD160"),
    (5, c"MD2"),
    (6, c"SHA256"),
    (7, c"SHA384"),
    (8, c"SHA512"),
    (9, c"SHA224"),
    (10, c"SHA3-224"),
    (11, c"SHA3-256"),
    (12, c"SHA3-384"),
    (13, c"SHA3-512"),
    (14, c"MD5+SHA1"),
    (15, c"GOSTR341194"),
    (16, c"STREEBOG-256"),
    (17, c"STREEBOG-512"),
    (200, c"AEAD"),
    (201, c"UMAC-96"),
    (202, c"UMAC-128"),
    (203, c"AES-CMAC-128"),
    (204, c"AES-CMAC-256"),
    (205, c"AES-GMAC-128"),
    (206, c"AES-GMAC-192"),
    (207, c"AES-GMAC-256"),
    (208, c"GOST28147-TC26Z-IMIT"),
    (209, c"SHAKE-128"),
    (210, c"SHAKE-256"),
    (211, c"OMAC-MAGMA"),
    (212, c"OMAC-KUZNYECHIK"),
];

/// `gnutls_digest_algorithm_t` (the hash subset of the MAC values).
const DIGESTS: &[(i32, &CStr)] = &[
    (2, c"MD5"),
    (3, c"SHA1"),
    (4, c"RIPEMD160"),
    (5, c"MD2"),
    (6, c"SHA256"),
    (7, c"SHA384"),
    (8, c"SHA512"),
    (9, c"SHA224"),
    (10, c"SHA3-224"),
    (11, c"SHA3-256"),
    (12, c"SHA3-384"),
    (13, c"SHA3-512"),
    (15, c"GOSTR341194"),
    (16, c"STREEBOG-256"),
    (17, c"STREEBOG-512"),
    (209, c"SHAKE-128"),
    (210, c"SHAKE-256"),
];

/// `gnutls_sign_algorithm_t`.
const SIGNS: &[(i32, &CStr)] = &[
    (1, c"RSA-SHA1"),
    (2, c"DSA-SHA1"),
    (3, c"RSA-MD5"),
    (4, c"RSA-MD2"),
    (5, c"RSA-RMD160"),
    (6, c"RSA-SHA256"),
    (7, c"RSA-SHA384"),
    (8, c"RSA-SHA512"),
    (9, c"RSA-SHA224"),
    (10, c"DSA-SHA224"),
    (11, c"DSA-SHA256"),
    (12, c"ECDSA-SHA1"),
    (13, c"ECDSA-SHA224"),
    (14, c"ECDSA-SHA256"),
    (15, c"ECDSA-SHA384"),
    (16, c"ECDSA-SHA512"),
    (17, c"DSA-SHA384"),
    (18, c"DSA-SHA512"),
    (20, c"ECDSA-SHA3-224"),
    (21, c"ECDSA-SHA3-256"),
    (22, c"ECDSA-SHA3-384"),
    (23, c"ECDSA-SHA3-512"),
    (24, c"DSA-SHA3-224"),
    (25, c"DSA-SHA3-256"),
    (26, c"DSA-SHA3-384"),
    (27, c"DSA-SHA3-512"),
    (28, c"RSA-SHA3-224"),
    (29, c"RSA-SHA3-256"),
    (30, c"RSA-SHA3-384"),
    (31, c"RSA-SHA3-512"),
    (32, c"RSA-PSS-SHA256"),
    (33, c"RSA-PSS-SHA384"),
    (34, c"RSA-PSS-SHA512"),
    (35, c"EdDSA-Ed25519"),
    (36, c"RSA-RAW"),
    (37, c"ECDSA-SECP256R1-SHA256"),
    (38, c"ECDSA-SECP384R1-SHA384"),
    (39, c"ECDSA-SECP521R1-SHA512"),
    (40, c"RSA-PSS-RSAE-SHA256"),
    (41, c"RSA-PSS-RSAE-SHA384"),
    (42, c"RSA-PSS-RSAE-SHA512"),
    (43, c"GOSTR341001"),
    (44, c"GOSTR341012-256"),
    (45, c"GOSTR341012-512"),
    (46, c"EdDSA-Ed448"),
];

/// `gnutls_group_t`.
const GROUPS: &[(i32, &CStr)] = &[
    (1, c"SECP224R1"),
    (2, c"SECP256R1"),
    (3, c"SECP384R1"),
    (4, c"SECP521R1"),
    (5, c"SECP192R1"),
    (6, c"X25519"),
    (13, c"GC512A"),
    (14, c"GC512B"),
    (15, c"GC512C"),
    (16, c"GC256A"),
    (17, c"GC256B"),
    (18, c"GC256C"),
    (19, c"GC256D"),
    (20, c"X448"),
    (256, c"FFDHE2048"),
    (257, c"FFDHE3072"),
    (258, c"FFDHE4096"),
    (259, c"FFDHE8192"),
    (260, c"FFDHE6144"),
];

/// `gnutls_kx_algorithm_t`.
const KXS: &[(i32, &CStr)] = &[
    (1, c"RSA"),
    (2, c"DHE-DSS"),
    (3, c"DHE-RSA"),
    (4, c"ANON-DH"),
    (5, c"SRP"),
    (7, c"SRP-RSA"),
    (8, c"SRP-DSS"),
    (9, c"PSK"),
    (10, c"DHE-PSK"),
    (11, c"ANON-ECDH"),
    (12, c"ECDHE-RSA"),
    (13, c"ECDHE-ECDSA"),
    (14, c"ECDHE-PSK"),
    (15, c"RSA-PSK"),
    (16, c"VKO-GOST-12"),
];

/// `gnutls_alert_description_t`: GnuTLS's descriptions of the alerts.
const ALERTS: &[(i32, &CStr)] = &[
    (0, c"Close notify"),
    (10, c"Unexpected message"),
    (20, c"Bad record MAC"),
    (21, c"Decryption failed"),
    (22, c"Record overflow"),
    (30, c"Decompression failed"),
    (40, c"Handshake failed"),
    (41, c"No certificate (SSL 3.0)"),
    (42, c"Certificate is bad"),
    (43, c"Certificate is not supported"),
    (44, c"Certificate was revoked"),
    (45, c"Certificate is expired"),
    (46, c"Unknown certificate"),
    (47, c"Illegal parameter"),
    (48, c"CA is unknown"),
    (49, c"Access was denied"),
    (50, c"Decode error"),
    (51, c"Decrypt error"),
    (60, c"Export restriction"),
    (70, c"Error in protocol version"),
    (71, c"Insufficient security"),
    (80, c"Internal error"),
    (86, c"Inappropriate fallback"),
    (90, c"User canceled"),
    (100, c"No renegotiation is allowed"),
    (109, c"An extension was expected but was not seen"),
    (110, c"An unsupported extension was sent"),
    (111, c"Could not retrieve the specified certificate"),
    (112, c"The server name sent was not recognized"),
    (115, c"The SRP/PSK username is missing or not known"),
    (116, c"Certificate is required"),
    (
        120,
        c"No supported application protocol could be negotiated",
    ),
];

fn lookup(table: &'static [(i32, &'static CStr)], value: i32) -> Option<&'static CStr> {
    table
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, name)| *name)
}

/// `gnutls_digest_get_id`: the digest named `name` (case-insensitive),
/// 0 (`GNUTLS_DIG_UNKNOWN`) for another.
pub fn digest_id(name: &str) -> i32 {
    DIGESTS
        .iter()
        .find(|(_, n)| n.to_str().is_ok_and(|n| n.eq_ignore_ascii_case(name)))
        .map_or(0, |(id, _)| *id)
}

/// `gnutls_certificate_type_get_name`.
pub fn certificate_type(value: i32) -> Option<&'static CStr> {
    match value {
        1 => Some(c"X.509"),
        3 => Some(c"Raw Public Key"),
        _ => None,
    }
}

/// `gnutls_certificate_type_get_id`: 0 (`GNUTLS_CRT_UNKNOWN`) for an
/// unknown name.
pub fn certificate_type_id(name: &str) -> i32 {
    if name.eq_ignore_ascii_case("X.509") || name.eq_ignore_ascii_case("X509") {
        1
    } else if name.eq_ignore_ascii_case("RAWPK") {
        3
    } else {
        0
    }
}

/// `gnutls_protocol_get_name`.
pub fn protocol(value: i32) -> Option<&'static CStr> {
    lookup(PROTOCOLS, value)
}

/// `gnutls_cipher_get_name`.
pub fn cipher(value: i32) -> Option<&'static CStr> {
    lookup(CIPHERS, value)
}

/// `gnutls_mac_get_name`.
pub fn mac(value: i32) -> Option<&'static CStr> {
    lookup(MACS, value)
}

/// `gnutls_digest_get_name`.
pub fn digest(value: i32) -> Option<&'static CStr> {
    lookup(DIGESTS, value)
}

/// `gnutls_sign_get_name`.
pub fn sign(value: i32) -> Option<&'static CStr> {
    lookup(SIGNS, value)
}

/// `gnutls_group_get_name`.
pub fn group(value: i32) -> Option<&'static CStr> {
    lookup(GROUPS, value)
}

/// `gnutls_kx_get_name`.
pub fn kx(value: i32) -> Option<&'static CStr> {
    lookup(KXS, value)
}

/// `gnutls_alert_get_name`.
pub fn alert(value: i32) -> Option<&'static CStr> {
    lookup(ALERTS, value)
}

/// `GNUTLS_TLS1_3`.
pub const GNUTLS_TLS1_3: i32 = 5;
/// `GNUTLS_TLS1_2`.
pub const GNUTLS_TLS1_2: i32 = 4;
/// `GNUTLS_KX_ECDHE_ECDSA`: a TLS 1.2 ECDHE handshake with an ECDSA or
/// EdDSA certificate.
pub const GNUTLS_KX_ECDHE_ECDSA: i32 = 13;
/// `GNUTLS_MAC_AEAD`.
pub const GNUTLS_MAC_AEAD: i32 = 200;
/// `GNUTLS_KX_ECDHE_RSA`: what GnuTLS reports for a TLS 1.3 certificate
/// handshake over an elliptic-curve group, whatever the key type.
pub const GNUTLS_KX_ECDHE_RSA: i32 = 12;
/// `GNUTLS_KX_PSK`: a TLS 1.3 handshake with an external PSK alone (psk_ke).
pub const GNUTLS_KX_PSK: i32 = 9;
/// `GNUTLS_KX_ECDHE_PSK`: a TLS 1.3 handshake with an external PSK and an
/// elliptic-curve exchange (psk_dhe_ke).
pub const GNUTLS_KX_ECDHE_PSK: i32 = 14;
/// `GNUTLS_CRT_X509`.
pub const GNUTLS_CRT_X509: i32 = 1;

/// The `gnutls_cipher_algorithm_t` of a suite.
pub fn cipher_of(suite: CipherSuite) -> i32 {
    match suite {
        CipherSuite::Aes128GcmSha256 => 10,
        CipherSuite::Aes256GcmSha384 => 11,
        CipherSuite::Chacha20Poly1305Sha256 => 23,
    }
}

/// The `gnutls_cipher_algorithm_t` of an AEAD.
pub fn cipher_of_aead(aead: AeadAlgorithm) -> i32 {
    match aead {
        AeadAlgorithm::Aes128Gcm => 10,
        AeadAlgorithm::Aes256Gcm => 11,
        AeadAlgorithm::Chacha20Poly1305 => 23,
    }
}

/// The `gnutls_sign_algorithm_t` of a TLS 1.2 SignatureAndHashAlgorithm:
/// as `sign_of`, but TLS 1.2's ECDSA code points name only the hash
/// (`GNUTLS_SIGN_ECDSA_SHA256`, ...).
pub fn tls12_sign_of(scheme_id: u16) -> i32 {
    match scheme_id {
        scheme::ECDSA_SECP256R1_SHA256 => 14,
        scheme::ECDSA_SECP384R1_SHA384 => 15,
        0x0603 => 16,
        other => sign_of(other),
    }
}

/// The session description of `gnutls_session_get_desc` for a TLS 1.2
/// handshake, GnuTLS 3.7's format:
/// `(TLS1.2)-(ECDHE-SECP256R1)-(ECDSA-SHA256)-(AES-128-GCM)`; without a
/// signature for the PSK suites, `(TLS1.2)-(PSK)-(AES-128-GCM)` without a
/// group.
pub fn tls12_session_description(
    suite: Tls12Suite,
    group: Option<KxGroup>,
    scheme_id: Option<u16>,
) -> String {
    fn text(name: Option<&'static CStr>) -> &'static str {
        name.and_then(|n| n.to_str().ok()).unwrap_or("NULL")
    }
    // Plain PSK has no group: the key exchange's name stands there.
    let kx = match group {
        Some(group) => format!("ECDHE-{}", text(self::group(group_of(group)))),
        None => "PSK".to_owned(),
    };
    let mut desc = format!("({})-({kx})", text(protocol(GNUTLS_TLS1_2)));
    if let Some(name) = scheme_id.and_then(|s| sign(tls12_sign_of(s))) {
        desc.push_str(&format!("-({})", text(Some(name))));
    }
    desc.push_str(&format!(
        "-({})",
        text(cipher(cipher_of_aead(suite.aead())))
    ));
    desc
}

/// The `gnutls_group_t` of a group.
pub fn group_of(group: KxGroup) -> i32 {
    match group {
        KxGroup::Secp256r1 => 2,
        KxGroup::Secp384r1 => 3,
        KxGroup::X25519 => 6,
    }
}

/// The `gnutls_sign_algorithm_t` of a TLS SignatureScheme (0 if GnuTLS has none).
pub fn sign_of(scheme_id: u16) -> i32 {
    match scheme_id {
        scheme::RSA_PKCS1_SHA256 => 6,
        scheme::RSA_PKCS1_SHA384 => 7,
        scheme::RSA_PKCS1_SHA512 => 8,
        scheme::RSA_PSS_PSS_SHA256 => 32,
        scheme::RSA_PSS_PSS_SHA384 => 33,
        scheme::RSA_PSS_PSS_SHA512 => 34,
        scheme::ED25519 => 35,
        scheme::ECDSA_SECP256R1_SHA256 => 37,
        scheme::ECDSA_SECP384R1_SHA384 => 38,
        0x0603 => 39,
        scheme::RSA_PSS_RSAE_SHA256 => 40,
        scheme::RSA_PSS_RSAE_SHA384 => 41,
        scheme::RSA_PSS_RSAE_SHA512 => 42,
        0x0808 => 46,
        _ => 0,
    }
}

/// The session description of `gnutls_session_get_desc` for a TLS 1.3
/// certificate handshake, GnuTLS 3.7's format:
/// `(TLS1.3)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)`.
/// The signature part is left out when no signature scheme is known.
pub fn session_description(suite: CipherSuite, group: KxGroup, scheme_id: Option<u16>) -> String {
    fn text(name: Option<&'static CStr>) -> &'static str {
        name.and_then(|n| n.to_str().ok()).unwrap_or("NULL")
    }
    let mut desc = format!(
        "({})-(ECDHE-{})",
        text(protocol(GNUTLS_TLS1_3)),
        text(self::group(group_of(group)))
    );
    if let Some(name) = scheme_id.and_then(|s| sign(sign_of(s))) {
        desc.push_str(&format!("-({})", text(Some(name))));
    }
    desc.push_str(&format!("-({})", text(cipher(cipher_of(suite)))));
    desc
}

/// The session description of `gnutls_session_get_desc` for a TLS 1.3
/// handshake with an external PSK (either mode), as GnuTLS 3.7 prints it:
/// `(TLS1.3)--(CHACHA20-POLY1305)`, with no key exchange or signature.
pub fn psk_session_description(suite: CipherSuite) -> String {
    let text = |name: Option<&'static CStr>| name.and_then(|n| n.to_str().ok()).unwrap_or("NULL");
    format!(
        "({})--({})",
        text(protocol(GNUTLS_TLS1_3)),
        text(cipher(cipher_of(suite)))
    )
}

/// The sentences of `gnutls_certificate_verification_status_print` for an
/// untrusted X.509 status, in the order GnuTLS prints them.
const STATUS_TEXTS: &[(u32, &str)] = &[
    (1 << 5, "The certificate chain is revoked. "),
    (
        1 << 17,
        "The certificate doesn't match the local copy (TOFU). ",
    ),
    (
        1 << 12,
        "The revocation or OCSP data are old and have been superseded. ",
    ),
    (
        1 << 15,
        "The revocation or OCSP data are issued with a future date. ",
    ),
    (1 << 6, "The certificate issuer is unknown. "),
    (1 << 7, "The certificate issuer is not a CA. "),
    (1 << 8, "The certificate chain uses insecure algorithm. "),
    (
        1 << 16,
        "The certificate chain violates the signer's constraints. ",
    ),
    (
        1 << 18,
        "The certificate chain does not match the intended purpose. ",
    ),
    (
        1 << 9,
        "The certificate chain uses not yet valid certificate. ",
    ),
    (1 << 10, "The certificate chain uses expired certificate. "),
    (1 << 11, "The signature in the certificate is invalid. "),
    (
        1 << 14,
        "The name in the certificate does not match the expected. ",
    ),
    (
        1 << 19,
        "The certificate requires the server to include an OCSP status in its response, but the OCSP status is missing. ",
    ),
    (1 << 20, "The received OCSP status response is invalid. "),
    (
        1 << 21,
        "The certificate contains an unknown critical extension. ",
    ),
];

/// The text of `gnutls_certificate_verification_status_print` for `status`.
pub fn status_text(status: u32) -> String {
    if status == 0 {
        return "The certificate is trusted. ".to_owned();
    }
    let mut text = "The certificate is NOT trusted. ".to_owned();
    for (bit, sentence) in STATUS_TEXTS {
        if status & bit != 0 {
            text.push_str(sentence);
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_algorithms_stepup_negotiates() {
        assert_eq!(protocol(GNUTLS_TLS1_3), Some(c"TLS1.3"));
        assert_eq!(
            cipher(cipher_of(CipherSuite::Aes256GcmSha384)),
            Some(c"AES-256-GCM")
        );
        assert_eq!(mac(GNUTLS_MAC_AEAD), Some(c"AEAD"));
        assert_eq!(kx(GNUTLS_KX_ECDHE_RSA), Some(c"ECDHE-RSA"));
        assert_eq!(kx(GNUTLS_KX_PSK), Some(c"PSK"));
        assert_eq!(kx(GNUTLS_KX_ECDHE_PSK), Some(c"ECDHE-PSK"));
        assert_eq!(
            psk_session_description(CipherSuite::Chacha20Poly1305Sha256),
            "(TLS1.3)--(CHACHA20-POLY1305)"
        );
        assert_eq!(group(group_of(KxGroup::X25519)), Some(c"X25519"));
        assert_eq!(sign(sign_of(scheme::ED25519)), Some(c"EdDSA-Ed25519"));
        assert_eq!(alert(116), Some(c"Certificate is required"));
        assert_eq!(digest(1), None);
        assert_eq!(protocol(0), None);
    }

    #[test]
    fn describes_a_session_like_gnutls() {
        assert_eq!(
            session_description(
                CipherSuite::Aes256GcmSha384,
                KxGroup::Secp256r1,
                Some(scheme::ECDSA_SECP256R1_SHA256)
            ),
            "(TLS1.3)-(ECDHE-SECP256R1)-(ECDSA-SECP256R1-SHA256)-(AES-256-GCM)"
        );
    }

    #[test]
    fn prints_status_sentences_in_gnutls_order() {
        assert_eq!(status_text(0), "The certificate is trusted. ");
        assert_eq!(
            status_text(0x4402),
            "The certificate is NOT trusted. The certificate chain uses expired certificate. The name in the certificate does not match the expected. "
        );
    }
}
