//! The engine against itself, in memory: every suite, group and key type,
//! client certificates, HelloRetryRequest, post-handshake authentication,
//! KeyUpdate, and the failures that must end a handshake.

use std::sync::Arc;

use super::alert::AlertDescription;
use super::codec::handshake::HandshakeType;
use super::config::{CertifiedKey, ClientAuth, ClientConfig, ServerConfig, VerifyPolicy};
use super::connection::Connection;
use super::error::{Error, PeerMisbehaved};
use super::suites::CipherSuite;
use super::{Event, Verification};
use crate::crypto::kx::KxGroup;
use crate::x509::verify::TrustStore;
use crate::x509::{CertificateError, pem};

pub(super) fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

pub(super) fn certified(role: &str, kind: &str) -> Arc<CertifiedKey> {
    Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture(&format!("{role}-{kind}.pem"))).unwrap(),
        key: pem::private_key(&fixture(&format!("{role}-{kind}.key"))).unwrap(),
    })
}

fn trust(ca: &str) -> Arc<TrustStore> {
    Arc::new(TrustStore::from_certificates(&pem::certificates(&fixture(ca)).unwrap()).unwrap())
}

pub(super) fn client_config() -> ClientConfig {
    ClientConfig {
        trust: Some(trust("ca.pem")),
        ..ClientConfig::default()
    }
}

pub(super) fn server_config(kind: &str) -> ServerConfig {
    ServerConfig {
        client_trust: Some(trust("ca.pem")),
        ..ServerConfig::new(certified("server", kind))
    }
}

/// Moves bytes both ways until neither side has anything to send. Returns
/// the first error either side hit.
pub(super) fn pump(client: &mut Connection, server: &mut Connection) -> Result<(), Error> {
    for _ in 0..32 {
        let to_server = client.take_tls();
        let to_client = server.take_tls();
        if to_server.is_empty() && to_client.is_empty() {
            return Ok(());
        }
        if !to_server.is_empty() {
            server.read_tls(&to_server)?;
        }
        if !to_client.is_empty() {
            client.read_tls(&to_client)?;
        }
    }
    panic!("connections did not settle");
}

pub(super) fn connect(client: ClientConfig, server: ServerConfig) -> (Connection, Connection) {
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

pub(super) fn events(conn: &mut Connection) -> Vec<Event> {
    std::iter::from_fn(|| conn.next_event()).collect()
}

pub(super) fn exchange(c: &mut Connection, s: &mut Connection, data: &[u8]) {
    c.write(data).unwrap();
    pump(c, s).unwrap();
    let mut buf = vec![0u8; data.len() + 1];
    assert_eq!(s.read(&mut buf), data.len());
    assert_eq!(&buf[..data.len()], data);
    s.write(data).unwrap();
    pump(c, s).unwrap();
    assert_eq!(c.read(&mut buf), data.len());
}

#[test]
fn handshakes_with_every_suite_group_and_key_type() {
    for suite in CipherSuite::ALL {
        for group in [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1] {
            for kind in ["rsa", "ecdsa", "ed25519", "rsa-pss"] {
                let client = ClientConfig {
                    suites: vec![suite],
                    groups: vec![group],
                    ..client_config()
                };
                let (mut c, mut s) = connect(client, server_config(kind));
                assert_eq!(c.negotiated().suite, Some(suite));
                assert_eq!(s.negotiated().group, Some(group));
                assert_eq!(
                    c.negotiated().peer.as_ref().unwrap().verification,
                    Verification::Verified
                );
                assert_eq!(s.negotiated().server_name.as_deref(), Some("localhost"));
                assert!(events(&mut c).contains(&Event::HandshakeComplete));
                exchange(&mut c, &mut s, b"ping over TLS 1.3");
            }
        }
    }
}

#[test]
fn retries_the_hello_when_the_server_wants_another_group() {
    let client = ClientConfig {
        groups: vec![KxGroup::X25519, KxGroup::Secp384r1],
        ..client_config()
    };
    let server = ServerConfig {
        groups: vec![KxGroup::Secp384r1],
        ..server_config("ecdsa")
    };
    let (mut c, mut s) = connect(client, server);
    assert!(c.negotiated().retried && s.negotiated().retried);
    assert_eq!(c.negotiated().group, Some(KxGroup::Secp384r1));
    exchange(&mut c, &mut s, b"after a retry");
}

#[test]
fn authenticates_the_client_during_the_handshake() {
    for kind in ["rsa", "ecdsa", "ed25519", "rsa-pss"] {
        let client = ClientConfig {
            certificate: Some(certified("client", kind)),
            ..client_config()
        };
        let server = ServerConfig {
            client_auth: ClientAuth::Require,
            ..server_config("ecdsa")
        };
        let (_, s) = connect(client, server);
        let peer = s.negotiated().peer.clone().unwrap();
        assert_eq!(peer.verification, Verification::Verified);
        assert_eq!(peer.chain.len(), 1);
    }
}

#[test]
fn a_required_client_certificate_that_is_missing_ends_the_handshake() {
    let server = ServerConfig {
        client_auth: ClientAuth::Require,
        ..server_config("ecdsa")
    };
    let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert_eq!(
        err,
        Error::PeerMisbehaved(PeerMisbehaved::CertificateRequired)
    );
    // The alert reaches the client.
    let alert = s.take_tls();
    assert_eq!(
        c.read_tls(&alert),
        Err(Error::AlertReceived(AlertDescription::CertificateRequired))
    );
}

#[test]
fn a_requested_client_certificate_may_be_absent() {
    let server = ServerConfig {
        client_auth: ClientAuth::Request,
        ..server_config("rsa")
    };
    let (_, s) = connect(client_config(), server);
    assert!(s.negotiated().peer.is_none());
}

#[test]
fn rejects_a_server_certificate_for_another_name_or_from_another_ca() {
    let mut c = Connection::client(Arc::new(client_config()), Some("example.org")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    assert!(matches!(
        pump(&mut c, &mut s),
        Err(Error::Certificate(CertificateError::NameMismatch))
    ));
    let other = ClientConfig {
        trust: Some(trust("other-ca.pem")),
        ..ClientConfig::default()
    };
    let mut c = Connection::client(Arc::new(other), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    assert_eq!(
        pump(&mut c, &mut s),
        Err(Error::Certificate(CertificateError::UnknownIssuer))
    );
    // Report mode: the handshake completes and the failure is reported.
    let report = ClientConfig {
        trust: Some(trust("other-ca.pem")),
        verify: VerifyPolicy::Report,
        ..ClientConfig::default()
    };
    let (c, _) = connect(report, server_config("ecdsa"));
    assert_eq!(
        c.negotiated().peer.as_ref().unwrap().verification,
        Verification::Failed(CertificateError::UnknownIssuer)
    );
}

#[test]
fn post_handshake_authentication_repeats_with_data_and_key_updates_in_flight() {
    let client = ClientConfig {
        post_handshake_auth: true,
        certificate: Some(certified("client", "ed25519")),
        ..client_config()
    };
    let (mut c, mut s) = connect(client, server_config("rsa"));
    events(&mut c);
    events(&mut s);
    assert!(s.negotiated().peer_offered_post_handshake_auth);
    assert!(s.negotiated().peer.is_none());
    for round in 0..3u8 {
        s.request_client_auth(true).unwrap();
        assert_eq!(s.client_auth_status(), (true, false));
        // Data crosses the request in both directions.
        s.write(&[round; 100]).unwrap();
        c.write(b"in flight").unwrap();
        pump(&mut c, &mut s).unwrap();
        assert!(events(&mut c).contains(&Event::CertificateRequested));
        assert!(c.has_certificate_request());
        if round == 1 {
            c.key_update(true).unwrap();
            pump(&mut c, &mut s).unwrap();
        }
        c.answer_certificate_request(None).unwrap();
        pump(&mut c, &mut s).unwrap();
        let authenticated = events(&mut s).into_iter().find_map(|e| match e {
            Event::ClientAuthenticated(identity) => Some(identity),
            _ => None,
        });
        let identity = authenticated.expect("the server reports the client's certificate");
        assert_eq!(identity.verification, Verification::Verified);
        assert_eq!(s.client_auth_status(), (false, false));
        let mut buf = [0u8; 200];
        assert_eq!(c.read(&mut buf), 100);
        assert_eq!(s.read(&mut buf), 9);
    }
    exchange(&mut c, &mut s, b"still talking");
}

#[test]
fn post_handshake_authentication_with_an_empty_answer() {
    let client = ClientConfig {
        post_handshake_auth: true,
        ..client_config()
    };
    let (mut c, mut s) = connect(client, server_config("ecdsa"));
    // REQUEST: an empty Certificate is an answer.
    s.request_client_auth(false).unwrap();
    pump(&mut c, &mut s).unwrap();
    c.answer_certificate_request(None).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(
        events(&mut s)
            .iter()
            .any(|e| matches!(e, Event::ClientAuthenticated(id) if id.chain.is_empty()))
    );
    // REQUIRE: it ends the connection with certificate_required.
    s.request_client_auth(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    c.answer_certificate_request(None).unwrap();
    assert_eq!(
        pump(&mut c, &mut s),
        Err(Error::PeerMisbehaved(PeerMisbehaved::CertificateRequired))
    );
}

#[test]
fn post_handshake_authentication_needs_the_clients_offer() {
    let (_, mut s) = connect(client_config(), server_config("ecdsa"));
    assert!(matches!(
        s.request_client_auth(false),
        Err(Error::ApiMisuse(_))
    ));
    // Misuse does not end the connection.
    assert!(s.error().is_none());
}

#[test]
fn key_updates_both_ways() {
    let (mut c, mut s) = connect(client_config(), server_config("ecdsa"));
    for _ in 0..3 {
        c.key_update(true).unwrap();
        pump(&mut c, &mut s).unwrap();
        exchange(&mut c, &mut s, b"after update");
        s.key_update(false).unwrap();
        exchange(&mut c, &mut s, b"after update 2");
    }
    assert!(events(&mut s).contains(&Event::PeerKeyUpdated));
}

#[test]
fn both_sides_log_the_same_secrets_and_export_the_same_keys() {
    use std::sync::Mutex;
    let logger = |lines: Arc<Mutex<Vec<String>>>| -> crate::tls::config::KeyLog {
        Arc::new(move |label: &str, random: &[u8], secret: &[u8]| {
            lines
                .lock()
                .unwrap()
                .push(format!("{label} {} {}", hex(random), hex(secret)));
        })
    };
    let (client_lines, server_lines) = (
        Arc::new(Mutex::new(Vec::new())),
        Arc::new(Mutex::new(Vec::new())),
    );
    let client = ClientConfig {
        key_log: Some(logger(client_lines.clone())),
        ..client_config()
    };
    let server = ServerConfig {
        key_log: Some(logger(server_lines.clone())),
        ..server_config("ecdsa")
    };
    let (c, s) = connect(client, server);
    let (mut a, mut b) = (
        client_lines.lock().unwrap().clone(),
        server_lines.lock().unwrap().clone(),
    );
    a.sort();
    b.sort();
    assert_eq!(a.len(), 5);
    assert_eq!(a, b);
    let ours = c
        .export_keying_material(b"EXPERIMENTAL test", b"ctx", 32)
        .unwrap();
    assert_eq!(
        ours,
        s.export_keying_material(b"EXPERIMENTAL test", b"ctx", 32)
            .unwrap()
    );
    assert_ne!(
        ours,
        c.export_keying_material(b"EXPERIMENTAL other", b"ctx", 32)
            .unwrap()
    );
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn records_respect_the_peers_record_size_limit() {
    let client = ClientConfig {
        record_size_limit: 256,
        ..client_config()
    };
    let server = ServerConfig {
        record_size_limit: 1000,
        ..server_config("ecdsa")
    };
    let (mut c, mut s) = connect(client, server);
    s.write(&[7u8; 2000]).unwrap();
    let wire = s.take_tls();
    // Every protected record: 5-byte header, at most 255 bytes of data, the type byte, a 16-byte tag.
    let mut at = 0;
    let mut records = 0;
    while at < wire.len() {
        let len = usize::from(u16::from_be_bytes([wire[at + 3], wire[at + 4]]));
        assert!(len <= 255 + 1 + 16, "record of {len} bytes");
        at += 5 + len;
        records += 1;
    }
    assert!(records >= 8);
    c.read_tls(&wire).unwrap();
    let mut buf = [0u8; 4000];
    assert_eq!(c.read(&mut buf), 2000);
    // And the client honours the server's 1000.
    c.write(&[1u8; 3000]).unwrap();
    let wire = c.take_tls();
    assert!(
        wire.len() > 3000 + 3 * (5 + 17),
        "split into at least four records"
    );
    s.read_tls(&wire).unwrap();
}

#[test]
fn close_notify_is_reported() {
    let (mut c, mut s) = connect(client_config(), server_config("ecdsa"));
    c.close();
    pump(&mut c, &mut s).unwrap();
    assert!(s.peer_closed());
    assert!(matches!(c.write(b"x"), Err(Error::ApiMisuse(_))));
}

#[test]
fn a_tampered_flight_fails_and_poisons_the_connection() {
    let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    s.read_tls(&c.take_tls()).unwrap();
    let mut flight = s.take_tls();
    let last = flight.len() - 20;
    flight[last] ^= 0x40;
    assert_eq!(c.read_tls(&flight), Err(Error::BadRecordMac));
    assert_eq!(
        c.read_tls(&[]),
        Err(Error::BadRecordMac),
        "the error sticks"
    );
    assert!(c.wants_write(), "a bad_record_mac alert is queued");
}

#[test]
fn pauses_after_the_servers_signature_until_the_application_decides() {
    let client = ClientConfig {
        pause_after_peer_signature: true,
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    pump(&mut c, &mut s).unwrap();
    assert!(c.awaiting_peer_check() && c.is_handshaking() && s.is_handshaking());
    // Under check, not proven: the server's Finished is still to come.
    assert!(c.negotiated().peer_under_check.is_some());
    assert!(c.negotiated().peer.is_none());
    assert_eq!(
        c.negotiated().server_signature_scheme,
        Some(crate::crypto::sign::scheme::ECDSA_SECP256R1_SHA256)
    );
    c.resume_after_peer_check(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
    assert!(c.negotiated().peer.is_some() && c.negotiated().peer_under_check.is_none());
    exchange(&mut c, &mut s, b"after the check");
}

#[test]
fn a_refused_peer_check_fails_without_an_alert() {
    let client = ClientConfig {
        pause_after_peer_signature: true,
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    pump(&mut c, &mut s).unwrap();
    assert!(matches!(
        c.resume_after_peer_check(false),
        Err(Error::Certificate(CertificateError::Rejected))
    ));
    assert!(c.take_tls().is_empty());
    assert!(c.resume_after_peer_check(true).is_err());
}

#[test]
fn pauses_after_a_client_signature_and_remembers_the_last_alert() {
    let server = ServerConfig {
        client_auth: ClientAuth::Require,
        pause_after_peer_signature: true,
        ..server_config("ecdsa")
    };
    let client = ClientConfig {
        certificate: Some(certified("client", "ecdsa")),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    pump(&mut c, &mut s).unwrap();
    assert!(s.awaiting_peer_check() && !c.awaiting_peer_check());
    s.resume_after_peer_check(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(!s.is_handshaking());
    assert_eq!(s.last_alert_received(), None);
    c.close();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(s.last_alert_received(), Some(AlertDescription::CloseNotify));
}

/// Splits TLS records: (header and body) of each whole record in `bytes`.
fn records(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while rest.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([rest[3], rest[4]]));
        let (record, tail) = rest.split_at(5 + len);
        out.push(record.to_vec());
        rest = tail;
    }
    out
}

/// A connection whose server has just asked the client (which holds an
/// ECDSA certificate) for one after the handshake.
fn requested_pair() -> (Connection, Connection) {
    let client = ClientConfig {
        post_handshake_auth: true,
        certificate: Some(certified("client", "ecdsa")),
        ..client_config()
    };
    let (mut c, mut s) = connect(client, server_config("ecdsa"));
    s.request_client_auth(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    (c, s)
}

// Issue 14, the step-up bridge: a client certificate is proven only by the
// Finished of its flight. A client that sends Certificate and
// CertificateVerify and withholds its Finished, or sends a wrong one,
// leaves the server without a peer identity.
#[test]
fn a_post_handshake_certificate_counts_only_after_its_finished() {
    let (mut c, mut s) = requested_pair();
    c.answer_certificate_request(None).unwrap();
    let flight = records(&c.take_tls());
    assert_eq!(flight.len(), 3, "Certificate, CertificateVerify, Finished");
    // Certificate and CertificateVerify arrive; the Finished is withheld.
    s.read_tls(&flight[..2].concat()).unwrap();
    assert!(
        s.negotiated().peer.is_none(),
        "no identity before the Finished"
    );
    assert!(s.negotiated().peer_under_check.is_some());
    assert!(
        !events(&mut s)
            .iter()
            .any(|e| matches!(e, Event::ClientAuthenticated(_)))
    );
    // A damaged record cannot be read: still nothing proven.
    let mut damaged = flight[2].clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert!(s.read_tls(&damaged).is_err());
    assert!(s.negotiated().peer.is_none(), "no Finished, no proof");

    // A well-protected Finished with the wrong verify_data: the connection
    // fails (decrypt_error) and the certificate is not proven.
    let (mut c, mut s) = requested_pair();
    c.common_mut().rewrite_outgoing = Some(Box::new(|message: &mut Vec<u8>| {
        if message.first() == Some(&HandshakeType::Finished.to_u8()) {
            if let Some(last) = message.last_mut() {
                *last ^= 1;
            }
        }
    }));
    c.answer_certificate_request(None).unwrap();
    let err = pump(&mut c, &mut s).unwrap_err();
    assert!(
        matches!(err, Error::PeerMisbehaved(PeerMisbehaved::DecryptError(_))),
        "{err:?}"
    );
    assert!(
        s.negotiated().peer.is_none(),
        "a wrong Finished proves nothing"
    );

    // The same flight delivered whole proves the certificate.
    let (mut c, mut s) = requested_pair();
    c.answer_certificate_request(None).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(s.negotiated().peer.is_some());
    assert!(s.negotiated().peer_under_check.is_none());
}

#[test]
fn tls13_needs_a_certificate_whose_key_usage_allows_signing() {
    // The server does not present it...
    let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("keyenc")));
    assert!(pump(&mut c, &mut s).is_err());
    // ...unless told to, and then the client refuses its signature.
    let server = ServerConfig {
        own_key_usage_unchecked: true,
        ..server_config("keyenc")
    };
    let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert!(matches!(err, Error::KeyUsageViolation), "{err}");
}
