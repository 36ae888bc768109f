//! The bulk data path allocates nothing per record: after a warm-up, sending
//! and receiving a thousand records (sealed into a lent output buffer,
//! deframed and opened in place, delivered from that same buffer) makes no
//! heap allocation at all. And an idle connection holds no record buffer:
//! buffers are lent while bytes wait, and taken back after. Counted with a
//! global allocator, on the test's own thread only: the harness's other
//! threads allocate when they please, which once made this test fail under
//! load.
#![cfg(feature = "tls")]
// A counting allocator is unsafe by nature; this is a test, not library code.
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::Arc;

use stepup::tls::{CertifiedKey, ClientConfig, Connection, ServerConfig};
use stepup::x509::pem;

struct Counting;

fn size(n: usize) -> isize {
    isize::try_from(n).unwrap_or(isize::MAX)
}

thread_local! {
    /// Whether this thread's allocations count (const-initialised: reading
    /// it allocates nothing).
    static MEASURED: Cell<bool> = const { Cell::new(false) };
    /// Allocations (and reallocations) the thread made while measured.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
    /// Bytes the thread allocated and freed not, while measured (freeing
    /// on another thread would skew it; these tests do not).
    static LIVE: Cell<isize> = const { Cell::new(0) };
}

fn measured() -> bool {
    MEASURED.try_with(Cell::get).unwrap_or(false)
}

fn count() {
    if measured() {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

fn live(change: isize) {
    if measured() {
        let _ = LIVE.try_with(|n| n.set(n.get() + change));
    }
}

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        live(size(layout.size()));
        // SAFETY: the caller's layout contract, passed through.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        live(-size(layout.size()));
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        live(size(new_size) - size(layout.size()));
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

fn configs() -> (Arc<ClientConfig>, Arc<ServerConfig>) {
    let cert = Arc::new(CertifiedKey {
        chain: pem::certificates(&fixture("server-ecdsa.pem")).unwrap(),
        key: pem::private_key(&fixture("server-ecdsa.key")).unwrap(),
    });
    (
        Arc::new(ClientConfig::default()),
        Arc::new(ServerConfig::new(cert)),
    )
}

/// A client and a server of `configs` after their handshake.
fn connected(
    (client_config, server_config): &(Arc<ClientConfig>, Arc<ServerConfig>),
    scratch: &mut Vec<u8>,
) -> (Connection, Connection) {
    let mut client = Connection::client(client_config.clone(), Some("localhost")).unwrap();
    let mut server = Connection::server(server_config.clone());
    for _ in 0..4 {
        transfer(&mut client, &mut server, scratch);
        transfer(&mut server, &mut client, scratch);
    }
    assert!(!client.is_handshaking());
    (client, server)
}

/// A record each way, read whole.
fn exchange(client: &mut Connection, server: &mut Connection, scratch: &mut Vec<u8>) {
    let mut buf = [0u8; 64];
    client.write(b"ping").unwrap();
    transfer(client, server, scratch);
    assert_eq!(server.read(&mut buf), 4);
    server.write(b"pong").unwrap();
    transfer(server, client, scratch);
    assert_eq!(client.read(&mut buf), 4);
}

#[test]
fn an_idle_connection_holds_no_record_buffer() {
    MEASURED.set(true);
    let configs = configs();
    let mut scratch = Vec::with_capacity(1 << 16);
    // A first pair fills the thread's pool of record buffers.
    let (mut c, mut s) = connected(&configs, &mut scratch);
    exchange(&mut c, &mut s, &mut scratch);
    let before = LIVE.get();
    let (mut client, mut server) = connected(&configs, &mut scratch);
    exchange(&mut client, &mut server, &mut scratch);
    let held = LIVE.get() - before;
    // About 4 KB in practice: secrets, keys, the peer's certificate and
    // the session's record. One record buffer alone is over 16 KB.
    assert!(
        held < 8 * 1024,
        "an idle client and server hold {held} bytes"
    );
    drop((client, server, c, s));
}

#[test]
fn bulk_records_allocate_nothing() {
    MEASURED.set(true);
    let mut scratch = Vec::with_capacity(1 << 16);
    let (mut client, mut server) = connected(&configs(), &mut scratch);
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
    let before = ALLOCATIONS.get();
    assert!(before > 0, "the counter sees the handshake's allocations");
    for _ in 0..1000 {
        round(&mut client, &mut server, &mut scratch);
    }
    let allocations = ALLOCATIONS.get() - before;
    assert_eq!(allocations, 0, "allocations during 1000 records of 16 KiB");
}
