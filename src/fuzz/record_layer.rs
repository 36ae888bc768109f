//! The record layer of an established connection, from the client to the
//! server: raw bytes, protected records whose inner plaintext the input
//! chooses (content type and padding included), application data and
//! KeyUpdates, in any order. The server's answers go back to the client.

use super::peers::established;
use crate::tls::record::ContentType;

/// One input: a list of operations, each a tag byte and its operands.
pub fn run(data: &[u8]) {
    let Some((mut c, mut s)) = established() else {
        return;
    };
    let mut input = data;
    for _ in 0..64 {
        let Some((&tag, rest)) = input.split_first() else {
            break;
        };
        let len = usize::from(rest.first().copied().unwrap_or(0)) * (1 + usize::from(tag >> 4));
        let body = rest.get(1..).unwrap_or_default();
        let (operand, next) = body.split_at(len.min(body.len()));
        input = next;
        let sent = match tag & 3 {
            // Bytes straight onto the wire: headers, lengths, anything.
            0 => {
                let mut wire = c.take_tls();
                wire.extend_from_slice(operand);
                s.read_tls(&wire)
            }
            // A protected record whose inner plaintext is `operand`: its
            // last byte is the content type, zeros before it are content.
            1 => match operand.split_last() {
                Some((&ty, payload)) => c
                    .common_mut()
                    .send_raw_record(ContentType::from_u8(ty), payload)
                    .and_then(|()| s.read_tls(&c.take_tls())),
                None => Ok(()),
            },
            2 => c.write(operand).and_then(|()| s.read_tls(&c.take_tls())),
            _ => c
                .key_update(tag & 4 != 0)
                .and_then(|()| s.read_tls(&c.take_tls())),
        };
        let mut buf = [0u8; 512];
        while s.read(&mut buf) > 0 {}
        if sent.is_err() || c.read_tls(&s.take_tls()).is_err() {
            break;
        }
    }
}
