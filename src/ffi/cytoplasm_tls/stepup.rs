//! The certificate step-up's settings for a Telodendria on this backend:
//! the JSON file the environment variable `STEPUP_TELODENDRIA_CONFIG`
//! names, read without touching Telodendria's own configuration.
//!
//! ```json
//! {"client_ca": "ca.pem",
//!  "tls_client_cert": {"san_uri": "matrix:u/{localpart}:example.org"},
//!  "enrolled": {"alice": ["<SHA-256 of the SubjectPublicKeyInfo, hex>"]}}
//! ```
//!
//! `client_ca` (required) is a PEM file of the CAs a client certificate
//! must chain to; a relative path is taken from the directory of the JSON
//! file. `tls_client_cert` maps certificate fields to users, with the UIA
//! engine's rules (`san_uri`, `san_email`, `subject_cn`); `enrolled` maps
//! key fingerprints to users (a localpart or a full user id). At least one
//! of the two must be given. With the variable unset nothing changes: no
//! server session asks for certificates and no flow is added.

#![forbid(unsafe_code)]

use std::collections::HashMap;
use std::ffi::OsString;
use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::Value;

use crate::gnutls::credentials::GNUTLS_X509_FMT_PEM;
use crate::gnutls::trust_list::TrustList;
use crate::uia::client_cert::CertMapping;
use crate::uia::enrolment::normalise_fingerprint;

/// The environment variable naming the JSON file.
pub const CONFIG_VAR: &str = "STEPUP_TELODENDRIA_CONFIG";

/// The largest configuration file read.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// The step-up settings.
pub struct StepUpConfig {
    /// The CAs client certificates must chain to.
    pub client_ca: Arc<TrustList>,
    /// Certificate fields to users.
    pub mapping: CertMapping,
    /// Key fingerprints (normalised, see `uia::enrolment`) to users, as
    /// written: a localpart or a full user id.
    pub enrolled: HashMap<String, String>,
}

/// Why the file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {why}")]
    Read {
        /// The file.
        path: String,
        /// What the read said.
        why: String,
    },
    /// The file is not what the step-up needs.
    #[error("{path}: {why}")]
    Invalid {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
}

impl StepUpConfig {
    /// The user id `fingerprint` is enrolled for, completed with
    /// `server_name` when it was written as a localpart.
    pub fn enrolled_user(&self, fingerprint: &str, server_name: &str) -> Option<String> {
        let user = self.enrolled.get(fingerprint)?;
        Some(if user.starts_with('@') {
            user.clone()
        } else {
            format!("@{user}:{server_name}")
        })
    }

    /// Reads the settings from `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let name = path.display().to_string();
        let read_error = |why: String| ConfigError::Read {
            path: name.clone(),
            why,
        };
        let size = std::fs::metadata(path)
            .map_err(|e| read_error(e.to_string()))?
            .len();
        if size > MAX_CONFIG_BYTES {
            return Err(read_error(format!("larger than {MAX_CONFIG_BYTES} bytes")));
        }
        let text = std::fs::read_to_string(path).map_err(|e| read_error(e.to_string()))?;
        let base = path.parent().unwrap_or(Path::new("."));
        Self::parse(&text, base).map_err(|why| ConfigError::Invalid { path: name, why })
    }

    /// Parses the JSON `text`; relative file names are taken from `base`.
    pub fn parse(text: &str, base: &Path) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let object = value.as_object().ok_or("not a JSON object")?;
        let mut client_ca = None;
        let mut mapping = None;
        let mut enrolled = HashMap::new();
        for (key, value) in object {
            match key.as_str() {
                "client_ca" => {
                    let file = value.as_str().ok_or("`client_ca` must be a file name")?;
                    client_ca = Some(read_trust(&base.join(file))?);
                }
                "tls_client_cert" => {
                    mapping = Some(CertMapping::from_json(value).map_err(|e| e.to_string())?);
                }
                "enrolled" => enrolled = parse_enrolled(value)?,
                other => return Err(format!("unknown key `{other}`")),
            }
        }
        let client_ca = client_ca.ok_or("`client_ca` is required")?;
        if mapping.is_none() && enrolled.is_empty() {
            return Err(
                "neither `tls_client_cert` nor `enrolled` maps a certificate to a user".into(),
            );
        }
        Ok(Self {
            client_ca,
            mapping: mapping.unwrap_or_default(),
            enrolled,
        })
    }
}

/// `{"user": ["fingerprint", ...], ...}` as fingerprint → user.
fn parse_enrolled(value: &Value) -> Result<HashMap<String, String>, String> {
    let bad = || "`enrolled` must map users to arrays of SPKI SHA-256 fingerprints".to_owned();
    let mut enrolled = HashMap::new();
    for (user, prints) in value.as_object().ok_or_else(bad)? {
        if user.is_empty() {
            return Err(bad());
        }
        for print in prints.as_array().ok_or_else(bad)? {
            let print = print
                .as_str()
                .and_then(normalise_fingerprint)
                .ok_or_else(|| {
                    format!("`enrolled`: a fingerprint of `{user}` is not 32 bytes of hex")
                })?;
            if let Some(other) = enrolled.insert(print, user.clone()) {
                if other != *user {
                    return Err(format!(
                        "`enrolled`: one key is enrolled for `{other}` and `{user}`"
                    ));
                }
            }
        }
    }
    Ok(enrolled)
}

fn read_trust(file: &Path) -> Result<Arc<TrustList>, String> {
    let name = file.display().to_string();
    let path = file
        .to_str()
        .ok_or_else(|| format!("`client_ca`: {name} is not UTF-8"))?;
    let list = TrustList::new();
    match list.add_file(path, GNUTLS_X509_FMT_PEM) {
        Ok(0) => Err(format!("`client_ca`: no certificate in {name}")),
        Ok(_) => Ok(Arc::new(list)),
        Err(e) => Err(format!("`client_ca`: cannot read {name}: {e}")),
    }
}

/// What one value of the variable gave.
type Loaded = (
    Option<OsString>,
    Result<Option<Arc<StepUpConfig>>, ConfigError>,
);

/// The settings the variable names now: `None` when it is unset or empty,
/// or when its file cannot be used. The file is read once per value of the
/// variable; `report` is given the failure the one time it happens, so a
/// broken file is reported once, and the step-up stays off.
pub fn current(report: impl FnOnce(&ConfigError)) -> Option<Arc<StepUpConfig>> {
    static LOADED: Mutex<Option<Loaded>> = Mutex::new(None);
    let file = std::env::var_os(CONFIG_VAR).filter(|file| !file.is_empty());
    let mut loaded = LOADED.lock();
    if let Some((from, result)) = loaded.as_ref() {
        if *from == file {
            return result.as_ref().ok().cloned().flatten();
        }
    }
    let result = match &file {
        None => Ok(None),
        Some(path) => StepUpConfig::load(Path::new(path)).map(|c| Some(Arc::new(c))),
    };
    if let Err(e) = &result {
        report(e);
    }
    let config = result.as_ref().ok().cloned().flatten();
    *loaded = Some((file, result));
    config
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixtures() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    #[test]
    fn reads_the_ca_the_mapping_and_enrolled_keys() {
        let print = "AA".repeat(32);
        let text = format!(
            r#"{{"client_ca": "ca.pem", "tls_client_cert": {{"subject_cn": "{{localpart}}"}},
                "enrolled": {{"bob": ["{print}"], "@carol:elsewhere": []}}}}"#
        );
        let config = StepUpConfig::parse(&text, &fixtures()).unwrap();
        assert!(config.mapping.subject_cn.is_some());
        let lower = "aa".repeat(32);
        assert_eq!(
            config.enrolled_user(&lower, "example.org").as_deref(),
            Some("@bob:example.org")
        );
        assert_eq!(config.enrolled_user(&"bb".repeat(32), "example.org"), None);
    }

    #[test]
    fn refuses_what_cannot_work() {
        let base = fixtures();
        for (text, why) in [
            ("[]", "not a JSON object"),
            (
                r#"{"tls_client_cert": {"subject_cn": "{localpart}"}}"#,
                "required",
            ),
            (r#"{"client_ca": "ca.pem"}"#, "neither"),
            (
                r#"{"client_ca": "missing.pem", "enrolled": {}}"#,
                "cannot read",
            ),
            (
                r#"{"client_ca": "ca.key", "tls_client_cert": {"subject_cn": "{localpart}"}}"#,
                "`client_ca`",
            ),
            (
                r#"{"client_ca": "ca.pem", "tls_client_cert": {"cn": "{localpart}"}}"#,
                "unknown key",
            ),
            (
                r#"{"client_ca": "ca.pem", "enrolled": {"bob": ["00"]}}"#,
                "32 bytes",
            ),
            (
                r#"{"client_ca": "ca.pem", "extra": 1, "enrolled": {}}"#,
                "unknown key `extra`",
            ),
        ] {
            let err = StepUpConfig::parse(text, &base).err().unwrap_or_default();
            assert!(err.contains(why), "{text}: {err}");
        }
        let two = format!(
            r#"{{"client_ca": "ca.pem", "enrolled": {{"a": ["{0}"], "b": ["{0}"]}}}}"#,
            "cc".repeat(32)
        );
        assert!(
            StepUpConfig::parse(&two, &base)
                .err()
                .unwrap_or_default()
                .contains("enrolled for")
        );
    }
}
