//! The hash functions of TLS 1.3's cipher suites, and a running transcript hash.

use std::sync::OnceLock;

use ring::digest;

/// A hash function of a TLS 1.3 cipher suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlgorithm {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
}

impl HashAlgorithm {
    pub(crate) fn ring_digest(self) -> &'static digest::Algorithm {
        match self {
            Self::Sha256 => &digest::SHA256,
            Self::Sha384 => &digest::SHA384,
        }
    }

    /// The output length in bytes.
    pub fn output_len(self) -> usize {
        self.ring_digest().output_len()
    }

    /// The hash of nothing, which TLS 1.3's key schedule uses often.
    pub fn empty_hash(self) -> &'static [u8] {
        // Held inline, not on the heap: a library unloaded with dlclose
        // must leave nothing allocated behind.
        static SHA256: OnceLock<[u8; MAX_OUTPUT_LEN]> = OnceLock::new();
        static SHA384: OnceLock<[u8; MAX_OUTPUT_LEN]> = OnceLock::new();
        let cell = match self {
            Self::Sha256 => &SHA256,
            Self::Sha384 => &SHA384,
        };
        let bytes = cell.get_or_init(|| inline(&self.hash(&[])));
        &bytes[..self.output_len()]
    }

    /// The hash of `data`.
    pub fn hash(self, data: &[u8]) -> Vec<u8> {
        digest::digest(self.ring_digest(), data).as_ref().to_vec()
    }
}

/// The longest output of these hash functions.
pub const MAX_OUTPUT_LEN: usize = 48;

/// `bytes` (at most `MAX_OUTPUT_LEN`) at the start of an array.
pub fn inline(bytes: &[u8]) -> [u8; MAX_OUTPUT_LEN] {
    let mut out = [0u8; MAX_OUTPUT_LEN];
    out[..bytes.len()].copy_from_slice(bytes);
    out
}

/// A running hash of handshake messages. Cloning forks it (to hash a
/// transcript "so far" while continuing it).
#[derive(Clone)]
pub struct Transcript {
    algorithm: HashAlgorithm,
    context: digest::Context,
}

impl Transcript {
    /// An empty transcript.
    pub fn new(algorithm: HashAlgorithm) -> Self {
        Self {
            algorithm,
            context: digest::Context::new(algorithm.ring_digest()),
        }
    }

    /// The hash function.
    pub fn algorithm(&self) -> HashAlgorithm {
        self.algorithm
    }

    /// Appends bytes.
    pub fn update(&mut self, data: &[u8]) {
        self.context.update(data);
    }

    /// The hash of everything so far; the transcript continues.
    pub fn current(&self) -> Vec<u8> {
        self.context.clone().finish().as_ref().to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forks_without_disturbing_the_running_hash() {
        let mut t = Transcript::new(HashAlgorithm::Sha256);
        t.update(b"ab");
        let so_far = t.current();
        t.update(b"c");
        assert_eq!(so_far, HashAlgorithm::Sha256.hash(b"ab"));
        assert_eq!(t.current(), HashAlgorithm::Sha256.hash(b"abc"));
        assert_eq!(HashAlgorithm::Sha384.output_len(), 48);
    }
}
