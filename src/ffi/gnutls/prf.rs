//! Keying material exporters: `gnutls_prf_rfc5705` (the TLS 1.3 exporter
//! of RFC 8446 §7.5, RFC 5705's under TLS 1.2), `gnutls_prf` (TLS 1.2's PRF,
//! and as GnuTLS 3.7 maps it onto the exporter under TLS 1.3), and
//! `gnutls_prf_hash_get`.

use std::ffi::{c_char, c_int};

use super::enums::gnutls_digest_algorithm_t;
use super::session::{gnutls_session_t, with_session};
use crate::ffi::{args, boundary};

/// The label, and the context or extra data, of an exporter call.
///
/// # Safety
/// Each pointer is NULL or valid for its size in bytes.
unsafe fn inputs<'a>(
    label_size: usize,
    label: *const c_char,
    context_size: usize,
    context: *const c_char,
) -> Result<(&'a [u8], &'a [u8]), crate::ffi::errors::CallError> {
    // SAFETY: the caller's promises; a zero size accepts NULL.
    unsafe {
        Ok((
            args::bytes(label.cast(), label_size, "label")?,
            args::bytes(context.cast(), context_size, "context")?,
        ))
    }
}

/// Writes `outsize` bytes of keying material to `out`: TLS-Exporter(label,
/// context, outsize) of RFC 8446 §7.5, from the exporter secret of the
/// session's handshake; under TLS 1.2, RFC 5705's exporter over the master
/// secret. A NULL `context` (with size 0) is RFC 5705's "no context": under
/// TLS 1.3 the same as the empty context, under TLS 1.2 a seed without a
/// context length. `label` and `context` are read only; `out` belongs to
/// the caller.
///
/// Returns 0; `GNUTLS_E_INVALID_REQUEST` before the handshake completed,
/// for `outsize` above 255 times the suite's hash length, or for NULL
/// pointers with non-zero sizes.
///
/// # Safety
/// `session` is NULL or live; `label`, `context` and `out` are NULL or
/// valid for their sizes (`out` for writes).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_prf_rfc5705(
    session: gnutls_session_t,
    label_size: usize,
    label: *const c_char,
    context_size: usize,
    context: *const c_char,
    outsize: usize,
    out: *mut c_char,
) -> c_int {
    boundary::gnutls(|| {
        let no_context = context.is_null();
        // SAFETY: the caller's promises about the buffers.
        let (label, context, out) = unsafe {
            let (label, context) = inputs(label_size, label, context_size, context)?;
            (label, context, args::bytes_mut(out.cast(), outsize, "out")?)
        };
        let context = (!no_context).then_some(context);
        // SAFETY: NULL or live.
        let material = unsafe {
            with_session(session, |s| {
                s.export_keying_material_with(label, context, outsize)
            })
        }??;
        out.copy_from_slice(&material);
        Ok(0)
    })
}

/// GnuTLS's PRF call. Under TLS 1.2, the PRF over the master secret with
/// the label and a seed of the two randoms (the server's first when
/// `server_random_first` is non-zero) followed by `extra`. Under TLS 1.3,
/// as in GnuTLS 3.7, the exporter of `gnutls_prf_rfc5705` with an empty
/// context; `server_random_first` has no meaning there and is ignored,
/// and non-empty `extra` data is refused. `out` receives `outsize` bytes.
///
/// Returns 0; `GNUTLS_E_INVALID_REQUEST` under TLS 1.3 when `extra_size`
/// is not 0, before the handshake completed, for an `outsize` too large,
/// or for NULL pointers with non-zero sizes.
///
/// # Safety
/// As for `gnutls_prf_rfc5705`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_prf(
    session: gnutls_session_t,
    label_size: usize,
    label: *const c_char,
    server_random_first: c_int,
    extra_size: usize,
    extra: *const c_char,
    outsize: usize,
    out: *mut c_char,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: the caller's promises about the buffers.
        let (label, extra, out) = unsafe {
            let (label, extra) = inputs(label_size, label, extra_size, extra)?;
            (label, extra, args::bytes_mut(out.cast(), outsize, "out")?)
        };
        // SAFETY: NULL or live.
        let material = unsafe {
            with_session(session, |s| {
                s.prf(label, server_random_first != 0, extra, outsize)
            })
        }??;
        out.copy_from_slice(&material);
        Ok(0)
    })
}

/// The hash of the session's key derivation: the negotiated suite's
/// (`GNUTLS_DIG_SHA256` or `GNUTLS_DIG_SHA384`), `GNUTLS_DIG_UNKNOWN` (0)
/// before a suite is chosen or for a NULL session.
///
/// # Safety
/// `session` is NULL or a live session.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_prf_hash_get(
    session: gnutls_session_t,
) -> gnutls_digest_algorithm_t {
    boundary::gnutls(|| {
        // SAFETY: NULL or live.
        Ok(unsafe { with_session(session, |s| s.prf_hash()) }.unwrap_or(0))
    })
}
