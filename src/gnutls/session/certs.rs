//! The application's choice of the certificate to send (GnuTLS's
//! certificate retrieve functions): a server's before its handshake, a
//! client's for each CertificateRequest, in the handshake and after it.
//! The session stops with `Error::CertificateChoicePending`; the C boundary
//! calls the application with nothing of the session borrowed, hands the
//! answer to `certificate_chosen`, and calls the operation again.

use std::sync::Arc;

use super::Session;
use crate::gnutls::Error;
use crate::tls::{CertificateRequestInfo, CertifiedKey};

impl Session {
    /// Whether the credentials leave the choice of certificate to the application.
    pub(super) fn app_chooses(&self) -> bool {
        self.credentials.as_ref().is_some_and(|c| c.app_chooses())
    }

    /// (Server) The certificate for the handshake: the application's
    /// choice (asked for with `CertificateChoicePending` first), else the
    /// credentials' first pair; `InsufficientCredentials` without one.
    pub(super) fn server_certificate(&mut self) -> Result<Arc<CertifiedKey>, Error> {
        if !self.app_chooses() {
            return self
                .credentials
                .as_ref()
                .and_then(|c| c.key())
                .ok_or(Error::InsufficientCredentials);
        }
        match self.chosen.take() {
            Some(choice) => choice.ok_or(Error::InsufficientCredentials),
            None => Err(Error::CertificateChoicePending),
        }
    }

    /// (Client) The certificate answering a post-handshake request: the
    /// application's choice (asked for first), else the credentials' first pair.
    pub(super) fn certificate_for_request(&mut self) -> Result<Option<Arc<CertifiedKey>>, Error> {
        if !self.app_chooses() {
            // As in the handshake: only a chain the request accepts (unless
            // the session was initialised with GNUTLS_FORCE_CLIENT_CERT).
            let forced = self.flags & super::GNUTLS_FORCE_CLIENT_CERT != 0;
            let request = self.certificate_request_info();
            return Ok(self
                .credentials
                .as_ref()
                .and_then(|c| c.key())
                .filter(|key| forced || request.accepts(&key.chain)));
        }
        self.chosen.take().ok_or(Error::CertificateChoicePending)
    }

    /// What the request a certificate is being chosen for asks (client);
    /// empty for a server's own certificate.
    pub fn certificate_request_info(&self) -> CertificateRequestInfo {
        self.conn
            .as_ref()
            .and_then(|c| c.certificate_request_info())
            .unwrap_or_default()
    }

    /// The application's answer after `CertificateChoicePending`: the
    /// certificate to send (`None`: none). Applied at once when the
    /// handshake waits for it, else kept for the operation's next call.
    pub fn certificate_chosen(&mut self, cert: Option<Arc<CertifiedKey>>) -> Result<(), Error> {
        match self.conn.as_mut() {
            Some(conn) if conn.awaiting_certificate_choice() => {
                conn.choose_certificate(cert).map_err(Error::from)
            }
            _ => {
                self.chosen = Some(cert);
                Ok(())
            }
        }
    }
}
