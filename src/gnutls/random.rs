//! `gnutls_rnd`: random bytes at a requested level.

use super::Error;
use crate::crypto;

/// `GNUTLS_RND_NONCE`: unpredictable, not secret.
pub const GNUTLS_RND_NONCE: i32 = 0;
/// `GNUTLS_RND_RANDOM`: unpredictable and secret (session keys).
pub const GNUTLS_RND_RANDOM: i32 = 1;
/// `GNUTLS_RND_KEY`: unpredictable and secret (long-term keys).
pub const GNUTLS_RND_KEY: i32 = 2;

/// Fills `out` with random bytes of `level`. Every level draws from the
/// operating system's CSPRNG, which is at least as strong as each level
/// demands. An unknown level fails like GnuTLS fails it.
pub fn fill(level: i32, out: &mut [u8]) -> Result<(), Error> {
    match level {
        GNUTLS_RND_NONCE | GNUTLS_RND_RANDOM | GNUTLS_RND_KEY => {
            crypto::fill_random(out).map_err(|_| Error::RandomFailed)
        }
        _ => Err(Error::RandomFailed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unknown_levels() {
        let mut buf = [0u8; 8];
        for level in [-1, 3, 4, 100] {
            assert_eq!(fill(level, &mut buf), Err(Error::RandomFailed));
        }
    }

    #[test]
    fn accepts_known_levels() {
        for level in [GNUTLS_RND_NONCE, GNUTLS_RND_RANDOM, GNUTLS_RND_KEY] {
            let mut buf = [0u8; 32];
            fill(level, &mut buf).unwrap();
            assert_ne!(buf, [0u8; 32]);
        }
    }
}
