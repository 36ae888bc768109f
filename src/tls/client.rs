//! The client's handshake and post-handshake state machine (RFC 8446 §4).

use std::collections::VecDeque;
use std::sync::Arc;

use super::codec::Reader;
use super::codec::certificate::{
    Certificate, CertificateEntry, CertificateRequest, CertificateVerify, signed_content,
};
use super::codec::extensions::{self, Extensions, KeyShareEntry, ext};
use super::codec::handshake::{HandshakeType, RawMessage, frame};
use super::codec::hello::{ClientHello, ServerHello};
use super::codec::psk;
use super::codec::ticket::NewSessionTicket;
use super::common::{Common, Event, PeerIdentity, Verification};
use super::config::{
    CertifiedKey, ClientConfig, CustomExtension, ExtensionMessage, VerifyPolicy,
    check_peer_key_usage,
};
use super::error::{Error, InvalidMessage, PeerMisbehaved};
use super::key_schedule::{
    Handshake, KeySchedule, Secret, check_finished, finished_verify_data, ticket_psk,
};
use super::resumption::ClientSession;
use super::suites::{CipherSuite, group};
use crate::crypto::hash::{HashAlgorithm, Transcript};
use crate::crypto::kx::{KeyShare, KxGroup};
use crate::crypto::sign::CERTIFICATE_SCHEMES;
use crate::x509::verify::{Role, verify_signature};

/// TLS 1.3's version number.
pub(crate) const TLS13: u16 = 0x0304;
/// The last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2
/// or below (RFC 8446 §4.1.3): a client that sees them was downgraded.
const DOWNGRADE_SENTINELS: [[u8; 8]; 2] = [*b"DOWNGRD\x01", *b"DOWNGRD\x00"];

/// The client's states.
pub(crate) enum ClientState {
    ExpectServerHello(Box<ExpectServerHello>),
    ExpectEncryptedExtensions(Box<ClientHandshake>),
    ExpectCertificateOrRequest(Box<ClientHandshake>),
    ExpectCertificate(Box<ClientHandshake>),
    ExpectCertificateVerify(Box<ClientHandshake>),
    ExpectFinished(Box<ClientHandshake>),
    Traffic(Box<ClientTraffic>),
    /// The server chose TLS 1.2.
    Tls12(Box<super::tls12::client::Client12>),
}

pub(crate) struct ExpectServerHello {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    hello: ClientHello,
    shares: Vec<KeyShare>,
    /// The ClientHello message sent last.
    hello_bytes: Vec<u8>,
    /// After a HelloRetryRequest: its suite and the transcript so far.
    retry: Option<(CipherSuite, Transcript)>,
    /// The PSKs our ClientHello offers, in its order.
    psk_offers: Vec<PskOffer>,
}

pub(crate) struct ClientHandshake {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    suite: CipherSuite,
    transcript: Transcript,
    schedule: KeySchedule<Handshake>,
    client_secret: Secret,
    server_secret: Secret,
    offered_alpn: bool,
    /// The types of the extensions of our ClientHello.
    offered_extensions: Vec<u16>,
    cert_request: Option<CertificateRequest>,
    /// The certificate the application chose for `cert_request`
    /// (`ClientConfig::choose_certificate`); `None` until it chose.
    chosen: Option<Option<Arc<CertifiedKey>>>,
    peer_chain: Vec<Vec<u8>>,
    /// The server proved the external PSK: no certificates follow.
    psk_authenticated: bool,
}

pub(crate) struct ClientTraffic {
    config: Arc<ClientConfig>,
    suite: CipherSuite,
    /// The transcript through our Finished: the base of every
    /// post-handshake authentication (RFC 8446 §4.4.1).
    base: Transcript,
    /// Post-handshake CertificateRequests not yet answered, in order.
    requests: VecDeque<(Vec<u8>, CertificateRequest)>,
    /// The resumption master secret: each ticket's PSK comes from it.
    resumption: Secret,
    /// The server name and the server's chain, kept with each session.
    server_name: Option<String>,
    server_chain: Vec<Vec<u8>>,
    /// The session of the latest ticket, to resume with.
    session: Option<ClientSession>,
}

/// N bytes from the system random generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    crate::crypto::fill_random(&mut out).map_err(|_| Error::Internal("random generator failed"))?;
    Ok(out)
}

fn share_entry(share: &KeyShare) -> KeyShareEntry {
    KeyShareEntry {
        group: group::to_u16(share.group()),
        key: share.public().to_vec(),
    }
}

fn key_share_body(shares: &[KeyShare]) -> Vec<u8> {
    let mut body = Vec::new();
    super::codec::with_len(&mut body, super::codec::LenPrefix::U16, |o| {
        shares.iter().for_each(|s| share_entry(s).encode(o))
    });
    body
}

/// The PSK a ClientHello offers: a ticket's (resumption) or an external one.
#[derive(Clone)]
pub(crate) struct PskOffer {
    identity: Vec<u8>,
    obfuscated_age: u32,
    key: zeroize::Zeroizing<Vec<u8>>,
    hash: HashAlgorithm,
    resumed: bool,
}

/// What to offer: the session to resume while its ticket lives and its
/// suite is allowed, then the external PSK (SHA-256), as GnuTLS clients
/// do, so that a server which no longer takes the ticket can still take
/// the PSK.
fn psk_offers(config: &ClientConfig) -> Vec<PskOffer> {
    let resumable = config.resume.as_ref().and_then(|session| {
        let age = session.obfuscated_age(now_ms())?;
        config.suites.contains(&session.suite).then(|| PskOffer {
            identity: session.ticket.clone(),
            obfuscated_age: age,
            key: session.psk.clone(),
            hash: session.suite.hash(),
            resumed: true,
        })
    });
    let external = config.psk.as_ref().map(|external| PskOffer {
        identity: external.identity.clone(),
        obfuscated_age: 0,
        key: external.key.clone(),
        hash: HashAlgorithm::Sha256,
        resumed: false,
    });
    resumable.into_iter().chain(external).collect()
}

/// The legacy session id of the TLS 1.3 session `offer` resumes, when it
/// had one: GnuTLS clients send it again.
fn resumed_session_id(config: &ClientConfig, offers: &[PskOffer]) -> Option<Vec<u8>> {
    offers.first().filter(|o| o.resumed)?;
    let id = &config.resume.as_ref()?.session_id;
    (!id.is_empty()).then(|| id.clone())
}

/// Sends a ClientHello. With PSK offers, its pre_shared_key goes last and
/// each binder is computed over the message up to the binders, after
/// `prefix` (the transcript before a second ClientHello, whose hash every
/// offer then has) (RFC 8446 §4.2.11.2). Returns the message as sent.
fn send_hello(
    common: &mut Common,
    offers: &[PskOffer],
    hello: &mut ClientHello,
    prefix: Option<&Transcript>,
) -> Result<Vec<u8>, Error> {
    if offers.is_empty() {
        return common.send_message(HandshakeType::ClientHello, &hello.encode());
    }
    let mut psks = psk::OfferedPsks {
        identities: offers
            .iter()
            .map(|offer| psk::PskIdentity {
                identity: offer.identity.clone(),
                obfuscated_ticket_age: offer.obfuscated_age,
            })
            .collect(),
        binders: offers
            .iter()
            .map(|offer| vec![0; offer.hash.output_len()])
            .collect(),
    };
    hello.extensions.push(ext::PRE_SHARED_KEY, psks.encode());
    let message = frame(HandshakeType::ClientHello, &hello.encode());
    let binders_len = psks.binders_encoding().len();
    let truncated = message
        .get(..message.len().saturating_sub(binders_len))
        .ok_or(Error::Internal("binders"))?;
    let mut binders = Vec::with_capacity(offers.len());
    for offer in offers {
        let mut transcript = prefix
            .cloned()
            .unwrap_or_else(|| Transcript::new(offer.hash));
        transcript.update(truncated);
        let binder_key = KeySchedule::new(offer.hash, Some(&offer.key)).binder_key(!offer.resumed);
        let binder = finished_verify_data(offer.hash, &binder_key, &transcript.current());
        if binder.len() != offer.hash.output_len() {
            return Err(Error::Internal("binder length"));
        }
        binders.push(binder.to_vec());
    }
    psks.binders = binders;
    hello.extensions.push(ext::PRE_SHARED_KEY, psks.encode());
    let message = frame(HandshakeType::ClientHello, &hello.encode());
    common.send_handshake(&message)?;
    Ok(message)
}

/// What checking a server chain against the configured trust finds now.
pub(crate) fn check_server_chain(
    config: &ClientConfig,
    server_name: Option<&str>,
    chain: &[Vec<u8>],
) -> Verification {
    match &config.trust {
        None => Verification::NotChecked,
        Some(trust) => match trust.verify(chain, Role::Server, server_name, now_secs()) {
            Ok(()) => Verification::Verified,
            Err(e) => Verification::Failed(e),
        },
    }
}

/// Checks a server's chain as configured: a failure ends the handshake
/// under `VerifyPolicy::Enforce`; otherwise the result waits in
/// `peer_under_check` for the Finished that proves the chain.
pub(crate) fn take_server_chain(
    config: &ClientConfig,
    server_name: Option<&str>,
    chain: &[Vec<u8>],
    common: &mut Common,
) -> Result<(), Error> {
    let verification = check_server_chain(config, server_name, chain);
    if let (Verification::Failed(e), VerifyPolicy::Enforce) = (&verification, config.verify) {
        return Err(e.clone().into());
    }
    common.negotiated.peer_under_check = Some(PeerIdentity {
        chain: chain.to_vec(),
        verification,
    });
    Ok(())
}

/// Milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> u64 {
    super::clock::now_ms()
}

/// Whether `name` is a DNS name, which SNI carries (IP addresses are not sent).
/// The groups of the first ClientHello's key shares: the first group, then
/// the first of each kind not yet covered, up to `count` (at least one).
fn share_groups(groups: &[KxGroup], count: usize) -> Vec<KxGroup> {
    let kind = |g: &KxGroup| matches!(g, KxGroup::X25519);
    let mut chosen: Vec<KxGroup> = Vec::new();
    for group in groups {
        if chosen.len() >= count.max(1) {
            break;
        }
        if !chosen.iter().any(|c| kind(c) == kind(group)) {
            chosen.push(*group);
        }
    }
    chosen
}

/// The application's extensions a server may send us: those we offered
/// (`offered` says which types), and those taken unasked.
fn answerable_custom(
    config: &ClientConfig,
    offered: impl Fn(u16) -> bool,
) -> Vec<Arc<dyn CustomExtension>> {
    config
        .custom_extensions
        .iter()
        .filter(|c| offered(c.extension_type()) || c.unasked())
        .cloned()
        .collect()
}

fn is_dns_name(name: &str) -> bool {
    name.parse::<std::net::IpAddr>().is_err() && !name.is_empty()
}

impl ClientState {
    /// Builds and sends the ClientHello.
    pub fn start(
        config: Arc<ClientConfig>,
        server_name: Option<&str>,
        common: &mut Common,
    ) -> Result<Self, Error> {
        let shares = share_groups(&config.groups, config.key_shares)
            .into_iter()
            .map(|g| KeyShare::generate(g).map_err(|_| Error::Internal("key generation failed")))
            .collect::<Result<Vec<_>, _>>()?;
        // With no groups, a client whose only mode is psk_ke offers no
        // (EC)DHE at all (RFC 8446 §9.2 lets a PSK ClientHello leave out
        // supported_groups and key_share).
        let psk_alone = config.groups.is_empty()
            && config.psk_modes.psk_only
            && !config.psk_modes.with_dhe
            && !psk_offers(&config).is_empty();
        if shares.is_empty() && !psk_alone {
            return Err(Error::Internal("no groups configured"));
        }
        let mut extensions = Extensions::new();
        let tls12 = !config.tls12_suites.is_empty();
        match (config.tls13, tls12) {
            (true, true) => {
                extensions.push(ext::SUPPORTED_VERSIONS, vec![4, 0x03, 0x04, 0x03, 0x03]);
            }
            // A TLS 1.2-only client says so with legacy_version alone, and
            // sends none of TLS 1.3's extensions (as GnuTLS).
            (false, true) => {}
            (true, false) => extensions.push(ext::SUPPORTED_VERSIONS, vec![2, 0x03, 0x04]),
            (false, false) => return Err(Error::Internal("no protocol version enabled")),
        }
        if !psk_alone {
            let groups: Vec<u16> = config.groups.iter().map(|g| group::to_u16(*g)).collect();
            extensions.push(ext::SUPPORTED_GROUPS, extensions::u16_list(&groups));
        }
        let schemes = config.offered_schemes();
        extensions.push(ext::SIGNATURE_ALGORITHMS, extensions::u16_list(&schemes));
        let tls13 = config.tls13;
        if tls13 {
            extensions.push(
                ext::SIGNATURE_ALGORITHMS_CERT,
                extensions::u16_list(CERTIFICATE_SCHEMES),
            );
        }
        if !psk_alone && tls13 {
            extensions.push(ext::KEY_SHARE, key_share_body(&shares));
        }
        if let Some(name) = server_name.filter(|n| is_dns_name(n)) {
            extensions.push(ext::SERVER_NAME, extensions::server_name(name));
        }
        if config.status_request {
            // ocsp, with no responder ids and no request extensions.
            extensions.push(ext::STATUS_REQUEST, vec![1, 0, 0, 0, 0]);
            common.negotiated.ocsp_requested = true;
        }
        if config.post_handshake_auth && tls13 {
            extensions.push(ext::POST_HANDSHAKE_AUTH, Vec::new());
        }
        if !config.alpn.is_empty() {
            extensions.push(ext::ALPN, extensions::alpn(&config.alpn));
        }
        // `record_size_limit` counts TLS 1.3's content type byte; a client
        // that speaks only TLS 1.2 announces the plaintext alone, at most
        // 2^14 (RFC 8449 §4).
        let record_size_limit = if tls13 {
            config.record_size_limit
        } else {
            config
                .record_size_limit
                .saturating_sub(1)
                .clamp(64, 1 << 14)
        };
        extensions.push(
            ext::RECORD_SIZE_LIMIT,
            record_size_limit.to_be_bytes().to_vec(),
        );
        // An empty renegotiation_info (RFC 5746 §3.4), as GnuTLS clients
        // send it: TLS 1.3 servers ignore it, and GnuTLS servers report safe
        // renegotiation for a client that offers it.
        extensions.push(ext::RENEGOTIATION_INFO, vec![0]);
        if tls12 {
            extensions.push(ext::EXTENDED_MASTER_SECRET, Vec::new());
            extensions.push(super::tls12::server::EC_POINT_FORMATS, vec![1, 0]);
        }
        // RFC 5077 §3.2: the ticket of the session to resume, or an empty
        // extension asking for one.
        let session12 = super::tls12::client::session_to_offer(&config);
        if tls12 && config.tls12_tickets {
            extensions.push(
                ext::SESSION_TICKET,
                session12.map(|s| s.ticket.clone()).unwrap_or_default(),
            );
        }
        if let Some(code) = config
            .max_fragment_length
            .and_then(extensions::max_fragment_code)
        {
            extensions.push(ext::MAX_FRAGMENT_LENGTH, vec![code]);
        }
        for custom in &config.custom_extensions {
            let sent = custom
                .send(ExtensionMessage::ClientHello)
                .map_err(Error::HookAborted)?;
            if let Some(body) = sent {
                extensions.push(custom.extension_type(), body);
            }
        }
        let offers = if tls13 {
            psk_offers(&config)
        } else {
            Vec::new()
        };
        if tls13 && (!offers.is_empty() || config.announce_psk_modes) {
            let mut modes = Vec::new();
            if config.psk_modes.with_dhe {
                modes.push(psk::PSK_DHE_KE);
            }
            if config.psk_modes.psk_only {
                if config.psk_modes.psk_only_first {
                    modes.insert(0, psk::PSK_KE);
                } else {
                    modes.push(psk::PSK_KE);
                }
            }
            extensions.push(ext::PSK_KEY_EXCHANGE_MODES, psk::encode_modes(&modes));
        }
        let mut hello = ClientHello {
            legacy_version: 0x0303,
            random: match config.random {
                Some(random) => random,
                None => random_bytes()?,
            },
            // A non-empty session id turns on middlebox-compatibility mode;
            // with a TLS 1.2 session it asks to resume, and a server that
            // takes the ticket echoes it (RFC 5077 §3.4).
            session_id: if let Some(session) = session12.filter(|s| !s.session_id.is_empty()) {
                session.session_id.clone()
            } else if let Some(id) = config
                .session_id
                .as_ref()
                .filter(|_| config.resume.is_none())
            {
                id.clone()
            } else if let Some(id) = resumed_session_id(&config, &offers) {
                id
            } else if (config.middlebox_compat && tls13) || session12.is_some() {
                random_bytes::<32>()?.to_vec()
            } else {
                Vec::new()
            },
            cipher_suites: config
                .suites
                .iter()
                .filter(|_| config.tls13)
                .map(|s| s.to_u16())
                .chain(
                    config
                        .tls12_suites
                        .iter()
                        // PSK suites only with a PSK to offer.
                        .filter(|s| {
                            config.psk.is_some()
                                || s.authentication() != super::tls12::suites::Authentication::Psk
                        })
                        .map(|s| s.to_u16()),
                )
                .collect(),
            compression: vec![0],
            extensions,
        };
        common.client_random = hello.random;
        common.key_log = config.key_log.clone();
        common.negotiated.session_id = hello.session_id.clone();
        let hello_bytes = send_hello(common, &offers, &mut hello, None)?;
        Ok(Self::ExpectServerHello(Box::new(ExpectServerHello {
            config,
            server_name: server_name.map(str::to_owned),
            hello,
            shares,
            hello_bytes,
            retry: None,
            psk_offers: offers,
        })))
    }

    /// Handles one handshake message.
    pub fn handle(self, common: &mut Common, message: RawMessage) -> Result<Self, Error> {
        use HandshakeType as T;
        match (self, message.ty) {
            (Self::ExpectServerHello(s), T::ServerHello) => s.handle(common, &message),
            (Self::Tls12(s), _) => Ok(Self::Tls12(Box::new(s.handle(common, &message)?))),
            (Self::ExpectEncryptedExtensions(s), T::EncryptedExtensions) => {
                s.encrypted_extensions(common, &message)
            }
            (Self::ExpectCertificateOrRequest(s), T::CertificateRequest) => {
                common.negotiated.certificate_requested = true;
                s.certificate_request(&message)
            }
            (Self::ExpectCertificateOrRequest(s) | Self::ExpectCertificate(s), T::Certificate) => {
                s.certificate(common, &message)
            }
            (Self::ExpectCertificateVerify(s), T::CertificateVerify) => {
                s.certificate_verify(common, &message)
            }
            (Self::ExpectFinished(s), T::Finished) => s.finished(common, &message),
            (Self::Traffic(s), T::NewSessionTicket) => s.ticket(common, &message),
            (Self::Traffic(s), T::KeyUpdate) => {
                common.receive_key_update(&message)?;
                Ok(Self::Traffic(s))
            }
            (Self::Traffic(s), T::CertificateRequest) => s.post_handshake_request(common, message),
            _ => Err(PeerMisbehaved::UnexpectedMessage("handshake message in this state").into()),
        }
    }
}

impl ExpectServerHello {
    fn handle(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        // A session id longer than 32 bytes (or than the message) is a value
        // out of range, not a decoding failure: illegal_parameter, as
        // GnuTLS answers it.
        let body = message.body();
        if let Some(&len) = body.get(34) {
            if len > 32 || usize::from(len) > body.len().saturating_sub(35) {
                return Err(PeerMisbehaved::IllegalParameter("legacy_session_id_echo").into());
            }
        }
        let sh = ServerHello::decode(body)?;
        if !sh.is_retry_request() {
            common.server_random = sh.random;
        }
        let Some(versions) = sh.extensions.get(ext::SUPPORTED_VERSIONS) else {
            // TLS 1.2 or older: a downgrade sentinel is an attack when we
            // offered TLS 1.3 (RFC 8446 §4.1.3).
            if self.config.tls13 && DOWNGRADE_SENTINELS.iter().any(|s| sh.random.ends_with(s)) {
                return Err(PeerMisbehaved::IllegalParameter(
                    "downgrade sentinel in ServerHello.random",
                )
                .into());
            }
            if sh.legacy_version == super::tls12::server::TLS12
                && !self.config.tls12_suites.is_empty()
                && self.retry.is_none()
            {
                let client = super::tls12::client::server_hello(
                    self.config.clone(),
                    self.server_name.clone(),
                    common,
                    &sh,
                    &self.hello,
                    &self.hello_bytes,
                    message,
                )?;
                return Ok(ClientState::Tls12(Box::new(client)));
            }
            return Err(PeerMisbehaved::ProtocolVersion("server does not speak TLS 1.3").into());
        };
        if versions != TLS13.to_be_bytes() {
            return Err(PeerMisbehaved::IllegalParameter("supported_versions").into());
        }
        if sh.legacy_version != 0x0303
            || sh.compression != 0
            || sh.session_id != self.hello.session_id
        {
            return Err(PeerMisbehaved::IllegalParameter("ServerHello legacy fields").into());
        }
        let suite = CipherSuite::from_u16(sh.cipher_suite)
            .filter(|s| self.config.suites.contains(s))
            .ok_or(PeerMisbehaved::IllegalParameter("cipher suite not offered"))?;
        if self
            .retry
            .as_ref()
            .is_some_and(|(retry_suite, _)| *retry_suite != suite)
        {
            return Err(
                PeerMisbehaved::IllegalParameter("suite changed after HelloRetryRequest").into(),
            );
        }
        if sh.is_retry_request() {
            return self.retry_request(common, &sh, suite, message);
        }
        sh.extensions.check_allowed(
            &[ext::SUPPORTED_VERSIONS, ext::KEY_SHARE, ext::PRE_SHARED_KEY],
            true,
        )?;
        // The server took our external PSK, or answered with certificates.
        let psk = match sh.extensions.get(ext::PRE_SHARED_KEY) {
            None => None,
            Some(body) => {
                if self.psk_offers.is_empty() {
                    return Err(PeerMisbehaved::UnsupportedExtension(
                        "pre_shared_key we did not offer",
                    )
                    .into());
                }
                let offer = self
                    .psk_offers
                    .get(usize::from(psk::decode_selected(body)?))
                    .cloned()
                    .ok_or(PeerMisbehaved::IllegalParameter("selected_identity"))?;
                if suite.hash() != offer.hash {
                    return Err(PeerMisbehaved::IllegalParameter(
                        "PSK with a suite of another hash",
                    )
                    .into());
                }
                Some(offer)
            }
        };
        let exchange = match sh.extensions.get(ext::KEY_SHARE) {
            Some(body) => {
                let entry = extensions::read_server_key_share(body)?;
                let position = self
                    .shares
                    .iter()
                    .position(|s| group::to_u16(s.group()) == entry.group)
                    .ok_or(PeerMisbehaved::IllegalParameter(
                        "key share for a group we did not offer",
                    ))?;
                let share = self.shares.swap_remove(position);
                let group = share.group();
                let shared = share
                    .agree(&entry.key)
                    .map_err(|_| PeerMisbehaved::IllegalParameter("invalid key share"))?;
                Some((group, shared))
            }
            // psk_ke: only when we offered it.
            None if psk.is_some() && self.config.psk_modes.psk_only => None,
            None => return Err(PeerMisbehaved::MissingExtension("key_share").into()),
        };
        if psk.is_some() && exchange.is_some() && !self.config.psk_modes.with_dhe {
            return Err(PeerMisbehaved::IllegalParameter("psk_dhe_ke not offered").into());
        }
        let mut transcript = match self.retry.take() {
            Some((_, transcript)) => transcript,
            None => {
                let mut t = Transcript::new(suite.hash());
                t.update(&self.hello_bytes);
                t
            }
        };
        transcript.update(&message.bytes);
        let schedule = KeySchedule::new(suite.hash(), psk.as_ref().map(|p| p.key.as_slice()))
            .into_handshake(exchange.as_ref().map(|(_, shared)| shared.as_slice()));
        let (client_secret, server_secret) = schedule.traffic_secrets(&transcript.current());
        common.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &client_secret);
        common.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", &server_secret);
        common.suite = Some(suite);
        common.negotiated.suite = Some(suite);
        common.negotiated.group = exchange.as_ref().map(|(group, _)| *group);
        common.negotiated.resumed = psk.as_ref().is_some_and(|p| p.resumed);
        // A resumed session of an external PSK keeps its identity.
        common.negotiated.psk_identity = match (psk.as_ref(), &self.config.resume) {
            (Some(p), _) if !p.resumed => Some(p.identity.clone()),
            (Some(_), Some(session)) => session.psk_identity.clone(),
            _ => None,
        };
        common.negotiated.psk_with_dhe = psk.is_some() && exchange.is_some();
        // A resumed session is the original server's: its chain comes back
        // from the session, checked again against today's trust and clock.
        let restored_chain = match (&self.config.resume, common.negotiated.resumed) {
            (Some(session), true) => session.server_chain.clone(),
            _ => Vec::new(),
        };
        if !restored_chain.is_empty() {
            let verification =
                check_server_chain(&self.config, self.server_name.as_deref(), &restored_chain);
            common.negotiated.peer = Some(PeerIdentity {
                chain: restored_chain.clone(),
                verification,
            });
        }
        common.set_read_key(suite, &server_secret)?;
        if self.config.middlebox_compat {
            common.send_ccs()?;
        }
        common.set_write_key(suite, &client_secret);
        Ok(ClientState::ExpectEncryptedExtensions(Box::new(
            ClientHandshake {
                offered_alpn: !self.config.alpn.is_empty(),
                offered_extensions: self.hello.extensions.types().collect(),
                config: self.config,
                server_name: self.server_name,
                suite,
                transcript,
                schedule,
                client_secret,
                server_secret,
                cert_request: None,
                chosen: None,
                peer_chain: restored_chain,
                psk_authenticated: psk.is_some(),
            },
        )))
    }

    /// A HelloRetryRequest: a new key share for the group the server picked
    /// (RFC 8446 §4.1.4).
    fn retry_request(
        mut self: Box<Self>,
        common: &mut Common,
        hrr: &ServerHello,
        suite: CipherSuite,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        if self.retry.is_some() {
            return Err(PeerMisbehaved::UnexpectedMessage("second HelloRetryRequest").into());
        }
        let answerable = answerable_custom(&self.config, |t| self.hello.extensions.has(t));
        let mut allowed = vec![ext::SUPPORTED_VERSIONS, ext::KEY_SHARE, ext::COOKIE];
        allowed.extend(answerable.iter().map(|c| c.extension_type()));
        hrr.extensions.check_allowed(&allowed, true)?;
        for custom in &answerable {
            if let Some(body) = hrr.extensions.get(custom.extension_type()) {
                custom
                    .receive(ExtensionMessage::HelloRetryRequest, body)
                    .map_err(Error::HookAborted)?;
            }
        }
        let selected = hrr
            .extensions
            .get(ext::KEY_SHARE)
            .ok_or(PeerMisbehaved::MissingExtension("key_share"))?;
        let mut r = Reader::new(selected);
        let selected = r.u16("selected_group")?;
        r.expect_end("key_share")?;
        let new_group = group::from_u16(selected)
            .filter(|g| self.config.groups.contains(g))
            .ok_or(PeerMisbehaved::IllegalParameter(
                "HelloRetryRequest group not offered",
            ))?;
        if self.shares.iter().any(|s| s.group() == new_group) {
            return Err(
                PeerMisbehaved::IllegalParameter("HelloRetryRequest for a group we sent").into(),
            );
        }
        // The transcript starts over: Hash(ClientHello1) as message_hash, then the HRR.
        let mut transcript = Transcript::new(suite.hash());
        transcript.update(&frame(
            HandshakeType::MessageHash,
            &suite.hash().hash(&self.hello_bytes),
        ));
        transcript.update(&message.bytes);
        let share =
            KeyShare::generate(new_group).map_err(|_| Error::Internal("key generation failed"))?;
        self.hello
            .extensions
            .set(ext::KEY_SHARE, key_share_body(std::slice::from_ref(&share)));
        if let Some(cookie) = hrr.extensions.get(ext::COOKIE) {
            self.hello.extensions.push(ext::COOKIE, cookie.to_vec());
        }
        // The application's extensions are asked again for the second
        // ClientHello, as GnuTLS does (an answer to the retry may differ).
        for custom in &self.config.custom_extensions {
            match custom
                .send(ExtensionMessage::ClientHello)
                .map_err(Error::HookAborted)?
            {
                Some(body) => self.hello.extensions.set(custom.extension_type(), body),
                None => self.hello.extensions.remove(custom.extension_type()),
            }
        }
        if self.config.middlebox_compat {
            common.send_ccs()?;
        }
        // A PSK of another hash than the retry's suite cannot be offered again.
        self.psk_offers.retain(|o| o.hash == suite.hash());
        self.hello.extensions.remove(ext::PRE_SHARED_KEY);
        let hello_bytes = send_hello(common, &self.psk_offers, &mut self.hello, Some(&transcript))?;
        transcript.update(&hello_bytes);
        common.negotiated.retried = true;
        self.shares = vec![share];
        self.hello_bytes = hello_bytes;
        self.retry = Some((suite, transcript));
        Ok(ClientState::ExpectServerHello(self))
    }
}

impl ClientHandshake {
    fn encrypted_extensions(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let mut r = Reader::new(message.body());
        let extensions = Extensions::read(&mut r)?;
        r.expect_end("EncryptedExtensions")?;
        let mut allowed = vec![ext::SUPPORTED_GROUPS, ext::RECORD_SIZE_LIMIT];
        if self.server_name.as_deref().is_some_and(is_dns_name) {
            allowed.push(ext::SERVER_NAME);
        }
        if self.offered_alpn {
            allowed.push(ext::ALPN);
        }
        let fragment_code = self
            .config
            .max_fragment_length
            .and_then(extensions::max_fragment_code);
        if fragment_code.is_some() {
            allowed.push(ext::MAX_FRAGMENT_LENGTH);
        }
        // The application's extensions we offered may be answered here.
        let offered_custom =
            answerable_custom(&self.config, |t| self.offered_extensions.contains(&t));
        allowed.extend(offered_custom.iter().map(|c| c.extension_type()));
        extensions.check_allowed(&allowed, true)?;
        for custom in &offered_custom {
            if let Some(body) = extensions.get(custom.extension_type()) {
                custom
                    .receive(ExtensionMessage::EncryptedExtensions, body)
                    .map_err(Error::HookAborted)?;
            }
        }
        if let Some(body) = extensions.get(ext::RECORD_SIZE_LIMIT) {
            common.apply_record_size_limit(body)?;
        }
        if let Some(body) = extensions.get(ext::MAX_FRAGMENT_LENGTH) {
            // The server may only agree to the size asked for (RFC 6066 §4).
            match (body, fragment_code.and_then(extensions::max_fragment_size)) {
                ([code], Some(size)) if Some(*code) == fragment_code => {
                    common.apply_max_fragment(size);
                }
                _ => {
                    return Err(PeerMisbehaved::IllegalParameter(
                        "max_fragment_length not the one asked for",
                    )
                    .into());
                }
            }
        }
        if let Some(body) = extensions.get(ext::ALPN) {
            let chosen = extensions::read_alpn(body)?;
            let [protocol] = chosen.as_slice() else {
                return Err(
                    PeerMisbehaved::IllegalParameter("ALPN must select one protocol").into(),
                );
            };
            if !self.config.alpn.contains(protocol) {
                return Err(PeerMisbehaved::IllegalParameter("ALPN protocol not offered").into());
            }
            common.negotiated.alpn = Some(protocol.clone());
        }
        self.transcript.update(&message.bytes);
        Ok(if self.psk_authenticated {
            ClientState::ExpectFinished(self)
        } else {
            ClientState::ExpectCertificateOrRequest(self)
        })
    }

    fn certificate_request(
        mut self: Box<Self>,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let request = CertificateRequest::decode(message.body())?;
        if !request.context.is_empty() {
            return Err(PeerMisbehaved::IllegalParameter(
                "handshake CertificateRequest with a context",
            )
            .into());
        }
        if !request.extensions.has(ext::SIGNATURE_ALGORITHMS) {
            return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
        }
        self.transcript.update(&message.bytes);
        self.cert_request = Some(request);
        Ok(ClientState::ExpectCertificate(self))
    }

    fn certificate(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let cert = Certificate::decode(message.body())?;
        if !cert.context.is_empty() {
            return Err(
                PeerMisbehaved::IllegalParameter("server Certificate with a context").into(),
            );
        }
        if cert.entries.is_empty() {
            // RFC 8446 §4.4.2.4: a server must send a certificate.
            return Err(InvalidMessage::InvalidValue("empty server Certificate").into());
        }
        cert.check_chain_length()?;
        // The ClientHello asks for status_request at most.
        cert.check_entry_extensions(|ty| ty == ext::STATUS_REQUEST && self.config.status_request)?;
        let chain: Vec<Vec<u8>> = cert.entries.into_iter().map(|e| e.cert).collect();
        take_server_chain(&self.config, self.server_name.as_deref(), &chain, common)?;
        self.peer_chain = chain;
        self.transcript.update(&message.bytes);
        Ok(ClientState::ExpectCertificateVerify(self))
    }

    fn certificate_verify(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let cv = CertificateVerify::decode(message.body())?;
        if !self.config.signature_schemes.contains(&cv.scheme) {
            return Err(PeerMisbehaved::IllegalParameter("signature scheme not offered").into());
        }
        let content = signed_content(true, &self.transcript.current());
        let leaf = self
            .peer_chain
            .first()
            .map(Vec::as_slice)
            .unwrap_or_default();
        check_peer_key_usage(leaf, self.config.peer_key_usage_unchecked)?;
        verify_signature(leaf, cv.scheme, &content, &cv.signature)
            .map_err(|_| PeerMisbehaved::DecryptError("server CertificateVerify"))?;
        common.negotiated.server_signature_scheme = Some(cv.scheme);
        common.peer_authentication_received();
        self.transcript.update(&message.bytes);
        Ok(ClientState::ExpectFinished(self))
    }

    fn finished(
        self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let ClientHandshake {
            config,
            suite,
            mut transcript,
            schedule,
            client_secret,
            server_secret,
            cert_request,
            chosen,
            server_name,
            peer_chain,
            ..
        } = *self;
        let hash = suite.hash();
        check_finished(
            hash,
            &server_secret,
            &transcript.current(),
            message.body(),
            "server Finished",
        )?;
        // The server's Finished verified: the chain it covers is proven.
        if let Some(identity) = common.negotiated.peer_under_check.take() {
            common.negotiated.peer = Some(identity);
        }
        transcript.update(&message.bytes);
        let master = schedule.into_master();
        let (client_app, server_app) = master.traffic_secrets(&transcript.current());
        let exporter = master.exporter_master(&transcript.current());
        // GnuTLS's order: the exporter secret before the traffic secrets.
        common.log_secret("EXPORTER_SECRET", &exporter);
        common.log_secret("CLIENT_TRAFFIC_SECRET_0", &client_app);
        common.log_secret("SERVER_TRAFFIC_SECRET_0", &server_app);
        common.exporter_master = Some(exporter);
        // Our second flight, still under the handshake key.
        if let Some(request) = cert_request {
            let ours = chosen.unwrap_or_else(|| {
                config
                    .certificate
                    .clone()
                    .filter(|c| acceptable(&config, c, &request))
            });
            send_certificate(common, &mut transcript, ours.as_deref(), &request)?;
        }
        let verify_data = finished_verify_data(hash, &client_secret, &transcript.current());
        let finished = common.send_message(HandshakeType::Finished, &verify_data)?;
        transcript.update(&finished);
        let resumption = master.resumption_master(&transcript.current());
        common.enter_traffic_keys(suite, server_app, client_app)?;
        common.traffic = true;
        common.ccs_window = false;
        common.events.push_back(Event::HandshakeComplete);
        Ok(ClientState::Traffic(Box::new(ClientTraffic {
            config,
            suite,
            base: transcript,
            requests: VecDeque::new(),
            resumption,
            server_name,
            server_chain: peer_chain,
            session: None,
        })))
    }
}

/// Sends Certificate (ours, or empty) and, with a certificate,
/// CertificateVerify, adding both to `transcript`.
fn send_certificate(
    common: &mut Common,
    transcript: &mut Transcript,
    ours: Option<&CertifiedKey>,
    request: &CertificateRequest,
) -> Result<(), Error> {
    let accepted = request
        .extensions
        .get(ext::SIGNATURE_ALGORITHMS)
        .map(|b| extensions::read_u16_list(b, "signature_algorithms"))
        .transpose()?
        .unwrap_or_default();
    // A certificate whose key cannot sign in a scheme the server accepts is not sent.
    let usable = ours.and_then(|c| c.key.choose_scheme(&accepted).map(|scheme| (c, scheme)));
    let entries = usable
        .map(|(c, _)| {
            c.chain
                .iter()
                .map(|der| CertificateEntry {
                    cert: der.clone(),
                    extensions: Extensions::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let certificate = Certificate {
        context: request.context.clone(),
        entries,
    };
    common.negotiated.local_certificate = certificate.entries.first().map(|e| e.cert.clone());
    let sent = common.send_message(HandshakeType::Certificate, &certificate.encode())?;
    transcript.update(&sent);
    if let Some((cert, scheme)) = usable {
        let content = signed_content(false, &transcript.current());
        let signature = cert
            .key
            .sign(scheme, &content)
            .map_err(|_| Error::Internal("signing failed"))?;
        let sent = common.send_message(
            HandshakeType::CertificateVerify,
            &CertificateVerify { scheme, signature }.encode(),
        )?;
        transcript.update(&sent);
        common.negotiated.client_signature_scheme = Some(scheme);
    }
    Ok(())
}

/// Seconds since the Unix epoch.
pub(crate) fn now_secs() -> u64 {
    super::clock::now()
}

impl ClientTraffic {
    fn ticket(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ClientState, Error> {
        let ticket = NewSessionTicket::decode(message.body())?;
        // Only the latest is kept: a server cannot make us hoard tickets.
        let session = ClientSession {
            suite: self.suite,
            psk: zeroize::Zeroizing::new(
                ticket_psk(self.suite.hash(), &self.resumption, &ticket.nonce)
                    .expose()
                    .to_vec(),
            ),
            ticket: ticket.ticket,
            received_at_ms: now_ms(),
            lifetime: ticket.lifetime,
            age_add: ticket.age_add,
            server_name: self.server_name.clone(),
            server_chain: self.server_chain.clone(),
            session_id: common.negotiated.session_id.clone(),
            psk_identity: common.negotiated.psk_identity.clone(),
        };
        // The message's POST hook may ask for the session it brought.
        common.hook_session = Some(session.clone());
        self.session = Some(session);
        common.events.push_back(Event::TicketReceived);
        Ok(ClientState::Traffic(self))
    }

    fn post_handshake_request(
        mut self: Box<Self>,
        common: &mut Common,
        message: RawMessage,
    ) -> Result<ClientState, Error> {
        // RFC 8446 §4.6.2: without our post_handshake_auth extension this is unexpected.
        if !self.config.post_handshake_auth {
            return Err(PeerMisbehaved::UnexpectedMessage(
                "CertificateRequest without post_handshake_auth",
            )
            .into());
        }
        let request = CertificateRequest::decode(message.body())?;
        if !request.extensions.has(ext::SIGNATURE_ALGORITHMS) {
            return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
        }
        if self.requests.len() >= crate::tls::limits::MAX_PENDING_CERTIFICATE_REQUESTS {
            return Err(crate::tls::error::Flood::CertificateRequests.into());
        }
        self.requests.push_back((message.bytes, request));
        common.events.push_back(Event::CertificateRequested);
        Ok(ClientState::Traffic(self))
    }

    /// The session of the latest ticket, if one arrived.
    pub fn session(&self) -> Option<&ClientSession> {
        self.session.as_ref()
    }

    /// Whether a post-handshake CertificateRequest waits for an answer.
    pub fn has_request(&self) -> bool {
        !self.requests.is_empty()
    }

    /// Answers the oldest post-handshake CertificateRequest with `cert` (or
    /// the configured certificate if acceptable, or none): Certificate, CertificateVerify
    /// and Finished over the handshake transcript plus this exchange, the
    /// Finished keyed by our current application traffic secret.
    pub fn answer_request(
        &mut self,
        common: &mut Common,
        cert: Option<&CertifiedKey>,
    ) -> Result<(), Error> {
        let (request_bytes, request) = self
            .requests
            .pop_front()
            .ok_or(Error::Internal("no certificate request to answer"))?;
        let mut transcript = self.base.clone();
        transcript.update(&request_bytes);
        let cert = cert.or_else(|| {
            self.config
                .certificate
                .as_deref()
                .filter(|c| acceptable(&self.config, c, &request))
        });
        send_certificate(common, &mut transcript, cert, &request)?;
        let secret = common
            .write_secret
            .as_ref()
            .ok_or(Error::Internal("no traffic secret"))?;
        let verify_data = finished_verify_data(self.suite.hash(), secret, &transcript.current());
        common.send_message(HandshakeType::Finished, &verify_data)?;
        Ok(())
    }
}

/// What a server's CertificateRequest asks for, for an application that
/// chooses the certificate itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificateRequestInfo {
    /// The certificate_authorities it names (each a DER DistinguishedName),
    /// empty when it names none (or names them unreadably).
    pub authorities: Vec<Vec<u8>>,
    /// The signature schemes it accepts (signature_algorithms).
    pub schemes: Vec<u16>,
}

impl CertificateRequestInfo {
    /// Whether `chain` may answer the request: it names no authorities,
    /// or one of them issued a certificate of the chain (GnuTLS's rule).
    pub fn accepts(&self, chain: &[Vec<u8>]) -> bool {
        self.authorities.is_empty()
            || crate::x509::authorities::chain_issued_by(chain, &self.authorities)
    }

    fn of(request: &CertificateRequest) -> Self {
        let schemes = request
            .extensions
            .get(ext::SIGNATURE_ALGORITHMS)
            .and_then(|b| extensions::read_u16_list(b, "signature_algorithms").ok())
            .unwrap_or_default();
        let authorities = request
            .extensions
            .get(ext::CERTIFICATE_AUTHORITIES)
            .and_then(|body| read_authorities(body).ok())
            .unwrap_or_default();
        Self {
            authorities,
            schemes,
        }
    }
}

/// Whether `certificate` may answer `request`: always, unless the config
/// matches certificate_authorities and the request names authorities of
/// which none issued a certificate of the chain.
fn acceptable(
    config: &ClientConfig,
    certificate: &CertifiedKey,
    request: &CertificateRequest,
) -> bool {
    if !config.match_certificate_authorities {
        return true;
    }
    CertificateRequestInfo::of(request).accepts(&certificate.chain)
}

/// RFC 8446 §4.2.4: `DistinguishedName authorities<3..2^16-1>`, each
/// `opaque DistinguishedName<1..2^16-1>`.
fn read_authorities(body: &[u8]) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    let mut outer = Reader::new(body);
    let mut list = Reader::new(outer.vec_u16("certificate_authorities")?);
    outer.expect_end("certificate_authorities")?;
    let mut names = Vec::new();
    while !list.is_empty() {
        names.push(list.vec_u16("DistinguishedName")?.to_vec());
    }
    Ok(names)
}

impl ClientState {
    /// Whether the handshake waits for the application's choice of the
    /// certificate for the server's CertificateRequest.
    pub fn wants_certificate_choice(&self) -> bool {
        match self {
            Self::ExpectCertificate(s) => {
                s.config.choose_certificate && s.cert_request.is_some() && s.chosen.is_none()
            }
            Self::Tls12(c) => c.wants_certificate_choice(),
            _ => false,
        }
    }

    /// The application's choice for the handshake's CertificateRequest.
    pub fn set_chosen_certificate(&mut self, cert: Option<Arc<CertifiedKey>>) -> Result<(), Error> {
        match self {
            Self::ExpectCertificate(s) if s.cert_request.is_some() => {
                s.chosen = Some(cert);
                Ok(())
            }
            Self::Tls12(c) => c.set_chosen_certificate(cert),
            _ => Err(Error::ApiMisuse("no certificate request to choose for")),
        }
    }

    /// The CertificateRequest a certificate is chosen for: the handshake's
    /// while it waits, else the oldest unanswered post-handshake one.
    pub fn certificate_request_info(&self) -> Option<CertificateRequestInfo> {
        match self {
            Self::ExpectCertificate(s) => s.cert_request.as_ref().map(CertificateRequestInfo::of),
            Self::Tls12(c) => c.certificate_request_info(),
            Self::Traffic(t) => t
                .requests
                .front()
                .map(|(_, request)| CertificateRequestInfo::of(request)),
            _ => None,
        }
    }
}
