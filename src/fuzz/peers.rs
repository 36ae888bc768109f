//! The two ends the TLS targets drive: configurations built once from the
//! test fixtures compiled in (a fuzz run reads no files).

use std::sync::{Arc, OnceLock};

use crate::tls::config::{CertifiedKey, ClientAuth, ClientConfig, ServerConfig};
use crate::tls::connection::Connection;
use crate::tls::ticket_keys::TicketKeys;
use crate::x509::pem;
use crate::x509::verify::TrustStore;

const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.pem");
const SERVER_CERT: &[u8] = include_bytes!("../../tests/fixtures/server-ecdsa.pem");
const SERVER_KEY: &[u8] = include_bytes!("../../tests/fixtures/server-ecdsa.key");
const CLIENT_CERT: &[u8] = include_bytes!("../../tests/fixtures/client-ecdsa.pem");
const CLIENT_KEY: &[u8] = include_bytes!("../../tests/fixtures/client-ecdsa.key");

fn certified(chain: &[u8], key: &[u8]) -> Arc<CertifiedKey> {
    Arc::new(CertifiedKey {
        chain: pem::certificates(chain).expect("fixture chain"),
        key: pem::private_key(key).expect("fixture key"),
    })
}

fn trust() -> Arc<TrustStore> {
    Arc::new(
        TrustStore::from_certificates(&pem::certificates(CA).expect("fixture CA"))
            .expect("fixture CA"),
    )
}

/// The client's certificate, for post-handshake answers.
pub fn client_certificate() -> Arc<CertifiedKey> {
    static KEY: OnceLock<Arc<CertifiedKey>> = OnceLock::new();
    KEY.get_or_init(|| certified(CLIENT_CERT, CLIENT_KEY))
        .clone()
}

/// A client that offers post-handshake authentication and holds a
/// certificate.
pub fn client_config() -> Arc<ClientConfig> {
    static CONFIG: OnceLock<Arc<ClientConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Arc::new(ClientConfig {
                trust: Some(trust()),
                post_handshake_auth: true,
                certificate: Some(client_certificate()),
                ..ClientConfig::default()
            })
        })
        .clone()
}

/// A server that asks for a client certificate, trusts the client's CA and
/// issues tickets.
pub fn server_config() -> Arc<ServerConfig> {
    static CONFIG: OnceLock<Arc<ServerConfig>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            Arc::new(ServerConfig {
                client_trust: Some(trust()),
                client_auth: ClientAuth::Request,
                tickets: Some(Arc::new(
                    TicketKeys::new(&[7; 64], 3600).expect("ticket keys"),
                )),
                ..ServerConfig::new(certified(SERVER_CERT, SERVER_KEY))
            })
        })
        .clone()
}

/// A fresh client (its ClientHello queued) and server.
pub fn fresh_pair() -> (Connection, Connection) {
    (
        Connection::client(client_config(), Some("localhost")).expect("client"),
        Connection::server(server_config()),
    )
}

/// Moves bytes both ways until both are quiet, an error, or a bound.
pub fn pump(client: &mut Connection, server: &mut Connection) -> bool {
    for _ in 0..32 {
        let to_server = client.take_tls();
        let to_client = server.take_tls();
        if to_server.is_empty() && to_client.is_empty() {
            return true;
        }
        if !to_server.is_empty() && server.read_tls(&to_server).is_err() {
            return false;
        }
        if !to_client.is_empty() && client.read_tls(&to_client).is_err() {
            return false;
        }
    }
    false
}

/// An established pair, or `None` if the handshake failed (it never
/// should without a fault).
pub fn established() -> Option<(Connection, Connection)> {
    let (mut c, mut s) = fresh_pair();
    (pump(&mut c, &mut s) && !c.is_handshaking() && !s.is_handshaking()).then_some((c, s))
}

/// Splits `data` into chunks whose sizes come from the data itself, so the
/// fuzzer also explores how input is cut across reads.
pub fn chunks(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let (size, rest) = match data.split_first() {
        Some((first, rest)) => (usize::from(*first).max(1) * 4, rest),
        None => (1, data),
    };
    rest.chunks(size)
}
