//! GnuTLS's AEAD API (`gnutls_aead_cipher_*`) over the AEAD ciphers stepup
//! takes from ring: AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305, with
//! 12-byte nonces and full 16-byte tags. Sizes and codes as GnuTLS gives
//! them; the C boundary gathers scattered buffers into these calls.

use super::Error;
use crate::crypto::aead::{AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};

/// `GNUTLS_CIPHER_AES_128_GCM`.
const AES_128_GCM: i32 = 10;
/// `GNUTLS_CIPHER_AES_256_GCM`.
const AES_256_GCM: i32 = 11;
/// `GNUTLS_CIPHER_CHACHA20_POLY1305`.
const CHACHA20_POLY1305: i32 = 23;

/// An AEAD cipher with its key (`gnutls_aead_cipher_hd_t`).
pub struct AeadCipher {
    algorithm: AeadAlgorithm,
    key: AeadKey,
}

/// The algorithm of a GnuTLS cipher identifier; `InvalidRequest` for one
/// that is no AEAD ring provides (GnuTLS's answer for a non-AEAD cipher).
fn algorithm(id: i32) -> Result<AeadAlgorithm, Error> {
    match id {
        AES_128_GCM => Ok(AeadAlgorithm::Aes128Gcm),
        AES_256_GCM => Ok(AeadAlgorithm::Aes256Gcm),
        CHACHA20_POLY1305 => Ok(AeadAlgorithm::Chacha20Poly1305),
        _ => Err(Error::InvalidRequest),
    }
}

fn key(algorithm: AeadAlgorithm, bytes: &[u8]) -> Result<AeadKey, Error> {
    AeadKey::new(algorithm, bytes).ok_or(match algorithm {
        // GnuTLS's AES layer fails an odd key size as an internal error.
        AeadAlgorithm::Aes128Gcm | AeadAlgorithm::Aes256Gcm => Error::CipherKeySize,
        AeadAlgorithm::Chacha20Poly1305 => Error::InvalidRequest,
    })
}

fn nonce(bytes: &[u8]) -> Result<[u8; NONCE_LEN], Error> {
    <[u8; NONCE_LEN]>::try_from(bytes).map_err(|_| Error::InvalidRequest)
}

/// A tag size argument: 0 means the cipher's; only full tags are made.
fn check_tag_size(tag_size: usize) -> Result<(), Error> {
    if tag_size == 0 || tag_size == TAG_LEN {
        Ok(())
    } else {
        Err(Error::InvalidRequest)
    }
}

impl AeadCipher {
    /// `gnutls_aead_cipher_init`.
    pub fn new(id: i32, key_bytes: &[u8]) -> Result<Self, Error> {
        let algorithm = algorithm(id)?;
        Ok(Self {
            algorithm,
            key: key(algorithm, key_bytes)?,
        })
    }

    /// `gnutls_aead_cipher_set_key`: the same cipher with another key.
    pub fn set_key(&mut self, key_bytes: &[u8]) -> Result<(), Error> {
        self.key = key(self.algorithm, key_bytes)?;
        Ok(())
    }

    /// Bytes `seal` adds to the plaintext.
    pub fn tag_len(&self) -> usize {
        TAG_LEN
    }

    /// `gnutls_aead_cipher_encrypt`: the ciphertext followed by the tag,
    /// written to `out` when it has room (`ShortMemoryBuffer` otherwise);
    /// returns its length.
    pub fn seal(
        &self,
        nonce_bytes: &[u8],
        aad: &[u8],
        tag_size: usize,
        plaintext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        check_tag_size(tag_size)?;
        let nonce = nonce(nonce_bytes)?;
        let total = plaintext
            .len()
            .checked_add(TAG_LEN)
            .ok_or(Error::InvalidRequest)?;
        let out = out.get_mut(..total).ok_or(Error::ShortMemoryBuffer)?;
        let (body, tag_out) = out.split_at_mut(plaintext.len());
        body.copy_from_slice(plaintext);
        let tag = self.seal_detached(nonce, aad, body)?;
        tag_out.copy_from_slice(&tag);
        Ok(total)
    }

    /// `gnutls_aead_cipher_encryptv2`: encrypts `data` in place; returns the
    /// tag.
    pub fn seal_in_place(
        &self,
        nonce_bytes: &[u8],
        aad: &[u8],
        data: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        self.seal_detached(nonce(nonce_bytes)?, aad, data)
    }

    fn seal_detached(
        &self,
        nonce: [u8; NONCE_LEN],
        aad: &[u8],
        data: &mut [u8],
    ) -> Result<[u8; TAG_LEN], Error> {
        self.key
            .try_seal_in_place(nonce, aad, data)
            .ok_or(Error::InvalidRequest)
    }

    /// `gnutls_aead_cipher_decrypt`: the plaintext of `ciphertext` (with its
    /// tag at the end), written to `out` when it has room
    /// (`ShortMemoryBuffer` otherwise); returns its length.
    /// `DecryptionFailed` when it does not authenticate or is shorter than
    /// a tag.
    pub fn open(
        &self,
        nonce_bytes: &[u8],
        aad: &[u8],
        tag_size: usize,
        ciphertext: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Error> {
        check_tag_size(tag_size)?;
        let nonce = nonce(nonce_bytes)?;
        let plain_len = ciphertext
            .len()
            .checked_sub(TAG_LEN)
            .ok_or(Error::DecryptionFailed)?;
        if out.len() < plain_len {
            return Err(Error::ShortMemoryBuffer);
        }
        let mut work = ciphertext.to_vec();
        let len = self
            .key
            .open_in_place(nonce, aad, &mut work)
            .map_err(|_| Error::DecryptionFailed)?;
        out[..len].copy_from_slice(&work[..len]);
        Ok(len)
    }

    /// `gnutls_aead_cipher_decryptv2`: decrypts `data` in place with the
    /// tag given apart; on failure `data` is left as it was.
    pub fn open_in_place(
        &self,
        nonce_bytes: &[u8],
        aad: &[u8],
        data: &mut [u8],
        tag: &[u8],
    ) -> Result<(), Error> {
        let nonce = nonce(nonce_bytes)?;
        let tag = <[u8; TAG_LEN]>::try_from(tag).map_err(|_| Error::InvalidRequest)?;
        let mut work = data.to_vec();
        self.key
            .open_in_place_detached(nonce, aad, &mut work, tag)
            .map_err(|_| Error::DecryptionFailed)?;
        data.copy_from_slice(&work);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 32] = [7; 32];
    const NONCE: [u8; 12] = [1; 12];

    #[test]
    fn seals_opens_and_refuses_what_gnutls_refuses() {
        let c = AeadCipher::new(AES_128_GCM, &KEY[..16]).unwrap();
        let mut out = [0u8; 64];
        let n = c.seal(&NONCE, b"aad", 0, b"hello", &mut out).unwrap();
        assert_eq!(n, 5 + TAG_LEN);
        let mut plain = [0u8; 5];
        assert_eq!(c.open(&NONCE, b"aad", 16, &out[..n], &mut plain), Ok(5));
        assert_eq!(&plain, b"hello");
        assert_eq!(
            c.open(&NONCE, b"AAD", 0, &out[..n], &mut plain),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            c.open(&NONCE, b"aad", 0, &out[..10], &mut plain),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(
            c.open(&NONCE, b"aad", 0, &out[..n], &mut plain[..4]),
            Err(Error::ShortMemoryBuffer)
        );
        assert_eq!(
            c.seal(&NONCE, b"aad", 0, b"hello", &mut out[..20]),
            Err(Error::ShortMemoryBuffer)
        );
        assert_eq!(
            c.seal(&NONCE[..8], b"aad", 0, b"hello", &mut out),
            Err(Error::InvalidRequest)
        );
        assert_eq!(
            AeadCipher::new(AES_128_GCM, &KEY[..7]).err(),
            Some(Error::CipherKeySize)
        );
        assert_eq!(
            AeadCipher::new(CHACHA20_POLY1305, &KEY[..7]).err(),
            Some(Error::InvalidRequest)
        );
        assert_eq!(
            AeadCipher::new(4, &KEY[..16]).err(),
            Some(Error::InvalidRequest)
        );
    }

    #[test]
    fn detached_tags_match_the_appended_ones_and_a_bad_tag_changes_nothing() {
        let c = AeadCipher::new(CHACHA20_POLY1305, &KEY).unwrap();
        let mut out = [0u8; 64];
        let n = c.seal(&NONCE, b"", 0, b"scattered", &mut out).unwrap();
        let mut data = *b"scattered";
        let tag = c.seal_in_place(&NONCE, b"", &mut data).unwrap();
        assert_eq!(&data[..], &out[..9]);
        assert_eq!(&tag[..], &out[9..n]);
        let mut bad = tag;
        bad[0] ^= 1;
        let sealed = data;
        assert_eq!(
            c.open_in_place(&NONCE, b"", &mut data, &bad),
            Err(Error::DecryptionFailed)
        );
        assert_eq!(data, sealed);
        c.open_in_place(&NONCE, b"", &mut data, &tag).unwrap();
        assert_eq!(&data, b"scattered");
    }
}
