//! TLS 1.2 client certificates (RFC 5246 §7.4.4, §7.4.8): the server's
//! CertificateRequest and the client's CertificateVerify, which signs every
//! handshake message before it. Unlike TLS 1.3, the signature covers the
//! messages themselves, so each end keeps them while a certificate may be
//! asked for.

use crate::tls::codec::{LenPrefix, Reader, put_u16, put_vec, with_len};
use crate::tls::error::InvalidMessage;

/// ClientCertificateType rsa_sign.
pub const RSA_SIGN: u8 = 1;
/// ClientCertificateType ecdsa_sign (RFC 8422 §5.5; EdDSA keys too).
pub const ECDSA_SIGN: u8 = 64;

/// A TLS 1.2 CertificateRequest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRequest12 {
    /// The kinds of key the server takes.
    pub certificate_types: Vec<u8>,
    /// The signature schemes it accepts in CertificateVerify.
    pub schemes: Vec<u16>,
    /// The authorities it names (DER DistinguishedNames); empty: any.
    pub authorities: Vec<Vec<u8>>,
}

impl CertificateRequest12 {
    /// The message body; authorities that do not fit are left out.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_vec(&mut out, LenPrefix::U8, &self.certificate_types);
        with_len(&mut out, LenPrefix::U16, |o| {
            self.schemes.iter().for_each(|s| put_u16(o, *s))
        });
        match crate::tls::codec::extensions::authorities(&self.authorities) {
            Some(list) => out.extend_from_slice(&list),
            None => put_u16(&mut out, 0),
        }
        out
    }

    /// Decodes a body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let certificate_types = r.vec_u8("certificate_types")?.to_vec();
        let mut list = Reader::new(r.vec_u16("supported_signature_algorithms")?);
        let mut schemes = Vec::new();
        while !list.is_empty() {
            schemes.push(list.u16("SignatureAndHashAlgorithm")?);
        }
        let mut names = Reader::new(r.vec_u16("certificate_authorities")?);
        let mut authorities = Vec::new();
        while !names.is_empty() {
            let name = names.vec_u16("DistinguishedName")?;
            if name.is_empty() {
                return Err(InvalidMessage::InvalidValue("empty DistinguishedName"));
            }
            authorities.push(name.to_vec());
        }
        r.expect_end("CertificateRequest")?;
        if certificate_types.is_empty() || schemes.is_empty() {
            return Err(InvalidMessage::InvalidValue("CertificateRequest lists"));
        }
        Ok(Self {
            certificate_types,
            schemes,
            authorities,
        })
    }
}

/// A TLS 1.2 CertificateVerify: the scheme and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateVerify12 {
    /// The SignatureAndHashAlgorithm (SignatureScheme code point).
    pub scheme: u16,
    /// The signature over the handshake messages before this one.
    pub signature: Vec<u8>,
}

impl CertificateVerify12 {
    /// The message body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u16(&mut out, self.scheme);
        put_vec(&mut out, LenPrefix::U16, &self.signature);
        out
    }

    /// Decodes a body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let scheme = r.u16("signature algorithm")?;
        let signature = r.vec_u16("signature")?.to_vec();
        r.expect_end("CertificateVerify")?;
        if signature.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty signature"));
        }
        Ok(Self { scheme, signature })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_round_trip_and_refuse_damage() {
        let request = CertificateRequest12 {
            certificate_types: vec![RSA_SIGN, ECDSA_SIGN],
            schemes: vec![0x0403, 0x0804],
            authorities: vec![vec![0x30, 0], vec![0x30, 1, 5]],
        };
        let body = request.encode();
        assert_eq!(CertificateRequest12::decode(&body).unwrap(), request);
        for len in 0..body.len() {
            assert!(CertificateRequest12::decode(&body[..len]).is_err());
        }
        let anyone = CertificateRequest12 {
            authorities: Vec::new(),
            ..request
        };
        assert_eq!(
            CertificateRequest12::decode(&anyone.encode()).unwrap(),
            anyone
        );
        assert!(CertificateRequest12::decode(&[0, 0, 2, 4, 3, 0, 0]).is_err());
        let verify = CertificateVerify12 {
            scheme: 0x0804,
            signature: vec![1; 256],
        };
        let body = verify.encode();
        assert_eq!(CertificateVerify12::decode(&body).unwrap(), verify);
        assert!(CertificateVerify12::decode(&body[..body.len() - 1]).is_err());
        assert!(CertificateVerify12::decode(&[8, 4, 0, 0]).is_err());
    }
}
