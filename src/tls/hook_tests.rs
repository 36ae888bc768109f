//! Handshake hooks on a server: a PRE hook of the first ClientHello that
//! changes the configuration pauses the server before the ClientHello is
//! handled, and the new configuration answers it.

use std::sync::{Arc, Mutex};

use crate::tls::codec::handshake::HandshakeType;
use crate::tls::config::{ClientConfig, ServerConfig};
use crate::tls::connection::Connection;
use crate::tls::hook::{HandshakeHook, HookStop, HookTiming};
use crate::tls::tests::{certified, client_config, pump, server_config};
use crate::tls::tls12::suites::Tls12Suite;

/// A hook that asks for a new configuration at the ClientHello's PRE
/// call, and records the (type, timing) of every call.
fn reconfiguring_hook(calls: Arc<Mutex<Vec<(u8, HookTiming)>>>) -> HandshakeHook {
    Box::new(move |call| {
        calls.lock().unwrap().push((call.message_type, call.timing));
        if call.incoming
            && call.timing == HookTiming::Pre
            && call.message_type == HandshakeType::ClientHello.to_u8()
        {
            return Err(HookStop::Reconfigure);
        }
        Ok(())
    })
}

fn certificate_less_server(tls12: bool) -> ServerConfig {
    ServerConfig {
        tls12_suites: if tls12 {
            Tls12Suite::ALL.to_vec()
        } else {
            Vec::new()
        },
        tls13: !tls12,
        ..ServerConfig::without_certificate()
    }
}

fn client(tls12: bool) -> ClientConfig {
    ClientConfig {
        tls12_suites: if tls12 {
            Tls12Suite::ALL.to_vec()
        } else {
            Vec::new()
        },
        tls13: !tls12,
        ..client_config()
    }
}

#[test]
fn a_client_hello_hook_that_reconfigures_gets_the_hello_answered_under_the_new_configuration() {
    for tls12 in [false, true] {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let mut c = Connection::client(Arc::new(client(tls12)), Some("localhost")).unwrap();
        let mut s = Connection::server(Arc::new(certificate_less_server(tls12)));
        s.set_hook(Some(reconfiguring_hook(calls.clone())));
        s.read_tls(&c.take_tls()).unwrap();
        assert!(s.awaiting_reconfigure() && s.awaiting_client_hello_check());
        assert!(s.take_tls().is_empty(), "nothing answered yet");
        let hello = HandshakeType::ClientHello.to_u8();
        assert_eq!(*calls.lock().unwrap(), [(hello, HookTiming::Pre)]);
        let config = ServerConfig {
            tls12_suites: if tls12 {
                Tls12Suite::ALL.to_vec()
            } else {
                Vec::new()
            },
            tls13: !tls12,
            ..ServerConfig::new(certified("server", "ecdsa"))
        };
        s.resume_after_client_hello_check(Ok(()), Some(Arc::new(config)))
            .unwrap();
        // The POST hook of the ClientHello came once it was handled.
        assert_eq!(calls.lock().unwrap()[1], (hello, HookTiming::Post));
        pump(&mut c, &mut s).unwrap();
        assert!(!c.is_handshaking() && !s.is_handshaking(), "tls12: {tls12}");
    }
}

#[test]
fn without_a_new_configuration_the_hello_meets_the_old_one() {
    let mut c = Connection::client(Arc::new(client(false)), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(certificate_less_server(false)));
    s.set_hook(Some(reconfiguring_hook(Arc::default())));
    s.read_tls(&c.take_tls()).unwrap();
    assert!(s.resume_after_client_hello_check(Ok(()), None).is_err());
}

#[test]
fn reconfiguring_elsewhere_than_the_first_client_hello_pauses_nothing() {
    // The hook asks at every message; only the ClientHello pauses, once.
    let mut c = Connection::client(Arc::new(client(false)), Some("localhost")).unwrap();
    let mut s = Connection::server(Arc::new(server_config("ecdsa")));
    c.set_hook(Some(Box::new(|_| Err(HookStop::Reconfigure))));
    s.read_tls(&c.take_tls()).unwrap();
    assert!(!s.awaiting_reconfigure());
    pump(&mut c, &mut s).unwrap();
    assert!(!c.is_handshaking() && !s.is_handshaking());
}
