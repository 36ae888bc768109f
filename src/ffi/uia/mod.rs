//! The native UIA C API (`include/stepup/uia.h`, prefix `stepup_uia_`).
//!
//! Every object is opaque and thread-safe to share once built: many threads
//! may call `stepup_uia_complete` on one engine and one flow set at once.

pub mod certs;
pub mod complete;
pub mod engine;
pub mod fallback;
pub mod flows;
pub mod hooks;
#[cfg(feature = "tls")]
pub mod tls;
pub mod tokens;
