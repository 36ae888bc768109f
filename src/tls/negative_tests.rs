//! Malformed and unexpected input, each with the alert RFC 8446 calls for.
//! One side is made to send something bad (its outgoing handshake messages
//! rewritten before framing and encryption); the other must fail with the
//! right error, and the alert must reach the sender.

use std::sync::Arc;

use super::alert::AlertDescription as A;
use super::codec::Reader;
use super::codec::extensions::{Extensions, ext};
use super::codec::handshake::{HandshakeType, frame};
use super::codec::hello::{ClientHello, ServerHello};
use super::config::{CertifiedKey, ClientConfig, ServerConfig};
use super::connection::Connection;
use super::error::Error;
use crate::x509::pem;
use crate::x509::verify::TrustStore;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn certified(role: &str, kind: &str) -> Arc<CertifiedKey> {
    Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture(&format!("{role}-{kind}.pem"))).unwrap(),
        key: pem::private_key(&fixture(&format!("{role}-{kind}.key"))).unwrap(),
    })
}

fn trust() -> Arc<TrustStore> {
    Arc::new(
        TrustStore::from_certificates(&pem::certificates(&fixture("ca.pem")).unwrap()).unwrap(),
    )
}

fn pair(post_handshake_auth: bool) -> (Connection, Connection) {
    let client = ClientConfig {
        trust: Some(trust()),
        post_handshake_auth,
        ..ClientConfig::default()
    };
    let server = ServerConfig::new(certified("server", "ecdsa"));
    (
        Connection::client(Arc::new(client), Some("localhost")).unwrap(),
        Connection::server(Arc::new(server)),
    )
}

/// Runs the connections until one fails; returns which one (true: the client)
/// and the error, after checking its alert reached the other side.
fn first_failure(client: &mut Connection, server: &mut Connection) -> (bool, Error) {
    for _ in 0..16 {
        let to_server = client.take_tls();
        if !to_server.is_empty() {
            if let Err(e) = server.read_tls(&to_server) {
                expect_alert_delivered(server, client, &e);
                return (false, e);
            }
        }
        let to_client = server.take_tls();
        if !to_client.is_empty() {
            if let Err(e) = client.read_tls(&to_client) {
                expect_alert_delivered(client, server, &e);
                return (true, e);
            }
        }
        if to_server.is_empty() && to_client.is_empty() {
            panic!("no failure: both sides settled");
        }
    }
    panic!("no failure");
}

fn expect_alert_delivered(failed: &mut Connection, peer: &mut Connection, error: &Error) {
    if let Some(alert) = error.alert() {
        assert_eq!(
            peer.read_tls(&failed.take_tls()),
            Err(Error::AlertReceived(alert)),
            "alert for {error}"
        );
    }
}

/// Runs a fresh pair's handshake to its end (both sides established).
fn settle(c: &mut Connection, s: &mut Connection) {
    for _ in 0..4 {
        s.read_tls(&c.take_tls()).unwrap();
        c.read_tls(&s.take_tls()).unwrap();
    }
}

fn rewrite_client_hello(
    conn: &mut Connection,
    edit: impl Fn(&mut ClientHello) + 'static,
) -> Vec<u8> {
    // The hello is already queued: rebuild it from the wire bytes.
    let queued = conn.take_tls();
    let body = &queued[9..];
    let mut hello = ClientHello::decode(body).unwrap();
    edit(&mut hello);
    let message = frame(HandshakeType::ClientHello, &hello.encode());
    let mut record = vec![22, 3, 1];
    record.extend_from_slice(&u16::try_from(message.len()).unwrap().to_be_bytes());
    record.extend_from_slice(&message);
    record
}

/// Rewrites the body of the first outgoing handshake message of type `ty`.
fn rewrite(conn: &mut Connection, ty: HandshakeType, edit: impl Fn(&mut Vec<u8>) + 'static) {
    let mut done = false;
    conn.common_mut().rewrite_outgoing = Some(Box::new(move |message: &mut Vec<u8>| {
        if !done && message.first() == Some(&ty.to_u8()) {
            done = true;
            let mut body = message[4..].to_vec();
            edit(&mut body);
            *message = frame(ty, &body);
        }
    }));
}

fn client_hello_case(edit: impl Fn(&mut ClientHello) + 'static, alert: A) {
    let (mut c, mut s) = pair(false);
    let bad = rewrite_client_hello(&mut c, edit);
    let err = s.read_tls(&bad).unwrap_err();
    assert_eq!(err.alert(), Some(alert), "{err}");
}

#[test]
fn client_hello_errors_get_their_alerts() {
    // Truncated: the extensions block cut short.
    let (mut c, mut s) = pair(false);
    let mut hello = c.take_tls();
    let cut = hello.len() - 7;
    hello.truncate(cut);
    let len = u16::try_from(hello.len() - 5).unwrap().to_be_bytes();
    hello[3..5].copy_from_slice(&len);
    let inner = u32::try_from(hello.len() - 9).unwrap().to_be_bytes();
    hello[6..9].copy_from_slice(&inner[1..]);
    assert_eq!(
        s.read_tls(&hello).unwrap_err().alert(),
        Some(A::DecodeError)
    );

    client_hello_case(
        |h| h.extensions.push(ext::SUPPORTED_VERSIONS, vec![2, 3, 3]),
        A::ProtocolVersion,
    );
    client_hello_case(|h| h.compression = vec![1], A::IllegalParameter);
    client_hello_case(|h| h.cipher_suites = vec![0x009c], A::HandshakeFailure);
    client_hello_case(
        |h| {
            let mut e = Extensions::new();
            for ty in h
                .extensions
                .types()
                .filter(|t| *t != ext::SIGNATURE_ALGORITHMS)
                .collect::<Vec<_>>()
            {
                e.push(ty, h.extensions.get(ty).unwrap().to_vec());
            }
            h.extensions = e;
        },
        A::MissingExtension,
    );
    client_hello_case(
        |h| {
            h.extensions
                .push(ext::SUPPORTED_GROUPS, vec![0, 2, 0x01, 0x00])
        },
        A::IllegalParameter,
    );
    client_hello_case(
        |h| h.extensions.push(ext::POST_HANDSHAKE_AUTH, vec![1]),
        A::DecodeError,
    );
    client_hello_case(
        |h| {
            // pre_shared_key, but not last.
            let rest: Vec<(u16, Vec<u8>)> = h
                .extensions
                .types()
                .map(|t| (t, h.extensions.get(t).unwrap().to_vec()))
                .collect();
            let mut e = Extensions::new();
            e.push(ext::PRE_SHARED_KEY, vec![0, 0]);
            for (t, b) in rest {
                e.push(t, b);
            }
            h.extensions = e;
        },
        A::IllegalParameter,
    );
}

#[test]
fn a_client_finished_of_the_wrong_length_is_a_decode_error() {
    for edit in [
        |b: &mut Vec<u8>| b.truncate(1),
        |b: &mut Vec<u8>| b.extend([0; 16]),
    ] {
        let (mut c, mut s) = pair(false);
        rewrite(&mut c, HandshakeType::Finished, edit);
        let (client_failed, err) = first_failure(&mut c, &mut s);
        assert!(!client_failed);
        assert_eq!(err.alert(), Some(A::DecodeError), "{err}");
    }
}

#[test]
fn legacy_versions_up_to_ssl3_are_refused() {
    // RFC 8446 §D.5: protocol_version, even with TLS 1.3 in supported_versions.
    for version in [
        0x0300u16, 0x0000, 0x0200, 0x0002, 0x0100, 0x0103, 0x0102, 0x0001,
    ] {
        client_hello_case(move |h| h.legacy_version = version, A::ProtocolVersion);
    }
    // 0x0301 and 0x0302 (TLS 1.0 and 1.1) are only old, not refused here.
    let (mut c, mut s) = pair(false);
    let old = rewrite_client_hello(&mut c, |h| h.legacy_version = 0x0301);
    s.read_tls(&old).unwrap();
    assert!(!s.take_tls().is_empty(), "a ServerHello answers");
}

#[test]
fn duplicated_extensions_are_refused() {
    let (mut c, mut s) = pair(false);
    let mut hello = c.take_tls();
    // Rename the first extension after supported_versions into a second supported_versions.
    let body = &hello[9..];
    let parsed = ClientHello::decode(body).unwrap();
    let mut r = Reader::new(body);
    r.take(2 + 32, "fixed").unwrap();
    r.vec_u8("session").unwrap();
    r.vec_u16("suites").unwrap();
    r.vec_u8("compression").unwrap();
    let ext_start = 9 + body.len() - r.rest().len() + 2;
    assert_eq!(
        u16::from_be_bytes([hello[ext_start], hello[ext_start + 1]]),
        ext::SUPPORTED_VERSIONS
    );
    let second = ext_start
        + 4
        + parsed
            .extensions
            .get(ext::SUPPORTED_VERSIONS)
            .unwrap()
            .len();
    hello[second..second + 2].copy_from_slice(&ext::SUPPORTED_VERSIONS.to_be_bytes());
    assert_eq!(
        s.read_tls(&hello).unwrap_err().alert(),
        Some(A::DecodeError)
    );
}

#[test]
fn server_flight_errors_get_their_alerts() {
    type Edit = fn(&mut Vec<u8>);
    let cases: [(HandshakeType, Edit, A); 9] = [
        // A session id of 33 bytes: out of range (as GnuTLS answers it).
        (
            HandshakeType::ServerHello,
            |b| {
                let old = usize::from(b[34]);
                let rest = b[35 + old..].to_vec();
                b.truncate(34);
                b.push(33);
                b.extend([7; 33]);
                b.extend(rest);
            },
            A::IllegalParameter,
        ),
        // A bad signature in CertificateVerify.
        (
            HandshakeType::CertificateVerify,
            |b| *b.last_mut().unwrap() ^= 1,
            A::DecryptError,
        ),
        // A scheme we did not offer (rsa_pkcs1_sha256).
        (
            HandshakeType::CertificateVerify,
            |b| b[..2].copy_from_slice(&[4, 1]),
            A::IllegalParameter,
        ),
        // A wrong Finished.
        (HandshakeType::Finished, |b| b[0] ^= 0x80, A::DecryptError),
        // A Finished of the wrong length (RFC 8446 §4.4.4): decode_error.
        (
            HandshakeType::Finished,
            |b| b.truncate(b.len() - 4),
            A::DecodeError,
        ),
        (HandshakeType::Finished, |b| b.push(0), A::DecodeError),
        // An empty server Certificate.
        (
            HandshakeType::Certificate,
            |b| *b = vec![0, 0, 0, 0],
            A::DecodeError,
        ),
        // A certificate that is not an X.509 certificate.
        (
            HandshakeType::Certificate,
            |b| *b = vec![0, 0, 0, 8, 0, 0, 3, 1, 2, 3, 0, 0],
            A::BadCertificate,
        ),
        // Extensions the client never asked for.
        (
            HandshakeType::EncryptedExtensions,
            |b| *b = vec![0, 4, 0, 16, 0, 0],
            A::UnsupportedExtension,
        ),
    ];
    for (ty, edit, alert) in cases {
        let (mut c, mut s) = pair(false);
        rewrite(&mut s, ty, edit);
        let (client_failed, err) = first_failure(&mut c, &mut s);
        assert!(client_failed, "{ty:?}");
        assert_eq!(err.alert(), Some(alert), "{ty:?}: {err}");
    }
}

#[test]
fn messages_out_of_order_are_unexpected() {
    // The server's Certificate arrives where CertificateVerify is expected.
    let (mut c, mut s) = pair(false);
    s.common_mut().rewrite_outgoing = Some(Box::new(|m: &mut Vec<u8>| {
        if m.first() == Some(&HandshakeType::CertificateVerify.to_u8()) {
            m[0] = HandshakeType::Certificate.to_u8();
        }
    }));
    let (client_failed, err) = first_failure(&mut c, &mut s);
    assert!(client_failed);
    assert_eq!(err.alert(), Some(A::UnexpectedMessage), "{err}");
    // A ServerHello for a suite the client never offered.
    let client = ClientConfig {
        suites: vec![super::suites::CipherSuite::Aes128GcmSha256],
        trust: Some(trust()),
        ..ClientConfig::default()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(ServerConfig::new(certified("server", "ecdsa"))));
    s.common_mut().rewrite_outgoing = Some(Box::new(|m: &mut Vec<u8>| {
        if m.first() == Some(&HandshakeType::ServerHello.to_u8()) {
            let mut sh = ServerHello::decode(&m[4..]).unwrap();
            sh.cipher_suite = 0x1302;
            *m = frame(HandshakeType::ServerHello, &sh.encode());
        }
    }));
    let (client_failed, err) = first_failure(&mut c, &mut s);
    assert!(client_failed);
    assert_eq!(err.alert(), Some(A::IllegalParameter));
}

#[test]
fn record_layer_errors_get_their_alerts() {
    // A tampered protected record: bad_record_mac.
    let (mut c, mut s) = pair(false);
    s.read_tls(&c.take_tls()).unwrap();
    let mut flight = s.take_tls();
    let at = flight.len() - 3;
    flight[at] ^= 1;
    assert_eq!(
        c.read_tls(&flight).unwrap_err().alert(),
        Some(A::BadRecordMac)
    );
    // An oversized record: record_overflow.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[22, 3, 3, 0x48, 0x01]).unwrap_err().alert(),
        Some(A::RecordOverflow)
    );
    // Application data before the handshake: unexpected_message, even an
    // empty record, even between two fragments of the ClientHello.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[23, 3, 3, 0, 1, 0]).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[23, 3, 3, 0, 0]).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    let (mut c, mut s) = pair(false);
    let hello = c.take_tls();
    let mut split = vec![22, 3, 1, 0, 2];
    split.extend_from_slice(&hello[5..7]);
    split.extend_from_slice(&[23, 3, 3, 0, 0]);
    assert_eq!(
        s.read_tls(&split).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // A change_cipher_spec that is not the single byte 1.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[20, 3, 3, 0, 1, 2]).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // An unknown content type.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[99, 3, 3, 0, 1, 0]).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
}

#[test]
fn an_alert_before_the_client_hello_is_unexpected() {
    // As GnuTLS: a server not yet in a handshake takes any alert, of any
    // level, for an unexpected record.
    for record in [
        [21, 3, 3, 0, 2, 0, 10],
        [21, 3, 3, 0, 2, 1, 0],
        [21, 3, 3, 0, 2, 2, 40],
    ] {
        let (_, mut s) = pair(false);
        assert_eq!(
            s.read_tls(&record).unwrap_err().alert(),
            Some(A::UnexpectedMessage),
            "{record:?}"
        );
    }
}

#[test]
fn empty_alert_and_handshake_records_are_unexpected() {
    use crate::tls::record::ContentType;
    // RFC 8446 §5.4: an alert or handshake record with no content gets
    // unexpected_message, protected (either way, after the handshake) or not.
    for ty in [ContentType::Alert, ContentType::Handshake] {
        for from_client in [true, false] {
            let (mut c, mut s) = pair(false);
            settle(&mut c, &mut s);
            assert!(!c.is_handshaking() && !s.is_handshaking());
            let (sender, receiver) = if from_client {
                (&mut c, &mut s)
            } else {
                (&mut s, &mut c)
            };
            sender.common_mut().send_raw_record(ty, &[]).unwrap();
            let err = receiver.read_tls(&sender.take_tls()).unwrap_err();
            assert_eq!(
                err.alert(),
                Some(A::UnexpectedMessage),
                "{ty:?}, from the client {from_client}"
            );
        }
    }
    // In the clear, before any keys.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&[22, 3, 3, 0, 0]).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
}

#[test]
fn post_handshake_request_without_advertisement_is_unexpected() {
    let (mut c, mut s) = pair(false);
    settle(&mut c, &mut s);
    assert!(!c.is_handshaking());
    // Make the server believe the client offered it.
    s.common_mut().negotiated.peer_offered_post_handshake_auth = true;
    s.request_client_auth(false).unwrap();
    let err = c.read_tls(&s.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::UnexpectedMessage));
    assert_eq!(
        s.read_tls(&c.take_tls()),
        Err(Error::AlertReceived(A::UnexpectedMessage))
    );
}

#[test]
fn change_cipher_spec_only_once_between_client_hello_and_finished() {
    const CCS: [u8; 6] = [20, 3, 3, 0, 1, 1];
    // RFC 8446 §5: a lone change_cipher_spec is dropped only after the first
    // ClientHello; before it, the server refuses it.
    let (_, mut s) = pair(false);
    assert_eq!(
        s.read_tls(&CCS).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // One after the ClientHello is dropped; a second is refused at once,
    // also when both came in one read with the ClientHello.
    let (mut c, mut s) = pair(false);
    let mut flight = c.take_tls();
    flight.extend_from_slice(&CCS);
    s.read_tls(&flight).unwrap();
    assert_eq!(
        s.read_tls(&CCS).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // Also after the GnuTLS layer forgot the last messages (a server that
    // started early forgets them before the client's CCS arrives).
    let (mut c, mut s) = pair(false);
    s.read_tls(&c.take_tls()).unwrap();
    s.forget_last_handshake_messages();
    s.read_tls(&CCS).unwrap();
    let (mut c, mut s) = pair(false);
    let mut flight = c.take_tls();
    flight.extend_from_slice(&CCS);
    flight.extend_from_slice(&CCS);
    assert_eq!(
        s.read_tls(&flight).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // The client alike: one from the server is dropped, a second refused.
    let (mut c, _) = pair(false);
    c.take_tls();
    c.read_tls(&CCS).unwrap();
    assert_eq!(
        c.read_tls(&CCS).unwrap_err().alert(),
        Some(A::UnexpectedMessage)
    );
    // After the peer's Finished, none is allowed, on either side.
    for client_receives in [true, false] {
        let (mut c, mut s) = pair(false);
        settle(&mut c, &mut s);
        assert!(!c.is_handshaking() && !s.is_handshaking());
        let receiver = if client_receives { &mut c } else { &mut s };
        assert_eq!(
            receiver.read_tls(&CCS).unwrap_err().alert(),
            Some(A::UnexpectedMessage)
        );
    }
}

#[test]
fn key_update_with_an_unknown_request_is_an_illegal_parameter() {
    // RFC 8446 §4.6.3: request_update other than 0 or 1 gets illegal_parameter;
    // a body of the wrong length is a decode_error.
    for (body, alert) in [
        (&[2u8][..], A::IllegalParameter),
        (&[255], A::IllegalParameter),
        (&[], A::DecodeError),
        (&[0, 0], A::DecodeError),
    ] {
        for from_client in [true, false] {
            let (mut c, mut s) = pair(false);
            settle(&mut c, &mut s);
            let (sender, receiver) = if from_client {
                (&mut c, &mut s)
            } else {
                (&mut s, &mut c)
            };
            sender
                .common_mut()
                .send_message(HandshakeType::KeyUpdate, body)
                .unwrap();
            let err = receiver.read_tls(&sender.take_tls()).unwrap_err();
            assert_eq!(
                err.alert(),
                Some(alert),
                "{body:?}, from the client {from_client}"
            );
        }
    }
}

#[test]
fn a_certificate_hello_without_rfc_8446_section_9_2_extensions_is_refused() {
    // Without pre_shared_key, signature_algorithms and supported_groups are
    // required, and supported_groups and key_share come together.
    fn without(types: &'static [u16]) -> impl Fn(&mut ClientHello) {
        move |h: &mut ClientHello| {
            let mut e = Extensions::new();
            for ty in h
                .extensions
                .types()
                .filter(|t| !types.contains(t))
                .collect::<Vec<_>>()
            {
                e.push(ty, h.extensions.get(ty).unwrap().to_vec());
            }
            h.extensions = e;
        }
    }
    for types in [
        &[ext::SUPPORTED_GROUPS][..],
        &[ext::KEY_SHARE],
        &[ext::SUPPORTED_GROUPS, ext::KEY_SHARE],
        &[ext::SIGNATURE_ALGORITHMS, ext::KEY_SHARE],
    ] {
        client_hello_case(without(types), A::MissingExtension);
    }
}

#[test]
fn a_second_client_hello_may_change_only_what_rfc_8446_section_4_1_2_allows() {
    use super::tests::{client_config, server_config};
    use crate::crypto::kx::KxGroup;
    // Runs a handshake that needs a HelloRetryRequest, with the second
    // ClientHello edited; returns the server's error, if any.
    fn retried(edit: impl Fn(&mut ClientHello) + 'static) -> Result<(), Error> {
        let client = ClientConfig {
            groups: vec![KxGroup::X25519, KxGroup::Secp384r1],
            ..client_config()
        };
        let server = ServerConfig {
            groups: vec![KxGroup::Secp384r1],
            ..server_config("ecdsa")
        };
        let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server));
        s.read_tls(&c.take_tls()).unwrap();
        rewrite(&mut c, HandshakeType::ClientHello, move |body| {
            let mut hello = ClientHello::decode(body).unwrap();
            edit(&mut hello);
            *body = hello.encode();
        });
        c.read_tls(&s.take_tls()).unwrap();
        s.read_tls(&c.take_tls())
    }
    fn reorder(h: &mut ClientHello) {
        let mut e = Extensions::new();
        let types: Vec<u16> = h.extensions.types().collect();
        for ty in types.iter().rev() {
            e.push(*ty, h.extensions.get(*ty).unwrap().to_vec());
        }
        h.extensions = e;
    }
    assert_eq!(retried(|_| {}), Ok(()));
    assert_eq!(
        retried(|h| h.extensions.push(ext::PADDING, vec![0; 12])),
        Ok(())
    );
    let illegal = |r: Result<(), Error>| r.unwrap_err().alert() == Some(A::IllegalParameter);
    assert!(illegal(retried(reorder)));
    assert!(illegal(retried(|h| h.random[0] ^= 1)));
    assert!(illegal(retried(|h| h.cipher_suites.reverse())));
    assert!(illegal(retried(|h| h
        .extensions
        .push(ext::EARLY_DATA, vec![]))));
    assert!(illegal(retried(|h| {
        h.extensions
            .set(ext::SERVER_NAME, extensions_server_name("other.example"))
    })));
    assert!(illegal(retried(|h| h.extensions.push(0x7777, vec![]))));
}

fn extensions_server_name(name: &str) -> Vec<u8> {
    super::codec::extensions::server_name(name)
}

#[test]
fn certificate_entry_extensions_must_answer_a_request() {
    use super::codec::certificate::Certificate;
    use super::config::ClientAuth;
    use super::tests::{client_config, server_config};
    // Adds extension `ty` to the first CertificateEntry of the first
    // Certificate `sender` sends.
    fn with_entry_extension(sender: &mut Connection, ty: u16) {
        rewrite(sender, HandshakeType::Certificate, move |body| {
            let mut cert = Certificate::decode(body).unwrap();
            cert.entries[0].extensions.push(ty, vec![1, 0, 0]);
            *body = cert.encode();
        });
    }
    // RFC 8446 §4.4.2: a server's entries answer the ClientHello.
    for (status_request, ty, outcome) in [
        (false, ext::STATUS_REQUEST, Some(A::UnsupportedExtension)),
        // Accepted: the handshake then fails only at CertificateVerify, as
        // the rewrite left the server's transcript without the extension.
        (true, ext::STATUS_REQUEST, Some(A::DecryptError)),
        (true, ext::SCT, Some(A::UnsupportedExtension)),
        (true, ext::KEY_SHARE, Some(A::IllegalParameter)),
        (true, 0x7a7a, Some(A::UnsupportedExtension)),
    ] {
        let client = ClientConfig {
            status_request,
            ..client_config()
        };
        let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server_config("ecdsa")));
        with_entry_extension(&mut s, ty);
        s.read_tls(&c.take_tls()).unwrap();
        let result = c.read_tls(&s.take_tls());
        assert_eq!(
            result.err().and_then(|e| e.alert()),
            outcome,
            "status_request {status_request}, extension {ty}"
        );
    }
    // A client's answer the CertificateRequest (ours asks for none), in the
    // handshake and after it.
    for post_handshake in [false, true] {
        let client = ClientConfig {
            certificate: Some(super::tests::certified("client", "ecdsa")),
            post_handshake_auth: true,
            ..client_config()
        };
        let server = ServerConfig {
            client_auth: if post_handshake {
                ClientAuth::None
            } else {
                ClientAuth::Request
            },
            ..server_config("ecdsa")
        };
        let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server));
        if post_handshake {
            settle(&mut c, &mut s);
            s.request_client_auth(true).unwrap();
            c.read_tls(&s.take_tls()).unwrap();
            with_entry_extension(&mut c, ext::STATUS_REQUEST);
            let certificate = super::tests::certified("client", "ecdsa");
            c.answer_certificate_request(Some(&certificate)).unwrap();
        } else {
            with_entry_extension(&mut c, ext::STATUS_REQUEST);
            s.read_tls(&c.take_tls()).unwrap();
            c.read_tls(&s.take_tls()).unwrap();
        }
        let err = s.read_tls(&c.take_tls()).unwrap_err();
        assert_eq!(
            err.alert(),
            Some(A::UnsupportedExtension),
            "post-handshake {post_handshake}"
        );
    }
}

/// The handshake message types the grid tries in every state: all of RFC
/// 8446's, and unassigned ones.
const GRID_TYPES: [u8; 15] = [1, 2, 4, 5, 8, 11, 13, 15, 20, 24, 254, 3, 6, 99, 255];

/// What each state accepts; any other type gets unexpected_message
/// (RFC 8446 §6.2). A state is named by the message it replaces: the n-th
/// message of the peer's flight, in a handshake where the server asks for
/// a client certificate and the client sends one.
const CLIENT_STATES: [(&str, &[u8]); 6] = [
    ("ServerHello", &[2]),
    ("EncryptedExtensions", &[8]),
    ("CertificateRequest or Certificate", &[13, 11]),
    ("Certificate", &[11]),
    ("CertificateVerify", &[15]),
    ("Finished", &[20]),
];
const SERVER_STATES: [(&str, &[u8]); 4] = [
    ("ClientHello", &[1]),
    ("Certificate", &[11]),
    ("CertificateVerify", &[15]),
    ("Finished", &[20]),
];

#[test]
fn every_state_refuses_every_message_it_does_not_expect_with_unexpected_message() {
    use super::config::ClientAuth;
    use super::tests::{certified, client_config, server_config};
    use std::cell::Cell;
    use std::rc::Rc;
    let configs = || {
        let client = ClientConfig {
            certificate: Some(certified("client", "ecdsa")),
            post_handshake_auth: true,
            ..client_config()
        };
        let server = ServerConfig {
            client_auth: ClientAuth::Request,
            ..server_config("ecdsa")
        };
        (Arc::new(client), Arc::new(server))
    };
    // Replaces the `at`-th handshake message `sender` sends by one of type
    // `ty` with the same body.
    fn retype(sender: &mut Connection, at: usize, ty: u8) {
        let seen = Rc::new(Cell::new(0));
        sender.common_mut().rewrite_outgoing = Some(Box::new(move |message: &mut Vec<u8>| {
            if seen.get() == at {
                message[0] = ty;
            }
            seen.set(seen.get() + 1);
        }));
    }
    let mut cases = 0;
    for (client_receives, states) in [(true, &CLIENT_STATES[..]), (false, &SERVER_STATES[..])] {
        for (at, (state, accepted)) in states.iter().enumerate() {
            for ty in GRID_TYPES.into_iter().filter(|t| !accepted.contains(t)) {
                let (client, server) = configs();
                let mut s = Connection::server(server);
                let mut c = if client_receives || at > 0 {
                    Connection::client(client, Some("localhost")).unwrap()
                } else {
                    // The ClientHello is sent at creation: build it retyped.
                    let mut c = Connection::client(client, Some("localhost")).unwrap();
                    let mut hello = c.take_tls();
                    hello[5] = ty;
                    let err = s.read_tls(&hello).unwrap_err();
                    assert_eq!(
                        err.alert(),
                        Some(A::UnexpectedMessage),
                        "server, {state}, type {ty}"
                    );
                    cases += 1;
                    continue;
                };
                if client_receives {
                    retype(&mut s, at, ty);
                } else {
                    retype(&mut c, at - 1, ty);
                }
                let (client_failed, err) = first_failure(&mut c, &mut s);
                assert_eq!(client_failed, client_receives, "{state}, type {ty}: {err}");
                assert_eq!(
                    err.alert(),
                    Some(A::UnexpectedMessage),
                    "{state}, type {ty}: {err}"
                );
                cases += 1;
            }
        }
    }
    // After the handshake: a client takes NewSessionTicket, CertificateRequest
    // (it offered post-handshake authentication) and KeyUpdate; a server
    // only KeyUpdate (a Certificate only answering its request).
    for (client_receives, accepted) in [(true, &[4u8, 13, 24][..]), (false, &[24][..])] {
        for ty in GRID_TYPES.into_iter().filter(|t| !accepted.contains(t)) {
            let (client, server) = configs();
            let mut c = Connection::client(client, Some("localhost")).unwrap();
            let mut s = Connection::server(server);
            settle(&mut c, &mut s);
            assert!(!c.is_handshaking() && !s.is_handshaking());
            let (sender, receiver) = if client_receives {
                (&mut s, &mut c)
            } else {
                (&mut c, &mut s)
            };
            sender
                .common_mut()
                .send_message(HandshakeType::from_u8(ty), &[0, 0, 0, 0])
                .unwrap();
            let err = receiver.read_tls(&sender.take_tls()).unwrap_err();
            assert_eq!(
                err.alert(),
                Some(A::UnexpectedMessage),
                "established, {} receives type {ty}: {err}",
                if client_receives { "client" } else { "server" }
            );
            cases += 1;
        }
    }
    assert!(cases > 100, "{cases} cases");
}

#[test]
fn a_client_hello_may_order_its_extensions_as_it_likes() {
    // RFC 8446 §4.2: only pre_shared_key has a place (last); any other order
    // of a first ClientHello is accepted.
    let (mut c, mut s) = pair(false);
    let reversed = rewrite_client_hello(&mut c, |h| {
        let mut e = Extensions::new();
        let types: Vec<u16> = h.extensions.types().collect();
        for ty in types.iter().rev() {
            e.push(*ty, h.extensions.get(*ty).unwrap().to_vec());
        }
        h.extensions = e;
    });
    s.read_tls(&reversed).unwrap();
    assert!(!s.take_tls().is_empty(), "a ServerHello answers");
}
