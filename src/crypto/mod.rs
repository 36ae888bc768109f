//! Cryptographic primitives: the one provider the engine uses. Each
//! primitive comes from `ring` or `aws-lc-rs`, whichever measured faster on
//! our machines (README, Performance); nothing here implements one.

pub mod aead;
pub mod hash;
pub mod hkdf;
pub mod kx;
mod rng;
pub mod sign;

pub use rng::{RngError, fill_random};
