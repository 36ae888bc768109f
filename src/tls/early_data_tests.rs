//! 0-RTT is refused: our client never offers early_data, and a server that
//! is offered it answers without it and skips the records the client sent
//! early (RFC 8446 §4.2.10), up to a bound, then finishes the handshake.
//! The offering client is the engine's own, with early_data added as an
//! application extension so its binders cover it; the early records are
//! appended to its first flight, as a 0-RTT client would send them.

use std::sync::{Arc, Mutex};

use super::codec::extensions::ext;
use super::codec::hello::ClientHello;
use super::config::{ClientConfig, CustomExtension, ExtensionMessage, ServerConfig};
use super::connection::Connection;
use super::error::Error;
use super::resumption_tests::{first_session, ticketing_server};
use super::tests::{client_config, exchange, pump};
use crate::crypto::kx::KxGroup;

/// Offers an empty early_data extension in the first ClientHello only (RFC
/// 8446 §4.2.10 forbids it after a HelloRetryRequest), and records whatever
/// the server answers in EncryptedExtensions.
#[derive(Default)]
struct EarlyDataOffer {
    hellos: Mutex<usize>,
    answers: Mutex<Vec<Vec<u8>>>,
}

impl CustomExtension for EarlyDataOffer {
    fn extension_type(&self) -> u16 {
        ext::EARLY_DATA
    }

    fn send(&self, message: ExtensionMessage) -> Result<Option<Vec<u8>>, i32> {
        let mut hellos = self.hellos.lock().unwrap();
        *hellos += 1;
        Ok((message == ExtensionMessage::ClientHello && *hellos == 1).then(Vec::new))
    }

    fn receive(&self, _message: ExtensionMessage, body: &[u8]) -> Result<(), i32> {
        self.answers.lock().unwrap().push(body.to_vec());
        Ok(())
    }
}

/// `count` application_data records of `len` bytes each, as 0-RTT data looks
/// to a server without the early traffic key.
fn early_records(count: usize, len: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..count {
        out.extend_from_slice(&[23, 3, 3]);
        out.extend_from_slice(&u16::try_from(len).unwrap().to_be_bytes());
        out.extend((0..len).map(|j| u8::try_from((i * 31 + j * 7) % 251).unwrap()));
    }
    out
}

/// A resuming client offering early_data, with its offer.
fn offering_client(extra: ClientConfig) -> (Connection, Arc<EarlyDataOffer>) {
    let offer = Arc::new(EarlyDataOffer::default());
    let config = ClientConfig {
        custom_extensions: vec![offer.clone()],
        ..extra
    };
    (
        Connection::client(Arc::new(config), Some("localhost")).unwrap(),
        offer,
    )
}

/// Sends the client's first flight followed by `early`, then runs both ends.
fn handshake_with_early_data(
    c: &mut Connection,
    s: &mut Connection,
    early: &[u8],
) -> Result<(), Error> {
    let mut flight = c.take_tls();
    let hello = ClientHello::decode(&flight[9..]).unwrap();
    assert!(hello.extensions.has(ext::EARLY_DATA), "the offer is made");
    flight.extend_from_slice(early);
    s.read_tls(&flight)?;
    pump(c, s)
}

#[test]
fn our_client_never_offers_early_data() {
    let session = first_session(7);
    let config = ClientConfig {
        resume: Some(session),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(config), Some("localhost")).unwrap();
    let flight = c.take_tls();
    let hello = ClientHello::decode(&flight[9..]).unwrap();
    assert!(hello.extensions.has(ext::PRE_SHARED_KEY), "a resumption");
    assert!(!hello.extensions.has(ext::EARLY_DATA));
}

#[test]
fn early_records_are_skipped_and_the_resumption_completes() {
    let server = ticketing_server(7);
    let (mut c, offer) = offering_client(ClientConfig {
        resume: Some(first_session(7)),
        ..client_config()
    });
    let mut s = Connection::server(Arc::new(server));
    handshake_with_early_data(&mut c, &mut s, &early_records(4, 1000)).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
    assert!(c.negotiated().resumed && s.negotiated().resumed);
    assert!(
        offer.answers.lock().unwrap().is_empty(),
        "the server did not accept early data"
    );
    // None of the early bytes reached the application.
    let mut buf = [0u8; 16];
    assert_eq!(s.read(&mut buf), 0);
    exchange(&mut c, &mut s, b"after refused 0-RTT");
}

#[test]
fn early_records_before_a_hello_retry_are_skipped() {
    let server = ServerConfig {
        groups: vec![KxGroup::Secp384r1],
        ..ticketing_server(8)
    };
    let (mut c, offer) = offering_client(ClientConfig {
        groups: vec![KxGroup::X25519, KxGroup::Secp384r1],
        resume: Some(first_session(8)),
        ..client_config()
    });
    let mut s = Connection::server(Arc::new(server));
    handshake_with_early_data(&mut c, &mut s, &early_records(3, 500)).unwrap();
    assert!(c.negotiated().retried && s.negotiated().retried);
    assert!(c.negotiated().resumed);
    assert!(offer.answers.lock().unwrap().is_empty());
    exchange(&mut c, &mut s, b"after a retry");
}

#[test]
fn skipping_is_bounded() {
    let server = ticketing_server(9);
    let (mut c, _) = offering_client(ClientConfig {
        resume: Some(first_session(9)),
        ..client_config()
    });
    let mut s = Connection::server(Arc::new(server));
    // More than the 64 KiB the server skips.
    let err = handshake_with_early_data(&mut c, &mut s, &early_records(5, 16000)).unwrap_err();
    assert!(matches!(err, Error::BadRecordMac), "{err}");
}

#[test]
fn without_an_offer_undecryptable_records_are_errors() {
    // The same records from a client that did not offer early data are an
    // attack or a fault, not 0-RTT.
    let server = ticketing_server(10);
    let config = ClientConfig {
        resume: Some(first_session(10)),
        ..client_config()
    };
    let mut c = Connection::client(Arc::new(config), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    let mut flight = c.take_tls();
    flight.extend_from_slice(&early_records(1, 100));
    let err = s.read_tls(&flight).unwrap_err();
    assert!(matches!(err, Error::BadRecordMac), "{err}");
}
