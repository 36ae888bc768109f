//! The C boundary: the only home of `unsafe` and `extern "C"`.
//!
//! Every exported function has the same shape: a call into [`boundary`]
//! (which catches panics and maps errors to the API's negative codes), pointer
//! and length checks through [`args`], then a call into safe Rust.

pub mod args;
pub mod boundary;
#[cfg(any(feature = "cytoplasm-tls", all(test, feature = "tls", feature = "uia")))]
pub mod cytoplasm_tls;
pub mod errors;
pub mod gnutls;
pub mod native;
#[cfg(feature = "telodendria")]
pub mod telodendria;
#[cfg(feature = "uia")]
pub mod uia;
