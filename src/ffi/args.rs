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

/// A shared reference to a library object handed out earlier.
///
/// # Safety
/// `ptr` is NULL or points to a live object of type `T` from this library,
/// not freed during `'a`.
pub unsafe fn object<'a, T>(ptr: *const T, name: &'static str) -> Result<&'a T, CallError> {
    // SAFETY: NULL is rejected by `as_ref`; liveness is the caller's promise.
    unsafe { ptr.as_ref() }.ok_or(CallError::Null(name))
}

/// An exclusive reference to a library object handed out earlier.
///
/// # Safety
/// As for [`object`], and nothing else uses the object during `'a`.
pub unsafe fn object_mut<'a, T>(ptr: *mut T, name: &'static str) -> Result<&'a mut T, CallError> {
    // SAFETY: NULL is rejected by `as_mut`; exclusivity is the caller's promise.
    unsafe { ptr.as_mut() }.ok_or(CallError::Null(name))
}

/// A required string argument that must be UTF-8.
///
/// # Safety
/// As for [`cstr`].
pub unsafe fn utf8<'a>(ptr: *const c_char, name: &'static str) -> Result<&'a str, CallError> {
    // SAFETY: forwarded caller promise.
    let text = unsafe { cstr(ptr, name) }?;
    text.to_str().map_err(|_| CallError::Utf8(name))
}

/// An optional string argument that must be UTF-8 when present.
///
/// # Safety
/// As for [`cstr`].
pub unsafe fn optional_utf8<'a>(
    ptr: *const c_char,
    name: &'static str,
) -> Result<Option<&'a str>, CallError> {
    // SAFETY: forwarded caller promise.
    match unsafe { optional_cstr(ptr) } {
        None => Ok(None),
        Some(text) => text.to_str().map(Some).map_err(|_| CallError::Utf8(name)),
    }
}

/// A read-only byte buffer of `len` bytes (NULL allowed with length 0).
///
/// # Safety
/// `ptr` is NULL or valid for reads of `len` bytes during `'a`.
pub unsafe fn bytes<'a>(
    ptr: *const c_void,
    len: usize,
    name: &'static str,
) -> Result<&'a [u8], CallError> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(CallError::Null(name));
    }
    if isize::try_from(len).is_err() {
        return Err(CallError::Length(name));
    }
    // SAFETY: non-NULL, length within isize::MAX, validity is the caller's promise.
    Ok(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) })
}

/// Checks an out-parameter is writable, before any work is done.
pub fn out_param<T>(ptr: *mut T, name: &'static str) -> Result<(), CallError> {
    if ptr.is_null() {
        Err(CallError::Null(name))
    } else {
        Ok(())
    }
}

/// Moves `value` to the heap and stores the pointer in `*out`.
///
/// # Safety
/// `out` is non-NULL (checked with [`out_param`]) and valid for a write.
pub unsafe fn give<T>(out: *mut *mut T, value: T) {
    // SAFETY: the caller checked `out` and it is valid for a write.
    unsafe { out.write(Box::into_raw(Box::new(value))) };
}

/// Frees an object handed out by [`give`]; NULL is ignored.
///
/// # Safety
/// `ptr` is NULL or came from [`give`] with the same `T` and is not used again.
pub unsafe fn take<T>(ptr: *mut T) {
    if !ptr.is_null() {
        // SAFETY: it came from Box::into_raw and ownership returns here once.
        drop(unsafe { Box::from_raw(ptr) });
    }
}

/// Moves each item to the heap as `wrap(item)` and writes the handles to a
/// new array from the C allocator, for a caller that frees each handle and
/// then the array with `free` (`gnutls_free`); returns the array and its
/// length. Nothing is allocated on failure.
pub fn malloc_handles<T, H>(
    items: Vec<T>,
    wrap: impl Fn(T) -> H,
) -> Result<(*mut *mut H, std::ffi::c_uint), CallError> {
    let count = std::ffi::c_uint::try_from(items.len()).map_err(|_| CallError::NoMemory)?;
    let bytes = std::mem::size_of::<*mut H>()
        .checked_mul(items.len().max(1))
        .ok_or(CallError::NoMemory)?;
    // SAFETY: malloc with a non-zero size; the result is checked for NULL.
    let array = unsafe { libc::malloc(bytes) }.cast::<*mut H>();
    if array.is_null() {
        return Err(CallError::NoMemory);
    }
    for (i, item) in items.into_iter().enumerate() {
        let handle = Box::into_raw(Box::new(wrap(item)));
        // SAFETY: `array` holds `count` pointers and `i < count`.
        unsafe { array.add(i).write(handle) };
    }
    Ok((array, count))
}

/// Moves each item to the heap as `wrap(item)` and writes the handles to
/// the caller's array `out`; returns how many. The caller checked that
/// they fit.
///
/// # Safety
/// `out` is NULL (only with no items) or writable for `items.len()`
/// handles.
pub unsafe fn fill_handles<T, H>(
    out: *mut *mut H,
    items: Vec<T>,
    wrap: impl Fn(T) -> H,
) -> Result<std::ffi::c_uint, CallError> {
    if !items.is_empty() && out.is_null() {
        return Err(CallError::Null("list"));
    }
    let count = std::ffi::c_uint::try_from(items.len()).map_err(|_| CallError::NoMemory)?;
    for (i, item) in items.into_iter().enumerate() {
        let handle = Box::into_raw(Box::new(wrap(item)));
        // SAFETY: `out` holds at least `count` entries and `i < count`.
        unsafe { out.add(i).write(handle) };
    }
    Ok(count)
}

/// Copies `text` into memory from the C allocator, NUL-terminated, for a
/// caller that frees it with `free` (`stepup_free`, `gnutls_free`).
pub fn malloc_string(text: &str) -> Result<*mut c_char, CallError> {
    if text.as_bytes().contains(&0) {
        return Err(CallError::Length("string with an interior NUL"));
    }
    let len = text.len();
    // SAFETY: malloc with a non-zero size; the result is checked for NULL.
    let ptr = unsafe { libc::malloc(len + 1) }.cast::<u8>();
    if ptr.is_null() {
        return Err(CallError::NoMemory);
    }
    // SAFETY: `ptr` holds len + 1 bytes; the source is `len` readable bytes.
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), ptr, len);
        ptr.add(len).write(0);
    }
    Ok(ptr.cast::<c_char>())
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
