//! Checked conversions of C arguments into Rust references. Each takes the
//! argument's name so a failure says which one was wrong.

use std::ffi::{CStr, c_char, c_void};

use super::errors::CallError;

/// A required NUL-terminated string.
///
/// # Safety
/// `ptr` is NULL or points to a NUL-terminated string that stays valid and
/// unchanged for `'a`.
pub unsafe fn cstr<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a CStr, CallError> {
    // SAFETY: non-NULL checked by `optional_cstr`; the rest is the caller's promise.
    unsafe { optional_cstr(ptr) }.ok_or(CallError::Null(name))
}

/// An optional NUL-terminated string: NULL becomes `None`.
///
/// # Safety
/// As for [`cstr`].
pub unsafe fn optional_cstr<'a>(ptr: *const c_char) -> Option<&'a CStr> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-NULL; validity and termination are the caller's promise.
    Some(unsafe { CStr::from_ptr(ptr) })
}

/// A writable byte buffer of `len` bytes. A zero length needs no buffer, so
/// NULL is accepted with it.
///
/// # Safety
/// `ptr` is NULL or valid for writes of `len` bytes, unaliased for `'a`.
pub unsafe fn bytes_mut<'a>(
    ptr: *mut c_void,
    len: usize,
    name: &'static str,
) -> Result<&'a mut [u8], CallError> {
    if len == 0 {
        return Ok(&mut []);
    }
    if ptr.is_null() {
        return Err(CallError::Null(name));
    }
    if isize::try_from(len).is_err() {
        return Err(CallError::Length(name));
    }
    // SAFETY: non-NULL, length within isize::MAX, validity is the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts_mut(ptr.cast::<u8>(), len) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_null_required_arguments() {
        // SAFETY: NULL is always an allowed input.
        let err = unsafe { cstr(std::ptr::null(), "name") }.unwrap_err();
        assert!(matches!(err, CallError::Null("name")));
        // SAFETY: as above.
        let err = unsafe { bytes_mut(std::ptr::null_mut(), 4, "data") }.unwrap_err();
        assert!(matches!(err, CallError::Null("data")));
    }

    #[test]
    fn accepts_empty_buffer_without_pointer() {
        // SAFETY: a zero length never dereferences.
        let buf = unsafe { bytes_mut(std::ptr::null_mut(), 0, "data") }.unwrap();
        assert!(buf.is_empty());
    }

    #[test]
    fn rejects_lengths_beyond_isize() {
        let mut byte = 0u8;
        let ptr = std::ptr::from_mut(&mut byte).cast::<c_void>();
        // SAFETY: the length check fails before any dereference.
        let err = unsafe { bytes_mut(ptr, usize::MAX, "data") }.unwrap_err();
        assert!(matches!(err, CallError::Length("data")));
    }
}
