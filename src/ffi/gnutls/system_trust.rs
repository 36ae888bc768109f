//! `gnutls_certificate_set_x509_system_trust`.

use std::ffi::c_int;

use super::credentials::{creds, gnutls_certificate_credentials_t};
use crate::ffi::boundary;
use crate::gnutls::system_trust::add_system_trust;

/// Adds the system's trusted CAs (the distribution's PEM bundle, such as
/// Debian's `/etc/ssl/certs/ca-certificates.crt`) to the credentials.
/// Returns the number of CAs added, `GNUTLS_E_FILE_ERROR` when the system
/// has no bundle, or another negative code for a bundle that cannot be
/// read. Nothing is owned by the callee.
///
/// # Safety
/// `cred` is NULL or live credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_system_trust(
    cred: gnutls_certificate_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promise.
        let credentials = unsafe { creds(cred) }?;
        Ok(c_int::try_from(add_system_trust(&credentials.trust_list())?).unwrap_or(c_int::MAX))
    })
}
