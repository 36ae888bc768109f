//! Certificate, CertificateRequest and CertificateVerify (RFC 8446 §4.3.2,
//! §4.4.2, §4.4.3).

use super::extensions::{Extensions, ext};
use super::{LenPrefix, Reader, put_u16, put_vec, with_len};
use crate::tls::error::{InvalidMessage, PeerMisbehaved};

/// One certificate in a Certificate message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateEntry {
    /// The DER certificate.
    pub cert: Vec<u8>,
    /// Per-certificate extensions (OCSP, SCT).
    pub extensions: Extensions,
}

/// A Certificate message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// certificate_request_context: empty in the handshake; the request's
    /// context in post-handshake authentication.
    pub context: Vec<u8>,
    /// The chain, end-entity first; empty when the client has none.
    pub entries: Vec<CertificateEntry>,
}

impl Certificate {
    /// Decodes a Certificate body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let context = r.vec_u8("certificate_request_context")?.to_vec();
        let mut list = Reader::new(r.vec_u24("certificate_list")?);
        r.expect_end("Certificate")?;
        let mut entries = Vec::new();
        while !list.is_empty() {
            let cert = list.vec_u24("cert_data")?;
            if cert.is_empty() {
                return Err(InvalidMessage::InvalidValue("empty cert_data"));
            }
            let extensions = Extensions::read(&mut list)?;
            entries.push(CertificateEntry {
                cert: cert.to_vec(),
                extensions,
            });
        }
        Ok(Self { context, entries })
    }

    /// A peer's chain of more than `MAX_CHAIN_CERTIFICATES` is refused
    /// (bad_certificate) before anything looks into it.
    pub fn check_chain_length(&self) -> Result<(), crate::x509::CertificateError> {
        if self.entries.len() > crate::tls::limits::MAX_CHAIN_CERTIFICATES {
            return Err(crate::x509::CertificateError::Bad(format!(
                "a chain of {} certificates (at most {})",
                self.entries.len(),
                crate::tls::limits::MAX_CHAIN_CERTIFICATES
            )));
        }
        Ok(())
    }

    /// RFC 8446 §4.4.2: a CertificateEntry's extensions answer ones the
    /// peer asked for (the ClientHello for a server's chain, the
    /// CertificateRequest for a client's). Only status_request and
    /// signed_certificate_timestamp belong here: one of them not asked for
    /// is unsupported_extension (§4.2), any other extension we know is
    /// illegal_parameter, and an unknown one was never asked for.
    pub fn check_entry_extensions(
        &self,
        requested: impl Fn(u16) -> bool,
    ) -> Result<(), PeerMisbehaved> {
        for ty in self.entries.iter().flat_map(|e| e.extensions.types()) {
            let answerable = [ext::STATUS_REQUEST, ext::SCT].contains(&ty);
            if answerable && requested(ty) {
                continue;
            }
            if answerable || !ext::is_known(ty) {
                return Err(PeerMisbehaved::UnsupportedExtension(
                    "CertificateEntry extension not requested",
                ));
            }
            return Err(PeerMisbehaved::IllegalParameter(
                "extension not allowed in a CertificateEntry",
            ));
        }
        Ok(())
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_vec(&mut out, LenPrefix::U8, &self.context);
        with_len(&mut out, LenPrefix::U24, |o| {
            for entry in &self.entries {
                put_vec(o, LenPrefix::U24, &entry.cert);
                entry.extensions.encode(o);
            }
        });
        out
    }
}

/// A CertificateRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest {
    /// certificate_request_context (empty during the handshake; fresh and
    /// unpredictable for post-handshake authentication).
    pub context: Vec<u8>,
    /// Extensions; signature_algorithms is required.
    pub extensions: Extensions,
}

impl CertificateRequest {
    /// Decodes a CertificateRequest body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let context = r.vec_u8("certificate_request_context")?.to_vec();
        let extensions = Extensions::read(&mut r)?;
        r.expect_end("CertificateRequest")?;
        Ok(Self {
            context,
            extensions,
        })
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_vec(&mut out, LenPrefix::U8, &self.context);
        self.extensions.encode(&mut out);
        out
    }
}

/// A CertificateVerify.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateVerify {
    /// The SignatureScheme.
    pub scheme: u16,
    /// The signature.
    pub signature: Vec<u8>,
}

impl CertificateVerify {
    /// Decodes a CertificateVerify body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let scheme = r.u16("signature scheme")?;
        let signature = r.vec_u16("signature")?;
        r.expect_end("CertificateVerify")?;
        if signature.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty signature"));
        }
        Ok(Self {
            scheme,
            signature: signature.to_vec(),
        })
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u16(&mut out, self.scheme);
        put_vec(&mut out, LenPrefix::U16, &self.signature);
        out
    }
}

/// The content a CertificateVerify signs (RFC 8446 §4.4.3): 64 spaces, the
/// context string, a zero byte, and the transcript hash.
pub fn signed_content(server: bool, transcript_hash: &[u8]) -> Vec<u8> {
    let label: &[u8] = if server {
        b"TLS 1.3, server CertificateVerify"
    } else {
        b"TLS 1.3, client CertificateVerify"
    };
    let mut out = vec![0x20u8; 64];
    out.extend_from_slice(label);
    out.push(0);
    out.extend_from_slice(transcript_hash);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificate_round_trips_including_an_empty_one() {
        let cert = Certificate {
            context: vec![9; 16],
            entries: vec![CertificateEntry {
                cert: vec![0x30, 1, 2],
                extensions: Extensions::new(),
            }],
        };
        assert_eq!(Certificate::decode(&cert.encode()).unwrap(), cert);
        let empty = Certificate {
            context: vec![],
            entries: vec![],
        };
        assert_eq!(Certificate::decode(&empty.encode()).unwrap(), empty);
    }

    #[test]
    fn rejects_truncated_and_padded_messages() {
        let cert = Certificate {
            context: vec![],
            entries: vec![CertificateEntry {
                cert: vec![1; 40],
                extensions: Extensions::new(),
            }],
        }
        .encode();
        assert!(Certificate::decode(&cert[..cert.len() - 1]).is_err());
        let mut padded = cert.clone();
        padded.push(0);
        assert!(Certificate::decode(&padded).is_err());
        assert!(
            CertificateVerify::decode(&[8, 4, 0, 0]).is_err(),
            "empty signature"
        );
    }

    #[test]
    fn signed_content_has_the_rfc_layout() {
        let content = signed_content(false, &[0xab; 32]);
        assert_eq!(&content[..64], &[0x20; 64]);
        assert_eq!(&content[64..97], b"TLS 1.3, client CertificateVerify");
        assert_eq!(content[97], 0);
        assert_eq!(content.len(), 98 + 32);
    }
}
