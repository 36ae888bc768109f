//! Cryptographic primitives. Every primitive comes from `ring`; nothing here
//! implements one.

pub mod hash;
pub mod hkdf;
mod rng;

pub use rng::{RngError, fill_random};
