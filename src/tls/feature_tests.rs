//! The engine's application-facing features against itself, in memory:
//! ALPN precedence and fallback, application extensions, the pause after
//! the ClientHello, the last handshake messages, the send cap, the fixed
//! hello random, and the exporter on both ends.

use std::sync::{Arc, Mutex};

use super::config::{CertifiedKey, ClientConfig, CustomExtension, ExtensionMessage, ServerConfig};
use super::connection::Connection;
use super::error::Error;
use crate::x509::pem;

fn certified() -> Arc<CertifiedKey> {
    let read = |name: &str| {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    Arc::new(CertifiedKey {
        chain: pem::certificates(&read("server-ecdsa.pem")).unwrap(),
        key: pem::private_key(&read("server-ecdsa.key")).unwrap(),
    })
}

fn pump(client: &mut Connection, server: &mut Connection) -> Result<(), Error> {
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

fn connect(client: ClientConfig, server: ServerConfig) -> (Connection, Connection) {
    let mut c = Connection::client(Arc::new(client), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server));
    pump(&mut c, &mut s).unwrap();
    (c, s)
}

fn protocols(names: &[&str]) -> Vec<Vec<u8>> {
    names.iter().map(|n| n.as_bytes().to_vec()).collect()
}

#[test]
fn alpn_follows_the_configured_precedence_and_may_fall_back() {
    let client = || ClientConfig {
        alpn: protocols(&["h2", "http/1.1"]),
        ..ClientConfig::default()
    };
    let server = |precedence, names: &[&str], mandatory| ServerConfig {
        alpn: protocols(names),
        alpn_server_precedence: precedence,
        alpn_mandatory: mandatory,
        ..ServerConfig::new(certified())
    };
    let (c, s) = connect(client(), server(false, &["http/1.1", "h2"], true));
    assert_eq!(c.negotiated().alpn.as_deref(), Some(&b"h2"[..]));
    assert_eq!(s.negotiated().alpn.as_deref(), Some(&b"h2"[..]));
    let (c, _) = connect(client(), server(true, &["http/1.1", "h2"], true));
    assert_eq!(c.negotiated().alpn.as_deref(), Some(&b"http/1.1"[..]));
    let (c, s) = connect(client(), server(true, &["spdy"], false));
    assert!(c.negotiated().alpn.is_none() && s.negotiated().alpn.is_none());
    assert!(!c.is_handshaking() && !s.is_handshaking());
    let mut c = Connection::client(Arc::new(client()), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server(true, &["spdy"], true)));
    assert!(pump(&mut c, &mut s).is_err());
}

/// Records what it was asked, and answers with its body.
struct Recorder {
    body: Option<Vec<u8>>,
    seen: Mutex<Vec<String>>,
}

impl CustomExtension for Recorder {
    fn extension_type(&self) -> u16 {
        0xfe01
    }
    fn send(&self, message: ExtensionMessage) -> Result<Option<Vec<u8>>, i32> {
        self.seen.lock().unwrap().push(format!("send {message:?}"));
        Ok(self.body.clone())
    }
    fn receive(&self, message: ExtensionMessage, body: &[u8]) -> Result<(), i32> {
        let text = String::from_utf8_lossy(body);
        self.seen
            .lock()
            .unwrap()
            .push(format!("recv {message:?} {text}"));
        if body == b"fail" { Err(-1234) } else { Ok(()) }
    }
}

fn recorder(body: Option<&str>) -> Arc<Recorder> {
    Arc::new(Recorder {
        body: body.map(|b| b.as_bytes().to_vec()),
        seen: Mutex::new(Vec::new()),
    })
}

#[test]
fn application_extensions_travel_in_client_hello_and_encrypted_extensions() {
    let (ours, theirs) = (recorder(Some("xyz")), recorder(Some("abc")));
    let client = ClientConfig {
        custom_extensions: vec![ours.clone()],
        ..ClientConfig::default()
    };
    let server = ServerConfig {
        custom_extensions: vec![theirs.clone()],
        ..ServerConfig::new(certified())
    };
    let (c, s) = connect(client, server);
    assert!(!c.is_handshaking() && !s.is_handshaking());
    assert_eq!(
        *ours.seen.lock().unwrap(),
        ["send ClientHello", "recv EncryptedExtensions abc"]
    );
    assert_eq!(
        *theirs.seen.lock().unwrap(),
        ["recv ClientHello xyz", "send EncryptedExtensions"]
    );

    // Not offered: the server is not asked to answer.
    let (silent, answering) = (recorder(None), recorder(Some("abc")));
    let client = ClientConfig {
        custom_extensions: vec![silent],
        ..ClientConfig::default()
    };
    let server = ServerConfig {
        custom_extensions: vec![answering.clone()],
        ..ServerConfig::new(certified())
    };
    connect(client, server);
    assert!(answering.seen.lock().unwrap().is_empty());

    // A receive function's error ends the handshake with its code.
    let client = ClientConfig {
        custom_extensions: vec![recorder(Some("fail"))],
        ..ClientConfig::default()
    };
    let server = ServerConfig {
        custom_extensions: vec![recorder(None)],
        ..ServerConfig::new(certified())
    };
    let mut c = Connection::client(Arc::new(client), None).unwrap();
    let mut s = Connection::server(Arc::new(server));
    assert_eq!(pump(&mut c, &mut s), Err(Error::HookAborted(-1234)));
}

#[test]
fn a_server_pauses_after_the_client_hello_until_told() {
    let server = ServerConfig {
        pause_after_client_hello: true,
        ..ServerConfig::new(certified())
    };
    let mut c = Connection::client(Arc::new(ClientConfig::default()), None).unwrap();
    let mut s = Connection::server(Arc::new(server));
    s.read_tls(&c.take_tls()).unwrap();
    assert!(s.awaiting_client_hello_check());
    assert!(
        s.take_tls().is_empty(),
        "nothing is answered during the pause"
    );
    assert_eq!(s.last_handshake_messages(), (Some(1), None));
    s.resume_after_client_hello_check(Ok(()), None).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
    assert_eq!(s.last_handshake_messages(), (Some(20), Some(20)));

    let server = ServerConfig {
        pause_after_client_hello: true,
        ..ServerConfig::new(certified())
    };
    let mut c = Connection::client(Arc::new(ClientConfig::default()), None).unwrap();
    let mut s = Connection::server(Arc::new(server));
    s.read_tls(&c.take_tls()).unwrap();
    assert_eq!(
        s.resume_after_client_hello_check(Err(-1234), None),
        Err(Error::HookAborted(-1234))
    );
    assert!(
        s.take_tls().is_empty(),
        "an abort sends nothing, no alert either"
    );
}

#[test]
fn key_updates_count_as_last_messages_except_automatic_answers() {
    let (mut c, mut s) = connect(ClientConfig::default(), ServerConfig::new(certified()));
    c.forget_last_handshake_messages();
    s.forget_last_handshake_messages();
    s.key_update(true).unwrap();
    pump(&mut c, &mut s).unwrap();
    assert_eq!(c.last_handshake_messages(), (Some(24), None));
    assert_eq!(s.last_handshake_messages(), (Some(24), Some(24)));
}

#[test]
fn the_send_cap_limits_records_and_the_randoms_can_be_fixed() {
    let client = ClientConfig {
        max_fragment: 512,
        random: Some([7; 32]),
        ..ClientConfig::default()
    };
    let server = ServerConfig {
        random: Some([9; 32]),
        ..ServerConfig::new(certified())
    };
    let mut c = Connection::client(Arc::new(client), None).unwrap();
    let hello = c.take_tls();
    // Record header (5), handshake header (4), legacy_version (2), random.
    assert_eq!(&hello[11..43], &[7; 32]);
    let mut s = Connection::server(Arc::new(server));
    s.read_tls(&hello).unwrap();
    let answer = s.take_tls();
    assert_eq!(&answer[11..43], &[9; 32]);
    c.read_tls(&answer).unwrap();
    pump(&mut c, &mut s).unwrap();
    c.write(&[0; 2000]).unwrap();
    // 2000 bytes in records of at most 512: four records.
    let records = c.take_tls();
    let mut count = 0;
    let mut at = 0;
    while at < records.len() {
        let len = usize::from(u16::from_be_bytes([records[at + 3], records[at + 4]]));
        at += 5 + len;
        count += 1;
    }
    assert_eq!(count, 4);
    let exported = |conn: &Connection| conn.export_keying_material(b"EXPORTER-x", b"", 32).unwrap();
    s.read_tls(&records).unwrap();
    assert_eq!(exported(&c), exported(&s));
}

#[test]
fn early_start_sends_before_the_client_finished_and_reads_only_after_it() {
    let config = ServerConfig {
        verify: super::config::VerifyPolicy::Report,
        early_start: true,
        ..ServerConfig::new(certified())
    };
    let client_config = ClientConfig {
        verify: super::config::VerifyPolicy::Report,
        ..ClientConfig::default()
    };
    let mut c = Connection::client(Arc::new(client_config), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(config));
    // ClientHello in, the server's flight out: the server is done.
    s.read_tls(&c.take_tls()).unwrap();
    assert!(!s.is_handshaking());
    assert!(s.negotiated().early_start);
    s.write(b"half a round trip early").unwrap();
    // The client takes the flight and the data, and answers with its Finished.
    c.read_tls(&s.take_tls()).unwrap();
    assert!(!c.is_handshaking());
    let mut buf = [0u8; 64];
    let n = c.read(&mut buf);
    assert_eq!(&buf[..n], b"half a round trip early");
    c.write(b"after the Finished").unwrap();
    s.read_tls(&c.take_tls()).unwrap();
    let n = s.read(&mut buf);
    assert_eq!(&buf[..n], b"after the Finished");
    // Without the option, or when a certificate is asked for, no early start.
    let (_, s) = connect(ClientConfig::default(), ServerConfig::new(certified()));
    assert!(!s.negotiated().early_start);
}
