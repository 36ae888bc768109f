//! Each bound of `limits.rs`, met and then passed, between the engine's two
//! ends in memory.

use std::sync::Arc;

use super::alert::AlertDescription as A;
use super::codec::certificate::{Certificate, CertificateRequest};
use super::codec::extensions::{self, Extensions, ext};
use super::codec::handshake::{HandshakeType, frame};
use super::config::{ClientAuth, ClientConfig, ServerConfig};
use super::connection::Connection;
use super::error::{Error, Flood};
use super::limits::*;
use super::record::ContentType;
use super::tests::{certified, client_config, pump, server_config};

fn established() -> (Connection, Connection) {
    let client = ClientConfig {
        post_handshake_auth: true,
        certificate: Some(certified("client", "ecdsa")),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
    (c, s)
}

#[test]
fn a_handshake_message_over_the_largest_is_refused_before_it_is_buffered() {
    let (_, mut s) = (0, Connection::server(Arc::new(server_config("ecdsa"))));
    // Only the header of a ClientHello claiming MAX_HANDSHAKE_LEN + 1 bytes.
    let len = u32::try_from(MAX_HANDSHAKE_LEN + 1).unwrap().to_be_bytes();
    let record = [22, 3, 1, 0, 4, 1, len[1], len[2], len[3]];
    assert_eq!(
        s.read_tls(&record).unwrap_err().alert(),
        Some(A::DecodeError)
    );
    // At the bound, the header is taken and the rest awaited.
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    let len = u32::try_from(MAX_HANDSHAKE_LEN).unwrap().to_be_bytes();
    s.read_tls(&[22, 3, 1, 0, 4, 1, len[1], len[2], len[3]])
        .unwrap();
}

#[test]
fn a_chain_longer_than_the_bound_is_a_bad_certificate() {
    // The server's Certificate carries its leaf repeated: at the bound the
    // client goes on (and fails later, on the transcript the rewrite
    // changed); past it, bad_certificate.
    for (copies, alert) in [
        (MAX_CHAIN_CERTIFICATES, A::DecryptError),
        (MAX_CHAIN_CERTIFICATES + 1, A::BadCertificate),
    ] {
        let mut c = Connection::client(Arc::new(client_config()), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server_config("ecdsa")));
        s.common_mut().rewrite_outgoing = Some(Box::new(move |message: &mut Vec<u8>| {
            if message[0] == HandshakeType::Certificate.to_u8() {
                let mut cert = Certificate::decode(&message[4..]).unwrap();
                let leaf = cert.entries[0].clone();
                cert.entries = vec![leaf; copies];
                *message = frame(HandshakeType::Certificate, &cert.encode());
            }
        }));
        s.read_tls(&c.take_tls()).unwrap();
        let err = c.read_tls(&s.take_tls()).unwrap_err();
        assert_eq!(err.alert(), Some(alert), "{copies} certificates: {err}");
    }
    // A client's chain alike, to a server that asks for one.
    let client = ClientConfig {
        certificate: Some(certified("client", "ecdsa")),
        ..client_config()
    };
    let server = ServerConfig {
        client_auth: ClientAuth::Request,
        ..server_config("ecdsa")
    };
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    c.common_mut().rewrite_outgoing = Some(Box::new(|message: &mut Vec<u8>| {
        if message[0] == HandshakeType::Certificate.to_u8() {
            let mut cert = Certificate::decode(&message[4..]).unwrap();
            let leaf = cert.entries[0].clone();
            cert.entries = vec![leaf; MAX_CHAIN_CERTIFICATES + 1];
            *message = frame(HandshakeType::Certificate, &cert.encode());
        }
    }));
    s.read_tls(&c.take_tls()).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    let err = s.read_tls(&c.take_tls()).unwrap_err();
    assert_eq!(err.alert(), Some(A::BadCertificate), "{err}");
}

#[test]
fn more_key_updates_in_a_second_than_the_bound_end_the_connection() {
    let (mut c, mut s) = established();
    for _ in 0..KEY_UPDATES_PER_SECOND {
        c.key_update(false).unwrap();
        s.read_tls(&c.take_tls()).unwrap();
    }
    c.key_update(false).unwrap();
    let err = s.read_tls(&c.take_tls()).unwrap_err();
    assert_eq!(err, Error::Flood(Flood::KeyUpdates));
    assert_eq!(err.alert(), Some(A::InternalError));
}

#[test]
fn more_empty_records_in_a_row_than_the_bound_end_the_connection() {
    for warning_alerts in [false, true] {
        let (mut c, mut s) = established();
        let nothing = |c: &mut Connection| {
            if warning_alerts {
                c.common_mut()
                    .send_raw_record(ContentType::Alert, &[1, A::UserCanceled.to_u8()])
                    .unwrap();
            } else {
                c.common_mut()
                    .send_raw_record(ContentType::ApplicationData, &[])
                    .unwrap();
            }
        };
        // Data between runs starts the count again.
        for _ in 0..MAX_EMPTY_RECORDS {
            nothing(&mut c);
        }
        c.write(b"x").unwrap();
        for _ in 0..MAX_EMPTY_RECORDS {
            nothing(&mut c);
        }
        s.read_tls(&c.take_tls()).unwrap();
        nothing(&mut c);
        let err = s.read_tls(&c.take_tls()).unwrap_err();
        assert_eq!(
            err,
            Error::Flood(Flood::EmptyRecords),
            "warning alerts {warning_alerts}"
        );
        assert_eq!(err.alert(), Some(A::InternalError));
    }
}

#[test]
fn more_unanswered_certificate_requests_than_the_bound_end_the_connection() {
    let (mut c, mut s) = established();
    let request = |n: usize| {
        let mut e = Extensions::new();
        e.push(
            ext::SIGNATURE_ALGORITHMS,
            extensions::u16_list(&[0x0403, 0x0804]),
        );
        CertificateRequest {
            context: vec![u8::try_from(n).unwrap(); 8],
            extensions: e,
        }
        .encode()
    };
    for n in 0..MAX_PENDING_CERTIFICATE_REQUESTS {
        s.common_mut()
            .send_message(HandshakeType::CertificateRequest, &request(n))
            .unwrap();
        c.read_tls(&s.take_tls()).unwrap();
    }
    assert!(c.has_certificate_request());
    s.common_mut()
        .send_message(HandshakeType::CertificateRequest, &request(99))
        .unwrap();
    let err = c.read_tls(&s.take_tls()).unwrap_err();
    assert_eq!(err, Error::Flood(Flood::CertificateRequests));
    // Answered ones make room: one answered, one more taken.
    let (mut c, mut s) = established();
    for n in 0..MAX_PENDING_CERTIFICATE_REQUESTS {
        s.common_mut()
            .send_message(HandshakeType::CertificateRequest, &request(n))
            .unwrap();
        c.read_tls(&s.take_tls()).unwrap();
    }
    c.answer_certificate_request(None).unwrap();
    s.common_mut()
        .send_message(HandshakeType::CertificateRequest, &request(99))
        .unwrap();
    c.read_tls(&s.take_tls()).unwrap();
}

#[test]
fn a_certificate_over_64_kib_is_taken_in_both_versions() {
    use super::config::{CertifiedKey, VerifyPolicy};
    use super::tls12::suites::Tls12Suite;
    use crate::x509::pem;
    let fixture = super::tests::fixture;
    let large = Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture("server-large.pem")).unwrap(),
        key: pem::private_key(&fixture("server-ecdsa.key")).unwrap(),
    });
    assert!(large.chain[0].len() > 1 << 16);
    for tls12 in [false, true] {
        let client = ClientConfig {
            // webpki cannot read it to check its chain: the failure is
            // reported, and the key still proves the server.
            verify: VerifyPolicy::Report,
            tls12_suites: if tls12 {
                Tls12Suite::ALL.to_vec()
            } else {
                Vec::new()
            },
            tls13: !tls12,
            ..client_config()
        };
        let server = ServerConfig {
            tls12_suites: Tls12Suite::ALL.to_vec(),
            ..ServerConfig::new(large.clone())
        };
        let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(server));
        pump(&mut c, &mut s).unwrap();
        assert!(!c.is_handshaking(), "tls12 {tls12}");
        let peer = c.negotiated().peer.clone().unwrap();
        assert_eq!(peer.chain, large.chain);
        assert_eq!(c.negotiated().version.is_some(), tls12);
    }
}
