//! Engine configuration, read from a JSON object; every key is optional.
//!
//! ```json
//! {"store": "sqlite:uia.db", "server_name": "example.org",
//!  "session_lifetime_ms": 900000, "max_failures": 5, "failure_window_ms": 300000,
//!  "max_body_bytes": 65536, "store_file_mode": "0600",
//!  "max_new_sessions": 100000, "max_new_sessions_per_client": 60,
//!  "tls_client_cert": {"subject_cn": "{localpart}", "san_email": "{localpart}@example.org",
//!                      "san_uri": "matrix:u/{localpart}:example.org"}}
//! ```

use serde_json::Value;

use super::UiaError;
use super::client_cert::CertMapping;

/// The largest request body the engine reads; larger ones get 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Engine settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// `memory`, `sqlite:PATH` (the default) or `postgres://...`.
    pub store: String,
    /// The homeserver's name, completing bare localparts into user ids.
    pub server_name: String,
    /// Idle lifetime of a session.
    pub session_lifetime_ms: u64,
    /// Failed password or token attempts allowed per user and per session...
    pub max_failures: u32,
    /// ...within this window.
    pub failure_window_ms: u64,
    /// Request bodies above this size are refused (at most [`MAX_BODY_BYTES`]).
    pub max_body_bytes: usize,
    /// How client certificates map to users (`tls_client_cert`).
    pub cert_mapping: CertMapping,
    /// The permissions of a SQLite database file the engine creates
    /// (`store_file_mode`, octal digits as a string such as `"0640"`;
    /// `"0600"` by default: the owner's only).
    pub store_file_mode: u32,
    /// Sessions created in any one session lifetime, in total (0: unbounded).
    pub max_new_sessions: u32,
    /// Sessions created in any one session lifetime per user, or per client
    /// address for requests without an access token (0: unbounded).
    pub max_new_sessions_per_client: u32,
}

/// The default bound on sessions created per session lifetime, in total: a
/// session record is under a kilobyte, so this keeps a store under about
/// 100 MB whatever clients send.
pub const DEFAULT_MAX_NEW_SESSIONS: u32 = 100_000;
/// The default bound on sessions created per session lifetime by one user or
/// client address: far above what a person completing UIA needs, even behind
/// a shared address.
pub const DEFAULT_MAX_NEW_SESSIONS_PER_CLIENT: u32 = 60;

impl Default for Config {
    fn default() -> Self {
        Self {
            store: "sqlite:stepup-uia.db".to_owned(),
            server_name: "localhost".to_owned(),
            session_lifetime_ms: 15 * 60 * 1000,
            max_failures: 5,
            failure_window_ms: 5 * 60 * 1000,
            max_body_bytes: MAX_BODY_BYTES,
            cert_mapping: CertMapping::default(),
            store_file_mode: 0o600,
            max_new_sessions: DEFAULT_MAX_NEW_SESSIONS,
            max_new_sessions_per_client: DEFAULT_MAX_NEW_SESSIONS_PER_CLIENT,
        }
    }
}

impl Config {
    /// Parses a configuration object; unknown keys and wrong types are errors.
    pub fn from_json(text: &str) -> Result<Self, UiaError> {
        let bad = |why: String| UiaError::Config(why);
        let value: Value = serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
        let object = value
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let mut config = Self::default();
        for (key, value) in object {
            let number = || {
                value
                    .as_u64()
                    .ok_or_else(|| bad(format!("`{key}` must be a non-negative integer")))
            };
            let string = || {
                value
                    .as_str()
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("`{key}` must be a non-empty string")))
            };
            match key.as_str() {
                "store" => config.store = string()?,
                "server_name" => config.server_name = string()?,
                "session_lifetime_ms" => config.session_lifetime_ms = number()?,
                "max_failures" => {
                    config.max_failures = u32::try_from(number()?)
                        .map_err(|_| bad("`max_failures` is too large".into()))?;
                }
                "failure_window_ms" => config.failure_window_ms = number()?,
                "max_new_sessions" | "max_new_sessions_per_client" => {
                    let n = u32::try_from(number()?)
                        .map_err(|_| bad(format!("`{key}` is too large")))?;
                    if key == "max_new_sessions" {
                        config.max_new_sessions = n;
                    } else {
                        config.max_new_sessions_per_client = n;
                    }
                }
                "max_body_bytes" => {
                    let n = usize::try_from(number()?).unwrap_or(usize::MAX);
                    if n == 0 || n > MAX_BODY_BYTES {
                        return Err(bad(format!(
                            "`max_body_bytes` must be 1 to {MAX_BODY_BYTES}"
                        )));
                    }
                    config.max_body_bytes = n;
                }
                "tls_client_cert" => config.cert_mapping = CertMapping::from_json(value)?,
                "store_file_mode" => {
                    config.store_file_mode = u32::from_str_radix(&string()?, 8)
                        .ok()
                        .filter(|mode| *mode <= 0o777)
                        .ok_or_else(|| {
                            bad(
                                "`store_file_mode` must be octal permissions such as \"0600\""
                                    .into(),
                            )
                        })?;
                }
                other => return Err(bad(format!("unknown key `{other}`"))),
            }
        }
        if config.session_lifetime_ms == 0 {
            return Err(bad("`session_lifetime_ms` must be positive".into()));
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite_and_spec_limits() {
        let config = Config::from_json("{}").unwrap();
        assert!(config.store.starts_with("sqlite:"));
        assert_eq!(config.max_failures, 5);
        assert_eq!(config.session_lifetime_ms, 900_000);
        assert_eq!(config.max_body_bytes, 65_536);
        assert_eq!(config.store_file_mode, 0o600);
        assert_eq!(config.max_new_sessions, 100_000);
        assert_eq!(config.max_new_sessions_per_client, 60);
        let config = Config::from_json(r#"{"store_file_mode":"0640"}"#).unwrap();
        assert_eq!(config.store_file_mode, 0o640);
    }

    #[test]
    fn rejects_unknown_keys_and_bad_values() {
        for text in [
            "[]",
            r#"{"stor":"memory"}"#,
            r#"{"store":""}"#,
            r#"{"max_failures":-1}"#,
            r#"{"max_body_bytes":70000}"#,
            r#"{"session_lifetime_ms":0}"#,
            r#"{"store_file_mode":"0800"}"#,
            r#"{"store_file_mode":"1777"}"#,
            r#"{"store_file_mode":384}"#,
            r#"{"max_new_sessions":-1}"#,
            r#"{"max_new_sessions_per_client":4294967296}"#,
        ] {
            assert!(Config::from_json(text).is_err(), "{text}");
        }
    }
}
