//! Anonymous credentials (`gnutls_anon_*`). TLS 1.3 has no anonymous key
//! exchange, so with stepup, as with GnuTLS under a TLS 1.3 priority, they
//! never take part in a handshake: the objects exist so that programs
//! which allocate them for older protocols run, and setting them on a
//! session changes nothing.

use std::ffi::c_int;

use crate::ffi::{args, boundary};

/// Anonymous client credentials (opaque; hold nothing).
#[allow(non_camel_case_types)]
pub struct gnutls_anon_client_credentials_st {
    _empty: (),
}

/// Anonymous server credentials (opaque; hold nothing).
#[allow(non_camel_case_types)]
pub struct gnutls_anon_server_credentials_st {
    _empty: (),
}

/// An anonymous client credentials handle.
#[allow(non_camel_case_types)]
pub type gnutls_anon_client_credentials_t = *mut gnutls_anon_client_credentials_st;
/// An anonymous server credentials handle.
#[allow(non_camel_case_types)]
pub type gnutls_anon_server_credentials_t = *mut gnutls_anon_server_credentials_st;

/// Allocates anonymous client credentials and writes them to `*sc`; free
/// them with `gnutls_anon_free_client_credentials`. They are never used in
/// a TLS 1.3 handshake. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL
/// `sc`.
///
/// # Safety
/// `sc` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_anon_allocate_client_credentials(
    sc: *mut gnutls_anon_client_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(sc, "sc")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(sc, gnutls_anon_client_credentials_st { _empty: () }) };
        Ok(0)
    })
}

/// Frees anonymous client credentials. NULL is ignored.
///
/// # Safety
/// `sc` is NULL or from `gnutls_anon_allocate_client_credentials`, not used
/// again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_anon_free_client_credentials(sc: gnutls_anon_client_credentials_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(sc) };
        Ok(())
    })
}

/// Allocates anonymous server credentials and writes them to `*sc`; free
/// them with `gnutls_anon_free_server_credentials`. They are never used in
/// a TLS 1.3 handshake. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL
/// `sc`.
///
/// # Safety
/// `sc` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_anon_allocate_server_credentials(
    sc: *mut gnutls_anon_server_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(sc, "sc")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(sc, gnutls_anon_server_credentials_st { _empty: () }) };
        Ok(0)
    })
}

/// Frees anonymous server credentials. NULL is ignored.
///
/// # Safety
/// `sc` is NULL or from `gnutls_anon_allocate_server_credentials`, not used
/// again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_anon_free_server_credentials(sc: gnutls_anon_server_credentials_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(sc) };
        Ok(())
    })
}
