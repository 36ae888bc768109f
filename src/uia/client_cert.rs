//! The TLS client-certificate stage's inputs: what the connection carrying
//! a request knows of the client's certificate (gathered by the host's TLS
//! layer; the engine parses no certificates), and how a certificate maps to
//! a Matrix user: an enrolled key fingerprint, or a certificate field under
//! a configured pattern.

use serde_json::Value;

use super::UiaError;

/// The placeholder a pattern captures.
const LOCALPART: &str = "{localpart}";
/// Matrix localparts are at most this long here (user ids are 255 bytes).
const MAX_LOCALPART: usize = 200;

/// What the request's TLS connection knows of the client's certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCert {
    /// No TLS session was handed over, or it cannot ask the client (the
    /// client did not offer post-handshake authentication) and holds no
    /// certificate.
    Unavailable,
    /// No certificate yet, and the connection can ask for one
    /// (re-authentication).
    NotYet,
    /// The client was asked and sent an empty Certificate.
    Refused,
    /// The client presented a certificate.
    Presented(CertFacts),
}

/// The facts of a presented certificate the stage decides on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertFacts {
    /// SHA-256 of its SubjectPublicKeyInfo (see `enrolment`).
    pub fingerprint: String,
    /// Its subject's commonName values.
    pub common_names: Vec<String>,
    /// Its subjectAltName rfc822Name entries.
    pub emails: Vec<String>,
    /// Its subjectAltName URI entries.
    pub uris: Vec<String>,
    /// Whether the chain verified against the server's trust for clients
    /// (`Err` says why not).
    pub verified: Result<(), String>,
}

/// A certificate field pattern: `prefix{localpart}suffix`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    prefix: String,
    suffix: String,
}

impl Pattern {
    /// Parses a pattern holding `{localpart}` exactly once.
    pub fn parse(text: &str) -> Option<Self> {
        let (prefix, suffix) = text.split_once(LOCALPART)?;
        if suffix.contains(LOCALPART) {
            return None;
        }
        Some(Self {
            prefix: prefix.to_owned(),
            suffix: suffix.to_owned(),
        })
    }

    /// The localpart `value` carries, if it fits the pattern and is a valid
    /// Matrix localpart (compared exactly: no case folding).
    pub fn localpart<'a>(&self, value: &'a str) -> Option<&'a str> {
        let middle = value
            .strip_prefix(self.prefix.as_str())?
            .strip_suffix(self.suffix.as_str())?;
        let valid = !middle.is_empty()
            && middle.len() <= MAX_LOCALPART
            && middle
                .bytes()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'.' | b'_' | b'=' | b'-' | b'/' | b'+'));
        valid.then_some(middle)
    }
}

/// How certificate fields map to users (`tls_client_cert` in the engine
/// configuration). Enrolled fingerprints always count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertMapping {
    /// Pattern for subjectAltName URIs (`matrix:u/{localpart}:example.org`).
    pub san_uri: Option<Pattern>,
    /// Pattern for subjectAltName emails (`{localpart}@example.org`).
    pub san_email: Option<Pattern>,
    /// Pattern for the subject commonName (`{localpart}`).
    pub subject_cn: Option<Pattern>,
}

impl CertMapping {
    /// Reads `{"san_uri": ..., "san_email": ..., "subject_cn": ...}`.
    pub fn from_json(value: &Value) -> Result<Self, UiaError> {
        let bad = |why: String| UiaError::Config(format!("`tls_client_cert`: {why}"));
        let object = value
            .as_object()
            .ok_or_else(|| bad("not a JSON object".into()))?;
        let mut mapping = Self::default();
        for (key, value) in object {
            let pattern = value
                .as_str()
                .and_then(Pattern::parse)
                .ok_or_else(|| bad(format!("`{key}` must be a string holding {LOCALPART} once")))?;
            match key.as_str() {
                "san_uri" => mapping.san_uri = Some(pattern),
                "san_email" => mapping.san_email = Some(pattern),
                "subject_cn" => mapping.subject_cn = Some(pattern),
                other => return Err(bad(format!("unknown key `{other}`"))),
            }
        }
        Ok(mapping)
    }

    /// The user ids the certificate's fields name, in the order URI, email,
    /// commonName, without repeats.
    pub fn users(&self, facts: &CertFacts, server_name: &str) -> Vec<String> {
        let sources = [
            (&self.san_uri, &facts.uris),
            (&self.san_email, &facts.emails),
            (&self.subject_cn, &facts.common_names),
        ];
        let mut users: Vec<String> = Vec::new();
        for (pattern, values) in sources {
            let Some(pattern) = pattern else { continue };
            for value in values {
                if let Some(localpart) = pattern.localpart(value) {
                    let user = format!("@{localpart}:{server_name}");
                    if !users.contains(&user) {
                        users.push(user);
                    }
                }
            }
        }
        users
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> CertFacts {
        CertFacts {
            fingerprint: "ab".repeat(32),
            common_names: vec!["alice".into()],
            emails: vec!["alice@example.org".into(), "Bob@example.org".into()],
            uris: vec!["matrix:u/carol:example.org".into()],
            verified: Ok(()),
        }
    }

    #[test]
    fn patterns_capture_valid_localparts_only() {
        let p = Pattern::parse("{localpart}@example.org").unwrap();
        assert_eq!(p.localpart("alice@example.org"), Some("alice"));
        assert_eq!(p.localpart("Alice@example.org"), None, "no case folding");
        assert_eq!(p.localpart("@example.org"), None);
        assert_eq!(p.localpart("a b@example.org"), None);
        assert_eq!(p.localpart("alice@example.org.evil"), None);
        assert!(Pattern::parse("no placeholder").is_none());
        assert!(Pattern::parse("{localpart}{localpart}").is_none());
    }

    #[test]
    fn maps_fields_in_order_uri_email_cn() {
        let mapping = CertMapping::from_json(&serde_json::json!({
            "subject_cn": "{localpart}",
            "san_email": "{localpart}@example.org",
            "san_uri": "matrix:u/{localpart}:example.org",
        }))
        .unwrap();
        assert_eq!(
            mapping.users(&facts(), "hs"),
            ["@carol:hs", "@alice:hs"],
            "Bob@ is not a valid localpart; alice once"
        );
        assert!(CertMapping::default().users(&facts(), "hs").is_empty());
        for bad in [
            serde_json::json!([]),
            serde_json::json!({"subject_cn": 1}),
            serde_json::json!({"subject_dn": "{localpart}"}),
        ] {
            assert!(CertMapping::from_json(&bad).is_err(), "{bad}");
        }
    }
}
