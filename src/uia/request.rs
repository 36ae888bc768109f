//! One HTTP request as the engine sees it, and its validation. Everything
//! wrong with the client's input becomes a [`Failure`] (a 4xx response),
//! checked before anything is stored.

use serde_json::{Map, Value};

use super::outcome::Failure;
use super::registry::StageKind;

/// A request to an endpoint protected by UIA. `Debug` leaves the body out
/// (it holds passwords).
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// HTTP method (`POST`, `DELETE`, ...).
    pub method: &'a str,
    /// Request path, without the query string.
    pub path: &'a str,
    /// The raw request body.
    pub body: &'a [u8],
    /// The user of the access token the request carried, if any.
    pub user: Option<&'a str>,
    /// The client's network address as the host sees it, if it says: new
    /// sessions are bounded per user, else per address.
    pub client: Option<&'a str>,
}

impl std::fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("body", &format_args!("<{} bytes>", self.body.len()))
            .field("user", &self.user)
            .field("client", &self.client)
            .finish()
    }
}

/// The `auth` object of a request. Its fields (a password among them) are
/// wiped when it is dropped, and `Debug` shows their names only.
#[derive(Clone)]
pub struct Auth {
    /// The stage being attempted (`type`), if given.
    pub kind: Option<StageKind>,
    /// The session id, if given.
    pub session: Option<String>,
    /// The whole `auth` object.
    pub fields: Map<String, Value>,
}

impl Drop for Auth {
    fn drop(&mut self) {
        super::wipe::wipe_map(&mut self.fields);
    }
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("kind", &self.kind)
            .field("session", &self.session)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Top-level body fields that hold secrets: never kept with a session.
const SECRET_FIELDS: &[&str] = &["password", "new_password", "old_password"];

/// The request body canonically encoded (JSON objects with sorted keys), so
/// that equal bodies compare equal whatever their key order; a body that is
/// not JSON is returned as it is.
pub fn canonical(body: &[u8]) -> zeroize::Zeroizing<Vec<u8>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(mut value) => {
            let text = super::wipe::to_text(&value, body.len());
            super::wipe::wipe(&mut value);
            text
        }
        Err(_) => zeroize::Zeroizing::new(body.to_vec()),
    }
}

/// The operation a body (without `auth` and secret fields, as `parse`
/// leaves it) asks for: SHA-256 over its text, or `None` for an empty
/// body (`{}`), which asks for no operation of its own (a stage-only request).
pub fn operation_of(body_without_auth: &str) -> Option<[u8; 32]> {
    let canonical = canonical(body_without_auth.as_bytes());
    if canonical.as_slice() == b"{}" {
        return None;
    }
    let digest = ring::digest::digest(&ring::digest::SHA256, &canonical);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    Some(out)
}

/// A validated request body.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The `auth` object, if present.
    pub auth: Option<Auth>,
    /// The body without `auth` and without secret fields, as JSON text
    /// (what the host performs the operation on; never stored).
    pub body_without_auth: String,
}

/// Validates and parses a request body.
pub fn parse(request: &Request<'_>, max_body: usize) -> Result<Parsed, Failure> {
    if request.body.len() > max_body {
        return Err(Failure::new(
            413,
            "M_TOO_LARGE",
            format!("request body over {max_body} bytes"),
        ));
    }
    if request.method.is_empty() || request.path.is_empty() {
        return Err(Failure::new(
            400,
            "M_UNRECOGNIZED",
            "request has no method or path",
        ));
    }
    // An empty body counts as `{}`: clients send none on the first request.
    let text = std::str::from_utf8(request.body)
        .map_err(|_| Failure::new(400, "M_NOT_JSON", "body is not UTF-8"))?;
    let text = if text.trim().is_empty() { "{}" } else { text };
    let mut value: Value = serde_json::from_str(text)
        .map_err(|_| Failure::new(400, "M_NOT_JSON", "body is not valid JSON"))?;
    let Value::Object(body) = &mut value else {
        super::wipe::wipe(&mut value);
        return Err(Failure::new(400, "M_BAD_JSON", "body is not a JSON object"));
    };
    let mut body = std::mem::take(body);
    let auth = match body.remove("auth") {
        None | Some(Value::Null) => None,
        Some(Value::Object(fields)) => Some(parse_auth(fields)?),
        Some(mut other) => {
            super::wipe::wipe(&mut other);
            super::wipe::wipe_map(&mut body);
            return Err(Failure::new(400, "M_BAD_JSON", "`auth` is not an object"));
        }
    };
    for field in SECRET_FIELDS {
        if let Some(mut secret) = body.remove(*field) {
            super::wipe::wipe(&mut secret);
        }
    }
    Ok(Parsed {
        auth,
        body_without_auth: Value::Object(body).to_string(),
    })
}

fn parse_auth(fields: Map<String, Value>) -> Result<Auth, Failure> {
    let kind =
        match fields.get("type") {
            None | Some(Value::Null) => None,
            Some(Value::String(name)) => Some(StageKind::from_wire(name).ok_or_else(|| {
                Failure::new(400, "M_BAD_JSON", "`auth.type` is not a stage type")
            })?),
            Some(_) => {
                return Err(Failure::new(
                    400,
                    "M_BAD_JSON",
                    "`auth.type` is not a string",
                ));
            }
        };
    let session = match fields.get("session") {
        None | Some(Value::Null) => None,
        Some(Value::String(id)) if is_session_id_shaped(id) => Some(id.clone()),
        Some(Value::String(_)) => {
            return Err(Failure::new(
                400,
                "M_BAD_JSON",
                "`auth.session` is malformed",
            ));
        }
        Some(_) => {
            return Err(Failure::new(
                400,
                "M_BAD_JSON",
                "`auth.session` is not a string",
            ));
        }
    };
    Ok(Auth {
        kind,
        session,
        fields,
    })
}

/// Session ids are URL-safe and short; anything else cannot name a session.
fn is_session_id_shaped(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(body: &[u8]) -> Request<'_> {
        Request {
            method: "POST",
            path: "/p",
            body,
            user: None,
            client: None,
        }
    }

    fn errcode(body: &[u8]) -> (u16, String) {
        let failure = parse(&request(body), 64 * 1024).unwrap_err();
        (failure.status, failure.errcode)
    }

    #[test]
    fn maps_malformed_bodies_to_matrix_errcodes() {
        assert_eq!(errcode(b"{"), (400, "M_NOT_JSON".into()));
        assert_eq!(errcode(b"\xff\xfe"), (400, "M_NOT_JSON".into()));
        assert_eq!(errcode(b"[1]"), (400, "M_BAD_JSON".into()));
        assert_eq!(errcode(br#"{"auth": 3}"#), (400, "M_BAD_JSON".into()));
        assert_eq!(
            errcode(br#"{"auth": {"type": 7}}"#),
            (400, "M_BAD_JSON".into())
        );
        assert_eq!(
            errcode(br#"{"auth": {"session": 7}}"#),
            (400, "M_BAD_JSON".into())
        );
        assert_eq!(
            errcode(br#"{"auth": {"session": "../x"}}"#),
            (400, "M_BAD_JSON".into())
        );
    }

    #[test]
    fn refuses_oversized_bodies() {
        let big = vec![b' '; 64 * 1024 + 1];
        let failure = parse(&request(&big), 64 * 1024).unwrap_err();
        assert_eq!(
            (failure.status, failure.errcode.as_str()),
            (413, "M_TOO_LARGE")
        );
    }

    #[test]
    fn separates_auth_from_the_body() {
        let parsed = parse(
            &request(br#"{"username":"a","auth":{"type":"m.login.dummy","session":"abc"}}"#),
            1024,
        )
        .unwrap();
        let auth = parsed.auth.unwrap();
        assert_eq!(auth.kind, Some(StageKind::Dummy));
        assert_eq!(auth.session.as_deref(), Some("abc"));
        assert_eq!(parsed.body_without_auth, r#"{"username":"a"}"#);
    }

    #[test]
    fn drops_secret_fields_from_the_kept_body() {
        let body = br#"{"username":"a","password":"p","new_password":"q","logout_devices":true}"#;
        let parsed = parse(&request(body), 1024).unwrap();
        assert_eq!(
            parsed.body_without_auth,
            r#"{"logout_devices":true,"username":"a"}"#
        );
    }

    #[test]
    fn canonical_encoding_ignores_key_order_and_keeps_every_field() {
        let a = canonical(br#"{"new_password":"n","auth":{"type":"m.login.password","password":"p","session":"s"},"x":1}"#);
        let b = canonical(br#"{"x":1,"auth":{"session":"s","password":"p","type":"m.login.password"},"new_password":"n"}"#);
        assert_eq!(a, b);
        let other = canonical(br#"{"x":1,"auth":{"session":"s","password":"q","type":"m.login.password"},"new_password":"n"}"#);
        assert_ne!(a, other);
        assert_eq!(canonical(b"not json").as_slice(), b"not json");
    }

    #[test]
    fn an_operation_is_a_digest_of_the_body_and_none_for_an_empty_one() {
        let a = operation_of(r#"{"username":"a","x":1}"#).unwrap();
        assert_eq!(Some(a), operation_of(r#"{"x":1,"username":"a"}"#));
        assert_ne!(Some(a), operation_of(r#"{"x":2,"username":"a"}"#));
        assert_eq!(operation_of("{}"), None);
    }

    #[test]
    fn treats_an_empty_body_as_an_empty_object() {
        let parsed = parse(&request(b""), 1024).unwrap();
        assert!(parsed.auth.is_none());
        assert_eq!(parsed.body_without_auth, "{}");
    }
}
