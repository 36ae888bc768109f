//! An in-process store for tests and single-process servers. A transaction
//! holds the lock and stages its writes, applying them only on commit.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::{Store, StoreError, Tx, TxBody};
use crate::uia::enrolment::EnrolledCert;
use crate::uia::session::Session;
use crate::uia::token::TokenRecord;

#[derive(Default)]
struct State {
    sessions: HashMap<String, Session>,
    tokens: HashMap<String, TokenRecord>,
    certs: HashMap<String, EnrolledCert>,
}

/// The in-memory store.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

/// Writes staged by a transaction: `None` deletes.
struct MemoryTx<'a> {
    state: &'a State,
    sessions: HashMap<String, Option<Session>>,
    tokens: HashMap<String, Option<TokenRecord>>,
    certs: HashMap<String, Option<EnrolledCert>>,
}

/// A record as a transaction sees it: its own staged write, else the stored one.
fn read<T: Clone>(
    staged: &HashMap<String, Option<T>>,
    stored: &HashMap<String, T>,
    key: &str,
) -> Option<T> {
    match staged.get(key) {
        Some(staged) => staged.clone(),
        None => stored.get(key).cloned(),
    }
}

/// Every key stored or staged (deleted ones too), sorted, once.
fn all_keys<T>(staged: &HashMap<String, Option<T>>, stored: &HashMap<String, T>) -> Vec<String> {
    let mut keys: Vec<String> = stored.keys().chain(staged.keys()).cloned().collect();
    keys.sort();
    keys.dedup();
    keys
}

/// Applies a committed transaction's staged writes.
fn apply<T>(stored: &mut HashMap<String, T>, staged: HashMap<String, Option<T>>) {
    for (key, write) in staged {
        match write {
            Some(value) => stored.insert(key, value),
            None => stored.remove(&key),
        };
    }
}

impl Tx for MemoryTx<'_> {
    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        Ok(read(&self.sessions, &self.state.sessions, id))
    }

    fn insert_session(&mut self, session: &Session) -> Result<(), StoreError> {
        if self.session(&session.id)?.is_some() {
            return Err(StoreError::Backend(format!(
                "session {} exists",
                session.id
            )));
        }
        self.sessions
            .insert(session.id.clone(), Some(session.clone()));
        Ok(())
    }

    fn update_session(&mut self, session: &Session) -> Result<bool, StoreError> {
        match self.session(&session.id)? {
            Some(stored) if stored.version == session.version => {
                let mut next = session.clone();
                next.version = session.version.saturating_add(1);
                self.sessions.insert(session.id.clone(), Some(next));
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn delete_session(&mut self, id: &str) -> Result<(), StoreError> {
        self.sessions.insert(id.to_owned(), None);
        Ok(())
    }

    fn idle_sessions(&mut self, cutoff_ms: u64, limit: usize) -> Result<Vec<Session>, StoreError> {
        let mut idle = Vec::new();
        for id in all_keys(&self.sessions, &self.state.sessions) {
            if idle.len() >= limit {
                break;
            }
            if let Some(session) = self.session(&id)? {
                if session.last_access_ms < cutoff_ms {
                    idle.push(session);
                }
            }
        }
        Ok(idle)
    }

    fn token(&mut self, key: &str) -> Result<Option<TokenRecord>, StoreError> {
        Ok(read(&self.tokens, &self.state.tokens, key))
    }

    fn put_token(&mut self, token: &TokenRecord) -> Result<(), StoreError> {
        self.tokens.insert(token.key.clone(), Some(token.clone()));
        Ok(())
    }

    fn delete_token(&mut self, key: &str) -> Result<bool, StoreError> {
        let existed = self.token(key)?.is_some();
        self.tokens.insert(key.to_owned(), None);
        Ok(existed)
    }

    fn cert(&mut self, fingerprint: &str) -> Result<Option<EnrolledCert>, StoreError> {
        Ok(read(&self.certs, &self.state.certs, fingerprint))
    }

    fn insert_cert(&mut self, cert: &EnrolledCert) -> Result<(), StoreError> {
        if self.cert(&cert.fingerprint)?.is_some() {
            return Err(StoreError::Backend("fingerprint already enrolled".into()));
        }
        self.certs
            .insert(cert.fingerprint.clone(), Some(cert.clone()));
        Ok(())
    }

    fn certs_of(&mut self, user: &str) -> Result<Vec<EnrolledCert>, StoreError> {
        let mut found = Vec::new();
        for fingerprint in all_keys(&self.certs, &self.state.certs) {
            if let Some(cert) = self.cert(&fingerprint)?.filter(|c| c.user == user) {
                found.push(cert);
            }
        }
        found.sort_by(|a, b| (a.enrolled_ms, &a.fingerprint).cmp(&(b.enrolled_ms, &b.fingerprint)));
        Ok(found)
    }

    fn delete_cert(&mut self, user: &str, fingerprint: &str) -> Result<bool, StoreError> {
        let existed = self.cert(fingerprint)?.is_some_and(|c| c.user == user);
        if existed {
            self.certs.insert(fingerprint.to_owned(), None);
        }
        Ok(existed)
    }
}

impl Store for MemoryStore {
    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError> {
        let mut state = self.state.lock();
        let mut tx = MemoryTx {
            state: &state,
            sessions: HashMap::new(),
            tokens: HashMap::new(),
            certs: HashMap::new(),
        };
        body(&mut tx)?;
        let MemoryTx {
            sessions,
            tokens,
            certs,
            ..
        } = tx;
        apply(&mut state.sessions, sessions);
        apply(&mut state.tokens, tokens);
        apply(&mut state.certs, certs);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passes_the_shared_store_suite() {
        crate::uia::store::shared_tests::run_all(&|| Box::new(MemoryStore::new()));
    }
}
