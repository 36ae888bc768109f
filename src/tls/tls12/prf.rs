//! The TLS 1.2 pseudorandom function (RFC 5246 §5) and what TLS 1.2 derives
//! with it: the extended master secret (RFC 7627 §4), the key block
//! (RFC 5246 §6.3) and Finished's verify_data (RFC 5246 §7.4.9).

use zeroize::Zeroizing;

use crate::crypto::hash::HashAlgorithm;
use crate::crypto::hkdf::{SecretBytes, hmac_sign};

/// The master secret's length.
pub const MASTER_SECRET_LEN: usize = 48;
/// The length of Finished's verify_data.
pub const VERIFY_DATA_LEN: usize = 12;

/// PRF(secret, label, seed) of `len` bytes: P_hash(secret, label + seed),
/// where A(0) = label + seed, A(i) = HMAC(secret, A(i-1)) and the output
/// is HMAC(secret, A(1) + label + seed) + HMAC(secret, A(2) + label + seed)
/// + ..., cut to `len`.
pub fn prf(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    seed: &[u8],
    len: usize,
) -> SecretBytes {
    let mut label_seed = Vec::with_capacity(label.len() + seed.len());
    label_seed.extend_from_slice(label);
    label_seed.extend_from_slice(seed);
    let mut out = Zeroizing::new(Vec::with_capacity(len + hash.output_len()));
    let mut a = Zeroizing::new(hmac_sign(hash, secret, &label_seed));
    let mut block = Zeroizing::new(Vec::with_capacity(hash.output_len() + label_seed.len()));
    while out.len() < len {
        block.clear();
        block.extend_from_slice(&a);
        block.extend_from_slice(&label_seed);
        out.extend_from_slice(&hmac_sign(hash, secret, &block));
        a = Zeroizing::new(hmac_sign(hash, secret, &a));
    }
    out.truncate(len);
    out
}

/// The extended master secret: PRF(pre_master_secret, "extended master
/// secret", session_hash), where the session hash covers the handshake up
/// to and including ClientKeyExchange.
pub fn extended_master_secret(
    hash: HashAlgorithm,
    pre_master_secret: &[u8],
    session_hash: &[u8],
) -> SecretBytes {
    prf(
        hash,
        pre_master_secret,
        b"extended master secret",
        session_hash,
        MASTER_SECRET_LEN,
    )
}

/// The key block of `len` bytes: PRF(master_secret, "key expansion",
/// server_random + client_random). Note the order of the randoms.
pub fn key_block(
    hash: HashAlgorithm,
    master_secret: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
    len: usize,
) -> SecretBytes {
    let mut seed = [0u8; 64];
    seed[..32].copy_from_slice(server_random);
    seed[32..].copy_from_slice(client_random);
    prf(hash, master_secret, b"key expansion", &seed, len)
}

/// What a TLS 1.2 session exports keying material from (RFC 5705).
pub struct Exporter {
    hash: HashAlgorithm,
    master: SecretBytes,
    /// client_random + server_random.
    randoms: [u8; 64],
}

impl Exporter {
    /// The exporter of a session with this master secret and randoms.
    pub fn new(
        hash: HashAlgorithm,
        master: &[u8],
        client_random: &[u8; 32],
        server_random: &[u8; 32],
    ) -> Self {
        let mut randoms = [0u8; 64];
        randoms[..32].copy_from_slice(client_random);
        randoms[32..].copy_from_slice(server_random);
        Self {
            hash,
            master: Zeroizing::new(master.to_vec()),
            randoms,
        }
    }

    /// The session's master secret (GnuTLS's
    /// `gnutls_session_get_master_secret`).
    pub fn master_secret(&self) -> &[u8] {
        &self.master
    }

    /// PRF(master_secret, label, randoms + extra), the randoms in the
    /// client's order or, with `server_random_first`, the server's first
    /// (GnuTLS's `gnutls_prf`).
    pub fn prf(
        &self,
        label: &[u8],
        server_random_first: bool,
        extra: &[u8],
        length: usize,
    ) -> SecretBytes {
        let mut seed = Vec::with_capacity(64 + extra.len());
        if server_random_first {
            seed.extend_from_slice(&self.randoms[32..]);
            seed.extend_from_slice(&self.randoms[..32]);
        } else {
            seed.extend_from_slice(&self.randoms);
        }
        seed.extend_from_slice(extra);
        prf(self.hash, &self.master, label, &seed, length)
    }

    /// RFC 5705's exporter: PRF(master_secret, label, client_random +
    /// server_random [+ context_length + context]); `None` as the context
    /// is RFC 5705's "no context", which differs from an empty one. `None`
    /// for a context of 2^16 bytes or more.
    pub fn export(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        length: usize,
    ) -> Option<SecretBytes> {
        let mut seed = Vec::with_capacity(66 + context.map_or(0, <[u8]>::len));
        seed.extend_from_slice(&self.randoms);
        if let Some(context) = context {
            let context_len = u16::try_from(context.len()).ok()?;
            seed.extend_from_slice(&context_len.to_be_bytes());
            seed.extend_from_slice(context);
        }
        Some(prf(self.hash, &self.master, label, &seed, length))
    }
}

/// Which side's Finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FinishedBy {
    /// The client's ("client finished").
    Client,
    /// The server's ("server finished").
    Server,
}

/// verify_data = PRF(master_secret, finished_label, Hash(handshake_messages)).
pub fn verify_data(
    hash: HashAlgorithm,
    master_secret: &[u8],
    by: FinishedBy,
    transcript_hash: &[u8],
) -> [u8; VERIFY_DATA_LEN] {
    let label: &[u8] = match by {
        FinishedBy::Client => b"client finished",
        FinishedBy::Server => b"server finished",
    };
    let bytes = prf(hash, master_secret, label, transcript_hash, VERIFY_DATA_LEN);
    let mut out = [0u8; VERIFY_DATA_LEN];
    out.copy_from_slice(&bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.chars().filter(|c| c.is_ascii_hexdigit()).collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    // Expected outputs from OpenSSL 3's TLS1-PRF (`openssl kdf -keylen N
    // -kdfopt digest:D -kdfopt hexsecret:S -kdfopt hexseed:LABEL+SEED
    // TLS1-PRF`), an implementation independent of this one.
    #[test]
    fn matches_an_independent_implementation() {
        let secret = hex("0102030405060708090a0b0c0d0e0f10");
        let ems = extended_master_secret(HashAlgorithm::Sha256, &secret, &hex("aabbccddeeff"));
        assert_eq!(
            *ems,
            hex(
                "C05F416D4845E070E93AA4A791B73E3BC74B918E198CCD1DACC272DEA93F3390
                 CECE6548CDBA10E5DD8C0075811EED3C"
            )
        );
        let block = key_block(
            HashAlgorithm::Sha384,
            &[0xab; 48],
            &[0x22; 32],
            &[0x11; 32],
            100,
        );
        assert_eq!(
            *block,
            hex(
                "85746AE6F2D67652FBC0AFEFC1C8F00BEF4794A022CBCEAA67056370E64C917A
                 2C4AD52450A8AD672B542E0F34691417A5A85C7940831511B080861F6FA255DB
                 A7FE106F75F8D0DCDF2057819E89B0FB09AF087D367387D0BF0BB438104E8411
                 28331B7F"
            )
        );
        let finished = verify_data(
            HashAlgorithm::Sha384,
            &[1; 48],
            FinishedBy::Server,
            &[2; 48],
        );
        assert_eq!(finished.to_vec(), hex("6E3400B7B260BF12B8B8CB5D"));
    }

    #[test]
    fn is_a_prefix_for_shorter_lengths_and_finished_labels_differ() {
        let long = prf(HashAlgorithm::Sha256, b"k", b"l", b"s", 70);
        let short = prf(HashAlgorithm::Sha256, b"k", b"l", b"s", 33);
        assert_eq!(&long[..33], &short[..]);
        let client = verify_data(
            HashAlgorithm::Sha256,
            &[1; 48],
            FinishedBy::Client,
            &[2; 32],
        );
        let server = verify_data(
            HashAlgorithm::Sha256,
            &[1; 48],
            FinishedBy::Server,
            &[2; 32],
        );
        assert_ne!(client, server);
    }
}
