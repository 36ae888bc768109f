//! Trust lists (`gnutls_x509_trust_list_t`): the CA certificates a peer's
//! chain must lead to. Credentials verify against one, shared: GnuTLS
//! programs add anchors to a list after handing it to credentials, and
//! sessions see them.

use std::sync::Arc;

use parking_lot::RwLock;

use super::Error;
use crate::x509::pem;
use crate::x509::verify::{TrustStore, check_crl};

/// `GNUTLS_X509_FMT_DER`.
pub const GNUTLS_X509_FMT_DER: i32 = 0;
/// `GNUTLS_X509_FMT_PEM`.
pub const GNUTLS_X509_FMT_PEM: i32 = 1;

#[derive(Default)]
struct Inner {
    anchors: Vec<Vec<u8>>,
    /// DER certificate revocation lists, checked with the anchors.
    crls: Vec<Vec<u8>>,
    /// Built from `anchors` and `crls` when they change; `None` while there
    /// are no anchors.
    store: Option<Arc<TrustStore>>,
}

impl Inner {
    /// Replaces the anchors and CRLs, or changes nothing when they do not
    /// make a store.
    fn replace(&mut self, anchors: Vec<Vec<u8>>, crls: Vec<Vec<u8>>) -> Result<(), Error> {
        let store = TrustStore::with_crls(&anchors, &crls).map_err(|_| Error::CertificateError)?;
        self.store = (!anchors.is_empty()).then(|| Arc::new(store));
        self.anchors = anchors;
        self.crls = crls;
        Ok(())
    }
}

/// A list of trust anchors.
#[derive(Default)]
pub struct TrustList {
    inner: RwLock<Inner>,
}

/// The DER certificates in `data` (`format` `GNUTLS_X509_FMT_DER` or
/// `_PEM`): `Asn1Tag` for DER that is not a SEQUENCE, `Base64Decoding` for
/// PEM without a certificate.
pub fn certificates(data: &[u8], format: i32) -> Result<Vec<Vec<u8>>, Error> {
    match format {
        // A certificate is a SEQUENCE: anything else is not DER at all.
        GNUTLS_X509_FMT_DER if data.first() != Some(&0x30) => Err(Error::Asn1Tag),
        GNUTLS_X509_FMT_DER => Ok(vec![data.to_vec()]),
        GNUTLS_X509_FMT_PEM => pem::certificates(data).map_err(|_| Error::Base64Decoding),
        _ => Err(Error::InvalidRequest),
    }
}

/// The DER revocation lists in `data` (`format` `GNUTLS_X509_FMT_DER` or
/// `_PEM`), each checked: `Asn1Tag` for DER that is not a SEQUENCE or not a
/// CRL, `Base64Decoding` for PEM without a CRL.
pub fn crls(data: &[u8], format: i32) -> Result<Vec<Vec<u8>>, Error> {
    let crls = match format {
        GNUTLS_X509_FMT_DER if data.first() != Some(&0x30) => return Err(Error::Asn1Tag),
        GNUTLS_X509_FMT_DER => vec![data.to_vec()],
        GNUTLS_X509_FMT_PEM => pem::crls(data).map_err(|_| Error::Base64Decoding)?,
        _ => return Err(Error::InvalidRequest),
    };
    for crl in &crls {
        // GnuTLS's answer for DER that is no CRL (a SEQUENCE holding
        // something else).
        check_crl(crl).map_err(|_| Error::Asn1Tag)?;
    }
    Ok(crls)
}

/// A file's bytes, or `FileError`.
pub fn read_file(path: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|_| Error::FileError)
}

impl TrustList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the CA certificates in `data`; returns how many. A certificate
    /// that cannot be an anchor fails the call and adds nothing.
    pub fn add(&self, data: &[u8], format: i32) -> Result<usize, Error> {
        let certs = certificates(data, format)?;
        self.add_der(certs)
    }

    /// Adds DER CA certificates; returns how many.
    pub fn add_der(&self, certs: Vec<Vec<u8>>) -> Result<usize, Error> {
        let count = certs.len();
        let mut inner = self.inner.write();
        let mut anchors = inner.anchors.clone();
        anchors.extend(certs);
        let crls = inner.crls.clone();
        inner.replace(anchors, crls)?;
        Ok(count)
    }

    /// Adds the revocation lists in `data`; returns how many.
    pub fn add_crls(&self, data: &[u8], format: i32) -> Result<usize, Error> {
        self.add_crl_der(crls(data, format)?)
    }

    /// Adds DER revocation lists, checked already; returns how many.
    pub fn add_crl_der(&self, found: Vec<Vec<u8>>) -> Result<usize, Error> {
        let count = found.len();
        let mut inner = self.inner.write();
        let anchors = inner.anchors.clone();
        let mut all = inner.crls.clone();
        all.extend(found);
        inner.replace(anchors, all)?;
        Ok(count)
    }

    /// Adds the revocation lists of a file; returns how many.
    pub fn add_crl_file(&self, path: &str, format: i32) -> Result<usize, Error> {
        self.add_crls(&read_file(path)?, format)
    }

    /// Adds the CA certificates of a file; returns how many.
    pub fn add_file(&self, path: &str, format: i32) -> Result<usize, Error> {
        self.add(&read_file(path)?, format)
    }

    /// The anchors to verify against, `None` while the list is empty.
    pub fn store(&self) -> Option<Arc<TrustStore>> {
        self.inner.read().store.clone()
    }

    /// The first anchor whose subject is `cert`'s issuer
    /// (`gnutls_x509_trust_list_get_issuer`).
    pub fn issuer_of(&self, cert: &super::x509::Certificate) -> Option<super::x509::Certificate> {
        self.inner
            .read()
            .anchors
            .iter()
            .filter_map(|der| super::x509::Certificate::from_der(der.clone()).ok())
            .find(|anchor| cert.is_issued_by(anchor))
    }

    /// The anchors' DER certificates, in the order added.
    pub fn anchors(&self) -> Vec<Vec<u8>> {
        self.inner.read().anchors.clone()
    }
}

/// The regular files in `dir`, in name order; `FileError` when it cannot be
/// read.
fn regular_files(dir: &str) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|_| Error::FileError)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    Ok(paths)
}

/// `gnutls_x509_trust_list_add_trust_dir`: adds the CA certificates of
/// each regular file in `dir` that holds some, in name order; returns how
/// many. Files without a certificate are skipped; `FileError` when the
/// directory cannot be read.
pub fn add_dir(list: &TrustList, dir: &str, format: i32) -> Result<usize, Error> {
    let mut certs = Vec::new();
    for path in regular_files(dir)? {
        if let Ok(found) = std::fs::read(&path)
            .map_err(|_| Error::FileError)
            .and_then(|d| certificates(&d, format))
        {
            certs.extend(found);
        }
    }
    list.add_der(certs)
}

/// `gnutls_x509_trust_list_add_trust_dir`'s CRL half: adds the revocation
/// lists of each regular file in `dir` that holds some, in name order;
/// returns how many. Other files are skipped; `FileError` when the
/// directory cannot be read.
pub fn add_crl_dir(list: &TrustList, dir: &str, format: i32) -> Result<usize, Error> {
    let mut found = Vec::new();
    for path in regular_files(dir)? {
        if let Ok(more) = read_file(&path.to_string_lossy()).and_then(|d| crls(&d, format)) {
            found.extend(more);
        }
    }
    list.add_crl_der(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.pem");
    const OTHER: &[u8] = include_bytes!("../../tests/fixtures/other-ca.pem");

    #[test]
    fn anchors_accumulate_and_a_bad_one_adds_nothing() {
        let list = TrustList::new();
        assert!(list.store().is_none());
        assert_eq!(list.add(CA, GNUTLS_X509_FMT_PEM), Ok(1));
        assert_eq!(list.add(OTHER, GNUTLS_X509_FMT_PEM), Ok(1));
        assert_eq!(list.store().map(|s| s.len()), Some(2));
        assert_eq!(list.add(b"junk", GNUTLS_X509_FMT_DER), Err(Error::Asn1Tag));
        assert_eq!(
            list.add(b"junk", GNUTLS_X509_FMT_PEM),
            Err(Error::Base64Decoding)
        );
        assert_eq!(list.anchors().len(), 2);
        assert_eq!(
            list.add_file("/nonexistent/ca.pem", GNUTLS_X509_FMT_PEM),
            Err(Error::FileError)
        );
    }

    const CRL: &[u8] = include_bytes!("../../tests/fixtures/crl.pem");
    const CRL_DER: &[u8] = include_bytes!("../../tests/fixtures/crl.der");
    const REVOKED: &[u8] = include_bytes!("../../tests/fixtures/revoked.pem");
    const GOOD: &[u8] = include_bytes!("../../tests/fixtures/client-ecdsa.pem");

    fn client_status(list: &TrustList, pem_cert: &[u8]) -> u32 {
        let chain = certificates(pem_cert, GNUTLS_X509_FMT_PEM).unwrap();
        super::super::verify::chain_status(&chain, list.store().as_deref(), false, None, 0)
    }

    #[test]
    fn a_crl_of_the_issuer_revokes_what_it_lists_and_nothing_else() {
        use super::super::verify::{GNUTLS_CERT_INVALID, GNUTLS_CERT_REVOKED};
        let list = TrustList::new();
        list.add(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(client_status(&list, REVOKED), 0);
        assert_eq!(list.add_crls(CRL, GNUTLS_X509_FMT_PEM), Ok(1));
        assert_eq!(
            client_status(&list, REVOKED),
            GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED
        );
        assert_eq!(client_status(&list, GOOD), 0);
        // The same list in DER, and anchors added after the CRL, keep it.
        assert_eq!(list.add_crls(CRL_DER, GNUTLS_X509_FMT_DER), Ok(1));
        list.add(OTHER, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(
            client_status(&list, REVOKED),
            GNUTLS_CERT_INVALID | GNUTLS_CERT_REVOKED
        );
    }

    #[test]
    fn bad_crls_add_nothing() {
        let list = TrustList::new();
        assert_eq!(
            list.add_crls(b"junk", GNUTLS_X509_FMT_DER),
            Err(Error::Asn1Tag)
        );
        assert_eq!(
            list.add_crls(CA, GNUTLS_X509_FMT_PEM),
            Err(Error::Base64Decoding)
        );
        assert_eq!(
            list.add_crls(b"0\x03\x02\x01\x00", GNUTLS_X509_FMT_DER),
            Err(Error::Asn1Tag)
        );
        assert_eq!(
            list.add_crl_file("/nonexistent/crl.pem", GNUTLS_X509_FMT_PEM),
            Err(Error::FileError)
        );
        list.add(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(client_status(&list, REVOKED), 0);
    }
}
