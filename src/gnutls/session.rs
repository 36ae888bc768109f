//! A GnuTLS session over the TLS engine: the non-blocking semantics of
//! `gnutls_handshake`, `gnutls_record_send/recv`, `gnutls_bye` and
//! `gnutls_reauth`. Every call moves as far as the transport lets it and
//! returns `Again`/`Interrupted` to be called again, resuming where it was.

use std::sync::Arc;

use super::Error;
use super::credentials::CertificateCredentials;
use super::priority::Priority;
use super::transport::{Transport, TransportError};
use crate::tls::{
    self, ClientAuth, ClientConfig, Connection, Event, PeerIdentity, ServerConfig, VerifyPolicy,
};

/// `GNUTLS_SERVER`.
pub const GNUTLS_SERVER: u32 = 1;
/// `GNUTLS_CLIENT`.
pub const GNUTLS_CLIENT: u32 = 1 << 1;
/// `GNUTLS_NONBLOCK`.
pub const GNUTLS_NONBLOCK: u32 = 1 << 3;
/// `GNUTLS_FORCE_CLIENT_CERT`.
pub const GNUTLS_FORCE_CLIENT_CERT: u32 = 1 << 9;
/// `GNUTLS_NO_TICKETS`.
pub const GNUTLS_NO_TICKETS: u32 = 1 << 10;
/// `GNUTLS_POST_HANDSHAKE_AUTH`.
pub const GNUTLS_POST_HANDSHAKE_AUTH: u32 = 1 << 14;
/// `GNUTLS_AUTO_REAUTH`.
pub const GNUTLS_AUTO_REAUTH: u32 = 1 << 19;
/// `GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH`: the peer offered post-handshake auth.
pub const GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH: u32 = 1 << 8;

/// `gnutls_certificate_request_t`: what a server asks of clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertRequest {
    /// `GNUTLS_CERT_IGNORE` (0).
    Ignore,
    /// `GNUTLS_CERT_REQUEST` (1).
    Request,
    /// `GNUTLS_CERT_REQUIRE` (2).
    Require,
}

/// The bytes the transport is asked for at a time.
const READ_CHUNK: usize = 16 * 1024 + 512;

/// A GnuTLS session.
pub struct Session {
    server: bool,
    flags: u32,
    conn: Option<Connection>,
    transport: Option<Box<dyn Transport>>,
    credentials: Option<Arc<CertificateCredentials>>,
    priority: Option<Priority>,
    cert_request: CertRequest,
    server_name: Option<String>,
    /// Set by `gnutls_session_set_verify_cert`: verify, with this host name.
    verify_cert: Option<Option<String>>,
    /// Whether the last AGAIN/INTERRUPTED happened while writing.
    writing: bool,
    /// The length of a `record_send` that returned AGAIN with its record queued.
    send_in_flight: Option<usize>,
    /// (Server) a post-handshake CertificateRequest was sent and not answered.
    reauth_waiting: bool,
    /// (Client) the current request was reported with REAUTH_REQUEST.
    request_reported: bool,
    /// The peer's latest certificate chain and its verification.
    peer: Option<PeerIdentity>,
    read_buf: Vec<u8>,
}

fn transport_error(e: TransportError, reading: bool) -> Error {
    match e {
        TransportError::WouldBlock => Error::Again,
        TransportError::Interrupted => Error::Interrupted,
        TransportError::Failed(_) if reading => Error::Pull,
        TransportError::Failed(_) => Error::Push,
    }
}

impl Session {
    /// `gnutls_init`: a client or server session.
    pub fn new(flags: u32) -> Result<Self, Error> {
        let server = flags & GNUTLS_SERVER != 0;
        if server == (flags & GNUTLS_CLIENT != 0) {
            return Err(Error::InvalidRequest);
        }
        Ok(Self {
            server,
            flags,
            conn: None,
            transport: None,
            credentials: None,
            priority: None,
            cert_request: CertRequest::Ignore,
            server_name: None,
            verify_cert: None,
            writing: false,
            send_in_flight: None,
            reauth_waiting: false,
            request_reported: false,
            peer: None,
            read_buf: vec![0; READ_CHUNK],
        })
    }

    /// Whether this is a server session.
    pub fn is_server(&self) -> bool {
        self.server
    }

    /// Sets the transport.
    pub fn set_transport(&mut self, transport: Box<dyn Transport>) {
        self.transport = Some(transport);
    }

    /// Sets (or replaces) the certificate credentials.
    pub fn set_credentials(&mut self, credentials: Arc<CertificateCredentials>) {
        self.credentials = Some(credentials);
    }

    /// Sets the priority.
    pub fn set_priority(&mut self, priority: Priority) {
        self.priority = Some(priority);
    }

    /// (Server) what to ask of clients, in the handshake and for reauth.
    pub fn set_cert_request(&mut self, request: CertRequest) {
        self.cert_request = request;
    }

    /// (Client) the server name to send and, with verification, to check.
    pub fn set_server_name(&mut self, name: &str) {
        self.server_name = Some(name.to_owned());
    }

    /// Verify the peer's certificate in the handshake, failing it otherwise.
    pub fn set_verify_cert(&mut self, hostname: Option<&str>) {
        self.verify_cert = Some(hostname.map(str::to_owned));
    }

    /// 1 if the last AGAIN/INTERRUPTED was in a write, 0 in a read.
    pub fn direction(&self) -> i32 {
        i32::from(self.writing)
    }

    fn build(&mut self) -> Result<Connection, Error> {
        let priority = self.priority.clone().ok_or(Error::NoPriorities)?;
        if !priority.usable() {
            return Err(Error::NoPriorities);
        }
        let credentials = self.credentials.clone();
        let trust = credentials.as_ref().and_then(|c| c.trust());
        if self.server {
            let key = credentials
                .as_ref()
                .and_then(|c| c.key())
                .ok_or(Error::InsufficientCredentials)?;
            let client_auth = match self.cert_request {
                CertRequest::Ignore => ClientAuth::None,
                CertRequest::Request => ClientAuth::Request,
                CertRequest::Require => ClientAuth::Require,
            };
            let config = ServerConfig {
                suites: priority.suites,
                groups: priority.groups,
                client_auth,
                client_trust: trust,
                verify: VerifyPolicy::Report,
                ..ServerConfig::new(key)
            };
            Ok(Connection::server(Arc::new(config)))
        } else {
            let hostname = match &self.verify_cert {
                Some(Some(name)) => Some(name.clone()),
                _ => self.server_name.clone(),
            };
            let config = ClientConfig {
                suites: priority.suites,
                groups: priority.groups,
                trust,
                verify: VerifyPolicy::Report,
                certificate: credentials.as_ref().and_then(|c| c.key()),
                post_handshake_auth: self.flags & GNUTLS_POST_HANDSHAKE_AUTH != 0,
                ..ClientConfig::default()
            };
            Ok(Connection::client(Arc::new(config), hostname.as_deref())?)
        }
    }

    fn conn(&mut self) -> Result<&mut Connection, Error> {
        self.conn.as_mut().ok_or(Error::InvalidRequest)
    }

    /// Sends what the engine produced, as far as the transport takes it.
    fn flush(&mut self) -> Result<(), Error> {
        let (Some(conn), Some(transport)) = (self.conn.as_mut(), self.transport.as_mut()) else {
            return Err(Error::Push);
        };
        while !conn.pending_tls().is_empty() {
            match transport.send(conn.pending_tls()) {
                Ok(n) => conn.consume_tls(n),
                Err(e) => {
                    self.writing = true;
                    return Err(transport_error(e, false));
                }
            }
        }
        Ok(())
    }

    /// Reads once from the transport and hands the bytes to the engine.
    fn pull(&mut self) -> Result<(), Error> {
        let Some(transport) = self.transport.as_mut() else {
            return Err(Error::Pull);
        };
        let n = match transport.recv(&mut self.read_buf) {
            Ok(n) => n,
            Err(e) => {
                self.writing = false;
                return Err(transport_error(e, true));
            }
        };
        let conn = self.conn.as_mut().ok_or(Error::InvalidRequest)?;
        if n == 0 {
            return Err(if conn.peer_closed() {
                Error::Again
            } else {
                Error::PrematureTermination
            });
        }
        let result = conn.read_tls(&self.read_buf[..n]);
        // An alert the engine queued while failing still goes out.
        let _ = self.flush();
        result.map_err(Error::from)
    }

    /// Handles the events of the engine that matter here.
    fn drain_events(&mut self) {
        while let Some(event) = self.conn.as_mut().and_then(Connection::next_event) {
            if let Event::ClientAuthenticated(identity) = event {
                self.peer = Some(identity);
                self.reauth_waiting = false;
            }
        }
    }

    /// `gnutls_handshake`.
    pub fn handshake(&mut self) -> Result<(), Error> {
        if self.conn.is_none() {
            let conn = self.build()?;
            self.conn = Some(conn);
        }
        loop {
            self.flush()?;
            if !self.conn()?.is_handshaking() {
                break;
            }
            self.pull()?;
        }
        self.drain_events();
        self.peer = self.conn()?.negotiated().peer.clone();
        if let Some(hostname) = self.verify_cert.clone() {
            if self.verify_status(hostname.as_deref()) != 0 {
                let conn = self.conn()?;
                conn.close();
                let _ = self.flush();
                return Err(Error::CertificateVerification);
            }
        }
        Ok(())
    }

    /// The peer's certificate chain (DER), empty if none.
    pub fn peer_certificates(&self) -> Vec<Vec<u8>> {
        self.peer
            .as_ref()
            .map(|p| p.chain.clone())
            .unwrap_or_default()
    }

    /// GnuTLS verification status bits of the peer's certificate (0 when it
    /// verified), checked against `hostname` too when given.
    pub fn verify_status(&self, hostname: Option<&str>) -> u32 {
        super::verify::status(
            self.peer.as_ref(),
            self.credentials.as_ref().and_then(|c| c.trust()).as_deref(),
            self.server,
            hostname,
        )
    }

    /// Whether post-handshake authentication is possible: GnuTLS honours a
    /// client's offer only on a server that was itself initialised with
    /// `GNUTLS_POST_HANDSHAKE_AUTH`.
    fn post_handshake_auth(&self) -> bool {
        self.server
            && self.flags & GNUTLS_POST_HANDSHAKE_AUTH != 0
            && self
                .conn
                .as_ref()
                .is_some_and(|c| c.negotiated().peer_offered_post_handshake_auth)
    }

    /// `gnutls_session_get_flags` (a client reports no flag, as GnuTLS 3.7).
    pub fn flags(&self) -> u32 {
        if self.post_handshake_auth() {
            GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH
        } else {
            0
        }
    }

    /// `gnutls_record_send`: returns how many bytes were sent.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        if self.conn.as_ref().is_none_or(Connection::is_handshaking) {
            return Err(Error::InvalidRequest);
        }
        if let Some(len) = self.send_in_flight {
            // The record of an earlier call that returned AGAIN is queued; finish it.
            self.flush()?;
            self.send_in_flight = None;
            return Ok(len);
        }
        let len = data.len().min(16 * 1024);
        self.conn()?.write(&data[..len])?;
        match self.flush() {
            Ok(()) => Ok(len),
            Err(e @ (Error::Again | Error::Interrupted)) => {
                self.send_in_flight = Some(len);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// `gnutls_record_recv`: returns how many bytes were read (0: the peer closed).
    pub fn recv(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        if self.conn.as_ref().is_none_or(Connection::is_handshaking) {
            return Err(Error::InvalidRequest);
        }
        let auto = self.flags & GNUTLS_AUTO_REAUTH != 0;
        loop {
            let conn = self.conn()?;
            if conn.pending_plaintext() > 0 {
                return Ok(conn.read(buf));
            }
            let (request, closed) = (conn.has_certificate_request(), conn.peer_closed());
            if request && auto {
                self.answer_request()?;
                continue;
            }
            if request && !self.request_reported {
                self.request_reported = true;
                return Err(Error::ReauthRequest);
            }
            if closed {
                return Ok(0);
            }
            self.flush()?;
            self.pull()?;
            self.drain_events();
        }
    }

    /// `gnutls_record_check_pending`: received bytes not yet read.
    pub fn pending(&self) -> usize {
        self.conn.as_ref().map_or(0, Connection::pending_plaintext)
    }

    fn answer_request(&mut self) -> Result<(), Error> {
        let cert = self.credentials.as_ref().and_then(|c| c.key());
        self.conn()?.answer_certificate_request(cert.as_deref())?;
        self.request_reported = false;
        self.flush()
    }

    /// `gnutls_reauth`.
    pub fn reauth(&mut self, flags: u32) -> Result<(), Error> {
        if flags != 0
            || self.conn.as_ref().is_none_or(Connection::is_handshaking)
            || self.credentials.is_none()
        {
            return Err(Error::InvalidRequest);
        }
        if !self.server {
            // A client answers a request it was told about (or flushes its answer).
            if self.conn()?.has_certificate_request() {
                return self.answer_request();
            }
            return self.flush();
        }
        if !self.reauth_waiting {
            let require = match self.cert_request {
                CertRequest::Ignore => return Err(Error::InvalidRequest),
                CertRequest::Request => false,
                CertRequest::Require => true,
            };
            if !self.post_handshake_auth() {
                return Err(Error::InvalidRequest);
            }
            self.conn()?
                .request_client_auth(require)
                .map_err(|e| match e {
                    tls::Error::ApiMisuse(_) => Error::InvalidRequest,
                    other => Error::Tls(other),
                })?;
            self.reauth_waiting = true;
        }
        loop {
            self.flush()?;
            self.drain_events();
            if !self.reauth_waiting {
                return Ok(());
            }
            let (_, certificate_in) = self.conn()?.client_auth_status();
            if self.conn()?.pending_plaintext() > 0 && !certificate_in {
                return Err(Error::GotApplicationData);
            }
            self.pull()?;
        }
    }

    /// `gnutls_bye`: close_notify, and with `wait_peer` the peer's too.
    pub fn bye(&mut self, wait_peer: bool) -> Result<(), Error> {
        let conn = self.conn()?;
        conn.close();
        self.flush()?;
        while wait_peer && !self.conn()?.peer_closed() {
            match self.pull() {
                Ok(()) => {}
                Err(Error::PrematureTermination) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The negotiated facts, once the handshake has started.
    pub fn negotiated(&self) -> Option<&tls::Negotiated> {
        self.conn.as_ref().map(Connection::negotiated)
    }
}
