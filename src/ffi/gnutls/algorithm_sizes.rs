//! Sizes of GnuTLS's algorithms: `gnutls_cipher_get_key_size` and the IV,
//! block and tag sizes, `gnutls_hash_get_len`, `gnutls_hmac_get_len` and
//! the MAC key sizes. Each answers 0 for an identifier GnuTLS does not know.

use std::ffi::c_uint;

use super::enums::{gnutls_digest_algorithm_t, gnutls_mac_algorithm_t};
use super::types::gnutls_cipher_algorithm_t;
use crate::ffi::boundary;
use crate::gnutls::algorithm_sizes::{cipher, digest_len, mac};

/// The key size of cipher `algorithm` in bytes (32 for AES-256-GCM), 0 for
/// an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_get_key_size(algorithm: gnutls_cipher_algorithm_t) -> usize {
    boundary::gnutls_or(0, || Ok(cipher(algorithm).map_or(0, |s| s.key)))
}

/// The IV (nonce) size of cipher `algorithm` in bytes, 0 for an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_get_iv_size(algorithm: gnutls_cipher_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(cipher(algorithm).map_or(0, |s| s.iv)))
}

/// The block size of cipher `algorithm` in bytes (1 for a stream cipher),
/// 0 for an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_get_block_size(algorithm: gnutls_cipher_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(cipher(algorithm).map_or(0, |s| s.block)))
}

/// The authentication tag size of cipher `algorithm` in bytes (0 for a
/// cipher without one and for an unknown one).
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_get_tag_size(algorithm: gnutls_cipher_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(cipher(algorithm).map_or(0, |s| s.tag)))
}

/// The output size of digest `algorithm` in bytes, 0 for an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_hash_get_len(algorithm: gnutls_digest_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(digest_len(algorithm)))
}

/// The output size of MAC `algorithm` in bytes, 0 for an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_hmac_get_len(algorithm: gnutls_mac_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(mac(algorithm).0))
}

/// The key size of MAC `algorithm` in bytes, 0 for an unknown one.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_mac_get_key_size(algorithm: gnutls_mac_algorithm_t) -> usize {
    boundary::gnutls_or(0, || Ok(mac(algorithm).1))
}

/// As `gnutls_mac_get_key_size`.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_hmac_get_key_size(algorithm: gnutls_mac_algorithm_t) -> c_uint {
    boundary::gnutls_or(0, || Ok(c_uint::try_from(mac(algorithm).1).unwrap_or(0)))
}
