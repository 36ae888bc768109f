//! The system's trust store: the CA bundle the distribution maintains.

use std::path::Path;

use super::Error;
use super::trust_list::{GNUTLS_X509_FMT_PEM, TrustList};

/// Where distributions keep their PEM bundle of trusted CAs, most common
/// first (Debian and Ubuntu; Fedora and RHEL; Alpine and the BSDs; SUSE).
const BUNDLES: [&str; 4] = [
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/cert.pem",
    "/etc/ssl/ca-bundle.pem",
];

/// `gnutls_certificate_set_x509_system_trust` and
/// `gnutls_x509_trust_list_add_system_trust`: adds the first bundle found
/// and returns how many CAs it held; `Error::FileError` when there is none.
pub fn add_system_trust(list: &TrustList) -> Result<usize, Error> {
    let bundle = BUNDLES
        .iter()
        .find(|path| Path::new(path).is_file())
        .ok_or(Error::FileError)?;
    list.add_file(bundle, GNUTLS_X509_FMT_PEM)
}
