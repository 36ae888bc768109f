//! CRL objects (`gnutls_x509_crl_t`): a certificate revocation list read
//! from PEM or DER, its fields as GnuTLS returns them, and whether it
//! revokes a certificate.

use super::Error;
use super::credentials::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use super::x509::{Certificate, GNUTLS_X509_DN_FLAG_COMPAT};
use crate::x509::crl::{CrlFields, fields};
use crate::x509::{dn, pem, verify};

/// An imported CRL: DER that rustls-webpki accepts as a CRL and whose
/// fields read.
#[derive(Clone)]
pub struct Crl {
    der: Vec<u8>,
}

impl Crl {
    /// A CRL from DER; `Asn1Tag` for DER that is no CRL (GnuTLS's answer).
    pub fn from_der(der: Vec<u8>) -> Result<Self, Error> {
        verify::check_crl(&der).map_err(|_| Error::Asn1Tag)?;
        fields(&der).map_err(|_| Error::Asn1Tag)?;
        Ok(Self { der })
    }

    /// `gnutls_x509_crl_list_import2`: every CRL in `data` (one for DER).
    /// `Base64UnexpectedHeader` for PEM without an `X509 CRL` block.
    pub fn import_list(data: &[u8], format: i32) -> Result<Vec<Self>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(vec![Self::from_der(data.to_vec())?]),
            GNUTLS_X509_FMT_PEM => pem::crls(data)
                .map_err(|e| match e {
                    pem::LoadError::Empty(_) => Error::Base64UnexpectedHeader,
                    _ => Error::Base64Decoding,
                })?
                .into_iter()
                .map(Self::from_der)
                .collect(),
            _ => Err(Error::InvalidRequest),
        }
    }

    /// `gnutls_x509_crl_import`: the (first) CRL in `data`.
    pub fn import(data: &[u8], format: i32) -> Result<Self, Error> {
        let first = Self::import_list(data, format)?.into_iter().next();
        first.ok_or(Error::Base64UnexpectedHeader)
    }

    fn fields(&self) -> CrlFields<'_> {
        // Checked when the object was made.
        fields(&self.der).unwrap_or(CrlFields {
            version: 1,
            issuer_encoding: &[],
            issuer: &[],
            this_update: -1,
            next_update: None,
            revoked: Vec::new(),
        })
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `gnutls_x509_crl_get_version`: 1 or 2.
    pub fn version(&self) -> i32 {
        self.fields().version
    }

    /// `gnutls_x509_crl_get_this_update`.
    pub fn this_update(&self) -> i64 {
        self.fields().this_update
    }

    /// `gnutls_x509_crl_get_next_update`: `(time_t)-1` when absent.
    pub fn next_update(&self) -> i64 {
        self.fields().next_update.unwrap_or(-1)
    }

    /// `gnutls_x509_crl_get_crt_count`.
    pub fn count(&self) -> usize {
        self.fields().revoked.len()
    }

    /// `gnutls_x509_crl_get_crt_serial`: the `index`-th revoked serial
    /// number and its revocation time; `RequestedDataNotAvailable` past
    /// the end.
    pub fn revoked(&self, index: usize) -> Result<(Vec<u8>, i64), Error> {
        let f = self.fields();
        let entry = f
            .revoked
            .get(index)
            .ok_or(Error::RequestedDataNotAvailable)?;
        Ok((entry.serial.to_vec(), entry.when))
    }

    /// `gnutls_x509_crl_get_issuer_dn3`: the issuer as an RFC 4514 string.
    pub fn issuer_dn(&self, flags: u32) -> Result<String, Error> {
        dn::to_string(
            self.fields().issuer,
            flags & GNUTLS_X509_DN_FLAG_COMPAT != 0,
        )
        .map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crl_get_raw_issuer_dn`: the issuer Name's DER.
    pub fn raw_issuer(&self) -> Vec<u8> {
        self.fields().issuer_encoding.to_vec()
    }

    /// `gnutls_x509_crl_export`: DER, or PEM (`X509 CRL`).
    pub fn export(&self, format: i32) -> Result<Vec<u8>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(self.der.clone()),
            GNUTLS_X509_FMT_PEM => Ok(super::util::pem("X509 CRL", &self.der).into_bytes()),
            _ => Err(Error::InvalidRequest),
        }
    }

    /// Whether this CRL lists `cert`: its issuer is the certificate's
    /// issuer and the certificate's serial number is among the revoked.
    pub fn revokes(&self, cert: &Certificate) -> bool {
        let f = self.fields();
        let (Ok(issuer), Ok(serial)) = (cert.raw_dn(true), cert.serial()) else {
            return false;
        };
        issuer == f.issuer_encoding && f.revoked.iter().any(|r| r.serial == serial.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &[u8] = include_bytes!("../../tests/fixtures/crl.pem");
    const OTHER: &[u8] = include_bytes!("../../tests/fixtures/other-crl.pem");
    const REVOKED: &[u8] = include_bytes!("../../tests/fixtures/revoked.pem");
    const GOOD: &[u8] = include_bytes!("../../tests/fixtures/client-ecdsa.pem");

    #[test]
    fn imports_reads_exports_and_revokes() {
        let crl = Crl::import(PEM, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(crl.version(), 2);
        assert_eq!(crl.count(), 1);
        assert_eq!(crl.issuer_dn(0).unwrap(), "CN=stepup test CA");
        assert!(crl.revoked(1).is_err());
        assert_eq!(crl.export(GNUTLS_X509_FMT_PEM).unwrap(), PEM);
        let revoked = Certificate::import(REVOKED, GNUTLS_X509_FMT_PEM).unwrap();
        let good = Certificate::import(GOOD, GNUTLS_X509_FMT_PEM).unwrap();
        assert!(crl.revokes(&revoked));
        assert!(!crl.revokes(&good));
        let other = Crl::import(OTHER, GNUTLS_X509_FMT_PEM).unwrap();
        assert!(!other.revokes(&revoked));
    }

    #[test]
    fn refuses_what_is_no_crl() {
        assert!(matches!(
            Crl::import(REVOKED, GNUTLS_X509_FMT_PEM),
            Err(Error::Base64UnexpectedHeader)
        ));
        assert!(matches!(
            Crl::import(&[0x30, 3, 2, 1, 0], GNUTLS_X509_FMT_DER),
            Err(Error::Asn1Tag)
        ));
    }
}
