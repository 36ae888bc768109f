//! TLS 1.2 resumption with tickets (RFC 5077) between the engine's two
//! ends, in memory: the abbreviated handshake on any server of a farm, the
//! chain and PSK identity restored, the ticket kept (not renewed, as
//! GnuTLS), and every ticket that must not resume falling back to a full
//! handshake.

use std::sync::Arc;

use super::session::Session12;
use super::suites::Tls12Suite;
use crate::tls::config::{ClientConfig, ServerConfig};
use crate::tls::connection::Connection;
use crate::tls::resumption::SavedSession;
use crate::tls::tests::{client_config, connect, pump, server_config};
use crate::tls::ticket_keys::{MASTER_KEY_LEN, TicketKeys};
use crate::tls::{Event, Verification};

fn client12() -> ClientConfig {
    ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        tls13: false,
        ..client_config()
    }
}

fn server12(master: u8) -> ServerConfig {
    server12_with(master, "ecdsa")
}

fn server12_with(master: u8, kind: &str) -> ServerConfig {
    ServerConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        tickets: Some(Arc::new(
            TicketKeys::new(&[master; MASTER_KEY_LEN], 3600).unwrap(),
        )),
        ..server_config(kind)
    }
}

fn session_of(c: &Connection) -> Option<Session12> {
    match c.saved_session()? {
        SavedSession::Tls12(s) => Some(s),
        SavedSession::Tls13(_) => panic!("a TLS 1.3 session from a TLS 1.2 handshake"),
    }
}

fn ping(c: &mut Connection, s: &mut Connection) {
    c.write(b"ping").unwrap();
    pump(c, s).unwrap();
    let mut buf = [0u8; 8];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"ping");
    s.write(b"pong").unwrap();
    pump(c, s).unwrap();
    let n = c.read(&mut buf);
    assert_eq!(&buf[..n], b"pong");
}

fn first_session(client: ClientConfig, server: ServerConfig) -> Session12 {
    let (mut c, mut s) = connect(client, server);
    ping(&mut c, &mut s);
    assert!(!c.negotiated().resumed && !s.negotiated().resumed);
    assert!(c.negotiated().group.is_some() || c.negotiated().psk_identity.is_some());
    assert_eq!(
        c.negotiated().session_id.len(),
        32,
        "a resumable session has an id"
    );
    session_of(&c).expect("a ticket arrived")
}

fn resume(session: Session12, server: ServerConfig) -> (Connection, Connection) {
    let client = ClientConfig {
        resume12: Some(session),
        ..client12()
    };
    connect(client, server)
}

#[test]
fn a_ticket_resumes_on_any_server_of_the_farm_and_again() {
    let session = first_session(client12(), server12(1));
    let (mut c, mut s) = resume(session.clone(), server12(1));
    for conn in [&c, &s] {
        let n = conn.negotiated();
        assert!(n.resumed);
        assert_eq!(n.version, Some(0x0303));
        assert_eq!(n.tls12_suite, Some(session.suite));
        assert_eq!(n.group, session.group, "the original session's group");
        assert!(n.tls_unique.is_some());
    }
    assert_eq!(c.negotiated().tls_unique, s.negotiated().tls_unique);
    assert!(s.negotiated().resumption_requested);
    let peer = c.negotiated().peer.clone().expect("the server's chain");
    assert_eq!(peer.verification, Verification::Verified, "checked again");
    assert_eq!(peer.chain, session.server_chain);
    assert_eq!(
        c.export_keying_material(b"EXPERIMENTAL test", b"x", 32)
            .unwrap(),
        s.export_keying_material(b"EXPERIMENTAL test", b"x", 32)
            .unwrap()
    );
    ping(&mut c, &mut s);
    // No new ticket (as GnuTLS): the client keeps the one it has, which
    // resumes again.
    let kept = session_of(&c).expect("the session stays");
    assert_eq!(kept, session);
    let (c, _) = resume(kept, server12(1));
    assert!(c.negotiated().resumed);
}

#[test]
fn every_suite_resumes() {
    for suite in Tls12Suite::ALL {
        let kind = match suite.authentication() {
            super::suites::Authentication::Rsa => "rsa",
            _ => "ecdsa",
        };
        let server = || ServerConfig {
            tls12_suites: vec![suite],
            ..server12_with(1, kind)
        };
        let session = first_session(client12(), server());
        assert_eq!(session.suite, suite);
        let (mut c, mut s) = resume(session, server());
        assert!(
            c.negotiated().resumed && s.negotiated().resumed,
            "{suite:?}"
        );
        ping(&mut c, &mut s);
    }
}

#[test]
fn tickets_that_must_not_resume_fall_back_to_a_full_handshake() {
    let session = first_session(client12(), server12(1));
    let full = |c: &Connection, s: &Connection, why: &str| {
        assert!(!c.negotiated().resumed && !s.negotiated().resumed, "{why}");
        assert!(c.negotiated().peer.is_some(), "{why}: certificates again");
    };
    // Another farm's key.
    let (c, s) = resume(session.clone(), server12(2));
    full(&c, &s, "foreign key");
    assert!(
        s.negotiated().resumption_requested,
        "the session id asked (GnuTLS's report)"
    );
    // Damaged or cut short.
    let mut damaged = session.clone();
    let last = damaged.ticket.len() - 1;
    damaged.ticket[last] ^= 1;
    let (c, s) = resume(damaged, server12(1));
    full(&c, &s, "damaged");
    let mut short = session.clone();
    short.ticket.truncate(10);
    let (c, s) = resume(short, server12(1));
    full(&c, &s, "truncated");
    // The suite no longer allowed on the server.
    let other_suite = ServerConfig {
        tls12_suites: Tls12Suite::ALL
            .into_iter()
            .filter(|s| *s != session.suite)
            .collect(),
        ..server12(1)
    };
    let (c, s) = resume(session.clone(), other_suite);
    full(&c, &s, "suite withdrawn");
    // Another server name.
    let mut c = Connection::client(
        Arc::new(ClientConfig {
            resume12: Some(session.clone()),
            ..client12()
        }),
        Some("other.example"),
    )
    .unwrap();
    let mut s = Connection::server(Arc::new(server12(1)));
    let _ = pump(&mut c, &mut s);
    assert!(!s.negotiated().resumed, "another name");
    // A server that now requires a client certificate.
    let strict = ServerConfig {
        client_auth: crate::tls::config::ClientAuth::Require,
        ..server12(1)
    };
    let mut c = Connection::client(
        Arc::new(ClientConfig {
            resume12: Some(session.clone()),
            ..client12()
        }),
        Some("localhost"),
    )
    .unwrap();
    let mut s = Connection::server(Arc::new(strict));
    let _ = pump(&mut c, &mut s);
    assert!(!s.negotiated().resumed, "a certificate is now required");
    // An expired session is not even offered.
    let mut old = session;
    old.received_at_ms -= u64::from(old.lifetime) * 1000;
    let (c, s) = resume(old, server12(1));
    full(&c, &s, "expired");
    assert!(!s.negotiated().resumption_requested);
}

/// A session store in memory, counting what it is asked.
#[derive(Default)]
struct Store {
    sessions: std::sync::Mutex<std::collections::HashMap<Vec<u8>, Vec<u8>>>,
}

impl crate::tls::config::SessionStore for Store {
    fn store(&self, id: &[u8], data: &[u8]) {
        self.sessions
            .lock()
            .unwrap()
            .insert(id.to_vec(), data.to_vec());
    }
    fn retrieve(&self, id: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        self.sessions
            .lock()
            .unwrap()
            .get(id)
            .map(|d| zeroize::Zeroizing::new(d.clone()))
    }
    fn remove(&self, id: &[u8]) {
        self.sessions.lock().unwrap().remove(id);
    }
}

#[test]
fn without_tickets_a_session_store_resumes_by_session_id() {
    let store = Arc::new(Store::default());
    let server = || ServerConfig {
        tickets: None,
        session_store: Some(store.clone()),
        ..server12(1)
    };
    let session = first_session(client12(), server());
    assert!(session.ticket.is_empty(), "no ticket");
    assert_eq!(session.session_id.len(), 32);
    assert_eq!(store.sessions.lock().unwrap().len(), 1, "stored by id");
    let (mut c, mut s) = resume(session.clone(), server());
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    assert_eq!(c.negotiated().session_id, session.session_id, "echoed");
    ping(&mut c, &mut s);
    // A client with tickets off resumes the same way.
    let declining = ClientConfig {
        tls12_tickets: false,
        resume12: Some(session.clone()),
        ..client12()
    };
    let (c, _) = connect(declining, server());
    assert!(c.negotiated().resumed);
    // A server without the store, or whose store forgot it, does a full
    // handshake.
    let (c, s) = resume(
        session.clone(),
        ServerConfig {
            tickets: None,
            ..server12(1)
        },
    );
    assert!(!c.negotiated().resumed && !s.negotiated().resumed);
    store.sessions.lock().unwrap().clear();
    let (c, _) = resume(session, server());
    assert!(!c.negotiated().resumed);
}

#[test]
fn a_server_without_tickets_or_store_gives_a_session_nothing_resumes() {
    let server = ServerConfig {
        tickets: None,
        ..server12(1)
    };
    let (mut c, mut s) = connect(client12(), server);
    ping(&mut c, &mut s);
    let session = session_of(&c).expect("a session by id");
    assert!(session.ticket.is_empty());
    let (c, _) = resume(
        session,
        ServerConfig {
            tickets: None,
            ..server12(1)
        },
    );
    assert!(!c.negotiated().resumed);
    // A client that declines tickets gets none from a server with keys.
    let declining = ClientConfig {
        tls12_tickets: false,
        ..client12()
    };
    let (mut c, mut s) = connect(declining, server12(1));
    ping(&mut c, &mut s);
    assert!(session_of(&c).expect("a session by id").ticket.is_empty());
}

fn psk_ends() -> (ClientConfig, ServerConfig) {
    let client = ClientConfig {
        tls12_suites: Tls12Suite::PSK.to_vec(),
        psk: Some(crate::tls::config::ExternalPsk {
            identity: b"alice".to_vec(),
            key: zeroize::Zeroizing::new(vec![0x42; 32]),
        }),
        ..client12()
    };
    let server = ServerConfig {
        tls12_suites: Tls12Suite::PSK.to_vec(),
        psk: Some(Arc::new(|identity: &[u8]| {
            Ok((identity == b"alice").then(|| zeroize::Zeroizing::new(vec![0x42; 32])))
        })),
        ..server12(1)
    };
    (client, server)
}

#[test]
fn a_psk_session_resumes_with_its_identity() {
    let (client, server) = psk_ends();
    let session = first_session(client, server);
    let (client, server) = psk_ends();
    let (c, s) = connect(
        ClientConfig {
            resume12: Some(session),
            ..client
        },
        server,
    );
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    assert_eq!(s.negotiated().psk_identity.as_deref(), Some(&b"alice"[..]));
}

#[test]
fn a_tls12_session_offered_beside_tls13_resumes_tls12_or_gives_way() {
    let session = first_session(client12(), server12(1));
    let both = || ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        resume12: Some(session.clone()),
        ..client_config()
    };
    // A server that speaks TLS 1.3 takes it: a full TLS 1.3 handshake.
    let (c, _) = connect(both(), server12(1));
    assert_eq!(c.negotiated().version, None);
    assert!(!c.negotiated().resumed);
    // One that speaks only TLS 1.2 resumes.
    let (mut c, mut s) = connect(
        both(),
        ServerConfig {
            tls13: false,
            ..server12(1)
        },
    );
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    ping(&mut c, &mut s);
    assert!(
        crate::tls::tests::events(&mut c).contains(&Event::HandshakeComplete),
        "the handshake completed"
    );
}
