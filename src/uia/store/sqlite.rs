//! The embedded default store: SQLite (bundled) in WAL mode. Each engine
//! transaction is one `BEGIN IMMEDIATE` transaction, so a crash leaves every
//! session either before or after a step. `synchronous=NORMAL` keeps commits
//! durable across a killed process (the WAL is written before commit
//! returns); only a power loss may drop the newest commits, never consistency.

use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::sqlite_checkpoint::{self, Checkpointer};
use super::{Claim, Store, StoreError, Tx, TxBody};
use crate::uia::enrolment::EnrolledCert;
use crate::uia::session::{Session, SessionState};
use crate::uia::token::TokenRecord;

/// The permissions of a database file stepup creates: the owner's only.
pub const DEFAULT_FILE_MODE: u32 = 0o600;

/// Schema migrations: entry N brings `user_version` from N to N + 1.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE sessions (
         id TEXT PRIMARY KEY,
         version INTEGER NOT NULL,
         last_access_ms INTEGER NOT NULL,
         doc TEXT NOT NULL
     );
     CREATE INDEX sessions_by_last_access ON sessions (last_access_ms);
     CREATE TABLE tokens (
         key TEXT PRIMARY KEY,
         uses_allowed INTEGER,
         pending INTEGER NOT NULL CHECK (pending >= 0),
         completed INTEGER NOT NULL CHECK (completed >= 0),
         expiry_ms INTEGER
     );",
    "CREATE TABLE certificates (
         fingerprint TEXT PRIMARY KEY,
         user_id TEXT NOT NULL,
         enrolled_ms INTEGER NOT NULL
     );
     CREATE INDEX certificates_by_user ON certificates (user_id);",
    "CREATE TABLE attempts (
         id TEXT NOT NULL,
         key TEXT NOT NULL,
         at_ms INTEGER NOT NULL
     );
     CREATE INDEX attempts_by_key ON attempts (key, at_ms);
     CREATE INDEX attempts_by_id ON attempts (id);",
    // Sessions keep digests, not the token and body: `rewrite_sessions`.
    "-- session documents rewritten",
    // Every step rewrote an index entry keyed by the last access, a page or
    // two more in each commit's log frames; the creation time never changes
    // and bounds the last access from below, so the sweep finds its
    // candidates by it instead. Older rows say 0: always candidates.
    "ALTER TABLE sessions ADD COLUMN created_ms INTEGER NOT NULL DEFAULT 0;
     DROP INDEX sessions_by_last_access;
     CREATE INDEX sessions_by_created ON sessions (created_ms);",
];

/// The migration after which session documents hold no secret.
const DIGESTS_SINCE: usize = 4;

/// The SQLite store.
pub struct SqliteStore {
    // One connection: SQLite serialises writers anyway, and one connection
    // avoids SQLITE_BUSY between threads of this process.
    conn: std::sync::Mutex<Connection>,
    checkpointer: Checkpointer,
}

fn backend(e: rusqlite::Error) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Backend(format!("{value} does not fit the database")))
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

impl SqliteStore {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: &str) -> Result<Self, StoreError> {
        Self::open_with_mode(path, DEFAULT_FILE_MODE)
    }

    /// As `open`; a database file that does not exist yet is created with
    /// permissions `mode` (SQLite gives its -wal and -shm files the same).
    pub fn open_with_mode(path: &str, mode: u32) -> Result<Self, StoreError> {
        if path.is_empty() {
            return Err(StoreError::Open("empty SQLite path".into()));
        }
        let open_error = |e: &dyn std::fmt::Display| StoreError::Open(format!("{path}: {e}"));
        // Created here, not by SQLite, so that the process umask does not
        // decide who may read the sessions.
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(mode)
            .open(path)
            .map_err(|e| open_error(&e))?;
        let mut conn = Connection::open(Path::new(path)).map_err(|e| open_error(&e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(backend)?;
        // Switching a new file to WAL answers "locked" at once, without the
        // busy handler, while another process switches it: wait our turn.
        retry_while_busy(|| conn.pragma_update(None, "journal_mode", "WAL"))
            .map_err(|e| open_error(&e))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(backend)?;
        migrate(&mut conn)?;
        conn.pragma_update(
            None,
            "wal_autocheckpoint",
            sqlite_checkpoint::BACKSTOP_PAGES,
        )
        .map_err(backend)?;
        Ok(Self {
            conn: std::sync::Mutex::new(conn),
            checkpointer: Checkpointer::new(path),
        })
    }

    /// The writing connection. A panic cannot leave it inside a transaction
    /// (rusqlite rolls back on drop), so a poisoned lock is taken as it is.
    fn writer(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Checks the database's own integrity and the store's invariants: every
    /// session document decodes, and each token's counters equal what the
    /// sessions hold (pending: sessions in progress past the token stage;
    /// completed: completed sessions that used it) and stay within the limit.
    /// A step half-applied by a crash would break one of these.
    pub fn check_consistency(&self) -> Result<(), StoreError> {
        let conn = self.writer();
        let verdict: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(backend)?;
        if verdict != "ok" {
            return Err(StoreError::Corrupt(format!("integrity_check: {verdict}")));
        }
        let mut held: HashMap<String, (u64, u64)> = HashMap::new();
        for session in all_sessions(&conn)? {
            let Some(key) = session.token_key else {
                continue;
            };
            let counts = held.entry(key).or_default();
            match session.state {
                SessionState::InProgress => counts.0 += 1,
                SessionState::Completed { .. } => counts.1 += 1,
            }
        }
        let mut stmt = conn
            .prepare("SELECT key, uses_allowed, pending, completed FROM tokens")
            .map_err(backend)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                ))
            })
            .map_err(backend)?;
        for row in rows {
            let (key, allowed, pending, completed) = row.map_err(backend)?;
            let (pending, completed) = (to_u64(pending)?, to_u64(completed)?);
            let (held_pending, held_completed) = held.remove(&key).unwrap_or_default();
            if (pending, completed) != (held_pending, held_completed) {
                return Err(StoreError::Corrupt(format!(
                    "token {key}: counters {pending}/{completed}, sessions hold {held_pending}/{held_completed}"
                )));
            }
            if allowed
                .map(to_u64)
                .transpose()?
                .is_some_and(|a| pending + completed > a)
            {
                return Err(StoreError::Corrupt(format!(
                    "token {key} over its use limit"
                )));
            }
        }
        Ok(())
    }
}

/// How long an open waits for other processes holding the database.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Runs `step` until it does not fail with SQLite's busy or locked answer,
/// for at most `BUSY_TIMEOUT`, sleeping a little longer after each refusal.
fn retry_while_busy<T>(mut step: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    let mut pause = std::time::Duration::from_millis(1);
    loop {
        match step() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

/// Brings the schema up to date: the version check and every migration in
/// one immediate transaction, so that processes opening a new database at
/// once take turns, and each finds the schema either absent or complete.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let failed = |e: rusqlite::Error| StoreError::Open(format!("schema migration: {e}"));
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(failed)?;
    let current: i64 = tx
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(backend)?;
    let current = usize::try_from(current)
        .map_err(|_| StoreError::Corrupt("negative schema version".into()))?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Open(format!(
            "schema version {current} is newer than this stepup"
        )));
    }
    if current == MIGRATIONS.len() {
        return Ok(());
    }
    for sql in &MIGRATIONS[current..] {
        tx.execute_batch(sql).map_err(failed)?;
    }
    if current < DIGESTS_SINCE {
        rewrite_sessions(&tx)?;
    }
    tx.pragma_update(None, "user_version", MIGRATIONS.len())
        .map_err(failed)?;
    tx.commit().map_err(failed)
}

/// Rewrites every session document as this version writes it: one written
/// before digests held the registration token and request body themselves.
fn rewrite_sessions(tx: &rusqlite::Transaction<'_>) -> Result<(), StoreError> {
    for session in all_sessions(tx)? {
        tx.execute(
            "UPDATE sessions SET doc = ?1 WHERE id = ?2",
            params![session.to_json(), session.id],
        )
        .map_err(backend)?;
    }
    Ok(())
}

/// Every stored session, decoded (a document that does not decode is an error).
fn all_sessions(conn: &Connection) -> Result<Vec<Session>, StoreError> {
    let mut stmt = conn
        .prepare("SELECT id, version, doc FROM sessions")
        .map_err(backend)?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })
        .map_err(backend)?;
    let mut sessions = Vec::new();
    for row in rows {
        let (id, version, doc) = row.map_err(backend)?;
        sessions.push(Session::from_json(&id, to_u64(version)?, &doc)?);
    }
    Ok(sessions)
}

struct SqliteTx<'a> {
    tx: &'a rusqlite::Transaction<'a>,
}

impl SqliteTx<'_> {
    /// Runs a statement from the connection's cache of prepared ones (a
    /// completion runs the same few statements again and again).
    fn exec(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<usize> {
        self.tx.prepare_cached(sql)?.execute(params)
    }

    /// `query_row` with a cached statement.
    fn query_row<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        f: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.tx.prepare_cached(sql)?.query_row(params, f)
    }

    fn read_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        select_session(self.tx, id)
    }
}

/// The sweep's query: candidates by the creation index (never a scan of
/// the whole table while the write lock is held), oldest first.
const IDLE_SESSIONS: &str = "SELECT id, version, doc FROM sessions
     WHERE created_ms < ?1 AND last_access_ms < ?1 ORDER BY created_ms LIMIT ?2";

/// The session with `id` on `conn`, inside a transaction or not.
fn select_session(conn: &Connection, id: &str) -> Result<Option<Session>, StoreError> {
    let row = conn
        .prepare_cached("SELECT version, doc FROM sessions WHERE id = ?1")
        .and_then(|mut stmt| {
            stmt.query_row(params![id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })
            .optional()
        })
        .map_err(backend)?;
    row.map(|(version, doc)| Session::from_json(id, to_u64(version)?, &doc))
        .transpose()
}

impl Tx for SqliteTx<'_> {
    fn take_attempt(&mut self, claim: &Claim<'_>) -> Result<Option<u64>, StoreError> {
        let (keys, id) = (claim.keys, claim.id);
        // The immediate transaction serialises writers: count and take are
        // one step for every process on the file.
        let stale = to_i64(claim.stale_ms())?;
        self.exec("DELETE FROM attempts WHERE at_ms <= ?1", params![stale])
            .map_err(backend)?;
        let cutoff = to_i64(claim.counted_after_ms())?;
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let (count, oldest): (i64, Option<i64>) = self
                .query_row(
                    "SELECT COUNT(*), MIN(at_ms) FROM attempts WHERE key = ?1 AND at_ms > ?2",
                    params![key, cutoff],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .map_err(backend)?;
            counts.push((to_u64(count)?, oldest.map(to_u64).transpose()?));
        }
        if let Some(wait) = claim.refusal(counts) {
            return Ok(Some(wait));
        }
        let at = to_i64(claim.now_ms)?;
        for key in keys {
            self.exec(
                "INSERT INTO attempts (id, key, at_ms) VALUES (?1, ?2, ?3)",
                params![id, key, at],
            )
            .map_err(backend)?;
        }
        Ok(None)
    }

    fn drop_attempt(&mut self, id: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM attempts WHERE id = ?1", params![id])
            .map_err(backend)?;
        Ok(())
    }

    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        self.read_session(id)
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO sessions (id, version, last_access_ms, doc, created_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session.id,
                to_i64(session.version)?,
                to_i64(session.last_access_ms)?,
                session.to_json(),
                // Never above the last access, even if the clock went back.
                to_i64(session.created_ms.min(session.last_access_ms))?
            ],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn update_session(&mut self, session: &Session) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                "UPDATE sessions SET version = version + 1, last_access_ms = ?3, doc = ?4
                 WHERE id = ?1 AND version = ?2",
                params![
                    session.id,
                    to_i64(session.version)?,
                    to_i64(session.last_access_ms)?,
                    session.to_json()
                ],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn delete_session(&mut self, id: &str) -> Result<(), StoreError> {
        self.exec("DELETE FROM sessions WHERE id = ?1", params![id])
            .map_err(backend)?;
        Ok(())
    }

    fn idle_sessions(&mut self, cutoff_ms: u64, limit: usize) -> Result<Vec<Session>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let mut stmt = self.tx.prepare_cached(IDLE_SESSIONS).map_err(backend)?;
        let rows = stmt
            .query_map(params![to_i64(cutoff_ms)?, limit], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(backend)?;
        rows.map(|row| {
            let (id, version, doc) = row.map_err(backend)?;
            Session::from_json(&id, to_u64(version)?, &doc)
        })
        .collect()
    }

    fn token(&mut self, key: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = self
            .query_row(
                "SELECT uses_allowed, pending, completed, expiry_ms FROM tokens WHERE key = ?1",
                params![key],
                |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, i64>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<i64>>(3)?,
                    ))
                },
            )
            .optional()
            .map_err(backend)?;
        row.map(|(uses, pending, completed, expiry)| {
            Ok(TokenRecord {
                key: key.to_owned(),
                uses_allowed: uses.map(to_u64).transpose()?,
                pending: to_u64(pending)?,
                completed: to_u64(completed)?,
                expiry_ms: expiry.map(to_u64).transpose()?,
            })
        })
        .transpose()
    }

    fn put_token(&mut self, token: &TokenRecord) -> Result<(), StoreError> {
        self.exec(
                "INSERT INTO tokens (key, uses_allowed, pending, completed, expiry_ms) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (key) DO UPDATE SET uses_allowed = ?2, pending = ?3, completed = ?4, expiry_ms = ?5",
                params![
                    token.key,
                    token.uses_allowed.map(to_i64).transpose()?,
                    to_i64(token.pending)?,
                    to_i64(token.completed)?,
                    token.expiry_ms.map(to_i64).transpose()?
                ],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn delete_token(&mut self, key: &str) -> Result<bool, StoreError> {
        let changed = self
            .exec("DELETE FROM tokens WHERE key = ?1", params![key])
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn cert(&mut self, fingerprint: &str) -> Result<Option<EnrolledCert>, StoreError> {
        self.query_row(
            "SELECT user_id, enrolled_ms FROM certificates WHERE fingerprint = ?1",
            params![fingerprint],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
        )
        .optional()
        .map_err(backend)?
        .map(|(user, ms)| {
            Ok(EnrolledCert {
                fingerprint: fingerprint.to_owned(),
                user,
                enrolled_ms: to_u64(ms)?,
            })
        })
        .transpose()
    }

    fn insert_cert(&mut self, cert: &EnrolledCert) -> Result<(), StoreError> {
        self.exec(
            "INSERT INTO certificates (fingerprint, user_id, enrolled_ms) VALUES (?1, ?2, ?3)",
            params![cert.fingerprint, cert.user, to_i64(cert.enrolled_ms)?],
        )
        .map_err(backend)?;
        Ok(())
    }

    fn certs_of(&mut self, user: &str) -> Result<Vec<EnrolledCert>, StoreError> {
        let mut stmt = self
            .tx
            .prepare_cached(
                "SELECT fingerprint, enrolled_ms FROM certificates WHERE user_id = ?1
                 ORDER BY enrolled_ms, fingerprint",
            )
            .map_err(backend)?;
        let rows = stmt
            .query_map(params![user], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
            })
            .map_err(backend)?;
        rows.map(|row| {
            let (fingerprint, ms) = row.map_err(backend)?;
            Ok(EnrolledCert {
                fingerprint,
                user: user.to_owned(),
                enrolled_ms: to_u64(ms)?,
            })
        })
        .collect()
    }

    fn delete_cert(&mut self, user: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let changed = self
            .exec(
                "DELETE FROM certificates WHERE fingerprint = ?1 AND user_id = ?2",
                params![fingerprint, user],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }
}

impl Store for SqliteStore {
    fn keeps_attempts(&self) -> bool {
        true
    }

    fn read_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        // One statement in autocommit mode: no write lock taken.
        select_session(&self.writer(), id)
    }

    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError> {
        let mut conn = self.writer();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(backend)?;
        body(&mut SqliteTx { tx: &tx })?;
        tx.commit().map_err(backend)?;
        self.checkpointer.committed();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::uia::token;

    #[test]
    fn passes_the_shared_store_suite() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let counter = std::sync::atomic::AtomicUsize::new(0);
        crate::uia::store::shared_tests::run_all(&|| {
            let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let path = dir.join(format!("store-{n}.db"));
            let _ = std::fs::remove_file(&path);
            Box::new(SqliteStore::open(path.to_str().unwrap()).unwrap())
        });
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Issue 14, hole 6: the database and its -wal/-shm files are the
    // owner's only, whatever the umask, unless the host asks otherwise.
    #[test]
    fn creates_its_files_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-mode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mode = |name: &str| {
            std::fs::metadata(dir.join(name))
                .unwrap()
                .permissions()
                .mode()
                & 0o777
        };
        let path = dir.join("private.db");
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        store
            .transaction(&mut |tx| tx.insert_session(&crate::uia::session::tests::sample("s")))
            .unwrap();
        for name in ["private.db", "private.db-wal", "private.db-shm"] {
            assert_eq!(mode(name), 0o600, "{name}");
        }
        drop(store);
        let path = dir.join("shared.db");
        let store = SqliteStore::open_with_mode(path.to_str().unwrap(), 0o640).unwrap();
        store
            .transaction(&mut |tx| tx.insert_session(&crate::uia::session::tests::sample("s")))
            .unwrap();
        assert_eq!(mode("shared.db"), 0o640);
        assert_eq!(mode("shared.db-wal"), 0o640);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Issue 14, hole 5: a database from before digests held the token and
    // the body in its session documents; opening it rewrites them.
    #[test]
    fn opening_an_older_database_rewrites_sessions_without_their_secrets() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        let _ = std::fs::remove_file(&path);
        let session = crate::uia::session::tests::sample("old");
        let mut doc: serde_json::Value = serde_json::from_str(&session.to_json()).unwrap();
        let fields = doc.as_object_mut().unwrap();
        fields.remove("operation");
        fields.remove("token_key");
        fields.insert("token".into(), "tok-old-secret".into());
        fields.insert("created_body".into(), r#"{"username":"old-body"}"#.into());
        {
            let conn = Connection::open(&path).unwrap();
            for sql in &MIGRATIONS[..DIGESTS_SINCE - 1] {
                conn.execute_batch(sql).unwrap();
            }
            conn.pragma_update(None, "user_version", DIGESTS_SINCE - 1)
                .unwrap();
            conn.execute(
                "INSERT INTO sessions (id, version, last_access_ms, doc) VALUES ('old', 3, 9, ?1)",
                params![doc.to_string()],
            )
            .unwrap();
        }
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let stored: String = store
            .writer()
            .query_row("SELECT doc FROM sessions WHERE id = 'old'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert!(!stored.contains("tok-old-secret"), "{stored}");
        assert!(!stored.contains("old-body"), "{stored}");
        let mut read = None;
        store
            .transaction(&mut |tx| {
                read = tx.session("old")?;
                Ok(())
            })
            .unwrap();
        let read = read.unwrap();
        assert_eq!(read.token_key, Some(token::key_of("tok-old-secret")));
        assert_eq!(
            read.operation,
            crate::uia::request::operation_of(r#"{"username":"old-body"}"#)
        );
        // A row from before the creation column is a sweep candidate.
        let mut idle = Vec::new();
        store
            .transaction(&mut |tx| {
                idle = tx.idle_sessions(500, 10)?;
                Ok(())
            })
            .unwrap();
        assert_eq!(idle.len(), 1);
        assert_eq!(idle[0].id, "old");
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn commits_are_checkpointed_by_the_store_thread() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.db");
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let before = std::fs::metadata(&path).unwrap().len();
        // Enough commits to wake the thread, far below SQLite's own
        // (backstop) checkpoint: only the thread can move them into the file.
        for n in 0..sqlite_checkpoint::EVERY_COMMITS + 10 {
            let session = crate::uia::session::tests::sample(&format!("s{n}"));
            store
                .transaction(&mut |tx| tx.insert_session(&session))
                .unwrap();
        }
        // Bounded wait for the thread: it is woken at once, so this ends in
        // milliseconds unless the checkpoint never comes.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        let grown = loop {
            let now = std::fs::metadata(&path).unwrap().len();
            if now > before + 64 * 1024 || std::time::Instant::now() > deadline {
                break now;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        assert!(store.checkpointer.started(), "no checkpoint thread");
        assert!(
            grown > before + 64 * 1024,
            "database file {before} -> {grown} bytes"
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_sweep_searches_the_creation_index() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-plan-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let store = SqliteStore::open(dir.join("p.db").to_str().unwrap()).unwrap();
        let plan: Vec<String> = {
            let conn = store.writer();
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {IDLE_SESSIONS}"))
                .unwrap();
            stmt.query_map(params![1, 1], |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(
            plan,
            ["SEARCH sessions USING INDEX sessions_by_created (created_ms<?)"]
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reopens_with_schema_and_data_and_stays_consistent() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-reopen-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let path = path.to_str().unwrap();
        {
            let store = SqliteStore::open(path).unwrap();
            store
                .transaction(&mut |tx| {
                    tx.insert_session(&crate::uia::session::tests::sample("kept"))
                })
                .unwrap();
        }
        let store = SqliteStore::open(path).unwrap();
        let mut read = None;
        store
            .transaction(&mut |tx| {
                read = tx.session("kept")?;
                Ok(())
            })
            .unwrap();
        assert!(read.is_some());
        store.check_consistency().unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn consistency_check_catches_counters_that_disagree_with_sessions() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-audit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let store = SqliteStore::open(path.to_str().unwrap()).unwrap();
        let mut session = crate::uia::session::tests::sample("holder");
        session.state = SessionState::InProgress;
        let mut record = TokenRecord::new("tok", Some(5), None);
        record.pending = 1;
        store
            .transaction(&mut |tx| {
                tx.insert_session(&session)?;
                tx.put_token(&record)
            })
            .unwrap();
        store.check_consistency().unwrap();
        // A step applied to the token but not to the session (what a torn write would leave).
        store
            .writer()
            .execute("UPDATE tokens SET pending = 2", [])
            .unwrap();
        assert!(matches!(
            store.check_consistency(),
            Err(StoreError::Corrupt(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = std::env::temp_dir().join(format!("stepup-sqlite-newer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("s.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            SqliteStore::open(path.to_str().unwrap()),
            Err(StoreError::Open(_))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
