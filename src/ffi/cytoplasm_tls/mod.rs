//! A TLS backend for Cytoplasm (cargo feature `cytoplasm-tls`): the five
//! functions of Cytoplasm's `Tls.h` (`TlsInitClient`, `TlsInitServer`,
//! `TlsRead`, `TlsWrite`, `TlsClose`) over sessions of the GnuTLS layer, so
//! that Telodendria, built on a Cytoplasm compiled with `-DTLS_IMPL=4` (no
//! TLS library of its own), serves TLS 1.3 and 1.2 from this library.
//!
//! - `exports.rs`: the five `extern "C"` functions and the cookie;
//! - `conn.rs`: the connection in safe Rust (credentials from the files,
//!   the lazy handshake and its timeout, reads and writes);
//! - `fd.rs`: the descriptor under it;
//! - `stepup.rs`: the certificate step-up's settings
//!   (`STEPUP_TELODENDRIA_CONFIG`), and `current.rs`: the connection of the
//!   request a thread serves, for the drop-in's `UiaComplete`;
//! - `errors.rs`: failures as errno values and log levels, in one place.
//!
//! Without the feature, `cargo test` still builds the safe parts and
//! their tests (they need nothing of Cytoplasm).

pub mod conn;
pub mod current;
pub mod errors;
pub mod fd;
pub mod stepup;

#[cfg(feature = "cytoplasm-tls")]
pub mod exports;

#[cfg(test)]
mod stepup_tests;
#[cfg(test)]
mod tests;
