//! The certificate step-up inside Telodendria: when the request being
//! served arrived on a connection of stepup's Cytoplasm TLS backend whose
//! client offered post-handshake authentication, and
//! `STEPUP_TELODENDRIA_CONFIG` names usable settings, a route that offers
//! the flow `[m.login.password]` also offers `[io.stepup.tls_client_cert]`.
//! Attempting that stage asks the client for its certificate on the live
//! connection; the UIA engine then decides it with the settings' mapping.
//!
//! The request's connection is the one this thread last read as a server
//! (see `cytoplasm_tls::current` for why that holds in Cytoplasm's
//! HttpServer, and its limits). Without the `cytoplasm-tls` feature (a
//! Cytoplasm with its own TLS library) there is never such a connection,
//! and nothing changes.

use std::collections::HashMap;
use std::sync::Arc;

use crate::ffi::errors::CallError;
use crate::uia::client_cert::{CertMapping, ClientCert};
use crate::uia::{Engine, FlowSet, Outcome, Request, StageKind};

#[cfg(feature = "cytoplasm-tls")]
use super::cytoplasm as cy;
#[cfg(feature = "cytoplasm-tls")]
use crate::ffi::cytoplasm_tls::{conn::TlsError, current, stepup};

/// What the step-up brings to one request.
pub struct StepUp {
    /// Certificate fields to users.
    pub mapping: CertMapping,
    /// Enrolled key fingerprints to full user ids.
    pub enrolled: Arc<HashMap<String, String>>,
}

/// The step-up for the request this thread serves: `None` without usable
/// settings, or when the request's connection cannot be asked for a
/// certificate and holds none (no stepup TLS, no post-handshake auth
/// offered).
pub fn for_this_request(server_name: &str) -> Option<StepUp> {
    #[cfg(feature = "cytoplasm-tls")]
    {
        let config = stepup::current(|e| {
            cy::log(
                cy::LOG_ERR,
                &format!(
                    "{}: {e}; the certificate step-up is off",
                    stepup::CONFIG_VAR
                ),
            );
        })?;
        let usable = current::with(|c| c.client_cert() != ClientCert::Unavailable)?;
        usable.then(|| StepUp {
            mapping: config.mapping.clone(),
            enrolled: Arc::new(
                config
                    .enrolled
                    .keys()
                    .filter_map(|print| {
                        let user = config.enrolled_user(print, server_name)?;
                        Some((print.clone(), user))
                    })
                    .collect(),
            ),
        })
    }
    #[cfg(not(feature = "cytoplasm-tls"))]
    {
        let _ = server_name;
        None
    }
}

/// Adds the flow `[io.stepup.tls_client_cert]` when `flows` has the flow
/// `[m.login.password]` (and not the certificate flow already).
pub fn offer(flows: &mut FlowSet) -> Result<(), CallError> {
    let password_alone = flows
        .flows()
        .iter()
        .any(|flow| flow.stages() == [StageKind::Password]);
    if password_alone && !flows.offers(&StageKind::TlsClientCert) {
        flows.add_flow(vec![StageKind::TlsClientCert])?;
    }
    Ok(())
}

/// Runs the engine on the request with its connection's certificate,
/// asking the client for one when it attempts the certificate stage.
/// A client that does not answer in time, or a connection that fails
/// meanwhile, is an internal failure (logged): the connection is gone.
pub fn complete(
    engine: &Engine,
    flows: &FlowSet,
    request: &Request<'_>,
) -> Result<Outcome, CallError> {
    let cert = connection_cert();
    let outcome = engine.complete_with_cert(flows, request, &cert)?;
    if !matches!(outcome, Outcome::Reauthenticate) {
        return Ok(outcome);
    }
    let cert = match ask() {
        Ok(ClientCert::NotYet) => ClientCert::Unavailable,
        Ok(cert) => cert,
        Err(e) => return Err(e),
    };
    Ok(engine.complete_with_cert(flows, request, &cert)?)
}

fn connection_cert() -> ClientCert {
    #[cfg(feature = "cytoplasm-tls")]
    {
        current::with(|c| c.client_cert()).unwrap_or(ClientCert::Unavailable)
    }
    #[cfg(not(feature = "cytoplasm-tls"))]
    {
        ClientCert::Unavailable
    }
}

/// Asks the request's client for its certificate; what came of it.
fn ask() -> Result<ClientCert, CallError> {
    #[cfg(feature = "cytoplasm-tls")]
    {
        let Some(asked) = current::with(|c| c.ask_for_certificate().map(|()| c.client_cert()))
        else {
            return Ok(ClientCert::Unavailable);
        };
        asked.map_err(|e| {
            cy::log(cy::LOG_WARNING, &format!("UIA certificate stage: {e}"));
            CallError::Gnutls(match e {
                TlsError::CertificateRequest(e) | TlsError::Handshake(e) | TlsError::Record(e) => e,
                TlsError::CertificateTimedOut(_) => crate::gnutls::Error::TimedOut,
                _ => crate::gnutls::Error::Pull,
            })
        })
    }
    #[cfg(not(feature = "cytoplasm-tls"))]
    {
        Ok(ClientCert::Unavailable)
    }
}
