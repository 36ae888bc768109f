//! An in-process store for tests and single-process servers. A transaction
//! holds the lock and stages its writes, applying them only on commit.

use std::collections::HashMap;

use parking_lot::Mutex;

use super::{Store, StoreError, Tx, TxBody};
use crate::uia::session::Session;
use crate::uia::token::TokenRecord;

#[derive(Default)]
struct State {
    sessions: HashMap<String, Session>,
    tokens: HashMap<String, TokenRecord>,
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
}

impl Store for MemoryStore {
    fn transaction(&self, body: &mut TxBody<'_>) -> Result<(), StoreError> {
        let mut state = self.state.lock();
        let mut tx = MemoryTx {
            state: &state,
            sessions: HashMap::new(),
            tokens: HashMap::new(),
        };
        body(&mut tx)?;
        let MemoryTx {
            sessions, tokens, ..
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
