//! GnuTLS's hash and HMAC API (`gnutls_hash_*`, `gnutls_hmac_*`,
//! `gnutls_fingerprint`) over ring: SHA-1 and SHA-2 (256, 384, 512).
//! Other algorithms (MD5, SHA-224, SHA-3, ...) are `Unimplemented`: ring
//! does not provide them and we write no primitive of our own.

use ring::{digest, hmac};

use super::Error;

/// The ring digest of `gnutls_digest_algorithm_t` `algorithm`.
fn ring_digest(algorithm: i32) -> Result<&'static digest::Algorithm, Error> {
    match algorithm {
        3 => Ok(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        6 => Ok(&digest::SHA256),
        7 => Ok(&digest::SHA384),
        8 => Ok(&digest::SHA512),
        _ => Err(Error::Unimplemented),
    }
}

/// The ring HMAC of `gnutls_mac_algorithm_t` `algorithm`.
fn ring_hmac(algorithm: i32) -> Result<hmac::Algorithm, Error> {
    match algorithm {
        3 => Ok(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
        6 => Ok(hmac::HMAC_SHA256),
        7 => Ok(hmac::HMAC_SHA384),
        8 => Ok(hmac::HMAC_SHA512),
        _ => Err(Error::Unimplemented),
    }
}

/// `gnutls_hash_fast`.
pub fn hash_fast(algorithm: i32, data: &[u8]) -> Result<Vec<u8>, Error> {
    Ok(digest::digest(ring_digest(algorithm)?, data)
        .as_ref()
        .to_vec())
}

/// `gnutls_hmac_fast`.
pub fn hmac_fast(algorithm: i32, key: &[u8], data: &[u8]) -> Result<Vec<u8>, Error> {
    let key = hmac::Key::new(ring_hmac(algorithm)?, key);
    Ok(hmac::sign(&key, data).as_ref().to_vec())
}

/// A running hash (`gnutls_hash_hd_t`).
#[derive(Clone)]
pub struct Hash {
    algorithm: &'static digest::Algorithm,
    context: digest::Context,
}

impl Hash {
    /// `gnutls_hash_init`.
    pub fn new(algorithm: i32) -> Result<Self, Error> {
        let algorithm = ring_digest(algorithm)?;
        Ok(Self {
            algorithm,
            context: digest::Context::new(algorithm),
        })
    }

    /// The digest's length.
    pub fn output_len(&self) -> usize {
        self.algorithm.output_len()
    }

    /// `gnutls_hash`: appends `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// `gnutls_hash_output`: the digest of everything so far; the hash
    /// starts afresh.
    pub fn output(&mut self) -> Vec<u8> {
        let done = std::mem::replace(&mut self.context, digest::Context::new(self.algorithm));
        done.finish().as_ref().to_vec()
    }
}

/// A running HMAC (`gnutls_hmac_hd_t`).
#[derive(Clone)]
pub struct Hmac {
    key: hmac::Key,
    context: hmac::Context,
}

impl Hmac {
    /// `gnutls_hmac_init`.
    pub fn new(algorithm: i32, key: &[u8]) -> Result<Self, Error> {
        let key = hmac::Key::new(ring_hmac(algorithm)?, key);
        let context = hmac::Context::with_key(&key);
        Ok(Self { key, context })
    }

    /// The MAC's length.
    pub fn output_len(&self) -> usize {
        self.key.algorithm().digest_algorithm().output_len()
    }

    /// `gnutls_hmac`: appends `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// `gnutls_hmac_output`: the MAC of everything so far; the HMAC starts
    /// afresh with the same key.
    pub fn output(&mut self) -> Vec<u8> {
        let done = std::mem::replace(&mut self.context, hmac::Context::with_key(&self.key));
        done.sign().as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_resets_and_matches_the_one_shot_functions() {
        let mut h = Hash::new(6).unwrap();
        h.update(b"ab");
        h.update(b"c");
        assert_eq!(h.output(), hash_fast(6, b"abc").unwrap());
        assert_eq!(h.output(), hash_fast(6, b"").unwrap());
        let mut m = Hmac::new(7, b"key").unwrap();
        m.update(b"abc");
        assert_eq!(m.output(), hmac_fast(7, b"key", b"abc").unwrap());
        assert_eq!(m.output(), hmac_fast(7, b"key", b"").unwrap());
        assert_eq!(m.output_len(), 48);
        assert!(Hash::new(2).is_err(), "MD5 is not in ring");
    }
}
