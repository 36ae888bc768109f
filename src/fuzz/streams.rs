//! The client and server state machines fed arbitrary bytes: the server
//! from its first byte, the client after its ClientHello (what a hostile
//! server could answer). Cut into reads of sizes the input chooses.

use super::peers::{chunks, fresh_pair};

/// The server, fed `data` as its whole input.
pub fn server(data: &[u8]) {
    let (_, mut s) = fresh_pair();
    for chunk in chunks(data) {
        if s.read_tls(chunk).is_err() {
            break;
        }
        let _ = s.take_tls();
    }
}

/// The client, fed `data` after its ClientHello went out.
pub fn client(data: &[u8]) {
    let (mut c, _) = fresh_pair();
    let _ = c.take_tls();
    for chunk in chunks(data) {
        if c.read_tls(chunk).is_err() {
            break;
        }
        let _ = c.take_tls();
    }
}
