//! The TLS 1.2 handshake messages TLS 1.3 does not have, or has in another
//! shape: Certificate (no request context, no per-certificate extensions),
//! ServerKeyExchange and ClientKeyExchange for ECDHE (RFC 8422 §5.4, §5.7).

use crate::tls::codec::{LenPrefix, Reader, put_u16, put_vec, with_len};
use crate::tls::error::InvalidMessage;

/// ECParameters.curve_type named_curve (RFC 8422 §5.4).
const NAMED_CURVE: u8 = 3;

/// A TLS 1.2 Certificate: the chain, end-entity first.
pub fn encode_certificate(chain: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U24, |o| {
        for cert in chain {
            put_vec(o, LenPrefix::U24, cert);
        }
    });
    out
}

/// Decodes a TLS 1.2 Certificate body; every certificate is non-empty.
pub fn decode_certificate(body: &[u8]) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    let mut r = Reader::new(body);
    let mut list = Reader::new(r.vec_u24("certificate_list")?);
    r.expect_end("Certificate")?;
    let mut chain = Vec::new();
    while !list.is_empty() {
        let cert = list.vec_u24("ASN.1Cert")?;
        if cert.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty certificate"));
        }
        chain.push(cert.to_vec());
    }
    Ok(chain)
}

/// ServerECDHParams: a named group and the server's public point (or
/// X25519 key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcdhParams {
    /// The NamedGroup.
    pub group: u16,
    /// The public value.
    pub public: Vec<u8>,
}

impl EcdhParams {
    /// The encoded params: what the signature covers after the randoms.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = vec![NAMED_CURVE];
        put_u16(&mut out, self.group);
        put_vec(&mut out, LenPrefix::U8, &self.public);
        out
    }

    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        if r.u8("curve_type")? != NAMED_CURVE {
            return Err(InvalidMessage::InvalidValue("curve_type"));
        }
        let group = r.u16("namedcurve")?;
        let public = r.vec_u8("public")?;
        if public.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty ECDH public value"));
        }
        Ok(Self {
            group,
            public: public.to_vec(),
        })
    }
}

/// An ECDHE ServerKeyExchange: the params and their signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerKeyExchange {
    /// The group and public value.
    pub params: EcdhParams,
    /// The SignatureAndHashAlgorithm (SignatureScheme code point).
    pub scheme: u16,
    /// The signature over client_random + server_random + params.
    pub signature: Vec<u8>,
}

impl ServerKeyExchange {
    /// The message body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.params.encode();
        put_u16(&mut out, self.scheme);
        put_vec(&mut out, LenPrefix::U16, &self.signature);
        out
    }

    /// Decodes a body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let params = EcdhParams::read(&mut r)?;
        let scheme = r.u16("signature algorithm")?;
        let signature = r.vec_u16("signature")?.to_vec();
        r.expect_end("ServerKeyExchange")?;
        Ok(Self {
            params,
            scheme,
            signature,
        })
    }
}

/// What the ServerKeyExchange signature covers.
pub fn signed_params(client_random: &[u8; 32], server_random: &[u8; 32], params: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + params.len());
    out.extend_from_slice(client_random);
    out.extend_from_slice(server_random);
    out.extend_from_slice(params);
    out
}

/// An ECDHE ClientKeyExchange body: the client's public value.
pub fn encode_client_key_exchange(public: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_vec(&mut out, LenPrefix::U8, public);
    out
}

/// The client's public value from an ECDHE ClientKeyExchange body.
pub fn decode_client_key_exchange(body: &[u8]) -> Result<Vec<u8>, InvalidMessage> {
    let mut r = Reader::new(body);
    let public = r.vec_u8("ecdh_Yc")?;
    r.expect_end("ClientKeyExchange")?;
    if public.is_empty() {
        return Err(InvalidMessage::InvalidValue("empty ECDH public value"));
    }
    Ok(public.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificates_round_trip_and_empty_ones_are_refused() {
        let chain = vec![vec![1, 2, 3], vec![4]];
        let body = encode_certificate(&chain);
        assert_eq!(body, [0, 0, 10, 0, 0, 3, 1, 2, 3, 0, 0, 1, 4]);
        assert_eq!(decode_certificate(&body).unwrap(), chain);
        assert_eq!(
            decode_certificate(&[0, 0, 0]).unwrap(),
            Vec::<Vec<u8>>::new()
        );
        assert!(decode_certificate(&[0, 0, 3, 0, 0, 0]).is_err());
        assert!(
            decode_certificate(&[0, 0, 4, 0, 0, 1]).is_err(),
            "truncated"
        );
        assert!(decode_certificate(&[0, 0, 0, 9]).is_err(), "trailing bytes");
    }

    #[test]
    fn key_exchanges_round_trip_and_bad_ones_are_refused() {
        let ske = ServerKeyExchange {
            params: EcdhParams {
                group: 0x001d,
                public: vec![9; 32],
            },
            scheme: 0x0403,
            signature: vec![7; 70],
        };
        let body = ske.encode();
        assert_eq!(body[..4], [3, 0, 0x1d, 32]);
        assert_eq!(ServerKeyExchange::decode(&body).unwrap(), ske);
        let mut explicit = body.clone();
        explicit[0] = 1;
        assert!(
            ServerKeyExchange::decode(&explicit).is_err(),
            "explicit curves"
        );
        assert!(ServerKeyExchange::decode(&body[..body.len() - 1]).is_err());
        let cke = encode_client_key_exchange(&[5; 65]);
        assert_eq!(decode_client_key_exchange(&cke).unwrap(), vec![5; 65]);
        assert!(decode_client_key_exchange(&[0]).is_err());
        assert!(decode_client_key_exchange(&[2, 1]).is_err());
        assert!(decode_client_key_exchange(&[1, 1, 1]).is_err());
    }
}
