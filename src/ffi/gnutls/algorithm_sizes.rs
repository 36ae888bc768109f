//! Sizes of GnuTLS's algorithms: `gnutls_cipher_get_key_size` and the IV,
//! block and tag sizes, `gnutls_hash_get_len`, `gnutls_hmac_get_len` and
//! the MAC key sizes (0 for an identifier GnuTLS does not know); and the
//! cipher suite table (`gnutls_cipher_suite_info`, `_get_name`).

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

/// Suite `idx` (from 0) of GnuTLS's cipher suite table: returns its name
/// ("TLS_AES_128_GCM_SHA256"; static, never free it) and writes its
/// two-byte identifier to `cs_id`, its key exchange, cipher and MAC, and
/// the oldest protocol it runs on to the other pointers (each only when not
/// NULL); NULL past the end of the table. The table lists the suites of
/// GnuTLS 3.7, most of them for TLS 1.2 and older, which stepup does not
/// negotiate.
///
/// # Safety
/// `cs_id` is NULL or writable for 2 bytes; the others are NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_cipher_suite_info(
    idx: usize,
    cs_id: *mut std::ffi::c_uchar,
    kx: *mut super::enums::gnutls_kx_algorithm_t,
    cipher: *mut gnutls_cipher_algorithm_t,
    mac: *mut gnutls_mac_algorithm_t,
    min_version: *mut super::types::gnutls_protocol_t,
) -> *const std::ffi::c_char {
    boundary::gnutls_or(std::ptr::null(), || {
        let Some(suite) = crate::gnutls::suite_table::suite(idx) else {
            return Ok(std::ptr::null());
        };
        // SAFETY: each pointer is NULL or writable, by the caller's promise.
        unsafe {
            if !cs_id.is_null() {
                std::ptr::copy_nonoverlapping(suite.id.as_ptr(), cs_id, 2);
            }
            if !kx.is_null() {
                kx.write(suite.kx);
            }
            if !cipher.is_null() {
                cipher.write(suite.cipher);
            }
            if !mac.is_null() {
                mac.write(suite.mac);
            }
            if !min_version.is_null() {
                min_version.write(suite.min_version);
            }
        }
        Ok(suite.name.as_ptr())
    })
}

/// The name (without "TLS_", e.g. "AES_128_GCM_SHA256"; static) of the
/// first suite in GnuTLS's table with key exchange `kx` (0 for TLS 1.3),
/// `cipher` and `mac`, or NULL when there is none.
#[unsafe(no_mangle)]
pub extern "C" fn gnutls_cipher_suite_get_name(
    kx: super::enums::gnutls_kx_algorithm_t,
    cipher: gnutls_cipher_algorithm_t,
    mac: gnutls_mac_algorithm_t,
) -> *const std::ffi::c_char {
    boundary::gnutls_or(std::ptr::null(), || {
        Ok(crate::gnutls::suite_table::name_of(kx, cipher, mac)
            .map_or(std::ptr::null(), |n| n.as_ptr()))
    })
}
