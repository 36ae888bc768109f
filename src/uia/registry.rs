//! The stage types and their wire names. This is the only place the engine
//! spells a stage type; everything else works with [`StageKind`].

use std::fmt;

const DUMMY: &str = "m.login.dummy";
const PASSWORD: &str = "m.login.password";
const REGISTRATION_TOKEN: &str = "m.login.registration_token";
const TERMS: &str = "m.login.terms";
const TLS_CLIENT_CERT: &str = "io.stepup.tls_client_cert";

/// The longest stage type accepted (a namespaced identifier, not prose).
const MAX_TYPE_LEN: usize = 255;

/// A stage type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum StageKind {
    /// `m.login.dummy`: always passes.
    Dummy,
    /// `m.login.password`: a user's password, checked by the host.
    Password,
    /// `m.login.registration_token`: a registration token with limited uses.
    RegistrationToken,
    /// `m.login.terms`: the client accepted the terms in the stage's params.
    Terms,
    /// `io.stepup.tls_client_cert`: the TLS connection carrying the request
    /// holds a verified client certificate of the user (stepup's own stage,
    /// outside the `m.` namespace).
    TlsClientCert,
    /// Any other type, checked by a validator the host registers for it.
    Custom(String),
}

impl StageKind {
    /// The stage type for a wire name, or `None` when the name is not a valid
    /// stage type (empty, too long, or with characters outside printable ASCII).
    pub fn from_wire(name: &str) -> Option<Self> {
        let valid = !name.is_empty()
            && name.len() <= MAX_TYPE_LEN
            && name.bytes().all(|b| b.is_ascii_graphic());
        if !valid {
            return None;
        }
        Some(match name {
            DUMMY => Self::Dummy,
            PASSWORD => Self::Password,
            REGISTRATION_TOKEN => Self::RegistrationToken,
            TERMS => Self::Terms,
            TLS_CLIENT_CERT => Self::TlsClientCert,
            other => Self::Custom(other.to_owned()),
        })
    }

    /// The wire name.
    pub fn wire(&self) -> &str {
        match self {
            Self::Dummy => DUMMY,
            Self::Password => PASSWORD,
            Self::RegistrationToken => REGISTRATION_TOKEN,
            Self::Terms => TERMS,
            Self::TlsClientCert => TLS_CLIENT_CERT,
            Self::Custom(name) => name,
        }
    }

    /// Whether failed attempts at this stage count against the rate limits
    /// (stages that guess a secret).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::Password | Self::RegistrationToken)
    }
}

impl fmt::Display for StageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_builtin_and_custom_names() {
        for name in [
            DUMMY,
            PASSWORD,
            REGISTRATION_TOKEN,
            TERMS,
            TLS_CLIENT_CERT,
            "org.example.custom",
        ] {
            assert_eq!(StageKind::from_wire(name).unwrap().wire(), name);
        }
        assert_eq!(StageKind::from_wire(PASSWORD), Some(StageKind::Password));
    }

    #[test]
    fn rejects_invalid_names() {
        let long = "a".repeat(MAX_TYPE_LEN + 1);
        for name in ["", "has space", "tab\there", "é", long.as_str()] {
            assert_eq!(StageKind::from_wire(name), None, "{name:?}");
        }
    }
}
