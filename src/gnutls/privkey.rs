//! Private key objects (`gnutls_x509_privkey_t`): a key imported from PEM
//! or DER, handed to credentials with `gnutls_certificate_set_x509_key` or
//! to a certificate retrieve function's answer.

use zeroize::Zeroizing;

use super::Error;
use super::credentials::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use crate::crypto::sign::{KeyError, SigningKey};
use crate::x509::pem::{self, LoadError};

/// An imported private key. It keeps its encoding (zeroized on drop) so
/// that each pair of credentials it is given to gets a signing key of its own.
pub struct PrivateKey {
    /// PKCS#8 or PKCS#1 DER, or the PEM text.
    encoding: Zeroizing<Vec<u8>>,
    format: i32,
    /// The key, parsed once at import (its public half checks pairs).
    key: SigningKey,
}

/// A signing key from `data` in `format` (PKCS#8, SEC 1 EC or PKCS#1 RSA).
/// `RequestedDataNotAvailable` when PEM holds no key block (DER given as
/// PEM included), `Base64Decoding` for a broken block, `DerDecoding` for
/// what is not a usable key, `InsufficientSecurity` for an RSA key under
/// 2048 bits (which ring does not sign with).
pub fn parse(data: &[u8], format: i32) -> Result<SigningKey, Error> {
    let key_error = |e: KeyError| match e {
        KeyError::TooSmall => Error::InsufficientSecurity,
        _ => Error::DerDecoding,
    };
    match format {
        GNUTLS_X509_FMT_DER => pem::private_key_der(data).map_err(key_error),
        GNUTLS_X509_FMT_PEM => {
            if data.first() == Some(&0x30) {
                // DER given as PEM: no PEM block in it.
                return Err(Error::RequestedDataNotAvailable);
            }
            pem::private_key(data).map_err(|e| match e {
                LoadError::Empty(_) => Error::RequestedDataNotAvailable,
                LoadError::Pem(_) => Error::Base64Decoding,
                LoadError::Key(e) => key_error(e),
            })
        }
        _ => Err(Error::InvalidRequest),
    }
}

impl PrivateKey {
    /// `gnutls_x509_privkey_import`: a PKCS#8 key (ECDSA P-256/P-384,
    /// Ed25519, RSA), a SEC 1 EC key or a PKCS#1 RSA key, as DER or PEM;
    /// errors as `parse` gives them.
    pub fn import(data: &[u8], format: i32) -> Result<Self, Error> {
        let key = parse(data, format)?;
        Ok(Self {
            encoding: Zeroizing::new(data.to_vec()),
            format,
            key,
        })
    }

    /// `gnutls_x509_privkey_import_pkcs8` without a password: an
    /// unencrypted PKCS#8 key, from a PEM `PRIVATE KEY` block, or DER when
    /// `plain` (`GNUTLS_PKCS_PLAIN`) says it is not encrypted; DER without
    /// it is read as encrypted, which a plain key is not (`Asn1Tag`, as
    /// GnuTLS answers). `Base64UnexpectedHeader` for PEM without a PKCS#8
    /// block, `Asn1Tag` for DER that is no PKCS#8 key, `Unimplemented` for
    /// an encrypted PEM key (stepup does not decrypt keys).
    pub fn import_pkcs8(data: &[u8], format: i32, plain: bool) -> Result<Self, Error> {
        use rustls_pki_types::PrivatePkcs8KeyDer;
        use rustls_pki_types::pem::PemObject;
        let der = match format {
            GNUTLS_X509_FMT_PEM => {
                let marker: &[u8] = b"-----BEGIN ENCRYPTED PRIVATE KEY-----";
                if data.windows(marker.len()).any(|w| w == marker) {
                    return Err(Error::Unimplemented);
                }
                let key = PrivatePkcs8KeyDer::from_pem_slice(data).map_err(|e| match e {
                    rustls_pki_types::pem::Error::NoItemsFound => Error::Base64UnexpectedHeader,
                    _ => Error::Base64Decoding,
                })?;
                Zeroizing::new(key.secret_pkcs8_der().to_vec())
            }
            GNUTLS_X509_FMT_DER if plain => Zeroizing::new(data.to_vec()),
            GNUTLS_X509_FMT_DER => return Err(Error::Asn1Tag),
            _ => return Err(Error::InvalidRequest),
        };
        let key = SigningKey::from_pkcs8(&der).map_err(|e| match e {
            KeyError::TooSmall => Error::InsufficientSecurity,
            _ => Error::Asn1Tag,
        })?;
        Ok(Self {
            encoding: der,
            format: GNUTLS_X509_FMT_DER,
            key,
        })
    }

    /// `gnutls_x509_privkey_import2` without a password: as `import`, with
    /// GnuTLS's `Asn1Tag` for DER that is no key it reads.
    pub fn import_any(data: &[u8], format: i32) -> Result<Self, Error> {
        Self::import(data, format).map_err(|e| match (e, format) {
            (Error::DerDecoding, GNUTLS_X509_FMT_DER) => Error::Asn1Tag,
            (other, _) => other,
        })
    }

    /// An independent copy (`GNUTLS_PRIVKEY_IMPORT_COPY`).
    pub fn duplicate(&self) -> Result<Self, Error> {
        Self::import(&self.encoding, self.format)
    }

    /// The key's algorithm and size.
    pub fn info(&self) -> crate::x509::key_info::KeyInfo {
        self.key.info()
    }

    /// A fresh signing key for credentials.
    pub fn signing_key(&self) -> Result<SigningKey, Error> {
        parse(&self.encoding, self.format)
    }

    /// The public half, as a certificate carries it.
    pub fn public_key(&self) -> &[u8] {
        self.key.public_key()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = include_bytes!("../../tests/fixtures/server-ecdsa.key");

    #[test]
    fn imports_pem_and_refuses_junk() {
        let key = PrivateKey::import(KEY, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(key.signing_key().unwrap().public_key(), key.public_key());
        assert!(matches!(
            PrivateKey::import(b"nothing", GNUTLS_X509_FMT_PEM),
            Err(Error::RequestedDataNotAvailable)
        ));
        assert!(matches!(
            PrivateKey::import(
                b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
                GNUTLS_X509_FMT_PEM
            ),
            Err(Error::DerDecoding)
        ));
        assert!(matches!(
            PrivateKey::import(&[0x30, 0], GNUTLS_X509_FMT_DER),
            Err(Error::DerDecoding)
        ));
        let small = include_bytes!("../../tests/fixtures/rsa1024.key");
        assert!(matches!(
            PrivateKey::import(small, GNUTLS_X509_FMT_PEM),
            Err(Error::InsufficientSecurity)
        ));
    }
}
