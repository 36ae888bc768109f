//! Checkpoints of the SQLite write-ahead log, off the request path.
//!
//! SQLite's automatic checkpoint runs inside the `COMMIT` that crosses its
//! threshold: that request copies the log into the database and waits for
//! two `fsync`s while every other completion waits for the connection. Here
//! the writer only counts its commits; every `EVERY_COMMITS` it starts a
//! short-lived thread that runs a passive checkpoint (which never blocks
//! readers or the writer) on a connection of its own. The writer keeps
//! SQLite's automatic checkpoint at a higher mark as a backstop, for when a
//! thread cannot be had or cannot keep up.
//!
//! A thread per checkpoint rather than one that waits: a server that forks
//! after opening the store finds no thread of ours running in the child,
//! except during the milliseconds of a checkpoint.

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread::JoinHandle;

use rusqlite::Connection;

/// Commits between two checkpoints (a commit here writes 2–3 pages, so
/// about SQLite's default of 1000 pages of log).
pub const EVERY_COMMITS: u32 = 300;
/// The writer's own automatic checkpoint, in pages of log: the backstop.
pub const BACKSTOP_PAGES: u32 = 8000;

/// Starts checkpoints for one store's file; the last one is joined on drop.
pub struct Checkpointer {
    path: String,
    commits: AtomicU32,
    running: Mutex<Option<JoinHandle<()>>>,
    // The process that owns the threads: a forked child must not wait for
    // a thread it does not have.
    pid: u32,
}

impl Checkpointer {
    /// Checkpoints for the database at `path`.
    pub fn new(path: &str) -> Self {
        Self {
            path: path.to_owned(),
            commits: AtomicU32::new(0),
            running: Mutex::new(None),
            pid: std::process::id(),
        }
    }

    /// Counts one commit of the writer and starts a checkpoint when enough
    /// have gathered and the previous one has finished. Never waits.
    pub fn committed(&self) {
        if self.commits.fetch_add(1, Ordering::Relaxed) + 1 < EVERY_COMMITS {
            return;
        }
        let Ok(mut running) = self.running.try_lock() else {
            return;
        };
        if running.as_ref().is_some_and(|t| !t.is_finished()) {
            return;
        }
        if let Some(done) = running.take() {
            let _ = done.join();
        }
        self.commits.store(0, Ordering::Relaxed);
        let path = self.path.clone();
        // When no thread can be had, SQLite's backstop checkpoint remains.
        *running = std::thread::Builder::new()
            .name("stepup-sqlite-checkpoint".into())
            .spawn(move || checkpoint(&path))
            .ok();
    }

    /// Whether a checkpoint thread has been started and not yet joined.
    #[cfg(test)]
    pub fn started(&self) -> bool {
        self.running.lock().is_ok_and(|r| r.is_some())
    }
}

fn checkpoint(path: &str) {
    if let Ok(conn) = Connection::open(Path::new(path)) {
        // Passive: copies what no reader still needs and returns; a busy
        // answer only means the next one copies more.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let running = match self.running.get_mut() {
            Ok(running) => running.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        };
        let Some(thread) = running else {
            return;
        };
        // Only the process the thread runs in may wait for it; a forked
        // child leaves the handle (and its few bytes) alone.
        if std::process::id() == self.pid {
            let _ = thread.join();
        } else {
            std::mem::forget(thread);
        }
    }
}
