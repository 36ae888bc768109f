//! Certificate retrieve functions: the application chooses the
//! certificate a session sends — a client's for each CertificateRequest
//! (in the handshake, and after it in `gnutls_reauth` or, with
//! `GNUTLS_AUTO_REAUTH`, inside `gnutls_record_recv`), and a server's for
//! its handshake. The session stops before it needs the certificate; the
//! function is called from `run_with_peer_check` with no Rust borrow of the
//! session live, so it may call the library with the session.

use std::ffi::{c_int, c_uchar, c_uint, c_void};
use std::sync::Arc;

use parking_lot::Mutex;

use super::certs::VerifyOutputFunction;
use super::credentials::gnutls_certificate_credentials_t;
use super::enums::gnutls_certificate_type_t;
use super::privkey::{gnutls_x509_privkey_int, gnutls_x509_privkey_t, x509_chain};
use super::session::{gnutls_session_t, with_session};
use super::types::gnutls_datum_t;
use super::x509::{gnutls_x509_crt_int, gnutls_x509_crt_t};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::tls::{CertificateRequestInfo, CertifiedKey};

/// A public key algorithm.
#[allow(non_camel_case_types)]
pub type gnutls_pk_algorithm_t = c_int;
/// Unknown.
pub const GNUTLS_PK_UNKNOWN: gnutls_pk_algorithm_t = 0;
/// RSA.
pub const GNUTLS_PK_RSA: gnutls_pk_algorithm_t = 1;
/// ECDSA.
pub const GNUTLS_PK_ECDSA: gnutls_pk_algorithm_t = 4;
/// RSA-PSS.
pub const GNUTLS_PK_RSA_PSS: gnutls_pk_algorithm_t = 6;
/// EdDSA over Ed25519.
pub const GNUTLS_PK_EDDSA_ED25519: gnutls_pk_algorithm_t = 7;
/// EdDSA over Ed448.
pub const GNUTLS_PK_EDDSA_ED448: gnutls_pk_algorithm_t = 12;

/// The kind of key in a `gnutls_retr2_st`.
#[allow(non_camel_case_types)]
pub type gnutls_privkey_type_t = c_int;
/// A `gnutls_x509_privkey_t` (the only kind stepup takes).
pub const GNUTLS_PRIVKEY_X509: gnutls_privkey_type_t = 0;
/// An OpenPGP key (not supported).
pub const GNUTLS_PRIVKEY_OPENPGP: gnutls_privkey_type_t = 1;
/// A PKCS #11 key (not supported).
pub const GNUTLS_PRIVKEY_PKCS11: gnutls_privkey_type_t = 2;
/// An external key (not supported).
pub const GNUTLS_PRIVKEY_EXT: gnutls_privkey_type_t = 3;

/// `gnutls_certificate_retrieve_function3` flag: the library frees the
/// returned certificates and key after use.
pub const GNUTLS_CERT_RETR_DEINIT_ALL: c_uint = 1;

pub use super::abstract_key::{gnutls_privkey_t, gnutls_pubkey_t};

/// An OpenPGP certificate (opaque; not supported).
#[allow(non_camel_case_types)]
pub struct gnutls_openpgp_crt_int {
    _private: [u8; 0],
}
/// An OpenPGP certificate handle.
#[allow(non_camel_case_types)]
pub type gnutls_openpgp_crt_t = *mut gnutls_openpgp_crt_int;
/// An OpenPGP private key (opaque; not supported).
#[allow(non_camel_case_types)]
pub struct gnutls_openpgp_privkey_int {
    _private: [u8; 0],
}
/// An OpenPGP private key handle.
#[allow(non_camel_case_types)]
pub type gnutls_openpgp_privkey_t = *mut gnutls_openpgp_privkey_int;
/// A PKCS #11 private key (opaque; not supported).
#[allow(non_camel_case_types)]
pub struct gnutls_pkcs11_privkey_st {
    _private: [u8; 0],
}
/// A PKCS #11 private key handle.
#[allow(non_camel_case_types)]
pub type gnutls_pkcs11_privkey_t = *mut gnutls_pkcs11_privkey_st;

/// The certificates of a `gnutls_retr2_st`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy)]
pub union gnutls_retr2_cert {
    /// `ncerts` X.509 certificates, end-entity first.
    pub x509: *mut gnutls_x509_crt_t,
    /// An OpenPGP certificate (not supported).
    pub pgp: gnutls_openpgp_crt_t,
}

/// The key of a `gnutls_retr2_st`.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy)]
pub union gnutls_retr2_key {
    /// An X.509 private key.
    pub x509: gnutls_x509_privkey_t,
    /// An OpenPGP key (not supported).
    pub pgp: gnutls_openpgp_privkey_t,
    /// A PKCS #11 key (not supported).
    pub pkcs11: gnutls_pkcs11_privkey_t,
}

/// What a `gnutls_certificate_retrieve_function` answers.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_retr2_st {
    /// `GNUTLS_CRT_X509`.
    pub cert_type: gnutls_certificate_type_t,
    /// `GNUTLS_PRIVKEY_X509`.
    pub key_type: gnutls_privkey_type_t,
    /// The certificates.
    pub cert: gnutls_retr2_cert,
    /// How many (0: send no certificate).
    pub ncerts: c_uint,
    /// The private key of the first certificate.
    pub key: gnutls_retr2_key,
    /// Non-zero: the library frees the certificates (`gnutls_x509_crt_deinit`),
    /// their array (`gnutls_free`) and the key (`gnutls_x509_privkey_deinit`)
    /// after use.
    pub deinit_all: c_uint,
}

/// A parsed certificate, as `gnutls_certificate_retrieve_function2/3` answer.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_pcert_st {
    /// Its public key.
    pub pubkey: gnutls_pubkey_t,
    /// Its DER.
    pub cert: gnutls_datum_t,
    /// `GNUTLS_CRT_X509`.
    pub r#type: gnutls_certificate_type_t,
}

/// An OCSP response for a certificate (`gnutls_certificate_retrieve_function3`).
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_ocsp_data_st {
    /// 0.
    pub version: c_uint,
    /// The DER response.
    pub response: gnutls_datum_t,
    /// When it expires.
    pub exptime: libc::time_t,
    /// Reserved.
    pub padding: [c_uchar; 32],
}

/// What `gnutls_certificate_retrieve_function3` is told about the request.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_cert_retr_st {
    /// 0, as GnuTLS 3.7 passes it (its header says 1).
    pub version: c_uint,
    /// The credentials of the session.
    pub cred: gnutls_certificate_credentials_t,
    /// The DER DistinguishedNames of the CAs the server accepts (`nreqs`).
    pub req_ca_rdn: *const gnutls_datum_t,
    /// How many.
    pub nreqs: c_uint,
    /// The key algorithms the peer accepts (`pk_algos_length`).
    pub pk_algos: *const gnutls_pk_algorithm_t,
    /// How many.
    pub pk_algos_length: c_uint,
    /// Reserved.
    pub padding: [c_uchar; 64],
}

/// `gnutls_certificate_set_retrieve_function`'s callback (as a pointer).
type Retrieve1 = unsafe extern "C" fn(
    gnutls_session_t,
    *const gnutls_datum_t,
    c_int,
    *const gnutls_pk_algorithm_t,
    c_int,
    *mut gnutls_retr2_st,
) -> c_int;

/// `gnutls_certificate_set_retrieve_function2`'s callback (as a pointer).
type Retrieve2 = unsafe extern "C" fn(
    gnutls_session_t,
    *const gnutls_datum_t,
    c_int,
    *const gnutls_pk_algorithm_t,
    c_int,
    *mut *mut gnutls_pcert_st,
    *mut c_uint,
    *mut gnutls_privkey_t,
) -> c_int;

/// `gnutls_certificate_set_retrieve_function3`'s callback (as a pointer).
type Retrieve3 = unsafe extern "C" fn(
    gnutls_session_t,
    *const gnutls_cert_retr_st,
    *mut *mut gnutls_pcert_st,
    *mut c_uint,
    *mut *mut gnutls_ocsp_data_st,
    *mut c_uint,
    *mut gnutls_privkey_t,
    *mut c_uint,
) -> c_int;

/// The retrieve function set on credentials.
#[derive(Clone, Copy)]
pub(super) enum RetrieveFunction {
    V1(Retrieve1),
    V2(Retrieve2),
    V3(Retrieve3),
}

/// Where credentials keep their retrieve function, shared with the
/// sessions they are set on.
pub(super) type RetrieveCell = Arc<Mutex<Option<RetrieveFunction>>>;

/// The certificate state a session keeps beside its `Session`.
pub struct SessionCerts {
    /// The retrieve function cell of the credentials set on the session.
    pub(super) retrieve: Option<RetrieveCell>,
    /// Those credentials (handed to `gnutls_certificate_retrieve_function3`).
    pub(super) cred: gnutls_certificate_credentials_t,
    /// What `gnutls_certificate_get_ours` returned last.
    ours: Option<(Vec<u8>, gnutls_datum_t)>,
    /// `gnutls_session_set_verify_output_function` (kept, not called).
    pub(super) verify_output: Option<VerifyOutputFunction>,
}

impl Default for SessionCerts {
    fn default() -> Self {
        Self {
            retrieve: None,
            cred: std::ptr::null_mut(),
            ours: None,
            verify_output: None,
        }
    }
}

impl SessionCerts {
    /// Keeps `der` and returns a datum over it (NULL for none), valid until
    /// the next call.
    pub(super) fn set_ours(&mut self, der: Option<Vec<u8>>) -> *const gnutls_datum_t {
        self.ours = der.and_then(|mut der| {
            let size = c_uint::try_from(der.len()).ok()?;
            let datum = gnutls_datum_t {
                data: der.as_mut_ptr(),
                size,
            };
            Some((der, datum))
        });
        self.ours
            .as_ref()
            .map_or(std::ptr::null(), |(_, datum)| std::ptr::from_ref(datum))
    }
}

/// The certificate state of a session handle (a borrow of that field only,
/// so it may be taken while the session's `Session` is borrowed elsewhere).
///
/// # Safety
/// `session` is NULL or live, and no other borrow of this field is live.
pub(super) unsafe fn extras<'a>(
    session: gnutls_session_t,
) -> Result<&'a mut SessionCerts, CallError> {
    if session.is_null() {
        return Err(CallError::Null("session"));
    }
    // SAFETY: non-NULL and live by the caller's promise; one field only.
    Ok(unsafe { &mut *std::ptr::addr_of_mut!((*session).certs) })
}

/// The `gnutls_pk_algorithm_t`s of signature schemes, in order, once each.
fn pk_algorithms(schemes: &[u16]) -> Vec<gnutls_pk_algorithm_t> {
    let mut out = Vec::new();
    for scheme in schemes {
        let pk = match scheme {
            0x0401 | 0x0501 | 0x0601 | 0x0201 | 0x0804..=0x0806 => GNUTLS_PK_RSA,
            0x0809..=0x080b => GNUTLS_PK_RSA_PSS,
            0x0403 | 0x0503 | 0x0603 | 0x0203 => GNUTLS_PK_ECDSA,
            0x0807 => GNUTLS_PK_EDDSA_ED25519,
            0x0808 => GNUTLS_PK_EDDSA_ED448,
            _ => continue,
        };
        if !out.contains(&pk) {
            out.push(pk);
        }
    }
    out
}

/// The arguments a retrieve function gets, kept alive across the call.
struct Request {
    names: Vec<Vec<u8>>,
    datums: Vec<gnutls_datum_t>,
    pk: Vec<gnutls_pk_algorithm_t>,
}

impl Request {
    fn new(info: CertificateRequestInfo) -> Self {
        let mut names = info.authorities;
        let datums = names
            .iter_mut()
            .map(|n| gnutls_datum_t {
                data: n.as_mut_ptr(),
                size: c_uint::try_from(n.len()).unwrap_or(0),
            })
            .collect();
        Self {
            names,
            datums,
            pk: pk_algorithms(&info.schemes),
        }
    }

    fn rdn(&self) -> (*const gnutls_datum_t, c_int) {
        let _ = &self.names; // the datums point into these
        let ptr = if self.datums.is_empty() {
            std::ptr::null()
        } else {
            self.datums.as_ptr()
        };
        (ptr, c_int::try_from(self.datums.len()).unwrap_or(0))
    }

    fn pk(&self) -> (*const gnutls_pk_algorithm_t, c_int) {
        let ptr = if self.pk.is_empty() {
            std::ptr::null()
        } else {
            self.pk.as_ptr()
        };
        (ptr, c_int::try_from(self.pk.len()).unwrap_or(0))
    }
}

/// Asks the application for the certificate the session is waiting for
/// (`Error::CertificateChoicePending`) and hands its answer to the session.
/// A function returning a negative value fails the operation with
/// `GNUTLS_E_USER_ERROR`, as in GnuTLS.
///
/// # Safety
/// `session` is live and used by no other thread; no Rust borrow of it is live.
pub(super) unsafe fn choose(session: gnutls_session_t) -> Result<(), CallError> {
    // SAFETY: live by the caller's promise; each borrow ends with its statement.
    let info = unsafe { with_session(session, |s| s.certificate_request_info()) }?;
    let (cell, cred) = {
        // SAFETY: as above; only the certificate state field is borrowed.
        let extras = unsafe { extras(session) }?;
        (extras.retrieve.clone(), extras.cred)
    };
    let function = cell.and_then(|c| *c.lock());
    let request = Request::new(info);
    let chosen = match function {
        None => None,
        // SAFETY: the application's function, called with no borrow of the
        // session live and with arguments that outlive the call.
        Some(RetrieveFunction::V1(f)) => unsafe { call_v1(f, session, &request) }?,
        // SAFETY: as above.
        Some(RetrieveFunction::V2(f)) => unsafe { call_v2(f, session, &request) }?,
        // SAFETY: as above.
        Some(RetrieveFunction::V3(f)) => unsafe { call_v3(f, session, cred, &request) }?,
    };
    // SAFETY: live by the caller's promise.
    unsafe { with_session(session, |s| s.certificate_chosen(chosen.map(Arc::new))) }??;
    Ok(())
}

/// A failed retrieve function: `GNUTLS_E_USER_ERROR`.
fn user_error() -> CallError {
    Error::Tls(crate::tls::Error::HookAborted(
        crate::gnutls::error_codes::GNUTLS_E_USER_ERROR,
    ))
    .into()
}

/// # Safety
/// As for `choose`; `f` is the application's function.
unsafe fn call_v1(
    f: Retrieve1,
    session: gnutls_session_t,
    request: &Request,
) -> Result<Option<CertifiedKey>, CallError> {
    let mut answer = gnutls_retr2_st {
        cert_type: 0,
        key_type: 0,
        cert: gnutls_retr2_cert {
            x509: std::ptr::null_mut(),
        },
        ncerts: 0,
        key: gnutls_retr2_key {
            x509: std::ptr::null_mut(),
        },
        deinit_all: 0,
    };
    let ((rdn, nreqs), (pk, npk)) = (request.rdn(), request.pk());
    // SAFETY: the application's function with valid arguments (see `choose`).
    if unsafe { f(session, rdn, nreqs, pk, npk, &mut answer) } < 0 {
        return Err(user_error());
    }
    // SAFETY: the function filled `answer` as its contract says.
    let result = unsafe { read_retr2(&answer) };
    if answer.deinit_all != 0 && answer.cert_type == super::enums::GNUTLS_CRT_X509 {
        // SAFETY: the application handed these over for us to free.
        unsafe { free_retr2(&answer) };
    }
    result
}

/// The certificate and key in a `gnutls_retr2_st` (`None`: no certificate).
///
/// # Safety
/// `answer` was filled by a retrieve function: X.509 certificates are
/// live handles of this library, `ncerts` of them.
unsafe fn read_retr2(answer: &gnutls_retr2_st) -> Result<Option<CertifiedKey>, CallError> {
    if answer.ncerts == 0 {
        return Ok(None);
    }
    if answer.cert_type != super::enums::GNUTLS_CRT_X509 || answer.key_type != GNUTLS_PRIVKEY_X509 {
        return Err(Error::InsufficientCredentials.into());
    }
    let count = usize::try_from(answer.ncerts).map_err(|_| CallError::Length("ncerts"))?;
    // SAFETY: X.509 type checked above, so the x509 members are the ones set.
    let (list, key) = unsafe { (answer.cert.x509, answer.key.x509) };
    // SAFETY: `list` holds `count` handles, by the function's contract.
    let chain = unsafe { x509_chain(list.cast_const(), count) }?;
    // SAFETY: a key handle of this library, by the function's contract.
    let key = unsafe { args::object(key.cast_const(), "key") }?;
    let key = key.key.as_ref().ok_or(Error::InsufficientCredentials)?;
    Ok(Some(CertifiedKey {
        chain,
        key: key.signing_key()?,
    }))
}

/// Frees what a retrieve function handed over with `deinit_all`.
///
/// # Safety
/// As for `read_retr2`; the objects are not used again.
unsafe fn free_retr2(answer: &gnutls_retr2_st) {
    // SAFETY: X.509 members, checked by the caller.
    let (list, key) = unsafe { (answer.cert.x509, answer.key.x509) };
    if !list.is_null() {
        for i in 0..usize::try_from(answer.ncerts).unwrap_or(0) {
            // SAFETY: `list` holds `ncerts` handles given up by the application.
            unsafe { args::take::<gnutls_x509_crt_int>(list.add(i).read()) };
        }
        // SAFETY: the array came from gnutls_malloc (malloc), given up too.
        unsafe { libc::free(list.cast::<c_void>()) };
    }
    // SAFETY: given up by the application.
    unsafe { args::take::<gnutls_x509_privkey_int>(key) };
}

/// # Safety
/// As for `choose`; `f` is the application's function.
unsafe fn call_v2(
    f: Retrieve2,
    session: gnutls_session_t,
    request: &Request,
) -> Result<Option<CertifiedKey>, CallError> {
    let mut certs: *mut gnutls_pcert_st = std::ptr::null_mut();
    let mut count: c_uint = 0;
    let mut key: gnutls_privkey_t = std::ptr::null_mut();
    let ((rdn, nreqs), (pk, npk)) = (request.rdn(), request.pk());
    // SAFETY: the application's function with valid arguments (see `choose`).
    let r = unsafe {
        f(
            session, rdn, nreqs, pk, npk, &mut certs, &mut count, &mut key,
        )
    };
    if r < 0 {
        return Err(user_error());
    }
    // SAFETY: filled by the application's function, by its contract; the
    // certificates and key stay the application's.
    unsafe { abstract_answer(certs, count, key) }
}

/// # Safety
/// As for `choose`; `f` is the application's function.
unsafe fn call_v3(
    f: Retrieve3,
    session: gnutls_session_t,
    cred: gnutls_certificate_credentials_t,
    request: &Request,
) -> Result<Option<CertifiedKey>, CallError> {
    let ((rdn, nreqs), (pk, npk)) = (request.rdn(), request.pk());
    let info = gnutls_cert_retr_st {
        version: 0,
        cred,
        req_ca_rdn: rdn,
        nreqs: c_uint::try_from(nreqs).unwrap_or(0),
        pk_algos: pk,
        pk_algos_length: c_uint::try_from(npk).unwrap_or(0),
        padding: [0; 64],
    };
    let mut certs: *mut gnutls_pcert_st = std::ptr::null_mut();
    let mut count: c_uint = 0;
    let mut ocsp: *mut gnutls_ocsp_data_st = std::ptr::null_mut();
    let mut ocsp_count: c_uint = 0;
    let mut key: gnutls_privkey_t = std::ptr::null_mut();
    let mut flags: c_uint = 0;
    // SAFETY: the application's function with valid arguments (see `choose`).
    let r = unsafe {
        f(
            session,
            &info,
            &mut certs,
            &mut count,
            &mut ocsp,
            &mut ocsp_count,
            &mut key,
            &mut flags,
        )
    };
    if r < 0 {
        return Err(user_error());
    }
    // SAFETY: filled by the application's function, by its contract.
    let answer = unsafe { abstract_answer(certs, count, key) };
    if flags & GNUTLS_CERT_RETR_DEINIT_ALL != 0 {
        // SAFETY: handed over to the library by the function, with its
        // array from gnutls_malloc.
        unsafe { free_abstract(certs, count, key) };
    }
    answer
}

/// The answer of `gnutls_certificate_retrieve_function2/3`: no certificate,
/// or pcerts with their `gnutls_privkey_t` (`GNUTLS_E_INSUFFICIENT_CREDENTIALS`
/// without a usable key).
///
/// # Safety
/// `certs` is NULL or holds `count` pcerts; `key` is NULL or live.
unsafe fn abstract_answer(
    certs: *const gnutls_pcert_st,
    count: c_uint,
    key: gnutls_privkey_t,
) -> Result<Option<CertifiedKey>, CallError> {
    if count == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded promises.
    unsafe { super::abstract_key::certified_key(certs, count, key) }
        .map(Some)
        .map_err(|_| Error::InsufficientCredentials.into())
}

/// Frees pcerts, their array and a key handed over with
/// `GNUTLS_CERT_RETR_DEINIT_ALL`.
///
/// # Safety
/// As for `abstract_answer`; the array came from `gnutls_malloc`; nothing
/// is used again.
unsafe fn free_abstract(certs: *mut gnutls_pcert_st, count: c_uint, key: gnutls_privkey_t) {
    if !certs.is_null() {
        for i in 0..usize::try_from(count).unwrap_or(0) {
            // SAFETY: `certs` holds `count` pcerts given up by the application.
            unsafe { super::abstract_key::gnutls_pcert_deinit(certs.add(i)) };
        }
        // SAFETY: the array came from gnutls_malloc (malloc), given up too.
        unsafe { libc::free(certs.cast::<c_void>()) };
    }
    // SAFETY: given up by the application.
    unsafe { super::abstract_key::gnutls_privkey_deinit(key) };
}

/// Sets the function that chooses the certificate to send, instead of the
/// pairs added to `cred`: on a client, for each certificate request of the
/// server (in the handshake, and after it in `gnutls_reauth` or, with
/// `GNUTLS_AUTO_REAUTH`, `gnutls_record_recv`); on a server, before its
/// handshake (`req_ca_rdn` NULL, `nreqs` 0). The function gets the CA names
/// the server accepts (DER DistinguishedNames, `nreqs`) and the key
/// algorithms it accepts (`pk_algos`, `pk_algos_length`), and fills `st`:
/// `cert_type` `GNUTLS_CRT_X509`, `key_type` `GNUTLS_PRIVKEY_X509`,
/// `cert.x509` an array of `ncerts` certificates (end-entity first; 0: send
/// none), `key.x509` their key, and `deinit_all` non-zero to have the
/// library free the certificates, the array (`gnutls_free`) and the key
/// after use (otherwise they stay the application's, and are copied). It
/// returns 0, or a negative value to fail the operation with
/// `GNUTLS_E_USER_ERROR`. Another certificate or key type fails it with
/// `GNUTLS_E_INSUFFICIENT_CREDENTIALS`, as does a server with no
/// certificate. It may call the library with the session. NULL removes
/// the function (the pairs added to `cred` apply again). It applies to
/// every session using `cred`.
///
/// # Safety
/// `cred` is NULL or live; `func` is NULL or safe to call as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_retrieve_function(
    cred: gnutls_certificate_credentials_t,
    func: Option<
        unsafe extern "C" fn(
            session: gnutls_session_t,
            req_ca_rdn: *const gnutls_datum_t,
            nreqs: c_int,
            pk_algos: *const gnutls_pk_algorithm_t,
            pk_algos_length: c_int,
            st: *mut gnutls_retr2_st,
        ) -> c_int,
    >,
) {
    // SAFETY: forwarded promise.
    unsafe { set(cred, func.map(RetrieveFunction::V1)) }
}

/// As `gnutls_certificate_set_retrieve_function`, with a function that
/// answers with `*pcert_length` parsed certificates in `*pcert` and an
/// abstract key in `*privkey` (`gnutls_pcert_import_x509*`,
/// `gnutls_privkey_import_x509*`); `*pcert_length` 0 sends none.
/// Certificates without a usable key fail the operation with
/// `GNUTLS_E_INSUFFICIENT_CREDENTIALS`. Nothing the function returns is
/// freed by the library; it is copied.
///
/// # Safety
/// `cred` is NULL or live; `func` is NULL or safe to call as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_retrieve_function2(
    cred: gnutls_certificate_credentials_t,
    func: Option<
        unsafe extern "C" fn(
            session: gnutls_session_t,
            req_ca_rdn: *const gnutls_datum_t,
            nreqs: c_int,
            pk_algos: *const gnutls_pk_algorithm_t,
            pk_algos_length: c_int,
            pcert: *mut *mut gnutls_pcert_st,
            pcert_length: *mut c_uint,
            privkey: *mut gnutls_privkey_t,
        ) -> c_int,
    >,
) {
    // SAFETY: forwarded promise.
    unsafe { set(cred, func.map(RetrieveFunction::V2)) }
}

/// As `gnutls_certificate_set_retrieve_function2`, with the request in one
/// structure (`info`: version 0 as in GnuTLS 3.7, the credentials, the CA names and the key
/// algorithms; valid during the call) and OCSP responses and flags in the
/// answer: the responses are ignored; with `GNUTLS_CERT_RETR_DEINIT_ALL`
/// in `*flags` the library frees the pcerts (`gnutls_pcert_deinit`), their
/// array (`gnutls_free`) and the key after use.
///
/// # Safety
/// `cred` is NULL or live; `func` is NULL or safe to call as described.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_retrieve_function3(
    cred: gnutls_certificate_credentials_t,
    func: Option<
        unsafe extern "C" fn(
            session: gnutls_session_t,
            info: *const gnutls_cert_retr_st,
            certs: *mut *mut gnutls_pcert_st,
            certs_length: *mut c_uint,
            ocsp: *mut *mut gnutls_ocsp_data_st,
            ocsp_length: *mut c_uint,
            privkey: *mut gnutls_privkey_t,
            flags: *mut c_uint,
        ) -> c_int,
    >,
) {
    // SAFETY: forwarded promise.
    unsafe { set(cred, func.map(RetrieveFunction::V3)) }
}

/// # Safety
/// `cred` is NULL or live.
unsafe fn set(cred: gnutls_certificate_credentials_t, function: Option<RetrieveFunction>) {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let handle = unsafe { args::object(cred.cast_const(), "cred") }?;
        *handle.retrieve.lock() = function;
        handle.credentials.set_app_chooses(function.is_some());
        Ok(())
    })
}
