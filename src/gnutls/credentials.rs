//! Certificate credentials (`gnutls_certificate_credentials_t`): our
//! certificate chains and keys, the trust anchors, and how to verify.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use parking_lot::RwLock;

use super::Error;
use crate::tls::CertifiedKey;
use crate::x509::pem;
use crate::x509::verify::TrustStore;

/// `GNUTLS_X509_FMT_DER`.
pub const GNUTLS_X509_FMT_DER: i32 = 0;
/// `GNUTLS_X509_FMT_PEM`.
pub const GNUTLS_X509_FMT_PEM: i32 = 1;

#[derive(Default)]
struct Inner {
    keys: Vec<Arc<CertifiedKey>>,
    anchors: Vec<Vec<u8>>,
    trust: Option<Arc<TrustStore>>,
}

/// Certificate credentials; shared by the sessions they are set on.
#[derive(Default)]
pub struct CertificateCredentials {
    inner: RwLock<Inner>,
    /// Whether the application checks peers itself during the handshake
    /// (`gnutls_certificate_set_verify_function`).
    peer_check: AtomicBool,
    /// `gnutls_certificate_set_verify_flags` (stored; see there).
    verify_flags: AtomicU32,
}

fn read_file(path: &str) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|_| Error::FileError)
}

fn certificates(data: &[u8], format: i32) -> Result<Vec<Vec<u8>>, Error> {
    match format {
        GNUTLS_X509_FMT_DER => Ok(vec![data.to_vec()]),
        GNUTLS_X509_FMT_PEM => pem::certificates(data).map_err(|_| Error::Base64Decoding),
        _ => Err(Error::InvalidRequest),
    }
}

impl CertificateCredentials {
    /// Empty credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a certificate chain and its private key.
    pub fn add_key(&self, cert: &[u8], key: &[u8], format: i32) -> Result<(), Error> {
        let chain = certificates(cert, format)?;
        let key = pem::private_key(key).map_err(|_| Error::Base64Decoding)?;
        self.inner
            .write()
            .keys
            .push(Arc::new(CertifiedKey { chain, key }));
        Ok(())
    }

    /// Adds a certificate chain and key from files.
    pub fn add_key_files(&self, cert: &str, key: &str, format: i32) -> Result<(), Error> {
        self.add_key(&read_file(cert)?, &read_file(key)?, format)
    }

    /// Adds trust anchors; returns how many.
    pub fn add_trust(&self, data: &[u8], format: i32) -> Result<usize, Error> {
        let certs = certificates(data, format)?;
        let mut inner = self.inner.write();
        inner.anchors.extend(certs.iter().cloned());
        let store =
            TrustStore::from_certificates(&inner.anchors).map_err(|_| Error::CertificateError)?;
        inner.trust = Some(Arc::new(store));
        Ok(certs.len())
    }

    /// Adds trust anchors from a file; returns how many.
    pub fn add_trust_file(&self, path: &str, format: i32) -> Result<usize, Error> {
        self.add_trust(&read_file(path)?, format)
    }

    /// The first certificate and key, if any.
    pub fn key(&self) -> Option<Arc<CertifiedKey>> {
        self.inner.read().keys.first().cloned()
    }

    /// The trust anchors, if any were set.
    pub fn trust(&self) -> Option<Arc<TrustStore>> {
        self.inner.read().trust.clone()
    }

    /// Makes handshakes with these credentials stop after the peer's
    /// CertificateVerify for the application's own check (or not).
    pub fn set_peer_check(&self, on: bool) {
        self.peer_check.store(on, Ordering::Release);
    }

    /// Whether the application checks peers itself.
    pub fn peer_check(&self) -> bool {
        self.peer_check.load(Ordering::Acquire)
    }

    /// Stores GnuTLS verification flags (`GNUTLS_VERIFY_*`).
    pub fn set_verify_flags(&self, flags: u32) {
        self.verify_flags.store(flags, Ordering::Release);
    }

    /// The stored verification flags.
    pub fn verify_flags(&self) -> u32 {
        self.verify_flags.load(Ordering::Acquire)
    }
}
