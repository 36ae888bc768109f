//! GnuTLS semantics in safe Rust: what each GnuTLS call means, independent of
//! how it is reached from C. `src/ffi/gnutls/` is the only caller from C.

#[cfg(feature = "tls")]
pub mod aead_api;
pub mod algorithm_info;
pub mod algorithm_sizes;
#[cfg(feature = "tls")]
pub mod channel_binding;
#[cfg(feature = "tls")]
pub mod credentials;
#[cfg(feature = "tls")]
pub mod crl;
#[cfg(feature = "tls")]
pub mod dh;
pub mod digest;
mod error;
pub mod error_alerts;
pub mod error_codes;
mod error_table;
pub mod errors;
pub mod ext;
pub mod global;
pub mod handshake_type;
pub mod log;
#[cfg(feature = "tls")]
pub mod names;
#[cfg(feature = "tls")]
pub mod priority;
#[cfg(feature = "tls")]
pub mod priority_sign;
#[cfg(feature = "tls")]
pub mod privkey;
#[cfg(feature = "tls")]
pub mod psk;
#[cfg(feature = "tls")]
pub mod psk_file;
#[cfg(feature = "tls")]
pub mod pubkey;
pub mod random;
#[cfg(feature = "tls")]
pub mod session;
pub mod suite_table;
#[cfg(feature = "tls")]
pub mod system_trust;
pub mod transport;
#[cfg(feature = "tls")]
pub mod trust_list;
pub mod util;
#[cfg(feature = "tls")]
pub mod verify;
pub mod version;
#[cfg(feature = "tls")]
pub mod x509;
#[cfg(feature = "tls")]
pub mod x509_print;

pub use error::Error;
