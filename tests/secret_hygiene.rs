//! Secrets are wiped before their memory is given back. This test binary
//! runs under an allocator that looks into every block freed for the
//! secrets of a conversation: an external PSK, every traffic secret the
//! key schedule derived (learned through the key log), the resumption PSK
//! a ticket carries, the ticket master key, and a UIA password. A block
//! that still holds one when freed is a copy nobody zeroized.
//!
//! The secrets the test itself must know live in static storage, never on
//! the heap, so the scan cannot meet the test's own copies.

// A global allocator is unsafe by nature; it is test code only.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

const SECRET_LEN: usize = 32;
const MAX_SECRETS: usize = 64;

/// Secrets to look for: filled by the key log and the test, read by the
/// allocator. Slots are written before `COUNT` makes them visible.
static SECRETS: [AtomicU8x32; MAX_SECRETS] = [const { AtomicU8x32::new() }; MAX_SECRETS];
static COUNT: AtomicUsize = AtomicUsize::new(0);
static SCANNING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);
static FOUND_SIZE: AtomicUsize = AtomicUsize::new(0);
static FOUND_WHICH: AtomicUsize = AtomicUsize::new(usize::MAX);

/// 32 bytes in atomics (so statics need no lock, and no heap).
struct AtomicU8x32([std::sync::atomic::AtomicU8; SECRET_LEN]);

impl AtomicU8x32 {
    const fn new() -> Self {
        Self([const { std::sync::atomic::AtomicU8::new(0) }; SECRET_LEN])
    }
    fn get(&self) -> [u8; SECRET_LEN] {
        let mut out = [0; SECRET_LEN];
        for (o, a) in out.iter_mut().zip(&self.0) {
            *o = a.load(Ordering::Relaxed);
        }
        out
    }
}

/// Remembers a secret to look for (its first 32 bytes; shorter ones are
/// padded with their own bytes and never match, so they are skipped).
fn watch(secret: &[u8]) {
    if secret.len() < SECRET_LEN {
        return;
    }
    let i = COUNT.load(Ordering::SeqCst);
    if i >= MAX_SECRETS {
        return;
    }
    for (a, b) in SECRETS[i].0.iter().zip(secret) {
        a.store(*b, Ordering::Relaxed);
    }
    COUNT.store(i + 1, Ordering::SeqCst);
}

struct Scanning;

// SAFETY: every call is forwarded to the system allocator unchanged; the
// scan only reads a block before it is given back.
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if SCANNING.load(Ordering::Relaxed) && layout.size() >= SECRET_LEN {
            // SAFETY: the block is still ours until System.dealloc.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let n = COUNT.load(Ordering::SeqCst);
            for (which, slot) in SECRETS.iter().take(n).enumerate() {
                let secret = slot.get();
                if block.windows(SECRET_LEN).any(|w| w == secret) {
                    FOUND.fetch_add(1, Ordering::SeqCst);
                    FOUND_SIZE.store(layout.size(), Ordering::SeqCst);
                    FOUND_WHICH.store(which, Ordering::SeqCst);
                }
            }
        }
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Scanning = Scanning;

const PSK: [u8; SECRET_LEN] = *b"external-psk-canary-0123456789ab";
const TICKET_MASTER: [u8; 64] =
    *b"ticket-master-key-canary-0123456ticket-master-key-canary-6543210";
const PASSWORD: &str = "uia-password-canary-0123456789abcdef";

fn conversation() {
    use stepup::tls::config::{ClientConfig, ExternalPsk, PskModes, ServerConfig};
    use stepup::tls::connection::Connection;
    use stepup::tls::ticket_keys::TicketKeys;
    use stepup::x509::pem;
    use zeroize::Zeroizing;

    let fixture = |name: &str| {
        std::fs::read(format!(
            "{}/tests/fixtures/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
    };
    let key_log: stepup::tls::config::KeyLog =
        Arc::new(|_label: &str, _random: &[u8], secret: &[u8]| watch(secret));
    let modes = PskModes {
        with_dhe: true,
        psk_only: false,
        psk_only_first: false,
    };
    let trust = Arc::new(
        stepup::x509::verify::TrustStore::from_certificates(
            &pem::certificates(&fixture("ca.pem")).unwrap(),
        )
        .unwrap(),
    );
    let client = Arc::new(ClientConfig {
        trust: Some(trust),
        psk: Some(ExternalPsk {
            identity: b"alice".to_vec(),
            key: Zeroizing::new(PSK.to_vec()),
        }),
        psk_modes: modes,
        key_log: Some(key_log.clone()),
        ..ClientConfig::default()
    });
    let certified = Arc::new(stepup::tls::config::CertifiedKey {
        chain: pem::certificates(&fixture("server-ecdsa.pem")).unwrap(),
        key: pem::private_key(&fixture("server-ecdsa.key")).unwrap(),
    });
    let server = Arc::new(ServerConfig {
        psk: Some(Arc::new(|identity: &[u8]| {
            Ok((identity == b"alice").then(|| Zeroizing::new(PSK.to_vec())))
        })),
        psk_modes: modes,
        tickets: Some(Arc::new(TicketKeys::new(&TICKET_MASTER, 3600).unwrap())),
        key_log: Some(key_log),
        ..ServerConfig::new(certified)
    });
    let mut c = Connection::client(client, Some("localhost")).unwrap();
    let mut s = Connection::server(server);
    for _ in 0..8 {
        let up = c.take_tls();
        let down = s.take_tls();
        if up.is_empty() && down.is_empty() {
            break;
        }
        s.read_tls(&up).unwrap();
        c.read_tls(&down).unwrap();
    }
    assert!(!c.is_handshaking() && !s.is_handshaking());
    c.write(b"ping").unwrap();
    s.read_tls(&c.take_tls()).unwrap();
    s.send_tickets(1).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    c.key_update(true).unwrap();
    s.read_tls(&c.take_tls()).unwrap();
    c.read_tls(&s.take_tls()).unwrap();
    let session = c.client_session().expect("a ticket arrived");
    watch(session.psk.as_ref());
    drop(session);
}

fn uia_password() {
    use stepup::uia::hooks::PasswordVerdict;
    use stepup::uia::{Config, Engine, FlowSet, Request};
    let engine = Engine::with_store(
        Config {
            store: "memory".into(),
            server_name: "example.org".into(),
            ..Config::default()
        },
        Box::new(stepup::uia::store::MemoryStore::new()),
        Arc::new(stepup::uia::clock::ManualClock::at(1_000_000)),
    );
    engine.set_password_checker(Arc::new(|_user: &str, password: &str| {
        Ok(if password == PASSWORD {
            PasswordVerdict::Correct
        } else {
            PasswordVerdict::Wrong
        })
    }));
    let flows = FlowSet::from_json(r#"{"flows":[{"stages":["m.login.password"]}]}"#).unwrap();
    // The body is the host's buffer: it lives in static storage here.
    static BODY: &str = r#"{"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"alice"},"password":"uia-password-canary-0123456789abcdef"}}"#;
    let outcome = engine
        .complete(
            &flows,
            &Request {
                method: "POST",
                path: "/_matrix/client/v3/delete_devices",
                body: BODY.as_bytes(),
                user: Some("@alice:example.org"),
                client: None,
            },
        )
        .unwrap();
    assert!(
        matches!(outcome, stepup::uia::Outcome::Done(_)),
        "{outcome:?}"
    );
}

#[test]
fn secrets_are_wiped_before_their_memory_is_freed() {
    watch(&PSK);
    watch(&TICKET_MASTER);
    watch(PASSWORD.as_bytes());
    // Warm up what allocates once (statics, the CSPRNG), then look.
    SCANNING.store(true, Ordering::SeqCst);
    conversation();
    uia_password();
    SCANNING.store(false, Ordering::SeqCst);
    let watched = COUNT.load(Ordering::SeqCst);
    assert!(watched >= 10, "the key log gave {watched} secrets to watch");
    assert_eq!(
        FOUND.load(Ordering::SeqCst),
        0,
        "a freed block of {} bytes still held secret #{} (of {watched})",
        FOUND_SIZE.load(Ordering::SeqCst),
        FOUND_WHICH.load(Ordering::SeqCst)
    );
}
