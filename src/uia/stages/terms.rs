//! `m.login.terms`: submitting the stage accepts the policies listed in its
//! params (the client shows them before it submits).

use super::{Stage, StageInput, Verdict};
use crate::uia::UiaError;
use crate::uia::hooks::Hooks;

/// The terms stage.
pub struct Terms;

impl Stage for Terms {
    fn check(&self, _: &StageInput<'_>, _: &Hooks) -> Result<Verdict, UiaError> {
        Ok(Verdict::pass())
    }
}
