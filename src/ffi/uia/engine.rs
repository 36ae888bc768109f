//! Creating, configuring and cleaning up an engine.

use std::ffi::{c_char, c_int};

use crate::ffi::{args, boundary};
use crate::uia::{Config, Engine};

/// A UIA engine: configuration, session store, host hooks and rate limits.
#[allow(non_camel_case_types)]
pub struct stepup_uia {
    pub(crate) engine: Engine,
}

/// Creates a UIA engine.
///
/// `config_json` is a JSON object (NULL or "{}" for the defaults) with the
/// optional keys `store` ("memory", "sqlite:PATH" — the default, PATH
/// "stepup-uia.db" — or "postgres://..."), `server_name` (default
/// "localhost"), `session_lifetime_ms` (idle lifetime, default 900000),
/// `max_failures` and `failure_window_ms` (failed password/token attempts
/// per user and per session, default 5 per 300000), `max_body_bytes`
/// (default and maximum 65536), `store_file_mode` (the permissions of a
/// SQLite file the engine creates, octal digits in a string, default
/// "0600": the owner's only; its -wal and -shm files get the same),
/// `max_new_sessions` and `max_new_sessions_per_client` (sessions started
/// in any one session lifetime, in total and per user or client address,
/// default 100000 and 60; 0 for no bound). It is only read during the call.
///
/// On success writes the new engine to `*out` (free it with
/// `stepup_uia_free`) and returns 0. Returns `STEPUP_E_NULL_POINTER` for a NULL
/// `out`, `STEPUP_E_INVALID_UTF8`, `STEPUP_E_CONFIG` for an invalid
/// configuration, `STEPUP_E_STORE` when the store cannot be opened; `*out` is
/// then left untouched.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `out` is NULL or valid
/// for a pointer write.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_new(
    config_json: *const c_char,
    out: *mut *mut stepup_uia,
) -> c_int {
    boundary::stepup(|| {
        args::out_param(out, "out")?;
        // SAFETY: caller passes NULL or a NUL-terminated string.
        let config = match unsafe { args::optional_utf8(config_json, "config_json") }? {
            Some(text) => Config::from_json(text)?,
            None => Config::default(),
        };
        let engine = Engine::new(config)?;
        // SAFETY: `out` was checked non-NULL; the caller made it writable.
        unsafe { args::give(out, stepup_uia { engine }) };
        Ok(0)
    })
}

/// Frees an engine and closes its store. NULL is ignored. No other call may
/// use the engine during or after this one.
///
/// # Safety
/// `engine` is NULL or came from `stepup_uia_new` and was not freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_free(engine: *mut stepup_uia) {
    boundary::stepup(|| {
        // SAFETY: the caller hands back an engine from stepup_uia_new, once.
        unsafe { args::take(engine) };
        Ok(())
    })
}

/// Purges sessions idle longer than the session lifetime and releases the
/// registration-token uses they held. Meant to be called periodically (a
/// timer or cron job); safe to call from any thread at any time.
///
/// Returns the number of sessions purged (0 or more), or
/// `STEPUP_E_NULL_POINTER`, `STEPUP_E_STORE`.
///
/// # Safety
/// `engine` is NULL or a live engine.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn stepup_uia_cleanup(engine: *const stepup_uia) -> c_int {
    boundary::stepup(|| {
        // SAFETY: caller passes NULL or a live engine.
        let engine = unsafe { args::object(engine, "engine") }?;
        let purged = engine.engine.cleanup()?;
        Ok(c_int::try_from(purged).unwrap_or(c_int::MAX))
    })
}
