//! Cryptographic primitives. Every primitive comes from `ring`; nothing here
//! implements one.

pub mod aead;
pub mod hash;
pub mod hkdf;
pub mod kx;
mod rng;
pub mod sign;

pub use rng::{RngError, fill_random};
