//! The PostgreSQL store, shared by many server processes. Sessions are
//! updated only at the version read (`UPDATE ... WHERE version = $n`: under
//! READ COMMITTED the second of two racing updates finds the row changed and
//! matches nothing), and token rows are read `FOR UPDATE`, so a session
//! completes exactly once and token counters stay exact across processes.

use std::collections::HashMap;

use parking_lot::Mutex;
use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, NoTls, Row, Statement, Transaction};

use super::{Claim, Store, StoreError, Tx, TxBody};
use crate::uia::enrolment::EnrolledCert;
use crate::uia::session::Session;
use crate::uia::token::TokenRecord;

/// Connections kept open for reuse.
const POOL_SIZE: usize = 16;
/// Attempts at a transaction that PostgreSQL aborted for a deadlock or a
/// serialization failure (the body is run again from the start).
const TX_ATTEMPTS: usize = 5;
/// Key of the advisory lock that serialises schema migrations between processes.
const MIGRATION_LOCK: i64 = 0x5354_4550_5550; // "STEPUP"

/// Schema migrations: entry N brings the schema from version N to N + 1.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE stepup_uia_sessions (
         id TEXT PRIMARY KEY,
         version BIGINT NOT NULL,
         last_access_ms BIGINT NOT NULL,
         doc TEXT NOT NULL
     );
     CREATE INDEX stepup_uia_sessions_by_last_access ON stepup_uia_sessions (last_access_ms);
     CREATE TABLE stepup_uia_tokens (
         key TEXT PRIMARY KEY,
         uses_allowed BIGINT,
         pending BIGINT NOT NULL CHECK (pending >= 0),
         completed BIGINT NOT NULL CHECK (completed >= 0),
         expiry_ms BIGINT
     );",
    "CREATE TABLE stepup_uia_certificates (
         fingerprint TEXT PRIMARY KEY,
         user_id TEXT NOT NULL,
         enrolled_ms BIGINT NOT NULL
     );
     CREATE INDEX stepup_uia_certificates_by_user ON stepup_uia_certificates (user_id);",
    "CREATE TABLE stepup_uia_attempts (
         id TEXT NOT NULL,
         key TEXT NOT NULL,
         at_ms BIGINT NOT NULL
     );
     CREATE INDEX stepup_uia_attempts_by_key ON stepup_uia_attempts (key, at_ms);
     CREATE INDEX stepup_uia_attempts_by_id ON stepup_uia_attempts (id);",
    // Sessions keep digests, not the token and body: `rewrite_sessions`.
    "-- session documents rewritten",
];

/// The migration after which session documents hold no secret.
const DIGESTS_SINCE: usize = 4;

/// The PostgreSQL store.
pub struct PostgresStore {
    url: String,
    idle: Mutex<Vec<Conn>>,
}

/// A pooled connection and the statements prepared on it, by their SQL: a
/// statement is parsed once per connection, and every later use is one
/// round trip instead of two.
struct Conn {
    client: Client,
    statements: HashMap<&'static str, Statement>,
}

impl Conn {
    fn new(client: Client) -> Self {
        Self {
            client,
            statements: HashMap::new(),
        }
    }
}

/// Parameters of a statement.
type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

fn backend(e: postgres::Error) -> StoreError {
    let conflict = e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED || *c == SqlState::T_R_SERIALIZATION_FAILURE
    });
    if conflict {
        StoreError::Conflict(e.to_string())
    } else {
        StoreError::Backend(e.to_string())
    }
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value)
        .map_err(|_| StoreError::Backend(format!("{value} does not fit the database")))
}

fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`) and brings the
    /// schema up to date (safe when several processes start at once).
    pub fn open(url: &str) -> Result<Self, StoreError> {
        let mut client =
            Client::connect(url, NoTls).map_err(|e| StoreError::Open(e.to_string()))?;
        migrate(&mut client)?;
        Ok(Self {
            url: url.to_owned(),
            idle: Mutex::new(vec![Conn::new(client)]),
        })
    }

    fn checkout(&self) -> Result<Conn, StoreError> {
        if let Some(conn) = self.idle.lock().pop() {
            if !conn.client.is_closed() {
                return Ok(conn);
            }
        }
        Client::connect(&self.url, NoTls)
            .map(Conn::new)
            .map_err(|e| StoreError::Open(e.to_string()))
    }

    fn checkin(&self, conn: Conn) {
        let mut idle = self.idle.lock();
        if !conn.client.is_closed() && idle.len() < POOL_SIZE {
            idle.push(conn);
        }
    }
}

fn migrate(client: &mut Client) -> Result<(), StoreError> {
    let mut tx = client.transaction().map_err(backend)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .map_err(backend)?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS stepup_uia_schema (version INTEGER NOT NULL)")
        .map_err(backend)?;
    let current: i32 = match tx
        .query_opt("SELECT version FROM stepup_uia_schema", &[])
        .map_err(backend)?
    {
        Some(row) => row.get(0),
        None => {
            tx.execute("INSERT INTO stepup_uia_schema (version) VALUES (0)", &[])
                .map_err(backend)?;
            0
        }
    };
    let current = usize::try_from(current)
        .map_err(|_| StoreError::Corrupt("negative schema version".into()))?;
    if current > MIGRATIONS.len() {
        return Err(StoreError::Open(format!(
            "schema version {current} is newer than this stepup"
        )));
    }
    for (version, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        tx.batch_execute(sql).map_err(backend)?;
        let next = i32::try_from(version + 1)
            .map_err(|_| StoreError::Open("too many migrations".into()))?;
        tx.execute("UPDATE stepup_uia_schema SET version = $1", &[&next])
            .map_err(backend)?;
    }
    if current < DIGESTS_SINCE {
        rewrite_sessions(&mut tx)?;
    }
    tx.commit().map_err(backend)
}

/// Rewrites every session document as this version writes it: one written
/// before digests held the registration token and request body themselves.
fn rewrite_sessions(tx: &mut Transaction<'_>) -> Result<(), StoreError> {
    let rows = tx
        .query("SELECT id, version, doc FROM stepup_uia_sessions", &[])
        .map_err(backend)?;
    for row in rows {
        let (id, version, doc): (String, i64, String) = (row.get(0), row.get(1), row.get(2));
        let rewritten = session_from_row(&id, version, &doc)?.to_json();
        tx.execute(
            "UPDATE stepup_uia_sessions SET doc = $1 WHERE id = $2",
            &[&rewritten, &id],
        )
        .map_err(backend)?;
    }
    Ok(())
}

struct PgTx<'a, 'b> {
    tx: &'a mut Transaction<'b>,
    statements: &'a mut HashMap<&'static str, Statement>,
}

impl PgTx<'_, '_> {
    /// `sql` prepared on this connection, once.
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.tx.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn execute(&mut self, sql: &'static str, params: Params<'_>) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.tx.execute(&statement, params)
    }

    fn query(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.tx.query(&statement, params)
    }

    fn query_opt(
        &mut self,
        sql: &'static str,
        params: Params<'_>,
    ) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.tx.query_opt(&statement, params)
    }

    fn query_one(&mut self, sql: &'static str, params: Params<'_>) -> Result<Row, postgres::Error> {
        let statement = self.statement(sql)?;
        self.tx.query_one(&statement, params)
    }
}

/// The session `SELECT`, shared by transactions and plain reads.
const SELECT_SESSION: &str = "SELECT version, doc FROM stepup_uia_sessions WHERE id = $1";

fn session_from_row(id: &str, version: i64, doc: &str) -> Result<Session, StoreError> {
    Session::from_json(id, to_u64(version)?, doc)
}

impl Tx for PgTx<'_, '_> {
    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        let row = self.query_opt(SELECT_SESSION, &[&id]).map_err(backend)?;
        row.map(|r| session_from_row(id, r.get(0), r.get(1)))
            .transpose()
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        self
            .execute(
                "INSERT INTO stepup_uia_sessions (id, version, last_access_ms, doc) VALUES ($1, $2, $3, $4)",
                &[&session.id, &to_i64(session.version)?, &to_i64(session.last_access_ms)?, &session.to_json()],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn update_session(&mut self, session: &Session) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "UPDATE stepup_uia_sessions SET version = version + 1, last_access_ms = $3, doc = $4
                 WHERE id = $1 AND version = $2",
                &[&session.id, &to_i64(session.version)?, &to_i64(session.last_access_ms)?, &session.to_json()],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn delete_session(&mut self, id: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM stepup_uia_sessions WHERE id = $1", &[&id])
            .map_err(backend)?;
        Ok(())
    }

    fn idle_sessions(&mut self, cutoff_ms: u64, limit: usize) -> Result<Vec<Session>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        // SKIP LOCKED: a session another process is updating is not idle.
        let rows = self
            .query(
                "SELECT id, version, doc FROM stepup_uia_sessions WHERE last_access_ms < $1
                 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED",
                &[&to_i64(cutoff_ms)?, &limit],
            )
            .map_err(backend)?;
        rows.iter()
            .map(|r| session_from_row(r.get(0), r.get(1), r.get(2)))
            .collect()
    }

    fn token(&mut self, key: &str) -> Result<Option<TokenRecord>, StoreError> {
        // FOR UPDATE: the caller may change the counters; a concurrent
        // transaction must wait and then read the new values.
        let row = self
            .query_opt(
                "SELECT uses_allowed, pending, completed, expiry_ms FROM stepup_uia_tokens WHERE key = $1 FOR UPDATE",
                &[&key],
            )
            .map_err(backend)?;
        row.map(|r| {
            Ok(TokenRecord {
                key: key.to_owned(),
                uses_allowed: r.get::<_, Option<i64>>(0).map(to_u64).transpose()?,
                pending: to_u64(r.get(1))?,
                completed: to_u64(r.get(2))?,
                expiry_ms: r.get::<_, Option<i64>>(3).map(to_u64).transpose()?,
            })
        })
        .transpose()
    }

    fn put_token(&mut self, token: &TokenRecord) -> Result<(), StoreError> {
        self
            .execute(
                "INSERT INTO stepup_uia_tokens (key, uses_allowed, pending, completed, expiry_ms)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key) DO UPDATE SET uses_allowed = $2, pending = $3, completed = $4, expiry_ms = $5",
                &[
                    &token.key,
                    &token.uses_allowed.map(to_i64).transpose()?,
                    &to_i64(token.pending)?,
                    &to_i64(token.completed)?,
                    &token.expiry_ms.map(to_i64).transpose()?,
                ],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn delete_token(&mut self, key: &str) -> Result<bool, StoreError> {
        let changed = self
            .execute("DELETE FROM stepup_uia_tokens WHERE key = $1", &[&key])
            .map_err(backend)?;
        Ok(changed == 1)
    }

    fn cert(&mut self, fingerprint: &str) -> Result<Option<EnrolledCert>, StoreError> {
        let row = self
            .query_opt(
                "SELECT user_id, enrolled_ms FROM stepup_uia_certificates WHERE fingerprint = $1",
                &[&fingerprint],
            )
            .map_err(backend)?;
        row.map(|r| {
            Ok(EnrolledCert {
                fingerprint: fingerprint.to_owned(),
                user: r.get(0),
                enrolled_ms: to_u64(r.get(1))?,
            })
        })
        .transpose()
    }

    fn insert_cert(&mut self, cert: &EnrolledCert) -> Result<(), StoreError> {
        self
            .execute(
                "INSERT INTO stepup_uia_certificates (fingerprint, user_id, enrolled_ms) VALUES ($1, $2, $3)",
                &[&cert.fingerprint, &cert.user, &to_i64(cert.enrolled_ms)?],
            )
            .map_err(backend)?;
        Ok(())
    }

    fn certs_of(&mut self, user: &str) -> Result<Vec<EnrolledCert>, StoreError> {
        let rows = self
            .query(
                "SELECT fingerprint, enrolled_ms FROM stepup_uia_certificates WHERE user_id = $1
                 ORDER BY enrolled_ms, fingerprint",
                &[&user],
            )
            .map_err(backend)?;
        rows.into_iter()
            .map(|r| {
                Ok(EnrolledCert {
                    fingerprint: r.get(0),
                    user: user.to_owned(),
                    enrolled_ms: to_u64(r.get(1))?,
                })
            })
            .collect()
    }

    fn take_attempt(&mut self, claim: &Claim<'_>) -> Result<Option<u64>, StoreError> {
        let (keys, id) = (claim.keys, claim.id);
        // One transaction-scoped advisory lock per key, taken in order (no
        // deadlock): count and take are one step for every process.
        let mut sorted: Vec<&String> = keys.iter().collect();
        sorted.sort();
        sorted.dedup();
        for key in &sorted {
            self.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 7))",
                &[key],
            )
            .map_err(backend)?;
        }
        // Places past every window, of every key: the table stays small.
        let stale = to_i64(claim.stale_ms())?;
        self.execute(
            "DELETE FROM stepup_uia_attempts WHERE at_ms <= $1",
            &[&stale],
        )
        .map_err(backend)?;
        let cutoff = to_i64(claim.counted_after_ms())?;
        let mut counts = Vec::with_capacity(keys.len());
        for key in keys {
            let row = self
                .query_one(
                    "SELECT COUNT(*), MIN(at_ms) FROM stepup_uia_attempts WHERE key = $1 AND at_ms > $2",
                    &[key, &cutoff],
                )
                .map_err(backend)?;
            let (count, oldest): (i64, Option<i64>) = (row.get(0), row.get(1));
            counts.push((to_u64(count)?, oldest.map(to_u64).transpose()?));
        }
        if let Some(wait) = claim.refusal(counts) {
            return Ok(Some(wait));
        }
        let at = to_i64(claim.now_ms)?;
        for key in keys {
            self.execute(
                "INSERT INTO stepup_uia_attempts (id, key, at_ms) VALUES ($1, $2, $3)",
                &[&id, key, &at],
            )
            .map_err(backend)?;
        }
        Ok(None)
    }

    fn drop_attempt(&mut self, id: &str) -> Result<(), StoreError> {
        self.execute("DELETE FROM stepup_uia_attempts WHERE id = $1", &[&id])
            .map_err(backend)?;
        Ok(())
    }

    fn delete_cert(&mut self, user: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let changed = self
            .execute(
                "DELETE FROM stepup_uia_certificates WHERE fingerprint = $1 AND user_id = $2",
                &[&fingerprint, &user],
            )
            .map_err(backend)?;
        Ok(changed == 1)
    }
}

fn attempt(conn: &mut Conn, body: &mut TxBody<'_>) -> Result<(), StoreError> {
    let Conn { client, statements } = conn;
    let mut tx = client.transaction().map_err(backend)?;
    body(&mut PgTx {
        tx: &mut tx,
        statements,
    })?;
    tx.commit().map_err(backend)
}

impl Store for PostgresStore {
    fn keeps_attempts(&self) -> bool {
        true
    }

    fn read_session(&self, id: &str) -> Result<Option<Session>, StoreError> {
        // One statement outside a transaction: one round trip.
        let mut conn = self.checkout()?;
        let statement = match conn.statements.get(SELECT_SESSION) {
            Some(statement) => statement.clone(),
            None => {
                let statement = conn.client.prepare(SELECT_SESSION).map_err(backend)?;
                conn.statements.insert(SELECT_SESSION, statement.clone());
                statement
            }
        };
        let row = conn.client.query_opt(&statement, &[&id]);
        self.checkin(conn);
        row.map_err(backend)?
            .map(|r| session_from_row(id, r.get(0), r.get(1)))
            .transpose()
    }

    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError> {
        let mut client = self.checkout()?;
        // A transaction PostgreSQL aborted for a conflict is run again from the start.
        let mut result = attempt(&mut client, body);
        for _ in 1..TX_ATTEMPTS {
            if !matches!(result, Err(StoreError::Conflict(_))) {
                break;
            }
            result = attempt(&mut client, body);
        }
        self.checkin(client);
        result
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// The server scripts/with-postgres.sh started, or `None` (then the
    /// caller skips, loudly), unless STEPUP_REQUIRE_POSTGRES=1 demands one.
    pub(crate) fn server_url() -> Option<String> {
        match std::env::var("STEPUP_TEST_POSTGRES") {
            Ok(url) => Some(url),
            Err(_) if std::env::var("STEPUP_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => {
                panic!(
                    "STEPUP_REQUIRE_POSTGRES=1 but STEPUP_TEST_POSTGRES is not set; run under scripts/with-postgres.sh"
                )
            }
            Err(_) => {
                eprintln!(
                    "!!! SKIPPED: PostgreSQL store test: no server (run under scripts/with-postgres.sh)"
                );
                None
            }
        }
    }

    /// A fresh database on the test server, as a store URL.
    pub(crate) fn fresh_database(server: &str) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "stepup_t{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = Client::connect(server, NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
        format!("{base}/{name}")
    }

    #[test]
    fn passes_the_shared_store_suite() {
        let Some(server) = server_url() else { return };
        crate::uia::store::shared_tests::run_all(&|| {
            Box::new(PostgresStore::open(&fresh_database(&server)).unwrap())
        });
    }

    #[test]
    fn migrates_once_when_opened_concurrently() {
        let Some(server) = server_url() else { return };
        let url = fresh_database(&server);
        let opens: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                std::thread::spawn(move || PostgresStore::open(&url).map(|_| ()))
            })
            .collect();
        for open in opens {
            open.join().unwrap().unwrap();
        }
        let mut client = Client::connect(&url, NoTls).unwrap();
        let version: i32 = client
            .query_one("SELECT version FROM stepup_uia_schema", &[])
            .unwrap()
            .get(0);
        assert_eq!(usize::try_from(version).unwrap(), MIGRATIONS.len());
    }
}
