//! Handshake messages of any type and content sent, protected, over an
//! established connection, either way: what a peer may send after the
//! handshake (NewSessionTicket, CertificateRequest, KeyUpdate, the answer to
//! a post-handshake CertificateRequest, ...) and what it may not.

use super::peers::established;
use crate::tls::codec::handshake::HandshakeType;

/// A list of messages: a header byte (bit 7: from the server; bit 6: the
/// server asks for a client certificate first; bits 0-5 with the next byte:
/// the body length), the type, then the body.
pub fn run(data: &[u8]) {
    let Some((mut c, mut s)) = established() else {
        return;
    };
    let mut input = data;
    for _ in 0..16 {
        let [header, extra, ty, rest @ ..] = input else {
            break;
        };
        let len = (usize::from(header & 0x3f) << 8 | usize::from(*extra)).min(rest.len());
        let (body, next) = rest.split_at(len);
        input = next;
        if header & 0x40 != 0
            && s.request_client_auth(false).is_ok()
            && c.read_tls(&s.take_tls()).is_err()
        {
            break;
        }
        let (sender, receiver) = if header & 0x80 != 0 {
            (&mut s, &mut c)
        } else {
            (&mut c, &mut s)
        };
        let sent = sender
            .common_mut()
            .send_message(HandshakeType::from_u8(*ty), body);
        if sent.is_err() || receiver.read_tls(&sender.take_tls()).is_err() {
            break;
        }
        if sender.read_tls(&receiver.take_tls()).is_err() {
            break;
        }
    }
}
