//! TLS 1.2 (RFC 5246), the modern subset only: ECDHE and PSK key exchanges,
//! AEAD ciphers, the extended master secret required, no renegotiation.

pub mod client;
pub mod client_auth;
#[cfg(test)]
mod client_auth_tests;
mod handshake_log;
pub mod messages;
pub mod prf;
pub mod record;
#[cfg(test)]
mod resumption_tests;
pub mod server;
pub mod session;
pub mod suites;
#[cfg(test)]
mod tests;
