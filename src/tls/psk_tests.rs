//! External PSKs (RFC 8446 §4.2.11) between the engine's two ends, in
//! memory: both key exchange modes, a HelloRetryRequest, a wrong key, an
//! unknown identity, and post-handshake authentication after a PSK
//! handshake.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::Event;
use super::config::{ClientConfig, ExternalPsk, PskLookup, PskModes, ServerConfig};
use super::connection::Connection;
use super::error::{Error, PeerMisbehaved};
use super::suites::CipherSuite;
use super::tests::{certified, client_config, connect, events, exchange, pump, server_config};
use crate::crypto::kx::KxGroup;

const KEY: [u8; 16] = *b"0123456789abcdef";

fn lookup() -> PskLookup {
    Arc::new(|identity: &[u8]| Ok((identity == b"alice").then(|| Zeroizing::new(KEY.to_vec()))))
}

fn psk_client(identity: &[u8], key: &[u8], modes: PskModes) -> ClientConfig {
    ClientConfig {
        psk: Some(ExternalPsk {
            identity: identity.to_vec(),
            key: Zeroizing::new(key.to_vec()),
        }),
        psk_modes: modes,
        ..client_config()
    }
}

fn psk_server(modes: PskModes) -> ServerConfig {
    ServerConfig {
        psk: Some(lookup()),
        psk_modes: modes,
        ..server_config("ecdsa")
    }
}

const DHE: PskModes = PskModes {
    with_dhe: true,
    psk_only: false,
    psk_only_first: false,
};
const ALONE: PskModes = PskModes {
    with_dhe: false,
    psk_only: true,
    psk_only_first: false,
};

#[test]
fn psk_with_dhe_and_alone_authenticate_both_ends_without_certificates() {
    for (modes, with_dhe) in [(DHE, true), (ALONE, false)] {
        let (mut c, mut s) = connect(psk_client(b"alice", &KEY, modes), psk_server(modes));
        for end in [&c, &s] {
            let n = end.negotiated();
            assert_eq!(n.psk_identity.as_deref(), Some(&b"alice"[..]));
            assert_eq!(n.psk_with_dhe, with_dhe);
            assert_eq!(n.group.is_some(), with_dhe);
            assert!(
                n.suite.is_some_and(|s| s != CipherSuite::Aes256GcmSha384),
                "SHA-256 suite"
            );
            assert!(n.peer.is_none(), "no certificates");
        }
        exchange(&mut c, &mut s, b"over a PSK");
    }
}

#[test]
fn psk_survives_a_hello_retry_request() {
    let client = ClientConfig {
        groups: vec![KxGroup::X25519, KxGroup::Secp384r1],
        ..psk_client(b"alice", &KEY, DHE)
    };
    let server = ServerConfig {
        groups: vec![KxGroup::Secp384r1],
        ..psk_server(DHE)
    };
    let (mut c, mut s) = connect(client, server);
    assert!(c.negotiated().retried);
    assert_eq!(s.negotiated().psk_identity.as_deref(), Some(&b"alice"[..]));
    assert_eq!(c.negotiated().group, Some(KxGroup::Secp384r1));
    exchange(&mut c, &mut s, b"after the retry");
}

#[test]
fn a_wrong_key_fails_the_binder_and_an_unknown_identity_falls_back_to_certificates() {
    let mut c = Connection::client(
        Arc::new(psk_client(b"alice", b"not the key", DHE)),
        Some("localhost"),
    )
    .unwrap();
    let mut s = Connection::server(Arc::new(psk_server(DHE)));
    // The C layer maps this text to GNUTLS_E_RECEIVED_ILLEGAL_PARAMETER.
    assert_eq!(
        pump(&mut c, &mut s),
        Err(PeerMisbehaved::BadPskBinder.into())
    );
    assert!(matches!(
        c.read_tls(&s.take_tls()),
        Err(Error::AlertReceived(_))
    ));

    let (mut c, mut s) = connect(psk_client(b"mallory", &KEY, DHE), psk_server(DHE));
    assert!(s.negotiated().psk_identity.is_none());
    assert!(
        c.negotiated().peer.is_some(),
        "the server proved itself with its certificate"
    );
    exchange(&mut c, &mut s, b"certificates instead");
}

#[test]
fn modes_must_meet_and_a_server_without_psks_ignores_the_offer() {
    // The client offers psk_ke only; the server allows psk_dhe_ke only.
    let (_, s) = connect(psk_client(b"alice", &KEY, ALONE), psk_server(DHE));
    assert!(s.negotiated().psk_identity.is_none());
    let (_, s) = connect(psk_client(b"alice", &KEY, DHE), server_config("ecdsa"));
    assert!(s.negotiated().psk_identity.is_none());
}

#[test]
fn post_handshake_authentication_follows_a_psk_handshake() {
    let client = ClientConfig {
        post_handshake_auth: true,
        certificate: Some(certified("client", "ecdsa")),
        ..psk_client(b"alice", &KEY, DHE)
    };
    let (mut c, mut s) = connect(client, psk_server(DHE));
    events(&mut c);
    events(&mut s);
    s.request_client_auth(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(events(&mut c).contains(&Event::CertificateRequested));
    c.answer_certificate_request(None).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(
        events(&mut s)
            .iter()
            .any(|e| matches!(e, Event::ClientAuthenticated(_)))
    );
    exchange(&mut c, &mut s, b"stepped up after a PSK");
}

#[test]
fn a_server_without_a_certificate_needs_an_accepted_psk() {
    let server = || ServerConfig {
        psk: Some(lookup()),
        psk_modes: DHE,
        ..ServerConfig::without_certificate()
    };
    let (mut c, mut s) = connect(psk_client(b"alice", &KEY, DHE), server());
    assert_eq!(s.negotiated().psk_identity.as_deref(), Some(&b"alice"[..]));
    exchange(&mut c, &mut s, b"no certificate needed");

    let mut c = Connection::client(
        Arc::new(psk_client(b"mallory", &KEY, DHE)),
        Some("localhost"),
    )
    .unwrap();
    let mut s = Connection::server(Arc::new(server()));
    // The C layer maps this text to GNUTLS_E_INSUFFICIENT_CREDENTIALS.
    assert_eq!(
        pump(&mut c, &mut s),
        Err(PeerMisbehaved::NoServerCredentials.into())
    );
}

#[test]
fn a_failing_lookup_ends_the_handshake_with_its_code() {
    let server = ServerConfig {
        psk: Some(Arc::new(|_: &[u8]| Err(-31))),
        ..psk_server(DHE)
    };
    let mut c =
        Connection::client(Arc::new(psk_client(b"alice", &KEY, DHE)), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    assert_eq!(pump(&mut c, &mut s), Err(Error::HookAborted(-31)));
}

#[test]
fn the_server_takes_the_first_of_the_clients_modes_it_allows() {
    let both = PskModes {
        with_dhe: true,
        psk_only: true,
        psk_only_first: false,
    };
    for (first, with_dhe) in [(false, true), (true, false)] {
        let client = PskModes {
            psk_only_first: first,
            ..both
        };
        let (_, s) = connect(psk_client(b"alice", &KEY, client), psk_server(both));
        assert_eq!(s.negotiated().psk_with_dhe, with_dhe);
    }
}

#[test]
fn a_psk_ke_hello_needs_no_groups_or_key_shares() {
    // RFC 8446 §9.2: with pre_shared_key, supported_groups and key_share may
    // be left out; psk_ke then completes without (EC)DHE.
    let client = || ClientConfig {
        groups: Vec::new(),
        ..psk_client(b"alice", &KEY, ALONE)
    };
    let mut c = Connection::client(Arc::new(client()), Some("localhost")).unwrap();
    let hello = c.take_tls();
    let hello = super::codec::hello::ClientHello::decode(&hello[9..]).unwrap();
    use super::codec::extensions::ext;
    assert!(!hello.extensions.has(ext::SUPPORTED_GROUPS));
    assert!(!hello.extensions.has(ext::KEY_SHARE));
    let (mut c, mut s) = connect(client(), psk_server(ALONE));
    for end in [&c, &s] {
        let n = end.negotiated();
        assert_eq!(n.psk_identity.as_deref(), Some(&b"alice"[..]));
        assert!(!n.psk_with_dhe);
        assert!(n.group.is_none());
    }
    exchange(&mut c, &mut s, b"no key exchange at all");

    // A server that allows psk_dhe_ke only cannot take that offer, and
    // without (EC)DHE a certificate handshake is impossible too.
    let mut c = Connection::client(Arc::new(client()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(psk_server(DHE)));
    assert_eq!(
        pump(&mut c, &mut s),
        Err(PeerMisbehaved::MissingExtension("supported_groups").into())
    );
    // An unknown identity alike: no fallback to certificates.
    let client = ClientConfig {
        groups: Vec::new(),
        ..psk_client(b"mallory", &KEY, ALONE)
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(psk_server(ALONE)));
    assert_eq!(
        pump(&mut c, &mut s),
        Err(PeerMisbehaved::MissingExtension("supported_groups").into())
    );
}

#[test]
fn a_psk_session_resumes_with_its_identity_or_falls_back_to_the_psk() {
    use super::resumption_tests::ticketing_server;
    let server = |master: u8| ServerConfig {
        psk: Some(lookup()),
        psk_modes: DHE,
        ..ticketing_server(master)
    };
    let (mut c, mut s) = connect(psk_client(b"alice", &KEY, DHE), server(8));
    exchange(&mut c, &mut s, b"first");
    let session = c.client_session().expect("a ticket");
    let again = |master: u8| {
        let client = ClientConfig {
            resume: Some(session.clone()),
            ..psk_client(b"alice", &KEY, DHE)
        };
        connect(client, server(master))
    };
    // The ticket resumes, and the session keeps the PSK's identity.
    let (c2, s2) = again(8);
    for end in [&c2, &s2] {
        assert!(end.negotiated().resumed);
        assert_eq!(
            end.negotiated().psk_identity.as_deref(),
            Some(&b"alice"[..])
        );
    }
    // A server that cannot open the ticket takes the PSK offered after it.
    let (c3, s3) = again(9);
    for end in [&c3, &s3] {
        assert!(!end.negotiated().resumed);
        assert_eq!(
            end.negotiated().psk_identity.as_deref(),
            Some(&b"alice"[..])
        );
    }
}
