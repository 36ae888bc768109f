//! Diffie-Hellman parameters (`gnutls_dh_params_t`). stepup negotiates
//! TLS 1.3 only, whose key exchanges use named groups (RFC 8446 §4.2.7), so
//! parameters are parsed and kept, never used — as GnuTLS ignores them in
//! a TLS 1.3 handshake.

use super::Error;
use super::credentials::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use crate::x509::dn::{INTEGER, Reader, SEQUENCE};

/// PKCS#3 DHParameter: a prime and a generator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DhParams {
    prime: Vec<u8>,
    generator: Vec<u8>,
}

impl DhParams {
    /// `gnutls_dh_params_import_pkcs3`: `SEQUENCE { prime INTEGER,
    /// base INTEGER, privateValueLength INTEGER OPTIONAL }`, as DER or as
    /// PEM "DH PARAMETERS". `Base64UnexpectedHeader` without such a PEM
    /// block, `Base64Decoding` for bad base64, `DerDecoding` for bad DER.
    pub fn import_pkcs3(data: &[u8], format: i32) -> Result<Self, Error> {
        let der = match format {
            GNUTLS_X509_FMT_DER => data.to_vec(),
            GNUTLS_X509_FMT_PEM => super::util::pem_decode(Some("DH PARAMETERS"), data)?,
            _ => return Err(Error::InvalidRequest),
        };
        let bad = |_| Error::DerDecoding;
        let mut outer = Reader::new(&der);
        let sequence = outer.expect(SEQUENCE).map_err(bad)?;
        if !outer.is_empty() {
            return Err(Error::DerDecoding);
        }
        let mut fields = Reader::new(sequence.contents);
        let prime = fields.expect(INTEGER).map_err(bad)?.contents.to_vec();
        let generator = fields.expect(INTEGER).map_err(bad)?.contents.to_vec();
        if !fields.is_empty() {
            fields.expect(INTEGER).map_err(bad)?;
        }
        if !fields.is_empty() || prime.is_empty() || generator.is_empty() {
            return Err(Error::DerDecoding);
        }
        Ok(Self { prime, generator })
    }

    /// The prime's size in bits.
    pub fn prime_bits(&self) -> usize {
        let digits = self.prime.iter().skip_while(|&&b| b == 0).count();
        digits * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pkcs3_der_and_rejects_truncation() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x17, 0x02, 0x01, 0x05];
        let params = DhParams::import_pkcs3(&der, GNUTLS_X509_FMT_DER).unwrap();
        assert_eq!(params.prime_bits(), 8);
        assert_eq!(
            DhParams::import_pkcs3(&der[..5], GNUTLS_X509_FMT_DER),
            Err(Error::DerDecoding)
        );
        assert_eq!(
            DhParams::import_pkcs3(b"junk", GNUTLS_X509_FMT_PEM),
            Err(Error::Base64UnexpectedHeader)
        );
    }
}
