//! HKDF (RFC 5869) as TLS 1.3 uses it (RFC 8446 §7.1). Extract is computed
//! as HMAC(salt, IKM) so that the resulting secret exists as bytes: TLS needs
//! them for key logs and for deriving further secrets; ring's `hkdf::Prk`
//! would hide them.

use ring::{hkdf, hmac};
use zeroize::Zeroizing;

use super::hash::HashAlgorithm;

/// Secret bytes, zeroed on drop.
pub type SecretBytes = Zeroizing<Vec<u8>>;

fn hmac_algorithm(hash: HashAlgorithm) -> hmac::Algorithm {
    match hash {
        HashAlgorithm::Sha256 => hmac::HMAC_SHA256,
        HashAlgorithm::Sha384 => hmac::HMAC_SHA384,
    }
}

fn hkdf_algorithm(hash: HashAlgorithm) -> hkdf::Algorithm {
    match hash {
        HashAlgorithm::Sha256 => hkdf::HKDF_SHA256,
        HashAlgorithm::Sha384 => hkdf::HKDF_SHA384,
    }
}

/// HMAC(key, data).
pub fn hmac_sign(hash: HashAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    hmac::sign(&hmac::Key::new(hmac_algorithm(hash), key), data)
        .as_ref()
        .to_vec()
}

/// Verifies `tag` = HMAC(key, data) in constant time.
pub fn hmac_verify(hash: HashAlgorithm, key: &[u8], data: &[u8], tag: &[u8]) -> bool {
    hmac::verify(&hmac::Key::new(hmac_algorithm(hash), key), data, tag).is_ok()
}

/// HKDF-Extract(salt, IKM).
pub fn extract(hash: HashAlgorithm, salt: &[u8], ikm: &[u8]) -> SecretBytes {
    Zeroizing::new(hmac_sign(hash, salt, ikm))
}

/// The length type ring's HKDF-Expand needs.
struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// HKDF-Expand-Label(secret, label, context, length) (RFC 8446 §7.1): the
/// info is `length(2) || "tls13 " + label (length-prefixed) || context
/// (length-prefixed)`. `label` and `context` are at most 249 and 255 bytes,
/// `length` at most 255 hash lengths; TLS never asks for more.
pub fn expand_label(
    hash: HashAlgorithm,
    secret: &[u8],
    label: &[u8],
    context: &[u8],
    length: usize,
) -> SecretBytes {
    Expander::new(hash, secret).expand_label(label, context, length)
}

/// A secret ready for several HKDF-Expand-Labels: the HMAC key is set up
/// once (two hash blocks), not for each label.
pub struct Expander {
    prk: hkdf::Prk,
}

impl Expander {
    /// Prepares `secret` (a PRK) of `hash`'s HKDF.
    pub fn new(hash: HashAlgorithm, secret: &[u8]) -> Self {
        Self {
            prk: hkdf::Prk::new_less_safe(hkdf_algorithm(hash), secret),
        }
    }

    /// HKDF-Expand-Label(secret, label, context, length), as `expand_label`.
    pub fn expand_label(&self, label: &[u8], context: &[u8], length: usize) -> SecretBytes {
        const PREFIX: &[u8] = b"tls13 ";
        let (Ok(length16), Ok(label_len), Ok(context_len)) = (
            u16::try_from(length),
            u8::try_from(PREFIX.len() + label.len()),
            u8::try_from(context.len()),
        ) else {
            panic!("HKDF-Expand-Label parameters beyond what TLS 1.3 defines");
        };
        let length_bytes = length16.to_be_bytes();
        let info: [&[u8]; 6] = [
            &length_bytes,
            &[label_len],
            PREFIX,
            label,
            &[context_len],
            context,
        ];
        let okm = self
            .prk
            .expand(&info, Len(length))
            .expect("length within 255 hash lengths");
        let mut out = Zeroizing::new(vec![0u8; length]);
        okm.fill(&mut out)
            .expect("buffer matches the requested length");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn extract_matches_rfc5869_case_1() {
        // RFC 5869 A.1.
        let ikm = [0x0bu8; 22];
        let salt = unhex("000102030405060708090a0b0c");
        assert_eq!(
            *extract(HashAlgorithm::Sha256, &salt, &ikm),
            unhex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
        );
    }

    #[test]
    fn verifies_hmac_and_rejects_a_changed_tag() {
        let tag = hmac_sign(HashAlgorithm::Sha384, b"key", b"data");
        assert!(hmac_verify(HashAlgorithm::Sha384, b"key", b"data", &tag));
        let mut bad = tag.clone();
        bad[0] ^= 1;
        assert!(!hmac_verify(HashAlgorithm::Sha384, b"key", b"data", &bad));
    }
}
