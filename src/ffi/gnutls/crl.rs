//! Certificate revocation lists. stepup does not handle CRLs and exports no
//! way to create a CRL object (no `gnutls_x509_crl_init` or `_import`), so
//! no `gnutls_x509_crl_t` handed to these functions can be one of its own:
//! they refuse every argument without reading it.

use std::ffi::{c_int, c_uint, c_void};

use super::types::gnutls_datum_t;
use crate::ffi::boundary;
use crate::gnutls::Error;

/// A CRL object (opaque; stepup never creates one).
#[allow(non_camel_case_types)]
pub struct gnutls_x509_crl_int {
    _private: [u8; 0],
}

/// A CRL handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_crl_t = *mut gnutls_x509_crl_int;

/// Would write the CRL issuer's DN to `*dn`. stepup has no CRL objects, so
/// this returns `GNUTLS_E_INVALID_REQUEST` (as GnuTLS does for a NULL
/// `crl`) and writes nothing.
///
/// # Safety
/// Any arguments; none is read or written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_issuer_dn3(
    crl: gnutls_x509_crl_t,
    dn: *mut gnutls_datum_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (crl, dn, flags);
        Err(Error::InvalidRequest.into())
    })
}

/// Would copy the CRL number extension into `ret`. stepup has no CRL
/// objects, so this returns `GNUTLS_E_INVALID_REQUEST` (as GnuTLS does for
/// a NULL `crl`) and writes nothing.
///
/// # Safety
/// Any arguments; none is read or written.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crl_get_number(
    crl: gnutls_x509_crl_t,
    ret: *mut c_void,
    ret_size: *mut usize,
    critical: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (crl, ret, ret_size, critical);
        Err(Error::InvalidRequest.into())
    })
}
