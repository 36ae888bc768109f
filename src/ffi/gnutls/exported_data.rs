//! The data objects GnuTLS 3.7 exports besides its allocators (`memory.rs`):
//! the Diffie-Hellman groups of RFC 7919 (FFDHE) and RFC 5054 (SRP), with
//! the exponent sizes GnuTLS pairs with the FFDHE groups, and the internal
//! objects its companion library libgnutls-dane links against. Programs
//! copy-relocate them, so each has GnuTLS's type and size.

use std::ffi::{c_char, c_int, c_uint};

use super::types::gnutls_datum_t;

/// A `const gnutls_datum_t` over static bytes.
#[repr(transparent)]
pub struct ConstDatum(gnutls_datum_t);

// SAFETY: the datum points at immutable static bytes; nothing writes
// through it (C sees it as `const gnutls_datum_t`).
unsafe impl Sync for ConstDatum {}

impl ConstDatum {
    /// A datum over `bytes`, which hold `size` bytes.
    pub const fn new(bytes: &'static [u8], size: c_uint) -> Self {
        Self(gnutls_datum_t {
            data: bytes.as_ptr().cast_mut(),
            size,
        })
    }

    /// The bytes.
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: built by `new` from a static slice of `size` bytes.
        unsafe {
            std::slice::from_raw_parts(self.0.data, usize::try_from(self.0.size).unwrap_or(0))
        }
    }
}

include!(concat!(env!("OUT_DIR"), "/groups.rs"));

/// Private exponent sizes (bits) GnuTLS uses with each FFDHE group.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static gnutls_ffdhe_2048_key_bits: c_uint = 256;
/// As `gnutls_ffdhe_2048_key_bits`, for the 3072-bit group.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static gnutls_ffdhe_3072_key_bits: c_uint = 276;
/// As `gnutls_ffdhe_2048_key_bits`, for the 4096-bit group.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static gnutls_ffdhe_4096_key_bits: c_uint = 336;
/// As `gnutls_ffdhe_2048_key_bits`, for the 6144-bit group.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static gnutls_ffdhe_6144_key_bits: c_uint = 376;
/// As `gnutls_ffdhe_2048_key_bits`, for the 8192-bit group.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static gnutls_ffdhe_8192_key_bits: c_uint = 512;

/// GnuTLS's internal log level, which libgnutls-dane reads; stepup keeps
/// its own (`gnutls_global_set_log_level`) and leaves this 0.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static mut _gnutls_log_level: c_int = 0;

/// GnuTLS's internal copy of its version number (3.7.9).
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static _gnutls_global_version: c_uint = 0x0003_0709;

/// A `const char *` over a static string.
#[repr(transparent)]
pub struct ConstStr(*const c_char);

// SAFETY: points at an immutable static string.
unsafe impl Sync for ConstStr {}

/// GnuTLS's internal default priority string.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static _gnutls_default_priority_string: ConstStr = ConstStr(c"NORMAL".as_ptr());

/// GnuTLS's internal table of big-number operations (200 bytes of function
/// pointers there); here all NULL: stepup has no big-number layer to offer.
#[unsafe(no_mangle)]
#[allow(non_upper_case_globals)]
pub static _gnutls_mpi_ops: [u8; 200] = [0; 200];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_have_their_sizes_and_q_is_half_of_p() {
        assert_eq!(gnutls_ffdhe_2048_group_prime.bytes().len(), 256);
        assert_eq!(gnutls_ffdhe_8192_group_prime.bytes().len(), 1024);
        assert_eq!(gnutls_srp_8192_group_generator.bytes(), [19]);
        // q = (p - 1) / 2: p shifted right by one bit.
        let p = gnutls_ffdhe_3072_group_prime.bytes();
        let q = gnutls_ffdhe_3072_group_q.bytes();
        let mut carry = 0u8;
        let halved: Vec<u8> = p
            .iter()
            .map(|b| {
                let out = (b >> 1) | carry;
                carry = (b & 1) << 7;
                out
            })
            .collect();
        assert_eq!(q, halved.as_slice());
    }
}
