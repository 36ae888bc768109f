//! GnuTLS's exported allocator variables. Programs free memory that GnuTLS
//! functions return with `gnutls_free`, and some copy-relocate these
//! variables, so they are pointer-sized data objects, not functions; they are
//! mutable in C, as in GnuTLS's header, but stepup never reads them. stepup
//! allocates every buffer it hands to C with the C library's `malloc`, so
//! these point at the C library's functions.

use std::ffi::{c_char, c_void};

/// The type of `gnutls_malloc`.
#[allow(non_camel_case_types)]
pub type gnutls_alloc_function = Option<unsafe extern "C" fn(size: usize) -> *mut c_void>;

/// The type of `gnutls_free`.
#[allow(non_camel_case_types)]
pub type gnutls_free_function = Option<unsafe extern "C" fn(ptr: *mut c_void)>;

/// Allocates memory the way the library does; release it with `gnutls_free`.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_malloc: gnutls_alloc_function = Some(libc::malloc);

/// Releases memory returned by the library (or by `gnutls_malloc`).
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_free: gnutls_free_function = Some(libc::free);

/// Duplicates a string into memory to be released with `gnutls_free`.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_strdup: Option<unsafe extern "C" fn(s: *const c_char) -> *mut c_char> =
    Some(libc::strdup);

/// The type of `gnutls_calloc`.
#[allow(non_camel_case_types)]
pub type gnutls_calloc_function =
    Option<unsafe extern "C" fn(n: usize, size: usize) -> *mut c_void>;

/// The type of `gnutls_realloc`.
#[allow(non_camel_case_types)]
pub type gnutls_realloc_function =
    Option<unsafe extern "C" fn(ptr: *mut c_void, size: usize) -> *mut c_void>;

/// Allocates zeroed memory the way the library does.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_calloc: gnutls_calloc_function = Some(libc::calloc);

/// Resizes memory from `gnutls_malloc`.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_realloc: gnutls_realloc_function = Some(libc::realloc);

/// Allocates memory for secrets; the C library's `malloc`, as
/// `gnutls_malloc` (stepup keeps no separate secure heap).
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut gnutls_secure_malloc: gnutls_alloc_function = Some(libc::malloc);
