//! TLS 1.2 (RFC 5246), the modern subset only: ECDHE and PSK key exchanges,
//! AEAD ciphers, the extended master secret required, no renegotiation.

pub mod client;
pub mod messages;
pub mod prf;
pub mod record;
pub mod server;
pub mod suites;
#[cfg(test)]
mod tests;
