//! One struct per stage type, each a [`Stage`]. A stage passes only on
//! positive proof: a missing hook or field is a failure, never a pass.

mod custom;
mod dummy;
mod password;
mod registration_token;
mod terms;
mod tls_client_cert;

pub use registration_token::invalid as registration_token_invalid;

use serde_json::{Map, Value};

use super::UiaError;
use super::client_cert::{CertMapping, ClientCert};
use super::hooks::Hooks;
use super::outcome::Failure;
use super::registry::StageKind;

/// What a stage check sees.
#[derive(Debug)]
pub struct StageInput<'a> {
    /// The stage type attempted.
    pub kind: &'a StageKind,
    /// The client's `auth` object.
    pub auth: &'a Map<String, Value>,
    /// The session id.
    pub session: &'a str,
    /// The user of the request's access token, if any.
    pub requesting_user: Option<&'a str>,
    /// The homeserver's name (completes bare localparts).
    pub server_name: &'a str,
    /// The user the session is for (bound by an access token or proved by
    /// an earlier stage), if any.
    pub session_user: Option<&'a str>,
    /// The request's TLS connection, for the client-certificate stage.
    pub tls: &'a TlsInput<'a>,
}

/// What the client-certificate stage knows of the request's connection.
#[derive(Debug)]
pub struct TlsInput<'a> {
    /// The connection's client certificate, as the host's TLS layer saw it.
    pub cert: &'a ClientCert,
    /// The user the certificate's key is enrolled for, if any.
    pub enrolled_owner: Option<String>,
    /// How certificate fields map to users.
    pub mapping: &'a CertMapping,
}

/// A stage check's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Passed.
    Pass {
        /// The full user id the stage proved, if it proves one.
        user: Option<String>,
        /// A registration token to reserve a use of (checked when the step is stored).
        token: Option<String>,
    },
    /// Failed: the client sees this.
    Fail(Failure),
}

impl Verdict {
    fn pass() -> Self {
        Self::Pass {
            user: None,
            token: None,
        }
    }
}

/// One stage type's behaviour.
pub trait Stage: Sync {
    /// The user an attempt targets, for per-user rate limits.
    fn subject(&self, _input: &StageInput<'_>) -> Option<String> {
        None
    }

    /// Checks an attempt.
    fn check(&self, input: &StageInput<'_>, hooks: &Hooks) -> Result<Verdict, UiaError>;
}

/// The stage implementing `kind`.
pub fn stage_for(kind: &StageKind) -> &'static dyn Stage {
    match kind {
        StageKind::Dummy => &dummy::Dummy,
        StageKind::Password => &password::Password,
        StageKind::RegistrationToken => &registration_token::RegistrationToken,
        StageKind::Terms => &terms::Terms,
        StageKind::TlsClientCert => &tls_client_cert::TlsClientCert,
        StageKind::Custom(_) => &custom::Custom,
    }
}

/// A required string field of `auth`: missing is `M_MISSING_PARAM`, another
/// type is `M_BAD_JSON`.
fn required_str<'a>(auth: &'a Map<String, Value>, key: &str) -> Result<&'a str, Failure> {
    match auth.get(key) {
        None | Some(Value::Null) => Err(Failure::new(
            400,
            "M_MISSING_PARAM",
            format!("`auth.{key}` is missing"),
        )),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(Failure::new(
            400,
            "M_BAD_JSON",
            format!("`auth.{key}` is not a string"),
        )),
    }
}
