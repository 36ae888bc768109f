//! Every handshake message decoder and extension reader, on arbitrary
//! bytes: the first byte picks which.

use crate::tls::codec::certificate::{Certificate, CertificateRequest, CertificateVerify};
use crate::tls::codec::extensions;
use crate::tls::codec::handshake::Joiner;
use crate::tls::codec::hello::{ClientHello, ServerHello};
use crate::tls::codec::psk;
use crate::tls::codec::ticket::{KeyUpdateRequest, NewSessionTicket};

/// Decodes `data[1..]` with the decoder `data[0]` names.
pub fn run(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    match which % 20 {
        0 => {
            if let Ok(hello) = ClientHello::decode(body) {
                // What decodes must encode back to the same bytes.
                assert_eq!(ClientHello::decode(&hello.encode()).ok(), Some(hello));
            }
        }
        1 => {
            let _ = ServerHello::decode(body);
        }
        2 => {
            let _ = Certificate::decode(body);
        }
        3 => {
            let _ = CertificateRequest::decode(body);
        }
        4 => {
            let _ = CertificateVerify::decode(body);
        }
        5 => {
            let _ = NewSessionTicket::decode(body);
        }
        6 => {
            let _ = KeyUpdateRequest::decode(body);
        }
        7 => {
            let _ = extensions::read_client_key_shares(body);
        }
        8 => {
            let _ = extensions::read_server_key_share(body);
        }
        9 => {
            let _ = extensions::read_server_name(body);
        }
        10 => {
            let _ = extensions::read_alpn(body);
        }
        11 => {
            let _ = extensions::read_client_versions(body);
        }
        12 => {
            let _ = extensions::read_u16_list(body, "fuzz");
        }
        13 => {
            if let Ok(offered) = psk::OfferedPsks::decode(body) {
                let _ = offered.binders_encoding();
            }
        }
        14 => {
            let _ = psk::decode_modes(body);
            let _ = psk::decode_selected(body);
        }
        15 => {
            let mut r = crate::tls::codec::Reader::new(body);
            let _ = extensions::Extensions::read(&mut r);
        }
        _ => {
            // The handshake message joiner, fed in pieces.
            let mut joiner = Joiner::new();
            for piece in body.chunks(usize::from(which / 20).max(1)) {
                if joiner.push(piece).is_err() {
                    return;
                }
                while let Ok(Some(_)) = joiner.next_message() {}
            }
        }
    }
}
