//! The TLS 1.3 engine (RFC 8446), sans-I/O: bytes in, bytes out, events. No
//! sockets, no globals, no C types. Built in layers: the key schedule first,
//! then the record layer, codecs and the handshake state machines.

pub mod alert;
mod client;
pub mod clock;
pub mod codec;
pub mod common;
pub mod config;
pub mod connection;
#[cfg(test)]
mod early_data_tests;
pub mod error;
#[cfg(test)]
mod feature_tests;
pub mod hook;
#[cfg(test)]
mod hook_tests;
pub mod key_schedule;
pub mod limits;
#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod negative_tests;
#[cfg(test)]
mod psk_tests;
pub mod record;
pub mod resumption;
#[cfg(test)]
mod resumption_tests;
mod server;
pub mod suites;
#[cfg(test)]
mod tests;
pub mod ticket_keys;
pub mod tls12;

pub use client::CertificateRequestInfo;
pub use common::{Event, Negotiated, PeerIdentity, Verification};
pub use config::{
    CertifiedKey, ClientAuth, ClientConfig, ExternalPsk, NamedCertificate, PskLookup, PskModes,
    ServerConfig, VerifyPolicy,
};
pub use connection::Connection;
pub use error::Error;
