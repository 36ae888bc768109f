//! A whole conversation between the two ends, in memory: the handshake with
//! a client certificate, tickets, post-handshake authentication and a
//! KeyUpdate. The input picks one handshake message (by its place in the
//! conversation, either side) and replaces or edits its body before it is
//! framed and protected, so each decoder and state is reached with hostile
//! content under real encryption.

use std::cell::Cell;
use std::rc::Rc;

use super::peers::{client_certificate, fresh_pair, pump};
use crate::tls::codec::handshake::{HandshakeType, frame};

/// `data[0]`: which message (counted over both sides); `data[1]`: how
/// (replace the body, overwrite from an offset, insert, truncate); the rest:
/// the bytes.
pub fn run(data: &[u8]) {
    let [target, how, rest @ ..] = data else {
        return;
    };
    let (target, how) = (usize::from(*target % 24), *how);
    let rest = rest.to_vec();
    let count = Rc::new(Cell::new(0usize));
    let (mut c, mut s) = fresh_pair();
    // The client's ClientHello went out already: message 0.
    if target == 0 {
        let hello = c.take_tls();
        let mut message = hello.get(5..).unwrap_or_default().to_vec();
        mutate(&mut message, how, &rest);
        for record in message.chunks(16384) {
            let mut wire = vec![22, 3, 1];
            wire.extend_from_slice(&u16::try_from(record.len()).unwrap_or(0).to_be_bytes());
            wire.extend_from_slice(record);
            if s.read_tls(&wire).is_err() {
                return;
            }
        }
    }
    count.set(1);
    for conn in [&mut c, &mut s] {
        let count = count.clone();
        let rest = rest.clone();
        conn.common_mut().rewrite_outgoing = Some(Box::new(move |message: &mut Vec<u8>| {
            let n = count.get();
            count.set(n + 1);
            if n == target {
                mutate(message, how, &rest);
            }
        }));
    }
    if !pump(&mut c, &mut s) || c.is_handshaking() || s.is_handshaking() {
        return;
    }
    let _ = s.send_tickets(1);
    if !pump(&mut c, &mut s) {
        return;
    }
    if s.request_client_auth(how & 1 == 0).is_err() || !pump(&mut c, &mut s) {
        return;
    }
    if c.has_certificate_request() {
        let certificate = client_certificate();
        let answer = (how & 2 == 0).then_some(certificate.as_ref());
        if c.answer_certificate_request(answer).is_err() || !pump(&mut c, &mut s) {
            return;
        }
    }
    if c.key_update(true).is_ok() {
        pump(&mut c, &mut s);
    }
}

/// Edits the framed handshake `message` (its type byte kept).
fn mutate(message: &mut Vec<u8>, how: u8, bytes: &[u8]) {
    let Some(&ty) = message.first() else {
        return;
    };
    let mut body = message.get(4..).unwrap_or_default().to_vec();
    let at = usize::from(bytes.first().copied().unwrap_or(0)) * 4;
    let bytes = bytes.get(1..).unwrap_or_default();
    match how % 4 {
        0 => body = bytes.to_vec(),
        1 => {
            for (i, b) in bytes.iter().enumerate() {
                if let Some(slot) = body.get_mut(at + i) {
                    *slot = *b;
                }
            }
        }
        2 => {
            let at = at.min(body.len());
            body.splice(at..at, bytes.iter().copied());
        }
        _ => body.truncate(at),
    }
    *message = frame(HandshakeType::from_u8(ty), &body);
}
