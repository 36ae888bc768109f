//! TLS 1.2 resumption with session tickets (RFC 5077): the NewSessionTicket
//! message, the state a server seals into a ticket, and the session a
//! client keeps. The state is sealed with the same ticket keys as TLS 1.3's
//! and told apart by its first byte, so a server farm resumes both versions
//! with one key, and a ticket of one version never resumes the other.

use zeroize::Zeroizing;

use super::suites::Tls12Suite;
use crate::crypto::kx::KxGroup;
use crate::tls::codec::{LenPrefix, Reader, put_vec, with_len};
use crate::tls::error::InvalidMessage;
use crate::tls::resumption::{
    put_chain, put_identity, put_name, read_chain, read_identity, read_name, read_u64, room,
};

/// The first byte of a sealed TLS 1.2 server state (TLS 1.3's is 1).
const SERVER_STATE_V2: u8 = 2;
/// The first byte of a TLS 1.2 client session (TLS 1.3's is 0x81).
pub const CLIENT_SESSION_V2: u8 = 0x82;
/// The length of a TLS 1.2 master secret.
const MASTER_LEN: usize = 48;
/// The lifetime a client gives a ticket whose server left it unspecified
/// (a hint of 0, RFC 5077 §3.3): GnuTLS's default session expiration.
const UNSPECIFIED_LIFETIME: u32 = 6 * 3600;

/// A TLS 1.2 NewSessionTicket (RFC 5077 §3.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSessionTicket12 {
    /// ticket_lifetime_hint, in seconds (0: unspecified).
    pub lifetime_hint: u32,
    /// The opaque ticket.
    pub ticket: Vec<u8>,
}

impl NewSessionTicket12 {
    /// The message body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = self.lifetime_hint.to_be_bytes().to_vec();
        put_vec(&mut out, LenPrefix::U16, &self.ticket);
        out
    }

    /// Decodes a body. An empty ticket is legal (the server changed its
    /// mind, RFC 5077 §3.3): it leaves nothing to resume.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let lifetime_hint = r.u32("ticket_lifetime_hint")?;
        let ticket = r.vec_u16("ticket")?.to_vec();
        r.expect_end("NewSessionTicket")?;
        Ok(Self {
            lifetime_hint,
            ticket,
        })
    }
}

/// What a TLS 1.2 server seals into a ticket. The master secret is wiped
/// on drop and left out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ServerState12 {
    /// The suite of the original session; a resumption keeps it.
    pub suite: Tls12Suite,
    /// The ECDHE group of the original session (GnuTLS reports it again
    /// on resumption); `None` for plain PSK.
    pub group: Option<KxGroup>,
    /// The (extended) master secret.
    pub master: Zeroizing<Vec<u8>>,
    /// When it was issued, in seconds since the epoch.
    pub issued_at: u64,
    /// The lifetime announced, in seconds.
    pub lifetime: u32,
    /// The server name of the original session: no cross-name resumption.
    pub server_name: Option<String>,
    /// The client's certificate chain from the original session (DER).
    pub client_chain: Vec<Vec<u8>>,
    /// The PSK identity of the original session, for a PSK suite.
    pub psk_identity: Option<Vec<u8>>,
}

/// What a TLS 1.2 client keeps to resume. The master secret is wiped on
/// drop and left out of `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct Session12 {
    /// The suite of the original session.
    pub suite: Tls12Suite,
    /// The ECDHE group of the original session; `None` for plain PSK.
    pub group: Option<KxGroup>,
    /// The (extended) master secret.
    pub master: Zeroizing<Vec<u8>>,
    /// The ticket to send back; empty for a session the server keeps by id.
    pub ticket: Vec<u8>,
    /// The session id the server gave (what a server without tickets
    /// finds the session by); may be empty with a ticket.
    pub session_id: Vec<u8>,
    /// When the ticket arrived, in milliseconds since the epoch.
    pub received_at_ms: u64,
    /// How long the ticket may be used, in seconds.
    pub lifetime: u32,
    /// The server name of the original session.
    pub server_name: Option<String>,
    /// The server's certificate chain from the original session (DER).
    pub server_chain: Vec<Vec<u8>>,
}

fn read_suite(r: &mut Reader<'_>) -> Option<Tls12Suite> {
    Tls12Suite::from_u16(r.u16("suite").ok()?)
}

fn put_group(out: &mut Vec<u8>, group: Option<KxGroup>) {
    out.extend_from_slice(
        &group
            .map_or(0, crate::tls::suites::group::to_u16)
            .to_be_bytes(),
    );
}

/// A group: 0 for none, else one we know.
fn read_group(r: &mut Reader<'_>) -> Option<Option<KxGroup>> {
    match r.u16("group").ok()? {
        0 => Some(None),
        id => crate::tls::suites::group::from_u16(id).map(Some),
    }
}

fn read_master(r: &mut Reader<'_>) -> Option<Zeroizing<Vec<u8>>> {
    let master = r.vec_u8("master secret").ok()?;
    (master.len() == MASTER_LEN).then(|| Zeroizing::new(master.to_vec()))
}

impl std::fmt::Debug for ServerState12 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerState12")
            .field("suite", &self.suite)
            .field("master", &"<secret>")
            .field("issued_at", &self.issued_at)
            .field("lifetime", &self.lifetime)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Session12 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session12")
            .field("suite", &self.suite)
            .field("master", &"<secret>")
            .field("received_at_ms", &self.received_at_ms)
            .field("lifetime", &self.lifetime)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

impl ServerState12 {
    /// The bytes to seal.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let identity = self.psk_identity.as_deref().unwrap_or_default();
        let mut out = Zeroizing::new(Vec::with_capacity(
            room(
                &self.master,
                self.server_name.as_deref(),
                &self.client_chain,
                identity,
            ) + 3,
        ));
        out.push(SERVER_STATE_V2);
        out.extend_from_slice(&self.suite.to_u16().to_be_bytes());
        put_group(&mut out, self.group);
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.master)
        });
        out.extend_from_slice(&self.issued_at.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        put_name(&mut out, self.server_name.as_deref());
        put_chain(&mut out, &self.client_chain);
        put_identity(&mut out, self.psk_identity.as_deref());
        out
    }

    /// Decodes opened ticket bytes; `None` for anything else, a TLS 1.3
    /// ticket's state included.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        (r.u8("version").ok()? == SERVER_STATE_V2).then_some(())?;
        let suite = read_suite(&mut r)?;
        let group = read_group(&mut r)?;
        let master = read_master(&mut r)?;
        let issued_at = read_u64(&mut r)?;
        let lifetime = r.u32("lifetime").ok()?;
        let server_name = read_name(&mut r)?;
        let client_chain = read_chain(&mut r)?;
        let psk_identity = read_identity(&mut r)?;
        r.expect_end("ticket state").ok()?;
        Some(Self {
            suite,
            group,
            master,
            issued_at,
            lifetime,
            server_name,
            client_chain,
            psk_identity,
        })
    }

    /// Whether the ticket is still in its lifetime at `now` (seconds).
    pub fn alive_at(&self, now: u64) -> bool {
        now.checked_sub(self.issued_at)
            .is_some_and(|age| age < u64::from(self.lifetime))
    }
}

impl Session12 {
    /// How long a ticket announced with `lifetime_hint` is kept.
    pub fn lifetime_from_hint(lifetime_hint: u32) -> u32 {
        if lifetime_hint == 0 {
            UNSPECIFIED_LIFETIME
        } else {
            lifetime_hint
        }
    }

    /// The session as bytes for the application to store.
    pub fn encode(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(
            room(
                &self.master,
                self.server_name.as_deref(),
                &self.server_chain,
                &self.ticket,
            ) + self.session_id.len(),
        ));
        out.push(CLIENT_SESSION_V2);
        out.extend_from_slice(&self.suite.to_u16().to_be_bytes());
        put_group(&mut out, self.group);
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.master)
        });
        with_len(&mut out, LenPrefix::U16, |out| {
            out.extend_from_slice(&self.ticket)
        });
        with_len(&mut out, LenPrefix::U8, |out| {
            out.extend_from_slice(&self.session_id)
        });
        out.extend_from_slice(&self.received_at_ms.to_be_bytes());
        out.extend_from_slice(&self.lifetime.to_be_bytes());
        put_name(&mut out, self.server_name.as_deref());
        put_chain(&mut out, &self.server_chain);
        out
    }

    /// Decodes what `encode` made; `None` for anything else.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let mut r = Reader::new(bytes);
        (r.u8("version").ok()? == CLIENT_SESSION_V2).then_some(())?;
        let session = Self {
            suite: read_suite(&mut r)?,
            group: read_group(&mut r)?,
            master: read_master(&mut r)?,
            ticket: r.vec_u16("ticket").ok()?.to_vec(),
            session_id: r.vec_u8("session id").ok()?.to_vec(),
            received_at_ms: read_u64(&mut r)?,
            lifetime: r.u32("lifetime").ok()?,
            server_name: read_name(&mut r)?,
            server_chain: read_chain(&mut r)?,
        };
        r.expect_end("client session").ok()?;
        let resumable = !session.ticket.is_empty() || !session.session_id.is_empty();
        (resumable && session.session_id.len() <= 32).then_some(session)
    }

    /// Whether the ticket may still be offered at `now_ms`.
    pub fn alive_at(&self, now_ms: u64) -> bool {
        now_ms
            .checked_sub(self.received_at_ms)
            .is_some_and(|age| age / 1000 < u64::from(self.lifetime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> ServerState12 {
        ServerState12 {
            suite: Tls12Suite::ALL[0],
            group: Some(KxGroup::X25519),
            master: Zeroizing::new(vec![3; 48]),
            issued_at: 1_800_000_000,
            lifetime: 3600,
            server_name: Some("localhost".into()),
            client_chain: vec![vec![1, 2], vec![3]],
            psk_identity: Some(b"alice".to_vec()),
        }
    }

    fn session() -> Session12 {
        Session12 {
            suite: Tls12Suite::ALL[1],
            group: None,
            master: Zeroizing::new(vec![4; 48]),
            ticket: vec![9; 77],
            session_id: vec![6; 32],
            received_at_ms: 1_800_000_000_000,
            lifetime: 60,
            server_name: None,
            server_chain: vec![vec![5; 20]],
        }
    }

    #[test]
    fn states_and_sessions_round_trip() {
        assert_eq!(ServerState12::decode(&state().encode()), Some(state()));
        let anonymous = ServerState12 {
            psk_identity: None,
            client_chain: Vec::new(),
            ..state()
        };
        assert_eq!(ServerState12::decode(&anonymous.encode()), Some(anonymous));
        assert_eq!(Session12::decode(&session().encode()), Some(session()));
        let by_id = Session12 {
            ticket: Vec::new(),
            ..session()
        };
        assert_eq!(Session12::decode(&by_id.encode()), Some(by_id));
        let nothing = Session12 {
            ticket: Vec::new(),
            session_id: Vec::new(),
            ..session()
        };
        assert_eq!(
            Session12::decode(&nothing.encode()),
            None,
            "nothing to resume with"
        );
    }

    #[test]
    fn damaged_bytes_and_the_other_version_decode_to_nothing() {
        for bytes in [state().encode(), session().encode()] {
            for len in 0..bytes.len() {
                assert!(ServerState12::decode(&bytes[..len]).is_none());
                assert!(Session12::decode(&bytes[..len]).is_none());
            }
            let mut longer = bytes.clone();
            longer.push(0);
            assert!(ServerState12::decode(&longer).is_none());
            assert!(Session12::decode(&longer).is_none());
        }
        let tls13 = crate::tls::resumption::ServerTicketState {
            suite: crate::tls::suites::CipherSuite::Aes128GcmSha256,
            psk: Zeroizing::new(vec![1; 32]),
            issued_at: 1,
            lifetime: 10,
            age_add: 0,
            server_name: None,
            client_chain: Vec::new(),
            persistent_id: Vec::new(),
            psk_identity: None,
        };
        assert!(ServerState12::decode(&tls13.encode()).is_none());
        assert!(crate::tls::resumption::ServerTicketState::decode(&state().encode()).is_none());
    }

    #[test]
    fn lifetimes_end() {
        let s = session();
        assert!(s.alive_at(s.received_at_ms + 59_999));
        assert!(!s.alive_at(s.received_at_ms + 60_000));
        assert!(!s.alive_at(s.received_at_ms - 1), "clock went back");
        let st = state();
        assert!(st.alive_at(st.issued_at + 3599));
        assert!(!st.alive_at(st.issued_at + 3600));
        assert_eq!(Session12::lifetime_from_hint(0), UNSPECIFIED_LIFETIME);
        assert_eq!(Session12::lifetime_from_hint(7), 7);
        let message = NewSessionTicket12 {
            lifetime_hint: 300,
            ticket: vec![1, 2, 3],
        };
        assert_eq!(NewSessionTicket12::decode(&message.encode()), Ok(message));
        assert!(NewSessionTicket12::decode(&[0, 0, 0, 1, 0, 2, 9]).is_err());
    }
}
