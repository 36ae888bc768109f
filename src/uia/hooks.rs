//! What the host plugs in: a password checker and validators for custom
//! stage types. A stage whose hook is missing fails closed.

use std::collections::HashMap;
use std::sync::Arc;

/// A hook could not reach a verdict (its own internal error).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HookFailed;

/// The password checker's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordVerdict {
    /// The password is the user's.
    Correct,
    /// It is not (or the user does not exist).
    Wrong,
}

/// Checks `password` for the full user id; the host compares in constant time.
pub type PasswordChecker =
    Arc<dyn Fn(&str, &str) -> Result<PasswordVerdict, HookFailed> + Send + Sync>;

/// What a custom stage's validator sees.
#[derive(Debug)]
pub struct ValidatorInput<'a> {
    /// The stage type.
    pub stage_type: &'a str,
    /// The client's `auth` object, as JSON text.
    pub auth_json: &'a str,
    /// The UIA session id.
    pub session: &'a str,
    /// The user who made the request with an access token, if any.
    pub requesting_user: Option<&'a str>,
}

/// A custom stage's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidatorVerdict {
    /// The stage passed, optionally authenticating a user.
    Pass {
        /// The full user id the stage proved, if it proves one.
        user: Option<String>,
    },
    /// The stage failed; the client sees `errcode` and `error`.
    Fail {
        /// A Matrix errcode (`M_FORBIDDEN`, ...).
        errcode: String,
        /// A human-readable message.
        error: String,
    },
}

/// A custom stage's validator.
pub type Validator =
    Arc<dyn Fn(&ValidatorInput<'_>) -> Result<ValidatorVerdict, HookFailed> + Send + Sync>;

/// The hooks an engine holds.
#[derive(Clone, Default)]
pub struct Hooks {
    /// For `m.login.password`.
    pub password: Option<PasswordChecker>,
    /// For custom stage types, by wire name.
    pub validators: HashMap<String, Validator>,
}
