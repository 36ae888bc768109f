//! Loading certificates and private keys from PEM or DER.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

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

/// Every certificate in `data`: PEM (any number of CERTIFICATE blocks) or a
/// single DER certificate.
pub fn certificates(data: &[u8]) -> Result<Vec<Vec<u8>>, LoadError> {
    if data.first() == Some(&0x30) {
        return Ok(vec![data.to_vec()]);
    }
    let certs = CertificateDer::pem_slice_iter(data)
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

/// The private key in `data` (PEM PKCS#8 or PKCS#1 RSA, or PKCS#8 DER).
pub fn private_key(data: &[u8]) -> Result<SigningKey, LoadError> {
    if data.first() == Some(&0x30) {
        return Ok(SigningKey::from_pkcs8(data)?);
    }
    let key = PrivateKeyDer::from_pem_slice(data).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => LoadError::Empty("private key"),
        other => LoadError::Pem(other.to_string()),
    })?;
    Ok(match key {
        PrivateKeyDer::Pkcs8(k) => SigningKey::from_pkcs8(k.secret_pkcs8_der())?,
        PrivateKeyDer::Pkcs1(k) => SigningKey::from_pkcs1_rsa(k.secret_pkcs1_der())?,
        PrivateKeyDer::Sec1(_) => {
            return Err(KeyError::Unsupported(
                "SEC1 EC keys: convert to PKCS#8 (openssl pkcs8 -topk8 -nocrypt)",
            )
            .into());
        }
        _ => return Err(KeyError::Unsupported("unknown private key format").into()),
    })
}
