//! The server connection of the request a thread is serving, found without
//! any help from Telodendria: the last server connection that `TlsRead`
//! read from on this thread, while it is open.
//!
//! This holds because Cytoplasm's HttpServer serves one connection per
//! worker thread at a time: a worker reads a request from its connection
//! (`TlsRead`), runs the route's handler on the same thread, writes the
//! answer, and reads the next request from the same connection until it
//! closes it (`TlsClose`). So a handler (and `UiaComplete` inside it) runs
//! on the thread that read its request, and that thread's last read was
//! from the request's connection. Limits:
//! - a handler that hands its work to another thread finds no connection
//!   there (the step-up is then not offered);
//! - client connections (`TlsInitClient`, federation) are never noted, so a
//!   handler that fetches from another server keeps its request's
//!   connection;
//! - a closed connection is never found: the note holds a weak reference.
//!   A worker that goes on to a plain-HTTP connection finds none.

#![forbid(unsafe_code)]

use std::cell::RefCell;
use std::sync::{Arc, Weak};

use parking_lot::Mutex;

use super::conn::Connection;

/// A connection shared by its cookie and the thread's note.
pub type Shared = Arc<Mutex<Connection>>;

thread_local! {
    static CURRENT: RefCell<Weak<Mutex<Connection>>> = const { RefCell::new(Weak::new()) };
}

/// Notes `connection` as the one this thread serves.
pub fn note(connection: &Shared) {
    CURRENT.with(|current| *current.borrow_mut() = Arc::downgrade(connection));
}

/// Runs `body` on the connection this thread serves, if it is still open
/// and no other thread holds it.
pub fn with<R>(body: impl FnOnce(&mut Connection) -> R) -> Option<R> {
    let connection = CURRENT.with(|current| current.borrow().upgrade())?;
    let mut guard = connection.try_lock()?;
    Some(body(&mut guard))
}
