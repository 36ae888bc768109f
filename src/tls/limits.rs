//! The bounds on what a peer can make a connection hold or do, in one
//! place. Each has a test; the README lists them.

/// The largest handshake message accepted (its 24-bit length allows 16 MiB):
/// a certificate chain, a ClientHello, a NewSessionTicket all fit in it.
pub use super::codec::handshake::MAX_HANDSHAKE_LEN;

/// The most certificates in a peer's chain (webpki also bounds the path
/// it builds; the chain's size is bounded by `MAX_HANDSHAKE_LEN`).
pub const MAX_CHAIN_CERTIFICATES: usize = 16;

/// KeyUpdates accepted within one second; the next ends the connection.
/// Newer GnuTLS allows 8; 3.7 none, and peers (tlsfuzzer among them) send
/// bursts of 32, which must pass.
pub const KEY_UPDATES_PER_SECOND: u32 = 128;

/// Records in a row that carry nothing (empty application data, ignored
/// warning alerts); the next ends the connection (GnuTLS's bound: 200).
pub const MAX_EMPTY_RECORDS: u32 = 200;

/// Post-handshake CertificateRequests a client holds unanswered; the next
/// ends the connection.
pub const MAX_PENDING_CERTIFICATE_REQUESTS: usize = 16;
