//! The GnuTLS-compatible C API. `include/gnutls/gnutls.h` is generated from
//! these files and from `src/gnutls/error_codes.rs` (see `build.rs`).

#[cfg(feature = "tls")]
pub mod credentials;
pub mod enums;
pub mod errors;
pub mod global;
#[cfg(feature = "tls")]
pub mod hooks;
pub mod logging;
pub mod memory;
#[cfg(feature = "tls")]
pub mod names;
#[cfg(feature = "tls")]
pub mod priority;
pub mod random;
#[cfg(feature = "tls")]
pub mod server_name;
#[cfg(feature = "tls")]
pub mod session;
#[cfg(feature = "tls")]
#[cfg(feature = "tls")]
pub mod timeouts;
pub mod transport;
pub mod types;
#[cfg(feature = "tls")]
pub mod verify;
#[cfg(feature = "tls")]
pub mod x509;
