//! Abstract public keys (`gnutls_pubkey_t`): a SubjectPublicKeyInfo, taken
//! from a certificate or imported, exported as DER or PEM.

use super::Error;
use super::trust_list::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use crate::x509::fields;
use crate::x509::key_info::{KeyInfo, KeyKind, key_info};

/// GnuTLS's `gnutls_pk_algorithm_t` numbers.
pub const GNUTLS_PK_UNKNOWN: i32 = 0;
/// RSA.
pub const GNUTLS_PK_RSA: i32 = 1;
/// ECDSA.
pub const GNUTLS_PK_ECDSA: i32 = 4;
/// RSA-PSS.
pub const GNUTLS_PK_RSA_PSS: i32 = 6;
/// Ed25519.
pub const GNUTLS_PK_EDDSA_ED25519: i32 = 7;
/// Ed448.
pub const GNUTLS_PK_EDDSA_ED448: i32 = 12;

/// The `gnutls_pk_algorithm_t` of a key kind.
pub fn pk_algorithm(kind: KeyKind) -> i32 {
    match kind {
        KeyKind::Rsa => GNUTLS_PK_RSA,
        KeyKind::RsaPss => GNUTLS_PK_RSA_PSS,
        KeyKind::Ec => GNUTLS_PK_ECDSA,
        KeyKind::Ed25519 => GNUTLS_PK_EDDSA_ED25519,
        KeyKind::Ed448 => GNUTLS_PK_EDDSA_ED448,
        KeyKind::Other => GNUTLS_PK_UNKNOWN,
    }
}

/// A public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    spki: Vec<u8>,
    info: KeyInfo,
}

impl PublicKey {
    /// The key of the DER certificate `der`.
    pub fn from_certificate(der: &[u8]) -> Result<Self, Error> {
        let spki = fields::spki(der).map_err(|_| Error::DerDecoding)?;
        Self::from_spki(spki.to_vec())
    }

    /// A key from a DER SubjectPublicKeyInfo.
    pub fn from_spki(spki: Vec<u8>) -> Result<Self, Error> {
        let info = key_info(&spki).map_err(|_| Error::DerDecoding)?;
        Ok(Self { spki, info })
    }

    /// `gnutls_pubkey_import`: a SubjectPublicKeyInfo as DER, or as PEM
    /// (a PUBLIC KEY block).
    pub fn import(data: &[u8], format: i32) -> Result<Self, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Self::from_spki(data.to_vec()),
            GNUTLS_X509_FMT_PEM => {
                Self::from_spki(super::util::pem_decode(Some("PUBLIC KEY"), data)?)
            }
            _ => Err(Error::InvalidRequest),
        }
    }

    /// `gnutls_pubkey_export`: the SubjectPublicKeyInfo as DER or PEM.
    pub fn export(&self, format: i32) -> Result<Vec<u8>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(self.spki.clone()),
            GNUTLS_X509_FMT_PEM => Ok(super::util::pem("PUBLIC KEY", &self.spki).into_bytes()),
            _ => Err(Error::InvalidRequest),
        }
    }

    /// The algorithm (`gnutls_pk_algorithm_t`) and size in bits.
    pub fn algorithm(&self) -> (i32, u32) {
        (pk_algorithm(self.info.kind), self.info.bits)
    }

    /// The DER SubjectPublicKeyInfo.
    pub fn spki(&self) -> &[u8] {
        &self.spki
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::pem;

    #[test]
    fn round_trips_a_certificates_key_through_pem() {
        let cert = pem::certificates(include_bytes!("../../tests/fixtures/server-ecdsa.pem"))
            .unwrap()
            .remove(0);
        let key = PublicKey::from_certificate(&cert).unwrap();
        assert_eq!(key.algorithm(), (GNUTLS_PK_ECDSA, 256));
        let text = key.export(GNUTLS_X509_FMT_PEM).unwrap();
        assert!(text.starts_with(b"-----BEGIN PUBLIC KEY-----\n"));
        assert_eq!(PublicKey::import(&text, GNUTLS_X509_FMT_PEM).unwrap(), key);
        let der = key.export(GNUTLS_X509_FMT_DER).unwrap();
        assert_eq!(PublicKey::import(&der, GNUTLS_X509_FMT_DER).unwrap(), key);
        assert_eq!(
            PublicKey::import(b"junk", GNUTLS_X509_FMT_DER),
            Err(Error::DerDecoding)
        );
    }
}
