//! The pre_shared_key and psk_key_exchange_modes extensions (RFC 8446
//! §4.2.9, §4.2.11).

use super::{LenPrefix, Reader, put_u16, with_len};
use crate::tls::error::InvalidMessage;

/// psk_ke: the PSK alone (no (EC)DHE, no forward secrecy).
pub const PSK_KE: u8 = 0;
/// psk_dhe_ke: the PSK with an (EC)DHE exchange.
pub const PSK_DHE_KE: u8 = 1;

/// One PskIdentity of a ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskIdentity {
    /// The identity: a user name for an external PSK, a ticket for resumption.
    pub identity: Vec<u8>,
    /// obfuscated_ticket_age (0 for external PSKs).
    pub obfuscated_ticket_age: u32,
}

/// The client's pre_shared_key: identities, and one binder each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferedPsks {
    /// The identities offered, in preference order.
    pub identities: Vec<PskIdentity>,
    /// One binder per identity, in the same order.
    pub binders: Vec<Vec<u8>>,
}

impl OfferedPsks {
    /// Decodes the extension body; every list is non-empty and there are as
    /// many binders as identities.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let mut ids = Reader::new(r.vec_u16("psk identities")?);
        let mut identities = Vec::new();
        while !ids.is_empty() {
            let identity = ids.vec_u16("psk identity")?;
            if identity.is_empty() {
                return Err(InvalidMessage::InvalidValue("empty psk identity"));
            }
            identities.push(PskIdentity {
                identity: identity.to_vec(),
                obfuscated_ticket_age: ids.u32("obfuscated_ticket_age")?,
            });
        }
        let mut list = Reader::new(r.vec_u16("psk binders")?);
        let mut binders = Vec::new();
        while !list.is_empty() {
            let binder = list.vec_u8("psk binder")?;
            if binder.len() < 32 {
                return Err(InvalidMessage::InvalidValue(
                    "psk binder shorter than 32 bytes",
                ));
            }
            binders.push(binder.to_vec());
        }
        r.expect_end("pre_shared_key")?;
        if identities.is_empty() || identities.len() != binders.len() {
            return Err(InvalidMessage::InvalidValue(
                "psk identities and binders differ in number",
            ));
        }
        Ok(Self {
            identities,
            binders,
        })
    }

    /// Encodes the extension body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        with_len(&mut out, LenPrefix::U16, |out| {
            for id in &self.identities {
                with_len(out, LenPrefix::U16, |out| {
                    out.extend_from_slice(&id.identity)
                });
                out.extend_from_slice(&id.obfuscated_ticket_age.to_be_bytes());
            }
        });
        out.extend_from_slice(&self.binders_encoding());
        out
    }

    /// The encoded binders list: what follows the "truncated" ClientHello
    /// the binders are computed over (RFC 8446 §4.2.11.2).
    pub fn binders_encoding(&self) -> Vec<u8> {
        let mut out = Vec::new();
        with_len(&mut out, LenPrefix::U16, |out| {
            for binder in &self.binders {
                with_len(out, LenPrefix::U8, |out| out.extend_from_slice(binder));
            }
        });
        out
    }
}

/// The server's pre_shared_key: the index of the identity it chose.
pub fn decode_selected(body: &[u8]) -> Result<u16, InvalidMessage> {
    let mut r = Reader::new(body);
    let index = r.u16("selected_identity")?;
    r.expect_end("pre_shared_key")?;
    Ok(index)
}

/// Encodes the server's pre_shared_key.
pub fn encode_selected(index: u16) -> Vec<u8> {
    let mut out = Vec::new();
    put_u16(&mut out, index);
    out
}

/// Decodes psk_key_exchange_modes (a non-empty list of modes).
pub fn decode_modes(body: &[u8]) -> Result<Vec<u8>, InvalidMessage> {
    let mut r = Reader::new(body);
    let modes = r.vec_u8("psk_key_exchange_modes")?.to_vec();
    r.expect_end("psk_key_exchange_modes")?;
    if modes.is_empty() {
        return Err(InvalidMessage::InvalidValue("no psk key exchange mode"));
    }
    Ok(modes)
}

/// Encodes psk_key_exchange_modes.
pub fn encode_modes(modes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U8, |out| out.extend_from_slice(modes));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer() -> OfferedPsks {
        OfferedPsks {
            identities: vec![
                PskIdentity {
                    identity: b"alice".to_vec(),
                    obfuscated_ticket_age: 0,
                },
                PskIdentity {
                    identity: vec![9; 100],
                    obfuscated_ticket_age: 0x0102_0304,
                },
            ],
            binders: vec![vec![1; 32], vec![2; 48]],
        }
    }

    #[test]
    fn offers_round_trip_and_end_with_their_binders() {
        let wire = offer().encode();
        assert_eq!(OfferedPsks::decode(&wire).unwrap(), offer());
        assert!(wire.ends_with(&offer().binders_encoding()));
        assert_eq!(offer().binders_encoding().len(), 2 + 33 + 49);
    }

    #[test]
    fn malformed_offers_are_rejected_not_trusted() {
        let wire = offer().encode();
        for len in 0..wire.len() {
            assert!(
                OfferedPsks::decode(&wire[..len]).is_err(),
                "truncated to {len}"
            );
        }
        let mut one_binder = offer();
        one_binder.binders.pop();
        assert!(OfferedPsks::decode(&one_binder.encode()).is_err());
        let mut short = offer();
        short.binders[0] = vec![1; 31];
        assert!(OfferedPsks::decode(&short.encode()).is_err());
        let mut trailing = wire.clone();
        trailing.push(0);
        assert!(OfferedPsks::decode(&trailing).is_err());
    }

    #[test]
    fn selected_identity_and_modes_round_trip() {
        assert_eq!(decode_selected(&encode_selected(1)).unwrap(), 1);
        assert!(decode_selected(&[0]).is_err());
        assert_eq!(
            decode_modes(&encode_modes(&[PSK_DHE_KE, PSK_KE])).unwrap(),
            [1, 0]
        );
        assert!(decode_modes(&[0]).is_err());
    }
}
