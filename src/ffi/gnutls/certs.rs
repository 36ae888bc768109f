//! Certificate credentials and the certificates of a session, beyond the
//! basics: key pairs from memory, `gnutls_certificate_get_crt_raw`,
//! `gnutls_certificate_set_flags`, `gnutls_certificate_get_ours`, the
//! peer's validity period, `gnutls_certificate_verify_peers`,
//! `gnutls_session_set_verify_cert2`, the verify output function, the
//! clock for validity checks, and certificates' signature algorithms.

use std::ffi::{CStr, c_char, c_int, c_uchar, c_uint};

use super::credentials::{datum, gnutls_certificate_credentials_t};
use super::session::{gnutls_session_t, with_session};
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{certificate, gnutls_x509_crt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::{Error, x509};
use crate::tls::clock;

/// `gnutls_certificate_set_flags`: add pairs without checking that the key
/// is the certificate's.
pub const GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH: c_uint = 1;
/// `gnutls_certificate_set_flags`: the functions adding a pair return its
/// index instead of 0.
pub const GNUTLS_CERTIFICATE_API_V2: c_uint = 1 << 1;
/// `gnutls_certificate_set_flags`: skip the OCSP response check (no
/// effect: stepup does not staple OCSP responses).
pub const GNUTLS_CERTIFICATE_SKIP_OCSP_RESPONSE_CHECK: c_uint = 1 << 2;
/// `gnutls_certificate_set_flags`: verify CRLs (no effect: stepup has no CRLs).
pub const GNUTLS_CERTIFICATE_VERIFY_CRLS: c_uint = 1 << 3;

/// The kind of a `gnutls_typed_vdata_st` element.
#[allow(non_camel_case_types)]
pub type gnutls_vdata_types_t = c_int;
/// Unknown: ignored.
pub const GNUTLS_DT_UNKNOWN: gnutls_vdata_types_t = 0;
/// The peer's expected DNS host name (`data` NUL-terminated).
pub const GNUTLS_DT_DNS_HOSTNAME: gnutls_vdata_types_t = 1;
/// The key purpose OID the peer's certificate must allow (`data`
/// NUL-terminated), e.g. `GNUTLS_KP_TLS_WWW_SERVER`.
pub const GNUTLS_DT_KEY_PURPOSE_OID: gnutls_vdata_types_t = 2;
/// An e-mail address (not supported).
pub const GNUTLS_DT_RFC822NAME: gnutls_vdata_types_t = 3;
/// The peer's expected IP address (`data`: 4 or 16 bytes, `size` bytes).
pub const GNUTLS_DT_IP_ADDRESS: gnutls_vdata_types_t = 4;

/// One element of the data a peer is verified against.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_typed_vdata_st {
    /// What `data` holds.
    pub r#type: gnutls_vdata_types_t,
    /// The value (for strings NUL-terminated, `size` may then be 0).
    pub data: *mut c_uchar,
    /// Its length in bytes.
    pub size: c_uint,
}

/// The key purpose OID of TLS servers' certificates (a `#define` in the header).
pub const GNUTLS_KP_TLS_WWW_SERVER: &str = "1.3.6.1.5.5.7.3.1";
/// The key purpose OID of TLS clients' certificates (a `#define` in the header).
pub const GNUTLS_KP_TLS_WWW_CLIENT: &str = "1.3.6.1.5.5.7.3.2";

/// What a list of typed data asks for: the peer's name, and whether every
/// element is one stepup checks (a key purpose other than the one of the
/// peer's role, or an e-mail address, cannot be checked).
pub(super) struct Expected {
    pub(super) name: Option<String>,
    pub(super) checkable: bool,
    /// Whether a key purpose was given at all.
    pub(super) purpose_given: bool,
    /// The key purpose OID given (dotted text), if any.
    pub(super) purpose: Option<String>,
    /// Whether an e-mail address was given (stepup does not check one).
    pub(super) email: bool,
}

/// Reads `elements` entries of `data`.
///
/// # Safety
/// `data` is NULL (with 0 elements) or holds `elements` entries, each with
/// `data` NUL-terminated or holding `size` bytes.
pub(super) unsafe fn expected(
    data: *const gnutls_typed_vdata_st,
    elements: c_uint,
    peer_is_server: bool,
) -> Result<Expected, CallError> {
    let count = usize::try_from(elements).map_err(|_| CallError::Length("elements"))?;
    let entries: &[gnutls_typed_vdata_st] = if count == 0 {
        &[]
    } else if data.is_null() {
        return Err(CallError::Null("data"));
    } else {
        // SAFETY: non-NULL and holds `count` entries by the caller's promise.
        unsafe { std::slice::from_raw_parts(data, count) }
    };
    let mut out = Expected {
        name: None,
        checkable: true,
        purpose_given: false,
        purpose: None,
        email: false,
    };
    for entry in entries {
        // SAFETY: the entry's data is as promised.
        let bytes = unsafe { entry_bytes(entry) }?;
        match entry.r#type {
            GNUTLS_DT_DNS_HOSTNAME => {
                let name = std::str::from_utf8(bytes).map_err(|_| CallError::Utf8("data"))?;
                out.name = Some(name.to_owned());
            }
            GNUTLS_DT_IP_ADDRESS => {
                let ip = match bytes.len() {
                    4 => <[u8; 4]>::try_from(bytes).map(std::net::IpAddr::from).ok(),
                    16 => <[u8; 16]>::try_from(bytes).map(std::net::IpAddr::from).ok(),
                    _ => None,
                };
                out.name = Some(ip.ok_or(Error::InvalidRequest)?.to_string());
            }
            GNUTLS_DT_KEY_PURPOSE_OID => {
                let role = if peer_is_server {
                    GNUTLS_KP_TLS_WWW_SERVER
                } else {
                    GNUTLS_KP_TLS_WWW_CLIENT
                };
                out.checkable &= bytes == role.as_bytes();
                out.purpose_given = true;
                let purpose = std::str::from_utf8(bytes).map_err(|_| CallError::Utf8("data"))?;
                out.purpose = Some(purpose.to_owned());
            }
            GNUTLS_DT_RFC822NAME => {
                out.checkable = false;
                out.email = true;
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The bytes of one typed datum: `size` bytes, or up to the NUL when `size` is 0.
///
/// # Safety
/// As for `expected`.
unsafe fn entry_bytes(entry: &gnutls_typed_vdata_st) -> Result<&[u8], CallError> {
    if entry.size == 0 {
        if entry.data.is_null() {
            return Ok(&[]);
        }
        // SAFETY: NUL-terminated by the caller's promise.
        return Ok(unsafe { CStr::from_ptr(entry.data.cast_const().cast::<c_char>()) }.to_bytes());
    }
    let size = usize::try_from(entry.size).map_err(|_| CallError::Length("size"))?;
    // SAFETY: holds `size` bytes by the caller's promise.
    let bytes = unsafe { args::bytes(entry.data.cast_const().cast(), size, "data") }?;
    // A string given with its NUL counted.
    Ok(bytes.strip_suffix(&[0]).unwrap_or(bytes))
}

/// Adds a certificate chain and its private key from memory (`type`
/// `GNUTLS_X509_FMT_PEM` or `GNUTLS_X509_FMT_DER`); both are copied.
/// Returns 0 (with `GNUTLS_CERTIFICATE_API_V2` set by
/// `gnutls_certificate_set_flags`: the pair's index);
/// `GNUTLS_E_CERTIFICATE_KEY_MISMATCH` when the key is not the first
/// certificate's (unless `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH` is set);
/// `GNUTLS_E_BASE64_DECODING_ERROR` for unreadable PEM or keys;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or another format.
/// Nothing is added on failure.
///
/// # Safety
/// `res` is NULL or live; the datums are NULL or hold their sizes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_x509_key_mem(
    res: gnutls_certificate_credentials_t,
    cert: *const gnutls_datum_t,
    key: *const gnutls_datum_t,
    r#type: gnutls_x509_crt_fmt_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises.
        let (creds, cert, key) = unsafe {
            (
                args::object(res.cast_const(), "res")?,
                datum(cert, "cert")?,
                datum(key, "key")?,
            )
        };
        Ok(creds.credentials.add_key(cert, key, r#type)?)
    })
}

/// Sets `gnutls_certificate_flags` on the credentials:
/// `GNUTLS_CERTIFICATE_SKIP_KEY_CERT_MATCH` and `GNUTLS_CERTIFICATE_API_V2`
/// apply to pairs added afterwards; `GNUTLS_CERTIFICATE_VERIFY_CRLS` and
/// `GNUTLS_CERTIFICATE_SKIP_OCSP_RESPONSE_CHECK` change nothing (stepup
/// handles neither CRLs nor OCSP). NULL `res` is ignored.
///
/// # Safety
/// `res` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_flags(
    res: gnutls_certificate_credentials_t,
    flags: c_uint,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(res.cast_const(), "res") }?;
        handle.credentials.set_flags(flags);
        Ok(())
    })
}

/// Points `cert` at certificate `idx2` (0: the end-entity certificate) of
/// the chain of pair `idx1` (in the order pairs were added). The bytes
/// belong to the credentials: do not modify or free them; they stay valid
/// until `gnutls_certificate_free_credentials`. Returns 0;
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` when there is no such
/// certificate; `GNUTLS_E_INVALID_REQUEST` for NULL arguments. `cert` is
/// written only on success.
///
/// # Safety
/// `sc` is NULL or live; `cert` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_get_crt_raw(
    sc: gnutls_certificate_credentials_t,
    idx1: c_uint,
    idx2: c_uint,
    cert: *mut gnutls_datum_t,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(cert, "cert")?;
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(sc.cast_const(), "sc") }?;
        let index = |i: c_uint| usize::try_from(i).map_err(|_| Error::RequestedDataNotAvailable);
        let pair = handle.credentials.pair(index(idx1)?)?;
        let der = pair
            .chain
            .get(index(idx2)?)
            .ok_or(Error::RequestedDataNotAvailable)?;
        let out = gnutls_datum_t {
            // The pair lives as long as the credentials (pairs are never removed).
            data: der.as_ptr().cast_mut(),
            size: c_uint::try_from(der.len()).map_err(|_| CallError::NoMemory)?,
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { cert.write(out) };
        Ok(0)
    })
}

/// The end-entity certificate (DER) this side sent in the session: a
/// server's after the handshake, a client's after it answered a
/// certificate request (the latest answer). NULL before one was sent, when
/// the last answer had no certificate, or for a NULL session. The datum
/// belongs to the session: valid until the next call of this function or
/// `gnutls_deinit`.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_get_ours(
    session: gnutls_session_t,
) -> *const gnutls_datum_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let der = unsafe {
            with_session(session, |s| {
                s.negotiated().and_then(|n| n.local_certificate.clone())
            })
        }?;
        // SAFETY: live (used just above); only the stored datum is touched.
        let extras = unsafe { super::retrieve::extras(session) }?;
        Ok(extras.set_ours(der))
    })
}

/// The peer's end-entity certificate's validity bound picked by `pick`,
/// or `(time_t)-1`.
///
/// # Safety
/// `session` is NULL or live.
unsafe fn peer_time(
    session: gnutls_session_t,
    pick: impl FnOnce((i64, i64)) -> i64,
) -> libc::time_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let chain = unsafe { with_session(session, |s| s.peer_certificates()) }?;
        Ok(pick(x509::peer_validity(&chain)?))
    })
}

/// The time the peer's certificate becomes valid (its notBefore), in
/// seconds since the epoch; `(time_t)-1` when the peer sent no certificate,
/// it cannot be read, or `session` is NULL.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_activation_time_peers(
    session: gnutls_session_t,
) -> libc::time_t {
    // SAFETY: forwarded promise.
    unsafe { peer_time(session, |(not_before, _)| not_before) }
}

/// The time the peer's certificate expires (its notAfter), in seconds since
/// the epoch; `(time_t)-1` as for `gnutls_certificate_activation_time_peers`.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_expiration_time_peers(
    session: gnutls_session_t,
) -> libc::time_t {
    // SAFETY: forwarded promise.
    unsafe { peer_time(session, |(_, not_after)| not_after) }
}

/// Verifies the peer's certificate chain against the credentials' trust
/// anchors and the `elements` entries of `data`: `GNUTLS_DT_DNS_HOSTNAME`
/// or `GNUTLS_DT_IP_ADDRESS` names the peer; `GNUTLS_DT_KEY_PURPOSE_OID`
/// is a key purpose every certificate of the chain must allow (by its
/// extendedKeyUsage, if it has one; anyExtendedKeyUsage counts for the
/// end-entity certificate only), else the status has
/// `GNUTLS_CERT_PURPOSE_MISMATCH | GNUTLS_CERT_INVALID`. The chain is
/// verified for the peer's role in any case (a server's certificate for
/// `GNUTLS_KP_TLS_WWW_SERVER`, a client's for `GNUTLS_KP_TLS_WWW_CLIENT`).
/// Writes the `GNUTLS_CERT_*` status bits to `*status` (0: trusted).
/// Validity is checked at the time of the clock set with
/// `gnutls_global_set_time_function`.
///
/// Returns 0 (the status says whether the peer is trusted);
/// `GNUTLS_E_NO_CERTIFICATE_FOUND` when the peer sent no certificate;
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments, an
/// `GNUTLS_DT_RFC822NAME` element (not supported) or a malformed IP
/// address. `*status` is written only on success.
///
/// # Safety
/// `session` is NULL or live; `data` is NULL or holds `elements` entries
/// whose data is NUL-terminated or holds `size` bytes; `status` is NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_verify_peers(
    session: gnutls_session_t,
    data: *mut gnutls_typed_vdata_st,
    elements: c_uint,
    status: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(status, "status")?;
        // SAFETY: NULL or live.
        let server = unsafe { with_session(session, |s| s.is_server()) }?;
        // SAFETY: as promised by the caller.
        let expected = unsafe { expected(data.cast_const(), elements, !server) }?;
        if expected.email {
            return Err(Error::InvalidRequest.into());
        }
        let name = expected.name.as_deref();
        let purpose = expected.purpose.as_deref();
        // SAFETY: NULL or live.
        let bits = unsafe { with_session(session, |s| s.verify_peer(name, purpose)) }??;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { status.write(bits) };
        Ok(0)
    })
}

/// Makes the handshake verify the peer's certificate against the
/// credentials' trust anchors and the name in `data` (a
/// `GNUTLS_DT_DNS_HOSTNAME` or `GNUTLS_DT_IP_ADDRESS` entry; none: no
/// name check), failing with `GNUTLS_E_CERTIFICATE_VERIFICATION_ERROR`
/// otherwise, as `gnutls_session_set_verify_cert`. A
/// `GNUTLS_DT_KEY_PURPOSE_OID` entry must be the purpose of the peer's role
/// (see `gnutls_certificate_verify_peers`); with another purpose or an
/// unreadable entry the call changes nothing (it cannot report an error).
/// `flags` as for `gnutls_session_set_verify_cert`.
///
/// # Safety
/// `session` is NULL or live; `data` as for `gnutls_certificate_verify_peers`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_verify_cert2(
    session: gnutls_session_t,
    data: *mut gnutls_typed_vdata_st,
    elements: c_uint,
    flags: c_uint,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let server = unsafe { with_session(session, |s| s.is_server()) }?;
        // SAFETY: as promised by the caller.
        let expected = unsafe { expected(data.cast_const(), elements, !server) }?;
        if !expected.checkable {
            return Err(Error::InvalidRequest.into());
        }
        // SAFETY: NULL or live.
        unsafe {
            with_session(session, |s| {
                s.set_verify_cert(expected.name.as_deref(), flags)
            })
        }?;
        Ok(())
    })
}

/// The application's verification output function (a pointer to a
/// `gnutls_verify_output_function`): called with a certificate, its
/// issuer, a CRL and the status found for it.
pub(super) type VerifyOutputFunction = unsafe extern "C" fn(
    cert: gnutls_x509_crt_t,
    issuer: gnutls_x509_crt_t,
    crl: super::crl::gnutls_x509_crl_t,
    verification_output: c_uint,
) -> c_int;

/// Stores a function GnuTLS calls for each certificate it checks while
/// verifying the peer's chain. stepup verifies chains as a whole
/// (rustls-webpki) and has no per-certificate results to report, so the
/// function is kept with the session and not called; the verification
/// status still comes from `gnutls_certificate_verify_peers*` and
/// `gnutls_session_get_verify_cert_status`. NULL removes it.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_session_set_verify_output_function(
    session: gnutls_session_t,
    func: Option<
        unsafe extern "C" fn(
            cert: gnutls_x509_crt_t,
            issuer: gnutls_x509_crt_t,
            crl: super::crl::gnutls_x509_crl_t,
            verification_output: c_uint,
        ) -> c_int,
    >,
) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live; only the stored function is touched.
        unsafe { super::retrieve::extras(session) }?.verify_output = func;
        Ok(())
    })
}

/// A `time()`-like function: returns the seconds since the epoch (and
/// stores them in `*t` when `t` is not NULL), or `(time_t)-1` on error.
#[allow(non_camel_case_types)]
pub type gnutls_time_func = Option<unsafe extern "C" fn(t: *mut libc::time_t) -> libc::time_t>;

/// Sets the clock used to check certificates' validity periods and session
/// tickets' ages and lifetimes (every session, from the next check on):
/// `time_func` is called with NULL.
/// A negative result counts as the epoch. NULL restores the system clock.
///
/// # Safety
/// `time_func` is NULL or safe to call with NULL from any thread at any
/// time until it is replaced.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_global_set_time_function(time_func: gnutls_time_func) {
    boundary::gnutls(|| {
        *TIME_FUNCTION.write() = time_func;
        let installed: clock::Clock = call_time_function;
        clock::set(time_func.map(|_| installed));
        Ok(())
    })
}

/// The application's time function. A plain static, so that nothing
/// allocated outlives a library that is unloaded (dlclose).
static TIME_FUNCTION: parking_lot::RwLock<gnutls_time_func> = parking_lot::RwLock::new(None);

/// The clock `gnutls_global_set_time_function` installs.
fn call_time_function() -> i64 {
    let function = *TIME_FUNCTION.read();
    // SAFETY: the application's time function, called with NULL as its
    // contract allows; it stays callable until replaced.
    function.map_or(-1, |f| unsafe { f(std::ptr::null_mut()) })
}

/// The `gnutls_sign_algorithm_t` of the certificate's signature
/// (`GNUTLS_SIGN_ECDSA_SHA256`, ...), `GNUTLS_SIGN_UNKNOWN` (0) for an
/// algorithm without one (RSA-PSS signatures included); a negative code
/// (`GNUTLS_E_INVALID_REQUEST`) for a NULL or empty object.
///
/// # Safety
/// `cert` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_signature_algorithm(cert: gnutls_x509_crt_t) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        Ok(unsafe { certificate(cert) }?.signature_algorithm()?)
    })
}

/// Copies the dotted OID of the certificate's signature algorithm
/// ("1.2.840.10045.4.3.2"), NUL-terminated, into `oid`, which holds
/// `*oid_size` bytes. On success sets `*oid_size` to the bytes written
/// (NUL included) and returns 0. When `oid` is too small returns
/// `GNUTLS_E_SHORT_MEMORY_BUFFER` and sets `*oid_size` to the OID's length
/// plus 2, as GnuTLS 3.7 does (enough to retry). Returns
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an empty object.
///
/// # Safety
/// `cert` is NULL or live; `oid_size` is NULL or readable and writable;
/// `oid` is NULL or writable for `*oid_size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_crt_get_signature_oid(
    cert: gnutls_x509_crt_t,
    oid: *mut c_char,
    oid_size: *mut usize,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(oid_size, "oid_size")?;
        // SAFETY: NULL or live, by the caller's promise.
        let text = unsafe { certificate(cert) }?.signature_oid()?;
        // SAFETY: checked non-NULL; readable by the caller's promise.
        let room = unsafe { oid_size.read() };
        let needed = text.len() + 1;
        if room < needed || oid.is_null() {
            // SAFETY: checked non-NULL; writable by the caller's promise.
            unsafe { oid_size.write(needed + 1) };
            return Err(Error::ShortMemoryBuffer.into());
        }
        // SAFETY: `oid` holds `room >= needed` bytes by the caller's promise.
        unsafe {
            std::ptr::copy_nonoverlapping(text.as_ptr(), oid.cast::<u8>(), text.len());
            oid.add(text.len()).write(0);
            oid_size.write(needed);
        }
        Ok(0)
    })
}
