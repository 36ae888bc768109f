//! (Server) What the session knows of the client's certificate, for
//! stepup's bridge to UIA: not a GnuTLS function, so free of GnuTLS 3.7's
//! habit of hiding certificates that arrived after a PSK handshake.

use super::{CertRequest, Session};

/// The client's certificate on a server session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientCertState {
    /// The client holds one: its chain (end-entity first, DER) and the
    /// GnuTLS verification status bits against the credentials' trust (0:
    /// verified).
    Presented {
        /// The chain.
        chain: Vec<Vec<u8>>,
        /// `gnutls_certificate_verify_peers2`'s status bits.
        status: u32,
    },
    /// Asked after the handshake, the client sent an empty Certificate.
    Declined,
    /// None yet, and `reauth` can ask for one.
    CanAsk,
    /// None, and the session cannot ask: not a server, the handshake is not
    /// done, no certificate credentials, or the client did not offer
    /// post-handshake authentication (or the session was not initialised
    /// with `GNUTLS_POST_HANDSHAKE_AUTH`).
    CannotAsk,
}

impl Session {
    /// The client's certificate as this server session knows it.
    pub fn client_cert_state(&self) -> ClientCertState {
        let handshaken = self.conn.as_ref().is_some_and(|c| !c.is_handshaking());
        if !self.server || !handshaken {
            return ClientCertState::CannotAsk;
        }
        // Only a proven chain: one whose Finished verified. A chain still
        // under check (its Finished withheld) counts for nothing here.
        if let Some(peer) = self.peer.as_ref().filter(|p| !p.chain.is_empty()) {
            return ClientCertState::Presented {
                chain: peer.chain.clone(),
                status: self.status_of(Some(peer), None),
            };
        }
        if self.declined_reauth {
            ClientCertState::Declined
        } else if self.credentials.is_some() && self.post_handshake_auth() {
            ClientCertState::CanAsk
        } else {
            ClientCertState::CannotAsk
        }
    }

    /// `gnutls_certificate_server_set_request`'s current mode.
    pub fn cert_request(&self) -> CertRequest {
        self.cert_request
    }
}
