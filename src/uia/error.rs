//! Failures of the UIA engine itself: a `UiaComplete`-style call returns <0
//! for these. Anything the client did wrong is not an error here: it is a
//! response (see `outcome.rs`).

/// An internal failure of the UIA engine.
#[derive(Debug, thiserror::Error)]
pub enum UiaError {
    /// The session store failed (I/O, corruption, lost connection).
    #[error("session store: {0}")]
    Store(#[from] StoreError),
    /// The engine configuration is invalid.
    #[error("configuration: {0}")]
    Config(String),
    /// The flows handed to the engine are invalid (empty, bad stage type).
    #[error("flows: {0}")]
    Flows(String),
    /// A flow needs a host hook that was never set (a password checker, a
    /// validator for a custom stage); the stage fails closed.
    #[error("no host hook for stage `{0}`")]
    MissingHook(String),
    /// A host hook reported an internal error.
    #[error("host hook for stage `{0}` failed")]
    Hook(String),
    /// The operating system's random generator failed.
    #[error("random generator failed")]
    Random,
    /// A certificate enrolment was refused (malformed, or the key belongs to
    /// another user).
    #[error("enrolment: {0}")]
    Enrolment(String),
    /// Concurrent updates kept invalidating this completion.
    #[error("session is too busy: concurrent updates did not settle")]
    Contention,
}

/// A failure of a session store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The back end reported an error.
    #[error("{0}")]
    Backend(String),
    /// The back end aborted the transaction for a deadlock or a serialization
    /// failure; running it again may succeed.
    #[error("transaction conflict: {0}")]
    Conflict(String),
    /// The transaction body chose to roll back (a decision, not a failure of
    /// the store; stores never retry it).
    #[error("transaction rolled back")]
    Aborted,
    /// A stored record could not be decoded.
    #[error("corrupt record: {0}")]
    Corrupt(String),
    /// The store's location or parameters are invalid.
    #[error("cannot open: {0}")]
    Open(String),
}
