//! What both sides share: the record layer in both directions, handshake
//! message sending and reassembly, alerts, key changes, KeyUpdate,
//! application data, events and the negotiated facts.

use std::collections::VecDeque;

use super::alert::{AlertDescription, level_for};
use super::codec::handshake::{HandshakeType, Joiner, RawMessage, frame};
use super::codec::hello::HRR_RANDOM;
use super::codec::ticket::KeyUpdateRequest;
use super::error::{Error, InvalidMessage, PeerMisbehaved};
use super::hook::{HandshakeHook, HookCall, HookStop, HookTiming};
use super::key_schedule::{Secret, next_traffic_secret};
use super::record::buffers;
use super::record::deframer::Deframer;
use super::record::keys::RecordProtection;
use super::record::plaintext::Plaintext;
use super::record::protection::RecordKey;
use super::record::{ContentType, MAX_PLAINTEXT};
use super::suites::CipherSuite;
use super::tls12::record::RecordKey12;
use crate::crypto::kx::KxGroup;
use crate::x509::CertificateError;

/// Which end of the connection we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The client.
    Client,
    /// The server.
    Server,
}

/// The outcome of checking a peer's certificate chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verification {
    /// It chains to a trust anchor (and names the server, for a server).
    Verified,
    /// It was checked and failed.
    Failed(CertificateError),
    /// No trust anchors were configured, so nothing was checked.
    NotChecked,
}

/// A peer's certificate chain and what checking it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerIdentity {
    /// End-entity first, DER; empty when the peer sent none.
    pub chain: Vec<Vec<u8>>,
    /// The verification result.
    pub verification: Verification,
}

/// Something that happened, for the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// The handshake completed; application data may flow.
    HandshakeComplete,
    /// (Client) The server asked for a certificate after the handshake;
    /// answer with `answer_certificate_request`.
    CertificateRequested,
    /// (Server) The client answered a post-handshake certificate request.
    ClientAuthenticated(PeerIdentity),
    /// (Client) A session ticket arrived.
    TicketReceived,
    /// The peer updated its sending keys.
    PeerKeyUpdated,
    /// The peer sent close_notify: it sends no more data.
    PeerClosed,
    /// (Client, TLS 1.2) The server asked to renegotiate (HelloRequest);
    /// it was told no_renegotiation.
    RenegotiationRequested,
    /// A handshake message was sent (`sent`) or received, with its bytes
    /// (header included). Reported only when message tracing is on.
    HandshakeMessage {
        /// True for a message we sent.
        sent: bool,
        /// Its type.
        ty: HandshakeType,
        /// Header and body.
        bytes: Vec<u8>,
    },
}

/// What the handshake settled.
#[derive(Debug, Clone, Default)]
pub struct Negotiated {
    /// The external PSK identity the handshake authenticated with, if any.
    pub psk_identity: Option<Vec<u8>>,
    /// (TLS 1.2 client) The PSK identity hint the server sent.
    pub psk_hint: Option<Vec<u8>>,
    /// With `psk_identity`: whether an (EC)DHE exchange was added (psk_dhe_ke).
    pub psk_with_dhe: bool,
    /// The handshake resumed an earlier session with a ticket.
    pub resumed: bool,
    /// (Server) The client offered a ticket of ours that opened (still
    /// valid), whether or not the handshake could resume with it.
    pub resumption_requested: bool,
    /// The protocol version (0x0304 for TLS 1.3, 0x0303 for TLS 1.2), once
    /// the hellos settled it; `None` reads as TLS 1.3.
    pub version: Option<u16>,
    /// The cipher suite (TLS 1.3).
    pub suite: Option<CipherSuite>,
    /// The cipher suite (TLS 1.2).
    pub tls12_suite: Option<super::tls12::suites::Tls12Suite>,
    /// The key-exchange group.
    pub group: Option<KxGroup>,
    /// The ALPN protocol.
    pub alpn: Option<Vec<u8>>,
    /// The server name the client asked for (SNI).
    pub server_name: Option<String>,
    /// The peer's certificate chain and its verification, once proven:
    /// set only after the Finished of the flight that brought it verified
    /// (or from a resumed session's ticket). Never an identity whose
    /// Finished is still to come.
    pub peer: Option<PeerIdentity>,
    /// (Server) A client chain whose CertificateVerify checked out (or an
    /// empty answer to a request) while its Finished is still to come: what
    /// the application's check inspects during a pause. Not proof of
    /// anything; it becomes `peer` when the Finished verifies.
    pub peer_under_check: Option<PeerIdentity>,
    /// (Server) Whether the client offered post-handshake authentication.
    pub peer_offered_post_handshake_auth: bool,
    /// Whether a HelloRetryRequest was needed.
    pub retried: bool,
    /// (Client) Whether the server asked for a certificate in the handshake.
    pub certificate_requested: bool,
    /// The SignatureScheme of the server's handshake CertificateVerify.
    pub server_signature_scheme: Option<u16>,
    /// The SignatureScheme of the client's last CertificateVerify (in the
    /// handshake or after it), sent or verified.
    pub client_signature_scheme: Option<u16>,
    /// The legacy_session_id of the ClientHello (echoed by the server).
    pub session_id: Vec<u8>,
    /// (TLS 1.3 server) An id of the session of our own, 32 random bytes
    /// from its full handshake, carried in its tickets so that resumptions
    /// keep it (GnuTLS's server `gnutls_session_get_id`).
    pub persistent_id: Vec<u8>,
    /// (Server) Whether the ClientHello offered secure renegotiation
    /// (RFC 5746: renegotiation_info or its SCSV; meaningless in TLS 1.3,
    /// but GnuTLS reports it).
    pub peer_offered_safe_renegotiation: bool,
    /// (Server) Whether the ClientHello carried extended_master_secret
    /// (RFC 7627; meaningless in TLS 1.3, but GnuTLS reports it).
    pub peer_offered_extended_master_secret: bool,
    /// The end-entity certificate (DER) we sent last, `None` before one
    /// was sent or after we answered a request with an empty Certificate.
    pub local_certificate: Option<Vec<u8>>,
    /// (Server) The client's psk_key_exchange_modes share none with ours:
    /// no ticket is sent, as none could be used.
    pub tickets_unusable: bool,
    /// (Server) Early start was used: the handshake returned before the
    /// client's Finished.
    pub early_start: bool,
    /// (TLS 1.2 client) False start was used (RFC 7918): the handshake
    /// returned before the server's Finished.
    pub false_start: bool,
    /// (TLS 1.2) The first Finished's verify_data: the tls-unique channel
    /// binding (RFC 5929 §3).
    pub tls_unique: Option<Vec<u8>>,
    /// An OCSP status was asked for (status_request): by us as a client,
    /// by the client as a server.
    pub ocsp_requested: bool,
}

/// A test's rewriting of outgoing handshake messages.
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) type Rewrite = Box<dyn FnMut(&mut Vec<u8>)>;

/// A record read from the peer, after decryption.
pub(crate) enum Inbound {
    /// Handshake bytes, now in the joiner.
    Handshake,
    /// Application data, now in the plaintext buffer.
    ApplicationData,
    /// An alert that ends nothing (close_notify is reported as an event).
    Handled,
}

/// The record and handshake plumbing of one connection.
pub(crate) struct Common {
    pub side: Side,
    deframer: Deframer,
    pub joiner: Joiner,
    read_key: Option<RecordProtection>,
    write_key: Option<RecordProtection>,
    /// TLS 1.2 was negotiated: change_cipher_spec switches keys, warning
    /// alerts are not fatal.
    pub tls12: bool,
    /// (TLS 1.2) The peer's next read key, installed by its
    /// change_cipher_spec.
    pending_read12: Option<RecordKey12>,
    /// Current application traffic secrets (KeyUpdate, post-handshake Finished).
    pub read_secret: Option<Secret>,
    pub write_secret: Option<Secret>,
    pub suite: Option<CipherSuite>,
    outgoing: Vec<u8>,
    plaintext: Plaintext,
    pub events: VecDeque<Event>,
    /// Whether application data may be received.
    pub traffic: bool,
    /// (Server, early start; TLS 1.2 client, false start) Application data
    /// may be sent though the peer's Finished has not arrived.
    pub early_started: bool,
    /// Whether a lone change_cipher_spec may still be received and dropped
    /// (until the peer's Finished).
    pub ccs_window: bool,
    sent_ccs: bool,
    /// Whether the peer's one change_cipher_spec came already.
    received_ccs: bool,
    /// KeyUpdates received in the current one-second window, and when it
    /// began (`limits::KEY_UPDATES_PER_SECOND`).
    key_updates: (u32, Option<std::time::Instant>),
    /// Records in a row that brought nothing (`limits::MAX_EMPTY_RECORDS`).
    empty_records: u32,
    /// Whether a handshake message was received (for a server: the first
    /// ClientHello), whatever forgets `last_in` later.
    pub handshake_received: bool,
    pub peer_closed: bool,
    pub closed: bool,
    pub negotiated: Negotiated,
    /// Whether to report every handshake message as an event.
    pub trace_messages: bool,
    /// The application's handshake hook, if any.
    pub hook: Option<HandshakeHook>,
    /// The code of a hook that asked to interrupt the call (reported once).
    pub hook_interruption: Option<i32>,
    /// A received message whose POST hook is still due: it runs before the
    /// first message sent in answer, or when handling ends.
    pub pending_post_hook: Option<Vec<u8>>,
    /// (Client) The session a NewSessionTicket brought, shown to that
    /// message's POST hook.
    pub hook_session: Option<super::resumption::ClientSession>,
    /// Bytes of undecryptable early data still allowed to be skipped
    /// (RFC 8446 §4.2.10: a server that rejects 0-RTT skips it).
    pub skip_early_data: usize,
    /// The ClientHello random (names secrets in key logs).
    pub client_random: [u8; 32],
    /// The ServerHello random (not a HelloRetryRequest's), once sent or
    /// received.
    pub server_random: [u8; 32],
    /// Where secrets go, if anywhere.
    pub key_log: Option<super::config::KeyLog>,
    /// The exporter master secret, once the handshake derived it.
    pub exporter_master: Option<Secret>,
    /// (TLS 1.2) The exporter, once the handshake completed.
    pub tls12_exporter: Option<super::tls12::prf::Exporter>,
    /// The most plaintext we put in one protected record (the peer's
    /// record_size_limit less the content type byte, at most 2^14).
    pub send_limit: usize,
    /// Whether to stop after the peer's CertificateVerify (see the configs).
    pub pause_after_peer_signature: bool,
    /// Set when the peer's CertificateVerify checked out and a pause is due.
    pub pause_requested: bool,
    /// The last alert the peer sent.
    pub last_alert: Option<AlertDescription>,
    /// The type of the last handshake message received.
    pub last_in: Option<u8>,
    /// The type of the last handshake message sent (automatic KeyUpdate
    /// answers excepted).
    pub last_out: Option<u8>,
    /// The most plaintext the application lets us put in one record.
    pub send_cap: usize,
    /// (Server) Set when a ClientHello was handled and the application's
    /// look at it is due (see `ServerConfig::pause_after_client_hello`).
    pub client_hello_pause_requested: bool,
    /// (Server) Set when the PRE hook of a ClientHello asked to handle it
    /// under a new configuration (`HookStop::Reconfigure`).
    pub reconfigure_requested: bool,
    /// Tests rewrite outgoing handshake messages here (to send bad ones).
    #[cfg(any(test, feature = "fuzzing"))]
    pub rewrite_outgoing: Option<Rewrite>,
}

impl Common {
    pub fn new(side: Side) -> Self {
        Self {
            side,
            deframer: Deframer::new(),
            joiner: Joiner::new(),
            read_key: None,
            write_key: None,
            tls12: false,
            pending_read12: None,
            read_secret: None,
            write_secret: None,
            suite: None,
            outgoing: Vec::new(),
            plaintext: Plaintext::default(),
            events: VecDeque::new(),
            traffic: false,
            early_started: false,
            ccs_window: true,
            sent_ccs: false,
            received_ccs: false,
            handshake_received: false,
            key_updates: (0, None),
            empty_records: 0,
            peer_closed: false,
            closed: false,
            negotiated: Negotiated::default(),
            trace_messages: false,
            hook: None,
            hook_interruption: None,
            pending_post_hook: None,
            hook_session: None,
            skip_early_data: 0,
            client_random: [0; 32],
            server_random: [0; 32],
            key_log: None,
            exporter_master: None,
            tls12_exporter: None,
            send_limit: MAX_PLAINTEXT,
            pause_after_peer_signature: false,
            pause_requested: false,
            last_alert: None,
            last_in: None,
            last_out: None,
            send_cap: MAX_PLAINTEXT,
            client_hello_pause_requested: false,
            reconfigure_requested: false,
            #[cfg(any(test, feature = "fuzzing"))]
            rewrite_outgoing: None,
        }
    }

    /// Logs a secret under an NSS key-log label, if a key log is set.
    pub fn log_secret(&self, label: &str, secret: &Secret) {
        if let Some(log) = &self.key_log {
            log(label, &self.client_random, secret.expose());
        }
    }

    /// Appends bytes received from the transport.
    pub fn push_tls(&mut self, data: &[u8]) {
        self.deframer.push(data);
    }

    /// See `Connection::take_input_buffer`.
    pub fn take_input_buffer(&mut self, want: usize) -> (Vec<u8>, usize) {
        self.deframer.take_for_read(want)
    }

    /// Puts back the buffer of `take_input_buffer`, `len` bytes of it input.
    pub fn restore_input_buffer(&mut self, buf: Vec<u8>, len: usize) {
        self.deframer.restore(buf, len);
    }

    /// Frees the input buffer once all of it was handled.
    pub fn release_consumed_input(&mut self) {
        self.deframer.release_if_consumed();
    }

    /// Whether received bytes of a record not yet complete are buffered.
    pub fn partial_record_buffered(&self) -> bool {
        self.deframer.pending() > 0
    }

    /// Bytes still missing from the next record (see `Deframer`).
    pub fn tls_bytes_wanted(&self) -> usize {
        self.deframer.bytes_to_next_record()
    }

    /// Takes the bytes to send to the transport.
    pub fn take_outgoing(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.outgoing)
    }

    /// The bytes waiting to be sent, without taking them.
    pub fn outgoing(&self) -> &[u8] {
        &self.outgoing
    }

    /// Forgets the first `n` bytes waiting to be sent (the transport took them).
    pub fn consume_outgoing(&mut self, n: usize) {
        self.outgoing.drain(..n.min(self.outgoing.len()));
        if self.outgoing.is_empty() {
            // An idle connection keeps no buffer.
            buffers::give_back(std::mem::take(&mut self.outgoing));
        }
    }

    /// Whether bytes wait to be sent.
    pub fn has_outgoing(&self) -> bool {
        !self.outgoing.is_empty()
    }

    /// Copies received application data into `buf`.
    pub fn read_plaintext(&mut self, buf: &mut [u8]) -> usize {
        self.plaintext.read(buf)
    }

    /// Bytes of received application data not yet read.
    pub fn pending_plaintext(&self) -> usize {
        self.plaintext.len()
    }

    /// Sends one record of `ty` holding `payload` as it is, protected with
    /// the current keys: for tests that play a misbehaving peer.
    #[cfg(any(test, feature = "fuzzing"))]
    pub(crate) fn send_raw_record(&mut self, ty: ContentType, payload: &[u8]) -> Result<(), Error> {
        self.write_record(ty, payload, 0x0303)
    }

    fn write_record(
        &mut self,
        ty: ContentType,
        payload: &[u8],
        legacy_version: u16,
    ) -> Result<(), Error> {
        if self.outgoing.capacity() == 0 {
            self.outgoing = buffers::lend(payload.len() + super::record::HEADER_LEN + 1 + 16);
        }
        match self.write_key.as_mut() {
            Some(key) => key.seal(ty, payload, &mut self.outgoing),
            None => {
                let len = u16::try_from(payload.len())
                    .map_err(|_| Error::Internal("record too large"))?;
                self.outgoing.push(ty.to_u8());
                self.outgoing
                    .extend_from_slice(&legacy_version.to_be_bytes());
                self.outgoing.extend_from_slice(&len.to_be_bytes());
                self.outgoing.extend_from_slice(payload);
                Ok(())
            }
        }
    }

    /// Sends a framed handshake message, fragmented into records.
    pub fn send_handshake(&mut self, message: &[u8]) -> Result<(), Error> {
        #[cfg(any(test, feature = "fuzzing"))]
        let rewritten = self.rewrite_outgoing.as_mut().map(|rewrite| {
            let mut copy = message.to_vec();
            rewrite(&mut copy);
            copy
        });
        #[cfg(any(test, feature = "fuzzing"))]
        let message = rewritten.as_deref().unwrap_or(message);
        // The message being handled is done with before we answer it.
        self.run_pending_post_hook()?;
        self.run_hook(false, HookTiming::Pre, message)?;
        self.trace(true, message);
        // The first ClientHello goes in records versioned 0x0301 for old middleboxes.
        let version = if self.write_key.is_none()
            && self.side == Side::Client
            && !self.sent_ccs
            && !self.tls12
        {
            0x0301
        } else {
            0x0303
        };
        // Under TLS 1.3 the unprotected ServerHello ignores the peer's
        // record_size_limit (RFC 8449 §4); a TLS 1.2 server's first flight
        // keeps the limit agreed in it, and the application's own cap
        // (`gnutls_record_set_max_size`), as GnuTLS does.
        let limit = if self.write_key.is_some() || self.tls12 {
            self.send_limit
        } else {
            MAX_PLAINTEXT
        };
        for chunk in message.chunks(limit) {
            self.write_record(ContentType::Handshake, chunk, version)?;
        }
        self.last_out = message.first().copied();
        self.run_hook(false, HookTiming::Post, message)
    }

    /// Frames and sends a handshake message body.
    pub fn send_message(&mut self, ty: HandshakeType, body: &[u8]) -> Result<Vec<u8>, Error> {
        let message = frame(ty, body);
        self.send_handshake(&message)?;
        Ok(message)
    }

    fn trace(&mut self, sent: bool, message: &[u8]) {
        if self.trace_messages {
            let ty = HandshakeType::from_u8(message.first().copied().unwrap_or(0));
            self.events.push_back(Event::HandshakeMessage {
                sent,
                ty,
                bytes: message.to_vec(),
            });
        }
    }

    /// Runs the application's hook on a framed handshake message.
    pub fn run_hook(
        &mut self,
        incoming: bool,
        timing: HookTiming,
        message: &[u8],
    ) -> Result<(), Error> {
        let session = if incoming && timing == HookTiming::Post {
            self.hook_session.take()
        } else {
            None
        };
        let (Some(hook), Some((&message_type, rest))) = (self.hook.as_mut(), message.split_first())
        else {
            return Ok(());
        };
        let body = rest.get(3..).unwrap_or_default();
        let call = HookCall {
            session: session.as_ref(),
            message_type,
            incoming,
            timing,
            body,
            // legacy_version, then the random that marks a HelloRetryRequest.
            hello_retry: message_type == HandshakeType::ServerHello.to_u8()
                && body.get(2..34) == Some(&HRR_RANDOM[..]),
        };
        match hook(&call) {
            Ok(()) => Ok(()),
            Err(HookStop::Abort(code)) => Err(Error::HookAborted(code)),
            Err(HookStop::Interrupt(code)) => {
                self.hook_interruption.get_or_insert(code);
                Ok(())
            }
            Err(HookStop::Reconfigure) => {
                self.reconfigure_requested = incoming
                    && timing == HookTiming::Pre
                    && message_type == HandshakeType::ClientHello.to_u8();
                Ok(())
            }
        }
    }

    /// Limits the plaintext per record we send to `cap` (at most 2^14).
    pub fn set_send_cap(&mut self, cap: usize) {
        self.send_cap = cap.clamp(1, MAX_PLAINTEXT);
        self.send_limit = self.send_limit.min(self.send_cap);
    }

    /// Runs the POST hook of the received message being handled, if due.
    pub fn run_pending_post_hook(&mut self) -> Result<(), Error> {
        match self.pending_post_hook.take() {
            Some(message) => self.run_hook(true, HookTiming::Post, &message),
            None => Ok(()),
        }
    }

    /// Reports a received handshake message to the tracer.
    pub fn trace_received(&mut self, message: &RawMessage) {
        self.trace(false, &message.bytes);
    }

    /// Applies a negotiated max_fragment_length: records of at most `size`.
    pub fn apply_max_fragment(&mut self, size: usize) {
        self.send_limit = self.send_limit.min(size);
    }

    /// Applies the peer's record_size_limit (RFC 8449 §4: at least 64).
    pub fn apply_record_size_limit(&mut self, body: &[u8]) -> Result<(), Error> {
        let [hi, lo] = body else {
            return Err(InvalidMessage::InvalidValue("record_size_limit").into());
        };
        let limit = usize::from(u16::from_be_bytes([*hi, *lo]));
        if limit < 64 {
            return Err(PeerMisbehaved::IllegalParameter("record_size_limit below 64").into());
        }
        // The limit counts the inner content type byte in TLS 1.3, the
        // plaintext alone in TLS 1.2 (RFC 8449 §4).
        let plaintext = if self.tls12 { limit } else { limit - 1 };
        self.send_limit = plaintext.min(self.send_cap).min(MAX_PLAINTEXT);
        Ok(())
    }

    /// Sends the middlebox-compatibility change_cipher_spec, once. Hooks
    /// see it as message type 254 whose body is the record's one byte, as
    /// GnuTLS shows it.
    pub fn send_ccs(&mut self) -> Result<(), Error> {
        const CCS_AS_MESSAGE: [u8; 5] = [254, 0, 0, 1, 1];
        if !self.sent_ccs {
            self.sent_ccs = true;
            self.run_hook(false, HookTiming::Pre, &CCS_AS_MESSAGE)?;
            self.outgoing.extend_from_slice(&[20, 3, 3, 0, 1, 1]);
            self.run_hook(false, HookTiming::Post, &CCS_AS_MESSAGE)?;
        }
        Ok(())
    }

    /// The peer authenticated (its CertificateVerify checked out) or, asked
    /// to, answered with no certificate: pause if configured to.
    pub fn peer_authentication_received(&mut self) {
        if self.pause_after_peer_signature {
            self.pause_requested = true;
        }
    }

    /// Sends an alert (fatal ones end the connection; the caller poisons it).
    pub fn send_alert(&mut self, description: AlertDescription) {
        let payload = [level_for(description), description.to_u8()];
        // Nothing more can be done if even the alert cannot be sealed.
        let _ = self.write_record(ContentType::Alert, &payload, 0x0303);
    }

    /// Sends an alert at the level the application chose.
    pub fn send_alert_at(&mut self, level: u8, description: u8) -> Result<(), Error> {
        self.write_record(ContentType::Alert, &[level, description], 0x0303)
    }

    /// Sends close_notify.
    pub fn send_close_notify(&mut self) {
        if !self.closed {
            self.closed = true;
            self.send_alert(AlertDescription::CloseNotify);
        }
    }

    /// Switches the key records are read with (RFC 8446 §5.1: a handshake
    /// message may not span the change).
    pub fn set_read_key(&mut self, suite: CipherSuite, secret: &Secret) -> Result<(), Error> {
        if self.joiner.is_partial() {
            return Err(
                PeerMisbehaved::UnexpectedMessage("handshake message spans a key change").into(),
            );
        }
        self.read_key = Some(RecordProtection::Tls13(RecordKey::new(
            suite.aead(),
            suite.hash(),
            secret,
        )));
        Ok(())
    }

    /// Switches the key records are written with.
    pub fn set_write_key(&mut self, suite: CipherSuite, secret: &Secret) {
        self.write_key = Some(RecordProtection::Tls13(RecordKey::new(
            suite.aead(),
            suite.hash(),
            secret,
        )));
    }

    /// (TLS 1.2) The key the peer's change_cipher_spec will switch to.
    pub fn expect_ccs12(&mut self, key: RecordKey12) {
        self.pending_read12 = Some(key);
    }

    /// (TLS 1.2) Whether the peer's change_cipher_spec is still awaited.
    pub fn awaiting_ccs12(&self) -> bool {
        self.pending_read12.is_some()
    }

    /// (TLS 1.2) Sends change_cipher_spec, then writes with `key`.
    pub fn change_write_key12(&mut self, key: RecordKey12) -> Result<(), Error> {
        const CCS_AS_MESSAGE: [u8; 5] = [254, 0, 0, 1, 1];
        self.run_pending_post_hook()?;
        self.run_hook(false, HookTiming::Pre, &CCS_AS_MESSAGE)?;
        self.write_record(ContentType::ChangeCipherSpec, &[1], 0x0303)?;
        self.write_key = Some(RecordProtection::Tls12(key));
        self.run_hook(false, HookTiming::Post, &CCS_AS_MESSAGE)
    }

    /// Installs the application traffic secrets and keys.
    pub fn enter_traffic_keys(
        &mut self,
        suite: CipherSuite,
        read: Secret,
        write: Secret,
    ) -> Result<(), Error> {
        self.set_read_key(suite, &read)?;
        self.set_write_key(suite, &write);
        self.read_secret = Some(read);
        self.write_secret = Some(write);
        Ok(())
    }

    /// Sends application data (at most 2^14 bytes per record), updating our
    /// keys first when they near their usage limit.
    pub fn send_app_data(&mut self, data: &[u8]) -> Result<(), Error> {
        for chunk in data.chunks(self.send_limit) {
            if self
                .write_key
                .as_ref()
                .is_some_and(RecordProtection::needs_update)
            {
                self.send_key_update(false)?;
            }
            self.write_record(ContentType::ApplicationData, chunk, 0x0303)?;
        }
        Ok(())
    }

    /// Sends a KeyUpdate and moves to the next sending secret.
    pub fn send_key_update(&mut self, request_peer: bool) -> Result<(), Error> {
        let (Some(suite), Some(secret)) = (self.suite, self.write_secret.as_ref()) else {
            return Err(Error::Internal("key update before the handshake completed"));
        };
        let next = next_traffic_secret(suite.hash(), secret);
        let request = if request_peer {
            KeyUpdateRequest::Requested
        } else {
            KeyUpdateRequest::NotRequested
        };
        self.send_message(HandshakeType::KeyUpdate, &request.encode())?;
        self.set_write_key(suite, &next);
        self.write_secret = Some(next);
        Ok(())
    }

    /// Handles a KeyUpdate from the peer (RFC 8446 §4.6.3).
    pub fn receive_key_update(&mut self, message: &RawMessage) -> Result<(), Error> {
        let now = std::time::Instant::now();
        let (count, since) = &mut self.key_updates;
        if since.is_none_or(|t| now.duration_since(t) > std::time::Duration::from_secs(1)) {
            *count = 0;
            *since = Some(now);
        }
        *count += 1;
        if *count > super::limits::KEY_UPDATES_PER_SECOND {
            return Err(super::error::Flood::KeyUpdates.into());
        }
        let request = match (KeyUpdateRequest::decode(message.body()), message.body()) {
            (Ok(request), _) => request,
            // RFC 8446 §4.6.3: a well-formed request_update of another value.
            (Err(_), [_]) => {
                return Err(PeerMisbehaved::IllegalParameter("KeyUpdate request_update").into());
            }
            (Err(e), _) => return Err(e.into()),
        };
        let (Some(suite), Some(secret)) = (self.suite, self.read_secret.as_ref()) else {
            return Err(PeerMisbehaved::UnexpectedMessage(
                "KeyUpdate before the handshake completed",
            )
            .into());
        };
        let next = next_traffic_secret(suite.hash(), secret);
        self.set_read_key(suite, &next)?;
        self.read_secret = Some(next);
        self.events.push_back(Event::PeerKeyUpdated);
        if request == KeyUpdateRequest::Requested && !self.closed {
            // The automatic answer is not the application's message (GnuTLS
            // does not report it as the last one sent).
            let last_out = self.last_out;
            self.send_key_update(false)?;
            self.last_out = last_out;
        }
        Ok(())
    }

    /// Reads and decrypts the next record, if a whole one is buffered.
    pub fn next_inbound(&mut self) -> Result<Option<Inbound>, Error> {
        loop {
            let Some(span) = self.deframer.next_record()? else {
                return Ok(None);
            };
            let (header, body) = self.deframer.record_mut(span);
            let (ty, len) = if self.tls12 && header[0] == ContentType::ChangeCipherSpec.to_u8() {
                // TLS 1.2: the peer's change_cipher_spec switches its keys,
                // between two whole handshake messages, once per handshake.
                let Some(key) = self.pending_read12.take() else {
                    return Err(PeerMisbehaved::UnexpectedMessage("change_cipher_spec").into());
                };
                if body != [1] || self.joiner.is_partial() {
                    return Err(PeerMisbehaved::UnexpectedMessage("change_cipher_spec").into());
                }
                self.read_key = Some(RecordProtection::Tls12(key));
                self.deframer.consume(span);
                continue;
            } else if header[0] == ContentType::ChangeCipherSpec.to_u8() {
                // RFC 8446 §5: a lone 0x01 may arrive after the first
                // ClientHello and before the peer's Finished, and is dropped.
                // A middlebox-compatible peer sends one: a second, or one
                // before any ClientHello, is refused rather than let a peer
                // keep us busy with them (CVE-2020-25648).
                let hello_seen = self.side == Side::Client || self.handshake_received;
                if !self.ccs_window || self.received_ccs || !hello_seen || body != [1] {
                    return Err(PeerMisbehaved::UnexpectedMessage("change_cipher_spec").into());
                }
                self.received_ccs = true;
                self.deframer.consume(span);
                continue;
            } else if self.read_key.is_some()
                && !self.traffic
                && header[0] == ContentType::Alert.to_u8()
                && body.len() == 2
            {
                // A peer that failed before it had keys (a client rejecting our
                // ServerHello) can only send its alert in the clear.
                (ContentType::Alert, 2)
            } else if let Some(key) = self.read_key.as_mut() {
                match key.open(&header, body) {
                    Ok(opened) => opened,
                    Err(Error::BadRecordMac) if self.skip_early_data >= span.len => {
                        // Rejected 0-RTT data: skip it (bounded).
                        self.skip_early_data -= span.len;
                        self.deframer.consume(span);
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            } else {
                let ty = ContentType::from_u8(header[0]);
                if ty == ContentType::ApplicationData
                    && self.skip_early_data > 0
                    && self.skip_early_data >= span.len
                {
                    // 0-RTT data sent before our HelloRetryRequest reached the
                    // client (RFC 8446 §4.2.10): skipped, bounded.
                    self.skip_early_data -= span.len;
                    self.deframer.consume(span);
                    continue;
                }
                if !matches!(ty, ContentType::Handshake | ContentType::Alert) {
                    return Err(PeerMisbehaved::UnexpectedMessage("unprotected record").into());
                }
                if span.len > MAX_PLAINTEXT {
                    return Err(Error::RecordOverflow);
                }
                (ty, span.len)
            };
            self.skip_early_data = 0;
            // Records that bring nothing are bounded in a row: empty
            // application data, and the one alert TLS 1.3 ignores.
            let (_, body) = self.deframer.record_mut(span);
            let nothing = (ty == ContentType::ApplicationData && len == 0)
                || (ty == ContentType::Alert
                    && body[..len] == [1, AlertDescription::UserCanceled.to_u8()])
                || (self.tls12
                    && ty == ContentType::Alert
                    && len == 2
                    && body[0] == 1
                    && body[1] != AlertDescription::CloseNotify.to_u8());
            if nothing {
                self.empty_records += 1;
                if self.empty_records > super::limits::MAX_EMPTY_RECORDS {
                    return Err(super::error::Flood::EmptyRecords.into());
                }
            } else {
                self.empty_records = 0;
            }
            if len == 0 && matches!(ty, ContentType::Handshake | ContentType::Alert) {
                // RFC 8446 §5.1 and §5.4: handshake and alert records are
                // never empty.
                return Err(
                    PeerMisbehaved::UnexpectedMessage("empty handshake or alert record").into(),
                );
            }
            let (_, body) = self.deframer.record_mut(span);
            let content = &body[..len];
            let inbound = match ty {
                ContentType::Handshake => {
                    self.joiner.push(content)?;
                    Inbound::Handshake
                }
                ContentType::ApplicationData => {
                    if !self.traffic || self.joiner.is_partial() {
                        return Err(PeerMisbehaved::UnexpectedMessage(
                            "application data during the handshake",
                        )
                        .into());
                    }
                    if !self.peer_closed {
                        let start = span.start + super::record::HEADER_LEN;
                        match self.deframer.take_sole_record(span) {
                            Some(buf) => {
                                self.plaintext.adopt(buf, start, start + len);
                                return Ok(Some(Inbound::ApplicationData));
                            }
                            None => {
                                let (_, body) = self.deframer.record_mut(span);
                                self.plaintext.append(&body[..len]);
                            }
                        }
                    }
                    Inbound::ApplicationData
                }
                ContentType::Alert => {
                    let [level, description] = content else {
                        return Err(InvalidMessage::InvalidValue("alert").into());
                    };
                    // A server not yet in a handshake takes an alert for
                    // an unexpected record, as GnuTLS does.
                    if self.side == Side::Server && !self.handshake_received {
                        return Err(PeerMisbehaved::UnexpectedMessage(
                            "alert before the ClientHello",
                        )
                        .into());
                    }
                    let description = AlertDescription::from_u8(*description);
                    self.last_alert = Some(description);
                    match description {
                        AlertDescription::CloseNotify => {
                            if !self.peer_closed {
                                self.peer_closed = true;
                                self.events.push_back(Event::PeerClosed);
                            }
                        }
                        // TLS 1.3: every alert but these two is fatal, whatever its level.
                        AlertDescription::UserCanceled if *level == 1 => {}
                        // TLS 1.2: warnings are not (no_renegotiation, say);
                        // they count among the records that bring nothing.
                        _ if self.tls12 && *level == 1 => {}
                        other => return Err(Error::AlertReceived(other)),
                    }
                    Inbound::Handled
                }
                ContentType::ChangeCipherSpec | ContentType::Unknown(_) => {
                    return Err(PeerMisbehaved::UnexpectedMessage("record content type").into());
                }
            };
            self.deframer.consume(span);
            return Ok(Some(inbound));
        }
    }
}
