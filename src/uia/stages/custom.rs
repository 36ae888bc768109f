//! Any other stage type: checked by the validator the host registered for
//! it. Without one, the stage fails closed (an internal error, never a pass).

use serde_json::Value;

use super::{Stage, StageInput, Verdict};
use crate::uia::UiaError;
use crate::uia::hooks::{Hooks, ValidatorInput, ValidatorVerdict};
use crate::uia::outcome::Failure;

/// A custom stage.
pub struct Custom;

impl Stage for Custom {
    fn check(&self, input: &StageInput<'_>, hooks: &Hooks) -> Result<Verdict, UiaError> {
        let name = input.kind.wire();
        let validator = hooks
            .validators
            .get(name)
            .ok_or_else(|| UiaError::MissingHook(name.to_owned()))?;
        let auth_json = Value::Object(input.auth.clone()).to_string();
        let verdict = validator(&ValidatorInput {
            stage_type: name,
            auth_json: &auth_json,
            session: input.session,
            requesting_user: input.requesting_user,
        })
        .map_err(|_| UiaError::Hook(name.to_owned()))?;
        Ok(match verdict {
            ValidatorVerdict::Pass { user } => Verdict::Pass { user, token: None },
            ValidatorVerdict::Fail { errcode, error } => {
                Verdict::Fail(Failure::new(401, &errcode, error))
            }
        })
    }
}
