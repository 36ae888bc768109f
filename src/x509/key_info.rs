//! What kind of public key a SubjectPublicKeyInfo holds, and its size,
//! read with the `der` crate.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Reader, SliceReader};

/// The public key algorithms stepup knows by their SPKI OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// rsaEncryption.
    Rsa,
    /// id-RSASSA-PSS.
    RsaPss,
    /// id-ecPublicKey.
    Ec,
    /// id-Ed25519.
    Ed25519,
    /// id-Ed448.
    Ed448,
    /// Anything else.
    Other,
}

const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");

/// A public key's algorithm and size in bits (0 when unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyInfo {
    /// The algorithm.
    pub kind: KeyKind,
    /// The modulus size for RSA, the curve's size for EC and EdDSA.
    pub bits: u32,
}

/// The algorithm and size of the key in the DER SubjectPublicKeyInfo `spki`.
pub fn key_info(spki: &[u8]) -> der::Result<KeyInfo> {
    let mut reader = SliceReader::new(spki)?;
    let (oid, parameters, key) = reader.sequence(|r| {
        let (oid, parameters) = algorithm(r)?;
        let key = BitStringRef::decode(r)?;
        Ok((oid, parameters, key))
    })?;
    reader.finish(())?;
    let key = key.as_bytes().ok_or(der::Tag::BitString.value_error())?;
    let info = match oid {
        RSA | RSA_PSS => KeyInfo {
            kind: if oid == RSA {
                KeyKind::Rsa
            } else {
                KeyKind::RsaPss
            },
            bits: rsa_bits(key)?,
        },
        EC => {
            let curve = parameters
                .map(|p| p.decode_as::<ObjectIdentifier>())
                .transpose()?;
            let bits = match curve {
                Some(P256) => 256,
                Some(P384) => 384,
                Some(P521) => 521,
                _ => 0,
            };
            KeyInfo {
                kind: KeyKind::Ec,
                bits,
            }
        }
        ED25519 => KeyInfo {
            kind: KeyKind::Ed25519,
            bits: 256,
        },
        ED448 => KeyInfo {
            kind: KeyKind::Ed448,
            bits: 456,
        },
        _ => KeyInfo {
            kind: KeyKind::Other,
            bits: 0,
        },
    };
    Ok(info)
}

/// The parts of the DER SubjectPublicKeyInfo `spki`: the contents of its
/// AlgorithmIdentifier (as webpki names the algorithms it verifies with)
/// and the subjectPublicKey bits.
pub fn spki_parts(spki: &[u8]) -> der::Result<(&[u8], &[u8])> {
    let mut reader = SliceReader::new(spki)?;
    let (algorithm, key) = reader.sequence(|r| {
        let algorithm = AnyRef::decode(r)?;
        let key = BitStringRef::decode(r)?;
        Ok((algorithm, key))
    })?;
    reader.finish(())?;
    if der::Tagged::tag(&algorithm) != der::Tag::Sequence {
        return Err(der::Tag::Sequence.value_error());
    }
    let key = key.as_bytes().ok_or(der::Tag::BitString.value_error())?;
    Ok((algorithm.value(), key))
}

/// Reads an AlgorithmIdentifier: its OID and parameters, if any.
pub(crate) fn algorithm<'a, R: Reader<'a>>(
    r: &mut R,
) -> der::Result<(ObjectIdentifier, Option<AnyRef<'a>>)> {
    r.sequence(|a| {
        let oid = ObjectIdentifier::decode(a)?;
        let parameters = if a.is_finished() {
            None
        } else {
            Some(AnyRef::decode(a)?)
        };
        Ok((oid, parameters))
    })
}

/// The size of an RSAPublicKey's modulus.
fn rsa_bits(key: &[u8]) -> der::Result<u32> {
    let mut reader = SliceReader::new(key)?;
    let modulus = reader.sequence(|r| {
        let n = UintRef::decode(r)?;
        UintRef::decode(r)?; // publicExponent
        Ok(n)
    })?;
    let bytes = modulus.as_bytes();
    let Some(first) = bytes.first() else {
        return Ok(0);
    };
    let len = u32::try_from(bytes.len()).map_err(|_| der::Tag::Integer.length_error())?;
    Ok((len - 1) * 8 + (8 - first.leading_zeros()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::{fields, pem};

    fn spki_of(name: &str) -> Vec<u8> {
        let pem_text = std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap();
        let der = pem::certificates(&pem_text).unwrap().remove(0);
        fields::spki(&der).unwrap().to_vec()
    }

    #[test]
    fn reads_each_fixture_kind() {
        let cases = [
            ("server-rsa.pem", KeyKind::Rsa, 2048),
            ("server-ecdsa.pem", KeyKind::Ec, 256),
            ("server-p384.pem", KeyKind::Ec, 384),
            ("server-ed25519.pem", KeyKind::Ed25519, 256),
        ];
        for (name, kind, bits) in cases {
            assert_eq!(
                key_info(&spki_of(name)).unwrap(),
                KeyInfo { kind, bits },
                "{name}"
            );
        }
    }

    #[test]
    fn refuses_truncated_and_trailing_input() {
        let spki = spki_of("server-ecdsa.pem");
        assert!(key_info(&spki[..spki.len() - 1]).is_err());
        let mut longer = spki.clone();
        longer.push(0);
        assert!(key_info(&longer).is_err());
        assert!(key_info(&[]).is_err());
    }
}
