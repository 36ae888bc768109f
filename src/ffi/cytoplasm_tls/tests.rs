//! The connection over real socket pairs and the backend's own transport:
//! the lazy handshake, its timeout both ways, verification by the client,
//! the server's credentials, whole writes.

use std::io::{ErrorKind, Write};
use std::os::unix::io::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::conn::{Channel, Connection, SendLimit, TlsError};
use super::fd::{self, FdTransport};
use super::stepup::StepUpConfig;
use crate::gnutls::Error as GnutlsError;
use crate::gnutls::names::GNUTLS_TLS1_3;
use crate::gnutls::trust_list::{GNUTLS_X509_FMT_PEM, TrustList};

pub(super) const LONG: Duration = Duration::from_secs(10);
const SHORT: Duration = Duration::from_millis(200);

pub(super) fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

pub(super) fn channel(socket: &UnixStream) -> Channel {
    let send_limit = SendLimit::default();
    let fd = socket.as_raw_fd();
    Channel {
        transport: Box::new(FdTransport::new(fd, send_limit.clone())),
        send_limit,
        blocking: fd::blocking(fd).expect("an open socket"),
    }
}

fn trusting(ca: &str) -> Arc<TrustList> {
    let list = TrustList::new();
    list.add_file(&fixture(ca), GNUTLS_X509_FMT_PEM).unwrap();
    Arc::new(list)
}

fn server(socket: &UnixStream, timeout: Duration) -> Connection {
    server_with(socket, timeout, None)
}

/// A server connection with the test server's certificate and key, and
/// the certificate step-up's settings when given.
pub(super) fn server_with(
    socket: &UnixStream,
    timeout: Duration,
    stepup: Option<&StepUpConfig>,
) -> Connection {
    Connection::server(
        &fixture("server-ecdsa.pem"),
        &fixture("server-ecdsa.key"),
        channel(socket),
        timeout,
        stepup,
    )
    .unwrap()
}

#[test]
fn server_handshakes_on_first_read_and_serves_tls13() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = thread::spawn(move || {
        let mut client =
            Connection::client_trusting("localhost", trusting("ca.pem"), channel(&c), LONG)
                .unwrap();
        assert_eq!(client.write(b"ping").unwrap(), 4);
        let mut buf = [0u8; 16];
        let n = client.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"pong");
        // close_notify reads as the end of the stream.
        assert_eq!(client.read(&mut buf).unwrap(), 0);
        client.protocol()
    });
    let mut buf = [0u8; 16];
    let n = server.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert_eq!(server.protocol(), GNUTLS_TLS1_3);
    assert_eq!(server.write(b"pong").unwrap(), 4);
    server.close_notify();
    // As TlsClose: a client that missed the close_notify fails, not hangs.
    drop(s);
    assert_eq!(client.join().unwrap(), GNUTLS_TLS1_3);
}

#[test]
fn stalled_client_times_out_and_the_connection_stays_failed() {
    let (s, _silent) = UnixStream::pair().unwrap();
    let mut server = server(&s, SHORT);
    let started = Instant::now();
    let mut buf = [0u8; 16];
    assert!(matches!(
        server.read(&mut buf),
        Err(TlsError::HandshakeTimedOut(t)) if t == SHORT
    ));
    let waited = started.elapsed();
    assert!(waited >= SHORT - Duration::from_millis(50), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    assert!(matches!(server.read(&mut buf), Err(TlsError::Failed)));
    assert!(matches!(server.write(b"x"), Err(TlsError::Failed)));
}

#[test]
fn client_that_stops_reading_times_out() {
    let (s, c) = UnixStream::pair().unwrap();
    // Fill the server's direction, so that its first flight finds no room.
    s.set_nonblocking(true).unwrap();
    let junk = [0u8; 4096];
    let mut filled = 0usize;
    loop {
        match (&s).write(&junk) {
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("{e}"),
        }
        assert!(filled < 64 << 20, "the socket never filled");
    }
    s.set_nonblocking(false).unwrap();
    let mut server = server(&s, SHORT);
    // A client that sends its ClientHello and then reads only the junk
    // (and fails on it); the socket stays open, unread.
    let client = Connection::client_trusting("localhost", trusting("ca.pem"), channel(&c), SHORT);
    assert!(client.is_err());
    // The server reads the ClientHello at once and finds no room for its
    // answer.
    let started = Instant::now();
    let mut buf = [0u8; 16];
    let outcome = server.read(&mut buf);
    let waited = started.elapsed();
    assert!(
        matches!(outcome, Err(TlsError::HandshakeTimedOut(_))),
        "{outcome:?}"
    );
    assert!(waited >= SHORT - Duration::from_millis(50), "{waited:?}");
    assert!(waited < Duration::from_secs(5), "{waited:?}");
    drop(c);
}

/// Runs a server on `s` that reads once (and fails), and returns what
/// `connect` made of the client side.
fn against_server<T: Send + 'static>(
    connect: impl FnOnce(UnixStream) -> T + Send + 'static,
) -> (T, Result<usize, TlsError>) {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = thread::spawn(move || connect(c));
    let mut buf = [0u8; 16];
    let served = server.read(&mut buf);
    (client.join().unwrap(), served)
}

#[test]
fn client_refuses_a_server_of_another_name_or_an_untrusted_one() {
    // (the name the client asks for, the CAs it trusts)
    for (name, ca) in [("example.org", "ca.pem"), ("localhost", "other-ca.pem")] {
        let (client, served) = against_server(|c| {
            Connection::client_trusting(name, trusting(ca), channel(&c), LONG).err()
        });
        assert!(
            matches!(
                client,
                Some(TlsError::Handshake(GnutlsError::CertificateVerification))
            ),
            "{name} trusting {ca}: {client:?}"
        );
        assert!(served.is_err(), "{name} trusting {ca}");
    }
}

#[test]
fn server_reports_each_unusable_file() {
    let (s, _c) = UnixStream::pair().unwrap();
    let missing = fixture("no-such.key");
    let err = Connection::server(
        &fixture("server-ecdsa.pem"),
        &missing,
        channel(&s),
        LONG,
        None,
    )
    .err()
    .unwrap();
    assert!(
        matches!(&err, TlsError::KeyFile { path, source } if *path == missing && source.kind() == ErrorKind::NotFound),
        "{err:?}"
    );
    let err = Connection::server(
        &missing,
        &fixture("server-ecdsa.key"),
        channel(&s),
        LONG,
        None,
    )
    .err()
    .unwrap();
    assert!(matches!(err, TlsError::CertificateFile { .. }), "{err:?}");
    // A key that is not the certificate's.
    let err = Connection::server(
        &fixture("server-ecdsa.pem"),
        &fixture("client-ecdsa.key"),
        channel(&s),
        LONG,
        None,
    )
    .err()
    .unwrap();
    assert!(matches!(err, TlsError::KeyPair { .. }), "{err:?}");
}

#[test]
fn writes_longer_than_a_record_go_whole() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let data: Vec<u8> = (0..100_000u32).map(|i| i.to_le_bytes()[0]).collect();
    let expected = data.clone();
    // A bound on every read, so that nothing here can hang.
    c.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let client = thread::spawn(move || {
        let mut client =
            Connection::client_trusting("localhost", trusting("ca.pem"), channel(&c), LONG)
                .unwrap();
        let mut got = Vec::new();
        let mut buf = [0u8; 4096];
        // Until the close_notify, or the end of the stream when a loaded
        // machine kept the close_notify from finding room in time.
        while let Ok(n @ 1..) = client.read(&mut buf) {
            got.extend_from_slice(&buf[..n]);
        }
        got
    });
    assert_eq!(server.write(&data).unwrap(), data.len());
    // The client is still reading: the close_notify waits for room.
    server.close_notify();
    drop(server);
    drop(s);
    assert_eq!(client.join().unwrap(), expected);
}
