//! A UIA session store over Telodendria's `Db`: each session is the document
//! `user_interactive/<session>`, which Telodendria's routes read after a
//! completion (`registration_token` on /register, `user` on
//! /account/deactivate without an access token), so those keys are written
//! beside the engine's own. Registration tokens are Telodendria's, used
//! through its RegToken* functions; pending uses are counted, by the
//! token's digest, in the document `stepup/registration_tokens`.
//!
//! A session in progress holds only the digest of its token. A completed
//! one names the token in `registration_token`, because RouteRegister reads
//! it there to grant the token's privileges; Telodendria keeps its tokens
//! under their names in the same database, so this tells a reader of the
//! database nothing it did not hold.
//!
//! Writes are staged and applied at commit, so a rolled-back step leaves
//! the database untouched. Telodendria serialises requests on its database
//! lock (every route holds the config document), so staged reads stay valid.

use std::collections::HashMap as StdHashMap;
use std::ffi::{CString, c_char};
use std::sync::Arc;

use serde_json::{Map, Value};

use super::cytoplasm::{self as cy, Db};
use crate::uia::StoreError;
use crate::uia::enrolment::EnrolledCert;
use crate::uia::session::{Session, SessionState};
use crate::uia::store::{Store, Tx, TxBody};
use crate::uia::token::{self, TokenRecord};

const SESSIONS: &CStrLit = c"user_interactive";
const STEPUP: &CStrLit = c"stepup";
const PENDING: &CStrLit = c"registration_tokens";
const TOKENS: &CStrLit = c"tokens";
const REGISTRATION: &CStrLit = c"registration";

type CStrLit = std::ffi::CStr;

/// The store.
pub struct DbStore {
    db: *mut Db,
    /// Enrolled key fingerprints to full user ids (from the step-up's
    /// settings, not from the database: Telodendria has no place for them).
    enrolled: Arc<StdHashMap<String, String>>,
}

// SAFETY: Telodendria's Db is shared by all its threads behind its own
// recursive lock; the store only passes the pointer to Db functions.
unsafe impl Send for DbStore {}
// SAFETY: as above.
unsafe impl Sync for DbStore {}

impl DbStore {
    /// A store over `db`, which must outlive it.
    pub fn new(db: *mut Db) -> Self {
        Self {
            db,
            enrolled: Arc::default(),
        }
    }

    /// The store, with certificates enrolled (fingerprint to user id).
    pub fn with_enrolled(self, enrolled: Arc<StdHashMap<String, String>>) -> Self {
        Self { enrolled, ..self }
    }
}

fn c_id(id: &str) -> Result<CString, StoreError> {
    CString::new(id).map_err(|_| StoreError::Backend("NUL in a document name".into()))
}

/// Reads a document as serde_json, or `None` when it does not exist.
fn read_doc(db: *mut Db, path: &[&CStrLit]) -> Result<Option<Map<String, Value>>, StoreError> {
    let parts: Vec<*const c_char> = path.iter().map(|p| p.as_ptr()).collect();
    // SAFETY: a live Db and NUL-terminated path parts; every lock is unlocked.
    unsafe {
        let dbref = match parts.as_slice() {
            [a, b] => cy::DbLock(db, 2, *a, *b),
            [a, b, c] => cy::DbLock(db, 3, *a, *b, *c),
            _ => return Err(StoreError::Backend("unsupported document path".into())),
        };
        if dbref.is_null() {
            return Ok(None);
        }
        let doc = cy::object_to_json(cy::DbJson(dbref), 0);
        cy::DbUnlock(db, dbref);
        doc.map(Some)
            .map_err(|_| StoreError::Corrupt("document nested too deeply".into()))
    }
}

/// Writes a document, creating it when needed.
fn write_doc(
    db: *mut Db,
    a: &CStrLit,
    b: &CStrLit,
    doc: &Map<String, Value>,
) -> Result<(), StoreError> {
    // SAFETY: a live Db; the converted map is handed to DbJsonSet (which copies it) and freed.
    unsafe {
        let mut dbref = cy::DbLock(db, 2, a.as_ptr(), b.as_ptr());
        if dbref.is_null() {
            dbref = cy::DbCreate(db, 2, a.as_ptr(), b.as_ptr());
        }
        if dbref.is_null() {
            return Err(StoreError::Backend("cannot create a document".into()));
        }
        let map = match cy::json_to_object(doc) {
            Ok(map) => map,
            Err(_) => {
                cy::DbUnlock(db, dbref);
                return Err(StoreError::Backend("cannot convert a document".into()));
            }
        };
        let set = cy::DbJsonSet(dbref, map);
        cy::JsonFree(map);
        let unlocked = cy::DbUnlock(db, dbref);
        if set && unlocked {
            Ok(())
        } else {
            Err(StoreError::Backend("cannot write a document".into()))
        }
    }
}

/// The session document: the engine's fields, plus the keys Telodendria
/// reads (`token_name`: the name of the token a completed session used).
fn session_doc(session: &Session, token_name: Option<&str>) -> Map<String, Value> {
    let mut doc = match serde_json::from_str::<Value>(&session.to_json()) {
        Ok(Value::Object(doc)) => doc,
        _ => Map::new(),
    };
    doc.insert("version".into(), Value::from(session.version));
    doc.insert("last_access".into(), Value::from(session.last_access_ms));
    if let Some(name) = token_name.filter(|_| session.state != SessionState::InProgress) {
        doc.insert("registration_token".into(), Value::String(name.to_owned()));
    }
    // Telodendria looks users up by localpart.
    if let Some(localpart) = session
        .auth_user
        .as_deref()
        .and_then(|u| u.strip_prefix('@')?.split_once(':'))
        .map(|(l, _)| l)
    {
        doc.insert("user".into(), Value::String(localpart.to_owned()));
    }
    doc
}

/// 64 lower-case hex digits: a token digest (`token::key_of`).
fn is_digest(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A staged change.
enum Staged {
    Put(Box<Session>),
    Delete,
}

struct DbTx {
    db: *mut Db,
    enrolled: Arc<StdHashMap<String, String>>,
    sessions: StdHashMap<String, Staged>,
    /// Pending-use counts per token digest after this transaction.
    pending: Option<Map<String, Value>>,
    /// Names of tokens whose use is consumed at commit.
    consumed: Vec<String>,
    /// Token names by digest, as this transaction learnt them.
    names: StdHashMap<String, String>,
}

impl DbTx {
    fn pending_counts(&mut self) -> Result<&mut Map<String, Value>, StoreError> {
        if self.pending.is_none() {
            let stored = read_doc(self.db, &[STEPUP, PENDING])?.unwrap_or_default();
            // Counts written before digests were keyed by the token's name.
            let mut counts = Map::new();
            for (name, count) in stored {
                let key = if is_digest(&name) {
                    name
                } else {
                    token::key_of(&name)
                };
                let sum = counts
                    .get(&key)
                    .and_then(Value::as_i64)
                    .unwrap_or(0)
                    .saturating_add(count.as_i64().unwrap_or(0));
                counts.insert(key, Value::from(sum));
            }
            self.pending = Some(counts);
        }
        Ok(self.pending.get_or_insert_with(Map::new))
    }

    fn adjust_pending(&mut self, key: &str, delta: i64) -> Result<(), StoreError> {
        let counts = self.pending_counts()?;
        let now = counts
            .get(key)
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .saturating_add(delta)
            .max(0);
        if now == 0 {
            counts.remove(key);
        } else {
            counts.insert(key.to_owned(), Value::from(now));
        }
        Ok(())
    }

    /// The name of the Telodendria token whose digest is `key`, if one exists.
    fn token_name(&mut self, key: &str) -> Result<Option<String>, StoreError> {
        if let Some(name) = self.names.get(key) {
            return Ok(Some(name.clone()));
        }
        // SAFETY: a live Db; the list is freed with DbListFree.
        let names: Vec<String> = unsafe {
            let list = cy::DbList(self.db, 2, TOKENS.as_ptr(), REGISTRATION.as_ptr());
            if list.is_null() {
                return Ok(None);
            }
            let names = (0..cy::ArraySize(list))
                .filter_map(|i| cy::text(cy::ArrayGet(list, i).cast()))
                .collect();
            cy::DbListFree(list);
            names
        };
        let found = names.into_iter().find(|name| token::key_of(name) == key);
        if let Some(name) = &found {
            self.names.insert(key.to_owned(), name.clone());
        }
        Ok(found)
    }

    fn commit(self) -> Result<(), StoreError> {
        for (id, change) in &self.sessions {
            let cid = c_id(id)?;
            match change {
                Staged::Put(session) => {
                    let name = session
                        .token_key
                        .as_ref()
                        .and_then(|key| self.names.get(key));
                    let doc = session_doc(session, name.map(String::as_str));
                    write_doc(self.db, SESSIONS, &cid, &doc)?;
                }
                Staged::Delete => {
                    // SAFETY: a live Db and NUL-terminated parts; deleting a missing document is harmless.
                    unsafe { cy::DbDelete(self.db, 2, SESSIONS.as_ptr(), cid.as_ptr()) };
                }
            }
        }
        for token in &self.consumed {
            let name = c_id(token)?;
            // SAFETY: RegToken functions on a live Db; the info is closed and freed.
            unsafe {
                let info = cy::RegTokenGetInfo(self.db, name.as_ptr().cast_mut());
                if info.is_null() {
                    return Err(StoreError::Backend("registration token vanished".into()));
                }
                cy::RegTokenUse(info);
                cy::RegTokenClose(info);
                cy::RegTokenFree(info);
            }
        }
        if let Some(pending) = &self.pending {
            write_doc(self.db, STEPUP, PENDING, pending)?;
        }
        Ok(())
    }
}

impl Tx for DbTx {
    fn cert(&mut self, fingerprint: &str) -> Result<Option<EnrolledCert>, StoreError> {
        Ok(self.enrolled.get(fingerprint).map(|user| EnrolledCert {
            fingerprint: fingerprint.to_owned(),
            user: user.clone(),
            enrolled_ms: 0,
        }))
    }

    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        match self.sessions.get(id) {
            Some(Staged::Put(session)) => return Ok(Some(session.as_ref().clone())),
            Some(Staged::Delete) => return Ok(None),
            None => {}
        }
        let cid = c_id(id)?;
        let Some(doc) = read_doc(self.db, &[SESSIONS, &cid])? else {
            return Ok(None);
        };
        // A document of Telodendria's own Uia.c (no engine `state`) is not a
        // session here; one of ours that does not read back is corrupt, an
        // error, never "no session" (which would let a request start over).
        if !doc.contains_key("state") {
            return Ok(None);
        }
        let version = doc.get("version").and_then(Value::as_u64).unwrap_or(0);
        Session::from_json(id, version, &Value::Object(doc).to_string()).map(Some)
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        if self.session(&session.id)?.is_some() {
            return Err(StoreError::Backend(format!(
                "session {} exists",
                session.id
            )));
        }
        self.sessions
            .insert(session.id.clone(), Staged::Put(Box::new(session.clone())));
        Ok(())
    }

    fn update_session(&mut self, session: &Session) -> Result<bool, StoreError> {
        match self.session(&session.id)? {
            Some(stored) if stored.version == session.version => {
                let mut next = session.clone();
                next.version = session.version.saturating_add(1);
                self.sessions
                    .insert(session.id.clone(), Staged::Put(Box::new(next)));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn delete_session(&mut self, id: &str) -> Result<(), StoreError> {
        self.sessions.insert(id.to_owned(), Staged::Delete);
        Ok(())
    }

    fn idle_sessions(&mut self, cutoff_ms: u64, limit: usize) -> Result<Vec<Session>, StoreError> {
        // SAFETY: a live Db; the list is freed with DbListFree.
        let names: Vec<String> = unsafe {
            let list = cy::DbList(self.db, 1, SESSIONS.as_ptr());
            let names = (0..cy::ArraySize(list))
                .filter_map(|i| cy::text(cy::ArrayGet(list, i).cast()))
                .collect();
            cy::DbListFree(list);
            names
        };
        let mut idle = Vec::new();
        for name in names {
            if idle.len() >= limit {
                break;
            }
            match self.session(&name)? {
                Some(session) if session.last_access_ms < cutoff_ms => idle.push(session),
                Some(_) => {}
                // A document written by Telodendria's own Uia.c (before the
                // drop-in): purged here once idle, by its `last_access`.
                None => {
                    let doc = read_doc(self.db, &[SESSIONS, &c_id(&name)?])?.unwrap_or_default();
                    let last_access = doc.get("last_access").and_then(Value::as_u64).unwrap_or(0);
                    if last_access < cutoff_ms {
                        self.sessions.insert(name, Staged::Delete);
                    }
                }
            }
        }
        Ok(idle)
    }

    fn token(&mut self, _key: &str) -> Result<Option<TokenRecord>, StoreError> {
        Err(StoreError::Backend(
            "Telodendria manages its registration tokens".into(),
        ))
    }

    fn put_token(&mut self, _token: &TokenRecord) -> Result<(), StoreError> {
        Err(StoreError::Backend(
            "Telodendria manages its registration tokens".into(),
        ))
    }

    fn delete_token(&mut self, _key: &str) -> Result<bool, StoreError> {
        Err(StoreError::Backend(
            "Telodendria manages its registration tokens".into(),
        ))
    }

    fn reserve_token(&mut self, token: &str, _now_ms: u64) -> Result<bool, StoreError> {
        let name = c_id(token)?;
        // SAFETY: RegToken functions on a live Db; the info is closed and freed.
        let valid = unsafe {
            if cy::RegTokenExists(self.db, name.as_ptr().cast_mut()) == 0 {
                return Ok(false);
            }
            let info = cy::RegTokenGetInfo(self.db, name.as_ptr().cast_mut());
            if info.is_null() {
                return Ok(false);
            }
            let valid = cy::RegTokenValid(info) != 0;
            cy::RegTokenClose(info);
            cy::RegTokenFree(info);
            valid
        };
        if !valid {
            return Ok(false);
        }
        // RegTokenValid counts completed uses; held (pending) ones are ours to add.
        let doc = read_doc(self.db, &[TOKENS, REGISTRATION, &name])?.unwrap_or_default();
        let uses = doc.get("uses").and_then(Value::as_i64).unwrap_or(-1);
        let used = doc.get("used").and_then(Value::as_i64).unwrap_or(0);
        let key = token::key_of(token);
        let held = self
            .pending_counts()?
            .get(&key)
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if uses >= 0 && used.saturating_add(held) >= uses {
            return Ok(false);
        }
        self.adjust_pending(&key, 1)?;
        self.names.insert(key, token.to_owned());
        Ok(true)
    }

    fn consume_token(&mut self, key: &str) -> Result<bool, StoreError> {
        let Some(token) = self.token_name(key)? else {
            return Ok(false);
        };
        let name = c_id(&token)?;
        // SAFETY: a live Db and a NUL-terminated name.
        if unsafe { cy::RegTokenExists(self.db, name.as_ptr().cast_mut()) } == 0 {
            return Ok(false);
        }
        self.adjust_pending(key, -1)?;
        self.consumed.push(token);
        Ok(true)
    }

    fn release_token(&mut self, key: &str) -> Result<(), StoreError> {
        self.adjust_pending(key, -1)
    }
}

impl Store for DbStore {
    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError> {
        let mut tx = DbTx {
            db: self.db,
            enrolled: self.enrolled.clone(),
            sessions: StdHashMap::new(),
            pending: None,
            consumed: Vec::new(),
            names: StdHashMap::new(),
        };
        body(&mut tx)?;
        tx.commit()
    }
}
