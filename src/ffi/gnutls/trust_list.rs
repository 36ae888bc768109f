//! Trust lists: `gnutls_x509_trust_list_*` and handing one to credentials
//! (`gnutls_certificate_set_trust_list`, `_get_trust_list`).

use std::ffi::{c_char, c_int, c_uint};
use std::sync::Arc;

use super::certs::{expected, gnutls_typed_vdata_st};
use super::credentials::{datum, gnutls_certificate_credentials_t};
use super::types::{gnutls_datum_t, gnutls_x509_crt_fmt_t};
use super::x509::{gnutls_x509_crt_deinit, gnutls_x509_crt_t, x509_der};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::trust_list::TrustList;
use crate::gnutls::verify::{GNUTLS_CERT_INVALID, chain_status};

/// Trust list flag: check CRLs (CRLs are not supported; no effect).
pub const GNUTLS_TL_VERIFY_CRL: c_uint = 1;
/// Trust list flag: the anchors are for TLS (no effect: they always are).
pub const GNUTLS_TL_USE_IN_TLS: c_uint = 1 << 1;
/// Trust list flag: drop duplicate anchors (no effect).
pub const GNUTLS_TL_NO_DUPLICATES: c_uint = 1 << 2;
/// Trust list flag: drop anchors with a key already present (no effect).
pub const GNUTLS_TL_NO_DUPLICATE_KEY: c_uint = 1 << 3;
/// Trust list flag: return copies from lookups (no effect).
pub const GNUTLS_TL_GET_COPY: c_uint = 1 << 4;
/// Trust list flag: fail on an invalid CRL (no effect).
pub const GNUTLS_TL_FAIL_ON_INVALID_CRL: c_uint = 1 << 5;

/// A trust list (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_x509_trust_list_st {
    list: Arc<TrustList>,
    /// Certificates handed over by `gnutls_x509_trust_list_add_cas`,
    /// freed by `gnutls_x509_trust_list_deinit` with `all`.
    owned: Vec<gnutls_x509_crt_t>,
    /// Issuers handed out by `gnutls_x509_trust_list_get_issuer` without
    /// `GNUTLS_TL_GET_COPY`: the list keeps them until it is freed. Boxed:
    /// the caller holds their addresses while the vector grows.
    #[allow(clippy::vec_box)]
    issuers: Vec<Box<super::x509::gnutls_x509_crt_int>>,
}

/// A trust list handle.
#[allow(non_camel_case_types)]
pub type gnutls_x509_trust_list_t = *mut gnutls_x509_trust_list_st;

/// A trust list owned by credentials (handed over, or made for
/// `gnutls_certificate_get_trust_list`); freed with them.
pub(super) struct OwnedTrustList(gnutls_x509_trust_list_t);

impl Drop for OwnedTrustList {
    fn drop(&mut self) {
        // SAFETY: the credentials own the list; nothing else frees it.
        unsafe { free_list(self.0, true) };
    }
}

/// Frees a list and, with `all`, the certificates it owns.
///
/// # Safety
/// `list` is NULL or a live list from this library, not used again.
unsafe fn free_list(list: gnutls_x509_trust_list_t, all: bool) {
    if list.is_null() {
        return;
    }
    // SAFETY: live and ours by the caller's promise.
    let owned = std::mem::take(&mut unsafe { &mut *list }.owned);
    if all {
        for cert in owned {
            // SAFETY: handed over to the list by add_cas; freed once here.
            unsafe { gnutls_x509_crt_deinit(cert) };
        }
    }
    // SAFETY: as above.
    unsafe { args::take(list) };
}

/// # Safety
/// `list` is NULL or live during `'a`.
unsafe fn trust_list<'a>(list: gnutls_x509_trust_list_t) -> Result<&'a Arc<TrustList>, CallError> {
    // SAFETY: forwarded promise.
    Ok(&unsafe { args::object(list.cast_const(), "list") }?.list)
}

/// A trust list and the CA and CRL paths of an `add_trust_file`/`_dir`
/// call (`None`: no path).
type ListAndPaths<'a> = (&'a Arc<TrustList>, Option<&'a str>, Option<&'a str>);

/// The list and the CA and CRL paths of an `add_trust_file`/`_dir` call.
///
/// # Safety
/// `list` is NULL or live during `'a`; the paths are NULL or NUL-terminated.
unsafe fn list_and_paths<'a>(
    list: gnutls_x509_trust_list_t,
    ca: *const c_char,
    crl: *const c_char,
    names: (&'static str, &'static str),
) -> Result<ListAndPaths<'a>, CallError> {
    // SAFETY: forwarded promise.
    let list = unsafe { trust_list(list) }?;
    // SAFETY: forwarded promises.
    let (ca, crl) = unsafe {
        (
            args::optional_utf8(ca, names.0)?,
            args::optional_utf8(crl, names.1)?,
        )
    };
    Ok((list, ca, crl))
}

fn count(n: usize) -> c_int {
    c_int::try_from(n).unwrap_or(c_int::MAX)
}

/// Creates an empty trust list and writes it to `*list`; free it with
/// `gnutls_x509_trust_list_deinit`, unless it is handed to credentials with
/// `gnutls_certificate_set_trust_list`. `size` (a hash-table size hint in
/// GnuTLS) is ignored. Returns 0, or `GNUTLS_E_INVALID_REQUEST` for a NULL
/// `list`.
///
/// # Safety
/// `list` is NULL or valid for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_init(
    list: *mut gnutls_x509_trust_list_t,
    size: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = size;
        args::out_param(list, "list")?;
        let value = gnutls_x509_trust_list_st {
            list: Arc::new(TrustList::new()),
            owned: Vec::new(),
            issuers: Vec::new(),
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { args::give(list, value) };
        Ok(0)
    })
}

/// Frees a trust list; with `all` non-zero also the certificates given to
/// it with `gnutls_x509_trust_list_add_cas`. Credentials it was handed to
/// keep their anchors. NULL is ignored.
///
/// # Safety
/// `list` is NULL or a list from this library that no credentials own, not
/// used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_deinit(
    list: gnutls_x509_trust_list_t,
    all: c_uint,
) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { free_list(list, all != 0) };
        Ok(())
    })
}

/// Adds the CA certificates of `ca_file` and the revocation lists of
/// `crl_file` (`type` `GNUTLS_X509_FMT_PEM` or `_DER`; either may be NULL)
/// to the list. `tl_flags` and `tl_vflags` are ignored; a PKCS #11 URL is
/// `GNUTLS_E_UNIMPLEMENTED_FEATURE`. Returns the number of certificates and
/// CRLs added, `GNUTLS_E_FILE_ERROR`, a parsing error, or
/// `GNUTLS_E_INVALID_REQUEST`; the certificates are added before the CRLs
/// are read, and a file that fails adds nothing.
///
/// # Safety
/// `list` is NULL or live; the file names are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_add_trust_file(
    list: gnutls_x509_trust_list_t,
    ca_file: *const c_char,
    crl_file: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
    tl_flags: c_uint,
    tl_vflags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (tl_flags, tl_vflags);
        // SAFETY: the caller's promises.
        let (list, ca, crl) =
            unsafe { list_and_paths(list, ca_file, crl_file, ("ca_file", "crl_file")) }?;
        let cas = match ca {
            None => 0,
            Some(path) if path.starts_with("pkcs11:") => return Err(Error::Unimplemented.into()),
            Some(path) => list.add_file(path, r#type)?,
        };
        let crls = match crl {
            None => 0,
            Some(path) => list.add_crl_file(path, r#type)?,
        };
        Ok(count(cas + crls))
    })
}

/// Adds the CA certificates in `cas` and the revocation lists in `crls`
/// (PEM or DER, as `type` says; either may be NULL or empty) to the list.
/// `tl_flags` and `tl_vflags` are ignored. Returns the number of
/// certificates and CRLs added or a negative code; the certificates are
/// added before the CRLs are read, and a datum that fails adds nothing. The
/// data is copied.
///
/// # Safety
/// `list` is NULL or live; the datums are NULL or hold `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_add_trust_mem(
    list: gnutls_x509_trust_list_t,
    cas: *const gnutls_datum_t,
    crls: *const gnutls_datum_t,
    r#type: gnutls_x509_crt_fmt_t,
    tl_flags: c_uint,
    tl_vflags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (tl_flags, tl_vflags);
        // SAFETY: the caller's promises.
        let list = unsafe { trust_list(list) }?;
        // SAFETY: each is NULL or holds `size` bytes.
        let (cas, crls) = unsafe { (optional_datum(cas, "cas")?, optional_datum(crls, "crls")?) };
        let added = match cas {
            Some(bytes) => list.add(bytes, r#type)?,
            None => 0,
        };
        let revocations = match crls {
            Some(bytes) => list.add_crls(bytes, r#type)?,
            None => 0,
        };
        Ok(count(added + revocations))
    })
}

/// The bytes of a datum that may be NULL or empty (`None` for both).
///
/// # Safety
/// `d` is NULL or a datum holding `size` bytes, live during `'a`.
unsafe fn optional_datum<'a>(
    d: *const gnutls_datum_t,
    name: &'static str,
) -> Result<Option<&'a [u8]>, CallError> {
    // SAFETY: NULL or live.
    match unsafe { d.as_ref() } {
        None => Ok(None),
        Some(datum) if datum.size == 0 => Ok(None),
        // SAFETY: non-NULL and holds `size` bytes.
        Some(_) => unsafe { datum(d, name) }.map(Some),
    }
}

/// Adds the CA certificates of every file in `ca_dir` that holds some, and
/// the revocation lists of every file in `crl_dir` that holds some (in
/// `type`'s format; other files are skipped; either directory may be
/// NULL). `tl_flags` and `tl_vflags` are ignored. Returns the number of
/// certificates and CRLs added, `GNUTLS_E_FILE_ERROR` for a directory that
/// cannot be read, or another negative code.
///
/// # Safety
/// `list` is NULL or live; the names are NULL or NUL-terminated.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_add_trust_dir(
    list: gnutls_x509_trust_list_t,
    ca_dir: *const c_char,
    crl_dir: *const c_char,
    r#type: gnutls_x509_crt_fmt_t,
    tl_flags: c_uint,
    tl_vflags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (tl_flags, tl_vflags);
        // SAFETY: the caller's promises.
        let (list, ca, crl) =
            unsafe { list_and_paths(list, ca_dir, crl_dir, ("ca_dir", "crl_dir")) }?;
        let cas = match ca {
            None => 0,
            Some(dir) => crate::gnutls::trust_list::add_dir(list, dir, r#type)?,
        };
        let crls = match crl {
            None => 0,
            Some(dir) => crate::gnutls::trust_list::add_crl_dir(list, dir, r#type)?,
        };
        Ok(count(cas + crls))
    })
}

/// Adds the system's trusted CAs (the distribution's PEM bundle).
/// `tl_flags` and `tl_vflags` are ignored. Returns the number added,
/// `GNUTLS_E_FILE_ERROR` when the system has none, or another negative
/// code.
///
/// # Safety
/// `list` is NULL or live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_add_system_trust(
    list: gnutls_x509_trust_list_t,
    tl_flags: c_uint,
    tl_vflags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = (tl_flags, tl_vflags);
        // SAFETY: the caller's promise.
        let list = unsafe { trust_list(list) }?;
        Ok(count(crate::gnutls::system_trust::add_system_trust(list)?))
    })
}

/// Adds `clist_size` certificates as trust anchors. The list takes the
/// certificate objects: `gnutls_x509_trust_list_deinit` with `all` (or the
/// credentials owning the list) frees them, so the caller must not.
/// `flags` are ignored. Returns the number added, or a negative code
/// (`GNUTLS_E_INVALID_REQUEST` for a NULL list, certificate or array,
/// `GNUTLS_E_CERTIFICATE_ERROR` for a certificate that cannot be an
/// anchor), and then takes nothing.
///
/// # Safety
/// `list` is NULL or live; `clist` is NULL or holds `clist_size` live
/// certificates that the caller does not use after a success.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_add_cas(
    list: gnutls_x509_trust_list_t,
    clist: *const gnutls_x509_crt_t,
    clist_size: c_uint,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: NULL or live.
        let handle = unsafe { args::object_mut(list, "list") }?;
        let certs = crt_array(clist, clist_size)?;
        // SAFETY: each is live by the caller's promise.
        let ders = certs
            .iter()
            .map(|&c| unsafe { x509_der(c) })
            .collect::<Result<Vec<_>, _>>()?;
        let added = handle.list.add_der(ders)?;
        handle.owned.extend_from_slice(certs);
        Ok(count(added))
    })
}

/// The certificates of a C array (NULL only when empty).
fn crt_array<'a>(
    clist: *const gnutls_x509_crt_t,
    size: c_uint,
) -> Result<&'a [gnutls_x509_crt_t], CallError> {
    let size = usize::try_from(size).map_err(|_| CallError::Length("clist_size"))?;
    if size == 0 {
        return Ok(&[]);
    }
    if clist.is_null() {
        return Err(CallError::Null("clist"));
    }
    // SAFETY: non-NULL; the caller promises `size` entries.
    Ok(unsafe { std::slice::from_raw_parts(clist, size) })
}

/// Verifies a chain (`cert_list`, end-entity first) against the list's
/// anchors, at the clock of `gnutls_global_set_time_function`, and writes
/// the `GNUTLS_CERT_*` status bits to `*voutput` (0: trusted). With no key
/// purpose asked for, a chain fit for a TLS server or a TLS client passes
/// (GnuTLS checks none). `flags` as for
/// `gnutls_certificate_set_verify_flags` (`GNUTLS_VERIFY_*`; only
/// `DO_NOT_ALLOW_IP_MATCHES` changes anything). `func` is not called:
/// stepup verifies the chain as a whole. Returns 0 or a negative code
/// (`GNUTLS_E_INVALID_REQUEST` for NULL arguments).
///
/// # Safety
/// `list` is NULL or live; `cert_list` is NULL or holds `cert_list_size`
/// live certificates; `voutput` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_verify_crt(
    list: gnutls_x509_trust_list_t,
    cert_list: *mut gnutls_x509_crt_t,
    cert_list_size: c_uint,
    flags: c_uint,
    voutput: *mut c_uint,
    func: Option<
        unsafe extern "C" fn(
            cert: gnutls_x509_crt_t,
            issuer: gnutls_x509_crt_t,
            crl: super::crl::gnutls_x509_crl_t,
            verification_output: c_uint,
        ) -> c_int,
    >,
) -> c_int {
    // SAFETY: forwarded promises.
    unsafe {
        gnutls_x509_trust_list_verify_crt2(
            list,
            cert_list,
            cert_list_size,
            std::ptr::null_mut(),
            0,
            flags,
            voutput,
            func,
        )
    }
}

/// As `gnutls_x509_trust_list_verify_crt`, also checking the chain against
/// the `elements` entries of `data`: `GNUTLS_DT_DNS_HOSTNAME` or
/// `GNUTLS_DT_IP_ADDRESS` names the server; `GNUTLS_DT_KEY_PURPOSE_OID`
/// picks the TLS server (`GNUTLS_KP_TLS_WWW_SERVER`) or client purpose.
/// Another purpose or an e-mail address gives `GNUTLS_E_INVALID_REQUEST`
/// (not supported).
///
/// # Safety
/// As for `gnutls_x509_trust_list_verify_crt`; `data` is NULL or holds
/// `elements` entries whose data is NUL-terminated or holds `size` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_verify_crt2(
    list: gnutls_x509_trust_list_t,
    cert_list: *mut gnutls_x509_crt_t,
    cert_list_size: c_uint,
    data: *mut gnutls_typed_vdata_st,
    elements: c_uint,
    flags: c_uint,
    voutput: *mut c_uint,
    func: Option<
        unsafe extern "C" fn(
            cert: gnutls_x509_crt_t,
            issuer: gnutls_x509_crt_t,
            crl: super::crl::gnutls_x509_crl_t,
            verification_output: c_uint,
        ) -> c_int,
    >,
) -> c_int {
    boundary::gnutls(|| {
        let _ = func;
        args::out_param(voutput, "voutput")?;
        // SAFETY: the caller's promises.
        let list = unsafe { trust_list(list) }?;
        let certs = crt_array(cert_list.cast_const(), cert_list_size)?;
        // SAFETY: each is live by the caller's promise.
        let chain = certs
            .iter()
            .map(|&c| unsafe { x509_der(c) })
            .collect::<Result<Vec<_>, _>>()?;
        // A server's purpose unless the data asks for a client's.
        // SAFETY: as promised by the caller.
        let as_server = unsafe { expected(data.cast_const(), elements, true) }?;
        // SAFETY: as above.
        let as_client = unsafe { expected(data.cast_const(), elements, false) }?;
        let (peer_is_server, name) = if as_server.checkable {
            (true, as_server.name)
        } else if as_client.checkable {
            (false, as_client.name)
        } else {
            return Err(Error::InvalidRequest.into());
        };
        let store = list.store();
        let status =
            |as_server| chain_status(&chain, store.as_deref(), as_server, name.as_deref(), flags);
        let mut bits = status(peer_is_server);
        // Without a key purpose GnuTLS checks none: a chain that fails only
        // as a server's (no specific reason: its purpose) is checked as a
        // client's.
        if !as_server.purpose_given && bits == GNUTLS_CERT_INVALID {
            bits = status(false);
        }
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { voutput.write(bits) };
        Ok(0)
    })
}

/// Makes the credentials verify peers against `tlist` instead of the
/// anchors they had, and takes the list: it is freed with the credentials
/// (with the certificates it owns), and so is a list handed over before.
/// The caller may still add anchors to it until then; it must not free it.
/// `flags` are ignored. NULL arguments change nothing and take nothing.
///
/// # Safety
/// `res` is NULL or live credentials; `tlist` is NULL or a live list that
/// no other credentials own.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_set_trust_list(
    res: gnutls_certificate_credentials_t,
    tlist: gnutls_x509_trust_list_t,
    flags: c_uint,
) {
    boundary::gnutls(|| {
        let _ = flags;
        // SAFETY: NULL or live.
        let cred = unsafe { args::object(res.cast_const(), "credentials") }?;
        // SAFETY: NULL or live.
        let list = unsafe { trust_list(tlist) }?;
        let mut owned = cred.trust_list.lock();
        if owned.as_ref().is_some_and(|o| o.0 == tlist) {
            return Ok(());
        }
        cred.credentials.set_trust_list(Arc::clone(list));
        // Frees a list handed over before, as GnuTLS does.
        *owned = Some(OwnedTrustList(tlist));
        Ok(())
    })
}

/// Writes the credentials' trust list to `*tlist`: the one handed over
/// with `gnutls_certificate_set_trust_list`, or one holding the anchors
/// added to the credentials. The credentials keep owning it: do not free
/// it; anchors added to it are used by the credentials. `flags` are
/// ignored. Returns nothing; NULL arguments are ignored.
///
/// # Safety
/// `res` is NULL or live credentials; `tlist` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_get_trust_list(
    res: gnutls_certificate_credentials_t,
    tlist: *mut gnutls_x509_trust_list_t,
) {
    boundary::gnutls(|| {
        args::out_param(tlist, "tlist")?;
        // SAFETY: NULL or live.
        let cred = unsafe { args::object(res.cast_const(), "credentials") }?;
        let handle = credentials_list(cred);
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { tlist.write(handle) };
        Ok(())
    })
}

/// The trust list the credentials own, made on first use from the anchors
/// added to them.
fn credentials_list(
    cred: &super::credentials::gnutls_certificate_credentials_st,
) -> gnutls_x509_trust_list_t {
    let mut owned = cred.trust_list.lock();
    match owned.as_ref() {
        Some(list) => list.0,
        None => {
            let list = Box::into_raw(Box::new(gnutls_x509_trust_list_st {
                list: cred.credentials.trust_list(),
                owned: Vec::new(),
                issuers: Vec::new(),
            }));
            *owned = Some(OwnedTrustList(list));
            list
        }
    }
}

/// Finds the issuer of `cert` among the list's anchors and writes it to
/// `*issuer`: with `GNUTLS_TL_GET_COPY` in `flags` a new certificate object
/// the caller frees with `gnutls_x509_crt_deinit`; otherwise one the list
/// owns (valid until the list is freed; do not free it). Returns 0,
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` when no anchor issued `cert`,
/// or `GNUTLS_E_INVALID_REQUEST` for NULL arguments or an empty `cert`.
///
/// # Safety
/// `list` and `cert` are NULL or live; `issuer` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_x509_trust_list_get_issuer(
    list: gnutls_x509_trust_list_t,
    cert: gnutls_x509_crt_t,
    issuer: *mut gnutls_x509_crt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(issuer, "issuer")?;
        // SAFETY: the caller's promises.
        let (handle, cert) = unsafe {
            (
                args::object_mut(list, "list")?,
                super::x509::certificate(cert)?,
            )
        };
        let found = handle
            .list
            .issuer_of(cert)
            .ok_or(Error::RequestedDataNotAvailable)?;
        let object = if flags & GNUTLS_TL_GET_COPY != 0 {
            Box::into_raw(Box::new(super::x509::crt_object(found)))
        } else {
            let mut kept = Box::new(super::x509::crt_object(found));
            let pointer: gnutls_x509_crt_t = &mut *kept;
            handle.issuers.push(kept);
            pointer
        };
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { issuer.write(object) };
        Ok(0)
    })
}

/// As `gnutls_x509_trust_list_get_issuer`, with the credentials' trust
/// list (the one handed over with `gnutls_certificate_set_trust_list`, or
/// the anchors added to the credentials).
///
/// # Safety
/// `sc` and `cert` are NULL or live; `issuer` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_certificate_get_issuer(
    sc: gnutls_certificate_credentials_t,
    cert: gnutls_x509_crt_t,
    issuer: *mut gnutls_x509_crt_t,
    flags: c_uint,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        let cred = unsafe { args::object(sc.cast_const(), "credentials") }?;
        let list = credentials_list(cred);
        // SAFETY: the list is live (the credentials own it); the rest is
        // the caller's promise.
        Ok(unsafe { gnutls_x509_trust_list_get_issuer(list, cert, issuer, flags) })
    })
}
