//! Certificate credentials (`gnutls_certificate_credentials_t`): our
//! certificate chains and keys, the trust anchors, and how to verify.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use parking_lot::RwLock;

use super::Error;
use super::trust_list::{TrustList, certificates, read_file};
use crate::tls::{CertifiedKey, NamedCertificate};
use crate::x509::fields;
use crate::x509::verify::TrustStore;

pub use super::trust_list::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
/// `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH`: add pairs without checking
/// that the key belongs to the certificate.
pub const GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH: u32 = 1;
/// `GNUTLS_CERTIFICATE_API_V2`: the functions adding pairs return the
/// pair's index instead of 0.
pub const GNUTLS_CERTIFICATE_API_V2: u32 = 1 << 1;

#[derive(Default)]
struct Inner {
    /// Our pairs, in the order added, with the server names each is for.
    keys: Vec<NamedCertificate>,
    /// Shared with the `gnutls_x509_trust_list_t` handed over by
    /// `gnutls_certificate_set_trust_list`, if any.
    trust: Arc<TrustList>,
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
    /// `gnutls_certificate_set_flags`.
    flags: AtomicU32,
    /// Whether the application chooses the certificate to send
    /// (`gnutls_certificate_set_retrieve_function*`).
    app_chooses: AtomicBool,
}

/// The names a certificate answers to when a server picks one by the
/// client's server_name: its subjectAltName DNS names, else its subject's
/// common names (as GnuTLS compares them: exactly).
fn server_names(leaf: &[u8]) -> Vec<String> {
    let dns = fields::alt_names(leaf).map(|n| n.dns).unwrap_or_default();
    if dns.is_empty() {
        crate::x509::dn::subject_common_names(leaf).unwrap_or_default()
    } else {
        dns
    }
}

impl CertificateCredentials {
    /// Empty credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a certificate chain and its private key; returns what GnuTLS
    /// returns (see `add_pair`).
    pub fn add_key(&self, cert: &[u8], key: &[u8], format: i32) -> Result<i32, Error> {
        let chain = certificates(cert, format)?;
        let key = super::privkey::parse(key, format)?;
        self.add_pair(CertifiedKey { chain, key })
    }

    /// Adds a chain and its key: `CertificateKeyMismatch` (nothing added)
    /// when the key is not the end-entity certificate's, unless
    /// `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH` is set; `InvalidRequest`
    /// for an empty chain. Returns the pair's index with
    /// `GNUTLS_CERTIFICATE_API_V2`, else 0.
    pub fn add_pair(&self, pair: CertifiedKey) -> Result<i32, Error> {
        let leaf = pair.chain.first().ok_or(Error::InvalidRequest)?;
        let flags = self.flags();
        if flags & GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH == 0
            && fields::public_key(leaf).ok() != Some(pair.key.public_key())
        {
            return Err(Error::CertificateKeyMismatch);
        }
        let names = server_names(leaf);
        let mut inner = self.inner.write();
        inner.keys.push(NamedCertificate {
            key: Arc::new(pair),
            names,
        });
        let index = inner.keys.len() - 1;
        Ok(if flags & GNUTLS_CERTIFICATE_API_V2 != 0 {
            i32::try_from(index).unwrap_or(i32::MAX)
        } else {
            0
        })
    }

    /// Pair `index` (in the order added; pairs are never removed, so the
    /// credentials keep it alive); `RequestedDataNotAvailable` when there
    /// is none (`gnutls_certificate_get_crt_raw`).
    pub fn pair(&self, index: usize) -> Result<Arc<CertifiedKey>, Error> {
        let inner = self.inner.read();
        inner
            .keys
            .get(index)
            .map(|named| named.key.clone())
            .ok_or(Error::RequestedDataNotAvailable)
    }

    /// `gnutls_certificate_set_flags`.
    pub fn set_flags(&self, flags: u32) {
        self.flags.store(flags, Ordering::Release);
    }

    /// The flags of `gnutls_certificate_set_flags`.
    pub fn flags(&self) -> u32 {
        self.flags.load(Ordering::Acquire)
    }

    /// Makes sessions ask the application which certificate to send
    /// instead of using the pairs added here (or not).
    pub fn set_app_chooses(&self, on: bool) {
        self.app_chooses.store(on, Ordering::Release);
    }

    /// Whether the application chooses the certificate to send.
    pub fn app_chooses(&self) -> bool {
        self.app_chooses.load(Ordering::Acquire)
    }

    /// Adds a certificate chain and key from files.
    pub fn add_key_files(&self, cert: &str, key: &str, format: i32) -> Result<i32, Error> {
        self.add_key(&read_file(cert)?, &read_file(key)?, format)
    }

    /// Adds trust anchors; returns how many.
    pub fn add_trust(&self, data: &[u8], format: i32) -> Result<usize, Error> {
        self.trust_list().add(data, format)
    }

    /// The trust list anchors are added to and verified against.
    pub fn trust_list(&self) -> Arc<TrustList> {
        self.inner.read().trust.clone()
    }

    /// Verifies against `list` from now on, instead of the anchors added
    /// so far (`gnutls_certificate_set_trust_list`).
    pub fn set_trust_list(&self, list: Arc<TrustList>) {
        self.inner.write().trust = list;
    }

    /// Adds trust anchors from a file; returns how many.
    pub fn add_trust_file(&self, path: &str, format: i32) -> Result<usize, Error> {
        self.add_trust(&read_file(path)?, format)
    }

    /// The first certificate and key, if any.
    pub fn key(&self) -> Option<Arc<CertifiedKey>> {
        self.inner
            .read()
            .keys
            .first()
            .map(|named| named.key.clone())
    }

    /// Every pair with its names, when there are several to choose from
    /// by server name; empty otherwise.
    pub fn choices(&self) -> Vec<NamedCertificate> {
        let inner = self.inner.read();
        if inner.keys.len() < 2 {
            return Vec::new();
        }
        inner
            .keys
            .iter()
            .map(|named| NamedCertificate {
                key: named.key.clone(),
                names: named.names.clone(),
            })
            .collect()
    }

    /// The trust anchors, if any were set.
    pub fn trust(&self) -> Option<Arc<TrustStore>> {
        self.trust_list().store()
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
