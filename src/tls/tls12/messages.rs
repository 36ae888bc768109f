//! The TLS 1.2 handshake messages TLS 1.3 does not have, or has in another
//! shape: Certificate (no request context, no per-certificate extensions),
//! ServerKeyExchange and ClientKeyExchange for ECDHE (RFC 8422 §5.4, §5.7)
//! and for the PSK key exchanges (RFC 4279 §2, RFC 5489 §2).

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

/// A PSK ServerKeyExchange: the identity hint, and for ECDHE_PSK the
/// unsigned ECDH params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskServerKeyExchange {
    /// psk_identity_hint (stepup sends it empty).
    pub hint: Vec<u8>,
    /// The ECDH params (ECDHE_PSK only).
    pub params: Option<EcdhParams>,
}

impl PskServerKeyExchange {
    /// The message body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_vec(&mut out, LenPrefix::U16, &self.hint);
        if let Some(params) = &self.params {
            out.extend_from_slice(&params.encode());
        }
        out
    }

    /// Decodes a body; `ecdhe` says whether params follow the hint.
    pub fn decode(body: &[u8], ecdhe: bool) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let hint = r.vec_u16("psk_identity_hint")?.to_vec();
        let params = if ecdhe {
            Some(EcdhParams::read(&mut r)?)
        } else {
            None
        };
        r.expect_end("ServerKeyExchange")?;
        Ok(Self { hint, params })
    }
}

/// A PSK ClientKeyExchange body: the identity, and for ECDHE_PSK the
/// client's public value.
pub fn encode_psk_client_key_exchange(identity: &[u8], public: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    put_vec(&mut out, LenPrefix::U16, identity);
    if let Some(public) = public {
        put_vec(&mut out, LenPrefix::U8, public);
    }
    out
}

/// The identity (and for ECDHE_PSK the public value) of a PSK
/// ClientKeyExchange body.
pub fn decode_psk_client_key_exchange(
    body: &[u8],
    ecdhe: bool,
) -> Result<(Vec<u8>, Option<Vec<u8>>), InvalidMessage> {
    let mut r = Reader::new(body);
    let identity = r.vec_u16("psk_identity")?.to_vec();
    let public = if ecdhe {
        let public = r.vec_u8("ecdh_Yc")?;
        if public.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty ECDH public value"));
        }
        Some(public.to_vec())
    } else {
        None
    };
    r.expect_end("ClientKeyExchange")?;
    Ok((identity, public))
}

/// The PSK key exchanges' premaster secret (RFC 4279 §2, RFC 5489 §2):
/// other_secret (N zero bytes for plain PSK, the ECDH secret for
/// ECDHE_PSK) and the PSK, each with a two-byte length.
pub fn psk_premaster(other_secret: &[u8], psk: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    let mut out = zeroize::Zeroizing::new(Vec::with_capacity(4 + other_secret.len() + psk.len()));
    put_vec(&mut out, LenPrefix::U16, other_secret);
    put_vec(&mut out, LenPrefix::U16, psk);
    out
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

    #[test]
    fn psk_messages_round_trip_and_the_premaster_has_both_parts() {
        let plain = PskServerKeyExchange {
            hint: Vec::new(),
            params: None,
        };
        assert_eq!(plain.encode(), [0, 0]);
        assert_eq!(PskServerKeyExchange::decode(&[0, 0], false).unwrap(), plain);
        assert!(
            PskServerKeyExchange::decode(&[0, 0], true).is_err(),
            "params missing"
        );
        let with_params = PskServerKeyExchange {
            hint: b"h".to_vec(),
            params: Some(EcdhParams {
                group: 0x0017,
                public: vec![4; 65],
            }),
        };
        assert_eq!(
            PskServerKeyExchange::decode(&with_params.encode(), true).unwrap(),
            with_params
        );
        let body = encode_psk_client_key_exchange(b"alice", Some(&[9; 32]));
        assert_eq!(
            decode_psk_client_key_exchange(&body, true).unwrap(),
            (b"alice".to_vec(), Some(vec![9; 32]))
        );
        assert!(
            decode_psk_client_key_exchange(&body, false).is_err(),
            "trailing bytes"
        );
        let body = encode_psk_client_key_exchange(b"alice", None);
        assert_eq!(body, [0, 5, b'a', b'l', b'i', b'c', b'e']);
        assert_eq!(*psk_premaster(&[0, 0], &[7, 7]), [0, 2, 0, 0, 0, 2, 7, 7]);
    }
}
