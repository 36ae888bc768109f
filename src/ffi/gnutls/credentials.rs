//! Certificate credentials and priorities.

use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::sync::Arc;

use super::session::gnutls_session_t;
use super::types::*;
use super::verify::VerifyCell;
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::credentials::CertificateCredentials;
use crate::gnutls::priority::Priority;

/// Certificate credentials (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_certificate_credentials_st {
    pub(super) credentials: Arc<CertificateCredentials>,
    /// `gnutls_certificate_set_verify_function`, shared with the sessions
    /// the credentials are set on.
    pub(super) verify_function: VerifyCell,
    /// `gnutls_certificate_set_retrieve_function*`, shared likewise.
    pub(super) retrieve: super::retrieve::RetrieveCell,
    /// The trust list the credentials own (`gnutls_certificate_set_trust_list`
    /// or `_get_trust_list`), freed with them.
    pub(super) trust_list: parking_lot::Mutex<Option<super::trust_list::OwnedTrustList>>,
    /// Chains and keys handed over by `gnutls_certificate_set_key`.
    pub(super) owned_keys: parking_lot::Mutex<Vec<super::abstract_key::OwnedKey>>,
}

/// A certificate credentials handle.
#[allow(non_camel_case_types)]
pub type gnutls_certificate_credentials_t = *mut gnutls_certificate_credentials_st;

/// Allocates empty certificate credentials. Writes them to `*res` (free
/// with `gnutls_certificate_free_credentials` after the sessions using them)
/// and returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL `res`.
///
/// # Safety
/// `res` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_allocate_credentials(
    res: *mut gnutls_certificate_credentials_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(res, "res")?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe {
            args::give(
                res,
                gnutls_certificate_credentials_st {
                    credentials: Arc::new(CertificateCredentials::new()),
                    verify_function: VerifyCell::default(),
                    retrieve: super::retrieve::RetrieveCell::default(),
                    trust_list: parking_lot::Mutex::new(None),
                    owned_keys: parking_lot::Mutex::new(Vec::new()),
                },
            )
        };
        Ok(0)
    })
}

/// Frees credentials. Sessions that still use them keep working (they hold
/// their own reference). NULL is ignored.
///
/// # Safety
/// `sc` is NULL or credentials from this library, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_free_credentials(sc: gnutls_certificate_credentials_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(sc) };
        Ok(())
    })
}

/// # Safety
/// `cred` is NULL or live.
pub(super) unsafe fn creds<'a>(
    cred: gnutls_certificate_credentials_t,
) -> Result<&'a CertificateCredentials, CallError> {
    // SAFETY: forwarded promise.
    Ok(&unsafe { args::object(cred, "credentials") }?.credentials)
}

/// The bytes of a datum argument.
///
/// # Safety
/// `datum` is NULL or points to a datum whose data holds `size` bytes.
pub(super) unsafe fn datum<'a>(
    datum: *const gnutls_datum_t,
    name: &'static str,
) -> Result<&'a [u8], CallError> {
    // SAFETY: forwarded promise.
    let d = unsafe { args::object(datum, name) }?;
    let size = usize::try_from(d.size).map_err(|_| CallError::Length(name))?;
    // SAFETY: as above.
    unsafe { args::bytes(d.data.cast::<c_void>().cast_const(), size, name) }
}

/// Adds a certificate chain and its private key from files (`type`
/// `GNUTLS_X509_FMT_PEM` or `GNUTLS_X509_FMT_DER`). Encrypted keys
/// (`pass`) are not supported. Returns 0 (with `GNUTLS_CERTIFICATE_API_V2`
/// set by `gnutls_certificate_set_flags`: the pair's index),
/// `GNUTLS_E_CERTIFICATE_KEY_MISMATCH` when the key is not the
/// certificate's (unless `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH` is set),
/// `GNUTLS_E_FILE_ERROR`, `GNUTLS_E_BASE64_DECODING_ERROR`, or
/// `GNUTLS_E_INVALID_REQUEST`.
///
/// # Safety
/// `res` is live; the file names are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_key_file2(
    res: gnutls_certificate_credentials_t,
    certfile: *const c_char,
    keyfile: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
    pass: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        if !pass.is_null() {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: the caller's promises.
        let (creds, cert, key) = unsafe {
            (
                creds(res)?,
                args::utf8(certfile, "certfile")?,
                args::utf8(keyfile, "keyfile")?,
            )
        };
        Ok(creds.add_key_files(cert, key, r#type)?)
    })
}

/// As `gnutls_certificate_set_x509_key_file2` with no password and no
/// flags.
///
/// # Safety
/// `res` is live; the file names are NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_key_file(
    res: gnutls_certificate_credentials_t,
    certfile: *const c_char,
    keyfile: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe {
        gnutls_certificate_set_x509_key_file2(res, certfile, keyfile, r#type, std::ptr::null(), 0)
    }
}

/// Adds a certificate chain and its private key from memory. Returns as
/// `gnutls_certificate_set_x509_key_file2`.
///
/// # Safety
/// `res` is live; the datums hold their sizes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_key_mem2(
    res: gnutls_certificate_credentials_t,
    cert: *const gnutls_datum_t,
    key: *const gnutls_datum_t,
    r#type: gnutls_x509_crt_fmt_t,
    pass: *const c_char,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        if !pass.is_null() {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: the caller's promises.
        let (creds, cert, key) = unsafe { (creds(res)?, datum(cert, "cert")?, datum(key, "key")?) };
        Ok(creds.add_key(cert, key, r#type)?)
    })
}

/// Adds trust anchors (CA certificates) from memory. Returns the number of
/// certificates added, or a negative code.
///
/// # Safety
/// `res` is live; `ca` holds its size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_trust_mem(
    res: gnutls_certificate_credentials_t,
    ca: *const gnutls_datum_t,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, ca) = unsafe { (creds(res)?, datum(ca, "ca")?) };
        Ok(c_int::try_from(creds.add_trust(ca, r#type)?).unwrap_or(c_int::MAX))
    })
}

/// Adds the certificate revocation lists in `crl` (PEM `X509 CRL` blocks,
/// or one DER CRL, as `type` says) to the credentials' trust list: a chain
/// with a certificate a CRL of its issuer lists verifies as
/// `GNUTLS_CERT_REVOKED`. Returns the number of CRLs added, or a negative
/// code (`GNUTLS_E_BASE64_DECODING_ERROR` for PEM without a CRL,
/// `GNUTLS_E_ASN1_TAG_ERROR` for data that is not a CRL); on an error
/// nothing is added. The data is copied.
///
/// # Safety
/// `res` is live; `crl` holds its size.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_crl_mem(
    res: gnutls_certificate_credentials_t,
    crl: *const gnutls_datum_t,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, crl) = unsafe { (creds(res)?, datum(crl, "crl")?) };
        Ok(c_int::try_from(creds.trust_list().add_crls(crl, r#type)?).unwrap_or(c_int::MAX))
    })
}

/// `gnutls_certificate_set_x509_crl_mem` with the contents of the file
/// `crlfile` (`GNUTLS_E_FILE_ERROR` when it cannot be read).
///
/// # Safety
/// `res` is live; `crlfile` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_crl_file(
    res: gnutls_certificate_credentials_t,
    crlfile: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, path) = unsafe { (creds(res)?, args::utf8(crlfile, "crlfile")?) };
        Ok(c_int::try_from(creds.trust_list().add_crl_file(path, r#type)?).unwrap_or(c_int::MAX))
    })
}

/// Adds trust anchors from a file. Returns the number of certificates
/// added, or a negative code (`GNUTLS_E_FILE_ERROR`, ...).
///
/// # Safety
/// `cred` is live; `cafile` is NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_trust_file(
    cred: gnutls_certificate_credentials_t,
    cafile: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, path) = unsafe { (creds(cred)?, args::utf8(cafile, "cafile")?) };
        Ok(c_int::try_from(creds.add_trust_file(path, r#type)?).unwrap_or(c_int::MAX))
    })
}

/// Adds the CA certificates of every file in the directory `ca_dir` that
/// holds some (in `type`'s format; others are skipped) as trust anchors.
/// Returns the number added, `GNUTLS_E_FILE_ERROR` for a directory that
/// cannot be read, or another negative code.
///
/// # Safety
/// `cred` is NULL or live; `ca_dir` is NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_trust_dir(
    cred: gnutls_certificate_credentials_t,
    ca_dir: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, dir) = unsafe { (creds(cred)?, args::utf8(ca_dir, "ca_dir")?) };
        let added = crate::gnutls::trust_list::add_dir(&creds.trust_list(), dir, r#type)?;
        Ok(c_int::try_from(added).unwrap_or(c_int::MAX))
    })
}

/// A PIN callback (`gnutls_pin_callback_t`): asked for the PIN of a token
/// or an encrypted key.
#[allow(non_camel_case_types)]
pub type gnutls_pin_callback_t = Option<
    unsafe extern "C" fn(
        userdata: *mut c_void,
        attempt: c_int,
        token_url: *const c_char,
        token_label: *const c_char,
        flags: c_uint,
        pin: *mut c_char,
        pin_max: usize,
    ) -> c_int,
>;

/// Sets the function asked for PINs of keys the credentials load. stepup
/// loads no PIN-protected keys (no PKCS #11, no encrypted key files: those
/// calls fail), so the function is never called and nothing is kept.
/// NULL arguments are ignored.
///
/// # Safety
/// `cred` is NULL or live credentials.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_pin_function(
    cred: gnutls_certificate_credentials_t,
    r#fn: gnutls_pin_callback_t,
    userdata: *mut c_void,
) {
    boundary::gnutls(|| {
        let _ = (r#fn, userdata);
        // SAFETY: NULL or live.
        unsafe { creds(cred) }?;
        Ok(())
    })
}

/// Sets credentials on a session: `GNUTLS_CRD_CERTIFICATE` (certificate
/// credentials) or `GNUTLS_CRD_PSK` (PSK credentials of the session's
/// side: `gnutls_psk_client_credentials_t` on a client,
/// `gnutls_psk_server_credentials_t` on a server); a session may have both.
/// `GNUTLS_CRD_ANON` is accepted and changes nothing (TLS 1.3 has no
/// anonymous key exchange). Other types return `GNUTLS_E_INVALID_REQUEST`. The session keeps its own
/// reference. Returns 0 or a negative code (`GNUTLS_E_INVALID_REQUEST` for
/// a NULL session or credentials). Certificate credentials may be set
/// from a handshake hook: set in the PRE hook of the ClientHello, a
/// server answers that ClientHello with them.
///
/// # Safety
/// `session` is live; `cred` is credentials of `type`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_credentials_set(
    session: gnutls_session_t,
    r#type: gnutls_credentials_type_t,
    cred: *mut c_void,
) -> c_int {
    boundary::gnutls(|| {
        if session.is_null() {
            return Err(CallError::Null("session"));
        }
        let set = if super::callbacks::in_callback(session)
            && r#type == GNUTLS_CRD_CERTIFICATE
            && !cred.is_null()
        {
            // From a handshake hook, with the session busy: set once the
            // hook's operation lets go of it (`apply_deferred`).
            // SAFETY: live; a field apart from the session state.
            let deferred = unsafe { &mut *std::ptr::addr_of_mut!((*session).deferred_credentials) };
            deferred.push((r#type, cred));
            0
        } else {
            // SAFETY: the caller's promises, forwarded.
            unsafe { set_credentials(session, r#type, cred) }?
        };
        // SAFETY: live (it was just used); a field apart from the session
        // state.
        let handles = unsafe { &mut *std::ptr::addr_of_mut!((*session).credential_handles) };
        handles.retain(|(t, _)| *t != r#type);
        handles.push((r#type, cred));
        Ok(set)
    })
}

/// Sets the credentials a handshake hook set while the session was busy.
/// Returns whether there were any.
///
/// # Safety
/// `session` is NULL or live, with no borrow of it held, and the
/// credentials it was given are live still.
pub(super) unsafe fn apply_deferred(session: gnutls_session_t) -> Result<bool, CallError> {
    if session.is_null() {
        return Err(CallError::Null("session"));
    }
    // SAFETY: live; a field apart from the session state.
    let deferred =
        std::mem::take(unsafe { &mut *std::ptr::addr_of_mut!((*session).deferred_credentials) });
    let any = !deferred.is_empty();
    for (r#type, cred) in deferred {
        // SAFETY: forwarded promises; `cred` was live when set and the
        // caller keeps credentials alive while sessions use them.
        unsafe { set_credentials(session, r#type, cred) }?;
    }
    Ok(any)
}

/// Whether a handshake hook set credentials not yet applied.
///
/// # Safety
/// `session` is live.
pub(super) unsafe fn has_deferred(session: gnutls_session_t) -> bool {
    // SAFETY: live; a shared read of a field apart from the session state.
    !unsafe { &*std::ptr::addr_of!((*session).deferred_credentials) }.is_empty()
}

/// The credentials handle of `type` set on the session with
/// `gnutls_credentials_set`, written to `*cred` when `cred` is not NULL.
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` when none of that type was set
/// or for a NULL session.
///
/// # Safety
/// `session` is NULL or live; `cred` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_credentials_get(
    session: gnutls_session_t,
    r#type: gnutls_credentials_type_t,
    cred: *mut *mut c_void,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { super::session::with_session(session, |_| ()) }?;
        // SAFETY: live (just used); a field apart from the session state.
        let handles = unsafe { &*std::ptr::addr_of!((*session).credential_handles) };
        let (_, handle) = handles
            .iter()
            .find(|(t, _)| *t == r#type)
            .ok_or(Error::InvalidRequest)?;
        // SAFETY: NULL or writable by the caller's promise.
        if let Some(out) = unsafe { cred.as_mut() } {
            *out = *handle;
        }
        Ok(0)
    })
}

/// `gnutls_credentials_set` without the bookkeeping of handles.
///
/// # Safety
/// As for `gnutls_credentials_set`.
unsafe fn set_credentials(
    session: gnutls_session_t,
    r#type: gnutls_credentials_type_t,
    cred: *mut c_void,
) -> Result<c_int, crate::ffi::errors::CallError> {
    if r#type == GNUTLS_CRD_PSK {
        // SAFETY: the caller's promises, forwarded.
        unsafe { super::psk::set_on_session(session, cred) }?;
        return Ok(0);
    }
    if r#type == GNUTLS_CRD_ANON {
        // No anonymous key exchange in TLS 1.3: nothing to set.
        // SAFETY: NULL or live.
        unsafe { super::session::with_session(session, |_| ()) }?;
        return Ok(0);
    }
    if r#type != GNUTLS_CRD_CERTIFICATE {
        return Err(Error::InvalidRequest.into());
    }
    // SAFETY: the caller's promises.
    let handle = unsafe {
        args::object(
            cred.cast::<gnutls_certificate_credentials_st>()
                .cast_const(),
            "cred",
        )
    }?;
    let (credentials, verify) = (handle.credentials.clone(), handle.verify_function.clone());
    // SAFETY: NULL or live.
    unsafe { super::session::with_session(session, |s| s.set_credentials(credentials)) }?;
    // SAFETY: live (it was just used).
    unsafe { super::session::set_verify_cell(session, verify) }?;
    // SAFETY: live (it was just used); only its certificate state is touched.
    let extras = unsafe { super::retrieve::extras(session) }?;
    extras.retrieve = Some(handle.retrieve.clone());
    extras.cred = cred.cast::<gnutls_certificate_credentials_st>();
    Ok(0)
}

/// Sets the default priority ("NORMAL"). Returns 0.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_set_default_priority(session: gnutls_session_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        unsafe { super::session::with_session(session, |s| s.set_priority(Priority::default())) }?;
        Ok(0)
    })
}

/// Sets the priority from a GnuTLS priority string (NULL: the default).
/// Returns 0, or `GNUTLS_E_INVALID_REQUEST` with `*err_pos` (if not NULL)
/// pointing at the element that was refused.
///
/// # Safety
/// `session` is live; `priorities` is NULL or NUL-terminated; `err_pos` is
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_set_direct(
    session: gnutls_session_t,
    priorities: *const c_char,
    err_pos: *mut *const c_char,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or NUL-terminated.
        let text = unsafe { args::optional_cstr(priorities) };
        let priority = match text.map(CStr::to_str) {
            None => Priority::default(),
            Some(Ok(text)) => match Priority::parse(text) {
                Ok(p) => p,
                Err(at) => {
                    // SAFETY: `err_pos` is NULL or writable, as documented.
                    if let Some(out) = unsafe { err_pos.as_mut() } {
                        // SAFETY: `at` is an offset within the parsed string.
                        *out = unsafe { priorities.add(at) };
                    }
                    return Err(Error::InvalidRequest.into());
                }
            },
            Some(Err(_)) => return Err(CallError::Utf8("priorities")),
        };
        // SAFETY: NULL or live.
        unsafe { super::session::with_session(session, |s| s.set_priority(priority)) }?;
        Ok(0)
    })
}
