//! The GnuTLS-compatible C API. `include/gnutls/gnutls.h` is generated from
//! these files and from `src/gnutls/error_codes.rs` (see `build.rs`).

#[cfg(feature = "tls")]
pub mod credentials;
pub mod errors;
pub mod global;
pub mod memory;
pub mod random;
#[cfg(feature = "tls")]
pub mod session;
#[cfg(feature = "tls")]
pub mod transport;
pub mod types;
