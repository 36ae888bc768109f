//! TLS 1.2 record protection with the AEADs we offer: AES-GCM (RFC 5288: a
//! 4-byte implicit salt and an 8-byte explicit nonce carried in each
//! record, here the sequence number) and ChaCha20-Poly1305 (RFC 7905: the
//! 12-byte IV XORed with the sequence number, as in TLS 1.3). The additional
//! data is seq_num + type + version + length of the plaintext (RFC 5246
//! §6.2.3.3). No inner content type and no padding, unlike TLS 1.3.

use zeroize::Zeroizing;

use super::prf;
use crate::crypto::aead::{AeadAlgorithm, AeadKey, NONCE_LEN, TAG_LEN};
use crate::crypto::hash::HashAlgorithm;
use crate::tls::error::Error;
use crate::tls::record::{ContentType, HEADER_LEN, MAX_PLAINTEXT};

/// One direction's TLS 1.2 record protection.
pub struct RecordKey12 {
    algorithm: AeadAlgorithm,
    key: AeadKey,
    // GCM: the salt in the first 4 bytes; ChaCha20-Poly1305: all 12.
    iv: Zeroizing<[u8; NONCE_LEN]>,
    seq: u64,
}

/// The bytes of IV each side takes from the key block for `algorithm`.
pub fn fixed_iv_len(algorithm: AeadAlgorithm) -> usize {
    match algorithm {
        AeadAlgorithm::Chacha20Poly1305 => NONCE_LEN,
        _ => 4,
    }
}

/// The explicit nonce each record carries before its ciphertext.
pub fn explicit_nonce_len(algorithm: AeadAlgorithm) -> usize {
    match algorithm {
        AeadAlgorithm::Chacha20Poly1305 => 0,
        _ => 8,
    }
}

/// The two directions' keys of a session, cut from its key block (RFC
/// 5246 §6.3; AEAD suites have no MAC keys): the client's, then the
/// server's.
pub fn session_keys(
    hash: HashAlgorithm,
    algorithm: AeadAlgorithm,
    master: &[u8],
    client_random: &[u8; 32],
    server_random: &[u8; 32],
) -> Result<(RecordKey12, RecordKey12), Error> {
    let (key_len, iv_len) = (algorithm.key_len(), fixed_iv_len(algorithm));
    let block = prf::key_block(
        hash,
        master,
        client_random,
        server_random,
        2 * (key_len + iv_len),
    );
    let (client_key, rest) = block.split_at(key_len);
    let (server_key, rest) = rest.split_at(key_len);
    let (client_iv, server_iv) = rest.split_at(iv_len);
    Ok((
        RecordKey12::new(algorithm, client_key, client_iv)?,
        RecordKey12::new(algorithm, server_key, server_iv)?,
    ))
}

impl RecordKey12 {
    /// Protection with `key` and the fixed IV `iv` (as cut from the key
    /// block: `fixed_iv_len` bytes).
    pub fn new(algorithm: AeadAlgorithm, key: &[u8], iv: &[u8]) -> Result<Self, Error> {
        if iv.len() != fixed_iv_len(algorithm) {
            return Err(Error::Internal("TLS 1.2 IV length"));
        }
        let key = AeadKey::new(algorithm, key).ok_or(Error::Internal("TLS 1.2 key length"))?;
        let mut fixed = Zeroizing::new([0u8; NONCE_LEN]);
        fixed[..iv.len()].copy_from_slice(iv);
        Ok(Self {
            algorithm,
            key,
            iv: fixed,
            seq: 0,
        })
    }

    /// Records protected so far with this key.
    pub fn sequence(&self) -> u64 {
        self.seq
    }

    fn nonce(&self, explicit: &[u8]) -> [u8; NONCE_LEN] {
        let mut nonce = *self.iv;
        if explicit.is_empty() {
            for (n, s) in nonce[4..].iter_mut().zip(self.seq.to_be_bytes()) {
                *n ^= s;
            }
        } else {
            nonce[4..].copy_from_slice(explicit);
        }
        nonce
    }

    fn aad(&self, content_type: u8, version: [u8; 2], len: usize) -> [u8; 13] {
        let mut aad = [0u8; 13];
        aad[..8].copy_from_slice(&self.seq.to_be_bytes());
        aad[8] = content_type;
        aad[9..11].copy_from_slice(&version);
        aad[11..].copy_from_slice(&u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes());
        aad
    }

    /// Appends one protected record of `content_type` carrying `payload`
    /// (at most 2^14 bytes) to `out`.
    pub fn seal(
        &mut self,
        content_type: ContentType,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        if payload.len() > MAX_PLAINTEXT {
            return Err(Error::Internal("record payload too large"));
        }
        if self.seq == u64::MAX {
            return Err(Error::Internal("record sequence exhausted"));
        }
        let explicit_len = explicit_nonce_len(self.algorithm);
        let body_len = explicit_len + payload.len() + TAG_LEN;
        let ty = content_type.to_u8();
        let start = out.len();
        out.reserve(HEADER_LEN + body_len);
        out.extend_from_slice(&[ty, 3, 3]);
        out.extend_from_slice(&u16::try_from(body_len).unwrap_or(u16::MAX).to_be_bytes());
        // The explicit nonce is the sequence number: unique per key.
        let explicit = self.seq.to_be_bytes();
        out.extend_from_slice(&explicit[..explicit_len]);
        out.extend_from_slice(payload);
        let nonce = self.nonce(&explicit[..explicit_len]);
        let aad = self.aad(ty, [3, 3], payload.len());
        let tag =
            self.key
                .seal_in_place(nonce, &aad, &mut out[start + HEADER_LEN + explicit_len..]);
        out.extend_from_slice(&tag);
        self.seq += 1;
        Ok(())
    }

    /// Opens a protected record in place: returns its content type and the
    /// length of its plaintext, moved to the start of `body`.
    pub fn open(
        &mut self,
        header: &[u8; HEADER_LEN],
        body: &mut [u8],
    ) -> Result<(ContentType, usize), Error> {
        let explicit_len = explicit_nonce_len(self.algorithm);
        if body.len() < explicit_len + TAG_LEN {
            return Err(Error::BadRecordMac);
        }
        let len = body.len() - explicit_len - TAG_LEN;
        if len > MAX_PLAINTEXT {
            return Err(Error::RecordOverflow);
        }
        if self.seq == u64::MAX {
            return Err(Error::Internal("record sequence exhausted"));
        }
        let (explicit, sealed) = body.split_at_mut(explicit_len);
        let nonce = self.nonce(explicit);
        let aad = self.aad(header[0], [header[1], header[2]], len);
        let opened = self
            .key
            .open_in_place(nonce, &aad, sealed)
            .map_err(|_| Error::BadRecordMac)?;
        debug_assert_eq!(opened, len);
        body.copy_within(explicit_len..explicit_len + len, 0);
        self.seq += 1;
        Ok((ContentType::from_u8(header[0]), len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALGORITHMS: [AeadAlgorithm; 3] = [
        AeadAlgorithm::Aes128Gcm,
        AeadAlgorithm::Aes256Gcm,
        AeadAlgorithm::Chacha20Poly1305,
    ];

    fn pair(alg: AeadAlgorithm) -> (RecordKey12, RecordKey12) {
        let key = vec![7u8; alg.key_len()];
        let iv = vec![9u8; fixed_iv_len(alg)];
        (
            RecordKey12::new(alg, &key, &iv).unwrap(),
            RecordKey12::new(alg, &key, &iv).unwrap(),
        )
    }

    fn split(record: &mut [u8]) -> ([u8; HEADER_LEN], &mut [u8]) {
        let mut header = [0u8; HEADER_LEN];
        header.copy_from_slice(&record[..HEADER_LEN]);
        (header, &mut record[HEADER_LEN..])
    }

    #[test]
    fn seals_and_opens_a_sequence_with_the_type_in_the_clear() {
        for alg in ALGORITHMS {
            let (mut tx, mut rx) = pair(alg);
            for i in 0..3u8 {
                let mut out = Vec::new();
                tx.seal(ContentType::Handshake, &[i; 10], &mut out).unwrap();
                assert_eq!(out[..3], [22, 3, 3]);
                assert_eq!(
                    out.len(),
                    HEADER_LEN + explicit_nonce_len(alg) + 10 + TAG_LEN
                );
                let (header, body) = split(&mut out);
                let (ty, len) = rx.open(&header, body).unwrap();
                assert_eq!((ty, &body[..len]), (ContentType::Handshake, &[i; 10][..]));
            }
        }
    }

    #[test]
    fn the_gcm_explicit_nonce_is_the_sequence_number() {
        let (mut tx, _) = pair(AeadAlgorithm::Aes128Gcm);
        let mut out = Vec::new();
        tx.seal(ContentType::ApplicationData, b"a", &mut out)
            .unwrap();
        out.clear();
        tx.seal(ContentType::ApplicationData, b"b", &mut out)
            .unwrap();
        assert_eq!(out[HEADER_LEN..HEADER_LEN + 8], 1u64.to_be_bytes());
    }

    #[test]
    fn rejects_tampering_a_changed_type_replay_and_short_records() {
        for alg in ALGORITHMS {
            let (mut tx, mut rx) = pair(alg);
            let mut record = Vec::new();
            tx.seal(ContentType::ApplicationData, b"payload", &mut record)
                .unwrap();
            let mut tampered = record.clone();
            let last = tampered.len() - 1;
            tampered[last] ^= 1;
            let (h, b) = split(&mut tampered);
            assert_eq!(rx.open(&h, b), Err(Error::BadRecordMac));
            // The type is authenticated: the same bytes as an alert fail.
            let mut retyped = record.clone();
            retyped[0] = 21;
            let (h, b) = split(&mut retyped);
            assert_eq!(rx.open(&h, b), Err(Error::BadRecordMac));
            let (_, mut rx) = pair(alg);
            let mut first = record.clone();
            let (h, b) = split(&mut first);
            assert!(rx.open(&h, b).is_ok());
            let mut replay = record.clone();
            let (h, b) = split(&mut replay);
            assert_eq!(rx.open(&h, b), Err(Error::BadRecordMac), "replayed record");
            let mut short = vec![23, 3, 3, 0, 3, 1, 2, 3];
            let (h, b) = split(&mut short);
            assert_eq!(rx.open(&h, b), Err(Error::BadRecordMac));
        }
    }

    #[test]
    fn refuses_oversized_payloads_and_wrong_iv_lengths() {
        let (mut tx, _) = pair(AeadAlgorithm::Aes128Gcm);
        assert!(
            tx.seal(
                ContentType::ApplicationData,
                &vec![0; MAX_PLAINTEXT + 1],
                &mut Vec::new()
            )
            .is_err()
        );
        assert!(RecordKey12::new(AeadAlgorithm::Aes128Gcm, &[0; 16], &[0; 12]).is_err());
        assert!(RecordKey12::new(AeadAlgorithm::Chacha20Poly1305, &[0; 32], &[0; 4]).is_err());
    }
}
