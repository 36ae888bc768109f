//! stepup: step-up re-authentication for C servers.
//!
//! Two halves behind C APIs: TLS 1.3 post-handshake client authentication
//! exported as a GnuTLS-compatible API (`gnutls_reauth()` and the GnuTLS
//! surface around it), and Matrix User-Interactive Authentication exported as
//! a native API and as a drop-in for Telodendria's `Uia.h`.
//!
//! Layers, top to bottom (data never flows back up):
//! - [`ffi`]: the only `unsafe` code and the only `extern "C"` functions;
//! - [`gnutls`]: GnuTLS semantics in safe Rust;
//! - [`crypto`]: primitives from `ring` behind one small interface;
//! - `tls`: the sans-I/O TLS 1.3 engine;
//! - `uia`: the Matrix User-Interactive Authentication engine.

#[cfg(all(feature = "tls", feature = "uia"))]
pub mod bridge;
pub mod crypto;
#[allow(unsafe_code)]
pub mod ffi;
#[cfg(feature = "fuzzing")]
pub mod fuzz;
pub mod gnutls;
#[cfg(feature = "tls")]
pub mod tls;
#[cfg(feature = "uia")]
pub mod uia;
#[cfg(feature = "tls")]
pub mod x509;

/// The version of stepup itself (not the GnuTLS API level it provides).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
