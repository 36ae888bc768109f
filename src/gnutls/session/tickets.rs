//! Session tickets and resumption in GnuTLS's terms: a server's ticket key
//! (`gnutls_session_ticket_enable_server`) and expiration
//! (`gnutls_db_set_cache_expiration`), more tickets after the handshake
//! (`gnutls_session_ticket_send`), a client's session data
//! (`gnutls_session_get_data2` / `gnutls_session_set_data`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use super::{Error, GNUTLS_NO_TICKETS, Session};
use crate::gnutls::transport::ReadWait;

/// `GNUTLS_NO_AUTO_SEND_TICKET`: no tickets after the handshake, only
/// those of `gnutls_session_ticket_send`.
const GNUTLS_NO_AUTO_SEND_TICKET: u32 = 1 << 21;
/// `GNUTLS_NO_TICKETS_TLS12`: no session tickets under TLS 1.2.
pub(super) const GNUTLS_NO_TICKETS_TLS12: u32 = 1 << 23;
use crate::tls::config::SessionStore;
use crate::tls::resumption::SavedSession;
use crate::tls::ticket_keys::{MASTER_KEY_LEN, TicketKeys};
use crate::tls::{Connection, ServerConfig};

/// GnuTLS's default session expiration: 6 hours.
const DEFAULT_EXPIRATION: u32 = 6 * 3600;
/// The session data GnuTLS hands out when no ticket arrived (and takes
/// back as "nothing to resume").
const EMPTY_DATA: [u8; 4] = [0; 4];
/// How long a TLS 1.3 client's `gnutls_session_get_data2` waits for a
/// ticket: GnuTLS's 60 ms beyond its round-trip estimate (which is about
/// nothing on a local link).
const TICKET_WAIT: Duration = Duration::from_millis(60);
/// How many tickets GnuTLS 3.7 sends after each handshake.
const TICKETS_PER_HANDSHAKE: usize = 2;

/// A session's ticket settings.
pub(super) struct Tickets {
    /// (Server) the master ticket key.
    key: Option<Zeroizing<Vec<u8>>>,
    /// Ticket lifetime and key rotation period, in seconds.
    expiration: u32,
    /// (Client) the session to resume.
    pub(super) resume: Option<SavedSession>,
    /// Session data was set (GnuTLS then reports a resumption request).
    data_set: bool,
    /// (Client) A ticket arrived in the record just read.
    pub(super) arrived: bool,
    /// (Server) The application's session database, for TLS 1.2
    /// resumption by session id.
    store: Option<Arc<dyn SessionStore>>,
    /// (Client) The session id to send (`gnutls_session_set_id`).
    pub(super) session_id: Option<Vec<u8>>,
}

impl Default for Tickets {
    fn default() -> Self {
        Self {
            key: None,
            expiration: DEFAULT_EXPIRATION,
            resume: None,
            data_set: false,
            arrived: false,
            store: None,
            session_id: None,
        }
    }
}

impl Tickets {
    /// Gives a server configuration the ticket key, if one was set.
    pub(super) fn apply_server(&self, config: &mut ServerConfig, flags: u32) {
        config.ticket_lifetime = self.expiration;
        config.session_store = self.store.clone();
        let Some(key) = &self.key else {
            return;
        };
        if let Ok(keys) = TicketKeys::new(key, u64::from(self.expiration)) {
            config.tickets = Some(Arc::new(keys));
            config.ticket_lifetime = self.expiration;
            config.tickets_per_handshake = if flags & GNUTLS_NO_AUTO_SEND_TICKET == 0 {
                TICKETS_PER_HANDSHAKE
            } else {
                0
            };
            config.tls12_tickets = flags & GNUTLS_NO_TICKETS_TLS12 == 0;
        }
    }
}

/// The time a client session was saved (or a TLS 1.2 server's database
/// entry made), and when it expires (seconds since the epoch), for data
/// stepup produced; `None` for anything else.
pub fn entry_times(data: &[u8]) -> Option<(u64, u64)> {
    if let Some(session) = SavedSession::decode(data) {
        return Some(session.times());
    }
    // A TLS 1.2 server's session database entry.
    let state = crate::tls::tls12::session::ServerState12::decode(data)?;
    Some((state.issued_at, state.issued_at + u64::from(state.lifetime)))
}

impl Session {
    /// The session database of `gnutls_db_set_store_function` and its
    /// kin (`None` when they are not all set), used by a TLS 1.2 server.
    pub fn set_session_store(&mut self, store: Option<Arc<dyn SessionStore>>) {
        self.tickets.store = store;
    }

    /// `gnutls_session_ticket_enable_server`: tickets sealed under `key`
    /// (64 bytes), even with `GNUTLS_NO_TICKETS`. A client accepts it and
    /// never uses it, as GnuTLS does.
    pub fn ticket_enable_server(&mut self, key: &[u8]) -> Result<(), Error> {
        if key.len() != MASTER_KEY_LEN {
            return Err(Error::InvalidRequest);
        }
        self.tickets.key = Some(Zeroizing::new(key.to_vec()));
        self.flags &= !GNUTLS_NO_TICKETS;
        Ok(())
    }

    /// `gnutls_db_set_cache_expiration`: the tickets' lifetime and the
    /// rotation period of their keys (at least a second).
    pub fn set_cache_expiration(&mut self, seconds: i32) {
        self.tickets.expiration = u32::try_from(seconds).unwrap_or(0).max(1);
    }

    /// `gnutls_session_ticket_send`: (server) `nr` more tickets after the
    /// handshake. Before the handshake, or without a ticket key, nothing is
    /// sent and the call succeeds (as with GnuTLS 3.7).
    pub fn ticket_send(&mut self, nr: u32) -> Result<(), Error> {
        if !self.server || nr == 0 {
            return Err(Error::InvalidRequest);
        }
        let Some(conn) = self.conn.as_mut().filter(|c| !c.is_handshaking()) else {
            return Ok(());
        };
        conn.send_tickets(usize::try_from(nr).unwrap_or(usize::MAX))?;
        self.flush()
    }

    /// (Client) Whether a ticket arrived on this connection.
    pub(super) fn ticket_received(&self) -> bool {
        !self.server && self.conn.as_ref().is_some_and(Connection::ticket_arrived)
    }

    /// `gnutls_session_get_data2`: the session of the latest ticket, or
    /// GnuTLS's empty session data when none arrived. `InvalidRequest`
    /// before a priority was set.
    pub fn session_data(&mut self) -> Result<zeroize::Zeroizing<Vec<u8>>, Error> {
        if self.priority.is_none() {
            return Err(Error::InvalidRequest);
        }
        // After a false start the session is not settled until the
        // server's Finished (GnuTLS refuses the same).
        if !self.server
            && self
                .conn
                .as_ref()
                .is_some_and(Connection::peer_finished_pending)
        {
            return Err(Error::UnavailableDuringHandshake);
        }
        self.wait_for_ticket()?;
        Ok(self
            .conn
            .as_ref()
            .filter(|_| !self.server)
            .and_then(Connection::saved_session)
            .map_or_else(
                || zeroize::Zeroizing::new(EMPTY_DATA.to_vec()),
                |s| s.encode(),
            ))
    }

    /// (TLS 1.3 client) As GnuTLS 3.7 before handing out session data: when
    /// no ticket arrived yet, reads what the server sends for a short
    /// while (`TICKET_WAIT`), if the session blocks and its transport can
    /// wait; application data read meanwhile waits for
    /// `gnutls_record_recv`.
    fn wait_for_ticket(&mut self) -> Result<(), Error> {
        let waits = |s: &Self| {
            !s.server
                && s.flags & super::GNUTLS_NONBLOCK == 0
                && s.transport.as_ref().is_some_and(|t| t.can_wait())
                && s.conn.as_ref().is_some_and(|c| {
                    !c.is_handshaking()
                        && c.negotiated().version.is_none()
                        && c.saved_session().is_none()
                        && !c.peer_closed()
                })
        };
        let deadline = Instant::now() + TICKET_WAIT;
        while waits(self) && Instant::now() < deadline {
            match self.pull(Some(ReadWait::Until(deadline))) {
                Ok(()) => {}
                Err(Error::TimedOut | Error::Again | Error::Interrupted) => break,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// `gnutls_session_set_data`: the session to resume with the next
    /// handshake. Empty session data is accepted and changes nothing;
    /// `DbError` for data stepup did not produce, `Parsing` for damaged
    /// stepup data.
    pub fn set_session_data(&mut self, data: &[u8]) -> Result<(), Error> {
        if data.is_empty() {
            return Err(Error::InvalidRequest);
        }
        if data == EMPTY_DATA {
            return Ok(());
        }
        match SavedSession::decode(data) {
            Some(session) => {
                self.tickets.resume = Some(session);
                self.tickets.session_id = None;
                self.tickets.data_set = true;
                Ok(())
            }
            None if SavedSession::is_ours(data) => Err(Error::Parsing),
            None => Err(Error::DbError),
        }
    }

    /// `gnutls_session_set_id`: (client) the session id the next
    /// ClientHello carries, in place of resumption data set before (which
    /// is forgotten). `InvalidRequest` on a server or for more than 32
    /// bytes.
    pub fn set_session_id(&mut self, id: &[u8]) -> Result<(), Error> {
        const MAX_SESSION_ID: usize = 32;
        if self.server || id.len() > MAX_SESSION_ID {
            return Err(Error::InvalidRequest);
        }
        self.tickets.resume = None;
        self.tickets.session_id = Some(id.to_vec());
        Ok(())
    }

    /// `gnutls_session_is_resumed`.
    pub fn is_resumed(&self) -> bool {
        self.completed().is_some_and(|n| n.resumed)
    }

    /// `gnutls_session_resumption_requested`: (server) the client offered
    /// a ticket that opened, or session data was set on the server (as
    /// GnuTLS 3.7 reports); always false on a client.
    pub fn resumption_requested(&self) -> bool {
        self.server
            && (self.tickets.data_set
                || self
                    .conn
                    .as_ref()
                    .is_some_and(|c| c.negotiated().resumption_requested))
    }
}

#[cfg(test)]
mod tests {
    use super::super::{GNUTLS_CLIENT, GNUTLS_SERVER};
    use super::*;

    #[test]
    fn a_session_id_is_for_clients_and_at_most_32_bytes() {
        let mut client = Session::new(GNUTLS_CLIENT).unwrap();
        assert!(client.set_session_id(&[1; 32]).is_ok());
        assert_eq!(client.tickets.session_id.as_deref(), Some(&[1; 32][..]));
        assert_eq!(client.set_session_id(&[1; 33]), Err(Error::InvalidRequest));
        let mut server = Session::new(GNUTLS_SERVER).unwrap();
        assert_eq!(server.set_session_id(&[1]), Err(Error::InvalidRequest));
    }
}
