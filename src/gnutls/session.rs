//! A GnuTLS session over the TLS engine: the non-blocking semantics of
//! `gnutls_handshake`, `gnutls_record_send/recv`, `gnutls_bye` and
//! `gnutls_reauth`. Every call moves as far as the transport lets it and
//! returns `Again`/`Interrupted` to be called again, resuming where it was.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::Error;
use super::credentials::CertificateCredentials;
use super::names;
use super::priority::Priority;
use super::psk::{PskClientCredentials, PskServerCredentials};
use super::transport::{INDEFINITE_TIMEOUT, ReadWait, Transport, TransportError};
use crate::tls::hook::HandshakeHook;
use crate::tls::resumption::SavedSession;
use crate::tls::tls12::suites::Authentication;
use crate::tls::{
    self, ClientAuth, ClientConfig, Connection, Event, PeerIdentity, PskLookup, ServerConfig,
    VerifyPolicy,
};

mod certs;
mod client_cert;
mod features;
mod tickets;

pub use client_cert::ClientCertState;

pub use tickets::entry_times;

pub use features::{
    GNUTLS_ALPN_MANDATORY, GNUTLS_ALPN_SERVER_PRECEDENCE, GNUTLS_KU_PEER, GNUTLS_RECORD_WAIT,
    PostClientHello,
};

/// `GNUTLS_SERVER`.
pub const GNUTLS_SERVER: u32 = 1;
/// `GNUTLS_CLIENT`.
pub const GNUTLS_CLIENT: u32 = 1 << 1;
/// `GNUTLS_NONBLOCK`.
pub const GNUTLS_NONBLOCK: u32 = 1 << 3;
/// `GNUTLS_FORCE_CLIENT_CERT`.
pub const GNUTLS_FORCE_CLIENT_CERT: u32 = 1 << 9;
/// `GNUTLS_NO_EXTENSIONS`.
pub const GNUTLS_NO_EXTENSIONS: u32 = 1 << 4;
/// `GNUTLS_NO_TICKETS`.
pub const GNUTLS_NO_TICKETS: u32 = 1 << 10;
/// `GNUTLS_ENABLE_EARLY_START`.
pub const GNUTLS_ENABLE_EARLY_START: u32 = 1 << 17;
/// `GNUTLS_ENABLE_FALSE_START`: (TLS 1.2 client) false start.
pub const GNUTLS_ENABLE_FALSE_START: u32 = 1 << 8;
/// `GNUTLS_SFLAGS_FALSE_START`: (client) the handshake returned before the
/// server's Finished.
pub const GNUTLS_SFLAGS_FALSE_START: u32 = 1 << 5;
/// `GNUTLS_ENABLE_RAWPK`: raw public keys may be negotiated (stepup never
/// does; session descriptions then name the certificate type, as GnuTLS's).
pub const GNUTLS_ENABLE_RAWPK: u32 = 1 << 18;
/// `GNUTLS_SFLAGS_EARLY_START`: (server) the handshake returned before the
/// client's Finished.
pub const GNUTLS_SFLAGS_EARLY_START: u32 = 1 << 9;
/// `GNUTLS_POST_HANDSHAKE_AUTH`.
pub const GNUTLS_POST_HANDSHAKE_AUTH: u32 = 1 << 14;
/// `GNUTLS_AUTO_REAUTH`.
pub const GNUTLS_AUTO_REAUTH: u32 = 1 << 19;
/// `GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH`: the peer offered post-handshake auth.
pub const GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH: u32 = 1 << 8;
/// `GNUTLS_SFLAGS_SESSION_TICKET`: (client) a session ticket arrived.
pub const GNUTLS_SFLAGS_SESSION_TICKET: u32 = 1 << 7;
/// `GNUTLS_SFLAGS_CLI_REQUESTED_OCSP`: the client asked for an OCSP status.
pub const GNUTLS_SFLAGS_CLI_REQUESTED_OCSP: u32 = 1 << 11;
/// `GNUTLS_SFLAGS_SAFE_RENEGOTIATION`: (TLS 1.2) RFC 5746 is in use.
pub const GNUTLS_SFLAGS_SAFE_RENEGOTIATION: u32 = 1;
/// `GNUTLS_SFLAGS_EXT_MASTER_SECRET`: (TLS 1.2) the extended master secret.
pub const GNUTLS_SFLAGS_EXT_MASTER_SECRET: u32 = 1 << 1;

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

/// `GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT`: GnuTLS's own default, 40 s.
const DEFAULT_HANDSHAKE_TIMEOUT_MS: u32 = 40 * 1000;
/// `gnutls_handshake_set_timeout(GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT)`.
const DEFAULT_HANDSHAKE_TIMEOUT: u32 = u32::MAX;

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
    /// (Client, TLS 1.2) A HelloRequest arrived and is still to be
    /// reported (`GNUTLS_E_REHANDSHAKE`).
    rehandshake_requested: bool,
    /// (Client) an answer to a request met AGAIN/INTERRUPTED while being
    /// sent: `reauth` finishes it.
    answer_in_flight: bool,
    /// The peer's latest proven certificate chain and its verification
    /// (the Finished that covers it verified).
    peer: Option<PeerIdentity>,
    /// A chain under the application's check during a pause, its Finished
    /// still to come: what `gnutls_certificate_get_peers` and the verify
    /// functions see then. It proves nothing (the bridge ignores it).
    checking: Option<PeerIdentity>,
    /// (Server) the client's latest answer to post-handshake
    /// authentication was an empty Certificate.
    declined_reauth: bool,
    /// `gnutls_handshake_set_timeout`, in milliseconds (0: none).
    handshake_timeout_ms: u32,
    /// When the handshake in progress times out (set by its first call).
    handshake_deadline: Option<Instant>,
    /// `gnutls_record_set_timeout`, in milliseconds (0: none).
    record_timeout_ms: u32,
    /// The status found by `gnutls_session_set_verify_cert`'s check.
    verify_cert_status: Option<u32>,
    /// The `GNUTLS_VERIFY_*` flags given to `gnutls_session_set_verify_cert`.
    verify_cert_flags: u32,
    /// `gnutls_handshake_set_hook_function`'s hook, until the connection
    /// exists (then the connection holds it).
    hook: Option<HandshakeHook>,
    /// The certificate the application's retrieve function chose for the
    /// next use (server: the handshake; client: the pending post-handshake
    /// request), `Some(None)` for none; see `session/certs.rs`.
    chosen: Option<Option<Arc<tls::CertifiedKey>>>,
    /// ALPN, key log, corking and the other settings of `session/features.rs`.
    features: features::Features,
    /// (Client) PSK credentials (`gnutls_credentials_set` with `GNUTLS_CRD_PSK`).
    psk_client: Option<Arc<PskClientCredentials>>,
    /// (Server) the lookup of PSK credentials set on the session.
    psk_server: Option<PskLookup>,
    psk_server_credentials: Option<Arc<PskServerCredentials>>,
    /// The priority or the credentials were set while the handshake waited
    /// for the post-client-hello function.
    config_changed_in_hello_check: bool,
    /// A certificate came with post-handshake authentication after a PSK
    /// handshake: GnuTLS 3.7 then replaces the session's PSK information
    /// (the user name is gone).
    psk_info_replaced: bool,
    /// Ticket key, expiration and the session to resume (`session/tickets.rs`).
    tickets: tickets::Tickets,
    /// A record call failed fatally: later ones get `InvalidSession`.
    invalid: bool,
    /// (Server) Whether CertificateRequests list the trusted CAs
    /// (`gnutls_certificate_send_x509_rdn_sequence`).
    list_authorities: bool,
}

/// `GNUTLS_KEY_SHARE_TOP`: one key share in the ClientHello.
pub const GNUTLS_KEY_SHARE_TOP: u32 = 1 << 11;
/// `GNUTLS_KEY_SHARE_TOP3`: up to three.
pub const GNUTLS_KEY_SHARE_TOP3: u32 = 1 << 13;

/// How many key shares a client sends: GnuTLS's default is two (the first
/// group and the first of another kind), `GNUTLS_KEY_SHARE_TOP` one,
/// `GNUTLS_KEY_SHARE_TOP3` three.
fn key_shares(flags: u32) -> usize {
    if flags & GNUTLS_KEY_SHARE_TOP != 0 {
        1
    } else if flags & GNUTLS_KEY_SHARE_TOP3 != 0 {
        3
    } else {
        2
    }
}

/// The inputs of an engine configuration: the priority, the certificate
/// credentials and their trust store, whether the application checks peers
/// itself, and the PSK modes the priority allows.
type ConfigInputs = (
    Priority,
    Option<Arc<CertificateCredentials>>,
    Option<Arc<crate::x509::verify::TrustStore>>,
    bool,
    Option<tls::PskModes>,
);

/// Whether `n` is a session of an external PSK: its handshake used one,
/// or it resumes a session that did (which keeps its user name, key
/// exchange and credentials type, as in GnuTLS).
fn external_psk(n: &tls::Negotiated) -> bool {
    n.psk_identity.is_some()
}

/// Reads once from `transport` into `buf`; with a deadline, first waits for
/// input until then (through the pull-timeout function), failing with
/// `TimedOut` when none came. Returns the byte count (0: end of stream).
pub fn read_input(
    transport: &mut dyn Transport,
    buf: &mut [u8],
    wait: Option<ReadWait>,
) -> Result<usize, Error> {
    if let Some(wait) = wait {
        let ms = wait.ms_left();
        let ready = ms > 0
            && transport
                .wait_readable(ms)
                .map_err(|e| transport_error(e, true))?;
        if !ready {
            return Err(Error::TimedOut);
        }
    }
    transport.recv(buf).map_err(|e| transport_error(e, true))
}

/// What `Session::recv_step` needs next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecvStep {
    /// This many bytes were read into the caller's buffer (0: the peer
    /// closed the session).
    Read(usize),
    /// Input from the transport, at most this many bytes (`recv_input`).
    NeedInput(usize),
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
            rehandshake_requested: false,
            answer_in_flight: false,
            peer: None,
            checking: None,
            declined_reauth: false,
            handshake_timeout_ms: 0,
            handshake_deadline: None,
            record_timeout_ms: 0,
            verify_cert_status: None,
            verify_cert_flags: 0,
            hook: None,
            chosen: None,
            features: features::Features::new(!server && flags & GNUTLS_NO_EXTENSIONS == 0),
            psk_client: None,
            psk_server: None,
            psk_server_credentials: None,
            config_changed_in_hello_check: false,
            psk_info_replaced: false,
            tickets: tickets::Tickets::default(),
            invalid: false,
            list_authorities: true,
        })
    }

    /// `gnutls_handshake_set_hook_function`: the hook for handshake
    /// messages, post-handshake ones included (`None` removes it).
    pub fn set_handshake_hook(&mut self, hook: Option<HandshakeHook>) {
        match self.conn.as_mut() {
            Some(conn) => conn.set_hook(hook),
            None => self.hook = hook,
        }
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
        self.note_change_in_hello_check();
    }

    /// (Client) sets (or replaces) the PSK credentials.
    pub fn set_psk_client(&mut self, credentials: Arc<PskClientCredentials>) {
        self.psk_client = Some(credentials);
    }

    /// (Server) sets (or replaces) the lookup of PSK keys by user name,
    /// and the credentials it came with (for their identity hint).
    pub fn set_psk_server(&mut self, lookup: PskLookup, credentials: Arc<PskServerCredentials>) {
        self.psk_server = Some(lookup);
        self.psk_server_credentials = Some(credentials);
        self.note_change_in_hello_check();
    }

    /// (Client) `gnutls_psk_client_get_hint`: the identity hint the TLS 1.2
    /// server sent, once it arrived.
    pub fn psk_hint(&self) -> Option<&[u8]> {
        self.negotiated()?.psk_hint.as_deref()
    }

    /// Sets the priority.
    pub fn set_priority(&mut self, priority: Priority) {
        self.priority = Some(priority);
        self.note_change_in_hello_check();
    }

    /// Set by the post-client-hello function, the priority or credentials
    /// apply to the ClientHello it looked at, negotiated afresh (see
    /// `client_hello_checked`).
    fn note_change_in_hello_check(&mut self) {
        if self
            .conn
            .as_ref()
            .is_some_and(Connection::awaiting_client_hello_check)
        {
            self.config_changed_in_hello_check = true;
        }
    }

    /// (Server) what to ask of clients, in the handshake and for reauth.
    pub fn set_cert_request(&mut self, request: CertRequest) {
        self.cert_request = request;
    }

    /// (Client) the server name to send and, with verification, to check.
    pub fn set_server_name(&mut self, name: &str) {
        self.server_name = Some(name.to_owned());
    }

    /// (Server) `gnutls_certificate_send_x509_rdn_sequence`: whether
    /// certificate requests name the trusted CAs (the default) or none.
    pub fn set_list_authorities(&mut self, on: bool) {
        self.list_authorities = on;
    }

    /// `gnutls_ocsp_status_request_enable_client`: (client) ask for the
    /// server's OCSP response; `InvalidRequest` on a server.
    pub fn enable_status_request(&mut self) -> Result<(), Error> {
        if self.server {
            return Err(Error::InvalidRequest);
        }
        self.features.status_request = true;
        Ok(())
    }

    /// Verify the peer's certificate in the handshake, failing it otherwise.
    pub fn set_verify_cert(&mut self, hostname: Option<&str>, flags: u32) {
        self.verify_cert = Some(hostname.map(str::to_owned));
        self.verify_cert_flags = flags;
    }

    /// 1 if the last AGAIN/INTERRUPTED was in a write, 0 in a read.
    pub fn direction(&self) -> i32 {
        i32::from(self.writing)
    }

    /// The engine configuration of a server session, from its priority and
    /// credentials.
    fn server_config(
        &mut self,
        priority: Priority,
        credentials: Option<Arc<CertificateCredentials>>,
        trust: Option<Arc<crate::x509::verify::TrustStore>>,
        peer_check: bool,
        psk_modes: Option<tls::PskModes>,
    ) -> Result<ServerConfig, Error> {
        // A server with PSK credentials and a PSK key exchange in its
        // priority may do without a certificate.
        let psk = self.psk_server.clone().zip(psk_modes);
        let key = match self.server_certificate() {
            Ok(key) => Some(key),
            Err(Error::InsufficientCredentials) if psk.is_some() => None,
            // As GnuTLS: certificate credentials without a certificate leave
            // no cipher suite to choose.
            Err(Error::InsufficientCredentials)
                if self.credentials.is_some() && !self.app_chooses() =>
            {
                return Err(Error::NoCipherSuites);
            }
            // A handshake hook may set them when the ClientHello arrives
            // (see `reconfigure_after_hook`); until then, none.
            Err(Error::InsufficientCredentials) if self.hook.is_some() => None,
            Err(e) => return Err(e),
        };
        let client_auth = match self.cert_request {
            CertRequest::Ignore => ClientAuth::None,
            CertRequest::Request => ClientAuth::Request,
            CertRequest::Require => ClientAuth::Require,
        };
        let (psk, psk_modes) = match psk {
            Some((lookup, modes)) => (Some(lookup), modes),
            None => (None, tls::PskModes::default()),
        };
        let mut config = ServerConfig {
            tls12_suites: priority.tls12_suites(),
            tls12_client_order: !priority.server_precedence,
            own_key_usage_unchecked: priority.own_key_usage_unchecked,
            peer_key_usage_unchecked: priority.peer_key_usage_unchecked,
            tls13: priority.tls13,
            suites: priority.suites,
            groups: priority.groups,
            certificates: match (&credentials, self.app_chooses()) {
                (Some(c), false) => c.choices(),
                _ => Vec::new(),
            },
            certificate: key,
            signature_schemes: priority.signatures.clone(),
            tls12_signature_schemes: priority.signatures12.clone(),
            client_auth,
            middlebox_compat: priority.compat_mode,
            certificate_authorities: trust
                .as_ref()
                .filter(|_| self.list_authorities)
                .map(|t| t.subject_names())
                .unwrap_or_default(),
            client_trust: trust,
            verify: VerifyPolicy::Report,
            pause_after_peer_signature: peer_check || self.verify_cert.is_some(),
            psk,
            psk_hint: self.psk_server_credentials.as_ref().and_then(|c| c.hint()),
            psk_modes,
            ..ServerConfig::without_certificate()
        };
        config.early_start = self.flags & GNUTLS_ENABLE_EARLY_START != 0;
        self.features.apply_server(&mut config);
        self.tickets
            .apply_server(&mut config, self.flags | priority.flags);
        Ok(config)
    }

    /// What both ends' configurations start from: the priority (refused
    /// when no handshake can come of it) and the certificate credentials.
    fn config_inputs(&self) -> Result<ConfigInputs, Error> {
        let priority = self.priority.clone().ok_or(Error::NoPriorities)?;
        if !priority.usable() {
            // As GnuTLS: a priority that forms ciphers and groups for an
            // enabled version, but no TLS 1.2 suite with its key exchanges
            // (ECDHE-PSK with AES-GCM, say), fails in the handshake for want
            // of a cipher suite.
            if priority.tls12
                && !priority.tls13
                && priority.has_suites()
                && !priority.groups.is_empty()
            {
                return Err(Error::NoCipherSuites);
            }
            return Err(Error::NoPriorities);
        }
        let credentials = self.credentials.clone();
        let trust = credentials.as_ref().and_then(|c| c.trust());
        let peer_check = credentials.as_ref().is_some_and(|c| c.peer_check());
        let psk_modes = priority.psk_modes();
        Ok((priority, credentials, trust, peer_check, psk_modes))
    }

    /// A server's engine configuration as the session stands now.
    pub(super) fn current_server_config(&mut self) -> Result<ServerConfig, Error> {
        let (priority, credentials, trust, peer_check, psk_modes) = self.config_inputs()?;
        self.server_config(priority, credentials, trust, peer_check, psk_modes)
    }

    fn build(&mut self) -> Result<Connection, Error> {
        if self.server {
            return Ok(Connection::server(Arc::new(self.current_server_config()?)));
        }
        let (priority, credentials, trust, peer_check, psk_modes) = self.config_inputs()?;
        {
            let hostname = match &self.verify_cert {
                Some(Some(name)) => Some(name.clone()),
                _ => self.server_name.clone(),
            };
            let mut config = ClientConfig {
                tls12_suites: priority.tls12_suites(),
                tls13: priority.tls13,
                suites: priority.suites,
                groups: priority.groups,
                trust,
                verify: VerifyPolicy::Report,
                signature_schemes: priority.signatures.clone(),
                tls12_signature_schemes: priority.signatures12.clone(),
                certificate: credentials
                    .as_ref()
                    .filter(|c| !c.app_chooses())
                    .and_then(|c| c.key()),
                choose_certificate: self.app_chooses(),
                // GNUTLS_FORCE_CLIENT_CERT: our one pair whatever the CA list.
                match_certificate_authorities: self.flags & GNUTLS_FORCE_CLIENT_CERT == 0,
                key_shares: key_shares(self.flags),
                middlebox_compat: priority.compat_mode,
                post_handshake_auth: self.flags & GNUTLS_POST_HANDSHAKE_AUTH != 0,
                pause_after_peer_signature: peer_check || self.verify_cert.is_some(),
                psk: psk_modes.and_then(|_| self.psk_client.as_ref().and_then(|c| c.psk())),
                // Without a PSK key exchange in the priority, a ticket may
                // be used in either mode (GnuTLS offers both).
                // GnuTLS asks only when it has certificate credentials.
                status_request: self.features.status_request && credentials.is_some(),
                psk_modes: psk_modes.unwrap_or(tls::PskModes {
                    with_dhe: true,
                    psk_only: true,
                    psk_only_first: false,
                }),
                announce_psk_modes: psk_modes.is_some()
                    || (self.flags | priority.flags) & GNUTLS_NO_TICKETS == 0,
                peer_key_usage_unchecked: priority.peer_key_usage_unchecked,
                ..ClientConfig::default()
            };
            self.features.apply_client(&mut config);
            match self.tickets.resume.clone() {
                Some(SavedSession::Tls13(session)) => config.resume = Some(session),
                Some(SavedSession::Tls12(session)) => config.resume12 = Some(session),
                None => {}
            }
            config.false_start = self.flags & GNUTLS_ENABLE_FALSE_START != 0;
            config.session_id.clone_from(&self.tickets.session_id);
            config.tls12_tickets = (self.flags | priority.flags)
                & (GNUTLS_NO_TICKETS | tickets::GNUTLS_NO_TICKETS_TLS12)
                == 0;
            Ok(Connection::client_with_hook(
                Arc::new(config),
                hostname.as_deref(),
                self.hook.take(),
            )?)
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

    /// Reads once from the transport and hands the bytes to the engine;
    /// with a deadline, first waits for input until then (through the
    /// pull-timeout function), failing with `TimedOut` when none came.
    fn pull(&mut self, wait: Option<ReadWait>) -> Result<(), Error> {
        let want = self.input_wanted();
        let (mut buf, at) = self.take_read_buf(want);
        let got = match self.transport.as_mut() {
            Some(transport) => read_input(transport.as_mut(), &mut buf[at..], wait),
            None => Err(Error::Pull),
        };
        self.process_input(buf, at, got)
    }

    /// How many bytes to ask the transport for: record by record, like
    /// GnuTLS, a header, then its body. Bytes of later records stay in the
    /// socket, so a caller's poll() sees them.
    pub fn input_wanted(&self) -> usize {
        self.conn
            .as_ref()
            .map_or(READ_CHUNK, Connection::tls_bytes_wanted)
            .clamp(1, READ_CHUNK)
    }

    /// Hands what a read into `take_read_buf`'s buffer brought (`got`
    /// bytes at `at`, or the read's failure) to the engine.
    fn process_input(
        &mut self,
        buf: Vec<u8>,
        at: usize,
        got: Result<usize, Error>,
    ) -> Result<(), Error> {
        let read = got.as_ref().map_or(0, |&n| n.min(buf.len() - at));
        // The buffer goes back whatever the read did: it holds earlier input.
        let result = self.conn.as_mut().map(|c| c.input_read(buf, at, read));
        let n = got.inspect_err(|_| self.writing = false)?;
        if n == 0 {
            return Err(self.end_of_stream());
        }
        let result = result.ok_or(Error::InvalidRequest)?;
        // An alert the engine queued while failing still goes out.
        let _ = self.flush();
        result.map_err(Error::from)?;
        self.hook_interrupted()
    }

    /// Reports a hook's AGAIN or INTERRUPTED once, as GnuTLS returns it
    /// from the call that ran the hook; the next call goes on.
    fn hook_interrupted(&mut self) -> Result<(), Error> {
        match self
            .conn
            .as_mut()
            .and_then(Connection::take_hook_interruption)
        {
            None => Ok(()),
            Some(super::error_codes::GNUTLS_E_AGAIN) => Err(Error::Again),
            Some(_) => Err(Error::Interrupted),
        }
    }

    /// What the transport's end of stream means where more was needed: a
    /// record cut short, the end after the peer's close_notify, or an end
    /// without one.
    fn end_of_stream(&self) -> Error {
        match self.conn.as_ref() {
            Some(conn) if conn.partial_record_buffered() => Error::UnexpectedPacketLength,
            Some(conn) if conn.peer_closed() => self.closed_by_peer(),
            _ => Error::PrematureTermination,
        }
    }

    /// The error of a handshake or re-authentication that met the peer's
    /// close_notify: a server whose first record was not a ClientHello
    /// reports an unexpected packet, as GnuTLS does; otherwise the session
    /// ended early.
    fn closed_by_peer(&self) -> Error {
        if self.server
            && self
                .negotiated()
                .is_none_or(|n| n.version.is_none() && n.suite.is_none())
        {
            Error::UnexpectedPacket
        } else {
            Error::SessionEof
        }
    }

    /// Fails a handshake or re-authentication that still needs the peer
    /// once the peer has closed (instead of waiting for more).
    fn check_peer_open(&self) -> Result<(), Error> {
        match self.conn.as_ref() {
            Some(conn) if conn.peer_closed() => Err(self.closed_by_peer()),
            _ => Ok(()),
        }
    }

    /// Handles the events of the engine that matter here.
    fn drain_events(&mut self) {
        while let Some(event) = self.conn.as_mut().and_then(Connection::next_event) {
            match event {
                Event::ClientAuthenticated(identity) => {
                    self.psk_info_replaced = self.psk_handshake();
                    self.declined_reauth = identity.chain.is_empty();
                    self.peer = Some(identity);
                    self.checking = None;
                    self.reauth_waiting = false;
                }
                Event::TicketReceived => self.tickets.arrived = true,
                Event::RenegotiationRequested => self.rehandshake_requested = true,
                _ => {}
            }
        }
    }

    /// `gnutls_handshake`. With a peer check on the credentials it returns
    /// `PeerCheckPending` after the peer's CertificateVerify; the caller
    /// runs the check and calls `peer_checked`, then this again.
    pub fn handshake(&mut self) -> Result<(), Error> {
        if self.conn.is_none() {
            self.handshake_deadline = match self.handshake_timeout_ms {
                0 | INDEFINITE_TIMEOUT => None,
                DEFAULT_HANDSHAKE_TIMEOUT => Some(DEFAULT_HANDSHAKE_TIMEOUT_MS),
                ms => Some(ms),
            }
            .map(|ms| Instant::now() + Duration::from_millis(u64::from(ms)));
            let mut conn = self.build()?;
            if self.hook.is_some() {
                conn.set_hook(self.hook.take());
            }
            self.conn = Some(conn);
            let side = if self.server { "server" } else { "client" };
            super::log::log(2, || format!("HSK: {side} handshake started"));
            self.hook_interrupted()?;
        }
        loop {
            if self.conn()?.awaiting_client_hello_check() {
                // Nothing of the answer goes out before the application's look.
                return Err(Error::ClientHelloCheckPending);
            }
            self.flush()?;
            if self.check_pause()? {
                continue;
            }
            if !self.conn()?.is_handshaking() {
                break;
            }
            self.check_peer_open()?;
            self.pull(self.handshake_deadline.map(ReadWait::Until))?;
        }
        self.handshake_deadline = None;
        self.drain_events();
        self.conn()?.forget_last_handshake_messages();
        self.check_alpn_mandatory()?;
        self.peer = self.conn()?.negotiated().peer.clone();
        self.checking = None;
        // A resumed client saw no server signature to check on the way, so
        // the session's check runs on the original chain now.
        let resumed = self.negotiated().is_some_and(|n| n.resumed);
        if let (Some(hostname), false, true) = (self.verify_cert.clone(), self.server, resumed) {
            if let Err(e) = self.auto_verify(hostname.as_deref()) {
                let conn = self.conn()?;
                conn.close();
                let _ = self.flush();
                return Err(e);
            }
        }
        super::log::log(2, || {
            let desc = self.description().unwrap_or_default();
            format!("HSK: handshake completed: {desc}")
        });
        Ok(())
    }

    /// When the engine waits for the check of the peer, makes the peer's
    /// chain current and runs the session's own check
    /// (`gnutls_session_set_verify_cert`), returning `true` once the engine
    /// went on (the caller goes round again); without one, returns
    /// `PeerCheckPending` for the application's verify function, which the
    /// session's check replaces, as in GnuTLS.
    fn check_pause(&mut self) -> Result<bool, Error> {
        let conn = self.conn()?;
        if conn.awaiting_certificate_choice() {
            return Err(Error::CertificateChoicePending);
        }
        if !conn.awaiting_peer_check() {
            return Ok(false);
        }
        self.checking = conn.negotiated().peer_under_check.clone();
        let Some(hostname) = self.verify_cert.clone() else {
            return Err(Error::PeerCheckPending);
        };
        let verdict = self.auto_verify(hostname.as_deref());
        let resumed = self.peer_checked(verdict.is_ok());
        // The check's own code, not the engine's, names a refusal.
        verdict?;
        resumed?;
        Ok(true)
    }

    /// `gnutls_session_set_verify_cert`'s check of the current peer: no
    /// certificate fails with `CertificateError`, an untrusted one with
    /// `CertificateVerification`; the status is kept for
    /// `gnutls_session_get_verify_cert_status`.
    fn auto_verify(&mut self, hostname: Option<&str>) -> Result<(), Error> {
        let status = self
            .verify_peer(hostname, None)
            .map_err(|_| Error::CertificateError)?;
        self.verify_cert_status = Some(status);
        if status != 0 {
            return Err(Error::CertificateVerification);
        }
        Ok(())
    }

    /// The application's check of the peer (after `PeerCheckPending`):
    /// `accepted` goes on; otherwise the session fails with
    /// `CertificateError` and sends no alert, as GnuTLS does.
    pub fn peer_checked(&mut self, accepted: bool) -> Result<(), Error> {
        super::log::log(2, || format!("HSK: peer check: accepted={accepted}"));
        match self.conn()?.resume_after_peer_check(accepted) {
            Ok(()) => Ok(()),
            Err(tls::Error::Certificate(_)) => Err(Error::CertificateError),
            Err(tls::Error::ApiMisuse(_)) => Err(Error::InvalidRequest),
            Err(e) => {
                let _ = self.flush();
                Err(e.into())
            }
        }
    }

    /// Whether the handshake authenticated with an external PSK (not a
    /// resumption ticket).
    pub fn psk_handshake(&self) -> bool {
        self.negotiated().is_some_and(external_psk)
    }

    /// `gnutls_psk_server_get_username`: the user name the completed
    /// handshake accepted, `None` before, without a PSK, and (as in GnuTLS
    /// 3.7) once post-handshake authentication brought a certificate.
    pub fn psk_username(&self) -> Option<&[u8]> {
        if self.psk_info_replaced {
            return None;
        }
        let n = self.completed()?;
        if !external_psk(n) {
            return None;
        }
        n.psk_identity.as_deref()
    }

    /// The peer's certificate chain (DER), empty if none. Empty too after a
    /// PSK handshake, even once post-handshake authentication brought one:
    /// GnuTLS 3.7 hands out certificates only for certificate key exchanges.
    pub fn peer_certificates(&self) -> Vec<Vec<u8>> {
        if self.psk_handshake() {
            return Vec::new();
        }
        self.shown_peer()
            .map(|p| p.chain.clone())
            .unwrap_or_default()
    }

    /// The chain the GnuTLS functions show: the one under check during a
    /// pause, else the proven one.
    fn shown_peer(&self) -> Option<&PeerIdentity> {
        self.checking.as_ref().or(self.peer.as_ref())
    }

    /// GnuTLS verification status bits of the peer's certificate (0 when it
    /// verified), checked against `hostname` too when given.
    pub fn verify_status(&self, hostname: Option<&str>) -> u32 {
        self.status_of(self.shown_peer(), hostname)
    }

    /// GnuTLS verification status bits of `peer`'s chain.
    pub(super) fn status_of(&self, peer: Option<&PeerIdentity>, hostname: Option<&str>) -> u32 {
        super::verify::status(
            peer,
            self.credentials.as_ref().and_then(|c| c.trust()).as_deref(),
            self.server,
            hostname,
            self.verify_flags(),
        )
    }

    /// The `GNUTLS_VERIFY_*` flags in force: the credentials' and those
    /// given to `gnutls_session_set_verify_cert`.
    fn verify_flags(&self) -> u32 {
        self.credentials.as_ref().map_or(0, |c| c.verify_flags()) | self.verify_cert_flags
    }

    /// Whether post-handshake authentication is possible: GnuTLS honours a
    /// client's offer only on a server that was itself initialised with
    /// `GNUTLS_POST_HANDSHAKE_AUTH`.
    fn post_handshake_auth(&self) -> bool {
        self.server
            && self.flags & GNUTLS_POST_HANDSHAKE_AUTH != 0
            && !self.is_tls12()
            && self
                .conn
                .as_ref()
                .is_some_and(|c| c.negotiated().peer_offered_post_handshake_auth)
    }

    /// `gnutls_session_get_flags`: post-handshake authentication on a
    /// server, a received ticket on a client; under TLS 1.2 the extended
    /// master secret (always) and safe renegotiation.
    pub fn flags(&self) -> u32 {
        let mut flags = 0;
        if self.is_tls12() {
            flags |= GNUTLS_SFLAGS_EXT_MASTER_SECRET;
            if self.safe_renegotiation_status() != 0 {
                flags |= GNUTLS_SFLAGS_SAFE_RENEGOTIATION;
            }
        }
        if self.post_handshake_auth() {
            flags |= GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH;
        }
        if self.ticket_received() {
            flags |= GNUTLS_SFLAGS_SESSION_TICKET;
        }
        if let Some(negotiated) = self.conn.as_ref().map(Connection::negotiated) {
            if negotiated.ocsp_requested {
                flags |= GNUTLS_SFLAGS_CLI_REQUESTED_OCSP;
            }
            if negotiated.early_start {
                flags |= GNUTLS_SFLAGS_EARLY_START;
            }
            if negotiated.false_start {
                flags |= GNUTLS_SFLAGS_FALSE_START;
            }
        }
        flags
    }

    /// `gnutls_record_send`: returns how many bytes were sent, at most one
    /// record's worth.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, Error> {
        if self.invalid {
            return Err(Error::InvalidSession);
        }
        if self.conn.as_ref().is_none_or(Connection::is_handshaking) {
            return Err(Error::InvalidRequest);
        }
        if let Some(len) = self.features.cork_data(&data[..data.len().min(16 * 1024)]) {
            return Ok(len);
        }
        if let Some(len) = self.send_in_flight {
            // The record of an earlier call that returned AGAIN is queued; finish it.
            self.flush()?;
            self.send_in_flight = None;
            return Ok(len);
        }
        // One record per call, as in GnuTLS: the caller sends the rest.
        let conn = self.conn()?;
        let len = data.len().min(conn.max_fragment());
        conn.write(&data[..len])?;
        match self.flush() {
            Ok(()) => Ok(len),
            Err(e @ (Error::Again | Error::Interrupted)) => {
                self.send_in_flight = Some(len);
                Err(e)
            }
            Err(e) => Err(e),
        }
    }

    /// `gnutls_record_recv`: returns how many bytes were read (0: the peer
    /// closed). A fatal failure invalidates the session, as in GnuTLS.
    pub fn recv(&mut self, buf: &mut [u8]) -> Result<usize, Error> {
        let mut after_input = false;
        loop {
            match self.recv_step(buf, after_input, false)? {
                RecvStep::Read(n) => return Ok(n),
                RecvStep::NeedInput(_) => {
                    let pulled = self.pull(self.recv_deadline());
                    self.recv_result(pulled)?;
                    after_input = true;
                }
            }
        }
    }

    /// How a wait for input starting now in `gnutls_record_recv` is
    /// bounded (`gnutls_record_set_timeout`): `None` reads at once (no
    /// timeout). As in GnuTLS, the timeout bounds each wait, not the whole
    /// call: a record arriving a byte at a time within the timeout is
    /// waited for; and `GNUTLS_INDEFINITE_TIMEOUT` still waits through the
    /// pull-timeout function.
    pub fn recv_deadline(&self) -> Option<ReadWait> {
        match self.record_timeout_ms {
            0 => None,
            INDEFINITE_TIMEOUT => Some(ReadWait::Indefinite),
            ms => Some(ReadWait::Until(
                Instant::now() + Duration::from_millis(u64::from(ms)),
            )),
        }
    }

    /// `gnutls_record_recv` up to its next read of the transport: returns
    /// what was read, or how much input it needs. `after_input`: the step
    /// follows input handed over with `recv_input` in the same call. The
    /// read itself may happen with the session unlocked, so that another
    /// thread can send meanwhile, as GnuTLS allows.
    /// `defer_output`: a flush that would block leaves the output queued
    /// (the caller waits for room itself) instead of returning AGAIN.
    pub fn recv_step(
        &mut self,
        buf: &mut [u8],
        after_input: bool,
        defer_output: bool,
    ) -> Result<RecvStep, Error> {
        if self.invalid {
            return Err(Error::InvalidSession);
        }
        if self.conn.as_ref().is_none_or(Connection::is_handshaking) {
            return Err(Error::InvalidRequest);
        }
        let step = self.recv_records(buf, after_input, defer_output);
        self.recv_result(step)
    }

    /// Whether output waits to be sent.
    pub fn has_pending_output(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(|c| !c.pending_tls().is_empty())
    }

    /// Sends queued output as far as the transport takes it now; what it
    /// cannot take yet stays queued (no AGAIN).
    pub fn flush_deferred(&mut self) -> Result<(), Error> {
        match self.flush() {
            Err(Error::Again) => Ok(()),
            flushed => flushed,
        }
    }

    /// The read buffer, for a read made while the session is unlocked; give
    /// it back with `recv_input`.
    pub fn take_read_buf(&mut self, want: usize) -> (Vec<u8>, usize) {
        match self.conn.as_mut() {
            Some(conn) => conn.take_input_buffer(want),
            None => (vec![0; want], 0),
        }
    }

    /// Hands a read made with `take_read_buf`'s buffer (`got` bytes, or the
    /// read's failure) to the session; then call `recv_step` again.
    pub fn recv_input(
        &mut self,
        buf: Vec<u8>,
        at: usize,
        got: Result<usize, Error>,
    ) -> Result<(), Error> {
        let processed = self.process_input(buf, at, got);
        self.recv_result(processed)
    }

    /// Invalidates the session after a fatal failure of a record call.
    fn recv_result<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if result.as_ref().is_err_and(Error::ends_session) {
            self.invalid = true;
        }
        result
    }

    fn recv_records(
        &mut self,
        buf: &mut [u8],
        after_input: bool,
        defer_output: bool,
    ) -> Result<RecvStep, Error> {
        if after_input {
            self.drain_events();
            if std::mem::take(&mut self.tickets.arrived) {
                // GnuTLS 3.7 returns AGAIN after handling a NewSessionTicket.
                self.writing = false;
                return Err(Error::Again);
            }
            if std::mem::take(&mut self.rehandshake_requested) {
                // As GnuTLS reports a HelloRequest; our no_renegotiation
                // warning is already queued, and goes out here.
                self.flush()?;
                return Err(Error::Rehandshake);
            }
        }
        let auto = self.flags & GNUTLS_AUTO_REAUTH != 0;
        loop {
            if self.check_pause()? {
                continue;
            }
            let conn = self.conn()?;
            if conn.pending_plaintext() > 0 {
                return Ok(RecvStep::Read(conn.read(buf)));
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
                return Ok(RecvStep::Read(0));
            }
            match self.flush() {
                Err(Error::Again) if defer_output => {}
                flushed => flushed?,
            }
            return Ok(RecvStep::NeedInput(self.input_wanted()));
        }
    }

    /// `gnutls_record_check_pending`: received bytes not yet read.
    pub fn pending(&self) -> usize {
        self.conn.as_ref().map_or(0, Connection::pending_plaintext)
    }

    fn answer_request(&mut self) -> Result<(), Error> {
        let cert = self.certificate_for_request()?;
        self.conn()?.answer_certificate_request(cert.as_deref())?;
        self.request_reported = false;
        self.flush().inspect_err(|e| {
            self.answer_in_flight = matches!(e, Error::Again | Error::Interrupted);
        })?;
        self.hook_interrupted()
    }

    /// `gnutls_reauth`.
    pub fn reauth(&mut self, flags: u32) -> Result<(), Error> {
        self.reauth_by(flags, None)
    }

    /// `gnutls_reauth`, each of whose reads waits until `deadline` at most
    /// (then `TimedOut`; call again to go on waiting).
    pub fn reauth_by(&mut self, flags: u32, deadline: Option<Instant>) -> Result<(), Error> {
        // "Under TLS1.2 or earlier ... it always fails with
        // GNUTLS_E_INVALID_REQUEST", and changes nothing.
        if flags != 0
            || self.conn.as_ref().is_none_or(Connection::is_handshaking)
            || self.credentials.is_none()
            || self.is_tls12()
        {
            return Err(Error::InvalidRequest);
        }
        if !self.server {
            // A client answers a request it was told about, or finishes
            // sending an answer that met AGAIN; with neither there is
            // nothing to do, which GnuTLS refuses.
            if self.flags & GNUTLS_POST_HANDSHAKE_AUTH == 0 {
                return Err(Error::InvalidRequest);
            }
            if self.conn()?.has_certificate_request() {
                return self.answer_request();
            }
            if !std::mem::take(&mut self.answer_in_flight) {
                return Err(Error::InvalidRequest);
            }
            return self.flush().inspect_err(|e| {
                self.answer_in_flight = matches!(e, Error::Again | Error::Interrupted);
            });
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
            self.flush()?;
            self.hook_interrupted()?;
        }
        loop {
            self.flush()?;
            self.drain_events();
            if !self.reauth_waiting {
                return Ok(());
            }
            if self.check_pause()? {
                continue;
            }
            let (_, certificate_in) = self.conn()?.client_auth_status();
            if self.conn()?.pending_plaintext() > 0 && !certificate_in {
                return Err(Error::GotApplicationData);
            }
            self.check_peer_open()?;
            self.pull(deadline.map(ReadWait::Until))?;
        }
    }

    /// `gnutls_alert_send`: an alert of the application's, sent at once.
    pub fn alert_send(&mut self, level: u8, description: u8) -> Result<(), Error> {
        self.conn()?.send_alert(level, description)?;
        self.flush()
    }

    /// `gnutls_alert_send_appropriate`: the alert GnuTLS sends for `code`,
    /// unless the code calls for none or the engine already sent its own.
    pub fn alert_send_appropriate(&mut self, code: i32) -> Result<(), Error> {
        if !super::error_alerts::worth_an_alert(code) {
            return Ok(());
        }
        let (level, description) = super::error_alerts::alert_for(code);
        self.conn()?.send_alert_for_failure(level, description)?;
        self.flush()
    }

    /// `gnutls_bye`: close_notify, and with `wait_peer` the peer's too.
    pub fn bye(&mut self, wait_peer: bool) -> Result<(), Error> {
        let conn = self.conn()?;
        conn.close();
        self.flush()?;
        while wait_peer && !self.conn()?.peer_closed() {
            match self.pull(None) {
                Ok(()) => {}
                Err(Error::PrematureTermination) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// `gnutls_session_get_master_secret`: a TLS 1.2 session's master
    /// secret; empty otherwise (TLS 1.3 has none to hand out).
    pub fn master_secret(&self) -> zeroize::Zeroizing<Vec<u8>> {
        self.conn
            .as_ref()
            .and_then(Connection::tls12_master_secret)
            .unwrap_or_default()
    }

    /// `gnutls_ciphersuite_get`: the IANA name of the negotiated suite,
    /// once the handshake completed.
    pub fn ciphersuite_name(&self) -> Option<&'static str> {
        let n = self.completed()?;
        n.tls12_suite
            .map(|s| s.name())
            .or_else(|| n.suite.map(|s| s.name()))
    }

    /// `gnutls_session_get_random`: the (client, server) hello randoms,
    /// zero until each is known.
    pub fn randoms(&self) -> ([u8; 32], [u8; 32]) {
        self.conn
            .as_ref()
            .map_or(([0; 32], [0; 32]), Connection::randoms)
    }

    /// The negotiated facts, once the handshake has started.
    pub fn negotiated(&self) -> Option<&tls::Negotiated> {
        self.conn.as_ref().map(Connection::negotiated)
    }

    /// The negotiated facts once the handshake has completed.
    fn completed(&self) -> Option<&tls::Negotiated> {
        self.conn
            .as_ref()
            .filter(|c| !c.is_handshaking() && c.error().is_none())
            .map(Connection::negotiated)
    }

    /// Whether the session negotiated TLS 1.2.
    pub fn is_tls12(&self) -> bool {
        self.negotiated().is_some_and(|n| n.tls12_suite.is_some())
    }

    /// `gnutls_protocol_get_version`: `GNUTLS_TLS1_3` or `GNUTLS_TLS1_2`
    /// once a suite is chosen, else 0.
    pub fn protocol(&self) -> i32 {
        match self.negotiated() {
            Some(n) if n.suite.is_some() => names::GNUTLS_TLS1_3,
            Some(n) if n.tls12_suite.is_some() => names::GNUTLS_TLS1_2,
            _ => 0,
        }
    }

    /// `gnutls_cipher_get`: the `gnutls_cipher_algorithm_t`, 0 before a suite is chosen.
    pub fn cipher(&self) -> i32 {
        match self.negotiated() {
            Some(n) => match (n.suite, n.tls12_suite) {
                (Some(suite), _) => names::cipher_of(suite),
                (None, Some(suite)) => names::cipher_of_aead(suite.aead()),
                (None, None) => 0,
            },
            None => 0,
        }
    }

    /// `gnutls_mac_get`: `GNUTLS_MAC_AEAD` once a suite is chosen (every
    /// suite we negotiate is an AEAD), else 0.
    pub fn mac(&self) -> i32 {
        match self.negotiated() {
            Some(n) if n.suite.is_some() || n.tls12_suite.is_some() => names::GNUTLS_MAC_AEAD,
            _ => 0,
        }
    }

    /// `gnutls_group_get`: the `gnutls_group_t`, 0 before one is chosen.
    pub fn group(&self) -> i32 {
        self.negotiated()
            .and_then(|n| n.group)
            .map_or(0, names::group_of)
    }

    /// `gnutls_kx_get`: what GnuTLS reports for a TLS 1.3 handshake:
    /// `GNUTLS_KX_ECDHE_PSK` or `GNUTLS_KX_PSK` with an external PSK (with or
    /// without an exchange), `GNUTLS_KX_ECDHE_RSA` for certificates over an
    /// elliptic-curve group whatever the key, 0 before it is known.
    pub fn kx(&self) -> i32 {
        let Some(n) = self.negotiated() else {
            return 0;
        };
        if let Some(suite) = n.tls12_suite {
            return match suite.authentication() {
                Authentication::Ecdsa => names::GNUTLS_KX_ECDHE_ECDSA,
                Authentication::Rsa => names::GNUTLS_KX_ECDHE_RSA,
                Authentication::Psk if suite.ecdhe() => names::GNUTLS_KX_ECDHE_PSK,
                Authentication::Psk => names::GNUTLS_KX_PSK,
            };
        }
        match (external_psk(n), n.psk_with_dhe, n.group) {
            (true, true, _) => names::GNUTLS_KX_ECDHE_PSK,
            (true, false, _) => names::GNUTLS_KX_PSK,
            (false, _, Some(_)) => names::GNUTLS_KX_ECDHE_RSA,
            (false, _, None) => 0,
        }
    }

    /// `gnutls_auth_get_type`: `GNUTLS_CRD_PSK` (4) for a handshake with an
    /// external PSK, `GNUTLS_CRD_CERTIFICATE` (1) for another, 0 before
    /// the handshake completed.
    pub fn auth_type(&self) -> i32 {
        match self.completed() {
            Some(n) if external_psk(n) => 4,
            Some(_) => 1,
            None => 0,
        }
    }

    /// `gnutls_certificate_client_get_request_status`: whether the server
    /// asked this client for a certificate in the handshake.
    pub fn certificate_requested(&self) -> bool {
        self.negotiated().is_some_and(|n| n.certificate_requested)
    }

    /// `gnutls_sign_algorithm_get`: the server's handshake signature
    /// algorithm, `GNUTLS_SIGN_UNKNOWN` (0) before it is known.
    pub fn sign(&self) -> i32 {
        let tls12 = self.is_tls12();
        self.negotiated()
            .and_then(|n| n.server_signature_scheme)
            .map_or(0, |s| {
                if tls12 {
                    names::tls12_sign_of(s)
                } else {
                    names::sign_of(s)
                }
            })
    }

    /// `gnutls_sign_algorithm_get_client`: the client's last
    /// CertificateVerify signature algorithm, `GNUTLS_SIGN_UNKNOWN` (0)
    /// when the client signed nothing.
    pub fn client_sign(&self) -> i32 {
        let tls12 = self.is_tls12();
        self.negotiated()
            .and_then(|n| n.client_signature_scheme)
            .map_or(0, |s| {
                if tls12 {
                    names::tls12_sign_of(s)
                } else {
                    names::sign_of(s)
                }
            })
    }

    /// `gnutls_session_get_desc`: `None` before the handshake completed.
    pub fn description(&self) -> Option<String> {
        let n = self.completed()?;
        // With other certificate types allowed, GnuTLS names the type in use.
        if let Some(suite) = n.tls12_suite {
            return Some(names::tls12_session_description(
                suite,
                n.group,
                n.server_signature_scheme,
            ));
        }
        let desc = if external_psk(n) || n.resumed {
            // GnuTLS 3.7 describes resumed sessions as it does PSK ones.
            names::psk_session_description(n.suite?)
        } else {
            names::session_description(n.suite?, n.group?, n.server_signature_scheme)
        };
        Some(if self.flags & GNUTLS_ENABLE_RAWPK != 0 {
            desc.replacen("(TLS1.3)", "(TLS1.3-X.509)", 1)
        } else {
            desc
        })
    }

    /// `gnutls_alert_get`: the last alert the peer sent (0, close_notify,
    /// when none was received, as GnuTLS reports).
    pub fn last_alert(&self) -> u8 {
        self.conn
            .as_ref()
            .and_then(Connection::last_alert_received)
            .map_or(0, |a| a.to_u8())
    }

    /// `gnutls_session_get_verify_cert_status`: the status of the check
    /// `gnutls_session_set_verify_cert` asked for, `u32::MAX` when none ran.
    pub fn verify_cert_status(&self) -> u32 {
        self.verify_cert_status.unwrap_or(u32::MAX)
    }

    /// `gnutls_certificate_verify_peers3`: the peer's status bits, checked
    /// against `hostname` when given; `NoCertificateFound` without one.
    pub fn verify_peer(&self, hostname: Option<&str>, purpose: Option<&str>) -> Result<u32, Error> {
        let Some(peer) = self.shown_peer().filter(|p| !p.chain.is_empty()) else {
            return Err(Error::NoCertificateFound);
        };
        let purpose_bits = purpose.map_or(0, |p| super::verify::purpose_status(&peer.chain, p));
        Ok(self.verify_status(hostname) | purpose_bits)
    }

    /// `gnutls_server_name_get`: on a server, the name the client sent
    /// (`None` if it sent none); a client may not ask (`InvalidRequest`),
    /// as in GnuTLS.
    pub fn received_server_name(&self) -> Result<Option<&str>, Error> {
        if !self.server {
            return Err(Error::InvalidRequest);
        }
        Ok(self.negotiated().and_then(|n| n.server_name.as_deref()))
    }

    /// `gnutls_handshake_set_timeout`: how long a handshake may take from
    /// its first call, in milliseconds (0 or `GNUTLS_INDEFINITE_TIMEOUT`:
    /// for ever; `GNUTLS_DEFAULT_HANDSHAKE_TIMEOUT`: 40 s).
    pub fn set_handshake_timeout(&mut self, ms: u32) {
        self.handshake_timeout_ms = ms;
    }

    /// The stored handshake timeout in milliseconds.
    pub fn handshake_timeout(&self) -> u32 {
        self.handshake_timeout_ms
    }

    /// `gnutls_record_set_timeout`: how long one `gnutls_record_recv` may
    /// wait for input, in milliseconds (0: for ever).
    pub fn set_record_timeout(&mut self, ms: u32) {
        self.record_timeout_ms = ms;
    }

    /// The stored record timeout in milliseconds.
    pub fn record_timeout(&self) -> u32 {
        self.record_timeout_ms
    }
}
