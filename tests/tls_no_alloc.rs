//! The bulk data path allocates nothing per record: after a warm-up, sending
//! and receiving a thousand records (sealed into a reused output buffer,
//! deframed and opened in place, delivered into a reused plaintext buffer)
//! makes no heap allocation at all. Counted with a global allocator, on the
//! test's own thread only: the harness's other threads allocate when they
//! please, which once made this test fail under load.
#![cfg(feature = "tls")]
// A counting allocator is unsafe by nature; this is a test, not library code.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use stepup::tls::{CertifiedKey, ClientConfig, Connection, ServerConfig};
use stepup::x509::pem;

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Whether this thread's allocations count (const-initialised: reading
    /// it allocates nothing).
    static MEASURED: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if MEASURED.try_with(Cell::get).unwrap_or(false) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's layout contract, passed through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Moves pending bytes from `from` to `to` through a reused buffer.
fn transfer(from: &mut Connection, to: &mut Connection, scratch: &mut Vec<u8>) {
    scratch.clear();
    scratch.extend_from_slice(from.pending_tls());
    let n = scratch.len();
    from.consume_tls(n);
    if n > 0 {
        to.read_tls(scratch).unwrap();
    }
}

#[test]
fn bulk_records_allocate_nothing() {
    MEASURED.set(true);
    let cert = Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture("server-ecdsa.pem")).unwrap(),
        key: pem::private_key(&fixture("server-ecdsa.key")).unwrap(),
    });
    let mut client =
        Connection::client(Arc::new(ClientConfig::default()), Some("localhost")).unwrap();
    let mut server = Connection::server(Arc::new(ServerConfig::new(cert)));
    let mut scratch = Vec::with_capacity(1 << 16);
    for _ in 0..4 {
        transfer(&mut client, &mut server, &mut scratch);
        transfer(&mut server, &mut client, &mut scratch);
    }
    assert!(!client.is_handshaking());
    let record = vec![0x5a; 16 * 1024];
    let mut sink = vec![0u8; 16 * 1024];
    let mut round = |client: &mut Connection, server: &mut Connection, scratch: &mut Vec<u8>| {
        client.write(&record).unwrap();
        transfer(client, server, scratch);
        assert_eq!(server.read(&mut sink), record.len());
    };
    // Warm-up: buffers reach their working size.
    for _ in 0..8 {
        round(&mut client, &mut server, &mut scratch);
    }
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    assert!(before > 0, "the counter sees the handshake's allocations");
    for _ in 0..1000 {
        round(&mut client, &mut server, &mut scratch);
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    assert_eq!(allocations, 0, "allocations during 1000 records of 16 KiB");
}
