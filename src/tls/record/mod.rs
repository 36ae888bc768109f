//! The record layer (RFC 8446 §5): framing and record protection.

pub mod buffers;
pub mod deframer;
pub mod keys;
pub mod plaintext;
pub mod protection;

/// The content type of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentType {
    /// change_cipher_spec (20): only the middlebox-compatibility message.
    ChangeCipherSpec,
    /// alert (21).
    Alert,
    /// handshake (22).
    Handshake,
    /// application_data (23).
    ApplicationData,
    /// Any other value (always an error in TLS 1.3).
    Unknown(u8),
}

impl ContentType {
    /// From the wire value.
    pub fn from_u8(value: u8) -> Self {
        match value {
            20 => Self::ChangeCipherSpec,
            21 => Self::Alert,
            22 => Self::Handshake,
            23 => Self::ApplicationData,
            other => Self::Unknown(other),
        }
    }

    /// The wire value.
    pub fn to_u8(self) -> u8 {
        match self {
            Self::ChangeCipherSpec => 20,
            Self::Alert => 21,
            Self::Handshake => 22,
            Self::ApplicationData => 23,
            Self::Unknown(v) => v,
        }
    }
}

/// The largest plaintext fragment (2^14).
pub const MAX_PLAINTEXT: usize = 1 << 14;
/// The largest protected record body (2^14 + 256).
pub const MAX_CIPHERTEXT: usize = MAX_PLAINTEXT + 256;
/// Bytes of record header.
pub const HEADER_LEN: usize = 5;
