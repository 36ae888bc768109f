//! RSA keys under the id-RSASSA-PSS OID (RFC 4055), which sign only with
//! RSA-PSS: TLS 1.3's rsa_pss_pss_* schemes (RFC 8446 §4.2.3). ring takes
//! the RSA key itself; this reads what wraps it (the PKCS#8 and
//! SubjectPublicKeyInfo algorithm and its optional parameters), with the
//! `der` crate, and verifies handshake signatures with ring.

use der::asn1::{AnyRef, BitStringRef, ContextSpecific, ObjectIdentifier, OctetStringRef};
use der::{Decode, Reader, SliceReader, TagNumber};

use super::key_info::algorithm;
use crate::crypto::sign::scheme;

const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
const SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

const ALL: &[u16] = &[
    scheme::RSA_PSS_PSS_SHA256,
    scheme::RSA_PSS_PSS_SHA384,
    scheme::RSA_PSS_PSS_SHA512,
];

/// The rsa_pss_pss schemes a key with these RSASSA-PSS-params may sign
/// with: all three without parameters, else the one of its hash. A key
/// bound to another hash (SHA-1, the default when parameters name none)
/// has none.
fn schemes_of(parameters: Option<AnyRef<'_>>) -> der::Result<&'static [u16]> {
    let Some(parameters) = parameters else {
        return Ok(ALL);
    };
    let hash = parameters.sequence(|r| {
        // hashAlgorithm [0] EXPLICIT AlgorithmIdentifier DEFAULT sha1.
        let field = ContextSpecific::<AnyRef<'_>>::decode_explicit(r, TagNumber::N0)?;
        // The other fields (mask generation, salt length, trailer) follow;
        // TLS fixes them from the hash (RFC 8446 §4.2.3).
        while !r.is_finished() {
            AnyRef::decode(r)?;
        }
        field
            .map(|f| {
                f.value.sequence(|a| {
                    ObjectIdentifier::decode(a).and_then(|oid| {
                        while !a.is_finished() {
                            AnyRef::decode(a)?;
                        }
                        Ok(oid)
                    })
                })
            })
            .transpose()
    })?;
    Ok(match hash {
        Some(SHA256) => &ALL[..1],
        Some(SHA384) => &ALL[1..2],
        Some(SHA512) => &ALL[2..],
        _ => &[],
    })
}

/// An RSA-PSS private key from PKCS#8: the RSAPrivateKey inside and the
/// schemes its parameters allow. `None` when `der` is not a PKCS#8 key of
/// the id-RSASSA-PSS algorithm.
pub fn pkcs8(der: &[u8]) -> Option<(&[u8], &'static [u16])> {
    let mut reader = SliceReader::new(der).ok()?;
    let (key, schemes) = reader
        .sequence(|r| {
            let _version = der::asn1::UintRef::decode(r)?;
            let (oid, parameters) = algorithm(r)?;
            if oid != RSA_PSS {
                return Err(der::Tag::ObjectIdentifier.value_error());
            }
            let schemes = schemes_of(parameters)?;
            let key = OctetStringRef::decode(r)?;
            // Attributes and a public key may follow.
            while !r.is_finished() {
                AnyRef::decode(r)?;
            }
            Ok((key.as_bytes(), schemes))
        })
        .ok()?;
    reader.finish(()).ok()?;
    Some((key, schemes))
}

/// An RSA-PSS public key from a SubjectPublicKeyInfo: the RSAPublicKey and
/// the schemes its parameters allow. `None` when the SPKI is of another
/// algorithm.
pub fn spki(spki: &[u8]) -> Option<(&[u8], &'static [u16])> {
    let mut reader = SliceReader::new(spki).ok()?;
    let (key, schemes) = reader
        .sequence(|r| {
            let (oid, parameters) = algorithm(r)?;
            if oid != RSA_PSS {
                return Err(der::Tag::ObjectIdentifier.value_error());
            }
            let schemes = schemes_of(parameters)?;
            let key = BitStringRef::decode(r)?;
            let key = key.as_bytes().ok_or(der::Tag::BitString.value_error())?;
            Ok((key, schemes))
        })
        .ok()?;
    reader.finish(()).ok()?;
    Some((key, schemes))
}

/// Whether `signature` is a valid TLS 1.3 rsa_pss_pss_* signature of
/// `message` by the RSA-PSS key of the SubjectPublicKeyInfo `spki_der`:
/// false for a bad signature, a key that is not RSA-PSS, or a scheme its
/// parameters do not allow.
pub fn verifies(spki_der: &[u8], scheme_id: u16, message: &[u8], signature: &[u8]) -> bool {
    use ring::signature::{
        RSA_PSS_2048_8192_SHA256, RSA_PSS_2048_8192_SHA384, RSA_PSS_2048_8192_SHA512,
        UnparsedPublicKey,
    };
    let Some((key, schemes)) = spki(spki_der) else {
        return false;
    };
    let algorithm = match scheme_id {
        _ if !schemes.contains(&scheme_id) => return false,
        scheme::RSA_PSS_PSS_SHA256 => &RSA_PSS_2048_8192_SHA256,
        scheme::RSA_PSS_PSS_SHA384 => &RSA_PSS_2048_8192_SHA384,
        scheme::RSA_PSS_PSS_SHA512 => &RSA_PSS_2048_8192_SHA512,
        _ => return false,
    };
    UnparsedPublicKey::new(algorithm, key)
        .verify(message, signature)
        .is_ok()
}
