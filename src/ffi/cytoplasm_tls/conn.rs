//! The connection behind a Cytoplasm TLS cookie, in safe Rust: a session of
//! the GnuTLS layer over the connection's descriptor, whose handshake runs
//! when the first read or write needs it and ends by a deadline, and the
//! failures reported to Cytoplasm (`errors.rs` turns them into its returns).
//!
//! Cytoplasm's HttpServer creates a server connection in its accept thread,
//! holding the lock of its connection queue, and hands it to a worker
//! thread. Nothing here touches the peer before the worker's first read or
//! write, so a client that stalls mid-handshake costs that worker at most
//! the handshake timeout, and the accept thread none of it.

#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use zeroize::Zeroizing;

use crate::gnutls::Error as GnutlsError;
use crate::gnutls::credentials::{CertificateCredentials, GNUTLS_X509_FMT_PEM};
use crate::gnutls::priority::Priority;
use crate::gnutls::session::{
    CertRequest, GNUTLS_CLIENT, GNUTLS_NO_TICKETS, GNUTLS_POST_HANDSHAKE_AUTH, GNUTLS_SERVER,
    Session,
};
use crate::gnutls::system_trust::add_system_trust;
use crate::gnutls::transport::Transport;
use crate::gnutls::trust_list::TrustList;
use crate::uia::client_cert::ClientCert;

use super::stepup::StepUpConfig;

/// How long a handshake may take, from the first read or write that starts
/// it: past it the connection fails, and so does every later call on it.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long `TlsClose` waits for room in the socket for its close_notify
/// (when the peer has not read what was sent before): past it, the
/// descriptor is closed without one.
pub const CLOSE_NOTIFY_TIMEOUT: Duration = Duration::from_secs(2);

/// The environment variable that shortens [`HANDSHAKE_TIMEOUT`] (whole
/// milliseconds, from 1 to 9999; anything else keeps the default). Read at
/// each `TlsInitServer`/`TlsInitClient`; the C tests use it to time out a
/// stalled client quickly. It cannot lengthen the timeout.
pub const HANDSHAKE_TIMEOUT_VAR: &str = "STEPUP_CYTOPLASM_TLS_HANDSHAKE_TIMEOUT_MS";

/// The environment variable naming a PEM file of trusted CAs that replaces
/// the system trust store for clients, as in OpenSSL and LibreSSL.
pub const CA_FILE_VAR: &str = "SSL_CERT_FILE";

/// How many times in a row a read may go round without data (session
/// tickets, a refused renegotiation) or a blocking handshake without
/// progress before the connection is given up.
const MAX_IDLE_STEPS: usize = 1024;

/// How much application data a client may send while it is being asked
/// for its certificate (a pipelined request), kept for the reads after.
const MAX_PENDING_BYTES: usize = 64 * 1024;

/// Why a connection could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// The certificate file could not be read.
    #[error("cannot read the certificate file {path}: {source}")]
    CertificateFile {
        /// The file.
        path: String,
        /// What the read said.
        source: std::io::Error,
    },
    /// The key file could not be read.
    #[error("cannot read the key file {path}: {source}")]
    KeyFile {
        /// The file.
        path: String,
        /// What the read said.
        source: std::io::Error,
    },
    /// The files were read, but hold no usable certificate chain and key
    /// for it.
    #[error("cannot use the certificate {cert} with the key {key}: {source}")]
    KeyPair {
        /// The certificate file.
        cert: String,
        /// The key file.
        key: String,
        /// What the GnuTLS layer said.
        source: GnutlsError,
    },
    /// A client found no trusted CAs.
    #[error("cannot read the trusted CAs from {from}: {source}")]
    TrustAnchors {
        /// The file (`SSL_CERT_FILE`) or "the system trust store".
        from: String,
        /// What the GnuTLS layer said.
        source: GnutlsError,
    },
    /// The session could not be set up.
    #[error("cannot set up the TLS session: {0}")]
    Setup(GnutlsError),
    /// The handshake did not complete in time.
    #[error("the TLS handshake did not complete within {} ms", .0.as_millis())]
    HandshakeTimedOut(Duration),
    /// The handshake failed (the peer's certificate included).
    #[error("the TLS handshake failed: {0}")]
    Handshake(GnutlsError),
    /// The client did not answer a request for its certificate in time.
    #[error("the client did not answer the request for its certificate within {} ms", .0.as_millis())]
    CertificateTimedOut(Duration),
    /// Asking the client for its certificate failed (the connection too).
    #[error("asking the client for its certificate failed: {0}")]
    CertificateRequest(GnutlsError),
    /// The client sent more application data than is kept while it is asked
    /// for its certificate.
    #[error("the client sent over {MAX_PENDING_BYTES} bytes while asked for its certificate")]
    TooMuchPending,
    /// The connection failed after its handshake.
    #[error("the TLS connection failed: {0}")]
    Record(GnutlsError),
    /// The connection went round without progress too many times (records
    /// without data, signals).
    #[error("the TLS connection made no progress in {MAX_IDLE_STEPS} steps")]
    NoProgress,
    /// The connection failed earlier (reported then).
    #[error("the TLS connection failed earlier")]
    Failed,
    /// A non-blocking descriptor has nothing to give or no room now.
    #[error("the operation would block")]
    WouldBlock,
    /// A signal interrupted a read or write of application data on a
    /// non-blocking descriptor.
    #[error("interrupted by a signal")]
    Interrupted,
}

/// How long the transport's sends may wait for room in the socket, shared
/// by a connection and its transport: until the handshake's deadline during
/// the handshake, [`CLOSE_NOTIFY_TIMEOUT`] for the close_notify of
/// `TlsClose`, and as the descriptor decides otherwise.
#[derive(Clone, Default)]
pub struct SendLimit(Arc<Mutex<Option<Instant>>>);

impl SendLimit {
    /// The instant past which a send gives up, if any.
    pub fn until(&self) -> Option<Instant> {
        *self.0.lock()
    }

    fn set(&self, until: Option<Instant>) {
        *self.0.lock() = until;
    }
}

/// The descriptor's side of a connection.
pub struct Channel {
    /// Moves the bytes; its sends obey `send_limit`.
    pub transport: Box<dyn Transport>,
    /// Shared with the transport.
    pub send_limit: SendLimit,
    /// Whether the descriptor blocks (Cytoplasm's do): then nothing but a
    /// failure, the end of the stream or a signal ends a read early.
    pub blocking: bool,
}

/// Where a connection stands.
#[derive(Debug, Clone, Copy)]
enum State {
    /// Nothing was sent or received yet.
    Fresh,
    /// The handshake started (on a non-blocking descriptor, or interrupted)
    /// and must end by the deadline.
    Handshaking { deadline: Instant },
    /// The handshake completed: application data flows.
    Ready,
    /// A failure ended the connection; every call fails.
    Failed,
}

/// One TLS connection: a GnuTLS-layer session over a descriptor.
pub struct Connection {
    session: Session,
    state: State,
    timeout: Duration,
    blocking: bool,
    send_limit: SendLimit,
    /// Application data that arrived while the client was asked for its
    /// certificate, handed out by the next reads.
    pending: Vec<u8>,
}

// The cookie is made in Cytoplasm's accept thread and used in a worker.
// (Test and fuzzing builds give the engine a message-rewriting hook that is
// not Send; the check holds for every other build.)
#[cfg(not(any(test, feature = "fuzzing")))]
const _: fn() = || {
    fn moves_between_threads<T: Send>() {}
    moves_between_threads::<Connection>();
};

/// The handshake timeout in force: [`HANDSHAKE_TIMEOUT`], or a shorter one
/// from [`HANDSHAKE_TIMEOUT_VAR`].
pub fn handshake_timeout() -> Duration {
    std::env::var(HANDSHAKE_TIMEOUT_VAR)
        .ok()
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(Duration::from_millis)
        .filter(|timeout| !timeout.is_zero() && *timeout < HANDSHAKE_TIMEOUT)
        .unwrap_or(HANDSHAKE_TIMEOUT)
}

/// The client's trusted CAs: the file `SSL_CERT_FILE` names, else the
/// system trust store; read once per process (again if the variable
/// changes).
pub fn trust_anchors() -> Result<Arc<TrustList>, TlsError> {
    static LOADED: Mutex<Option<(Option<OsString>, Arc<TrustList>)>> = Mutex::new(None);
    let file = std::env::var_os(CA_FILE_VAR).filter(|file| !file.is_empty());
    let mut loaded = LOADED.lock();
    if let Some((from, list)) = loaded.as_ref() {
        if *from == file {
            return Ok(list.clone());
        }
    }
    let list = TrustList::new();
    let (from, added) = match &file {
        Some(path) => {
            let name = path.to_string_lossy().into_owned();
            let added = match path.to_str() {
                Some(path) => list.add_file(path, GNUTLS_X509_FMT_PEM),
                None => Err(GnutlsError::FileError),
            };
            (name, added)
        }
        None => ("the system trust store".to_owned(), add_system_trust(&list)),
    };
    match added {
        Ok(0) => Err(TlsError::TrustAnchors {
            from,
            source: GnutlsError::NoCertificateFound,
        }),
        Ok(_) => {
            let list = Arc::new(list);
            *loaded = Some((file, list.clone()));
            Ok(list)
        }
        Err(source) => Err(TlsError::TrustAnchors { from, source }),
    }
}

/// A server's credentials: the chain in the PEM file `cert` and the key in
/// the PEM file `key`, which must belong to its first certificate.
fn server_credentials(cert: &str, key: &str) -> Result<CertificateCredentials, TlsError> {
    let chain = std::fs::read(cert).map_err(|source| TlsError::CertificateFile {
        path: cert.to_owned(),
        source,
    })?;
    let secret = Zeroizing::new(std::fs::read(key).map_err(|source| TlsError::KeyFile {
        path: key.to_owned(),
        source,
    })?);
    let credentials = CertificateCredentials::new();
    credentials
        .add_key(&chain, &secret, GNUTLS_X509_FMT_PEM)
        .map_err(|source| TlsError::KeyPair {
            cert: cert.to_owned(),
            key: key.to_owned(),
            source,
        })?;
    Ok(credentials)
}

impl Connection {
    /// A server connection with the certificate chain and key of two PEM
    /// files, TLS 1.3 and 1.2 (GnuTLS's NORMAL priority). It reads and
    /// sends nothing: the first [`read`](Self::read) or
    /// [`write`](Self::write) runs the handshake.
    ///
    /// With `stepup`, clients that offer post-handshake authentication can
    /// be asked for a certificate later ([`ask_for_certificate`]), which
    /// must chain to its `client_ca`; the handshake asks for none.
    ///
    /// [`ask_for_certificate`]: Self::ask_for_certificate
    pub fn server(
        cert: &str,
        key: &str,
        channel: Channel,
        timeout: Duration,
        stepup: Option<&StepUpConfig>,
    ) -> Result<Self, TlsError> {
        let credentials = server_credentials(cert, key)?;
        let mut flags = GNUTLS_SERVER;
        if let Some(stepup) = stepup {
            credentials.set_trust_list(stepup.client_ca.clone());
            flags |= GNUTLS_POST_HANDSHAKE_AUTH;
        }
        let mut session = Session::new(flags).map_err(TlsError::Setup)?;
        session.set_credentials(Arc::new(credentials));
        Ok(Self::over(session, channel, timeout))
    }

    /// A client connection to `server_name`, its handshake done (unless a
    /// non-blocking descriptor has to wait: then the first read or write
    /// goes on with it). The server's chain must verify against
    /// [`trust_anchors`] and name `server_name` (a DNS name, or an IP
    /// address, which is then not sent as SNI).
    pub fn client(
        server_name: &str,
        channel: Channel,
        timeout: Duration,
    ) -> Result<Self, TlsError> {
        Self::client_trusting(server_name, trust_anchors()?, channel, timeout)
    }

    /// [`client`](Self::client) with the trusted CAs given.
    pub fn client_trusting(
        server_name: &str,
        trust: Arc<TrustList>,
        channel: Channel,
        timeout: Duration,
    ) -> Result<Self, TlsError> {
        let credentials = CertificateCredentials::new();
        credentials.set_trust_list(trust);
        // No resumption: tickets would only cost the server work.
        let mut session =
            Session::new(GNUTLS_CLIENT | GNUTLS_NO_TICKETS).map_err(TlsError::Setup)?;
        session.set_credentials(Arc::new(credentials));
        session.set_server_name(server_name);
        session.set_verify_cert(Some(server_name), 0);
        let mut connection = Self::over(session, channel, timeout);
        match connection.handshake() {
            Ok(()) | Err(TlsError::WouldBlock | TlsError::Interrupted) => Ok(connection),
            Err(e) => Err(e),
        }
    }

    fn over(mut session: Session, channel: Channel, timeout: Duration) -> Self {
        session.set_priority(Priority::default());
        session.set_transport(channel.transport);
        // The session bounds each of its reads by the handshake's deadline;
        // the send limit bounds its sends.
        session.set_handshake_timeout(u32::try_from(timeout.as_millis()).unwrap_or(u32::MAX - 2));
        Self {
            session,
            state: State::Fresh,
            timeout,
            blocking: channel.blocking,
            send_limit: channel.send_limit,
            pending: Vec::new(),
        }
    }

    /// Runs the handshake to its end if it has not ended yet: at most the
    /// timeout from its first call; on a blocking descriptor in one call.
    pub fn handshake(&mut self) -> Result<(), TlsError> {
        let deadline = match self.state {
            State::Ready => return Ok(()),
            State::Failed => return Err(TlsError::Failed),
            State::Handshaking { deadline } => deadline,
            State::Fresh => {
                let deadline = Instant::now() + self.timeout;
                self.send_limit.set(Some(deadline));
                deadline
            }
        };
        // Failed until the handshake says otherwise: a panic on the way
        // leaves the connection unusable, not half-made.
        self.state = State::Failed;
        for _ in 0..MAX_IDLE_STEPS {
            match self.session.handshake() {
                Ok(()) => {
                    self.send_limit.set(None);
                    self.state = State::Ready;
                    return Ok(());
                }
                Err(e @ (GnutlsError::Again | GnutlsError::Interrupted)) => {
                    if Instant::now() >= deadline {
                        return Err(TlsError::HandshakeTimedOut(self.timeout));
                    }
                    // On a blocking descriptor, AGAIN and EINTR only pause
                    // the handshake: it goes on, still by the deadline.
                    if self.blocking {
                        continue;
                    }
                    self.state = State::Handshaking { deadline };
                    return Err(match e {
                        GnutlsError::Again => TlsError::WouldBlock,
                        _ => TlsError::Interrupted,
                    });
                }
                // A send that found no room by the deadline fails as a push error.
                Err(e) if e == GnutlsError::TimedOut || Instant::now() >= deadline => {
                    return Err(TlsError::HandshakeTimedOut(self.timeout));
                }
                Err(e) => return Err(TlsError::Handshake(e)),
            }
        }
        Err(TlsError::NoProgress)
    }

    /// Reads application data into `buf` (the handshake first, if it has
    /// not run): how many bytes, 0 once the peer closed the connection with
    /// close_notify (`read(2)`'s end of file). On a blocking descriptor it
    /// waits for data, through signals too.
    pub fn read(&mut self, buf: &mut [u8]) -> Result<usize, TlsError> {
        self.handshake()?;
        if buf.is_empty() {
            return Ok(0);
        }
        if !self.pending.is_empty() {
            let n = buf.len().min(self.pending.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            return Ok(n);
        }
        self.state = State::Failed;
        for _ in 0..MAX_IDLE_STEPS {
            match self.session.recv(buf) {
                Ok(n) => {
                    self.state = State::Ready;
                    return Ok(n);
                }
                // A session ticket or a refused TLS 1.2 renegotiation was
                // handled, or a signal came: on a blocking descriptor, read on.
                Err(GnutlsError::Again | GnutlsError::Rehandshake | GnutlsError::Interrupted)
                    if self.blocking => {}
                Err(e) => return Err(self.record_failure(e)),
            }
        }
        Err(TlsError::NoProgress)
    }

    /// Writes application data (the handshake first, if it has not run):
    /// all of `data` on a blocking descriptor, as `write(2)` on a blocking
    /// socket (Cytoplasm's streams take a shorter count for a failure); on
    /// a non-blocking one, as much as there was room for.
    pub fn write(&mut self, data: &[u8]) -> Result<usize, TlsError> {
        if data.is_empty() {
            return Ok(0);
        }
        self.handshake()?;
        self.state = State::Failed;
        let mut sent = 0;
        let mut idle = 0;
        while sent < data.len() {
            match self.session.send(&data[sent..]) {
                // At least one byte per record; a record per call.
                Ok(n) if n > 0 => {
                    sent += n;
                    idle = 0;
                }
                Ok(_) => return Err(self.record_failure(GnutlsError::Push)),
                // The record stays queued: the next send finishes it.
                Err(GnutlsError::Again | GnutlsError::Interrupted) if self.blocking => {
                    idle += 1;
                    if idle >= MAX_IDLE_STEPS {
                        return Err(TlsError::NoProgress);
                    }
                }
                Err(GnutlsError::Again | GnutlsError::Interrupted) if sent > 0 => break,
                Err(e) => return Err(self.record_failure(e)),
            }
        }
        self.state = State::Ready;
        Ok(sent)
    }

    /// What a failed record call means: a pause leaves the connection as it
    /// was; anything else ends it.
    fn record_failure(&mut self, e: GnutlsError) -> TlsError {
        match e {
            GnutlsError::Again | GnutlsError::Rehandshake => {
                self.state = State::Ready;
                TlsError::WouldBlock
            }
            GnutlsError::Interrupted => {
                self.state = State::Ready;
                TlsError::Interrupted
            }
            e => {
                self.state = State::Failed;
                TlsError::Record(e)
            }
        }
    }

    /// Sends close_notify if the handshake completed, waiting at most
    /// [`CLOSE_NOTIFY_TIMEOUT`] for room in the socket, and ends the
    /// connection.
    pub fn close_notify(&mut self) {
        if matches!(self.state, State::Ready) {
            self.send_limit
                .set(Some(Instant::now() + CLOSE_NOTIFY_TIMEOUT));
            // Best effort: the descriptor is closed next whatever happens.
            let _ = self.session.bye(false);
        }
        self.state = State::Failed;
    }

    /// What the connection knows of the client's certificate, for the UIA
    /// engine: `Unavailable` before the handshake completed, after a
    /// failure, and when the client did not offer post-handshake
    /// authentication (or the server was made without a step-up).
    pub fn client_cert(&self) -> ClientCert {
        match self.state {
            State::Ready => crate::bridge::client_cert(&self.session),
            _ => ClientCert::Unavailable,
        }
    }

    /// Asks the client for its certificate through post-handshake
    /// authentication and waits, at most the handshake timeout, for its
    /// answer (a certificate, or none); [`client_cert`](Self::client_cert)
    /// tells what came. Application data the client sends meanwhile is kept
    /// for the next reads. Only for blocking descriptors (Cytoplasm's): on
    /// a non-blocking one it waits by polling, still within the timeout.
    /// Any failure ends the connection.
    pub fn ask_for_certificate(&mut self) -> Result<(), TlsError> {
        if !matches!(self.state, State::Ready) {
            return Err(TlsError::Failed);
        }
        let deadline = Instant::now() + self.timeout;
        self.send_limit.set(Some(deadline));
        self.session.set_cert_request(CertRequest::Request);
        self.state = State::Failed;
        let asked = self.wait_for_certificate(deadline);
        self.session.set_cert_request(CertRequest::Ignore);
        self.send_limit.set(None);
        if asked.is_ok() {
            self.state = State::Ready;
        }
        asked
    }

    fn wait_for_certificate(&mut self, deadline: Instant) -> Result<(), TlsError> {
        let mut buf = [0u8; 4096];
        for _ in 0..MAX_IDLE_STEPS {
            match self.session.reauth_by(0, Some(deadline)) {
                Ok(()) => return Ok(()),
                Err(GnutlsError::GotApplicationData) => {
                    let n = self
                        .session
                        .recv(&mut buf)
                        .map_err(TlsError::CertificateRequest)?;
                    if n == 0 {
                        let closed = GnutlsError::PrematureTermination;
                        return Err(TlsError::CertificateRequest(closed));
                    }
                    if self.pending.len() + n > MAX_PENDING_BYTES {
                        return Err(TlsError::TooMuchPending);
                    }
                    self.pending.extend_from_slice(&buf[..n]);
                }
                Err(GnutlsError::Again | GnutlsError::Interrupted) if Instant::now() < deadline => {
                }
                // A send that found no room by the deadline fails as a push error.
                Err(e) if e == GnutlsError::TimedOut || Instant::now() >= deadline => {
                    return Err(TlsError::CertificateTimedOut(self.timeout));
                }
                Err(e) => return Err(TlsError::CertificateRequest(e)),
            }
        }
        Err(TlsError::NoProgress)
    }

    /// The negotiated protocol version (GnuTLS's `gnutls_protocol_t`), 0
    /// before the handshake completed.
    pub fn protocol(&self) -> i32 {
        match self.state {
            State::Ready => self.session.protocol(),
            _ => 0,
        }
    }
}
