//! TLS 1.2 client certificates between the engine's two ends, in memory:
//! every kind of client key with both kinds of server, a required
//! certificate refused, a requested one declined, a forged
//! CertificateVerify, the authorities rule, the application's own choice,
//! and the client's chain kept across a resumption.

use std::sync::Arc;

use super::suites::Tls12Suite;
use crate::tls::alert::AlertDescription as A;
use crate::tls::config::{ClientAuth, ClientConfig, ServerConfig};
use crate::tls::connection::Connection;
use crate::tls::tests::{certified, client_config, connect, pump, server_config};
use crate::tls::ticket_keys::{MASTER_KEY_LEN, TicketKeys};
use crate::tls::{Event, Verification};

fn client12(kind: Option<&str>) -> ClientConfig {
    ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        tls13: false,
        certificate: kind.map(|k| certified("client", k)),
        ..client_config()
    }
}

fn server12(kind: &str, auth: ClientAuth) -> ServerConfig {
    ServerConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        client_auth: auth,
        ..server_config(kind)
    }
}

#[test]
fn every_client_key_with_both_kinds_of_server() {
    for server_kind in ["ecdsa", "rsa"] {
        for client_kind in ["ecdsa", "rsa", "p384"] {
            let (mut c, mut s) = connect(
                client12(Some(client_kind)),
                server12(server_kind, ClientAuth::Require),
            );
            let what = format!("{client_kind} client, {server_kind} server");
            assert_eq!(c.negotiated().version, Some(0x0303), "{what}");
            assert!(c.negotiated().certificate_requested, "{what}");
            let peer = s.negotiated().peer.clone().expect(&what);
            assert_eq!(peer.verification, Verification::Verified, "{what}");
            assert_eq!(
                Some(&peer.chain[0]),
                c.negotiated().local_certificate.as_ref(),
                "{what}"
            );
            let scheme = c.negotiated().client_signature_scheme;
            assert!(scheme.is_some(), "{what}");
            assert_eq!(scheme, s.negotiated().client_signature_scheme, "{what}");
            c.write(b"hi").unwrap();
            pump(&mut c, &mut s).unwrap();
            let mut buf = [0u8; 4];
            assert_eq!(s.read(&mut buf), 2, "{what}");
        }
    }
}

#[test]
fn eddsa_and_rsa_pss_keys_are_not_offered_as_gnutls_does_not() {
    for kind in ["ed25519", "rsa-pss"] {
        let (c, s) = connect(client12(Some(kind)), server12("ecdsa", ClientAuth::Request));
        assert!(c.negotiated().certificate_requested, "{kind}");
        assert!(s.negotiated().peer.is_none(), "{kind}");
    }
}

#[test]
fn a_required_certificate_that_does_not_come_is_fatal() {
    let mut c = Connection::client(Arc::new(client12(None)), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa", ClientAuth::Require)));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert!(
        matches!(
            err.alert(),
            Some(A::CertificateRequired | A::HandshakeFailure)
        ),
        "{err}"
    );
    assert!(s.negotiated().peer.is_none());
}

#[test]
fn a_requested_certificate_may_be_declined() {
    let (c, s) = connect(client12(None), server12("rsa", ClientAuth::Request));
    assert!(c.negotiated().certificate_requested);
    assert!(s.negotiated().peer.is_none());
    assert!(c.negotiated().local_certificate.is_none());
    // Not asked, a client with a certificate keeps it.
    let (c, s) = connect(client12(Some("ecdsa")), server12("rsa", ClientAuth::None));
    assert!(!c.negotiated().certificate_requested);
    assert!(s.negotiated().peer.is_none());
}

#[test]
fn a_forged_certificate_verify_fails() {
    let mut c = Connection::client(Arc::new(client12(Some("ecdsa"))), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa", ClientAuth::Require)));
    s.read_tls(&c.take_tls()).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    // The client's flight in plaintext records up to its change_cipher_spec:
    // flip the last byte of CertificateVerify's (type 15) signature.
    let mut flight = c.take_tls();
    let mut at = 0;
    let mut flipped = false;
    while at + 5 <= flight.len() {
        let len = usize::from(u16::from_be_bytes([flight[at + 3], flight[at + 4]]));
        let body = at + 5;
        if flight[at] == 22 && flight[body] == 15 {
            let end =
                body + 4 + (usize::from(flight[body + 2]) << 8 | usize::from(flight[body + 3]));
            flight[end - 1] ^= 1;
            flipped = true;
        }
        at = body + len;
    }
    assert!(flipped, "a CertificateVerify record");
    let err = s.read_tls(&flight).unwrap_err();
    assert_eq!(err.alert(), Some(A::DecryptError), "{err}");
}

#[test]
fn a_certificate_no_named_authority_issued_is_not_sent() {
    let server = ServerConfig {
        // An empty Name: no certificate was issued by it.
        certificate_authorities: vec![vec![0x30, 0x00]],
        ..server12("ecdsa", ClientAuth::Request)
    };
    let matching = ClientConfig {
        match_certificate_authorities: true,
        ..client12(Some("ecdsa"))
    };
    let (c, s) = connect(matching, server);
    assert!(c.negotiated().certificate_requested);
    assert!(s.negotiated().peer.is_none());
}

#[test]
fn the_application_chooses_its_certificate() {
    let choosing = ClientConfig {
        choose_certificate: true,
        ..client12(None)
    };
    let mut c = Connection::client(Arc::new(choosing), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa", ClientAuth::Require)));
    pump(&mut c, &mut s).unwrap();
    assert!(c.awaiting_certificate_choice());
    let info = c.certificate_request_info().expect("the request");
    assert!(!info.schemes.is_empty());
    c.choose_certificate(Some(certified("client", "rsa")))
        .unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(crate::tls::tests::events(&mut c).contains(&Event::HandshakeComplete));
    assert!(s.negotiated().peer.is_some());
}

#[test]
fn a_resumed_session_keeps_the_clients_chain() {
    let tickets = Arc::new(TicketKeys::new(&[5; MASTER_KEY_LEN], 3600).unwrap());
    let server = || ServerConfig {
        tickets: Some(tickets.clone()),
        ..server12("ecdsa", ClientAuth::Require)
    };
    let (mut c, mut s) = connect(client12(Some("ecdsa")), server());
    c.write(b"x").unwrap();
    pump(&mut c, &mut s).unwrap();
    let chain = s.negotiated().peer.clone().unwrap().chain;
    let Some(crate::tls::resumption::SavedSession::Tls12(session)) = c.saved_session() else {
        panic!("a TLS 1.2 session");
    };
    let (c, s) = connect(
        ClientConfig {
            resume12: Some(session),
            ..client12(Some("ecdsa"))
        },
        server(),
    );
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    let peer = s
        .negotiated()
        .peer
        .clone()
        .expect("the chain from the ticket");
    assert_eq!(peer.chain, chain);
    assert_eq!(peer.verification, Verification::Verified, "checked again");
}
