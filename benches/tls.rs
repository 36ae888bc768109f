//! TLS 1.3 engine throughput, in memory (both ends are stepup, one thread):
//! full handshakes per second per certificate type, and bulk record
//! throughput per cipher suite (seal + open of 16 KiB records). Prints a table
//! and writes target/bench/tls.md. The ratio against the system GnuTLS comes
//! with the GnuTLS API (the same C benchmark built against both).

use std::sync::Arc;
use std::time::{Duration, Instant};

use stepup::tls::suites::CipherSuite;
use stepup::tls::{CertifiedKey, ClientConfig, Connection, ServerConfig};
use stepup::x509::pem;

const RUN_FOR: Duration = Duration::from_secs(2);

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn certified(kind: &str) -> Arc<CertifiedKey> {
    Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture(&format!("server-{kind}.pem"))).expect("cert"),
        key: pem::private_key(&fixture(&format!("server-{kind}.key"))).expect("key"),
    })
}

fn transfer(from: &mut Connection, to: &mut Connection, scratch: &mut Vec<u8>) {
    scratch.clear();
    scratch.extend_from_slice(from.pending_tls());
    let n = scratch.len();
    from.consume_tls(n);
    if n > 0 {
        to.read_tls(scratch).expect("records accepted");
    }
}

fn connect(
    client: &Arc<ClientConfig>,
    server: &Arc<ServerConfig>,
    scratch: &mut Vec<u8>,
) -> (Connection, Connection) {
    let mut c = Connection::client(client.clone(), Some("localhost")).expect("client");
    let mut s = Connection::server(server.clone());
    while c.is_handshaking() || s.is_handshaking() {
        transfer(&mut c, &mut s, scratch);
        transfer(&mut s, &mut c, scratch);
    }
    (c, s)
}

fn per_second(count: u32, elapsed: Duration) -> f64 {
    f64::from(count) / elapsed.as_secs_f64()
}

fn main() {
    let mut report =
        String::from("## TLS 1.3 engine (in memory, one thread, both ends stepup)\n\n");
    report.push_str("| server key | handshakes/s |\n| --- | --- |\n");
    let client = Arc::new(ClientConfig::default());
    let mut scratch = Vec::with_capacity(1 << 16);
    for kind in ["ecdsa", "ed25519", "rsa"] {
        let server = Arc::new(ServerConfig::new(certified(kind)));
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < RUN_FOR {
            connect(&client, &server, &mut scratch);
            n += 1;
        }
        report.push_str(&format!(
            "| {kind} | {:.0} |\n",
            per_second(n, start.elapsed())
        ));
    }
    report.push_str("\n| suite | bulk MB/s (seal + open, 16 KiB records) |\n| --- | --- |\n");
    let server = Arc::new(ServerConfig::new(certified("ecdsa")));
    let record = vec![0x5a_u8; 16 * 1024];
    let mut sink = vec![0u8; 16 * 1024];
    for suite in CipherSuite::ALL {
        let client = Arc::new(ClientConfig {
            suites: vec![suite],
            ..ClientConfig::default()
        });
        let (mut c, mut s) = connect(&client, &server, &mut scratch);
        let start = Instant::now();
        let mut n = 0u32;
        while start.elapsed() < RUN_FOR {
            c.write(&record).expect("write");
            transfer(&mut c, &mut s, &mut scratch);
            s.read(&mut sink);
            n += 1;
        }
        let mb = per_second(n, start.elapsed()) * 16.0 / 1024.0;
        report.push_str(&format!("| {} | {mb:.0} |\n", suite.name()));
    }
    print!("{report}");
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench");
    std::fs::create_dir_all(&out).expect("target/bench");
    std::fs::write(out.join("tls.md"), report).expect("write report");
}
