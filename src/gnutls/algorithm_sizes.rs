//! The sizes GnuTLS 3.7 reports for its algorithm identifiers: cipher key,
//! IV, block and tag sizes (`gnutls_cipher_get_*_size`), digest and MAC
//! output and key sizes (`gnutls_hash_get_len`, `gnutls_hmac_get_len`,
//! `gnutls_mac_get_key_size`). Facts about the algorithms, whether or not
//! stepup computes them; 0 for an identifier GnuTLS does not know.

/// A cipher's sizes in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CipherSizes {
    /// The key.
    pub key: usize,
    /// The IV (or nonce).
    pub iv: u32,
    /// The block (1 for a stream cipher, 64 for ChaCha20 and Salsa20).
    pub block: u32,
    /// The authentication tag (0 without one).
    pub tag: u32,
}

const fn c(key: usize, iv: u32, block: u32, tag: u32) -> CipherSizes {
    CipherSizes {
        key,
        iv,
        block,
        tag,
    }
}

/// `gnutls_cipher_algorithm_t` values 1 to 41, in order.
const CIPHERS: [CipherSizes; 41] = [
    c(0, 0, 1, 0),     // NULL
    c(16, 0, 1, 0),    // ARCFOUR-128
    c(24, 8, 8, 0),    // 3DES-CBC
    c(16, 16, 16, 0),  // AES-128-CBC
    c(32, 16, 16, 0),  // AES-256-CBC
    c(5, 0, 1, 0),     // ARCFOUR-40
    c(16, 16, 16, 0),  // CAMELLIA-128-CBC
    c(32, 16, 16, 0),  // CAMELLIA-256-CBC
    c(24, 16, 16, 0),  // AES-192-CBC
    c(16, 12, 16, 16), // AES-128-GCM
    c(32, 12, 16, 16), // AES-256-GCM
    c(24, 16, 16, 0),  // CAMELLIA-192-CBC
    c(32, 8, 64, 0),   // SALSA20-256
    c(32, 8, 64, 0),   // ESTREAM-SALSA20-256
    c(16, 12, 16, 16), // CAMELLIA-128-GCM
    c(32, 12, 16, 16), // CAMELLIA-256-GCM
    c(5, 8, 8, 0),     // RC2-40
    c(8, 8, 8, 0),     // DES-CBC
    c(16, 12, 16, 16), // AES-128-CCM
    c(32, 12, 16, 16), // AES-256-CCM
    c(16, 12, 16, 8),  // AES-128-CCM-8
    c(32, 12, 16, 8),  // AES-256-CCM-8
    c(32, 12, 64, 16), // CHACHA20-POLY1305
    c(32, 8, 8, 0),    // GOST28147-TC26Z-CFB
    c(32, 8, 8, 0),    // GOST28147-CPA-CFB
    c(32, 8, 8, 0),    // GOST28147-CPB-CFB
    c(32, 8, 8, 0),    // GOST28147-CPC-CFB
    c(32, 8, 8, 0),    // GOST28147-CPD-CFB
    c(16, 16, 16, 0),  // AES-128-CFB8
    c(24, 16, 16, 0),  // AES-192-CFB8
    c(32, 16, 16, 0),  // AES-256-CFB8
    c(32, 16, 16, 0),  // AES-128-XTS
    c(64, 16, 16, 0),  // AES-256-XTS
    c(32, 8, 8, 0),    // GOST28147-TC26Z-CNT
    c(32, 16, 64, 0),  // CHACHA20-64
    c(32, 16, 64, 0),  // CHACHA20-32
    c(32, 16, 16, 16), // AES-128-SIV
    c(64, 16, 16, 16), // AES-256-SIV
    c(24, 12, 16, 16), // AES-192-GCM
    c(32, 8, 8, 0),    // MAGMA-CTR-ACPKM
    c(32, 16, 16, 0),  // KUZNYECHIK-CTR-ACPKM
];

/// The sizes of `gnutls_cipher_algorithm_t` `algorithm`, `None` when
/// GnuTLS does not know it.
pub fn cipher(algorithm: i32) -> Option<CipherSizes> {
    let index = usize::try_from(algorithm).ok()?.checked_sub(1)?;
    CIPHERS.get(index).copied()
}

/// The output size of `gnutls_digest_algorithm_t` `algorithm`; 0 for an
/// unknown one (and for MD2, which GnuTLS 3.7 does not compute).
pub fn digest_len(algorithm: i32) -> u32 {
    match algorithm {
        2 => 16,                // MD5
        3 | 4 => 20,            // SHA1, RMD160
        6 | 11 | 15 | 16 => 32, // SHA256, SHA3-256, GOSTR341194, STREEBOG-256
        7 | 12 => 48,           // SHA384, SHA3-384
        8 | 13 | 17 => 64,      // SHA512, SHA3-512, STREEBOG-512
        9 | 10 => 28,           // SHA224, SHA3-224
        14 => 36,               // MD5+SHA1
        _ => 0,
    }
}

/// The output and key sizes of `gnutls_mac_algorithm_t` `algorithm`
/// (HMACs have keys of their output's size); (0, 0) for an unknown one.
pub fn mac(algorithm: i32) -> (u32, usize) {
    match algorithm {
        201 => (12, 16), // UMAC-96
        202 => (16, 16), // UMAC-128
        203 => (16, 16), // AES-CMAC-128
        204 => (16, 32), // AES-CMAC-256
        205 => (16, 16), // AES-GMAC-128
        206 => (16, 24), // AES-GMAC-192
        207 => (16, 32), // AES-GMAC-256
        208 => (4, 32),  // GOST28147-TC26Z-IMIT
        // The HMACs share their digests' numbers and sizes.
        other => {
            let len = digest_len(other);
            (len, usize::try_from(len).unwrap_or(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_tls13_suites_and_nothing_outside_the_table() {
        assert_eq!(cipher(10), Some(c(16, 12, 16, 16)));
        assert_eq!(cipher(23), Some(c(32, 12, 64, 16)));
        assert_eq!(cipher(0), None);
        assert_eq!(cipher(42), None);
        assert_eq!(cipher(-1), None);
        assert_eq!(digest_len(6), 32);
        assert_eq!(digest_len(5), 0);
        assert_eq!(mac(6), (32, 32));
        assert_eq!(mac(204), (16, 32));
    }
}
