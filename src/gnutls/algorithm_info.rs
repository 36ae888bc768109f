//! GnuTLS's facts about its curve and signature identifiers
//! (`gnutls_ecc_curve_get_*`, `gnutls_sign_get_hash_algorithm`,
//! `_get_pk_algorithm`), as GnuTLS 3.7.9 answers them for every value, and
//! the algorithm lists (`gnutls_*_list`), which name what stepup supports.

/// A named curve: (`gnutls_ecc_curve_t`, name, size in bytes,
/// `gnutls_pk_algorithm_t`, OID).
type Curve = (
    i32,
    &'static std::ffi::CStr,
    i32,
    i32,
    &'static std::ffi::CStr,
);

/// Every curve GnuTLS 3.7.9 names. The GOST curves have no public-key
/// algorithm in GnuTLS 3.7.9's Debian build (0).
const CURVES: &[Curve] = &[
    (1, c"SECP224R1", 28, 4, c"1.3.132.0.33"),
    (2, c"SECP256R1", 32, 4, c"1.2.840.10045.3.1.7"),
    (3, c"SECP384R1", 48, 4, c"1.3.132.0.34"),
    (4, c"SECP521R1", 66, 4, c"1.3.132.0.35"),
    (5, c"SECP192R1", 24, 4, c"1.2.840.10045.3.1.1"),
    (6, c"X25519", 32, 5, c"1.3.101.110"),
    (7, c"Ed25519", 32, 7, c"1.3.101.112"),
    (8, c"CryptoPro-A", 32, 0, c"1.2.643.2.2.35.1"),
    (9, c"CryptoPro-B", 32, 0, c"1.2.643.2.2.35.2"),
    (10, c"CryptoPro-C", 32, 0, c"1.2.643.2.2.35.3"),
    (11, c"CryptoPro-XchA", 32, 0, c"1.2.643.2.2.36.0"),
    (12, c"CryptoPro-XchB", 32, 0, c"1.2.643.2.2.36.1"),
    (13, c"TC26-512-A", 64, 10, c"1.2.643.7.1.2.1.2.1"),
    (14, c"TC26-512-B", 64, 10, c"1.2.643.7.1.2.1.2.2"),
    (15, c"TC26-512-C", 64, 10, c"1.2.643.7.1.2.1.2.3"),
    (16, c"TC26-256-A", 32, 9, c"1.2.643.7.1.2.1.1.1"),
    (17, c"TC26-256-B", 32, 9, c"1.2.643.7.1.2.1.1.2"),
    (18, c"TC26-256-C", 32, 9, c"1.2.643.7.1.2.1.1.3"),
    (19, c"TC26-256-D", 32, 9, c"1.2.643.7.1.2.1.1.4"),
    (20, c"X448", 56, 11, c"1.3.101.111"),
    (21, c"Ed448", 57, 12, c"1.3.101.113"),
];

/// The curves stepup computes with (key exchange and signatures), in
/// `gnutls_ecc_curve_list`'s order, 0-terminated.
pub static CURVE_LIST: [i32; 5] = [2, 3, 6, 7, 0];

fn curve(value: i32) -> Option<&'static Curve> {
    CURVES.iter().find(|c| c.0 == value)
}

/// `gnutls_ecc_curve_get_name`.
pub fn curve_name(value: i32) -> Option<&'static std::ffi::CStr> {
    curve(value).map(|c| c.1)
}

/// `gnutls_ecc_curve_get_size`: bytes, 0 for an unknown curve.
pub fn curve_size(value: i32) -> i32 {
    curve(value).map_or(0, |c| c.2)
}

/// `gnutls_ecc_curve_get_pk`: the public-key algorithm, 0 when none.
pub fn curve_pk(value: i32) -> i32 {
    curve(value).map_or(0, |c| c.3)
}

/// `gnutls_ecc_curve_get_oid`.
pub fn curve_oid(value: i32) -> Option<&'static std::ffi::CStr> {
    curve(value).map(|c| c.4)
}

/// `gnutls_ecc_curve_get_id`: a curve stepup supports, by name (any case);
/// 0 (`GNUTLS_ECC_CURVE_INVALID`) otherwise, as GnuTLS answers for a curve
/// it does not support.
pub fn curve_id(name: &[u8]) -> i32 {
    CURVE_LIST
        .iter()
        .filter_map(|&v| curve(v))
        .find(|c| c.1.to_bytes().eq_ignore_ascii_case(name))
        .map_or(0, |c| c.0)
}

/// The curve of a TLS 1.3 key exchange group (`gnutls_ecc_curve_get`): the
/// group values of the elliptic curves are their curve values; 0 for the
/// finite-field groups and before a group is chosen.
pub fn curve_of_group(group: i32) -> i32 {
    match group {
        2 | 3 | 6 => group,
        _ => 0,
    }
}

/// (`gnutls_sign_algorithm_t`, its `gnutls_digest_algorithm_t`, its
/// `gnutls_pk_algorithm_t`) for every signature algorithm GnuTLS 3.7.9
/// names.
const SIGNS: &[(i32, i32, i32)] = &[
    (1, 3, 1),
    (2, 3, 2),
    (3, 2, 1),
    (4, 5, 1),
    (5, 4, 1),
    (6, 6, 1),
    (7, 7, 1),
    (8, 8, 1),
    (9, 9, 1),
    (10, 9, 2),
    (11, 6, 2),
    (12, 3, 4),
    (13, 9, 4),
    (14, 6, 4),
    (15, 7, 4),
    (16, 8, 4),
    (17, 7, 2),
    (18, 8, 2),
    (20, 10, 4),
    (21, 11, 4),
    (22, 12, 4),
    (23, 13, 4),
    (24, 10, 2),
    (25, 11, 2),
    (26, 12, 2),
    (27, 13, 2),
    (28, 10, 1),
    (29, 11, 1),
    (30, 12, 1),
    (31, 13, 1),
    (32, 6, 6),
    (33, 7, 6),
    (34, 8, 6),
    (35, 8, 7),
    (36, 0, 1),
    (37, 6, 4),
    (38, 7, 4),
    (39, 8, 4),
    (40, 6, 6),
    (41, 7, 6),
    (42, 8, 6),
    (43, 15, 8),
    (44, 16, 9),
    (45, 17, 10),
    (46, 210, 12),
];

/// `gnutls_sign_get_hash_algorithm`: 0 (`GNUTLS_DIG_UNKNOWN`) for an
/// unknown value.
pub fn sign_hash(value: i32) -> i32 {
    SIGNS.iter().find(|s| s.0 == value).map_or(0, |s| s.1)
}

/// `gnutls_sign_get_pk_algorithm`: 0 (`GNUTLS_PK_UNKNOWN`) for an unknown
/// value.
pub fn sign_pk(value: i32) -> i32 {
    SIGNS.iter().find(|s| s.0 == value).map_or(0, |s| s.2)
}

/// What stepup supports, each list 0-terminated as GnuTLS's are.
pub mod lists {
    /// `gnutls_protocol_list`: TLS 1.3.
    pub static PROTOCOLS: [i32; 2] = [5, 0];
    /// `gnutls_cipher_list`: AES-256-GCM, ChaCha20-Poly1305, AES-128-GCM.
    pub static CIPHERS: [i32; 4] = [11, 23, 10, 0];
    /// `gnutls_mac_list`: SHA1, SHA256, SHA384, SHA512 (HMAC) and AEAD.
    pub static MACS: [i32; 6] = [3, 6, 7, 8, 200, 0];
    /// `gnutls_digest_list`: SHA1, SHA256, SHA384, SHA512.
    pub static DIGESTS: [i32; 5] = [3, 6, 7, 8, 0];
    /// `gnutls_kx_list`: ECDHE-RSA, ECDHE-ECDSA (certificates; GnuTLS reports
    /// TLS 1.3 certificate handshakes as ECDHE-RSA), PSK, ECDHE-PSK.
    pub static KX: [i32; 5] = [12, 13, 9, 14, 0];
    /// `gnutls_group_list`: X25519, SECP256R1, SECP384R1.
    pub static GROUPS: [i32; 4] = [6, 2, 3, 0];
    /// `gnutls_pk_list`: RSA, ECDSA, RSA-PSS, EdDSA-Ed25519.
    pub static PKS: [i32; 5] = [1, 4, 6, 7, 0];
    /// `gnutls_sign_list`: the TLS 1.3 schemes stepup signs and verifies
    /// with, and the RSA PKCS#1 signatures of certificates.
    pub static SIGNS: [i32; 10] = [37, 38, 40, 41, 42, 35, 6, 7, 8, 0];
    /// `gnutls_certificate_type_list`: X.509.
    pub static CERTIFICATE_TYPES: [i32; 2] = [1, 0];
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curves_and_signatures_answer_as_gnutls() {
        assert_eq!(curve_name(2), Some(c"SECP256R1"));
        assert_eq!(curve_size(4), 66);
        assert_eq!(curve_pk(6), 5);
        assert_eq!(curve_id(b"secp384r1"), 3);
        assert_eq!(curve_id(b"SECP224R1"), 0);
        assert_eq!(curve_name(0), None);
        assert_eq!(sign_hash(40), 6);
        assert_eq!(sign_pk(35), 7);
        assert_eq!(sign_hash(19), 0);
        assert_eq!(curve_of_group(256), 0);
    }

    #[test]
    fn every_listed_value_is_named_and_lists_end_in_zero() {
        for list in [
            &lists::PROTOCOLS[..],
            &lists::CIPHERS,
            &lists::MACS,
            &lists::DIGESTS,
            &lists::KX,
            &lists::GROUPS,
            &lists::PKS,
            &lists::SIGNS,
            &lists::CERTIFICATE_TYPES,
            &CURVE_LIST,
        ] {
            assert_eq!(list.last(), Some(&0));
            assert!(list[..list.len() - 1].iter().all(|&v| v != 0));
        }
        for &s in &lists::SIGNS[..lists::SIGNS.len() - 1] {
            assert!(super::super::names::sign(s).is_some());
        }
    }
}
