//! `gnutls_buffer_t`: the growable byte buffer GnuTLS hands to callbacks
//! that produce data (an extension's send function), filled with
//! `gnutls_buffer_append_data`.

/// A byte buffer owned by the library (opaque); callbacks append to it.
#[allow(non_camel_case_types)]
#[derive(Default)]
pub struct gnutls_buffer_st {
    /// The bytes appended so far.
    pub(crate) data: Vec<u8>,
}

/// A buffer handle.
#[allow(non_camel_case_types)]
pub type gnutls_buffer_t = *mut gnutls_buffer_st;
