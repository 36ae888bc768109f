//! Priorities as objects: `gnutls_priority_init`, `gnutls_priority_init2`,
//! `gnutls_priority_set`, `gnutls_priority_deinit`. The string syntax and its
//! meaning are in `src/gnutls/priority.rs`.

use std::ffi::{c_char, c_int, c_uint};

use super::session::{gnutls_session_t, with_session};
use crate::ffi::errors::CallError;
use crate::ffi::{args, boundary};
use crate::gnutls::Error;
use crate::gnutls::priority::Priority;
use crate::gnutls::suite_table;

/// `gnutls_priority_init2` flag: the string is appended to the default
/// priority ("NORMAL").
pub const GNUTLS_PRIORITY_INIT_DEF_APPEND: c_uint = 1;

/// A parsed priority string (opaque).
#[allow(non_camel_case_types)]
pub struct gnutls_priority_st {
    priority: Priority,
    /// What `gnutls_priority_cipher_list` hands out.
    ciphers: Vec<c_uint>,
}

impl gnutls_priority_st {
    fn new(priority: Priority) -> Self {
        let mut ciphers: Vec<c_uint> = Vec::new();
        let table = priority
            .suite_ids()
            .into_iter()
            .filter_map(|(id, usable)| usable.then_some(id))
            .filter_map(suite_table::index_of)
            .filter_map(suite_table::suite);
        for suite in table {
            let cipher = c_uint::try_from(suite.cipher).unwrap_or(0);
            if !ciphers.contains(&cipher) {
                ciphers.push(cipher);
            }
        }
        Self { priority, ciphers }
    }
}

/// A priority handle.
#[allow(non_camel_case_types)]
pub type gnutls_priority_t = *mut gnutls_priority_st;

/// The default priority string, which `GNUTLS_PRIORITY_INIT_DEF_APPEND` extends.
const DEFAULT_PREFIX: &str = "NORMAL:";

/// Parses `text`, after the default priority when `append`; on a refused
/// element returns its byte offset in `text`.
fn parse(text: &str, append: bool) -> Result<Priority, Result<usize, Error>> {
    let priority = if append {
        Priority::parse(&format!("{DEFAULT_PREFIX}{text}"))
            .map_err(|at| Ok(at.saturating_sub(DEFAULT_PREFIX.len())))?
    } else {
        Priority::parse(text).map_err(Ok)?
    };
    if !priority.has_suites() {
        return Err(Err(Error::NoPriorities));
    }
    Ok(priority)
}

/// # Safety
/// As for `gnutls_priority_init2`.
unsafe fn init(
    priority_cache: *mut gnutls_priority_t,
    priorities: *const c_char,
    err_pos: *mut *const c_char,
    flags: c_uint,
) -> Result<c_int, CallError> {
    args::out_param(priority_cache, "priority_cache")?;
    // SAFETY: `err_pos` is NULL or writable, as documented.
    let err_out = unsafe { err_pos.as_mut() };
    let priority = if priorities.is_null() {
        Priority::default()
    } else {
        // SAFETY: non-NULL and NUL-terminated by the caller's promise.
        let text = unsafe { args::utf8(priorities, "priorities") }?;
        let append = flags & GNUTLS_PRIORITY_INIT_DEF_APPEND != 0;
        let (position, result) = match parse(text, append) {
            Ok(priority) => (0, Ok(priority)),
            Err(Ok(at)) => (at, Err(Error::InvalidRequest)),
            Err(Err(e)) => (0, Err(e)),
        };
        if let Some(out) = err_out {
            // SAFETY: `position` is an offset within the string just parsed.
            *out = unsafe { priorities.add(position.min(text.len())) };
        }
        result?
    };
    // SAFETY: checked non-NULL; writable by the caller's promise.
    unsafe { args::give(priority_cache, gnutls_priority_st::new(priority)) };
    Ok(0)
}

/// Parses the priority string `priorities` (NULL: the default, "NORMAL")
/// into a new priority object written to `*priority_cache`; free it with
/// `gnutls_priority_deinit` (sessions keep their own copy).
///
/// Returns 0; `GNUTLS_E_INVALID_REQUEST` for a NULL `priority_cache`, a
/// string that is not UTF-8, or an element GnuTLS does not know;
/// `GNUTLS_E_NO_PRIORITIES_WERE_SET` when the string forms no cipher suite.
/// When `err_pos` is not NULL, `*err_pos` is set to point into `priorities`:
/// at the refused element after `GNUTLS_E_INVALID_REQUEST`, at its start
/// otherwise. `*priority_cache` is written only on success.
///
/// # Safety
/// `priority_cache` is NULL or writable; `priorities` is NULL or
/// NUL-terminated; `err_pos` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_init(
    priority_cache: *mut gnutls_priority_t,
    priorities: *const c_char,
    err_pos: *mut *const c_char,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    boundary::gnutls(|| unsafe { init(priority_cache, priorities, err_pos, 0) })
}

/// As `gnutls_priority_init`, with `flags`: `GNUTLS_PRIORITY_INIT_DEF_APPEND`
/// appends `priorities` to the default priority (`*err_pos` still points
/// into `priorities`); other flags are ignored.
///
/// # Safety
/// As for `gnutls_priority_init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_init2(
    priority_cache: *mut gnutls_priority_t,
    priorities: *const c_char,
    err_pos: *mut *const c_char,
    flags: c_uint,
) -> c_int {
    // SAFETY: the caller's promises, forwarded.
    boundary::gnutls(|| unsafe { init(priority_cache, priorities, err_pos, flags) })
}

/// Sets a copy of `priority` on `session`; `priority` may be freed or used
/// for other sessions afterwards. Returns 0, or `GNUTLS_E_INVALID_REQUEST`
/// for a NULL argument.
///
/// # Safety
/// `session` is NULL or live; `priority` is NULL or from `gnutls_priority_init`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_set(
    session: gnutls_session_t,
    priority: gnutls_priority_t,
) -> c_int {
    boundary::gnutls(|| {
        // SAFETY: NULL or live, by the caller's promise.
        let priority = unsafe { args::object(priority.cast_const(), "priority") }?
            .priority
            .clone();
        // SAFETY: NULL or live, by the caller's promise.
        unsafe { with_session(session, |s| s.set_priority(priority)) }?;
        Ok(0)
    })
}

/// Frees a priority object. NULL is ignored.
///
/// # Safety
/// `priority_cache` is NULL or from `gnutls_priority_init`, not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_deinit(priority_cache: gnutls_priority_t) {
    boundary::gnutls(|| {
        // SAFETY: handed back once by the caller.
        unsafe { args::take(priority_cache) };
        Ok(())
    })
}

/// The table index (for `gnutls_cipher_suite_info`) of the `idx`-th
/// cipher suite (from 0) the priority enables, written to `*sidx`. Returns
/// 0; `GNUTLS_E_UNKNOWN_CIPHER_SUITE` for a suite whose protocol version
/// the priority disables (GnuTLS lists those too);
/// `GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE` past the last one (which ends a
/// loop over them); `GNUTLS_E_INVALID_REQUEST` for NULL arguments.
///
/// # Safety
/// `pcache` is NULL or live; `sidx` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_get_cipher_suite_index(
    pcache: gnutls_priority_t,
    idx: c_uint,
    sidx: *mut c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(sidx, "sidx")?;
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(pcache.cast_const(), "pcache") }?;
        let (id, usable) = usize::try_from(idx)
            .ok()
            .and_then(|i| handle.priority.suite_ids().get(i).copied())
            .ok_or(Error::RequestedDataNotAvailable)?;
        if !usable {
            return Err(Error::UnknownCipherSuite.into());
        }
        let index = suite_table::index_of(id)
            .and_then(|i| c_uint::try_from(i).ok())
            .ok_or(Error::RequestedDataNotAvailable)?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { sidx.write(index) };
        Ok(0)
    })
}

/// Points `*list` at the ciphers (`gnutls_cipher_algorithm_t`) the
/// priority enables, in its order, owned by the priority (valid until
/// `gnutls_priority_deinit`). Returns their number, or
/// `GNUTLS_E_INVALID_REQUEST` for NULL arguments.
///
/// # Safety
/// `pcache` is NULL or live; `list` is NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gnutls_priority_cipher_list(
    pcache: gnutls_priority_t,
    list: *mut *const c_uint,
) -> c_int {
    boundary::gnutls(|| {
        args::out_param(list, "list")?;
        // SAFETY: NULL or live.
        let handle = unsafe { args::object(pcache.cast_const(), "pcache") }?;
        // SAFETY: checked non-NULL; writable by the caller's promise.
        unsafe { list.write(handle.ciphers.as_ptr()) };
        Ok(c_int::try_from(handle.ciphers.len()).unwrap_or(0))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_positions_in_the_callers_string() {
        assert!(matches!(parse("NORMAL:+BOGUS", false), Err(Ok(7))));
        assert!(matches!(parse("+BOGUS", true), Err(Ok(0))));
        assert!(matches!(
            parse("-CIPHER-ALL", true),
            Err(Err(Error::NoPriorities))
        ));
        assert!(parse("-VERS-ALL:+VERS-TLS1.3", true).is_ok());
    }
}
