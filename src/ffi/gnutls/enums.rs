//! GnuTLS's algorithm, protocol, alert, certificate-type and
//! verification-status enumerations, with the values of GnuTLS 3.7's
//! `<gnutls/gnutls.h>`. As in `types.rs`, each enumeration is an integer
//! typedef with its values as constants (some types and values live there).
//! stepup negotiates only TLS 1.3 with AES-GCM or ChaCha20-Poly1305 over
//! X25519, P-256 or P-384; the other values exist so GnuTLS programs compile
//! and their `*_get_name` calls give GnuTLS's names.

use std::ffi::{c_int, c_uint};

use super::types::{gnutls_cipher_algorithm_t, gnutls_protocol_t};

/// GnuTLS's cipher `GNUTLS_CIPHER_UNKNOWN`.
pub const GNUTLS_CIPHER_UNKNOWN: gnutls_cipher_algorithm_t = 0;
/// GnuTLS's cipher `GNUTLS_CIPHER_NULL`.
pub const GNUTLS_CIPHER_NULL: gnutls_cipher_algorithm_t = 1;
/// GnuTLS's cipher `GNUTLS_CIPHER_ARCFOUR_128`.
pub const GNUTLS_CIPHER_ARCFOUR_128: gnutls_cipher_algorithm_t = 2;
/// GnuTLS's cipher `GNUTLS_CIPHER_3DES_CBC`.
pub const GNUTLS_CIPHER_3DES_CBC: gnutls_cipher_algorithm_t = 3;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_CBC`.
pub const GNUTLS_CIPHER_AES_128_CBC: gnutls_cipher_algorithm_t = 4;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_CBC`.
pub const GNUTLS_CIPHER_AES_256_CBC: gnutls_cipher_algorithm_t = 5;
/// GnuTLS's cipher `GNUTLS_CIPHER_ARCFOUR_40`.
pub const GNUTLS_CIPHER_ARCFOUR_40: gnutls_cipher_algorithm_t = 6;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAMELLIA_128_CBC`.
pub const GNUTLS_CIPHER_CAMELLIA_128_CBC: gnutls_cipher_algorithm_t = 7;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAMELLIA_256_CBC`.
pub const GNUTLS_CIPHER_CAMELLIA_256_CBC: gnutls_cipher_algorithm_t = 8;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_192_CBC`.
pub const GNUTLS_CIPHER_AES_192_CBC: gnutls_cipher_algorithm_t = 9;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAMELLIA_192_CBC`.
pub const GNUTLS_CIPHER_CAMELLIA_192_CBC: gnutls_cipher_algorithm_t = 12;
/// GnuTLS's cipher `GNUTLS_CIPHER_SALSA20_256`.
pub const GNUTLS_CIPHER_SALSA20_256: gnutls_cipher_algorithm_t = 13;
/// GnuTLS's cipher `GNUTLS_CIPHER_ESTREAM_SALSA20_256`.
pub const GNUTLS_CIPHER_ESTREAM_SALSA20_256: gnutls_cipher_algorithm_t = 14;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAMELLIA_128_GCM`.
pub const GNUTLS_CIPHER_CAMELLIA_128_GCM: gnutls_cipher_algorithm_t = 15;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAMELLIA_256_GCM`.
pub const GNUTLS_CIPHER_CAMELLIA_256_GCM: gnutls_cipher_algorithm_t = 16;
/// GnuTLS's cipher `GNUTLS_CIPHER_RC2_40_CBC`.
pub const GNUTLS_CIPHER_RC2_40_CBC: gnutls_cipher_algorithm_t = 17;
/// GnuTLS's cipher `GNUTLS_CIPHER_DES_CBC`.
pub const GNUTLS_CIPHER_DES_CBC: gnutls_cipher_algorithm_t = 18;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_CCM`.
pub const GNUTLS_CIPHER_AES_128_CCM: gnutls_cipher_algorithm_t = 19;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_CCM`.
pub const GNUTLS_CIPHER_AES_256_CCM: gnutls_cipher_algorithm_t = 20;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_CCM_8`.
pub const GNUTLS_CIPHER_AES_128_CCM_8: gnutls_cipher_algorithm_t = 21;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_CCM_8`.
pub const GNUTLS_CIPHER_AES_256_CCM_8: gnutls_cipher_algorithm_t = 22;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_TC26Z_CFB`.
pub const GNUTLS_CIPHER_GOST28147_TC26Z_CFB: gnutls_cipher_algorithm_t = 24;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_CPA_CFB`.
pub const GNUTLS_CIPHER_GOST28147_CPA_CFB: gnutls_cipher_algorithm_t = 25;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_CPB_CFB`.
pub const GNUTLS_CIPHER_GOST28147_CPB_CFB: gnutls_cipher_algorithm_t = 26;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_CPC_CFB`.
pub const GNUTLS_CIPHER_GOST28147_CPC_CFB: gnutls_cipher_algorithm_t = 27;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_CPD_CFB`.
pub const GNUTLS_CIPHER_GOST28147_CPD_CFB: gnutls_cipher_algorithm_t = 28;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_CFB8`.
pub const GNUTLS_CIPHER_AES_128_CFB8: gnutls_cipher_algorithm_t = 29;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_192_CFB8`.
pub const GNUTLS_CIPHER_AES_192_CFB8: gnutls_cipher_algorithm_t = 30;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_CFB8`.
pub const GNUTLS_CIPHER_AES_256_CFB8: gnutls_cipher_algorithm_t = 31;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_XTS`.
pub const GNUTLS_CIPHER_AES_128_XTS: gnutls_cipher_algorithm_t = 32;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_XTS`.
pub const GNUTLS_CIPHER_AES_256_XTS: gnutls_cipher_algorithm_t = 33;
/// GnuTLS's cipher `GNUTLS_CIPHER_GOST28147_TC26Z_CNT`.
pub const GNUTLS_CIPHER_GOST28147_TC26Z_CNT: gnutls_cipher_algorithm_t = 34;
/// GnuTLS's cipher `GNUTLS_CIPHER_CHACHA20_64`.
pub const GNUTLS_CIPHER_CHACHA20_64: gnutls_cipher_algorithm_t = 35;
/// GnuTLS's cipher `GNUTLS_CIPHER_CHACHA20_32`.
pub const GNUTLS_CIPHER_CHACHA20_32: gnutls_cipher_algorithm_t = 36;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_128_SIV`.
pub const GNUTLS_CIPHER_AES_128_SIV: gnutls_cipher_algorithm_t = 37;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_256_SIV`.
pub const GNUTLS_CIPHER_AES_256_SIV: gnutls_cipher_algorithm_t = 38;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES_192_GCM`.
pub const GNUTLS_CIPHER_AES_192_GCM: gnutls_cipher_algorithm_t = 39;
/// GnuTLS's cipher `GNUTLS_CIPHER_MAGMA_CTR_ACPKM`.
pub const GNUTLS_CIPHER_MAGMA_CTR_ACPKM: gnutls_cipher_algorithm_t = 40;
/// GnuTLS's cipher `GNUTLS_CIPHER_KUZNYECHIK_CTR_ACPKM`.
pub const GNUTLS_CIPHER_KUZNYECHIK_CTR_ACPKM: gnutls_cipher_algorithm_t = 41;
/// GnuTLS's cipher `GNUTLS_CIPHER_IDEA_PGP_CFB`.
pub const GNUTLS_CIPHER_IDEA_PGP_CFB: gnutls_cipher_algorithm_t = 200;
/// GnuTLS's cipher `GNUTLS_CIPHER_3DES_PGP_CFB`.
pub const GNUTLS_CIPHER_3DES_PGP_CFB: gnutls_cipher_algorithm_t = 201;
/// GnuTLS's cipher `GNUTLS_CIPHER_CAST5_PGP_CFB`.
pub const GNUTLS_CIPHER_CAST5_PGP_CFB: gnutls_cipher_algorithm_t = 202;
/// GnuTLS's cipher `GNUTLS_CIPHER_BLOWFISH_PGP_CFB`.
pub const GNUTLS_CIPHER_BLOWFISH_PGP_CFB: gnutls_cipher_algorithm_t = 203;
/// GnuTLS's cipher `GNUTLS_CIPHER_SAFER_SK128_PGP_CFB`.
pub const GNUTLS_CIPHER_SAFER_SK128_PGP_CFB: gnutls_cipher_algorithm_t = 204;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES128_PGP_CFB`.
pub const GNUTLS_CIPHER_AES128_PGP_CFB: gnutls_cipher_algorithm_t = 205;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES192_PGP_CFB`.
pub const GNUTLS_CIPHER_AES192_PGP_CFB: gnutls_cipher_algorithm_t = 206;
/// GnuTLS's cipher `GNUTLS_CIPHER_AES256_PGP_CFB`.
pub const GNUTLS_CIPHER_AES256_PGP_CFB: gnutls_cipher_algorithm_t = 207;
/// GnuTLS's cipher `GNUTLS_CIPHER_TWOFISH_PGP_CFB`.
pub const GNUTLS_CIPHER_TWOFISH_PGP_CFB: gnutls_cipher_algorithm_t = 208;

/// A key exchange algorithm.
#[allow(non_camel_case_types)]
pub type gnutls_kx_algorithm_t = c_int;
/// GnuTLS's key exchange `GNUTLS_KX_UNKNOWN`.
pub const GNUTLS_KX_UNKNOWN: gnutls_kx_algorithm_t = 0;
/// GnuTLS's key exchange `GNUTLS_KX_RSA`.
pub const GNUTLS_KX_RSA: gnutls_kx_algorithm_t = 1;
/// GnuTLS's key exchange `GNUTLS_KX_DHE_DSS`.
pub const GNUTLS_KX_DHE_DSS: gnutls_kx_algorithm_t = 2;
/// GnuTLS's key exchange `GNUTLS_KX_DHE_RSA`.
pub const GNUTLS_KX_DHE_RSA: gnutls_kx_algorithm_t = 3;
/// GnuTLS's key exchange `GNUTLS_KX_ANON_DH`.
pub const GNUTLS_KX_ANON_DH: gnutls_kx_algorithm_t = 4;
/// GnuTLS's key exchange `GNUTLS_KX_SRP`.
pub const GNUTLS_KX_SRP: gnutls_kx_algorithm_t = 5;
/// GnuTLS's key exchange `GNUTLS_KX_RSA_EXPORT`.
pub const GNUTLS_KX_RSA_EXPORT: gnutls_kx_algorithm_t = 6;
/// GnuTLS's key exchange `GNUTLS_KX_SRP_RSA`.
pub const GNUTLS_KX_SRP_RSA: gnutls_kx_algorithm_t = 7;
/// GnuTLS's key exchange `GNUTLS_KX_SRP_DSS`.
pub const GNUTLS_KX_SRP_DSS: gnutls_kx_algorithm_t = 8;
/// GnuTLS's key exchange `GNUTLS_KX_PSK`.
pub const GNUTLS_KX_PSK: gnutls_kx_algorithm_t = 9;
/// GnuTLS's key exchange `GNUTLS_KX_DHE_PSK`.
pub const GNUTLS_KX_DHE_PSK: gnutls_kx_algorithm_t = 10;
/// GnuTLS's key exchange `GNUTLS_KX_ANON_ECDH`.
pub const GNUTLS_KX_ANON_ECDH: gnutls_kx_algorithm_t = 11;
/// GnuTLS's key exchange `GNUTLS_KX_ECDHE_RSA`.
pub const GNUTLS_KX_ECDHE_RSA: gnutls_kx_algorithm_t = 12;
/// GnuTLS's key exchange `GNUTLS_KX_ECDHE_ECDSA`.
pub const GNUTLS_KX_ECDHE_ECDSA: gnutls_kx_algorithm_t = 13;
/// GnuTLS's key exchange `GNUTLS_KX_ECDHE_PSK`.
pub const GNUTLS_KX_ECDHE_PSK: gnutls_kx_algorithm_t = 14;
/// GnuTLS's key exchange `GNUTLS_KX_RSA_PSK`.
pub const GNUTLS_KX_RSA_PSK: gnutls_kx_algorithm_t = 15;
/// GnuTLS's key exchange `GNUTLS_KX_VKO_GOST_12`.
pub const GNUTLS_KX_VKO_GOST_12: gnutls_kx_algorithm_t = 16;

/// A MAC algorithm.
#[allow(non_camel_case_types)]
pub type gnutls_mac_algorithm_t = c_int;
/// GnuTLS's MAC `GNUTLS_MAC_UNKNOWN`.
pub const GNUTLS_MAC_UNKNOWN: gnutls_mac_algorithm_t = 0;
/// GnuTLS's MAC `GNUTLS_MAC_NULL`.
pub const GNUTLS_MAC_NULL: gnutls_mac_algorithm_t = 1;
/// GnuTLS's MAC `GNUTLS_MAC_MD5`.
pub const GNUTLS_MAC_MD5: gnutls_mac_algorithm_t = 2;
/// GnuTLS's MAC `GNUTLS_MAC_SHA1`.
pub const GNUTLS_MAC_SHA1: gnutls_mac_algorithm_t = 3;
/// GnuTLS's MAC `GNUTLS_MAC_RMD160`.
pub const GNUTLS_MAC_RMD160: gnutls_mac_algorithm_t = 4;
/// GnuTLS's MAC `GNUTLS_MAC_MD2`.
pub const GNUTLS_MAC_MD2: gnutls_mac_algorithm_t = 5;
/// GnuTLS's MAC `GNUTLS_MAC_SHA256`.
pub const GNUTLS_MAC_SHA256: gnutls_mac_algorithm_t = 6;
/// GnuTLS's MAC `GNUTLS_MAC_SHA384`.
pub const GNUTLS_MAC_SHA384: gnutls_mac_algorithm_t = 7;
/// GnuTLS's MAC `GNUTLS_MAC_SHA512`.
pub const GNUTLS_MAC_SHA512: gnutls_mac_algorithm_t = 8;
/// GnuTLS's MAC `GNUTLS_MAC_SHA224`.
pub const GNUTLS_MAC_SHA224: gnutls_mac_algorithm_t = 9;
/// GnuTLS's MAC `GNUTLS_MAC_SHA3_224`.
pub const GNUTLS_MAC_SHA3_224: gnutls_mac_algorithm_t = 10;
/// GnuTLS's MAC `GNUTLS_MAC_SHA3_256`.
pub const GNUTLS_MAC_SHA3_256: gnutls_mac_algorithm_t = 11;
/// GnuTLS's MAC `GNUTLS_MAC_SHA3_384`.
pub const GNUTLS_MAC_SHA3_384: gnutls_mac_algorithm_t = 12;
/// GnuTLS's MAC `GNUTLS_MAC_SHA3_512`.
pub const GNUTLS_MAC_SHA3_512: gnutls_mac_algorithm_t = 13;
/// GnuTLS's MAC `GNUTLS_MAC_MD5_SHA1`.
pub const GNUTLS_MAC_MD5_SHA1: gnutls_mac_algorithm_t = 14;
/// GnuTLS's MAC `GNUTLS_MAC_GOSTR_94`.
pub const GNUTLS_MAC_GOSTR_94: gnutls_mac_algorithm_t = 15;
/// GnuTLS's MAC `GNUTLS_MAC_STREEBOG_256`.
pub const GNUTLS_MAC_STREEBOG_256: gnutls_mac_algorithm_t = 16;
/// GnuTLS's MAC `GNUTLS_MAC_STREEBOG_512`.
pub const GNUTLS_MAC_STREEBOG_512: gnutls_mac_algorithm_t = 17;
/// GnuTLS's MAC `GNUTLS_MAC_AEAD`.
pub const GNUTLS_MAC_AEAD: gnutls_mac_algorithm_t = 200;
/// GnuTLS's MAC `GNUTLS_MAC_UMAC_96`.
pub const GNUTLS_MAC_UMAC_96: gnutls_mac_algorithm_t = 201;
/// GnuTLS's MAC `GNUTLS_MAC_UMAC_128`.
pub const GNUTLS_MAC_UMAC_128: gnutls_mac_algorithm_t = 202;
/// GnuTLS's MAC `GNUTLS_MAC_AES_CMAC_128`.
pub const GNUTLS_MAC_AES_CMAC_128: gnutls_mac_algorithm_t = 203;
/// GnuTLS's MAC `GNUTLS_MAC_AES_CMAC_256`.
pub const GNUTLS_MAC_AES_CMAC_256: gnutls_mac_algorithm_t = 204;
/// GnuTLS's MAC `GNUTLS_MAC_AES_GMAC_128`.
pub const GNUTLS_MAC_AES_GMAC_128: gnutls_mac_algorithm_t = 205;
/// GnuTLS's MAC `GNUTLS_MAC_AES_GMAC_192`.
pub const GNUTLS_MAC_AES_GMAC_192: gnutls_mac_algorithm_t = 206;
/// GnuTLS's MAC `GNUTLS_MAC_AES_GMAC_256`.
pub const GNUTLS_MAC_AES_GMAC_256: gnutls_mac_algorithm_t = 207;
/// GnuTLS's MAC `GNUTLS_MAC_GOST28147_TC26Z_IMIT`.
pub const GNUTLS_MAC_GOST28147_TC26Z_IMIT: gnutls_mac_algorithm_t = 208;
/// GnuTLS's MAC `GNUTLS_MAC_SHAKE_128`.
pub const GNUTLS_MAC_SHAKE_128: gnutls_mac_algorithm_t = 209;
/// GnuTLS's MAC `GNUTLS_MAC_SHAKE_256`.
pub const GNUTLS_MAC_SHAKE_256: gnutls_mac_algorithm_t = 210;
/// GnuTLS's MAC `GNUTLS_MAC_MAGMA_OMAC`.
pub const GNUTLS_MAC_MAGMA_OMAC: gnutls_mac_algorithm_t = 211;
/// GnuTLS's MAC `GNUTLS_MAC_KUZNYECHIK_OMAC`.
pub const GNUTLS_MAC_KUZNYECHIK_OMAC: gnutls_mac_algorithm_t = 212;

/// A hash algorithm (the same numbers as the MACs).
#[allow(non_camel_case_types)]
pub type gnutls_digest_algorithm_t = c_int;
/// GnuTLS's hash `GNUTLS_DIG_UNKNOWN`.
pub const GNUTLS_DIG_UNKNOWN: gnutls_digest_algorithm_t = 0;
/// GnuTLS's hash `GNUTLS_DIG_NULL`.
pub const GNUTLS_DIG_NULL: gnutls_digest_algorithm_t = 1;
/// GnuTLS's hash `GNUTLS_DIG_MD5`.
pub const GNUTLS_DIG_MD5: gnutls_digest_algorithm_t = 2;
/// GnuTLS's hash `GNUTLS_DIG_SHA1`.
pub const GNUTLS_DIG_SHA1: gnutls_digest_algorithm_t = 3;
/// GnuTLS's hash `GNUTLS_DIG_RMD160`.
pub const GNUTLS_DIG_RMD160: gnutls_digest_algorithm_t = 4;
/// GnuTLS's hash `GNUTLS_DIG_MD2`.
pub const GNUTLS_DIG_MD2: gnutls_digest_algorithm_t = 5;
/// GnuTLS's hash `GNUTLS_DIG_SHA256`.
pub const GNUTLS_DIG_SHA256: gnutls_digest_algorithm_t = 6;
/// GnuTLS's hash `GNUTLS_DIG_SHA384`.
pub const GNUTLS_DIG_SHA384: gnutls_digest_algorithm_t = 7;
/// GnuTLS's hash `GNUTLS_DIG_SHA512`.
pub const GNUTLS_DIG_SHA512: gnutls_digest_algorithm_t = 8;
/// GnuTLS's hash `GNUTLS_DIG_SHA224`.
pub const GNUTLS_DIG_SHA224: gnutls_digest_algorithm_t = 9;
/// GnuTLS's hash `GNUTLS_DIG_SHA3_224`.
pub const GNUTLS_DIG_SHA3_224: gnutls_digest_algorithm_t = 10;
/// GnuTLS's hash `GNUTLS_DIG_SHA3_256`.
pub const GNUTLS_DIG_SHA3_256: gnutls_digest_algorithm_t = 11;
/// GnuTLS's hash `GNUTLS_DIG_SHA3_384`.
pub const GNUTLS_DIG_SHA3_384: gnutls_digest_algorithm_t = 12;
/// GnuTLS's hash `GNUTLS_DIG_SHA3_512`.
pub const GNUTLS_DIG_SHA3_512: gnutls_digest_algorithm_t = 13;
/// GnuTLS's hash `GNUTLS_DIG_MD5_SHA1`.
pub const GNUTLS_DIG_MD5_SHA1: gnutls_digest_algorithm_t = 14;
/// GnuTLS's hash `GNUTLS_DIG_GOSTR_94`.
pub const GNUTLS_DIG_GOSTR_94: gnutls_digest_algorithm_t = 15;
/// GnuTLS's hash `GNUTLS_DIG_STREEBOG_256`.
pub const GNUTLS_DIG_STREEBOG_256: gnutls_digest_algorithm_t = 16;
/// GnuTLS's hash `GNUTLS_DIG_STREEBOG_512`.
pub const GNUTLS_DIG_STREEBOG_512: gnutls_digest_algorithm_t = 17;
/// GnuTLS's hash `GNUTLS_DIG_SHAKE_128`.
pub const GNUTLS_DIG_SHAKE_128: gnutls_digest_algorithm_t = 209;
/// GnuTLS's hash `GNUTLS_DIG_SHAKE_256`.
pub const GNUTLS_DIG_SHAKE_256: gnutls_digest_algorithm_t = 210;

/// `gnutls_alert_level_t`: an alert's severity.
#[allow(non_camel_case_types)]
pub type gnutls_alert_level_t = c_int;
/// A warning alert.
pub const GNUTLS_AL_WARNING: gnutls_alert_level_t = 1;
/// A fatal alert.
pub const GNUTLS_AL_FATAL: gnutls_alert_level_t = 2;

/// A TLS alert description (the wire value).
#[allow(non_camel_case_types)]
pub type gnutls_alert_description_t = c_int;
/// GnuTLS's alert `GNUTLS_A_CLOSE_NOTIFY`.
pub const GNUTLS_A_CLOSE_NOTIFY: gnutls_alert_description_t = 0;
/// GnuTLS's alert `GNUTLS_A_UNEXPECTED_MESSAGE`.
pub const GNUTLS_A_UNEXPECTED_MESSAGE: gnutls_alert_description_t = 10;
/// GnuTLS's alert `GNUTLS_A_BAD_RECORD_MAC`.
pub const GNUTLS_A_BAD_RECORD_MAC: gnutls_alert_description_t = 20;
/// GnuTLS's alert `GNUTLS_A_DECRYPTION_FAILED`.
pub const GNUTLS_A_DECRYPTION_FAILED: gnutls_alert_description_t = 21;
/// GnuTLS's alert `GNUTLS_A_RECORD_OVERFLOW`.
pub const GNUTLS_A_RECORD_OVERFLOW: gnutls_alert_description_t = 22;
/// GnuTLS's alert `GNUTLS_A_DECOMPRESSION_FAILURE`.
pub const GNUTLS_A_DECOMPRESSION_FAILURE: gnutls_alert_description_t = 30;
/// GnuTLS's alert `GNUTLS_A_HANDSHAKE_FAILURE`.
pub const GNUTLS_A_HANDSHAKE_FAILURE: gnutls_alert_description_t = 40;
/// GnuTLS's alert `GNUTLS_A_SSL3_NO_CERTIFICATE`.
pub const GNUTLS_A_SSL3_NO_CERTIFICATE: gnutls_alert_description_t = 41;
/// GnuTLS's alert `GNUTLS_A_BAD_CERTIFICATE`.
pub const GNUTLS_A_BAD_CERTIFICATE: gnutls_alert_description_t = 42;
/// GnuTLS's alert `GNUTLS_A_UNSUPPORTED_CERTIFICATE`.
pub const GNUTLS_A_UNSUPPORTED_CERTIFICATE: gnutls_alert_description_t = 43;
/// GnuTLS's alert `GNUTLS_A_CERTIFICATE_REVOKED`.
pub const GNUTLS_A_CERTIFICATE_REVOKED: gnutls_alert_description_t = 44;
/// GnuTLS's alert `GNUTLS_A_CERTIFICATE_EXPIRED`.
pub const GNUTLS_A_CERTIFICATE_EXPIRED: gnutls_alert_description_t = 45;
/// GnuTLS's alert `GNUTLS_A_CERTIFICATE_UNKNOWN`.
pub const GNUTLS_A_CERTIFICATE_UNKNOWN: gnutls_alert_description_t = 46;
/// GnuTLS's alert `GNUTLS_A_ILLEGAL_PARAMETER`.
pub const GNUTLS_A_ILLEGAL_PARAMETER: gnutls_alert_description_t = 47;
/// GnuTLS's alert `GNUTLS_A_UNKNOWN_CA`.
pub const GNUTLS_A_UNKNOWN_CA: gnutls_alert_description_t = 48;
/// GnuTLS's alert `GNUTLS_A_ACCESS_DENIED`.
pub const GNUTLS_A_ACCESS_DENIED: gnutls_alert_description_t = 49;
/// GnuTLS's alert `GNUTLS_A_DECODE_ERROR`.
pub const GNUTLS_A_DECODE_ERROR: gnutls_alert_description_t = 50;
/// GnuTLS's alert `GNUTLS_A_DECRYPT_ERROR`.
pub const GNUTLS_A_DECRYPT_ERROR: gnutls_alert_description_t = 51;
/// GnuTLS's alert `GNUTLS_A_EXPORT_RESTRICTION`.
pub const GNUTLS_A_EXPORT_RESTRICTION: gnutls_alert_description_t = 60;
/// GnuTLS's alert `GNUTLS_A_PROTOCOL_VERSION`.
pub const GNUTLS_A_PROTOCOL_VERSION: gnutls_alert_description_t = 70;
/// GnuTLS's alert `GNUTLS_A_INSUFFICIENT_SECURITY`.
pub const GNUTLS_A_INSUFFICIENT_SECURITY: gnutls_alert_description_t = 71;
/// GnuTLS's alert `GNUTLS_A_INTERNAL_ERROR`.
pub const GNUTLS_A_INTERNAL_ERROR: gnutls_alert_description_t = 80;
/// GnuTLS's alert `GNUTLS_A_INAPPROPRIATE_FALLBACK`.
pub const GNUTLS_A_INAPPROPRIATE_FALLBACK: gnutls_alert_description_t = 86;
/// GnuTLS's alert `GNUTLS_A_USER_CANCELED`.
pub const GNUTLS_A_USER_CANCELED: gnutls_alert_description_t = 90;
/// GnuTLS's alert `GNUTLS_A_NO_RENEGOTIATION`.
pub const GNUTLS_A_NO_RENEGOTIATION: gnutls_alert_description_t = 100;
/// GnuTLS's alert `GNUTLS_A_MISSING_EXTENSION`.
pub const GNUTLS_A_MISSING_EXTENSION: gnutls_alert_description_t = 109;
/// GnuTLS's alert `GNUTLS_A_UNSUPPORTED_EXTENSION`.
pub const GNUTLS_A_UNSUPPORTED_EXTENSION: gnutls_alert_description_t = 110;
/// GnuTLS's alert `GNUTLS_A_CERTIFICATE_UNOBTAINABLE`.
pub const GNUTLS_A_CERTIFICATE_UNOBTAINABLE: gnutls_alert_description_t = 111;
/// GnuTLS's alert `GNUTLS_A_UNRECOGNIZED_NAME`.
pub const GNUTLS_A_UNRECOGNIZED_NAME: gnutls_alert_description_t = 112;
/// GnuTLS's alert `GNUTLS_A_UNKNOWN_PSK_IDENTITY`.
pub const GNUTLS_A_UNKNOWN_PSK_IDENTITY: gnutls_alert_description_t = 115;
/// GnuTLS's alert `GNUTLS_A_CERTIFICATE_REQUIRED`.
pub const GNUTLS_A_CERTIFICATE_REQUIRED: gnutls_alert_description_t = 116;
/// GnuTLS's alert `GNUTLS_A_NO_APPLICATION_PROTOCOL`.
pub const GNUTLS_A_NO_APPLICATION_PROTOCOL: gnutls_alert_description_t = 120;
/// GnuTLS's alert `GNUTLS_A_MAX`.
pub const GNUTLS_A_MAX: gnutls_alert_description_t = 120;

/// Certificate verification status bits (`gnutls_certificate_verify_peers3`).
#[allow(non_camel_case_types)]
pub type gnutls_certificate_status_t = c_uint;
/// GnuTLS's verification status bit `GNUTLS_CERT_REVOKED`.
pub const GNUTLS_CERT_REVOKED: gnutls_certificate_status_t = 1 << 5;
/// GnuTLS's verification status bit `GNUTLS_CERT_SIGNER_NOT_FOUND`.
pub const GNUTLS_CERT_SIGNER_NOT_FOUND: gnutls_certificate_status_t = 1 << 6;
/// GnuTLS's verification status bit `GNUTLS_CERT_SIGNER_NOT_CA`.
pub const GNUTLS_CERT_SIGNER_NOT_CA: gnutls_certificate_status_t = 1 << 7;
/// GnuTLS's verification status bit `GNUTLS_CERT_NOT_ACTIVATED`.
pub const GNUTLS_CERT_NOT_ACTIVATED: gnutls_certificate_status_t = 1 << 9;
/// GnuTLS's verification status bit `GNUTLS_CERT_EXPIRED`.
pub const GNUTLS_CERT_EXPIRED: gnutls_certificate_status_t = 1 << 10;
/// GnuTLS's verification status bit `GNUTLS_CERT_SIGNATURE_FAILURE`.
pub const GNUTLS_CERT_SIGNATURE_FAILURE: gnutls_certificate_status_t = 1 << 11;
/// GnuTLS's verification status bit `GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED`.
pub const GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED: gnutls_certificate_status_t = 1 << 12;
/// GnuTLS's verification status bit `GNUTLS_CERT_UNEXPECTED_OWNER`.
pub const GNUTLS_CERT_UNEXPECTED_OWNER: gnutls_certificate_status_t = 1 << 14;
/// GnuTLS's verification status bit `GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE`.
pub const GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE: gnutls_certificate_status_t = 1 << 15;
/// GnuTLS's verification status bit `GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE`.
pub const GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE: gnutls_certificate_status_t = 1 << 16;
/// GnuTLS's verification status bit `GNUTLS_CERT_MISMATCH`.
pub const GNUTLS_CERT_MISMATCH: gnutls_certificate_status_t = 1 << 17;
/// GnuTLS's verification status bit `GNUTLS_CERT_PURPOSE_MISMATCH`.
pub const GNUTLS_CERT_PURPOSE_MISMATCH: gnutls_certificate_status_t = 1 << 18;
/// GnuTLS's verification status bit `GNUTLS_CERT_MISSING_OCSP_STATUS`.
pub const GNUTLS_CERT_MISSING_OCSP_STATUS: gnutls_certificate_status_t = 1 << 19;
/// GnuTLS's verification status bit `GNUTLS_CERT_INVALID_OCSP_STATUS`.
pub const GNUTLS_CERT_INVALID_OCSP_STATUS: gnutls_certificate_status_t = 1 << 20;
/// GnuTLS's verification status bit `GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS`.
pub const GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS: gnutls_certificate_status_t = 1 << 21;

/// GnuTLS's protocol version `GNUTLS_SSL3`.
pub const GNUTLS_SSL3: gnutls_protocol_t = 1;
/// GnuTLS's protocol version `GNUTLS_TLS1_0`.
pub const GNUTLS_TLS1_0: gnutls_protocol_t = 2;
/// GnuTLS's protocol version `GNUTLS_TLS1`.
pub const GNUTLS_TLS1: gnutls_protocol_t = 2;
/// GnuTLS's protocol version `GNUTLS_TLS1_1`.
pub const GNUTLS_TLS1_1: gnutls_protocol_t = 3;
/// GnuTLS's protocol version `GNUTLS_DTLS0_9`.
pub const GNUTLS_DTLS0_9: gnutls_protocol_t = 200;
/// GnuTLS's protocol version `GNUTLS_DTLS1_0`.
pub const GNUTLS_DTLS1_0: gnutls_protocol_t = 201;
/// GnuTLS's protocol version `GNUTLS_DTLS1_2`.
pub const GNUTLS_DTLS1_2: gnutls_protocol_t = 202;
/// GnuTLS's protocol version `GNUTLS_DTLS_VERSION_MIN`.
pub const GNUTLS_DTLS_VERSION_MIN: gnutls_protocol_t = 200;
/// GnuTLS's protocol version `GNUTLS_DTLS_VERSION_MAX`.
pub const GNUTLS_DTLS_VERSION_MAX: gnutls_protocol_t = 202;
/// GnuTLS's protocol version `GNUTLS_VERSION_UNKNOWN`.
pub const GNUTLS_VERSION_UNKNOWN: gnutls_protocol_t = 255;

/// A certificate type.
#[allow(non_camel_case_types)]
pub type gnutls_certificate_type_t = c_int;
/// GnuTLS's certificate type `GNUTLS_CRT_UNKNOWN`.
pub const GNUTLS_CRT_UNKNOWN: gnutls_certificate_type_t = 0;
/// Whose certificate type `gnutls_certificate_type_get2` reports.
#[allow(non_camel_case_types)]
pub type gnutls_ctype_target_t = c_int;
/// The client's.
pub const GNUTLS_CTYPE_CLIENT: gnutls_ctype_target_t = 0;
/// The server's.
pub const GNUTLS_CTYPE_SERVER: gnutls_ctype_target_t = 1;
/// Ours.
pub const GNUTLS_CTYPE_OURS: gnutls_ctype_target_t = 2;
/// The peer's.
pub const GNUTLS_CTYPE_PEERS: gnutls_ctype_target_t = 3;

/// GnuTLS's certificate type `GNUTLS_CRT_X509`.
pub const GNUTLS_CRT_X509: gnutls_certificate_type_t = 1;
/// GnuTLS's certificate type `GNUTLS_CRT_OPENPGP`.
pub const GNUTLS_CRT_OPENPGP: gnutls_certificate_type_t = 2;
/// GnuTLS's certificate type `GNUTLS_CRT_RAWPK`.
pub const GNUTLS_CRT_RAWPK: gnutls_certificate_type_t = 3;
/// GnuTLS's certificate type `GNUTLS_CRT_MAX`.
pub const GNUTLS_CRT_MAX: gnutls_certificate_type_t = 3;

/// A signature algorithm.
#[allow(non_camel_case_types)]
pub type gnutls_sign_algorithm_t = c_int;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_UNKNOWN`.
pub const GNUTLS_SIGN_UNKNOWN: gnutls_sign_algorithm_t = 0;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA1`.
pub const GNUTLS_SIGN_RSA_SHA1: gnutls_sign_algorithm_t = 1;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA`.
pub const GNUTLS_SIGN_RSA_SHA: gnutls_sign_algorithm_t = 1;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA1`.
pub const GNUTLS_SIGN_DSA_SHA1: gnutls_sign_algorithm_t = 2;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA`.
pub const GNUTLS_SIGN_DSA_SHA: gnutls_sign_algorithm_t = 2;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_MD5`.
pub const GNUTLS_SIGN_RSA_MD5: gnutls_sign_algorithm_t = 3;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_MD2`.
pub const GNUTLS_SIGN_RSA_MD2: gnutls_sign_algorithm_t = 4;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_RMD160`.
pub const GNUTLS_SIGN_RSA_RMD160: gnutls_sign_algorithm_t = 5;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA256`.
pub const GNUTLS_SIGN_RSA_SHA256: gnutls_sign_algorithm_t = 6;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA384`.
pub const GNUTLS_SIGN_RSA_SHA384: gnutls_sign_algorithm_t = 7;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA512`.
pub const GNUTLS_SIGN_RSA_SHA512: gnutls_sign_algorithm_t = 8;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA224`.
pub const GNUTLS_SIGN_RSA_SHA224: gnutls_sign_algorithm_t = 9;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA224`.
pub const GNUTLS_SIGN_DSA_SHA224: gnutls_sign_algorithm_t = 10;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA256`.
pub const GNUTLS_SIGN_DSA_SHA256: gnutls_sign_algorithm_t = 11;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA1`.
pub const GNUTLS_SIGN_ECDSA_SHA1: gnutls_sign_algorithm_t = 12;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA224`.
pub const GNUTLS_SIGN_ECDSA_SHA224: gnutls_sign_algorithm_t = 13;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA256`.
pub const GNUTLS_SIGN_ECDSA_SHA256: gnutls_sign_algorithm_t = 14;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA384`.
pub const GNUTLS_SIGN_ECDSA_SHA384: gnutls_sign_algorithm_t = 15;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA512`.
pub const GNUTLS_SIGN_ECDSA_SHA512: gnutls_sign_algorithm_t = 16;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA384`.
pub const GNUTLS_SIGN_DSA_SHA384: gnutls_sign_algorithm_t = 17;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA512`.
pub const GNUTLS_SIGN_DSA_SHA512: gnutls_sign_algorithm_t = 18;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA3_224`.
pub const GNUTLS_SIGN_ECDSA_SHA3_224: gnutls_sign_algorithm_t = 20;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA3_256`.
pub const GNUTLS_SIGN_ECDSA_SHA3_256: gnutls_sign_algorithm_t = 21;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA3_384`.
pub const GNUTLS_SIGN_ECDSA_SHA3_384: gnutls_sign_algorithm_t = 22;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SHA3_512`.
pub const GNUTLS_SIGN_ECDSA_SHA3_512: gnutls_sign_algorithm_t = 23;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA3_224`.
pub const GNUTLS_SIGN_DSA_SHA3_224: gnutls_sign_algorithm_t = 24;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA3_256`.
pub const GNUTLS_SIGN_DSA_SHA3_256: gnutls_sign_algorithm_t = 25;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA3_384`.
pub const GNUTLS_SIGN_DSA_SHA3_384: gnutls_sign_algorithm_t = 26;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_DSA_SHA3_512`.
pub const GNUTLS_SIGN_DSA_SHA3_512: gnutls_sign_algorithm_t = 27;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA3_224`.
pub const GNUTLS_SIGN_RSA_SHA3_224: gnutls_sign_algorithm_t = 28;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA3_256`.
pub const GNUTLS_SIGN_RSA_SHA3_256: gnutls_sign_algorithm_t = 29;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA3_384`.
pub const GNUTLS_SIGN_RSA_SHA3_384: gnutls_sign_algorithm_t = 30;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_SHA3_512`.
pub const GNUTLS_SIGN_RSA_SHA3_512: gnutls_sign_algorithm_t = 31;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_SHA256`.
pub const GNUTLS_SIGN_RSA_PSS_SHA256: gnutls_sign_algorithm_t = 32;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_SHA384`.
pub const GNUTLS_SIGN_RSA_PSS_SHA384: gnutls_sign_algorithm_t = 33;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_SHA512`.
pub const GNUTLS_SIGN_RSA_PSS_SHA512: gnutls_sign_algorithm_t = 34;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_EDDSA_ED25519`.
pub const GNUTLS_SIGN_EDDSA_ED25519: gnutls_sign_algorithm_t = 35;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_RAW`.
pub const GNUTLS_SIGN_RSA_RAW: gnutls_sign_algorithm_t = 36;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SECP256R1_SHA256`.
pub const GNUTLS_SIGN_ECDSA_SECP256R1_SHA256: gnutls_sign_algorithm_t = 37;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SECP384R1_SHA384`.
pub const GNUTLS_SIGN_ECDSA_SECP384R1_SHA384: gnutls_sign_algorithm_t = 38;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_ECDSA_SECP521R1_SHA512`.
pub const GNUTLS_SIGN_ECDSA_SECP521R1_SHA512: gnutls_sign_algorithm_t = 39;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_RSAE_SHA256`.
pub const GNUTLS_SIGN_RSA_PSS_RSAE_SHA256: gnutls_sign_algorithm_t = 40;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_RSAE_SHA384`.
pub const GNUTLS_SIGN_RSA_PSS_RSAE_SHA384: gnutls_sign_algorithm_t = 41;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_RSA_PSS_RSAE_SHA512`.
pub const GNUTLS_SIGN_RSA_PSS_RSAE_SHA512: gnutls_sign_algorithm_t = 42;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_GOST_94`.
pub const GNUTLS_SIGN_GOST_94: gnutls_sign_algorithm_t = 43;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_GOST_256`.
pub const GNUTLS_SIGN_GOST_256: gnutls_sign_algorithm_t = 44;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_GOST_512`.
pub const GNUTLS_SIGN_GOST_512: gnutls_sign_algorithm_t = 45;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_EDDSA_ED448`.
pub const GNUTLS_SIGN_EDDSA_ED448: gnutls_sign_algorithm_t = 46;
/// GnuTLS's signature algorithm `GNUTLS_SIGN_MAX`.
pub const GNUTLS_SIGN_MAX: gnutls_sign_algorithm_t = 46;

/// A key-exchange group.
#[allow(non_camel_case_types)]
pub type gnutls_group_t = c_int;
/// GnuTLS's group `GNUTLS_GROUP_INVALID`.
pub const GNUTLS_GROUP_INVALID: gnutls_group_t = 0;
/// GnuTLS's group `GNUTLS_GROUP_SECP192R1`.
pub const GNUTLS_GROUP_SECP192R1: gnutls_group_t = 5;
/// GnuTLS's group `GNUTLS_GROUP_SECP224R1`.
pub const GNUTLS_GROUP_SECP224R1: gnutls_group_t = 1;
/// GnuTLS's group `GNUTLS_GROUP_SECP256R1`.
pub const GNUTLS_GROUP_SECP256R1: gnutls_group_t = 2;
/// GnuTLS's group `GNUTLS_GROUP_SECP384R1`.
pub const GNUTLS_GROUP_SECP384R1: gnutls_group_t = 3;
/// GnuTLS's group `GNUTLS_GROUP_SECP521R1`.
pub const GNUTLS_GROUP_SECP521R1: gnutls_group_t = 4;
/// GnuTLS's group `GNUTLS_GROUP_X25519`.
pub const GNUTLS_GROUP_X25519: gnutls_group_t = 6;
/// GnuTLS's group `GNUTLS_GROUP_X448`.
pub const GNUTLS_GROUP_X448: gnutls_group_t = 20;
/// GnuTLS's group `GNUTLS_GROUP_GC256A`.
pub const GNUTLS_GROUP_GC256A: gnutls_group_t = 16;
/// GnuTLS's group `GNUTLS_GROUP_GC256B`.
pub const GNUTLS_GROUP_GC256B: gnutls_group_t = 17;
/// GnuTLS's group `GNUTLS_GROUP_GC256C`.
pub const GNUTLS_GROUP_GC256C: gnutls_group_t = 18;
/// GnuTLS's group `GNUTLS_GROUP_GC256D`.
pub const GNUTLS_GROUP_GC256D: gnutls_group_t = 19;
/// GnuTLS's group `GNUTLS_GROUP_GC512A`.
pub const GNUTLS_GROUP_GC512A: gnutls_group_t = 13;
/// GnuTLS's group `GNUTLS_GROUP_GC512B`.
pub const GNUTLS_GROUP_GC512B: gnutls_group_t = 14;
/// GnuTLS's group `GNUTLS_GROUP_GC512C`.
pub const GNUTLS_GROUP_GC512C: gnutls_group_t = 15;
/// GnuTLS's group `GNUTLS_GROUP_FFDHE2048`.
pub const GNUTLS_GROUP_FFDHE2048: gnutls_group_t = 256;
/// GnuTLS's group `GNUTLS_GROUP_FFDHE3072`.
pub const GNUTLS_GROUP_FFDHE3072: gnutls_group_t = 257;
/// GnuTLS's group `GNUTLS_GROUP_FFDHE4096`.
pub const GNUTLS_GROUP_FFDHE4096: gnutls_group_t = 258;
/// GnuTLS's group `GNUTLS_GROUP_FFDHE8192`.
pub const GNUTLS_GROUP_FFDHE8192: gnutls_group_t = 259;
/// GnuTLS's group `GNUTLS_GROUP_FFDHE6144`.
pub const GNUTLS_GROUP_FFDHE6144: gnutls_group_t = 260;
/// GnuTLS's group `GNUTLS_GROUP_MAX`.
pub const GNUTLS_GROUP_MAX: gnutls_group_t = 260;
