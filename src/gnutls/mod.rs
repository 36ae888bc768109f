//! GnuTLS semantics in safe Rust: what each GnuTLS call means, independent of
//! how it is reached from C. `src/ffi/gnutls/` is the only caller from C.

#[cfg(feature = "tls")]
pub mod credentials;
mod error;
pub mod error_codes;
mod error_table;
pub mod errors;
pub mod global;
pub mod handshake_type;
pub mod log;
#[cfg(feature = "tls")]
pub mod names;
#[cfg(feature = "tls")]
pub mod priority;
pub mod random;
#[cfg(feature = "tls")]
pub mod session;
pub mod transport;
#[cfg(feature = "tls")]
pub mod verify;
pub mod version;
#[cfg(feature = "tls")]
pub mod x509;

pub use error::Error;
