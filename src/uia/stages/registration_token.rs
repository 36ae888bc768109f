//! `m.login.registration_token`: the token's syntax is checked here; whether
//! it still has a use left is decided when the step is stored, in the same
//! transaction that reserves the use.

use super::{Stage, StageInput, Verdict, required_str};
use crate::uia::UiaError;
use crate::uia::hooks::Hooks;
use crate::uia::outcome::Failure;
use crate::uia::token;

/// The registration-token stage.
pub struct RegistrationToken;

/// The failure for a token that is unknown, used up, expired or malformed.
pub fn invalid() -> Failure {
    Failure::new(401, "M_UNAUTHORIZED", "Invalid registration token")
}

impl Stage for RegistrationToken {
    fn check(&self, input: &StageInput<'_>, _: &Hooks) -> Result<Verdict, UiaError> {
        let token = match required_str(input.auth, "token") {
            Ok(t) => t,
            Err(failure) => return Ok(Verdict::Fail(failure)),
        };
        if !token::is_well_formed(token) {
            return Ok(Verdict::Fail(invalid()));
        }
        Ok(Verdict::Pass {
            user: None,
            token: Some(token.to_owned()),
        })
    }
}
