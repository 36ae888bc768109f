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

impl Tx for MemoryTx<'_> {
    fn session(&mut self, id: &str) -> Result<Option<Session>, StoreError> {
        Ok(match self.sessions.get(id) {
            Some(staged) => staged.clone(),
            None => self.state.sessions.get(id).cloned(),
        })
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
        let mut ids: Vec<String> = self.state.sessions.keys().cloned().collect();
        ids.extend(self.sessions.keys().cloned());
        ids.sort();
        ids.dedup();
        let mut idle = Vec::new();
        for id in ids {
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
        Ok(match self.tokens.get(key) {
            Some(staged) => staged.clone(),
            None => self.state.tokens.get(key).cloned(),
        })
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
        Ok(match self.certs.get(fingerprint) {
            Some(staged) => staged.clone(),
            None => self.state.certs.get(fingerprint).cloned(),
        })
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
        let mut fingerprints: Vec<String> = self.state.certs.keys().cloned().collect();
        fingerprints.extend(self.certs.keys().cloned());
        fingerprints.sort();
        fingerprints.dedup();
        let mut found = Vec::new();
        for fingerprint in fingerprints {
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
        for (id, staged) in sessions {
            match staged {
                Some(session) => state.sessions.insert(id, session),
                None => state.sessions.remove(&id),
            };
        }
        for (key, staged) in tokens {
            match staged {
                Some(token) => state.tokens.insert(key, token),
                None => state.tokens.remove(&key),
            };
        }
        for (fingerprint, staged) in certs {
            match staged {
                Some(cert) => state.certs.insert(fingerprint, cert),
                None => state.certs.remove(&fingerprint),
            };
        }
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
