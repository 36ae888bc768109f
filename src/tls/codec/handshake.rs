//! Handshake message framing (RFC 8446 §4): type, u24 length, body; and the
//! joiner that reassembles messages split across records and splits
//! several messages carried in one record.

use super::Reader;
use crate::tls::error::{Error, InvalidMessage, PeerMisbehaved};

/// The largest handshake message accepted (certificate chains included):
/// 128 KiB, GnuTLS's default, which real chains of large certificates need.
pub const MAX_HANDSHAKE_LEN: usize = 128 * 1024;

/// A handshake message type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeType {
    /// hello_request (0, TLS 1.2).
    HelloRequest,
    /// client_hello (1).
    ClientHello,
    /// server_hello (2), also HelloRetryRequest.
    ServerHello,
    /// new_session_ticket (4).
    NewSessionTicket,
    /// end_of_early_data (5).
    EndOfEarlyData,
    /// encrypted_extensions (8).
    EncryptedExtensions,
    /// certificate (11).
    Certificate,
    /// server_key_exchange (12, TLS 1.2).
    ServerKeyExchange,
    /// certificate_request (13).
    CertificateRequest,
    /// server_hello_done (14, TLS 1.2).
    ServerHelloDone,
    /// certificate_verify (15).
    CertificateVerify,
    /// client_key_exchange (16, TLS 1.2).
    ClientKeyExchange,
    /// finished (20).
    Finished,
    /// key_update (24).
    KeyUpdate,
    /// message_hash (254): stands for ClientHello1 after a HelloRetryRequest.
    MessageHash,
    /// Any other value.
    Unknown(u8),
}

impl HandshakeType {
    /// From the wire value.
    pub fn from_u8(v: u8) -> Self {
        match v {
            0 => Self::HelloRequest,
            1 => Self::ClientHello,
            2 => Self::ServerHello,
            4 => Self::NewSessionTicket,
            5 => Self::EndOfEarlyData,
            8 => Self::EncryptedExtensions,
            11 => Self::Certificate,
            12 => Self::ServerKeyExchange,
            13 => Self::CertificateRequest,
            14 => Self::ServerHelloDone,
            15 => Self::CertificateVerify,
            16 => Self::ClientKeyExchange,
            20 => Self::Finished,
            24 => Self::KeyUpdate,
            254 => Self::MessageHash,
            other => Self::Unknown(other),
        }
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::HelloRequest => 0,
            Self::ClientHello => 1,
            Self::ServerHello => 2,
            Self::NewSessionTicket => 4,
            Self::EndOfEarlyData => 5,
            Self::EncryptedExtensions => 8,
            Self::Certificate => 11,
            Self::ServerKeyExchange => 12,
            Self::CertificateRequest => 13,
            Self::ServerHelloDone => 14,
            Self::CertificateVerify => 15,
            Self::ClientKeyExchange => 16,
            Self::Finished => 20,
            Self::KeyUpdate => 24,
            Self::MessageHash => 254,
            Self::Unknown(v) => v,
        }
    }
}

/// One whole handshake message: its type, and its bytes including the
/// 4-byte header (what the transcript hashes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// The type.
    pub ty: HandshakeType,
    /// Header and body.
    pub bytes: Vec<u8>,
}

impl RawMessage {
    /// The body, after the 4-byte header.
    pub fn body(&self) -> &[u8] {
        self.bytes.get(4..).unwrap_or_default()
    }
}

/// Frames a body as a handshake message.
pub fn frame(ty: HandshakeType, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + 4);
    out.push(ty.to_u8());
    super::put_u24(&mut out, body.len());
    out.extend_from_slice(body);
    out
}

/// Reassembles handshake messages from the payloads of handshake records.
#[derive(Default)]
pub struct Joiner {
    buf: Vec<u8>,
}

impl Joiner {
    /// An empty joiner.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a handshake record's payload.
    pub fn push(&mut self, payload: &[u8]) -> Result<(), Error> {
        if payload.is_empty() {
            // RFC 8446 §5.1: zero-length handshake fragments are not allowed.
            return Err(PeerMisbehaved::UnexpectedMessage("empty handshake record").into());
        }
        self.buf.extend_from_slice(payload);
        Ok(())
    }

    /// Whether a partial message is buffered. Keys must not change then
    /// (RFC 8446 §5.1: messages must not span key changes).
    pub fn is_partial(&self) -> bool {
        !self.buf.is_empty()
    }

    /// The next complete message, if one is buffered.
    pub fn next_message(&mut self) -> Result<Option<RawMessage>, Error> {
        let mut r = Reader::new(&self.buf);
        let Ok(ty) = r.u8("handshake type") else {
            return Ok(None);
        };
        let Ok(len) = r.u24("handshake length") else {
            return Ok(None);
        };
        if len > MAX_HANDSHAKE_LEN {
            return Err(InvalidMessage::InvalidValue("handshake message too large").into());
        }
        if self.buf.len() < 4 + len {
            return Ok(None);
        }
        let bytes: Vec<u8> = self.buf.drain(..4 + len).collect();
        Ok(Some(RawMessage {
            ty: HandshakeType::from_u8(ty),
            bytes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_fragments_and_splits_coalesced_messages() {
        let a = frame(HandshakeType::Finished, &[1; 32]);
        let b = frame(HandshakeType::KeyUpdate, &[0]);
        let mut all = a.clone();
        all.extend_from_slice(&b);
        let mut j = Joiner::new();
        j.push(&all[..10]).unwrap();
        assert_eq!(j.next_message().unwrap(), None);
        assert!(j.is_partial());
        j.push(&all[10..]).unwrap();
        assert_eq!(j.next_message().unwrap().unwrap().bytes, a);
        let second = j.next_message().unwrap().unwrap();
        assert_eq!(
            (second.ty, second.body()),
            (HandshakeType::KeyUpdate, &[0u8][..])
        );
        assert!(!j.is_partial());
    }

    #[test]
    fn refuses_empty_fragments_and_huge_lengths() {
        let mut j = Joiner::new();
        assert!(j.push(&[]).is_err());
        j.push(&[11, 0xff, 0xff, 0xff]).unwrap();
        assert!(j.next_message().is_err());
    }
}
