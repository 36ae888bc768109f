//! What a connection is configured with: suites, groups, certificates,
//! trust and client-authentication policy.

use std::sync::Arc;

use crate::crypto::kx::KxGroup;
use crate::crypto::sign::{HANDSHAKE_SCHEMES, SigningKey, TLS12_HANDSHAKE_SCHEMES};
use crate::x509::verify::TrustStore;

use super::suites::CipherSuite;

/// A certificate chain (end-entity first, DER) and its private key.
pub struct CertifiedKey {
    /// The chain.
    pub chain: Vec<Vec<u8>>,
    /// The private key of the end-entity certificate.
    pub key: SigningKey,
}

impl CertifiedKey {
    /// Whether the end-entity certificate's keyUsage lets its key sign a
    /// handshake (RFC 5280 §4.2.1.3: digitalSignature).
    pub fn allows_signing(&self) -> bool {
        self.chain
            .first()
            .is_some_and(|leaf| crate::x509::fields::allows_signing(leaf))
    }
}

/// Whether a certificate's key may sign a handshake: its keyUsage allows it,
/// or the check is off (`unchecked`). A peer's certificate without
/// digitalSignature is a key-usage violation, as in GnuTLS.
pub(crate) fn check_peer_key_usage(leaf: &[u8], unchecked: bool) -> Result<(), super::Error> {
    if unchecked || crate::x509::fields::allows_signing(leaf) {
        Ok(())
    } else {
        Err(super::Error::KeyUsageViolation)
    }
}

/// A certificate a server may present, with the names it answers to (its
/// subjectAltName DNS names, else its subject's common name).
pub struct NamedCertificate {
    /// The chain and key.
    pub key: Arc<CertifiedKey>,
    /// The server names it is for, compared exactly with the client's.
    pub names: Vec<String>,
}

/// Receives secrets in the NSS key log format's terms: a label such as
/// `CLIENT_HANDSHAKE_TRAFFIC_SECRET`, the ClientHello random, and the secret.
/// For debugging with packet analysers only: whoever holds these can decrypt
/// the connection.
pub type KeyLog = Arc<dyn Fn(&str, &[u8], &[u8]) + Send + Sync>;

/// The handshake message an application-defined extension travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionMessage {
    /// The ClientHello (sent by a client, received by a server).
    ClientHello,
    /// The EncryptedExtensions (sent by a server, received by a client).
    EncryptedExtensions,
    /// A HelloRetryRequest (sent by a server, received by a client).
    HelloRetryRequest,
}

/// An extension the application defines (GnuTLS's session extensions): a
/// client offers it in its ClientHello when `send` returns a body; a server
/// hands the body of each ClientHello to `receive` and answers in a
/// HelloRetryRequest or EncryptedExtensions when `send` returns one, to a
/// client that sent the extension (to any client when `unasked`). An
/// `Err(code)` ends the handshake with `Error::HookAborted(code)`.
pub trait CustomExtension: Send + Sync {
    /// The extension's code point.
    fn extension_type(&self) -> u16;
    /// The body to send in `message`, or `None` to send nothing.
    fn send(&self, message: ExtensionMessage) -> Result<Option<Vec<u8>>, i32>;
    /// The peer's body of the extension, received in `message`.
    fn receive(&self, message: ExtensionMessage, body: &[u8]) -> Result<(), i32>;
    /// A server sends it to clients that did not, and a client takes it
    /// from a server although it did not send it.
    fn unasked(&self) -> bool {
        false
    }
}

/// The application's extensions.
pub type CustomExtensions = Vec<Arc<dyn CustomExtension>>;

/// What to do when the peer's certificate does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyPolicy {
    /// End the handshake with the matching alert.
    Enforce,
    /// Continue; the result is reported for the application to decide (GnuTLS's
    /// default: verification is the application's call).
    Report,
}

/// Whether a server asks for client certificates during the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// Never.
    None,
    /// Ask; a client without one may continue.
    Request,
    /// Ask; a client without one fails with certificate_required.
    Require,
}

/// Client configuration.
pub struct ClientConfig {
    /// Cipher suites, in preference order.
    pub suites: Vec<CipherSuite>,
    /// Groups, in preference order; a key share is sent for the first.
    pub groups: Vec<KxGroup>,
    /// Trust anchors for the server's certificate; `None` skips verification.
    pub trust: Option<Arc<TrustStore>>,
    /// What a failed verification does.
    pub verify: VerifyPolicy,
    /// Our certificate, for servers that ask (during or after the handshake).
    pub certificate: Option<Arc<CertifiedKey>>,
    /// The signature schemes we accept from the peer and sign with, in
    /// preference order (a subset of `HANDSHAKE_SCHEMES`).
    pub signature_schemes: Vec<u16>,
    /// The signature schemes of TLS 1.2 we accept from the peer and sign
    /// with (a subset of `TLS12_HANDSHAKE_SCHEMES`).
    pub tls12_signature_schemes: Vec<u16>,
    /// Offer post-handshake authentication (the post_handshake_auth extension).
    pub post_handshake_auth: bool,
    /// ALPN protocols to offer.
    pub alpn: Vec<Vec<u8>>,
    /// Where secrets are logged, if anywhere.
    pub key_log: Option<KeyLog>,
    /// The largest protected record we accept, advertised with
    /// record_size_limit (RFC 8449): 64 to 16385.
    pub record_size_limit: u16,
    /// Stop after the server's CertificateVerify checked out, before our
    /// Finished, until [`Connection::resume_after_peer_check`]: the
    /// application's own check of the server (GnuTLS's verify callback).
    ///
    /// [`Connection::resume_after_peer_check`]: super::Connection::resume_after_peer_check
    pub pause_after_peer_signature: bool,
    /// The ClientHello random to send instead of a fresh one (testing only).
    pub random: Option<[u8; 32]>,
    /// The application's extensions.
    pub custom_extensions: CustomExtensions,
    /// The most plaintext we put in one record (at most 2^14).
    pub max_fragment: usize,
    /// Stop after the handshake's CertificateRequest until
    /// [`Connection::choose_certificate`] names the certificate to send
    /// (`certificate` is then not used in the handshake): the
    /// application's choice (GnuTLS's certificate retrieve function).
    ///
    /// [`Connection::choose_certificate`]: super::Connection::choose_certificate
    pub choose_certificate: bool,
    /// How many key shares the first ClientHello carries: the first group,
    /// then the first of each other kind (NIST curves, X25519), up to this
    /// many (GnuTLS's `GNUTLS_KEY_SHARE_TOP`, `TOP2`, `TOP3`); at least 1.
    pub key_shares: usize,
    /// Middlebox-compatibility mode (RFC 8446 Appendix D.4): a session id
    /// in the ClientHello and a ChangeCipherSpec before the second flight.
    pub middlebox_compat: bool,
    /// Send `certificate` only to a server whose certificate_authorities,
    /// when it lists any, name an issuer of its chain (GnuTLS's rule);
    /// otherwise answer with an empty Certificate.
    pub match_certificate_authorities: bool,
    /// An external PSK to offer, and the modes to offer it with.
    pub psk: Option<ExternalPsk>,
    /// The PSK key exchange modes offered with `psk`.
    pub psk_modes: PskModes,
    /// Send psk_key_exchange_modes even without a PSK to offer: it tells
    /// the server which modes a ticket would be used in (GnuTLS clients
    /// do, unless tickets are off), and a server sends no ticket when it
    /// allows none of them.
    pub announce_psk_modes: bool,
    /// Also ask for records of at most this many bytes with
    /// max_fragment_length (512, 1024, 2048 or 4096), for servers without
    /// record_size_limit; they answer in EncryptedExtensions.
    pub max_fragment_length: Option<usize>,
    /// Ask for the server's OCSP response (status_request, RFC 6066 §8).
    /// A stapled response is accepted and not used.
    pub status_request: bool,
    /// A session to resume (from a ticket of an earlier connection).
    pub resume: Option<super::resumption::ClientSession>,
    /// The TLS 1.2 cipher suites offered beside TLS 1.3, in preference
    /// order; empty (the default) offers TLS 1.3 only.
    pub tls12_suites: Vec<super::tls12::suites::Tls12Suite>,
    /// Offer TLS 1.3 (the default). Off, with `tls12_suites`, the client
    /// speaks TLS 1.2 only.
    pub tls13: bool,
    /// (TLS 1.2) Ask for a session ticket (RFC 5077), as GnuTLS clients do
    /// unless `GNUTLS_NO_TICKETS`; on by default.
    pub tls12_tickets: bool,
    /// A TLS 1.2 session to resume with its ticket.
    pub resume12: Option<super::tls12::session::Session12>,
    /// Accept a server certificate whose keyUsage does not allow the
    /// signature it made (GnuTLS's `%COMPAT`); off by default.
    pub peer_key_usage_unchecked: bool,
    /// (TLS 1.2) False start (RFC 7918, GnuTLS's
    /// `GNUTLS_ENABLE_FALSE_START`): in a full ECDHE handshake where we
    /// sent no certificate, the handshake is complete for us once our
    /// Finished is out; the server's comes with what follows. Off by
    /// default.
    pub false_start: bool,
    /// The legacy_session_id to send in place of our own choice (GnuTLS's
    /// `gnutls_session_set_id`; at most 32 bytes), when not resuming.
    pub session_id: Option<Vec<u8>>,
}

impl ClientConfig {
    /// Whether a TLS 1.2 ServerKeyExchange signed with `scheme` is
    /// accepted: one of our TLS 1.2 schemes.
    pub fn tls12_signature_allowed(&self, scheme: u16) -> bool {
        self.tls12_signature_schemes.contains(&scheme)
    }

    /// The signature_algorithms of our ClientHello: those of each version
    /// we offer.
    pub fn offered_schemes(&self) -> Vec<u16> {
        let tls13: &[u16] = if self.tls13 {
            &self.signature_schemes
        } else {
            &[]
        };
        if self.tls12_suites.is_empty() {
            return tls13.to_vec();
        }
        super::tls12::client::offered_schemes(&self.tls12_signature_schemes, tls13)
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        Self {
            suites: CipherSuite::ALL.to_vec(),
            groups: vec![KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1],
            trust: None,
            verify: VerifyPolicy::Enforce,
            certificate: None,
            signature_schemes: HANDSHAKE_SCHEMES.to_vec(),
            tls12_signature_schemes: TLS12_HANDSHAKE_SCHEMES.to_vec(),
            post_handshake_auth: false,
            alpn: Vec::new(),
            key_log: None,
            record_size_limit: MAX_RECORD_SIZE_LIMIT,
            pause_after_peer_signature: false,
            random: None,
            custom_extensions: Vec::new(),
            max_fragment: super::record::MAX_PLAINTEXT,
            choose_certificate: false,
            match_certificate_authorities: false,
            key_shares: 1,
            middlebox_compat: true,
            psk: None,
            psk_modes: PskModes::default(),
            announce_psk_modes: false,
            status_request: false,
            max_fragment_length: None,
            resume: None,
            tls12_suites: Vec::new(),
            tls13: true,
            tls12_tickets: true,
            resume12: None,
            peer_key_usage_unchecked: false,
            false_start: false,
            session_id: None,
        }
    }
}

/// Which PSK key exchange modes (RFC 8446 §4.2.9) an end allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PskModes {
    /// psk_dhe_ke: the PSK with an (EC)DHE exchange (forward secrecy).
    pub with_dhe: bool,
    /// psk_ke: the PSK alone.
    pub psk_only: bool,
    /// (Client) offer psk_ke before psk_dhe_ke. A server takes the first
    /// mode of the client's list that it allows.
    pub psk_only_first: bool,
}

impl PskModes {
    /// The first of the client's modes that we allow: `Some(true)` for
    /// psk_dhe_ke, `Some(false)` for psk_ke, `None` when none is.
    pub fn first_allowed(self, client_modes: &[u8]) -> Option<bool> {
        client_modes.iter().find_map(|mode| match *mode {
            super::codec::psk::PSK_DHE_KE if self.with_dhe => Some(true),
            super::codec::psk::PSK_KE if self.psk_only => Some(false),
            _ => None,
        })
    }
}

impl Default for PskModes {
    fn default() -> Self {
        Self {
            with_dhe: true,
            psk_only: false,
            psk_only_first: false,
        }
    }
}

/// A client's external PSK (RFC 8446 §4.2.11), used with SHA-256 suites.
#[derive(Clone)]
pub struct ExternalPsk {
    /// The identity sent in the clear (a user name).
    pub identity: Vec<u8>,
    /// The key.
    pub key: zeroize::Zeroizing<Vec<u8>>,
}

/// A server's store of TLS 1.2 sessions by session id, for resumption
/// without tickets (GnuTLS's session database): what it keeps is the
/// session's state, secret included, so it is the application's to protect.
pub trait SessionStore: Send + Sync {
    /// Keeps `data` under `id`.
    fn store(&self, id: &[u8], data: &[u8]);
    /// What was kept under `id`.
    fn retrieve(&self, id: &[u8]) -> Option<zeroize::Zeroizing<Vec<u8>>>;
    /// Forgets what was kept under `id`.
    fn remove(&self, id: &[u8]);
}

/// A server's lookup of external PSKs by identity: `Ok(Some(key))` for a
/// known identity, `Ok(None)` for an unknown one (the handshake goes on
/// without the PSK), `Err(code)` to end the handshake with
/// [`Error::HookAborted`]`(code)` and no alert (the application's own
/// failure, such as an unreadable password file).
///
/// [`Error::HookAborted`]: super::Error::HookAborted
pub type PskLookup =
    Arc<dyn Fn(&[u8]) -> Result<Option<zeroize::Zeroizing<Vec<u8>>>, i32> + Send + Sync>;

/// The largest record_size_limit in TLS 1.3: 2^14 plus the content type byte.
pub const MAX_RECORD_SIZE_LIMIT: u16 = 16385;

/// Server configuration.
pub struct ServerConfig {
    /// Cipher suites, in preference order (the server's order wins).
    pub suites: Vec<CipherSuite>,
    /// Groups, in preference order.
    pub groups: Vec<KxGroup>,
    /// Our certificate; `None` for a server that authenticates with
    /// external PSKs only (a ClientHello without an acceptable PSK then
    /// fails with handshake_failure).
    pub certificate: Option<Arc<CertifiedKey>>,
    /// When there is a choice: every certificate we may present, in
    /// order, with the DNS names each is for. Per ClientHello, the first
    /// whose names hold the client's server_name and whose key signs with
    /// one of the client's signature algorithms is presented, else the
    /// first whose key does (GnuTLS's rule). Empty: `certificate` alone.
    pub certificates: Vec<NamedCertificate>,
    /// The signature schemes we accept from the peer and sign with, in
    /// preference order (a subset of `HANDSHAKE_SCHEMES`).
    pub signature_schemes: Vec<u16>,
    /// The signature schemes of TLS 1.2 we accept from the peer and sign
    /// with (a subset of `TLS12_HANDSHAKE_SCHEMES`).
    pub tls12_signature_schemes: Vec<u16>,
    /// Client authentication during the handshake.
    pub client_auth: ClientAuth,
    /// Trust anchors for client certificates; `None` accepts any chain
    /// (verification then reports "not verified").
    pub client_trust: Option<Arc<TrustStore>>,
    /// Whether to send the middlebox-compatibility ChangeCipherSpec to a
    /// client that sent a session id (RFC 8446 Appendix D.4).
    pub middlebox_compat: bool,
    /// The DER Names listed in certificate_authorities of every
    /// CertificateRequest (none: the extension is left out).
    pub certificate_authorities: Vec<Vec<u8>>,
    /// What a failed client-certificate verification does.
    pub verify: VerifyPolicy,
    /// ALPN protocols we speak, in preference order.
    pub alpn: Vec<Vec<u8>>,
    /// Choose the first of our ALPN protocols the client offers (`true`), or
    /// the first of the client's we speak (`false`).
    pub alpn_server_precedence: bool,
    /// Fail the handshake (no_application_protocol) when the client offers
    /// ALPN and no protocol is common; otherwise go on without ALPN.
    pub alpn_mandatory: bool,
    /// Where secrets are logged, if anywhere.
    pub key_log: Option<KeyLog>,
    /// The largest protected record we accept, announced to clients that
    /// send record_size_limit: 64 to 16385.
    pub record_size_limit: u16,
    /// Stop after a client's CertificateVerify checked out, or after the
    /// empty Certificate of a client that was asked for one (in the
    /// handshake or in post-handshake authentication), before its Finished
    /// is processed, until [`Connection::resume_after_peer_check`].
    ///
    /// [`Connection::resume_after_peer_check`]: super::Connection::resume_after_peer_check
    pub pause_after_peer_signature: bool,
    /// Stop once after the first ClientHello was parsed (choices made,
    /// application extensions received), before answering it, until
    /// [`Connection::resume_after_client_hello_check`]: the application's
    /// look at the ClientHello (GnuTLS's post-client-hello function).
    ///
    /// [`Connection::resume_after_client_hello_check`]: super::Connection::resume_after_client_hello_check
    pub pause_after_client_hello: bool,
    /// The ServerHello random to send instead of a fresh one (testing only).
    pub random: Option<[u8; 32]>,
    /// The application's extensions.
    pub custom_extensions: CustomExtensions,
    /// The most plaintext we put in one record (at most 2^14).
    pub max_fragment: usize,
    /// External PSKs the server accepts, by identity.
    pub psk: Option<PskLookup>,
    /// (TLS 1.2) The PSK identity hint sent in ServerKeyExchange (RFC 4279
    /// §2): none, or bytes for the client to choose its identity by.
    pub psk_hint: Option<Vec<u8>>,
    /// The key tickets are sealed with; `None` issues no tickets.
    pub tickets: Option<Arc<super::ticket_keys::TicketKeys>>,
    /// The lifetime announced in tickets, in seconds (at most 7 days).
    pub ticket_lifetime: u32,
    /// How many tickets follow each handshake (with `tickets`).
    pub tickets_per_handshake: usize,
    /// (TLS 1.2) Issue a ticket to a client that asks for one (with
    /// `tickets`); on by default.
    pub tls12_tickets: bool,
    /// (TLS 1.2) Where sessions are kept by id for resumption; `None`
    /// resumes with tickets only.
    pub session_store: Option<Arc<dyn SessionStore>>,
    /// The PSK key exchange modes the server accepts.
    pub psk_modes: PskModes,
    /// Early start: when the client is neither asked for a certificate nor
    /// authenticated by a PSK, the handshake is complete for us once our
    /// Finished is out; the client's Finished is handled with what follows.
    pub early_start: bool,
    /// The TLS 1.2 cipher suites, in preference order, for clients that do
    /// not offer TLS 1.3; empty (the default) refuses them.
    pub tls12_suites: Vec<super::tls12::suites::Tls12Suite>,
    /// Under TLS 1.2, choose the suite and group by the client's order of
    /// preference among ours (GnuTLS's default) instead of by ours.
    pub tls12_client_order: bool,
    /// Speak TLS 1.3 (the default). Off, with `tls12_suites`, the server
    /// negotiates TLS 1.2 with every client, and without the downgrade
    /// sentinel (it does not speak TLS 1.3).
    pub tls13: bool,
    /// Sign with a certificate whose keyUsage does not allow signatures
    /// (GnuTLS's `%DEBUG_ALLOW_KEY_USAGE_VIOLATIONS`); off by default, when
    /// such a certificate is never chosen.
    pub own_key_usage_unchecked: bool,
    /// Accept a client certificate whose keyUsage does not allow the
    /// signature it made (GnuTLS's `%COMPAT`); off by default.
    pub peer_key_usage_unchecked: bool,
}

impl ServerConfig {
    /// Whether a TLS 1.2 ServerKeyExchange (or a client's
    /// CertificateVerify) may be signed with `scheme`: one of our TLS 1.2
    /// schemes.
    pub fn tls12_signature_allowed(&self, scheme: u16) -> bool {
        self.tls12_signature_schemes.contains(&scheme)
    }

    /// Whether `certificate` may serve a handshake: its keyUsage allows
    /// signing, unless that check is off.
    pub fn may_sign_with(&self, certificate: &CertifiedKey) -> bool {
        self.own_key_usage_unchecked || certificate.allows_signing()
    }

    /// A server with `certificate` and defaults for the rest.
    pub fn new(certificate: Arc<CertifiedKey>) -> Self {
        Self {
            certificate: Some(certificate),
            ..Self::without_certificate()
        }
    }

    /// A server without a certificate (for external PSKs only, set in
    /// `psk`) and defaults for the rest.
    pub fn without_certificate() -> Self {
        Self {
            suites: CipherSuite::ALL.to_vec(),
            groups: vec![KxGroup::X25519, KxGroup::Secp256r1, KxGroup::Secp384r1],
            certificate: None,
            certificates: Vec::new(),
            signature_schemes: HANDSHAKE_SCHEMES.to_vec(),
            tls12_signature_schemes: TLS12_HANDSHAKE_SCHEMES.to_vec(),
            client_auth: ClientAuth::None,
            client_trust: None,
            certificate_authorities: Vec::new(),
            middlebox_compat: true,
            verify: VerifyPolicy::Enforce,
            alpn: Vec::new(),
            alpn_server_precedence: true,
            alpn_mandatory: true,
            key_log: None,
            record_size_limit: MAX_RECORD_SIZE_LIMIT,
            pause_after_peer_signature: false,
            pause_after_client_hello: false,
            random: None,
            custom_extensions: Vec::new(),
            max_fragment: super::record::MAX_PLAINTEXT,
            psk: None,
            psk_hint: None,
            psk_modes: PskModes::default(),
            tickets: None,
            ticket_lifetime: 6 * 3600,
            tickets_per_handshake: 1,
            tls12_tickets: true,
            session_store: None,
            early_start: false,
            tls12_suites: Vec::new(),
            tls12_client_order: false,
            tls13: true,
            own_key_usage_unchecked: false,
            peer_key_usage_unchecked: false,
        }
    }
}
