//! The certificate step-up on the backend's connections, over socket
//! pairs, with clients of the GnuTLS layer: asking a client that offered
//! post-handshake authentication, one that did not, one that sends a
//! request meanwhile, one that never answers; and the thread's note of its
//! connection.

use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::{Arc, Mutex as StdMutex};
use std::thread;
use std::time::Duration;

use parking_lot::Mutex;

use super::conn::{Connection, TlsError};
use super::current;
use super::stepup::StepUpConfig;
use super::tests::{LONG, channel, fixture, server_with};
use crate::gnutls::Error as GnutlsError;
use crate::gnutls::credentials::{CertificateCredentials, GNUTLS_X509_FMT_PEM};
use crate::gnutls::priority::Priority;
use crate::gnutls::session::{GNUTLS_CLIENT, GNUTLS_POST_HANDSHAKE_AUTH, Session};
use crate::uia::client_cert::ClientCert;

const SHORT: Duration = Duration::from_millis(300);

fn config() -> StepUpConfig {
    let text = r#"{"client_ca": "ca.pem", "tls_client_cert": {"subject_cn": "{localpart}"}}"#;
    StepUpConfig::parse(
        text,
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
    )
    .unwrap()
}

fn server(socket: &UnixStream, timeout: Duration) -> Connection {
    server_with(socket, timeout, Some(&config()))
}

/// A GnuTLS-layer client over `socket`, offering post-handshake
/// authentication with `cert` (a fixture's base name) when given.
fn client(socket: UnixStream, cert: Option<&str>) -> (Session, UnixStream) {
    let credentials = CertificateCredentials::new();
    let trust = crate::gnutls::trust_list::TrustList::new();
    trust
        .add_file(&fixture("ca.pem"), GNUTLS_X509_FMT_PEM)
        .unwrap();
    credentials.set_trust_list(Arc::new(trust));
    let mut flags = GNUTLS_CLIENT;
    if let Some(cert) = cert {
        let chain = std::fs::read(fixture(&format!("{cert}.pem"))).unwrap();
        let key = std::fs::read(fixture(&format!("{cert}.key"))).unwrap();
        credentials
            .add_key(&chain, &key, GNUTLS_X509_FMT_PEM)
            .unwrap();
        flags |= GNUTLS_POST_HANDSHAKE_AUTH;
    }
    let mut session = Session::new(flags).unwrap();
    session.set_priority(Priority::default());
    session.set_credentials(Arc::new(credentials));
    session.set_transport(channel(&socket).transport);
    session.set_handshake_timeout(10_000);
    (session, socket)
}

/// Reads until `want` bytes came, answering certificate requests.
fn read_answering(session: &mut Session, want: usize) -> Vec<u8> {
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    for _ in 0..64 {
        match session.recv(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                got.extend_from_slice(&buf[..n]);
                if got.len() >= want {
                    break;
                }
            }
            Err(GnutlsError::ReauthRequest) => session.reauth(0).unwrap(),
            Err(GnutlsError::Again | GnutlsError::Interrupted) => {}
            Err(e) => panic!("client read: {e:?}"),
        }
    }
    got
}

fn handshake(session: &mut Session) {
    for _ in 0..64 {
        match session.handshake() {
            Ok(()) => return,
            Err(GnutlsError::Again | GnutlsError::Interrupted) => {}
            Err(e) => panic!("client handshake: {e:?}"),
        }
    }
    panic!("client handshake made no progress");
}

/// A client thread: handshakes, sends each of `requests`, then reads the
/// 4-byte answer, answering certificate requests meanwhile.
fn spawn_client(
    socket: UnixStream,
    cert: Option<&'static str>,
    requests: &'static [&'static [u8]],
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let (mut session, _socket) = client(socket, cert);
        handshake(&mut session);
        for request in requests {
            session.send(request).unwrap();
        }
        read_answering(&mut session, 4)
    })
}

#[test]
fn a_client_that_offered_is_asked_and_its_certificate_verified() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = spawn_client(c, Some("client-ecdsa"), &[b"ping"]);
    let mut buf = [0u8; 16];
    assert_eq!(server.read(&mut buf).unwrap(), 4);
    assert_eq!(server.client_cert(), ClientCert::NotYet);
    server.ask_for_certificate().unwrap();
    match server.client_cert() {
        ClientCert::Presented(facts) => {
            assert_eq!(facts.common_names, ["alice"]);
            assert_eq!(facts.verified, Ok(()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.write(b"pong").unwrap(), 4);
    assert_eq!(client.join().unwrap(), b"pong");
}

#[test]
fn a_client_with_only_another_ca_s_certificate_sends_none() {
    // The request names the CAs of `client_ca`, and a GnuTLS client sends
    // only a certificate they issued (OpenSSL's sends any: the C test
    // covers that one, which the engine sees unverified).
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = spawn_client(c, Some("stranger"), &[b"ping"]);
    let mut buf = [0u8; 16];
    server.read(&mut buf).unwrap();
    server.ask_for_certificate().unwrap();
    assert_eq!(server.client_cert(), ClientCert::Refused);
    server.write(b"pong").unwrap();
    assert_eq!(client.join().unwrap(), b"pong");
}

#[test]
fn a_client_that_did_not_offer_cannot_be_asked() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = spawn_client(c, None, &[b"ping"]);
    let mut buf = [0u8; 16];
    server.read(&mut buf).unwrap();
    assert_eq!(server.client_cert(), ClientCert::Unavailable);
    server.write(b"pong").unwrap();
    assert_eq!(client.join().unwrap(), b"pong");
}

#[test]
fn a_request_sent_while_asked_is_kept_for_the_next_read() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, LONG);
    let client = spawn_client(c, Some("client-ecdsa"), &[b"ping", b"second request"]);
    let mut buf = [0u8; 64];
    assert_eq!(server.read(&mut buf[..4]).unwrap(), 4);
    server.ask_for_certificate().unwrap();
    assert!(matches!(server.client_cert(), ClientCert::Presented(_)));
    let n = server.read(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"second request");
    server.write(b"pong").unwrap();
    assert_eq!(client.join().unwrap(), b"pong");
}

#[test]
fn a_client_that_never_answers_times_out_and_the_connection_ends() {
    let (s, c) = UnixStream::pair().unwrap();
    let mut server = server(&s, SHORT);
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let client = thread::spawn(move || {
        let (mut session, socket) = client(c, Some("client-ecdsa"));
        handshake(&mut session);
        session.send(b"ping").unwrap();
        // Reads nothing more until the server gave up.
        let _ = done_rx.recv_timeout(LONG);
        drop(socket);
    });
    let mut buf = [0u8; 16];
    server.read(&mut buf).unwrap();
    let err = server.ask_for_certificate().unwrap_err();
    assert!(matches!(err, TlsError::CertificateTimedOut(_)), "{err:?}");
    assert!(matches!(server.read(&mut buf), Err(TlsError::Failed)));
    done_tx.send(()).unwrap();
    client.join().unwrap();
}

#[test]
// Test builds' connections are not Send (conn.rs); this one stays here.
#[allow(clippy::arc_with_non_send_sync)]
fn a_thread_finds_only_its_own_open_connection() {
    let (s, _c) = UnixStream::pair().unwrap();
    let shared = Arc::new(Mutex::new(server(&s, LONG)));
    assert!(current::with(|_| ()).is_none());
    current::note(&shared);
    assert!(current::with(|_| ()).is_some());
    // Another thread has no note of it.
    let seen = Arc::new(StdMutex::new(None));
    let seen_there = seen.clone();
    thread::spawn(move || *seen_there.lock().unwrap() = Some(current::with(|_| ()).is_some()))
        .join()
        .unwrap();
    assert_eq!(*seen.lock().unwrap(), Some(false));
    // Closed (the cookie's reference gone): found no more.
    drop(shared);
    assert!(current::with(|_| ()).is_none());
}
