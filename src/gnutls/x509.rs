//! X.509 certificate objects (`gnutls_x509_crt_t`): import from PEM or DER,
//! and the subject and issuer DNs as strings.

use super::Error;
use super::credentials::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use crate::x509::{dn, fields, pem};

/// The `gnutls_sign_algorithm_t` of a signature algorithm OID (0: unknown).
pub fn sign_algorithm_of_oid(oid: &str) -> i32 {
    match oid {
        "1.2.840.113549.1.1.5" => 1, // sha1WithRSAEncryption: GNUTLS_SIGN_RSA_SHA1
        "1.2.840.113549.1.1.4" => 3, // md5WithRSAEncryption: GNUTLS_SIGN_RSA_MD5
        "1.2.840.113549.1.1.11" => 6, // GNUTLS_SIGN_RSA_SHA256
        "1.2.840.113549.1.1.12" => 7, // GNUTLS_SIGN_RSA_SHA384
        "1.2.840.113549.1.1.13" => 8, // GNUTLS_SIGN_RSA_SHA512
        "1.2.840.113549.1.1.14" => 9, // GNUTLS_SIGN_RSA_SHA224
        "1.2.840.10045.4.1" => 12,   // GNUTLS_SIGN_ECDSA_SHA1
        "1.2.840.10045.4.3.1" => 13, // GNUTLS_SIGN_ECDSA_SHA224
        "1.2.840.10045.4.3.2" => 14, // GNUTLS_SIGN_ECDSA_SHA256
        "1.2.840.10045.4.3.3" => 15, // GNUTLS_SIGN_ECDSA_SHA384
        "1.2.840.10045.4.3.4" => 16, // GNUTLS_SIGN_ECDSA_SHA512
        "1.3.101.112" => 35,         // GNUTLS_SIGN_EDDSA_ED25519
        "1.3.101.113" => 46,         // GNUTLS_SIGN_EDDSA_ED448
        _ => 0,
    }
}

/// `GNUTLS_X509_DN_FLAG_COMPAT`: the DN in encoding order.
pub const GNUTLS_X509_DN_FLAG_COMPAT: u32 = 1;

/// The validity period (notBefore, notAfter, seconds since the epoch) of
/// the end-entity certificate of a peer's `chain`; `NoCertificateFound`
/// for an empty chain.
pub fn peer_validity(chain: &[Vec<u8>]) -> Result<(i64, i64), Error> {
    let leaf = chain.first().ok_or(Error::NoCertificateFound)?;
    fields::validity(leaf).map_err(|_| Error::DerDecoding)
}

/// An imported certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

impl Certificate {
    /// A certificate from DER, checked to be readable up to its names.
    pub fn from_der(der: Vec<u8>) -> Result<Self, Error> {
        dn::names(&der).map_err(|_| Error::DerDecoding)?;
        Ok(Self { der })
    }

    /// `gnutls_x509_crt_import`: the (first) certificate in `data`.
    pub fn import(data: &[u8], format: i32) -> Result<Self, Error> {
        let first = Self::import_list(data, format)?.into_iter().next();
        first.ok_or(Error::Base64Decoding)
    }

    /// `gnutls_x509_crt_list_import2`: every certificate in `data` (one for DER).
    pub fn import_list(data: &[u8], format: i32) -> Result<Vec<Self>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(vec![Self::from_der(data.to_vec())?]),
            GNUTLS_X509_FMT_PEM => {
                // pem::certificates also takes bare DER; GnuTLS's PEM import does not.
                if data.first() == Some(&0x30) {
                    return Err(Error::Base64Decoding);
                }
                let ders = pem::certificates(data).map_err(|_| Error::Base64Decoding)?;
                ders.into_iter().map(Self::from_der).collect()
            }
            _ => Err(Error::InvalidRequest),
        }
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `gnutls_x509_crt_get_dn3`: the subject DN (RFC 4514 order, or
    /// encoding order with `GNUTLS_X509_DN_FLAG_COMPAT`).
    pub fn subject_dn(&self, flags: u32) -> Result<String, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        dn::to_string(names.subject, flags & GNUTLS_X509_DN_FLAG_COMPAT != 0)
            .map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_signature_oid`: the dotted OID of the
    /// signature algorithm.
    pub fn signature_oid(&self) -> Result<String, Error> {
        fields::signature_oid(&self.der).map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_signature_algorithm`: the
    /// `gnutls_sign_algorithm_t` of the signature, `GNUTLS_SIGN_UNKNOWN` (0)
    /// for an algorithm without one (RSA-PSS depends on its parameters,
    /// which are not read: 0 too).
    pub fn signature_algorithm(&self) -> Result<i32, Error> {
        Ok(sign_algorithm_of_oid(&self.signature_oid()?))
    }

    /// The validity period (notBefore, notAfter) in seconds since the epoch.
    pub fn validity(&self) -> Result<(i64, i64), Error> {
        fields::validity(&self.der).map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_issuer_dn3`: the issuer DN, as `subject_dn`.
    pub fn issuer_dn(&self, flags: u32) -> Result<String, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        dn::to_string(names.issuer, flags & GNUTLS_X509_DN_FLAG_COMPAT != 0)
            .map_err(|_| Error::DerDecoding)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.pem");

    #[test]
    fn imports_pem_and_prints_names() {
        let cert = Certificate::import(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(cert.subject_dn(0).unwrap(), "CN=stepup test CA");
        assert_eq!(
            cert.issuer_dn(GNUTLS_X509_DN_FLAG_COMPAT).unwrap(),
            "CN=stepup test CA"
        );
        let der = Certificate::import(cert.der(), GNUTLS_X509_FMT_DER).unwrap();
        assert_eq!(der, cert);
        assert_eq!(cert.signature_algorithm().unwrap(), 14);
        assert_eq!(cert.signature_oid().unwrap(), "1.2.840.10045.4.3.2");
    }

    #[test]
    fn rejects_der_given_as_pem_and_truncated_der() {
        let cert = Certificate::import(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert!(Certificate::import(cert.der(), GNUTLS_X509_FMT_PEM).is_err());
        assert_eq!(
            Certificate::import(&cert.der()[..10], GNUTLS_X509_FMT_DER),
            Err(Error::DerDecoding)
        );
    }
}
