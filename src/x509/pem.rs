//! Loading certificates and private keys from PEM or DER.

use std::borrow::Cow;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer, PrivateKeyDer};

use crate::crypto::sign::{KeyError, SigningKey};

/// Loading failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// No certificate (or key) found in the input.
    #[error("no {0} found")]
    Empty(&'static str),
    /// The PEM was malformed.
    #[error("malformed PEM: {0}")]
    Pem(String),
    /// The key could not be used.
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// `data` with a line break after each `-----BEGIN ...-----` and before
/// each `-----END`, where the PEM has none: GnuTLS reads PEM written on
/// one line (its own tests carry such certificates), the PEM parser wants
/// the markers on lines of their own.
fn with_marker_lines(data: &[u8]) -> Cow<'_, [u8]> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    const END: &[u8] = b"-----END ";
    const DASHES: &[u8] = b"-----";
    let mut out: Option<Vec<u8>> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < data.len() {
        let rest = &data[at..];
        let (marker_end, break_before) = if rest.starts_with(BEGIN) {
            // The line break goes after the label's closing dashes.
            match find(&rest[BEGIN.len()..], DASHES) {
                Some(i) => (at + BEGIN.len() + i + DASHES.len(), false),
                None => break,
            }
        } else if rest.starts_with(END) {
            (at, true)
        } else {
            at += 1;
            continue;
        };
        let needs_break = if break_before {
            at > 0 && !matches!(data[at - 1], b'\n' | b'\r')
        } else {
            !matches!(data.get(marker_end), None | Some(b'\n' | b'\r'))
        };
        if needs_break {
            let buf = out.get_or_insert_with(|| Vec::with_capacity(data.len() + 8));
            buf.extend_from_slice(&data[copied..marker_end]);
            buf.push(b'\n');
            copied = marker_end;
        }
        at = marker_end.max(at + 1);
    }
    match out {
        Some(mut buf) => {
            buf.extend_from_slice(&data[copied..]);
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(data),
    }
}

/// Where `needle` first starts in `haystack`.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Every certificate in `data`: PEM (any number of CERTIFICATE blocks) or a
/// single DER certificate.
pub fn certificates(data: &[u8]) -> Result<Vec<Vec<u8>>, LoadError> {
    if data.first() == Some(&0x30) {
        return Ok(vec![data.to_vec()]);
    }
    let data = with_marker_lines(data);
    let certs = CertificateDer::pem_slice_iter(&data)
        .map(|c| {
            c.map(|c| c.as_ref().to_vec())
                .map_err(|e| LoadError::Pem(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if certs.is_empty() {
        return Err(LoadError::Empty("certificate"));
    }
    Ok(certs)
}

/// Every certificate revocation list in PEM `data` (X509 CRL blocks); `Empty`
/// when there is none.
pub fn crls(data: &[u8]) -> Result<Vec<Vec<u8>>, LoadError> {
    let crls = CertificateRevocationListDer::pem_slice_iter(data)
        .map(|c| {
            c.map(|c| c.as_ref().to_vec())
                .map_err(|e| LoadError::Pem(e.to_string()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if crls.is_empty() {
        return Err(LoadError::Empty("CRL"));
    }
    Ok(crls)
}

/// A DER private key: PKCS#8, SEC 1 EC or PKCS#1 RSA. An RSA key too small
/// to sign with says so, whichever of the formats it is in.
pub fn private_key_der(der: &[u8]) -> Result<SigningKey, KeyError> {
    let attempts = [
        SigningKey::from_pkcs8(der),
        SigningKey::from_sec1(der),
        SigningKey::from_pkcs1_rsa(der),
    ];
    let mut failure = KeyError::Unsupported("not a PKCS#8, SEC 1 or PKCS#1 private key");
    for attempt in attempts {
        match attempt {
            Ok(key) => return Ok(key),
            Err(KeyError::TooSmall) => failure = KeyError::TooSmall,
            Err(_) => {}
        }
    }
    Err(failure)
}

/// The private key in `data` (PEM PKCS#8, SEC 1 EC or PKCS#1 RSA, or DER).
pub fn private_key(data: &[u8]) -> Result<SigningKey, LoadError> {
    if data.first() == Some(&0x30) {
        return Ok(private_key_der(data)?);
    }
    let data = with_marker_lines(data);
    let key = PrivateKeyDer::from_pem_slice(&data).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => LoadError::Empty("private key"),
        other => LoadError::Pem(other.to_string()),
    })?;
    Ok(match key {
        PrivateKeyDer::Pkcs8(k) => SigningKey::from_pkcs8(k.secret_pkcs8_der())?,
        PrivateKeyDer::Pkcs1(k) => SigningKey::from_pkcs1_rsa(k.secret_pkcs1_der())?,
        PrivateKeyDer::Sec1(k) => SigningKey::from_sec1(k.secret_sec1_der())?,
        _ => return Err(KeyError::Unsupported("unknown private key format").into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    }

    #[test]
    fn reads_pem_written_on_one_line() {
        let pem = fixture("server-ecdsa.pem");
        let one_line: Vec<u8> = pem.iter().copied().filter(|b| *b != b'\n').collect();
        assert_eq!(
            certificates(&one_line).unwrap(),
            certificates(&pem).unwrap()
        );
        assert!(matches!(with_marker_lines(&pem), Cow::Borrowed(_)));
        let key: Vec<u8> = fixture("server-ecdsa.key")
            .into_iter()
            .filter(|b| *b != b'\n')
            .collect();
        assert!(private_key(&key).is_ok());
    }

    #[test]
    fn reads_every_encoding_of_one_key() {
        let pkcs8 = private_key(&fixture("server-ecdsa.key")).unwrap();
        for name in [
            "server-ecdsa-sec1.key",
            "server-ecdsa-padded.key",
            "server-ecdsa-key.der",
        ] {
            let key = private_key(&fixture(name)).unwrap();
            assert_eq!(key.public_key(), pkcs8.public_key(), "{name}");
        }
        let p384 = private_key(&fixture("server-p384.key")).unwrap();
        let sec1 = private_key(&fixture("server-p384-sec1.key")).unwrap();
        assert_eq!(p384.public_key(), sec1.public_key());
    }

    #[test]
    fn says_an_rsa_key_is_too_small() {
        for name in ["rsa1024.key", "rsa1024-pkcs1.key"] {
            assert!(
                matches!(
                    private_key(&fixture(name)),
                    Err(LoadError::Key(KeyError::TooSmall))
                ),
                "{name}"
            );
        }
    }

    #[test]
    fn refuses_a_scalar_too_long_for_its_curve() {
        // The padded key with a second leading byte that is not zero.
        let pem = String::from_utf8(fixture("server-ecdsa-padded.key")).unwrap();
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).unwrap();
        let PrivateKeyDer::Sec1(sec1) = der else {
            panic!("not SEC 1")
        };
        let mut bytes = sec1.secret_sec1_der().to_vec();
        assert_eq!(bytes[7], 0); // 30 78 02 01 01 04 21 [00] scalar
        bytes[7] = 1;
        assert!(SigningKey::from_sec1(&bytes).is_err());
    }
}
