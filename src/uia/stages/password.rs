//! `m.login.password`: identifier `m.id.user` (localpart or full user id) or
//! the legacy `user` field, checked by the host's password checker.

use serde_json::{Map, Value};

use super::{Stage, StageInput, Verdict, required_str};
use crate::uia::UiaError;
use crate::uia::hooks::{Hooks, PasswordVerdict};
use crate::uia::outcome::Failure;

/// The password stage.
pub struct Password;

fn wrong() -> Failure {
    Failure::new(401, "M_FORBIDDEN", "Invalid username or password")
}

/// The user id named by `auth`, or the client-visible failure.
fn claimed_user(auth: &Map<String, Value>, server_name: &str) -> Result<Option<String>, Failure> {
    let name = match auth.get("identifier") {
        Some(Value::Object(identifier)) => {
            match identifier.get("type").and_then(Value::as_str) {
                Some("m.id.user") => {}
                Some(_) => {
                    return Err(Failure::new(
                        400,
                        "M_UNKNOWN",
                        "unsupported identifier type",
                    ));
                }
                None => {
                    return Err(Failure::new(
                        400,
                        "M_BAD_JSON",
                        "`identifier.type` is missing",
                    ));
                }
            }
            required_str(identifier, "user")?
        }
        Some(_) => {
            return Err(Failure::new(
                400,
                "M_BAD_JSON",
                "`auth.identifier` is not an object",
            ));
        }
        None => required_str(auth, "user")?,
    };
    Ok(full_user_id(name, server_name))
}

/// `@localpart:server_name` from a localpart or a full id of this server;
/// `None` for a foreign or malformed id (which can never authenticate here).
fn full_user_id(name: &str, server_name: &str) -> Option<String> {
    let localpart = match name.strip_prefix('@') {
        Some(full) => {
            let (local, server) = full.split_once(':')?;
            if server != server_name {
                return None;
            }
            local
        }
        None => name,
    };
    let valid = !localpart.is_empty()
        && localpart.len() <= 255
        && localpart.bytes().all(|b| b.is_ascii_graphic() && b != b':');
    valid.then(|| format!("@{localpart}:{server_name}"))
}

impl Stage for Password {
    fn subject(&self, input: &StageInput<'_>) -> Option<String> {
        claimed_user(input.auth, input.server_name).ok().flatten()
    }

    fn check(&self, input: &StageInput<'_>, hooks: &Hooks) -> Result<Verdict, UiaError> {
        let user = match claimed_user(input.auth, input.server_name) {
            Ok(user) => user,
            Err(failure) => return Ok(Verdict::Fail(failure)),
        };
        let password = match required_str(input.auth, "password") {
            Ok(p) => p,
            Err(failure) => return Ok(Verdict::Fail(failure)),
        };
        let checker = hooks
            .password
            .as_ref()
            .ok_or_else(|| UiaError::MissingHook(input.kind.to_string()))?;
        let Some(user) = user else {
            return Ok(Verdict::Fail(wrong()));
        };
        match checker(&user, password).map_err(|_| UiaError::Hook(input.kind.to_string()))? {
            PasswordVerdict::Correct => Ok(Verdict::Pass {
                user: Some(user),
                token: None,
            }),
            PasswordVerdict::Wrong => Ok(Verdict::Fail(wrong())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_localparts_and_accepts_own_full_ids() {
        assert_eq!(
            full_user_id("alice", "ex.org").as_deref(),
            Some("@alice:ex.org")
        );
        assert_eq!(
            full_user_id("@alice:ex.org", "ex.org").as_deref(),
            Some("@alice:ex.org")
        );
    }

    #[test]
    fn refuses_foreign_and_malformed_ids() {
        for name in [
            "@alice:other.org",
            "@alice",
            "",
            "a:b",
            "sp ace",
            "@:ex.org",
        ] {
            assert_eq!(full_user_id(name, "ex.org"), None, "{name:?}");
        }
    }

    #[test]
    fn reads_identifier_or_legacy_user() {
        let auth: Map<String, Value> =
            serde_json::from_str(r#"{"identifier":{"type":"m.id.user","user":"bob"}}"#).unwrap();
        assert_eq!(claimed_user(&auth, "s").unwrap().as_deref(), Some("@bob:s"));
        let legacy: Map<String, Value> = serde_json::from_str(r#"{"user":"@bob:s"}"#).unwrap();
        assert_eq!(
            claimed_user(&legacy, "s").unwrap().as_deref(),
            Some("@bob:s")
        );
        let phone: Map<String, Value> =
            serde_json::from_str(r#"{"identifier":{"type":"m.id.phone","phone":"1"}}"#).unwrap();
        assert_eq!(claimed_user(&phone, "s").unwrap_err().errcode, "M_UNKNOWN");
        let none: Map<String, Value> = serde_json::from_str("{}").unwrap();
        assert_eq!(
            claimed_user(&none, "s").unwrap_err().errcode,
            "M_MISSING_PARAM"
        );
    }
}
