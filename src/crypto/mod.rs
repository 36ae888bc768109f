//! Cryptographic primitives. Every primitive comes from `ring`; nothing here
//! implements one.

mod rng;

pub use rng::{RngError, fill_random};
