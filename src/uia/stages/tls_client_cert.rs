//! `io.stepup.tls_client_cert`: complete when the TLS connection carrying
//! the request holds a verified client certificate that maps to the user
//! the session is for (or, when it is for nobody yet, to exactly the user
//! it proves). Each refusal has its own errcode, so a client can tell a
//! missing certificate from an untrusted or a foreign one.

use super::{Stage, StageInput, Verdict};
use crate::uia::UiaError;
use crate::uia::client_cert::ClientCert;
use crate::uia::hooks::Hooks;
use crate::uia::outcome::Failure;

/// The stage.
pub struct TlsClientCert;

fn fail(errcode: &str, error: &str) -> Verdict {
    Verdict::Fail(Failure::new(401, errcode, error))
}

impl Stage for TlsClientCert {
    fn check(&self, input: &StageInput<'_>, _hooks: &Hooks) -> Result<Verdict, UiaError> {
        let tls = input.tls;
        let facts = match tls.cert {
            ClientCert::Presented(facts) => facts,
            ClientCert::Refused => {
                return Ok(fail(
                    "IO.STEPUP.CERT_MISSING",
                    "The client sent no certificate when asked",
                ));
            }
            // The engine asks for re-authentication before checking NotYet.
            ClientCert::NotYet | ClientCert::Unavailable => {
                return Ok(fail(
                    "IO.STEPUP.CERT_UNAVAILABLE",
                    "This connection has no client certificate and cannot be asked for one (the client did not offer TLS 1.3 post-handshake authentication)",
                ));
            }
        };
        if let Err(why) = &facts.verified {
            return Ok(fail(
                "IO.STEPUP.CERT_UNTRUSTED",
                &format!("The client certificate did not verify: {why}"),
            ));
        }
        // An enrolled key first, then the configured fields.
        let mut users: Vec<String> = tls.enrolled_owner.iter().cloned().collect();
        for user in tls.mapping.users(facts, input.server_name) {
            if !users.contains(&user) {
                users.push(user);
            }
        }
        let Some(first) = users.first() else {
            return Ok(fail(
                "IO.STEPUP.CERT_UNKNOWN",
                "The client certificate maps to no user",
            ));
        };
        let user = match input.session_user {
            Some(expected) if users.iter().any(|u| u == expected) => expected.to_owned(),
            Some(_) => {
                return Ok(fail(
                    "IO.STEPUP.CERT_WRONG_USER",
                    "The client certificate belongs to another user",
                ));
            }
            None => first.clone(),
        };
        Ok(Verdict::Pass {
            user: Some(user),
            token: None,
        })
    }
}
