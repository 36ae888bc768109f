//! A UIA session: what the client has completed, and what it is bound to.
//! Stores keep sessions as JSON documents (`to_json` / `from_json`).

use serde_json::{Map, Value, json};

use super::StoreError;
use super::registry::StageKind;

/// Where a session stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    /// Stages remain.
    InProgress,
    /// A flow was completed by the request with this fingerprint; the session
    /// authorises that one operation and nothing else.
    Completed {
        /// SHA-256 over the method, path and body of the completing request.
        fingerprint: [u8; 32],
    },
}

/// One UIA session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The session id the client echoes back.
    pub id: String,
    /// HTTP method of the request that created the session.
    pub method: String,
    /// Request path of the request that created the session.
    pub path: String,
    /// The user who made the creating request with an access token, if any.
    pub bound_user: Option<String>,
    /// The user the stages authenticated, if any stage did.
    pub auth_user: Option<String>,
    /// The flows offered when the session was created (the fallback page
    /// checks its stage against them).
    pub flows: Vec<Vec<StageKind>>,
    /// Stages completed, in order.
    pub completed: Vec<StageKind>,
    /// What the session authorises: SHA-256 over the body (without `auth`
    /// and secret fields, canonically encoded) of the first request on it
    /// that carried one; `None` until a request did. The body itself is
    /// never kept.
    pub operation: Option<[u8; 32]>,
    /// The key (`token::key_of`, a digest) of the registration token this
    /// session holds a use of; the token itself is never kept.
    pub token_key: Option<String>,
    /// Where the session stands.
    pub state: SessionState,
    /// Creation and last access, in milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Last access, in milliseconds since the Unix epoch.
    pub last_access_ms: u64,
    /// Incremented by every stored change; stores update only the version
    /// they read (optimistic concurrency).
    pub version: u64,
}

impl Session {
    /// The user the session is for: bound by the access token of the request
    /// that created it, else proved by a stage.
    pub fn user(&self) -> Option<&str> {
        self.bound_user.as_deref().or(self.auth_user.as_deref())
    }

    /// Whether the session has been idle longer than `lifetime_ms` at `now_ms`.
    pub fn is_expired(&self, now_ms: u64, lifetime_ms: u64) -> bool {
        now_ms.saturating_sub(self.last_access_ms) > lifetime_ms
    }

    /// The JSON document stores keep (without `id` and `version`, which are columns or keys).
    pub fn to_json(&self) -> String {
        let completed: Vec<&str> = self.completed.iter().map(StageKind::wire).collect();
        let flows: Vec<Vec<&str>> = self
            .flows
            .iter()
            .map(|f| f.iter().map(StageKind::wire).collect())
            .collect();
        let state = match &self.state {
            SessionState::InProgress => json!({"state": "in_progress"}),
            SessionState::Completed { fingerprint } => {
                json!({"state": "completed", "fingerprint": hex(fingerprint)})
            }
        };
        json!({
            "method": self.method,
            "path": self.path,
            "bound_user": self.bound_user,
            "auth_user": self.auth_user,
            "flows": flows,
            "completed": completed,
            "operation": self.operation.as_ref().map(|o| hex(o)),
            "token_key": self.token_key,
            "state": state,
            "created_ms": self.created_ms,
            "last_access_ms": self.last_access_ms,
        })
        .to_string()
    }

    /// Rebuilds a session from its stored document.
    pub fn from_json(id: &str, version: u64, text: &str) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("session {id}: {what}"));
        let value: Value = serde_json::from_str(text).map_err(|_| corrupt("not JSON"))?;
        let doc = value.as_object().ok_or_else(|| corrupt("not an object"))?;
        let string = |key: &str| {
            doc.get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| corrupt(key))
        };
        let optional = |key: &str| -> Result<Option<String>, StoreError> {
            match doc.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(corrupt(key)),
            }
        };
        let number = |key: &str| {
            doc.get(key)
                .and_then(Value::as_u64)
                .ok_or_else(|| corrupt(key))
        };
        let completed = doc
            .get("completed")
            .and_then(Value::as_array)
            .ok_or_else(|| corrupt("completed"))?
            .iter()
            .map(|s| {
                s.as_str()
                    .and_then(StageKind::from_wire)
                    .ok_or_else(|| corrupt("stage"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // Sessions stored before flows were kept have none: the fallback page
        // then cannot advance them, nothing else changes.
        let flows = match doc.get("flows") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(flows)) => flows
                .iter()
                .map(|flow| {
                    flow.as_array()
                        .ok_or_else(|| corrupt("flow"))?
                        .iter()
                        .map(|s| {
                            s.as_str()
                                .and_then(StageKind::from_wire)
                                .ok_or_else(|| corrupt("stage"))
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(corrupt("flows")),
        };
        Ok(Self {
            id: id.to_owned(),
            flows,
            method: string("method")?,
            path: string("path")?,
            bound_user: optional("bound_user")?,
            auth_user: optional("auth_user")?,
            completed,
            operation: operation(doc).ok_or_else(|| corrupt("operation"))?,
            token_key: token_key(doc).ok_or_else(|| corrupt("token_key"))?,
            state: parse_state(doc.get("state")).ok_or_else(|| corrupt("state"))?,
            created_ms: number("created_ms")?,
            last_access_ms: number("last_access_ms")?,
            version,
        })
    }
}

/// The operation digest; documents written before digests were kept hold
/// the body (`created_body`, already without secrets) instead.
fn operation(doc: &Map<String, Value>) -> Option<Option<[u8; 32]>> {
    match (doc.get("operation"), doc.get("created_body")) {
        (Some(Value::String(text)), _) => parse_digest(text).map(Some),
        (None | Some(Value::Null), Some(Value::String(body))) => {
            Some(super::request::operation_of(body))
        }
        (None | Some(Value::Null), None | Some(Value::Null)) => Some(None),
        _ => None,
    }
}

/// The held token's key; documents written before keys were kept hold the
/// token itself (`token`).
fn token_key(doc: &Map<String, Value>) -> Option<Option<String>> {
    match (doc.get("token_key"), doc.get("token")) {
        (Some(Value::String(key)), _) => parse_digest(key).map(|_| Some(key.clone())),
        (None | Some(Value::Null), Some(Value::String(token))) => {
            Some(Some(super::token::key_of(token)))
        }
        (None | Some(Value::Null), None | Some(Value::Null)) => Some(None),
        _ => None,
    }
}

/// 64 hex digits as 32 bytes.
fn parse_digest(text: &str) -> Option<[u8; 32]> {
    let mut digest = [0u8; 32];
    if text.len() != 64 {
        return None;
    }
    for (i, byte) in digest.iter_mut().enumerate() {
        *byte = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(digest)
}

fn parse_state(value: Option<&Value>) -> Option<SessionState> {
    let state: &Map<String, Value> = value?.as_object()?;
    match state.get("state")?.as_str()? {
        "in_progress" => Some(SessionState::InProgress),
        "completed" => Some(SessionState::Completed {
            fingerprint: parse_digest(state.get("fingerprint")?.as_str()?)?,
        }),
        _ => None,
    }
}

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(id: &str) -> Session {
        Session {
            id: id.to_owned(),
            method: "POST".into(),
            path: "/_matrix/client/v3/register".into(),
            bound_user: None,
            auth_user: Some("@a:example.org".into()),
            flows: vec![vec![
                StageKind::RegistrationToken,
                StageKind::Custom("x.y".into()),
            ]],
            completed: vec![
                StageKind::RegistrationToken,
                StageKind::Custom("x.y".into()),
            ],
            operation: Some([5u8; 32]),
            token_key: Some(crate::uia::token::key_of("tok")),
            state: SessionState::Completed {
                fingerprint: [7u8; 32],
            },
            created_ms: 5,
            last_access_ms: 9,
            version: 3,
        }
    }

    #[test]
    fn survives_a_store_round_trip() {
        let session = sample("abc");
        let back = Session::from_json("abc", 3, &session.to_json()).unwrap();
        assert_eq!(back, session);
    }

    #[test]
    fn rejects_corrupt_documents() {
        for text in ["", "[]", "{}", r#"{"method":"POST"}"#] {
            assert!(Session::from_json("x", 0, text).is_err(), "{text}");
        }
        let mut doc: Value = serde_json::from_str(&sample("a").to_json()).unwrap();
        doc["state"]["fingerprint"] = json!("zz");
        assert!(Session::from_json("a", 0, &doc.to_string()).is_err());
    }

    #[test]
    fn documents_hold_no_secret_and_old_ones_read_as_digests() {
        let session = sample("a");
        let text = session.to_json();
        assert!(!text.contains("\"tok\""), "{text}");
        assert!(!text.contains("username"), "{text}");
        // A document from before digests: the token and the body itself.
        let mut old: Value = serde_json::from_str(&text).unwrap();
        let doc = old.as_object_mut().unwrap();
        doc.remove("operation");
        doc.remove("token_key");
        doc.insert("token".into(), json!("tok"));
        doc.insert("created_body".into(), json!(r#"{"username":"a"}"#));
        let read = Session::from_json("a", 3, &old.to_string()).unwrap();
        assert_eq!(read.token_key, session.token_key);
        assert_eq!(
            read.operation,
            crate::uia::request::operation_of(r#"{"username":"a"}"#)
        );
        assert!(!read.to_json().contains("\"tok\""));
    }

    #[test]
    fn expires_after_idle_lifetime() {
        let session = sample("a");
        assert!(!session.is_expired(9 + 100, 100));
        assert!(session.is_expired(9 + 101, 100));
    }
}
