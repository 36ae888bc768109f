//! NewSessionTicket and KeyUpdate (RFC 8446 §4.6.1, §4.6.3).

use super::extensions::Extensions;
use super::{LenPrefix, Reader, put_vec};
use crate::tls::error::InvalidMessage;

/// The longest ticket lifetime allowed: seven days.
pub const MAX_TICKET_LIFETIME: u32 = 7 * 24 * 3600;

/// A NewSessionTicket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket {
    /// ticket_lifetime in seconds.
    pub lifetime: u32,
    /// ticket_age_add.
    pub age_add: u32,
    /// ticket_nonce.
    pub nonce: Vec<u8>,
    /// The opaque ticket (non-empty).
    pub ticket: Vec<u8>,
    /// Extensions (early_data).
    pub extensions: Extensions,
}

impl NewSessionTicket {
    /// Decodes a NewSessionTicket body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let lifetime = r.u32("ticket_lifetime")?;
        let age_add = r.u32("ticket_age_add")?;
        let nonce = r.vec_u8("ticket_nonce")?.to_vec();
        let ticket = r.vec_u16("ticket")?.to_vec();
        let extensions = Extensions::read(&mut r)?;
        r.expect_end("NewSessionTicket")?;
        if ticket.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty ticket"));
        }
        if lifetime > MAX_TICKET_LIFETIME {
            return Err(InvalidMessage::InvalidValue(
                "ticket lifetime over seven days",
            ));
        }
        Ok(Self {
            lifetime,
            age_add,
            nonce,
            ticket,
            extensions,
        })
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        put_vec(&mut out, LenPrefix::U8, &self.nonce);
        put_vec(&mut out, LenPrefix::U16, &self.ticket);
        self.extensions.encode(&mut out);
        out
    }
}

/// KeyUpdate's request_update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyUpdateRequest {
    /// update_not_requested (0).
    NotRequested,
    /// update_requested (1).
    Requested,
}

impl KeyUpdateRequest {
    /// Decodes a KeyUpdate body; any other value is illegal.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        match body {
            [0] => Ok(Self::NotRequested),
            [1] => Ok(Self::Requested),
            _ => Err(InvalidMessage::InvalidValue("request_update")),
        }
    }

    /// Encodes the body.
    pub fn encode(self) -> Vec<u8> {
        vec![match self {
            Self::NotRequested => 0,
            Self::Requested => 1,
        }]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_round_trips_and_rejects_bad_values() {
        let t = NewSessionTicket {
            lifetime: 3600,
            age_add: 7,
            nonce: vec![0],
            ticket: vec![1, 2],
            extensions: Extensions::new(),
        };
        assert_eq!(NewSessionTicket::decode(&t.encode()).unwrap(), t);
        let long = NewSessionTicket {
            lifetime: MAX_TICKET_LIFETIME + 1,
            ..t.clone()
        };
        assert!(NewSessionTicket::decode(&long.encode()).is_err());
        let empty = NewSessionTicket {
            ticket: vec![],
            ..t
        };
        assert!(NewSessionTicket::decode(&empty.encode()).is_err());
    }

    #[test]
    fn key_update_accepts_only_zero_or_one() {
        assert_eq!(
            KeyUpdateRequest::decode(&[1]),
            Ok(KeyUpdateRequest::Requested)
        );
        assert!(KeyUpdateRequest::decode(&[2]).is_err());
        assert!(KeyUpdateRequest::decode(&[0, 0]).is_err());
        assert!(KeyUpdateRequest::decode(&[]).is_err());
    }
}
