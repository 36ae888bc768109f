//! The running hash of a TLS 1.2 handshake, and the messages themselves
//! while a client CertificateVerify may still need them: in TLS 1.2 it signs
//! the messages, not their hash (RFC 5246 §7.4.8), and the signature's hash
//! is only known once the scheme is.

use crate::crypto::hash::{HashAlgorithm, Transcript};

/// The transcript hash, with the messages kept while `keeping`.
pub(crate) struct HandshakeLog {
    transcript: Transcript,
    messages: Option<Vec<u8>>,
}

impl HandshakeLog {
    /// A log hashing with `hash`, keeping the messages when `keep`.
    pub fn new(hash: HashAlgorithm, keep: bool) -> Self {
        Self {
            transcript: Transcript::new(hash),
            messages: keep.then(Vec::new),
        }
    }

    /// Adds a message.
    pub fn update(&mut self, bytes: &[u8]) {
        self.transcript.update(bytes);
        if let Some(messages) = &mut self.messages {
            messages.extend_from_slice(bytes);
        }
    }

    /// The hash of the messages so far.
    pub fn current(&self) -> Vec<u8> {
        self.transcript.current()
    }

    /// The messages so far, if they were kept.
    pub fn messages(&self) -> Option<&[u8]> {
        self.messages.as_deref()
    }

    /// Stops keeping the messages (no CertificateVerify will need them).
    pub fn forget_messages(&mut self) {
        self.messages = None;
    }
}
