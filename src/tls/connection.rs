//! A TLS 1.3 connection, sans I/O: feed it the bytes the transport
//! delivered, send the bytes it produces, and read events and data. Once a
//! fatal error happened, every call returns that error (the alert for it was
//! queued for sending).

use std::sync::Arc;

use crate::crypto::hkdf::SecretBytes;

use super::client::ClientState;
use super::codec::handshake::HandshakeType;
use super::common::{Common, Event, Negotiated, Side};
use super::config::{CertifiedKey, ClientConfig, ServerConfig};
use super::error::Error;
use super::hook::{HandshakeHook, HookTiming};
use super::resumption::{ClientSession, SavedSession};
use super::server::ServerState;

enum State {
    Client(ClientState),
    Server(ServerState),
}

/// A TLS 1.3 connection.
pub struct Connection {
    common: Common,
    /// `None` only while a transition is in progress or after a fatal error.
    state: Option<State>,
    error: Option<Error>,
    /// Stopped after the peer's CertificateVerify (see `resume_after_peer_check`).
    paused: bool,
    /// (Server) Stopped after the ClientHello, its answer unsent (see
    /// `resume_after_client_hello_check`).
    hello_paused: bool,
}

impl Connection {
    /// A client; its ClientHello is ready to send at once. `server_name` is
    /// sent as SNI (when it is a DNS name) and checked against the server's
    /// certificate.
    pub fn client(config: Arc<ClientConfig>, server_name: Option<&str>) -> Result<Self, Error> {
        Self::client_with_hook(config, server_name, None)
    }

    /// A client, with a handshake hook that sees its first ClientHello too.
    pub fn client_with_hook(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
        hook: Option<HandshakeHook>,
    ) -> Result<Self, Error> {
        let mut common = Common::new(Side::Client);
        common.hook = hook;
        common.set_send_cap(config.max_fragment);
        common.pause_after_peer_signature = config.pause_after_peer_signature;
        let state = ClientState::start(config, server_name, &mut common)?;
        Ok(Self {
            common,
            state: Some(State::Client(state)),
            error: None,
            paused: false,
            hello_paused: false,
        })
    }

    /// A server waiting for a ClientHello.
    pub fn server(config: Arc<ServerConfig>) -> Self {
        let mut common = Common::new(Side::Server);
        common.pause_after_peer_signature = config.pause_after_peer_signature;
        common.set_send_cap(config.max_fragment);
        Self {
            common,
            state: Some(State::Server(ServerState::start(config))),
            error: None,
            paused: false,
            hello_paused: false,
        }
    }

    /// Installs (or, with `None`, removes) the application's handshake hook.
    pub fn set_hook(&mut self, hook: Option<HandshakeHook>) {
        self.common.hook = hook;
    }

    /// Reports every handshake message (sent and received) as an event.
    pub fn trace_handshake_messages(&mut self, on: bool) {
        self.common.trace_messages = on;
    }

    fn check(&self) -> Result<(), Error> {
        self.error.clone().map_or(Ok(()), Err)
    }

    /// Ends the connection with `error`: its alert is queued, and the error
    /// sticks.
    fn fail(&mut self, error: Error) -> Error {
        if matches!(error, Error::ApiMisuse(_)) {
            return error;
        }
        if let Some(alert) = error.alert() {
            self.common.send_alert(alert);
        }
        self.state = None;
        self.error = Some(error.clone());
        error
    }

    /// How many bytes complete the next incoming record; reading exactly
    /// that much never takes a later record off the transport.
    pub fn tls_bytes_wanted(&self) -> usize {
        self.common.tls_bytes_wanted()
    }

    /// Takes in bytes from the transport and processes every complete record.
    pub fn read_tls(&mut self, data: &[u8]) -> Result<(), Error> {
        self.check()?;
        self.common.push_tls(data);
        self.process().map_err(|e| self.fail(e))
    }

    /// The input buffer, taken out with `want` writable bytes at the offset
    /// returned, for a read into it without a copy; give it back with
    /// `input_read`.
    pub fn take_input_buffer(&mut self, want: usize) -> (Vec<u8>, usize) {
        self.common.take_input_buffer(want)
    }

    /// Gives back the buffer of `take_input_buffer`, with `got` bytes read
    /// at `at`, and processes every complete record, as `read_tls` does.
    pub fn input_read(&mut self, buf: Vec<u8>, at: usize, got: usize) -> Result<(), Error> {
        self.common.restore_input_buffer(buf, at + got);
        if got == 0 {
            return Ok(());
        }
        self.check()?;
        self.process().map_err(|e| self.fail(e))
    }

    /// Handles the complete handshake messages, then the next records, until
    /// the input runs out or a pause after the peer's CertificateVerify
    /// (records after it stay undecrypted until `resume_after_peer_check`).
    fn process(&mut self) -> Result<(), Error> {
        while !self.paused && !self.hello_paused && !self.awaiting_certificate_choice() {
            if let Some(message) = self.common.joiner.next_message()? {
                self.common.trace_received(&message);
                self.common.last_in = message.bytes.first().copied();
                self.common.handshake_received = true;
                self.common
                    .run_hook(true, HookTiming::Pre, &message.bytes)?;
                if std::mem::take(&mut self.common.reconfigure_requested)
                    && matches!(&self.state, Some(State::Server(s)) if s.expects_first_client_hello())
                {
                    self.pause_for_reconfigure(message);
                    continue;
                }
                // GnuTLS 3.7 reports a post-handshake CertificateRequest to a
                // client's hook only before handling: the answer comes later,
                // from gnutls_reauth().
                let post_hook = !(self.common.side == Side::Client
                    && self.common.traffic
                    && message.bytes.first() == Some(&HandshakeType::CertificateRequest.to_u8()));
                self.common.pending_post_hook =
                    (post_hook && self.common.hook.is_some()).then(|| message.bytes.clone());
                let state = self.state.take().ok_or(Error::Internal("no state"))?;
                self.state = Some(match state {
                    State::Client(s) => State::Client(s.handle(&mut self.common, message)?),
                    State::Server(s) => State::Server(s.handle(&mut self.common, message)?),
                });
                self.common.run_pending_post_hook()?;
                self.paused = std::mem::take(&mut self.common.pause_requested);
                self.hello_paused = std::mem::take(&mut self.common.client_hello_pause_requested);
                continue;
            }
            if self.common.next_inbound()?.is_none() {
                break;
            }
        }
        self.common.release_consumed_input();
        Ok(())
    }

    /// (Client) Whether the handshake stopped after the server's
    /// CertificateRequest (`ClientConfig::choose_certificate`) and waits
    /// for `choose_certificate`.
    pub fn awaiting_certificate_choice(&self) -> bool {
        matches!(&self.state, Some(State::Client(s)) if s.wants_certificate_choice())
    }

    /// (Client) Names the certificate for the handshake's CertificateRequest
    /// (`None`: an empty Certificate) and goes on with the input already
    /// received. `ApiMisuse` when the handshake does not wait for it.
    pub fn choose_certificate(
        &mut self,
        certificate: Option<Arc<CertifiedKey>>,
    ) -> Result<(), Error> {
        self.check()?;
        if !self.awaiting_certificate_choice() {
            return Err(Error::ApiMisuse("not waiting for a certificate choice"));
        }
        match self.state.as_mut() {
            Some(State::Client(s)) => s.set_chosen_certificate(certificate)?,
            _ => return Err(Error::ApiMisuse("not a client")),
        }
        self.process().map_err(|e| self.fail(e))
    }

    /// (Client) What the CertificateRequest being answered asks for: the
    /// handshake's while `awaiting_certificate_choice`, else the oldest
    /// unanswered post-handshake one.
    pub fn certificate_request_info(&self) -> Option<super::client::CertificateRequestInfo> {
        match &self.state {
            Some(State::Client(s)) => s.certificate_request_info(),
            _ => None,
        }
    }

    /// Whether the connection stopped after the peer's CertificateVerify
    /// (`pause_after_peer_signature`) and waits for `resume_after_peer_check`.
    pub fn awaiting_peer_check(&self) -> bool {
        self.paused
    }

    /// Ends a pause after the peer's CertificateVerify: with `accepted`, goes
    /// on with the input already received; otherwise the connection ends
    /// with `CertificateError::Rejected`, sending no alert (GnuTLS leaves the
    /// alert to the application).
    pub fn resume_after_peer_check(&mut self, accepted: bool) -> Result<(), Error> {
        self.check()?;
        if !self.paused {
            return Err(Error::ApiMisuse("not waiting for a peer check"));
        }
        self.paused = false;
        if accepted {
            return self.process().map_err(|e| self.fail(e));
        }
        let error = Error::Certificate(crate::x509::CertificateError::Rejected);
        self.state = None;
        self.error = Some(error.clone());
        Err(error)
    }

    /// (Server) Stops before handling the first ClientHello, whose PRE hook
    /// changed the configuration: `resume_after_client_hello_check` goes on
    /// under the new one. Its POST hook runs once it is handled.
    fn pause_for_reconfigure(&mut self, message: super::codec::handshake::RawMessage) {
        self.common.pending_post_hook = self.common.hook.is_some().then(|| message.bytes.clone());
        if let Some(State::Server(arrived_in)) = self.state.take() {
            self.state = Some(State::Server(ServerState::AwaitReconfigure(Box::new((
                arrived_in, message,
            )))));
        }
        self.hello_paused = true;
    }

    /// (Server) Whether the pause after the ClientHello is one before
    /// handling it, for the configuration its PRE hook changed.
    pub fn awaiting_reconfigure(&self) -> bool {
        matches!(
            &self.state,
            Some(State::Server(ServerState::AwaitReconfigure(_)))
        )
    }

    /// (Server) Whether the connection stopped after the ClientHello
    /// (`pause_after_client_hello`), before answering it, until
    /// `resume_after_client_hello_check`.
    pub fn awaiting_client_hello_check(&self) -> bool {
        self.hello_paused
    }

    /// Ends a pause after the ClientHello: `Ok` answers it and goes on,
    /// under `new_config` when one is given (it must not pause again);
    /// `Err(code)` ends the connection with `Error::HookAborted(code)`,
    /// sending nothing, no alert either (as GnuTLS does).
    pub fn resume_after_client_hello_check(
        &mut self,
        verdict: Result<(), i32>,
        new_config: Option<Arc<ServerConfig>>,
    ) -> Result<(), Error> {
        self.check()?;
        if !self.hello_paused {
            return Err(Error::ApiMisuse("not waiting for a ClientHello check"));
        }
        self.hello_paused = false;
        if let Err(code) = verdict {
            let error = Error::HookAborted(code);
            let queued = self.common.outgoing().len();
            self.common.consume_outgoing(queued);
            self.state = None;
            self.error = Some(error.clone());
            return Err(error);
        }
        let resumed = match self.state.take() {
            Some(State::Server(s)) => s
                .resume_client_hello(&mut self.common, new_config)
                .map(State::Server),
            other => {
                self.state = other;
                Err(Error::ApiMisuse("not waiting for a ClientHello check"))
            }
        };
        match resumed {
            Ok(state) => self.state = Some(state),
            Err(e) => return Err(self.fail(e)),
        }
        // A ClientHello handled only now (after a reconfiguration) has its
        // POST hook due, and may pause after it for the application's look.
        if let Err(e) = self.common.run_pending_post_hook() {
            return Err(self.fail(e));
        }
        self.paused = std::mem::take(&mut self.common.pause_requested);
        self.hello_paused = std::mem::take(&mut self.common.client_hello_pause_requested);
        self.process().map_err(|e| self.fail(e))
    }

    /// The types of the last handshake messages received and sent.
    pub fn last_handshake_messages(&self) -> (Option<u8>, Option<u8>) {
        (self.common.last_in, self.common.last_out)
    }

    /// Forgets the last handshake messages (GnuTLS reports none once a
    /// handshake completed, until a post-handshake message moves).
    pub fn forget_last_handshake_messages(&mut self) {
        self.common.last_in = None;
        self.common.last_out = None;
    }

    /// Limits the plaintext per record we send from now on (at most 2^14).
    pub fn set_max_fragment(&mut self, cap: usize) {
        self.common.set_send_cap(cap);
    }

    /// The last alert the peer sent, if any.
    pub fn last_alert_received(&self) -> Option<super::alert::AlertDescription> {
        self.common.last_alert
    }

    /// The bytes to send to the transport (and forgets them).
    pub fn take_tls(&mut self) -> Vec<u8> {
        self.common.take_outgoing()
    }

    /// The bytes to send, left in place: send what the transport takes, then
    /// `consume_tls` that many. Unlike `take_tls`, this reuses one buffer, so
    /// the bulk data path allocates nothing per record.
    pub fn pending_tls(&self) -> &[u8] {
        self.common.outgoing()
    }

    /// Forgets `n` bytes of `pending_tls` that the transport accepted.
    pub fn consume_tls(&mut self, n: usize) {
        self.common.consume_outgoing(n);
    }

    /// Whether bytes wait to be sent.
    pub fn wants_write(&self) -> bool {
        self.common.has_outgoing()
    }

    /// Sends application data.
    pub fn write(&mut self, data: &[u8]) -> Result<(), Error> {
        self.check()?;
        if !self.common.traffic && !self.common.early_started {
            return Err(Error::ApiMisuse("the handshake is not complete"));
        }
        if self.common.closed {
            return Err(Error::ApiMisuse("the connection was closed for sending"));
        }
        self.common.send_app_data(data).map_err(|e| self.fail(e))
    }

    /// Reads received application data; 0 when none is buffered.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        self.common.read_plaintext(buf)
    }

    /// Bytes of application data received and not yet read.
    pub fn pending_plaintext(&self) -> usize {
        self.common.pending_plaintext()
    }

    /// The next event, if any.
    pub fn next_event(&mut self) -> Option<Event> {
        self.common.events.pop_front()
    }

    /// Whether the handshake returned early (server early start, client
    /// false start) and the peer's Finished is still to come.
    pub fn peer_finished_pending(&self) -> bool {
        self.common.early_started
    }

    /// Whether the handshake is still in progress.
    pub fn is_handshaking(&self) -> bool {
        !self.common.traffic && !self.common.early_started && self.error.is_none()
    }

    /// The fatal error the connection ended with, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// The code of a hook that interrupted the last call
    /// ([`super::hook::HookStop::Interrupt`]), once.
    pub fn take_hook_interruption(&mut self) -> Option<i32> {
        self.common.hook_interruption.take()
    }

    /// Whether part of a record was received and its rest is missing (an
    /// end of stream now cuts a record short).
    pub fn partial_record_buffered(&self) -> bool {
        self.common.partial_record_buffered()
    }

    /// Whether the peer sent close_notify.
    pub fn peer_closed(&self) -> bool {
        self.common.peer_closed
    }

    /// The most plaintext one protected record carries: our own cap and
    /// the peer's record_size_limit, whichever is smaller.
    pub fn max_fragment(&self) -> usize {
        self.common.send_limit
    }

    /// The (client, server) hello randoms, zero until each is known.
    pub fn randoms(&self) -> ([u8; 32], [u8; 32]) {
        (self.common.client_random, self.common.server_random)
    }

    /// What the handshake negotiated.
    pub fn negotiated(&self) -> &Negotiated {
        &self.common.negotiated
    }

    /// TLS-Exporter(label, context, length) (RFC 8446 §7.5), once the
    /// handshake has derived the exporter secret; under TLS 1.2, RFC 5705's
    /// exporter, once the handshake completed.
    pub fn export_keying_material(
        &self,
        label: &[u8],
        context: &[u8],
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        self.export(label, Some(context), length)
    }

    /// As `export_keying_material` with RFC 5705's "no context": under TLS
    /// 1.2 the seed then has no context length; under TLS 1.3 it is the
    /// same as an empty context.
    pub fn export_keying_material_without_context(
        &self,
        label: &[u8],
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        self.export(label, None, length)
    }

    fn export(
        &self,
        label: &[u8],
        context: Option<&[u8]>,
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        self.check()?;
        if let Some(exporter) = &self.common.tls12_exporter {
            // RFC 5705 through the PRF: any length, a context under 2^16.
            return exporter
                .export(label, context, length)
                .map(|bytes| bytes.to_vec())
                .ok_or(Error::ApiMisuse("exporter context too long"));
        }
        let context = context.unwrap_or_default();
        let (Some(suite), Some(secret)) = (self.common.suite, self.common.exporter_master.as_ref())
        else {
            return Err(Error::ApiMisuse(
                "keying material before the handshake completed",
            ));
        };
        if length > 255 * suite.hash().output_len() {
            return Err(Error::ApiMisuse("exporter output too long"));
        }
        Ok(super::key_schedule::export(suite.hash(), secret, label, context, length).to_vec())
    }

    /// (TLS 1.2) The master secret; `None` on a connection without TLS 1.2
    /// keys.
    pub fn tls12_master_secret(&self) -> Option<SecretBytes> {
        let exporter = self.common.tls12_exporter.as_ref()?;
        Some(zeroize::Zeroizing::new(exporter.master_secret().to_vec()))
    }

    /// (TLS 1.2) PRF(master_secret, label, randoms + extra), GnuTLS's
    /// `gnutls_prf`; `None` on a connection without TLS 1.2 keys.
    pub fn tls12_prf(
        &self,
        label: &[u8],
        server_random_first: bool,
        extra: &[u8],
        length: usize,
    ) -> Option<Vec<u8>> {
        let exporter = self.common.tls12_exporter.as_ref()?;
        Some(
            exporter
                .prf(label, server_random_first, extra, length)
                .to_vec(),
        )
    }

    /// Sends an alert the application chose (`gnutls_alert_send`), at its
    /// level (1 warning, 2 fatal), under the current keys.
    pub fn send_alert(&mut self, level: u8, description: u8) -> Result<(), Error> {
        self.check()?;
        self.common.send_alert_at(level, description)
    }

    /// Sends the alert the application chose for a failure it saw (GnuTLS's
    /// `gnutls_alert_send_appropriate`): nothing when the connection already
    /// failed with an alert of its own, so the peer never gets two.
    pub fn send_alert_for_failure(&mut self, level: u8, description: u8) -> Result<(), Error> {
        match &self.error {
            Some(e) if e.alert().is_some() => Ok(()),
            Some(_) => self.common.send_alert_at(level, description),
            None => self.send_alert(level, description),
        }
    }

    /// Sends close_notify; nothing more can be written.
    pub fn close(&mut self) {
        if self.error.is_none() {
            self.common.send_close_notify();
        }
    }

    /// Updates our sending keys (RFC 8446 §4.6.3), asking the peer to update
    /// theirs when `request_peer`.
    pub fn key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        self.check()?;
        if !self.common.traffic && !self.common.early_started {
            return Err(Error::ApiMisuse("the handshake is not complete"));
        }
        if self.common.tls12 {
            return Err(Error::ApiMisuse("TLS 1.2 has no KeyUpdate"));
        }
        self.common
            .send_key_update(request_peer)
            .map_err(|e| self.fail(e))
    }

    /// (Server) Asks the client for a certificate after the handshake.
    pub fn request_client_auth(&mut self, require: bool) -> Result<(), Error> {
        self.check()?;
        match self.state.as_mut() {
            Some(State::Server(ServerState::Traffic(t))) => {
                t.request_client_auth(&mut self.common, require)
            }
            _ => Err(Error::ApiMisuse(
                "post-handshake authentication needs a server after its handshake",
            )),
        }
        .map_err(|e| self.fail(e))
    }

    /// (Server) Whether a post-handshake authentication is under way, and
    /// whether its Certificate has arrived.
    pub fn client_auth_status(&self) -> (bool, bool) {
        match self.state.as_ref() {
            Some(State::Server(ServerState::Traffic(t))) => {
                (t.pha_in_progress(), t.pha_certificate_received())
            }
            _ => (false, false),
        }
    }

    /// The shared state, for tests that tamper with a connection.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn common_mut(&mut self) -> &mut Common {
        &mut self.common
    }

    /// (Server) Sends `n` more session tickets after the handshake (none
    /// without ticket keys). `ApiMisuse` before the handshake completed or
    /// on a client.
    pub fn send_tickets(&mut self, n: usize) -> Result<(), Error> {
        self.check()?;
        match self.state.as_ref() {
            Some(State::Server(ServerState::Traffic(t))) => t.send_tickets(&mut self.common, n),
            _ => Err(Error::ApiMisuse(
                "tickets need a server after its handshake",
            )),
        }
        .map_err(|e| self.fail(e))
    }

    /// (Client) The session to resume with, from the latest ticket.
    pub fn client_session(&self) -> Option<ClientSession> {
        match self.state.as_ref() {
            Some(State::Client(ClientState::Traffic(t))) => t.session().cloned(),
            _ => None,
        }
    }

    /// (Client) The session to resume with, of either version: the latest
    /// ticket's.
    pub fn saved_session(&self) -> Option<SavedSession> {
        match self.state.as_ref() {
            Some(State::Client(ClientState::Traffic(t))) => {
                t.session().cloned().map(SavedSession::Tls13)
            }
            Some(State::Client(ClientState::Tls12(t))) => {
                t.session().cloned().map(SavedSession::Tls12)
            }
            _ => None,
        }
    }

    /// (Client) Whether a ticket arrived on this connection (a TLS 1.2
    /// resumption that kept its ticket got none).
    pub fn ticket_arrived(&self) -> bool {
        match self.state.as_ref() {
            Some(State::Client(ClientState::Traffic(t))) => t.session().is_some(),
            Some(State::Client(ClientState::Tls12(t))) => t.ticket_arrived(),
            _ => false,
        }
    }

    /// (Client) Whether a post-handshake CertificateRequest waits for an answer.
    pub fn has_certificate_request(&self) -> bool {
        matches!(self.state.as_ref(), Some(State::Client(ClientState::Traffic(t))) if t.has_request())
    }

    /// (Client) Answers the oldest post-handshake CertificateRequest with
    /// `certificate`, or the configured one, or an empty Certificate.
    pub fn answer_certificate_request(
        &mut self,
        certificate: Option<&CertifiedKey>,
    ) -> Result<(), Error> {
        self.check()?;
        match self.state.as_mut() {
            Some(State::Client(ClientState::Traffic(t))) => {
                t.answer_request(&mut self.common, certificate)
            }
            _ => Err(Error::ApiMisuse("no certificate request to answer")),
        }
        .map_err(|e| self.fail(e))
    }
}
