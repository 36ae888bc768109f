//! The TLS 1.3 engine against real peers over loopback TCP: OpenSSL's
//! s_server and s_client and Python's ssl module, for handshakes across
//! suites, groups and certificate types, and post-handshake authentication
//! in both directions. Each peer is a child process on 127.0.0.1, killed when
//! the test ends. A missing peer program skips loudly, unless
//! STEPUP_REQUIRE_INTEROP=1 (as `make test` sets) turns that into a failure.
#![cfg(feature = "tls")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use stepup::crypto::kx::KxGroup;
use stepup::tls::suites::CipherSuite;
use stepup::tls::ticket_keys::{MASTER_KEY_LEN, TicketKeys};
use stepup::tls::tls12::suites::{Authentication, Tls12Suite};
use stepup::tls::{
    CertifiedKey, ClientConfig, Connection, Event, ExternalPsk, ServerConfig, Verification,
};
use stepup::x509::pem;
use stepup::x509::verify::TrustStore;

const TIMEOUT: Duration = Duration::from_secs(15);

fn fixture_path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(fixture_path(name)).unwrap()
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

/// Whether `program` can run; a missing one skips (loudly) or fails.
fn available(program: &str, version_arg: &str) -> bool {
    let ok = Command::new(program)
        .arg(version_arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        if std::env::var("STEPUP_REQUIRE_INTEROP").is_ok_and(|v| v == "1") {
            panic!("{program} is required for the interop tests (.ci/run installs it)");
        }
        eprintln!("!!! SKIPPED: interop with {program}: not installed");
    }
    ok
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A child process killed (by PID) when dropped.
struct Peer {
    child: Child,
    lines: Receiver<String>,
}

impl Peer {
    fn spawn(cmd: &mut Command) -> Self {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    /// Waits for a stdout line containing `text`.
    fn expect_line(&self, text: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => {}
                Err(_) => break,
            }
        }
        panic!("peer never printed {text:?}");
    }

    fn send_stdin(&mut self, text: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(text.as_bytes()).unwrap();
        stdin.flush().unwrap();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The engine driven over a blocking socket.
struct Tls {
    conn: Connection,
    sock: TcpStream,
}

impl Tls {
    fn new(conn: Connection, sock: TcpStream) -> Self {
        sock.set_read_timeout(Some(TIMEOUT)).unwrap();
        sock.set_nodelay(true).unwrap();
        Self { conn, sock }
    }

    fn flush(&mut self) {
        let out = self.conn.take_tls();
        if !out.is_empty() {
            self.sock.write_all(&out).unwrap();
        }
    }

    /// One read from the socket, processed.
    fn read_once(&mut self) {
        self.flush();
        let mut buf = [0u8; 16384];
        let n = self.sock.read(&mut buf).expect("peer answered in time");
        assert!(n > 0, "peer closed the connection: {:?}", self.conn.error());
        self.conn.read_tls(&buf[..n]).expect("records accepted");
        self.flush();
    }

    fn handshake(&mut self) {
        let deadline = Instant::now() + TIMEOUT;
        while self.conn.is_handshaking() {
            assert!(Instant::now() < deadline, "handshake timed out");
            self.read_once();
        }
        self.flush();
    }

    fn send(&mut self, data: &[u8]) {
        self.conn.write(data).unwrap();
        self.flush();
    }

    /// Reads application data until it ends with `suffix`.
    fn receive_until(&mut self, suffix: &[u8]) -> Vec<u8> {
        let mut got = Vec::new();
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let mut buf = [0u8; 4096];
            let n = self.conn.read(&mut buf);
            got.extend_from_slice(&buf[..n]);
            if got.ends_with(suffix) {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "no {suffix:?} from the peer; got {got:?}"
            );
            self.read_once();
        }
    }

    fn wait_event(&mut self, matches: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            while let Some(event) = self.conn.next_event() {
                if matches(&event) {
                    return event;
                }
            }
            assert!(Instant::now() < deadline, "event did not arrive");
            self.read_once();
        }
    }
}

fn connect_client(port: u16, config: ClientConfig) -> Tls {
    let deadline = Instant::now() + TIMEOUT;
    let sock = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(s) => break s,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => panic!("connect: {e}"),
        }
    };
    let conn = Connection::client(Arc::new(config), Some("localhost")).unwrap();
    let mut tls = Tls::new(conn, sock);
    tls.handshake();
    tls
}

fn accept_server(listener: &TcpListener, config: ServerConfig) -> Tls {
    listener.set_nonblocking(false).unwrap();
    let (sock, _) = listener.accept().unwrap();
    let mut tls = Tls::new(Connection::server(Arc::new(config)), sock);
    tls.handshake();
    tls
}

/// Our client against `openssl s_server -rev` for one suite, group and key type.
fn client_against_s_server(suite: CipherSuite, group: KxGroup, kind: &str) {
    let port = free_port();
    let group_name = openssl_group(group);
    let server = Peer::spawn(Command::new("openssl").args([
        "s_server",
        "-tls1_3",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-naccept",
        "1",
        "-rev",
        "-cert",
        &fixture_path(&format!("server-{kind}.pem")),
        "-key",
        &fixture_path(&format!("server-{kind}.key")),
        "-ciphersuites",
        suite.name(),
        "-groups",
        group_name,
    ]));
    server.expect_line("ACCEPT");
    let config = ClientConfig {
        suites: vec![suite],
        groups: vec![group],
        trust: Some(trust()),
        ..ClientConfig::default()
    };
    let mut tls = connect_client(port, config);
    assert_eq!(tls.conn.negotiated().suite, Some(suite));
    assert_eq!(tls.conn.negotiated().group, Some(group));
    assert_eq!(
        tls.conn.negotiated().peer.as_ref().unwrap().verification,
        Verification::Verified
    );
    tls.send(b"stepup\n");
    assert_eq!(tls.receive_until(b"\n"), b"pupets\n");
}

#[test]
fn our_client_against_openssl_s_server() {
    if !available("openssl", "version") {
        return;
    }
    for suite in CipherSuite::ALL {
        for group in [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1] {
            for kind in ["rsa", "ecdsa", "ed25519"] {
                client_against_s_server(suite, group, kind);
            }
        }
    }
}

#[test]
fn our_server_against_openssl_s_client_with_post_handshake_auth() {
    if !available("openssl", "version") {
        return;
    }
    for kind in ["rsa", "ecdsa", "ed25519"] {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut client = Peer::spawn(Command::new("openssl").args([
            "s_client",
            "-tls1_3",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "localhost",
            "-CAfile",
            &fixture_path("ca.pem"),
            "-verify_return_error",
            "-quiet",
            "-enable_pha",
            "-cert",
            &fixture_path(&format!("client-{kind}.pem")),
            "-key",
            &fixture_path(&format!("client-{kind}.key")),
        ]));
        let config = ServerConfig {
            client_trust: Some(trust()),
            ..ServerConfig::new(certified("server", kind))
        };
        let mut tls = accept_server(&listener, config);
        assert!(tls.conn.negotiated().peer_offered_post_handshake_auth);
        client.send_stdin("hello from s_client\n");
        assert_eq!(tls.receive_until(b"\n"), b"hello from s_client\n");
        // Several post-handshake authentications, with data going both ways in between.
        for round in 0..3 {
            tls.conn.request_client_auth(true).unwrap();
            tls.send(format!("round {round}\n").as_bytes());
            let event = tls.wait_event(|e| matches!(e, Event::ClientAuthenticated(_)));
            let Event::ClientAuthenticated(identity) = event else {
                unreachable!()
            };
            assert_eq!(
                identity.verification,
                Verification::Verified,
                "{kind} round {round}"
            );
            client.expect_line(&format!("round {round}"));
        }
        client.send_stdin("after reauth\n");
        assert_eq!(tls.receive_until(b"\n"), b"after reauth\n");
    }
}

#[test]
fn our_client_answers_python_servers_post_handshake_auth() {
    if !available("python3", "--version") {
        return;
    }
    for kind in ["rsa", "ecdsa", "ed25519"] {
        client_answers_python_server(kind);
    }
}

fn client_answers_python_server(kind: &str) {
    let port = free_port();
    let script = format!(
        r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.load_cert_chain("{cert}", "{key}")
ctx.load_verify_locations("{ca}")
ctx.verify_mode = ssl.CERT_OPTIONAL
ctx.post_handshake_auth = True
with socket.create_server(("127.0.0.1", {port})) as srv:
    print("LISTENING", flush=True)
    conn, _ = srv.accept()
    with ctx.wrap_socket(conn, server_side=True) as tls:
        tls.recv(100)
        for i in range(2):
            tls.verify_client_post_handshake()
            tls.sendall(b"auth please\n")
            data = tls.recv(100)
            cert = tls.getpeercert()
            print("PEER", i, dict(x[0] for x in cert["subject"])["commonName"] if cert else None, data, flush=True)
        tls.sendall(b"bye\n")
"#,
        cert = fixture_path(&format!("server-{kind}.pem")),
        key = fixture_path(&format!("server-{kind}.key")),
        ca = fixture_path("ca.pem"),
    );
    let server = Peer::spawn(Command::new("python3").args(["-c", &script]));
    server.expect_line("LISTENING");
    let config = ClientConfig {
        trust: Some(trust()),
        post_handshake_auth: true,
        certificate: Some(certified("client", kind)),
        ..ClientConfig::default()
    };
    let mut tls = connect_client(port, config);
    tls.send(b"hi\n");
    for i in 0..2 {
        tls.wait_event(|e| *e == Event::CertificateRequested);
        tls.conn.answer_certificate_request(None).unwrap();
        tls.send(format!("answered {i}\n").as_bytes());
        let line = server.expect_line(&format!("PEER {i}"));
        assert!(line.contains("alice"), "python saw our certificate: {line}");
    }
    tls.receive_until(b"bye\n");
}

#[test]
fn our_server_against_python_client_with_post_handshake_auth() {
    if !available("python3", "--version") {
        return;
    }
    for kind in ["rsa", "ecdsa", "ed25519"] {
        server_against_python_client(kind);
    }
}

fn server_against_python_client(kind: &str) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let script = format!(
        r#"
import socket, ssl
ctx = ssl.create_default_context(cafile="{ca}")
ctx.minimum_version = ssl.TLSVersion.TLSv1_3
ctx.post_handshake_auth = True
ctx.load_cert_chain("{cert}", "{key}")
with socket.create_connection(("127.0.0.1", {port})) as raw:
    with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
        print("VERSION", tls.version(), tls.cipher()[0], flush=True)
        tls.sendall(b"python here\n")
        buf = b""
        while not buf.endswith(b"done\n"):
            chunk = tls.recv(100)
            if not chunk:
                break
            buf += chunk
        print("GOT", buf, flush=True)
"#,
        ca = fixture_path("ca.pem"),
        cert = fixture_path(&format!("client-{kind}.pem")),
        key = fixture_path(&format!("client-{kind}.key")),
    );
    let client = Peer::spawn(Command::new("python3").args(["-c", &script]));
    let config = ServerConfig {
        client_trust: Some(trust()),
        ..ServerConfig::new(certified("server", kind))
    };
    let mut tls = accept_server(&listener, config);
    client.expect_line("VERSION TLSv1.3");
    assert_eq!(tls.receive_until(b"\n"), b"python here\n");
    for _ in 0..2 {
        tls.conn.request_client_auth(true).unwrap();
        tls.send(b"please authenticate\n");
        let Event::ClientAuthenticated(identity) =
            tls.wait_event(|e| matches!(e, Event::ClientAuthenticated(_)))
        else {
            unreachable!()
        };
        assert_eq!(identity.verification, Verification::Verified);
    }
    tls.send(b"done\n");
    client.expect_line("GOT");
}

/// Every suite x group x server/client key type.
fn matrix() -> Vec<(CipherSuite, KxGroup, &'static str)> {
    let mut cases = Vec::new();
    for suite in CipherSuite::ALL {
        for group in [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1] {
            for kind in ["rsa", "ecdsa", "ed25519"] {
                cases.push((suite, group, kind));
            }
        }
    }
    cases
}

fn openssl_group(group: KxGroup) -> &'static str {
    match group {
        KxGroup::X25519 => "X25519",
        KxGroup::Secp256r1 => "P-256",
        KxGroup::Secp384r1 => "P-384",
    }
}

#[test]
fn our_server_against_openssl_s_client_for_every_suite_group_and_key() {
    if !available("openssl", "version") {
        return;
    }
    for (suite, group, kind) in matrix() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut client = Peer::spawn(Command::new("openssl").args([
            "s_client",
            "-tls1_3",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "localhost",
            "-CAfile",
            &fixture_path("ca.pem"),
            "-verify_return_error",
            "-quiet",
            "-ciphersuites",
            suite.name(),
            "-groups",
            openssl_group(group),
        ]));
        let mut tls = accept_server(&listener, ServerConfig::new(certified("server", kind)));
        assert_eq!(
            (tls.conn.negotiated().suite, tls.conn.negotiated().group),
            (Some(suite), Some(group))
        );
        client.send_stdin("matrix\n");
        assert_eq!(tls.receive_until(b"\n"), b"matrix\n");
        tls.send(b"ok\n");
        client.expect_line("ok");
    }
}

fn openssl_tls12_cipher(suite: Tls12Suite) -> &'static str {
    match suite {
        Tls12Suite::EcdheEcdsaAes128Gcm => "ECDHE-ECDSA-AES128-GCM-SHA256",
        Tls12Suite::EcdheEcdsaAes256Gcm => "ECDHE-ECDSA-AES256-GCM-SHA384",
        Tls12Suite::EcdheEcdsaChacha20 => "ECDHE-ECDSA-CHACHA20-POLY1305",
        Tls12Suite::EcdheRsaAes128Gcm => "ECDHE-RSA-AES128-GCM-SHA256",
        Tls12Suite::EcdheRsaAes256Gcm => "ECDHE-RSA-AES256-GCM-SHA384",
        Tls12Suite::EcdheRsaChacha20 => "ECDHE-RSA-CHACHA20-POLY1305",
        Tls12Suite::PskAes128Gcm => "PSK-AES128-GCM-SHA256",
        Tls12Suite::PskAes256Gcm => "PSK-AES256-GCM-SHA384",
        Tls12Suite::PskChacha20 => "PSK-CHACHA20-POLY1305",
        Tls12Suite::EcdhePskAes128Gcm | Tls12Suite::EcdhePskAes256Gcm => {
            unreachable!("OpenSSL 3.0 has no ECDHE-PSK with AES-GCM")
        }
        Tls12Suite::EcdhePskChacha20 => "ECDHE-PSK-CHACHA20-POLY1305",
    }
}

/// TLS 1.2 against `openssl s_client -tls1_2`: every suite with a key of
/// its kind, the groups in turn, and RSA signing with PKCS#1 v1.5 or PSS
/// as the client's signature algorithms ask.
#[test]
fn our_tls12_server_against_openssl_s_client() {
    if !available("openssl", "version") {
        return;
    }
    let groups = [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1];
    let mut cases = Vec::new();
    for (i, suite) in Tls12Suite::ALL.into_iter().enumerate() {
        let kinds: &[&str] = match suite.authentication() {
            Authentication::Ecdsa => &["ecdsa", "ed25519"],
            Authentication::Rsa => &["rsa"],
            Authentication::Psk => &[],
        };
        for (j, kind) in kinds.iter().enumerate() {
            cases.push((suite, groups[(i + j) % 3], *kind, None));
        }
    }
    cases.push((
        Tls12Suite::EcdheRsaAes128Gcm,
        KxGroup::Secp256r1,
        "rsa",
        Some("RSA+SHA256"),
    ));
    cases.push((
        Tls12Suite::EcdheRsaAes256Gcm,
        KxGroup::X25519,
        "rsa",
        Some("RSA-PSS+SHA384"),
    ));
    for (suite, group, kind, sigalgs) in cases {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut args = vec![
            "s_client".to_owned(),
            "-tls1_2".to_owned(),
            "-connect".to_owned(),
            format!("127.0.0.1:{port}"),
            "-servername".to_owned(),
            "localhost".to_owned(),
            "-CAfile".to_owned(),
            fixture_path("ca.pem"),
            "-verify_return_error".to_owned(),
            "-quiet".to_owned(),
            "-cipher".to_owned(),
            openssl_tls12_cipher(suite).to_owned(),
            // P-256 too: the client must name the ECDSA certificate's curve.
            "-groups".to_owned(),
            if group == KxGroup::Secp256r1 {
                "P-256".to_owned()
            } else {
                format!("{}:P-256", openssl_group(group))
            },
        ];
        if let Some(sigalgs) = sigalgs {
            args.extend(["-sigalgs".to_owned(), sigalgs.to_owned()]);
        }
        let mut client = Peer::spawn(Command::new("openssl").args(&args));
        let mut config = ServerConfig::new(certified("server", kind));
        config.tls12_suites = Tls12Suite::ALL.to_vec();
        config.groups = vec![group];
        let mut tls = accept_server(&listener, config);
        let negotiated = tls.conn.negotiated();
        assert_eq!(
            (negotiated.version, negotiated.tls12_suite, negotiated.group),
            (Some(0x0303), Some(suite), Some(group)),
            "{suite:?} {kind} {sigalgs:?}"
        );
        if let Some(sigalgs) = sigalgs {
            let expected = if sigalgs.starts_with("RSA+") {
                0x0401
            } else {
                0x0805
            };
            assert_eq!(negotiated.server_signature_scheme, Some(expected));
        }
        client.send_stdin("over tls 1.2\n");
        assert_eq!(tls.receive_until(b"\n"), b"over tls 1.2\n");
        tls.send(b"ok\n");
        client.expect_line("ok");
    }
}

/// TLS 1.2 PSK suites, alone and with ECDHE, against `openssl s_client
/// -psk` and `s_server -psk -nocert`.
#[test]
fn tls12_psk_against_openssl_both_ways() {
    if !available("openssl", "version") {
        return;
    }
    let psk_hex = hex(PSK_KEY);
    let cases = [
        Tls12Suite::PskAes128Gcm,
        Tls12Suite::PskAes256Gcm,
        Tls12Suite::PskChacha20,
        Tls12Suite::EcdhePskChacha20,
    ];
    for suite in cases {
        let cipher = openssl_tls12_cipher(suite);
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut client = Peer::spawn(Command::new("openssl").args([
            "s_client",
            "-tls1_2",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-psk_identity",
            "alice",
            "-psk",
            &psk_hex,
            "-cipher",
            cipher,
            "-quiet",
        ]));
        let config = ServerConfig {
            tls12_suites: Tls12Suite::PSK.to_vec(),
            psk: Some(Arc::new(|identity: &[u8]| {
                Ok((identity == b"alice").then(|| zeroize::Zeroizing::new(PSK_KEY.to_vec())))
            })),
            ..ServerConfig::without_certificate()
        };
        let mut tls = accept_server(&listener, config);
        let n = tls.conn.negotiated();
        assert_eq!(
            (n.tls12_suite, n.psk_identity.as_deref()),
            (Some(suite), Some(&b"alice"[..]))
        );
        client.send_stdin("psk 1.2\n");
        assert_eq!(tls.receive_until(b"\n"), b"psk 1.2\n");
        drop(client);

        let port = free_port();
        let server = Peer::spawn(Command::new("openssl").args([
            "s_server",
            "-tls1_2",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-naccept",
            "1",
            "-rev",
            "-nocert",
            "-psk_identity",
            "alice",
            "-psk",
            &psk_hex,
            "-cipher",
            cipher,
        ]));
        server.expect_line("ACCEPT");
        let config = ClientConfig {
            tls12_suites: vec![suite],
            tls13: false,
            psk: Some(ExternalPsk {
                identity: b"alice".to_vec(),
                key: zeroize::Zeroizing::new(PSK_KEY.to_vec()),
            }),
            ..ClientConfig::default()
        };
        let mut tls = connect_client(port, config);
        assert_eq!(tls.conn.negotiated().tls12_suite, Some(suite));
        tls.send(b"stepup\n");
        assert_eq!(tls.receive_until(b"\n"), b"pupets\n");
    }
}

fn gnutls_tls12_kx(suite: Tls12Suite) -> &'static str {
    match suite.authentication() {
        Authentication::Ecdsa => "ECDHE-ECDSA",
        Authentication::Rsa => "ECDHE-RSA",
        Authentication::Psk => unreachable!("certificate suites only"),
    }
}

/// Every TLS 1.2 certificate suite and group against `gnutls-cli` with TLS
/// 1.3 off, each with the key kinds that serve it; the master secret our
/// server logs is the one gnutls-cli writes to SSLKEYLOGFILE (CLIENT_RANDOM).
#[test]
fn our_tls12_server_against_gnutls_cli_with_key_logs() {
    if !available("gnutls-cli", "--version") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("stepup-gnutls-cli12-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let groups = [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1];
    let mut case = 0;
    for suite in Tls12Suite::ALL {
        let kinds: &[&str] = match suite.authentication() {
            Authentication::Ecdsa => &["ecdsa", "ed25519", "p384"],
            Authentication::Rsa => &["rsa"],
            Authentication::Psk => &[],
        };
        for kind in kinds {
            for group in groups {
                case += 1;
                let file = dir.join(format!("{case}.log"));
                let listener = TcpListener::bind("127.0.0.1:0").unwrap();
                let port = listener.local_addr().unwrap().port();
                let priority = format!(
                    "NORMAL:-VERS-ALL:+VERS-TLS1.2:-KX-ALL:+{}:-CIPHER-ALL:+{}:-GROUP-ALL:+{}:+GROUP-SECP256R1:+GROUP-SECP384R1",
                    gnutls_tls12_kx(suite),
                    gnutls_cipher_of(suite.aead()),
                    gnutls_group(group)
                );
                let mut client = Peer::spawn(
                    Command::new("gnutls-cli")
                        .args([
                            "127.0.0.1",
                            "-p",
                            &port.to_string(),
                            "--x509cafile",
                            &fixture_path("ca.pem"),
                            "--priority",
                            &priority,
                        ])
                        .env("SSLKEYLOGFILE", &file),
                );
                let (log, lines) = key_log();
                let mut config = ServerConfig {
                    key_log: Some(log),
                    ..ServerConfig::new(certified("server", kind))
                };
                config.tls12_suites = Tls12Suite::ALL.to_vec();
                config.tls12_client_order = true;
                let mut tls = accept_server(&listener, config);
                let n = tls.conn.negotiated();
                assert_eq!(
                    (n.version, n.tls12_suite, n.group),
                    (Some(0x0303), Some(suite), Some(group)),
                    "{suite:?} {kind} {group:?}"
                );
                client.send_stdin("from gnutls-cli\n");
                assert_eq!(tls.receive_until(b"\n"), b"from gnutls-cli\n");
                let ours = lines.lock().unwrap().clone();
                assert_eq!(ours.len(), 1, "one CLIENT_RANDOM line: {ours:?}");
                let deadline = Instant::now() + TIMEOUT;
                while !std::fs::read_to_string(&file)
                    .unwrap_or_default()
                    .lines()
                    .any(|l| l.eq_ignore_ascii_case(&ours[0]))
                {
                    assert!(
                        Instant::now() < deadline,
                        "gnutls-cli logged another master secret than {}",
                        ours[0]
                    );
                    std::thread::sleep(Duration::from_millis(50));
                }
            }
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

fn gnutls_cipher_of(aead: stepup::crypto::aead::AeadAlgorithm) -> &'static str {
    use stepup::crypto::aead::AeadAlgorithm as A;
    match aead {
        A::Aes128Gcm => "AES-128-GCM",
        A::Aes256Gcm => "AES-256-GCM",
        A::Chacha20Poly1305 => "CHACHA20-POLY1305",
    }
}

/// RFC 5705 keying material under TLS 1.2 (no context, as `s_client
/// -keymatexport` asks) is what OpenSSL computes.
#[test]
fn tls12_exporter_matches_openssl() {
    if !available("openssl", "version") {
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = Peer::spawn(Command::new("openssl").args([
        "s_client",
        "-tls1_2",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-CAfile",
        &fixture_path("ca.pem"),
        "-keymatexport",
        "EXPERIMENTAL-stepup",
        "-keymatexportlen",
        "20",
    ]));
    let mut config = ServerConfig::new(certified("server", "rsa"));
    config.tls12_suites = Tls12Suite::ALL.to_vec();
    let mut tls = accept_server(&listener, config);
    let ours = tls
        .conn
        .export_keying_material_without_context(b"EXPERIMENTAL-stepup", 20)
        .unwrap();
    let line = client.expect_line("Keying material:");
    let theirs = line.rsplit(' ').next().unwrap().to_ascii_lowercase();
    assert_eq!(hex(&ours), theirs);
    client.send_stdin("bye\n");
    assert_eq!(tls.receive_until(b"\n"), b"bye\n");
}

/// Our client, offering TLS 1.3 and 1.2, against `openssl s_server
/// -tls1_2 -rev`: every suite with a key of its kind.
#[test]
fn our_tls12_client_against_openssl_s_server() {
    if !available("openssl", "version") {
        return;
    }
    let groups = [KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1];
    for (i, suite) in Tls12Suite::ALL.into_iter().enumerate() {
        let kinds: &[&str] = match suite.authentication() {
            Authentication::Ecdsa => &["ecdsa", "ed25519"],
            Authentication::Rsa => &["rsa"],
            Authentication::Psk => &[],
        };
        for kind in kinds {
            let group = groups[i % 3];
            let port = free_port();
            let server = Peer::spawn(Command::new("openssl").args([
                "s_server",
                "-tls1_2",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-naccept",
                "1",
                "-rev",
                "-cert",
                &fixture_path(&format!("server-{kind}.pem")),
                "-key",
                &fixture_path(&format!("server-{kind}.key")),
                "-cipher",
                openssl_tls12_cipher(suite),
                "-groups",
                openssl_group(group),
            ]));
            server.expect_line("ACCEPT");
            let config = ClientConfig {
                tls12_suites: vec![suite],
                groups: vec![group, KxGroup::Secp256r1],
                trust: Some(trust()),
                ..ClientConfig::default()
            };
            let mut tls = connect_client(port, config);
            let negotiated = tls.conn.negotiated();
            assert_eq!(
                (negotiated.version, negotiated.tls12_suite, negotiated.group),
                (Some(0x0303), Some(suite), Some(group)),
                "{suite:?} {kind}"
            );
            assert_eq!(
                negotiated.peer.as_ref().unwrap().verification,
                Verification::Verified
            );
            tls.send(b"stepup\n");
            assert_eq!(tls.receive_until(b"\n"), b"pupets\n");
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A key log collecting NSS-format lines.
fn key_log() -> (
    stepup::tls::config::KeyLog,
    Arc<std::sync::Mutex<Vec<String>>>,
) {
    let lines = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = lines.clone();
    let log: stepup::tls::config::KeyLog =
        Arc::new(move |label: &str, random: &[u8], secret: &[u8]| {
            sink.lock()
                .unwrap()
                .push(format!("{label} {} {}", hex(random), hex(secret)));
        });
    (log, lines)
}

/// Every secret we logged appears, identically, in the peer's key log file.
fn assert_same_secrets(ours: &[String], file: &str) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let theirs = std::fs::read_to_string(file).unwrap_or_default();
        let missing: Vec<&String> = ours
            .iter()
            .filter(|l| !theirs.lines().any(|t| t.eq_ignore_ascii_case(l)))
            .collect();
        if missing.is_empty() {
            assert!(ours.len() >= 4, "too few secrets logged: {ours:?}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "secrets differ from the peer's key log: {missing:?}\n{theirs}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn secrets_match_openssls_key_log_for_every_suite() {
    if !available("openssl", "version") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("stepup-keylog-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for suite in CipherSuite::ALL {
        let file = dir.join(format!("{}.log", suite.name()));
        let port = free_port();
        let server = Peer::spawn(Command::new("openssl").args([
            "s_server",
            "-tls1_3",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-naccept",
            "1",
            "-rev",
            "-cert",
            &fixture_path("server-ecdsa.pem"),
            "-key",
            &fixture_path("server-ecdsa.key"),
            "-ciphersuites",
            suite.name(),
            "-keylogfile",
            file.to_str().unwrap(),
        ]));
        server.expect_line("ACCEPT");
        let (log, lines) = key_log();
        let config = ClientConfig {
            suites: vec![suite],
            trust: Some(trust()),
            key_log: Some(log),
            ..ClientConfig::default()
        };
        let mut tls = connect_client(port, config);
        tls.send(b"keys\n");
        tls.receive_until(b"\n");
        assert_same_secrets(&lines.lock().unwrap(), file.to_str().unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// GnuTLS priority-string names.
fn gnutls_cipher(suite: CipherSuite) -> &'static str {
    match suite {
        CipherSuite::Aes128GcmSha256 => "AES-128-GCM",
        CipherSuite::Aes256GcmSha384 => "AES-256-GCM",
        CipherSuite::Chacha20Poly1305Sha256 => "CHACHA20-POLY1305",
    }
}

fn gnutls_group(group: KxGroup) -> &'static str {
    match group {
        KxGroup::X25519 => "GROUP-X25519",
        KxGroup::Secp256r1 => "GROUP-SECP256R1",
        KxGroup::Secp384r1 => "GROUP-SECP384R1",
    }
}

fn gnutls_priority(suite: CipherSuite, group: KxGroup) -> String {
    format!(
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+{}:-GROUP-ALL:+{}",
        gnutls_cipher(suite),
        gnutls_group(group)
    )
}

#[test]
fn our_server_against_gnutls_cli_with_key_logs_and_post_handshake_auth() {
    if !available("gnutls-cli", "--version") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("stepup-gnutls-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = matrix();
    for (i, (suite, group, kind)) in cases.into_iter().enumerate() {
        let file = dir.join(format!("{i}.log"));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut client = Peer::spawn(
            Command::new("gnutls-cli")
                .args([
                    "127.0.0.1",
                    "-p",
                    &port.to_string(),
                    "--x509cafile",
                    &fixture_path("ca.pem"),
                    "--priority",
                    &gnutls_priority(suite, group),
                    "--post-handshake-auth",
                    "--x509certfile",
                    &fixture_path(&format!("client-{kind}.pem")),
                    "--x509keyfile",
                    &fixture_path(&format!("client-{kind}.key")),
                ])
                .env("SSLKEYLOGFILE", &file),
        );
        let (log, lines) = key_log();
        let config = ServerConfig {
            client_trust: Some(trust()),
            key_log: Some(log),
            ..ServerConfig::new(certified("server", kind))
        };
        let mut tls = accept_server(&listener, config);
        assert_eq!(tls.conn.negotiated().suite, Some(suite));
        assert_eq!(tls.conn.negotiated().group, Some(group));
        assert!(tls.conn.negotiated().peer_offered_post_handshake_auth);
        client.send_stdin("from gnutls-cli\n");
        assert_eq!(tls.receive_until(b"\n"), b"from gnutls-cli\n");
        for round in 0..2 {
            tls.conn.request_client_auth(true).unwrap();
            tls.send(format!("reauth {round}\n").as_bytes());
            let Event::ClientAuthenticated(identity) =
                tls.wait_event(|e| matches!(e, Event::ClientAuthenticated(_)))
            else {
                unreachable!()
            };
            assert_eq!(
                identity.verification,
                Verification::Verified,
                "{suite:?} {group:?} {kind}"
            );
            client.expect_line(&format!("reauth {round}"));
        }
        assert_same_secrets(&lines.lock().unwrap(), file.to_str().unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// gnutls-serv binds every interface, so this test runs itself again inside
/// a new network namespace with only loopback up (`unshare -n`, as root).
#[test]
fn our_client_against_gnutls_serv_with_reauth() {
    if std::env::var("STEPUP_IN_NETNS").is_err() {
        if !available("gnutls-serv", "--version") || !available("unshare", "--version") {
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let output = Command::new("unshare")
            .args(["-n", "sh", "-c", "ip link set lo up && STEPUP_IN_NETNS=1 exec \"$0\" --exact our_client_against_gnutls_serv_with_reauth --nocapture --test-threads=1"])
            .arg(&exe)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&output.stdout);
        if !output.status.success()
            && String::from_utf8_lossy(&output.stderr).contains("Operation not permitted")
        {
            if std::env::var("STEPUP_REQUIRE_INTEROP").is_ok_and(|v| v == "1") {
                panic!("unshare -n is not permitted here");
            }
            eprintln!("!!! SKIPPED: gnutls-serv interop: unshare -n is not permitted");
            return;
        }
        assert!(
            output.status.success() && text.contains("1 passed"),
            "{text}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("stepup-gnutls-serv-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (suite, group, kind)) in matrix().into_iter().enumerate() {
        let port = free_port();
        let file = dir.join(format!("{i}.log"));
        let _server = Peer::spawn(
            Command::new("gnutls-serv")
                .args([
                    "--echo",
                    "-p",
                    &port.to_string(),
                    "--priority",
                    &gnutls_priority(suite, group),
                    "--x509certfile",
                    &fixture_path(&format!("server-{kind}.pem")),
                    "--x509keyfile",
                    &fixture_path(&format!("server-{kind}.key")),
                    "--x509cafile",
                    &fixture_path("ca.pem"),
                    "--require-client-cert",
                ])
                .env("SSLKEYLOGFILE", &file),
        );
        let (log, lines) = key_log();
        let config = ClientConfig {
            suites: vec![suite],
            groups: vec![group],
            trust: Some(trust()),
            post_handshake_auth: true,
            certificate: Some(certified("client", kind)),
            key_log: Some(log),
            ..ClientConfig::default()
        };
        let mut tls = connect_client(port, config);
        tls.send(b"echo me\n");
        assert_eq!(tls.receive_until(b"echo me\n"), b"echo me\n");
        // gnutls-serv runs gnutls_reauth() when it reads this line.
        tls.send(b"**REAUTH**\n");
        tls.wait_event(|e| *e == Event::CertificateRequested);
        tls.conn.answer_certificate_request(None).unwrap();
        tls.send(b"after reauth\n");
        let echoed = tls.receive_until(b"after reauth\n");
        assert!(echoed.ends_with(b"after reauth\n"));
        assert_same_secrets(&lines.lock().unwrap(), file.to_str().unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn our_client_answers_openssl_s_server_post_handshake_auth() {
    if !available("openssl", "version") {
        return;
    }
    let port = free_port();
    let mut server = Peer::spawn(Command::new("openssl").args([
        "s_server",
        "-tls1_3",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-naccept",
        "1",
        "-cert",
        &fixture_path("server-rsa.pem"),
        "-key",
        &fixture_path("server-rsa.key"),
        "-verifyCAfile",
        &fixture_path("ca.pem"),
        "-verify_return_error",
    ]));
    server.expect_line("ACCEPT");
    let config = ClientConfig {
        trust: Some(trust()),
        post_handshake_auth: true,
        certificate: Some(certified("client", "ecdsa")),
        ..ClientConfig::default()
    };
    let mut tls = connect_client(port, config);
    tls.send(b"before\n");
    server.expect_line("before");
    // s_server's "c" command starts post-handshake authentication.
    server.send_stdin("c\n");
    tls.wait_event(|e| *e == Event::CertificateRequested);
    tls.conn.answer_certificate_request(None).unwrap();
    tls.send(b"after\n");
    server.expect_line("after");
    // s_server reports the verified client certificate on its next command.
    server.send_stdin("hello client\n");
    tls.receive_until(b"hello client\n");
}

/// The external PSK of the PSK interop tests, and its hex form for openssl.
const PSK_KEY: &[u8] = b"stepup psk key!!";

#[test]
fn external_psk_against_openssl_both_ways() {
    if !available("openssl", "version") {
        return;
    }
    let psk_hex = hex(PSK_KEY);
    // openssl s_client -psk against our server: psk_dhe_ke, no certificates,
    // then a post-handshake authentication with the client's certificate.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut client = Peer::spawn(Command::new("openssl").args([
        "s_client",
        "-tls1_3",
        "-connect",
        &format!("127.0.0.1:{port}"),
        "-psk_identity",
        "alice",
        "-psk",
        &psk_hex,
        "-quiet",
        "-enable_pha",
        "-cert",
        &fixture_path("client-ecdsa.pem"),
        "-key",
        &fixture_path("client-ecdsa.key"),
    ]));
    let config = ServerConfig {
        client_trust: Some(trust()),
        psk: Some(Arc::new(|identity: &[u8]| {
            Ok((identity == b"alice").then(|| zeroize::Zeroizing::new(PSK_KEY.to_vec())))
        })),
        ..ServerConfig::new(certified("server", "ecdsa"))
    };
    let mut tls = accept_server(&listener, config);
    assert_eq!(
        tls.conn.negotiated().psk_identity.as_deref(),
        Some(&b"alice"[..])
    );
    assert!(tls.conn.negotiated().psk_with_dhe);
    client.send_stdin("over the psk\n");
    assert_eq!(tls.receive_until(b"\n"), b"over the psk\n");
    tls.conn.request_client_auth(true).unwrap();
    tls.send(b"step up\n");
    let event = tls.wait_event(|e| matches!(e, Event::ClientAuthenticated(_)));
    let Event::ClientAuthenticated(identity) = event else {
        unreachable!()
    };
    assert_eq!(identity.verification, Verification::Verified);
    client.expect_line("step up");
    drop(client);

    // Our client against openssl s_server -psk -nocert.
    let port = free_port();
    let server = Peer::spawn(Command::new("openssl").args([
        "s_server",
        "-tls1_3",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-naccept",
        "1",
        "-rev",
        "-nocert",
        "-psk_identity",
        "alice",
        "-psk",
        &psk_hex,
    ]));
    server.expect_line("ACCEPT");
    let config = ClientConfig {
        psk: Some(ExternalPsk {
            identity: b"alice".to_vec(),
            key: zeroize::Zeroizing::new(PSK_KEY.to_vec()),
        }),
        ..ClientConfig::default()
    };
    let mut tls = connect_client(port, config);
    assert_eq!(
        tls.conn.negotiated().psk_identity.as_deref(),
        Some(&b"alice"[..])
    );
    assert!(tls.conn.negotiated().peer.is_none());
    tls.send(b"stepup\n");
    assert_eq!(tls.receive_until(b"\n"), b"pupets\n");
}

/// A ticketing server: sessions resume on any server with the same key.
fn ticketing(kind: &str) -> ServerConfig {
    ServerConfig {
        tickets: Some(Arc::new(
            TicketKeys::new(&[42; MASTER_KEY_LEN], 3600).unwrap(),
        )),
        ..ServerConfig::new(certified("server", kind))
    }
}

#[test]
fn resumption_with_openssl_both_ways() {
    if !available("openssl", "version") {
        return;
    }
    // openssl s_client -sess_out, then -sess_in, against our ticketing server.
    let dir = std::env::temp_dir().join(format!("stepup-resume-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let session_file = dir.join("session.pem");
    let session_path = session_file.to_str().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for (round, flag) in [(0, "-sess_out"), (1, "-sess_in")] {
        let mut client = Peer::spawn(Command::new("openssl").args([
            "s_client",
            "-tls1_3",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "localhost",
            "-CAfile",
            &fixture_path("ca.pem"),
            flag,
            session_path,
        ]));
        let mut tls = accept_server(&listener, ticketing("ecdsa"));
        assert_eq!(tls.conn.negotiated().resumed, round == 1, "round {round}");
        // Data both ways makes s_client read the ticket before it leaves.
        client.send_stdin("ping\n");
        assert_eq!(tls.receive_until(b"\n"), b"ping\n");
        tls.send(b"pong\n");
        client.expect_line(if round == 0 {
            "New, TLSv1.3"
        } else {
            "Reused, TLSv1.3"
        });
        client.expect_line("pong");
    }
    std::fs::remove_dir_all(&dir).ok();

    // Our client against openssl s_server: a ticket from the first
    // connection resumes the second.
    let port = free_port();
    let _server = Peer::spawn(Command::new("openssl").args([
        "s_server",
        "-tls1_3",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-naccept",
        "2",
        "-rev",
        "-cert",
        &fixture_path("server-ecdsa.pem"),
        "-key",
        &fixture_path("server-ecdsa.key"),
    ]));
    let config = || ClientConfig {
        trust: Some(trust()),
        ..ClientConfig::default()
    };
    let mut tls = connect_client(port, config());
    tls.send(b"first\n");
    assert_eq!(tls.receive_until(b"\n"), b"tsrif\n");
    let session = tls.conn.client_session().expect("s_server sends tickets");
    drop(tls);
    let mut tls = connect_client(
        port,
        ClientConfig {
            resume: Some(session),
            ..config()
        },
    );
    assert!(tls.conn.negotiated().resumed);
    tls.send(b"again\n");
    assert_eq!(tls.receive_until(b"\n"), b"niaga\n");
}
