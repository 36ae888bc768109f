//! One direction's record protection, TLS 1.3's or TLS 1.2's: the record
//! layer seals and opens through this without caring which.

use super::protection::RecordKey;
use super::{ContentType, HEADER_LEN};
use crate::tls::error::Error;
use crate::tls::tls12::record::RecordKey12;

/// The keys records are sealed or opened with.
pub enum RecordProtection {
    /// TLS 1.3: inner content type, padding, one traffic secret per key.
    Tls13(RecordKey),
    /// TLS 1.2: the content type in the clear, keys from the key block.
    Tls12(RecordKey12),
}

impl RecordProtection {
    /// Appends one protected record.
    pub fn seal(
        &mut self,
        content_type: ContentType,
        payload: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), Error> {
        match self {
            Self::Tls13(key) => key.seal(content_type, payload, out),
            Self::Tls12(key) => key.seal(content_type, payload, out),
        }
    }

    /// Opens a protected record in place: its content type and the length
    /// of its content, a prefix of `body`.
    pub fn open(
        &mut self,
        header: &[u8; HEADER_LEN],
        body: &mut [u8],
    ) -> Result<(ContentType, usize), Error> {
        match self {
            Self::Tls13(key) => key.open(header, body),
            Self::Tls12(key) => key.open(header, body),
        }
    }

    /// Whether the key nears its usage limit (TLS 1.3 updates it; TLS 1.2
    /// has no KeyUpdate, and its 64-bit sequence is the limit).
    pub fn needs_update(&self) -> bool {
        match self {
            Self::Tls13(key) => key.needs_update(),
            Self::Tls12(_) => false,
        }
    }
}
