//! TLS 1.2 between the engine's own client and server, in memory: every
//! suite with the keys that serve it, version choice both ways, the
//! downgrade sentinel, the extended master secret required, tampered
//! Finished and key exchange signatures, change_cipher_spec out of place,
//! and renegotiation refused.

use std::sync::Arc;

use super::suites::{Authentication, Tls12Suite};
use crate::crypto::kx::KxGroup;
use crate::tls::alert::AlertDescription as A;
use crate::tls::codec::extensions::ext;
use crate::tls::codec::handshake::{HandshakeType, frame};
use crate::tls::codec::hello::{ClientHello, ServerHello};
use crate::tls::config::{ClientConfig, ServerConfig};
use crate::tls::connection::Connection;
use crate::tls::tests::{client_config, connect, events, pump, server_config};
use crate::tls::{Event, Verification};

fn client12() -> ClientConfig {
    ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        tls13: false,
        ..client_config()
    }
}

fn server12(kind: &str) -> ServerConfig {
    ServerConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        ..server_config(kind)
    }
}

fn exchange(c: &mut Connection, s: &mut Connection) {
    c.write(b"ping").unwrap();
    pump(c, s).unwrap();
    let mut buf = [0u8; 16];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"ping");
    s.write(&[7u8; 40000]).unwrap();
    pump(c, s).unwrap();
    let mut got = Vec::new();
    let mut big = [0u8; 65536];
    loop {
        let n = c.read(&mut big);
        if n == 0 {
            break;
        }
        got.extend_from_slice(&big[..n]);
    }
    assert_eq!(got, vec![7u8; 40000]);
}

#[test]
fn every_suite_with_every_key_that_serves_it() {
    let groups = [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1];
    for (i, suite) in Tls12Suite::ALL.into_iter().enumerate() {
        let kinds: &[&str] = match suite.authentication() {
            Authentication::Ecdsa => &["ecdsa", "ed25519", "p384"],
            Authentication::Rsa => &["rsa", "rsa-pss"],
            Authentication::Psk => &[],
        };
        for kind in kinds {
            let group = groups[i % 3];
            let client = ClientConfig {
                tls12_suites: vec![suite],
                groups: vec![group, KxGroup::Secp256r1, KxGroup::Secp384r1],
                ..client12()
            };
            let server = ServerConfig {
                groups: vec![group],
                ..server12(kind)
            };
            let (mut c, mut s) = connect(client, server);
            for conn in [&c, &s] {
                let n = conn.negotiated();
                assert_eq!(
                    (n.version, n.tls12_suite, n.group, n.suite),
                    (Some(0x0303), Some(suite), Some(group), None),
                    "{suite:?} {kind}"
                );
            }
            let peer = c.negotiated().peer.clone().unwrap();
            assert_eq!(peer.verification, Verification::Verified);
            assert!(events(&mut c).contains(&Event::HandshakeComplete));
            exchange(&mut c, &mut s);
        }
    }
}

#[test]
fn tls13_wins_when_both_ends_speak_it_and_either_end_can_insist_on_tls12() {
    let both = ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        ..client_config()
    };
    let (c, _) = connect(both, server12("ecdsa"));
    assert_eq!(c.negotiated().version, None, "TLS 1.3");
    assert!(c.negotiated().suite.is_some());
    // A server without TLS 1.3 answers TLS 1.2, without the sentinel.
    let both = ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        ..client_config()
    };
    let server = ServerConfig {
        tls13: false,
        ..server12("rsa")
    };
    let (mut c, mut s) = connect(both, server);
    assert_eq!(c.negotiated().version, Some(0x0303));
    exchange(&mut c, &mut s);
    // A server with TLS 1.2 off refuses a TLS 1.2 client.
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    let err = s.read_tls(&c.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::ProtocolVersion));
    // A client with TLS 1.2 off refuses a TLS 1.2 server.
    let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
    let server = ServerConfig {
        tls13: false,
        ..server12("ecdsa")
    };
    let mut s = Connection::server(Arc::new(server));
    assert!(s.read_tls(&c.take_tls()).is_err(), "no TLS 1.2 offered");
}

#[test]
fn a_client_that_offered_tls13_detects_the_downgrade_sentinel() {
    // The client offers both; its supported_versions is cut to TLS 1.2 on
    // the way, as an attacker would: the server answers TLS 1.2 with the
    // sentinel, and the client sees it.
    let client = ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    let mut hello_record = c.take_tls();
    let body = &hello_record[5 + 4..];
    let mut hello = ClientHello::decode(body).unwrap();
    hello.extensions.set(ext::SUPPORTED_VERSIONS, vec![2, 3, 3]);
    let message = frame(HandshakeType::ClientHello, &hello.encode());
    hello_record.truncate(5);
    hello_record[3..5].copy_from_slice(&u16::try_from(message.len()).unwrap().to_be_bytes());
    hello_record.extend_from_slice(&message);
    s.read_tls(&hello_record).unwrap();
    let answer = s.take_tls();
    let sh = ServerHello::decode(&answer[5 + 4..5 + 4 + usize::from(answer[8])]).unwrap();
    assert_eq!(&sh.random[24..], b"DOWNGRD\x01");
    let err = c.read_tls(&answer).unwrap_err();
    assert_eq!(err.alert(), Some(A::IllegalParameter), "{err}");
}

#[test]
fn the_extended_master_secret_is_required_both_ways() {
    // A ClientHello without it, cut on the way.
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    let mut fresh = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut record = fresh.take_tls();
    let mut hello = ClientHello::decode(&record[9..]).unwrap();
    hello.extensions.remove(ext::EXTENDED_MASTER_SECRET);
    let message = frame(HandshakeType::ClientHello, &hello.encode());
    record.truncate(5);
    record[3..5].copy_from_slice(&u16::try_from(message.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&message);
    let err = s.read_tls(&record).unwrap_err();
    assert_eq!(err.alert(), Some(A::HandshakeFailure), "server: {err}");
    // A server that leaves it out of its ServerHello is refused.
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    s.common_mut().rewrite_outgoing = Some(Box::new(|message: &mut Vec<u8>| {
        if message[0] == HandshakeType::ServerHello.to_u8() {
            let mut sh = ServerHello::decode(&message[4..]).unwrap();
            sh.extensions.remove(ext::EXTENDED_MASTER_SECRET);
            *message = frame(HandshakeType::ServerHello, &sh.encode());
        }
    }));
    s.read_tls(&c.take_tls()).unwrap();
    let err = c.read_tls(&s.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::HandshakeFailure), "client: {err}");
}

#[test]
fn tampered_signatures_and_finished_messages_fail() {
    // The ServerKeyExchange signature.
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("rsa")));
    s.common_mut().rewrite_outgoing = Some(Box::new(|message: &mut Vec<u8>| {
        if message[0] == HandshakeType::ServerKeyExchange.to_u8() {
            let last = message.len() - 1;
            message[last] ^= 1;
        }
    }));
    s.read_tls(&c.take_tls()).unwrap();
    let err = c.read_tls(&s.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::DecryptError), "{err}");
    // The client's Finished, then the server's.
    for server_side in [false, true] {
        let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server12("ecdsa")));
        let tamper = Box::new(|message: &mut Vec<u8>| {
            if message[0] == HandshakeType::Finished.to_u8() {
                message[4] ^= 1;
            }
        });
        if server_side {
            s.common_mut().rewrite_outgoing = Some(tamper);
        } else {
            c.common_mut().rewrite_outgoing = Some(tamper);
        }
        let err = pump(&mut c, &mut s).unwrap_err();
        assert_eq!(err.alert(), Some(A::DecryptError), "{err}");
    }
}

#[test]
fn change_cipher_spec_out_of_place_is_refused() {
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    s.read_tls(&c.take_tls()).unwrap();
    // A change_cipher_spec before any key exchange.
    let err = s.read_tls(&[20, 3, 3, 0, 1, 1]).unwrap_err();
    assert_eq!(err.alert(), Some(A::UnexpectedMessage), "{err}");
    // A second one once the handshake is done.
    let (mut c, mut s) = connect(client12(), server12("ecdsa"));
    let err = s.read_tls(&[20, 3, 3, 0, 1, 1]).unwrap_err();
    assert_eq!(err.alert(), Some(A::UnexpectedMessage), "{err}");
    drop(c.take_tls());
}

#[test]
fn renegotiation_is_refused_and_the_connection_goes_on() {
    let (mut c, mut s) = connect(client12(), server12("ecdsa"));
    events(&mut c);
    // The server asks (HelloRequest): the client says no, with a warning.
    s.common_mut()
        .send_handshake(&frame(HandshakeType::HelloRequest, &[]))
        .unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(events(&mut c).contains(&Event::RenegotiationRequested));
    assert_eq!(s.last_alert_received(), Some(A::NoRenegotiation));
    // The client tries (a new ClientHello): the server says no.
    c.common_mut()
        .send_handshake(&frame(HandshakeType::ClientHello, &[3, 3]))
        .unwrap();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(c.last_alert_received(), Some(A::NoRenegotiation));
    exchange(&mut c, &mut s);
    // Nor is there a KeyUpdate, or post-handshake authentication.
    assert!(matches!(
        c.key_update(true),
        Err(crate::tls::Error::ApiMisuse(_))
    ));
    assert!(s.request_client_auth(true).is_err());
    exchange(&mut c, &mut s);
}

#[test]
fn both_ends_export_the_same_keying_material_and_tls_unique() {
    let (c, s) = connect(client12(), server12("rsa"));
    let ours = c
        .export_keying_material(b"EXPERIMENTAL-a", b"ctx", 40)
        .unwrap();
    assert_eq!(
        ours,
        s.export_keying_material(b"EXPERIMENTAL-a", b"ctx", 40)
            .unwrap()
    );
    assert_ne!(
        ours,
        c.export_keying_material(b"EXPERIMENTAL-b", b"ctx", 40)
            .unwrap()
    );
    assert_ne!(
        ours,
        c.export_keying_material(b"EXPERIMENTAL-a", b"", 40)
            .unwrap()
    );
    let unique = c.negotiated().tls_unique.clone().unwrap();
    assert_eq!(unique.len(), 12);
    assert_eq!(Some(unique), s.negotiated().tls_unique.clone());
}

fn psk_pair(suite: Tls12Suite, client_key: &[u8], identity: &[u8]) -> (ClientConfig, ServerConfig) {
    use crate::tls::config::ExternalPsk;
    let client = ClientConfig {
        tls12_suites: vec![suite],
        psk: Some(ExternalPsk {
            identity: identity.to_vec(),
            key: zeroize::Zeroizing::new(client_key.to_vec()),
        }),
        ..client12()
    };
    let server = ServerConfig {
        tls12_suites: Tls12Suite::PSK.to_vec(),
        psk: Some(Arc::new(|identity: &[u8]| {
            Ok((identity == b"alice")
                .then(|| zeroize::Zeroizing::new(b"sixteen byte key".to_vec())))
        })),
        ..ServerConfig::without_certificate()
    };
    (client, server)
}

#[test]
fn psk_suites_with_and_without_ecdhe_and_no_certificate() {
    for suite in Tls12Suite::PSK {
        let (client, server) = psk_pair(suite, b"sixteen byte key", b"alice");
        let (mut c, mut s) = connect(client, server);
        for conn in [&c, &s] {
            let n = conn.negotiated();
            assert_eq!(
                (n.tls12_suite, n.psk_identity.as_deref(), n.psk_with_dhe),
                (Some(suite), Some(&b"alice"[..]), suite.ecdhe()),
                "{suite:?}"
            );
            assert_eq!(n.group.is_some(), suite.ecdhe());
            assert!(n.peer.is_none());
        }
        exchange(&mut c, &mut s);
    }
}

#[test]
fn an_unknown_psk_identity_or_a_wrong_key_fails() {
    let (client, server) = psk_pair(
        Tls12Suite::EcdhePskAes128Gcm,
        b"sixteen byte key",
        b"mallory",
    );
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert_eq!(err.alert(), Some(A::UnknownPskIdentity), "{err}");
    let (client, server) = psk_pair(Tls12Suite::PskChacha20, b"another wrong key", b"alice");
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert!(
        matches!(err.alert(), Some(A::DecryptError | A::BadRecordMac)),
        "{err}"
    );
    // A certificate client does not get a PSK suite from a PSK-only server.
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let (_, server) = psk_pair(Tls12Suite::PskChacha20, b"k", b"alice");
    let mut s = Connection::server(Arc::new(server));
    let err = s.read_tls(&c.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::HandshakeFailure), "{err}");
}

#[test]
fn a_tls12_only_client_sends_none_of_tls13s_extensions() {
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let record = c.take_tls();
    let hello = ClientHello::decode(&record[9..]).unwrap();
    for ty in [
        ext::SUPPORTED_VERSIONS,
        ext::KEY_SHARE,
        ext::PSK_KEY_EXCHANGE_MODES,
        ext::SIGNATURE_ALGORITHMS_CERT,
        ext::POST_HANDSHAKE_AUTH,
        ext::PRE_SHARED_KEY,
    ] {
        assert!(!hello.extensions.has(ty), "extension {ty}");
    }
    assert_eq!(
        hello.extensions.get(ext::RECORD_SIZE_LIMIT),
        Some(&[0x40, 0][..])
    );
    assert!(hello.session_id.is_empty());
    assert!(hello.extensions.has(ext::EXTENDED_MASTER_SECRET));
}

#[test]
fn the_application_checks_a_tls12_client_hello_before_it_is_answered() {
    // A client and a server that pauses after the client's hello, read.
    let paused = || {
        let server = ServerConfig {
            pause_after_client_hello: true,
            ..server12("ecdsa")
        };
        let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server));
        s.read_tls(&c.take_tls()).unwrap();
        (c, s)
    };
    let (mut c, mut s) = paused();
    assert!(s.awaiting_client_hello_check());
    assert!(s.take_tls().is_empty(), "nothing answered yet");
    assert_eq!(s.negotiated().server_name.as_deref(), Some("localhost"));
    s.resume_after_client_hello_check(Ok(()), None).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(s.negotiated().version, Some(0x0303));
    exchange(&mut c, &mut s);
    // A refusal ends it, sending nothing.
    let (_c, mut s) = paused();
    assert!(s.resume_after_client_hello_check(Err(-5), None).is_err());
    assert!(s.take_tls().is_empty());
}

#[test]
fn a_tls12_server_answers_record_size_limit_and_max_fragment_length() {
    let client = ClientConfig {
        record_size_limit: 512,
        ..client12()
    };
    let server = ServerConfig {
        record_size_limit: 1024,
        ..server12("ecdsa")
    };
    let (mut c, mut s) = connect(client, server);
    // The server's records fit the client's limit: 4000 bytes arrive
    // whole, in records of at most 512 bytes of plaintext.
    s.write(&[7u8; 4000]).unwrap();
    let records = s.take_tls();
    let mut at = 0;
    let mut count = 0;
    while at < records.len() {
        let len = usize::from(u16::from_be_bytes([records[at + 3], records[at + 4]]));
        // Explicit nonce (8) and tag (16) around at most 512 bytes.
        assert!(len <= 512 + 24, "a record of {len} bytes");
        at += 5 + len;
        count += 1;
    }
    assert!(count >= 8);
    c.read_tls(&records).unwrap();
    let mut buf = [0u8; 8192];
    let mut got = 0;
    loop {
        let n = c.read(&mut buf);
        if n == 0 {
            break;
        }
        got += n;
    }
    assert_eq!(got, 4000);
    // A client that asks for max_fragment_length too gets record_size_limit,
    // which RFC 8449 §5 prefers.
    let client = ClientConfig {
        max_fragment_length: Some(1024),
        ..client12()
    };
    let (mut c, mut s) = connect(client, server12("rsa"));
    exchange(&mut c, &mut s);
}

#[test]
fn a_configuration_given_after_the_client_hello_check_negotiates_afresh() {
    // A TLS 1.3-only server meets a TLS 1.2-only client: it pauses all the
    // same, and fails unless the application lets TLS 1.2 in.
    let paused = || {
        let server = ServerConfig {
            pause_after_client_hello: true,
            ..server_config("ecdsa")
        };
        let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server));
        s.read_tls(&c.take_tls()).unwrap();
        assert!(s.awaiting_client_hello_check());
        (c, s)
    };
    let (_c, mut s) = paused();
    assert!(matches!(
        s.resume_after_client_hello_check(Ok(()), None),
        Err(crate::tls::Error::PeerMisbehaved(
            crate::tls::error::PeerMisbehaved::ProtocolVersion(_)
        ))
    ));
    let (mut c, mut s) = paused();
    s.resume_after_client_hello_check(Ok(()), Some(Arc::new(server12("ecdsa"))))
        .unwrap();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(s.negotiated().version, Some(0x0303));
    exchange(&mut c, &mut s);
    // A TLS 1.3 handshake becomes a TLS 1.2 one when the new configuration
    // has no TLS 1.3.
    let server = ServerConfig {
        pause_after_client_hello: true,
        ..server12("ecdsa")
    };
    let client = ClientConfig {
        tls12_suites: Tls12Suite::ALL.to_vec(),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    s.read_tls(&c.take_tls()).unwrap();
    let only12 = ServerConfig {
        tls13: false,
        ..server12("ecdsa")
    };
    s.resume_after_client_hello_check(Ok(()), Some(Arc::new(only12)))
        .unwrap();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(c.negotiated().version, Some(0x0303));
}

#[test]
fn a_certificate_whose_key_usage_forbids_signing_serves_no_suite() {
    let server = ServerConfig {
        tls13: false,
        ..server12("keyenc")
    };
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert_eq!(err.alert(), Some(A::HandshakeFailure));
}

#[test]
fn a_client_refuses_a_signature_its_certificate_does_not_allow() {
    let server = ServerConfig {
        tls13: false,
        own_key_usage_unchecked: true,
        ..server12("keyenc")
    };
    let mut c = Connection::client(Arc::new(client12()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert!(matches!(err, crate::tls::Error::KeyUsageViolation), "{err}");
    // With the check off on both ends, the handshake completes.
    let server = ServerConfig {
        tls13: false,
        own_key_usage_unchecked: true,
        ..server12("keyenc")
    };
    let client = ClientConfig {
        peer_key_usage_unchecked: true,
        ..client12()
    };
    let (mut c, mut s) = connect(client, server);
    exchange(&mut c, &mut s);
}

#[test]
fn a_tls12_only_client_offers_only_its_tls12_schemes() {
    use crate::crypto::sign::scheme;
    let client = ClientConfig {
        tls12_signature_schemes: vec![scheme::RSA_PKCS1_SHA256],
        signature_schemes: vec![scheme::ECDSA_SECP256R1_SHA256],
        ..client12()
    };
    assert_eq!(client.offered_schemes(), [scheme::RSA_PKCS1_SHA256]);
    // So an ECDSA server finds no scheme to sign with.
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    let err = pump(&mut c, &mut s).unwrap_err();
    assert_eq!(err.alert(), Some(A::HandshakeFailure));
    // Offering TLS 1.3 as well adds its schemes.
    let both = ClientConfig {
        tls12_signature_schemes: vec![scheme::RSA_PKCS1_SHA256],
        signature_schemes: vec![scheme::ECDSA_SECP256R1_SHA256],
        tls13: true,
        ..client12()
    };
    assert_eq!(
        both.offered_schemes(),
        [scheme::RSA_PKCS1_SHA256, scheme::ECDSA_SECP256R1_SHA256]
    );
}

#[test]
fn a_false_starting_client_sends_before_the_servers_finished() {
    let client = ClientConfig {
        false_start: true,
        ..client12()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    s.read_tls(&c.take_tls()).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    // Our Finished is out: the handshake is done for us, not yet settled.
    assert!(!c.is_handshaking() && c.peer_finished_pending());
    assert!(c.negotiated().false_start);
    assert!(!events(&mut c).contains(&Event::HandshakeComplete));
    c.write(b"early").unwrap();
    s.read_tls(&c.take_tls()).unwrap();
    let mut buf = [0u8; 8];
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"early");
    // The server's Finished settles it.
    c.read_tls(&s.take_tls()).unwrap();
    assert!(!c.peer_finished_pending());
    assert!(events(&mut c).contains(&Event::HandshakeComplete));
    exchange(&mut c, &mut s);
}

#[test]
fn no_false_start_unless_asked_or_after_sending_a_certificate() {
    let (c, _) = connect(client12(), server12("ecdsa"));
    assert!(!c.negotiated().false_start);
    let client = ClientConfig {
        false_start: true,
        certificate: Some(crate::tls::tests::certified("client", "ecdsa")),
        ..client12()
    };
    let server = ServerConfig {
        client_auth: crate::tls::config::ClientAuth::Require,
        ..server12("ecdsa")
    };
    let (c, _) = connect(client, server);
    assert!(!c.negotiated().false_start);
}

#[test]
fn a_session_id_set_by_the_application_goes_in_the_client_hello() {
    let client = ClientConfig {
        session_id: Some(vec![0xff; 6]),
        ..client12()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let record = c.take_tls();
    let hello = ClientHello::decode(&record[5 + 4..]).unwrap();
    assert_eq!(hello.session_id, [0xff; 6]);
    // Not a resumption: a full handshake follows.
    let mut s = Connection::server(Arc::new(server12("ecdsa")));
    s.read_tls(&record).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !c.negotiated().resumed);
}
