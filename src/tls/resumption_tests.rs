//! Resumption with tickets between the engine's two ends, in memory: a
//! ticket from one server resumes on another holding the same master key,
//! and a foreign or damaged ticket falls back to a full handshake.

use std::sync::Arc;

use super::Event;
use super::config::{ClientConfig, ServerConfig};
use super::connection::Connection;
use super::resumption::ClientSession;
use super::tests::{client_config, connect, events, exchange, pump, server_config};
use super::ticket_keys::{MASTER_KEY_LEN, TicketKeys};

pub(super) fn ticketing_server(master: u8) -> ServerConfig {
    ServerConfig {
        tickets: Some(Arc::new(
            TicketKeys::new(&[master; MASTER_KEY_LEN], 3600).unwrap(),
        )),
        ..server_config("ecdsa")
    }
}

/// A full handshake, then the session of the ticket it brought.
pub(super) fn first_session(master: u8) -> ClientSession {
    let (mut c, mut s) = connect(client_config(), ticketing_server(master));
    exchange(&mut c, &mut s, b"first");
    assert!(events(&mut c).contains(&Event::TicketReceived));
    assert!(!c.negotiated().resumed);
    c.client_session().expect("a ticket arrived")
}

fn resume(session: ClientSession, master: u8) -> (Connection, Connection) {
    let client = ClientConfig {
        resume: Some(session),
        ..client_config()
    };
    connect(client, ticketing_server(master))
}

#[test]
fn a_ticket_resumes_on_any_server_of_the_farm() {
    let session = first_session(1);
    // Another server process, same master key.
    let (mut c, mut s) = resume(session, 1);
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    assert!(s.negotiated().psk_identity.is_none(), "not an external PSK");
    let peer = c
        .negotiated()
        .peer
        .as_ref()
        .expect("the original server's chain");
    assert_eq!(
        peer.verification,
        super::Verification::Verified,
        "checked again"
    );
    exchange(&mut c, &mut s, b"resumed");
    // The resumed session brought a new ticket, which resumes in turn.
    pump(&mut c, &mut s).unwrap();
    let again = c.client_session().expect("a fresh ticket");
    let (c2, _) = resume(again, 1);
    assert!(c2.negotiated().resumed);
}

#[test]
fn a_foreign_or_damaged_ticket_falls_back_to_a_full_handshake() {
    let session = first_session(1);
    let (c, s) = resume(session.clone(), 2);
    assert!(!c.negotiated().resumed && !s.negotiated().resumed);
    assert!(c.negotiated().peer.is_some(), "certificates again");

    let mut damaged = session.clone();
    let last = damaged.ticket.len() - 1;
    damaged.ticket[last] ^= 1;
    let (c, _) = resume(damaged, 1);
    assert!(!c.negotiated().resumed);

    let mut truncated = session;
    truncated.ticket.truncate(10);
    let (c, _) = resume(truncated, 1);
    assert!(!c.negotiated().resumed);
}

#[test]
fn servers_without_ticket_keys_send_no_tickets() {
    let (mut c, mut s) = connect(client_config(), server_config("ecdsa"));
    exchange(&mut c, &mut s, b"no tickets");
    assert!(!events(&mut c).contains(&Event::TicketReceived));
    assert!(c.client_session().is_none());
}

#[test]
fn a_server_sends_more_tickets_on_request_and_they_resume() {
    let server = ServerConfig {
        tickets_per_handshake: 0,
        ..ticketing_server(3)
    };
    let (mut c, mut s) = connect(client_config(), server);
    exchange(&mut c, &mut s, b"none yet");
    assert!(c.client_session().is_none());
    s.send_tickets(2).unwrap();
    pump(&mut c, &mut s).unwrap();
    let tickets = events(&mut c)
        .iter()
        .filter(|e| **e == Event::TicketReceived)
        .count();
    assert_eq!(tickets, 2);
    let (c2, s2) = resume(c.client_session().expect("a ticket"), 3);
    assert!(c2.negotiated().resumed && s2.negotiated().resumption_requested);
    // Only a server after its handshake sends tickets.
    assert!(c.send_tickets(1).is_err());
}

#[test]
fn a_foreign_ticket_is_no_resumption_request() {
    let session = first_session(4);
    let (_, s) = resume(session, 5);
    assert!(!s.negotiated().resumption_requested && !s.negotiated().resumed);
}

#[test]
fn a_ticket_resumes_when_the_client_now_prefers_another_hash() {
    use super::suites::CipherSuite;
    let first = ClientConfig {
        suites: vec![CipherSuite::Aes128GcmSha256],
        ..client_config()
    };
    let (mut c, mut s) = connect(first, ticketing_server(1));
    exchange(&mut c, &mut s, b"first");
    let session = c.client_session().expect("a ticket arrived");
    let client = ClientConfig {
        suites: vec![CipherSuite::Aes256GcmSha384, CipherSuite::Aes128GcmSha256],
        resume: Some(session),
        ..client_config()
    };
    let (c, s2) = connect(client, ticketing_server(1));
    assert!(c.negotiated().resumed && s2.negotiated().resumed);
    assert_eq!(c.negotiated().suite, Some(CipherSuite::Aes128GcmSha256));
    assert_eq!(s2.negotiated().session_id, s.negotiated().session_id);
}

#[test]
fn a_ticket_sent_after_post_handshake_authentication_resumes_the_client_certificate() {
    use super::tests::certified;
    let client = ClientConfig {
        post_handshake_auth: true,
        certificate: Some(certified("client", "ed25519")),
        ..client_config()
    };
    let server = ServerConfig {
        tickets_per_handshake: 0,
        ..ticketing_server(6)
    };
    let (mut c, mut s) = connect(client, server);
    s.request_client_auth(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    c.answer_certificate_request(None).unwrap();
    pump(&mut c, &mut s).unwrap();
    let proven = s.negotiated().peer.clone().expect("the stepped-up chain");
    s.send_tickets(1).unwrap();
    pump(&mut c, &mut s).unwrap();
    let (c2, s2) = resume(c.client_session().expect("a ticket"), 6);
    assert!(c2.negotiated().resumed && s2.negotiated().resumed);
    let resumed = s2.negotiated().peer.clone().expect("the ticket's chain");
    assert_eq!(resumed.chain, proven.chain);
}

#[test]
fn a_resumption_sends_the_original_legacy_session_id_again() {
    let (mut c, mut s) = connect(client_config(), ticketing_server(7));
    exchange(&mut c, &mut s, b"first");
    let original = s.negotiated().session_id.clone();
    assert_eq!(original.len(), 32, "middlebox compatibility mode");
    let (c2, s2) = resume(c.client_session().expect("a ticket"), 7);
    assert!(c2.negotiated().resumed);
    assert_eq!(s2.negotiated().session_id, original);
}
