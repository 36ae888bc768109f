//! What a resumption needs, on each side, as bytes: the state a server seals
//! into a ticket, and the session a client keeps (what
//! `gnutls_session_get_data2` hands out and `gnutls_session_set_data` takes
//! back). Both are versioned and decoded strictly: anything malformed is
//! `None`, so a damaged ticket or session means a full handshake.

use super::codec::{LenPrefix, Reader, with_len};
use super::suites::CipherSuite;
use zeroize::Zeroizing;

const SERVER_STATE_V1: u8 = 1;
const CLIENT_SESSION_V1: u8 = 0x81;

/// What the server needs to accept a ticket (sealed inside it). Its PSK
/// is wiped on drop and left out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerTicketState {
    /// The suite of the original session (its hash must match on resumption).
    pub suite: CipherSuite,
    /// The resumption PSK of this ticket (RFC 8446 §4.6.1).
    pub psk: Zeroizing<Vec<u8>>,
    /// When it was issued, in seconds since the epoch.
    pub issued_at: u64,
    /// ticket_lifetime, in seconds.
    pub lifetime: u32,
    /// ticket_age_add.
    pub age_add: u32,
    /// The server name the client asked for, to refuse cross-name resumption.
    pub server_name: Option<String>,
    /// The client's certificate chain from the original session (DER), so a
    /// resumed session still knows who the client proved to be.
    pub client_chain: Vec<Vec<u8>>,
    /// The session's own id (see `Negotiated::persistent_id`).
    pub persistent_id: Vec<u8>,
    /// The external PSK identity of the original handshake.
    pub psk_identity: Option<Vec<u8>>,
}

/// What a client keeps to resume. Its PSK is wiped on drop and left out
/// of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientSession {
    /// The suite of the original session.
    pub suite: CipherSuite,
    /// The resumption PSK.
    pub psk: Zeroizing<Vec<u8>>,
    /// The opaque ticket to send back.
    pub ticket: Vec<u8>,
    /// When the ticket arrived, in milliseconds since the epoch.
    pub received_at_ms: u64,
    /// ticket_lifetime, in seconds.
    pub lifetime: u32,
    /// ticket_age_add.
    pub age_add: u32,
    /// The server name of the original session.
    pub server_name: Option<String>,
    /// The server's certificate chain from the original session (DER).
    pub server_chain: Vec<Vec<u8>>,
    /// The legacy session id the original ClientHello carried: a
    /// resumption sends it again, as GnuTLS does, so a server sees one id
    /// across the session's connections.
    pub session_id: Vec<u8>,
    /// The external PSK identity of the original handshake.
    pub psk_identity: Option<Vec<u8>>,
}

pub(crate) fn put_chain(out: &mut Vec<u8>, chain: &[Vec<u8>]) {
    with_len(out, LenPrefix::U24, |out| {
        for cert in chain {
            with_len(out, LenPrefix::U24, |out| out.extend_from_slice(cert));
        }
    });
}

pub(crate) fn read_chain(r: &mut Reader<'_>) -> Option<Vec<Vec<u8>>> {
    let mut list = Reader::new(r.vec_u24("chain").ok()?);
    let mut chain = Vec::new();
    while !list.is_empty() {
        chain.push(list.vec_u24("certificate").ok()?.to_vec());
    }
    Some(chain)
}

pub(crate) fn put_name(out: &mut Vec<u8>, name: Option<&str>) {
    with_len(out, LenPrefix::U16, |out| {
        out.extend_from_slice(name.unwrap_or("").as_bytes())
    });
}

pub(crate) fn read_name(r: &mut Reader<'_>) -> Option<Option<String>> {
    let raw = r.vec_u16("server name").ok()?;
    let name = std::str::from_utf8(raw).ok()?;
    Some((!name.is_empty()).then(|| name.to_owned()))
}

/// An optional external PSK identity: a presence byte, then the bytes.
pub(crate) fn put_identity(out: &mut Vec<u8>, identity: Option<&[u8]>) {
    out.push(u8::from(identity.is_some()));
    with_len(out, LenPrefix::U16, |out| {
        out.extend_from_slice(identity.unwrap_or_default())
    });
}

pub(crate) fn read_identity(r: &mut Reader<'_>) -> Option<Option<Vec<u8>>> {
    let present = r.u8("psk identity present").ok()?;
    let identity = r.vec_u16("psk identity").ok()?.to_vec();
    match present {
        0 if identity.is_empty() => Some(None),
        1 => Some(Some(identity)),
        _ => None,
    }
}

pub(crate) fn read_u64(r: &mut Reader<'_>) -> Option<u64> {
    let hi = r.u32("time").ok()?;
    let lo = r.u32("time").ok()?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

fn read_suite(r: &mut Reader<'_>) -> Option<CipherSuite> {
    CipherSuite::from_u16(r.u16("suite").ok()?)
}

impl std::fmt::Debug for ServerTicketState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTicketState")
            .field("suite", &self.suite)
            .field("psk", &"<secret>")
            .field("issued_at", &self.issued_at)
            .field("lifetime", &self.lifetime)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for ClientSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientSession")
            .field("suite", &self.suite)
            .field("psk", &"<secret>")
            .field("received_at_ms", &self.received_at_ms)
            .field("lifetime", &self.lifetime)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// Room for an encoding (so the buffer holding the PSK never grows, which
/// would free a copy of it unwiped).
pub(crate) fn room(psk: &[u8], name: Option<&str>, chain: &[Vec<u8>], ticket: &[u8]) -> usize {
    128 + psk.len()
        + name.map_or(0, str::len)
        + ticket.len()
        + chain.iter().map(|c| c.len() + 3).sum::<usize>()
}

impl ServerTicketState {
    fn encoded_len(&self) -> usize {
        room(
            &self.psk,
            self.server_name.as_deref(),
            &self.client_chain,
            self.psk_identity.as_deref().unwrap_or_default(),
        )
    }

    /// The bytes to seal.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.encoded_len()));
        out.push(SERVER_STATE_V1);
        out.extend_from_slice(&self.suite.to_u16().to_be_bytes());
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.psk)
        });
        out.extend_from_slice(&self.issued_at.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        put_name(&mut out, self.server_name.as_deref());
        put_chain(&mut out, &self.client_chain);
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.persistent_id)
        });
        put_identity(&mut out, self.psk_identity.as_deref());
        out
    }

    /// Decodes opened ticket bytes.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        (r.u8("version").ok()? == SERVER_STATE_V1).then_some(())?;
        let state = Self {
            suite: read_suite(&mut r)?,
            psk: Zeroizing::new(r.vec_u8("psk").ok()?.to_vec()),
            issued_at: read_u64(&mut r)?,
            lifetime: r.u32("lifetime").ok()?,
            age_add: r.u32("age_add").ok()?,
            server_name: read_name(&mut r)?,
            client_chain: read_chain(&mut r)?,
            persistent_id: r.vec_u8("persistent id").ok()?.to_vec(),
            psk_identity: read_identity(&mut r)?,
        };
        r.expect_end("ticket state").ok()?;
        (!state.psk.is_empty()).then_some(state)
    }
}

impl ClientSession {
    fn encoded_len(&self) -> usize {
        room(
            &self.psk,
            self.server_name.as_deref(),
            &self.server_chain,
            &self.ticket,
        ) + self.psk_identity.as_ref().map_or(0, Vec::len)
    }

    /// The session as bytes for the application to store.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.encoded_len()));
        out.push(CLIENT_SESSION_V1);
        out.extend_from_slice(&self.suite.to_u16().to_be_bytes());
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.psk)
        });
        with_len(&mut out, LenPrefix::U16, |out| {
            out.extend_from_slice(&self.ticket)
        });
        out.extend_from_slice(&self.received_at_ms.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        out.extend_from_slice(&self.age_add.to_be_bytes());
        put_name(&mut out, self.server_name.as_deref());
        put_chain(&mut out, &self.server_chain);
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.session_id)
        });
        put_identity(&mut out, self.psk_identity.as_deref());
        out
    }

    /// Decodes what `encode` made; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        (r.u8("version").ok()? == CLIENT_SESSION_V1).then_some(())?;
        let session = Self {
            suite: read_suite(&mut r)?,
            psk: Zeroizing::new(r.vec_u8("psk").ok()?.to_vec()),
            ticket: r.vec_u16("ticket").ok()?.to_vec(),
            received_at_ms: read_u64(&mut r)?,
            lifetime: r.u32("lifetime").ok()?,
            age_add: r.u32("age_add").ok()?,
            server_name: read_name(&mut r)?,
            server_chain: read_chain(&mut r)?,
            session_id: r.vec_u8("session id").ok()?.to_vec(),
            psk_identity: read_identity(&mut r)?,
        };
        r.expect_end("client session").ok()?;
        (!session.psk.is_empty() && !session.ticket.is_empty()).then_some(session)
    }

    /// The obfuscated ticket age to send at `now_ms` (RFC 8446 §4.2.11.1),
    /// or `None` once the ticket's lifetime is over.
    pub fn obfuscated_age(&self, now_ms: u64) -> Option<u32> {
        let age = now_ms.checked_sub(self.received_at_ms)?;
        if age / 1000 >= u64::from(self.lifetime) {
            return None;
        }
        Some(u32::try_from(age).ok()?.wrapping_add(self.age_add))
    }
}

/// A session a client keeps, of either version: what
/// `gnutls_session_get_data2` hands out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedSession {
    /// A TLS 1.3 ticket's session.
    Tls13(ClientSession),
    /// A TLS 1.2 ticket's session.
    Tls12(crate::tls::tls12::session::Session12),
}

impl SavedSession {
    /// The session as bytes; the first byte tells the version.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Self::Tls13(s) => s.encode(),
            Self::Tls12(s) => s.encode(),
        }
    }

    /// Decodes what `encode` made; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        match bytes.first()? {
            &CLIENT_SESSION_V1 => ClientSession::decode(bytes).map(Self::Tls13),
            _ => crate::tls::tls12::session::Session12::decode(bytes).map(Self::Tls12),
        }
    }

    /// Whether `bytes` claim to be a session stepup encoded (they may be
    /// damaged).
    pub fn is_ours(bytes: &[u8]) -> bool {
        matches!(
            bytes.first(),
            Some(&CLIENT_SESSION_V1 | &crate::tls::tls12::session::CLIENT_SESSION_V2)
        )
    }

    /// When the session was saved and when its ticket expires, in seconds
    /// since the epoch.
    pub fn times(&self) -> (u64, u64) {
        let (received_ms, lifetime) = match self {
            Self::Tls13(s) => (s.received_at_ms, s.lifetime),
            Self::Tls12(s) => (s.received_at_ms, s.lifetime),
        };
        let saved = received_ms / 1000;
        (saved, saved + u64::from(lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server_state() -> ServerTicketState {
        ServerTicketState {
            suite: CipherSuite::Aes256GcmSha384,
            psk: Zeroizing::new(vec![7; 48]),
            issued_at: 1_800_000_000,
            lifetime: 21_600,
            age_add: 0xdead_beef,
            server_name: Some("localhost".into()),
            client_chain: vec![vec![1, 2, 3], vec![4]],
            persistent_id: vec![9; 32],
            psk_identity: Some(b"alice".to_vec()),
        }
    }

    fn client_session() -> ClientSession {
        ClientSession {
            suite: CipherSuite::Aes128GcmSha256,
            psk: Zeroizing::new(vec![9; 32]),
            ticket: vec![5; 100],
            received_at_ms: 1_800_000_000_000,
            lifetime: 60,
            age_add: u32::MAX,
            server_name: None,
            server_chain: vec![vec![8; 10]],
            session_id: vec![3; 32],
            psk_identity: None,
        }
    }

    #[test]
    fn states_and_sessions_round_trip() {
        assert_eq!(
            ServerTicketState::decode(&server_state().encode()),
            Some(server_state())
        );
        assert_eq!(
            ClientSession::decode(&client_session().encode()),
            Some(client_session())
        );
    }

    #[test]
    fn damaged_bytes_decode_to_nothing() {
        for bytes in [server_state().encode(), client_session().encode()] {
            for len in 0..bytes.len() {
                assert!(ServerTicketState::decode(&bytes[..len]).is_none());
                assert!(ClientSession::decode(&bytes[..len]).is_none());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(ServerTicketState::decode(&longer).is_none());
            assert!(ClientSession::decode(&longer).is_none());
        }
        // Each kind refuses the other's bytes.
        assert!(ClientSession::decode(&server_state().encode()).is_none());
        assert!(ServerTicketState::decode(&client_session().encode()).is_none());
    }

    #[test]
    fn ticket_age_is_obfuscated_and_expires() {
        let s = client_session();
        assert_eq!(s.obfuscated_age(s.received_at_ms + 1500), Some(1499));
        assert_eq!(
            s.obfuscated_age(s.received_at_ms + 60_000),
            None,
            "lifetime over"
        );
        assert_eq!(
            s.obfuscated_age(s.received_at_ms - 1),
            None,
            "clock went back"
        );
    }
}
