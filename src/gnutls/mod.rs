//! GnuTLS semantics in safe Rust: what each GnuTLS call means, independent of
//! how it is reached from C. `src/ffi/gnutls/` is the only caller from C.

mod error;
pub mod error_codes;
mod error_table;
pub mod errors;
pub mod global;
pub mod random;
pub mod version;

pub use error::Error;
