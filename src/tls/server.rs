//! The server's handshake and post-handshake state machine (RFC 8446 §4),
//! with post-handshake client authentication (§4.6.2) as its own states.

use std::sync::Arc;

use super::client::{TLS13, now_secs, random_bytes};
use super::codec::certificate::{
    Certificate, CertificateEntry, CertificateRequest, CertificateVerify, signed_content,
};
use super::codec::extensions::{self, Extensions, KeyShareEntry, ext};
use super::codec::handshake::{HandshakeType, RawMessage, frame};
use super::codec::hello::{ClientHello, HRR_RANDOM, ServerHello};
use super::codec::psk;
use super::codec::ticket::{MAX_TICKET_LIFETIME, NewSessionTicket};
use super::common::{Common, Event, PeerIdentity, Verification};
use super::config::{
    CertifiedKey, ClientAuth, ExtensionMessage, ServerConfig, VerifyPolicy, check_peer_key_usage,
};
use super::error::{Error, InvalidMessage, PeerMisbehaved};
use super::key_schedule::{
    KeySchedule, Master, Secret, check_finished, finished_verify_data, ticket_psk, verify_finished,
};
use super::resumption::ServerTicketState;
use super::suites::{CipherSuite, group};
use super::ticket_keys::TicketKeys;
use crate::crypto::hash::{HashAlgorithm, Transcript};
use crate::crypto::kx::{KeyShare, KxGroup};
use crate::crypto::sign::CERTIFICATE_SCHEMES;
use crate::x509::verify::{Role, verify_signature};

/// How much rejected 0-RTT data a server skips before giving up.
const MAX_SKIPPED_EARLY_DATA: usize = 1 << 16;

/// The server's states.
pub(crate) enum ServerState {
    ExpectClientHello(Box<ExpectClientHello>),
    /// The first ClientHello is handled, its answer not yet built: the
    /// application looks at it first (`pause_after_client_hello`).
    AwaitClientHelloCheck(Box<PausedHello>),
    /// A ClientHello whose version negotiation failed, paused all the same
    /// for the application's look (GnuTLS calls its post-client-hello
    /// function then too, and a priority it sets may let the version in):
    /// the failure stands unless a new configuration comes.
    AwaitClientHelloCheckFailed(Box<(RawMessage, Error)>),
    /// The same for a ClientHello that gets TLS 1.2: the configuration,
    /// the hello and its message.
    AwaitClientHelloCheck12(Box<(Arc<ServerConfig>, ClientHello, RawMessage)>),
    /// The first ClientHello, not yet handled: its PRE hook changed the
    /// configuration (`HookStop::Reconfigure`). The state it arrived in and
    /// the message.
    AwaitReconfigure(Box<(ServerState, RawMessage)>),
    ExpectCertificate(Box<ServerHandshake>),
    ExpectCertificateVerify(Box<ServerHandshake>),
    ExpectFinished(Box<ServerHandshake>),
    Traffic(Box<ServerTraffic>),
    /// TLS 1.2 was negotiated.
    Tls12(Box<super::tls12::server::Server12>),
}

pub(crate) struct ExpectClientHello {
    config: Arc<ServerConfig>,
    retry: Option<Retry>,
}

/// A ClientHello waiting for the application's look before it is answered.
pub(crate) struct PausedHello {
    expect: Box<ExpectClientHello>,
    hello: ClientHello,
    message: RawMessage,
    choice: Choice,
}

/// What a HelloRetryRequest fixed for the second ClientHello.
struct Retry {
    suite: CipherSuite,
    group: KxGroup,
    transcript: Transcript,
    session_id: Vec<u8>,
    /// The first ClientHello: the second may change only a few things.
    first_hello: ClientHello,
}

pub(crate) struct ServerHandshake {
    config: Arc<ServerConfig>,
    /// The master secret stage: the resumption secret comes from it.
    master: KeySchedule<Master>,
    suite: CipherSuite,
    transcript: Transcript,
    client_secret: Secret,
    client_app: Secret,
    peer_chain: Vec<Vec<u8>>,
}

/// Where a post-handshake authentication stands.
enum Pha {
    Idle,
    ExpectCertificate {
        context: Vec<u8>,
        transcript: Transcript,
        require: bool,
    },
    ExpectCertificateVerify {
        transcript: Transcript,
        identity: PeerIdentity,
    },
    ExpectFinished {
        transcript: Transcript,
        identity: PeerIdentity,
    },
}

pub(crate) struct ServerTraffic {
    config: Arc<ServerConfig>,
    suite: CipherSuite,
    /// The transcript through the client's Finished: the base of every
    /// post-handshake authentication.
    base: Transcript,
    pha: Pha,
    /// The resumption master secret: more tickets can be sent.
    resumption: Secret,
    /// The client's certificate chain, sealed into later tickets.
    client_chain: Vec<Vec<u8>>,
}

/// What the ClientHello settled.
struct Choice {
    suite: CipherSuite,
    /// The certificate to present and the scheme it signs with (`None`
    /// without a certificate).
    certificate: Option<(Arc<CertifiedKey>, u16)>,
    share: Option<KeyShareEntry>,
    /// The (EC)DHE group; `None` when the client offered none we share
    /// (only a PSK without (EC)DHE can then complete).
    group: Option<KxGroup>,
    alpn: Option<Vec<u8>>,
    /// An external PSK the client proved it holds, if one was accepted.
    psk: Option<PskChoice>,
}

/// An accepted PSK: external, or a ticket's (resumption).
struct PskChoice {
    /// A ticket's PSK: the handshake resumes a session.
    resumed: bool,
    /// The external identity (empty for a ticket).
    identity: Vec<u8>,
    key: zeroize::Zeroizing<Vec<u8>>,
    /// Its index among the client's identities.
    index: u16,
    /// psk_dhe_ke (true) or psk_ke.
    with_dhe: bool,
    /// The client identity a ticket restores.
    peer: Option<PeerIdentity>,
    /// The session's own id a ticket restores.
    persistent_id: Vec<u8>,
}

/// The application's extensions in `message`: answered to a client that
/// offered them, or to any with `unasked`.
fn answer_custom(
    config: &ServerConfig,
    hello: &ClientHello,
    message: ExtensionMessage,
    extensions: &mut Extensions,
) -> Result<(), Error> {
    for custom in &config.custom_extensions {
        if hello.extensions.has(custom.extension_type()) || custom.unasked() {
            if let Some(body) = custom.send(message).map_err(Error::HookAborted)? {
                extensions.push(custom.extension_type(), body);
            }
        }
    }
    Ok(())
}

/// The certificate to present and its signature scheme: with a choice,
/// the first whose names hold the client's server name and whose key signs
/// with one of `schemes`, else the first whose key does; `None` when no
/// key can (or there is no certificate).
fn choose_certificate(
    config: &ServerConfig,
    server_name: Option<&str>,
    schemes: &[u16],
) -> Option<(Arc<CertifiedKey>, u16)> {
    let signs = |key: &Arc<CertifiedKey>| {
        if !config.may_sign_with(key) {
            return None;
        }
        key.key.choose_scheme(schemes).map(|s| (key.clone(), s))
    };
    if config.certificates.is_empty() {
        return config.certificate.as_ref().and_then(signs);
    }
    let named = server_name.and_then(|name| {
        config
            .certificates
            .iter()
            .filter(|c| c.names.iter().any(|n| n == name))
            .find_map(|c| signs(&c.key))
    });
    named.or_else(|| config.certificates.iter().find_map(|c| signs(&c.key)))
}

/// The ALPN protocol to answer with: by our preference or the client's
/// (`alpn_server_precedence`); none in common fails the handshake when
/// `alpn_mandatory`, else goes on without.
pub(crate) fn choose_alpn(
    config: &ServerConfig,
    hello: &ClientHello,
) -> Result<Option<Vec<u8>>, Error> {
    Ok(match hello.extensions.get(ext::ALPN) {
        Some(body) if !config.alpn.is_empty() => {
            let offered = extensions::read_alpn(body)?;
            let common = if config.alpn_server_precedence {
                config.alpn.iter().find(|p| offered.contains(p))
            } else {
                offered.iter().find(|p| config.alpn.contains(p))
            };
            match common {
                Some(protocol) => Some(protocol.clone()),
                None if config.alpn_mandatory => {
                    return Err(PeerMisbehaved::NoApplicationProtocol.into());
                }
                None => None,
            }
        }
        _ => None,
    })
}

impl ServerState {
    /// A server waiting for a ClientHello.
    pub fn start(config: Arc<ServerConfig>) -> Self {
        Self::ExpectClientHello(Box::new(ExpectClientHello {
            config,
            retry: None,
        }))
    }

    /// Whether the next message is the connection's first ClientHello.
    pub fn expects_first_client_hello(&self) -> bool {
        matches!(self, Self::ExpectClientHello(s) if s.retry.is_none())
    }

    /// Handles one handshake message.
    pub fn handle(self, common: &mut Common, message: RawMessage) -> Result<Self, Error> {
        use HandshakeType as T;
        match (self, message.ty) {
            (Self::ExpectClientHello(s), T::ClientHello) => s.handle(common, &message),
            (Self::Tls12(s), _) => Ok(Self::Tls12(Box::new(s.handle(common, &message)?))),
            (Self::ExpectCertificate(s), T::Certificate) => s.certificate(common, &message),
            (Self::ExpectCertificateVerify(s), T::CertificateVerify) => {
                s.certificate_verify(common, &message)
            }
            (Self::ExpectFinished(s), T::Finished) => s.finished(common, &message),
            (Self::Traffic(s), T::KeyUpdate) => {
                common.receive_key_update(&message)?;
                Ok(Self::Traffic(s))
            }
            (Self::Traffic(s), T::Certificate | T::CertificateVerify | T::Finished) => {
                s.post_handshake(common, &message)
            }
            _ => Err(PeerMisbehaved::UnexpectedMessage("handshake message in this state").into()),
        }
    }

    /// Answers the ClientHello the application has looked at; under
    /// `new_config` when the application changed its configuration while
    /// looking (GnuTLS: a priority set in the post-client-hello function),
    /// negotiating it afresh then (its extensions' hooks see it again).
    pub fn resume_client_hello(
        self,
        common: &mut Common,
        new_config: Option<Arc<ServerConfig>>,
    ) -> Result<Self, Error> {
        if let Self::AwaitReconfigure(p) = self {
            // Not handled yet: the new configuration may pause after it
            // like any other (for the post-client-hello look).
            let (arrived_in, message) = *p;
            return match new_config {
                Some(config) => Self::start(config).handle(common, message),
                None => arrived_in.handle(common, message),
            };
        }
        if let Some(config) = new_config {
            let message = match self {
                Self::AwaitClientHelloCheck(p) => p.message,
                Self::AwaitClientHelloCheck12(p) => p.2,
                Self::AwaitClientHelloCheckFailed(p) => p.0,
                _ => return Err(Error::ApiMisuse("not waiting for a ClientHello check")),
            };
            if config.pause_after_client_hello {
                return Err(Error::ApiMisuse("a new configuration that pauses again"));
            }
            return Self::start(config).handle(common, message);
        }
        match self {
            Self::AwaitClientHelloCheck(p) => {
                let PausedHello {
                    expect,
                    hello,
                    message,
                    choice,
                } = *p;
                expect.answer(common, &hello, &message, choice)
            }
            Self::AwaitClientHelloCheck12(p) => {
                let (config, hello, message) = *p;
                let server = super::tls12::server::accept(&config, common, &hello, &message)?;
                Ok(Self::Tls12(Box::new(server)))
            }
            Self::AwaitClientHelloCheckFailed(p) => Err(p.1),
            _ => Err(Error::ApiMisuse("not waiting for a ClientHello check")),
        }
    }
}

impl ExpectClientHello {
    fn choose(&self, hello: &ClientHello) -> Result<Choice, Error> {
        let config = &self.config;
        // RFC 8446 §D.5: a legacy_version of SSL 3.0 or below is refused,
        // whatever supported_versions says.
        if hello.legacy_version <= 0x0300 {
            return Err(PeerMisbehaved::ProtocolVersion("legacy_version SSL 3.0 or below").into());
        }
        let versions = extensions::read_client_versions(
            hello
                .extensions
                .get(ext::SUPPORTED_VERSIONS)
                .ok_or(PeerMisbehaved::ProtocolVersion("no supported_versions"))?,
        )?;
        if !versions.contains(&TLS13) {
            return Err(PeerMisbehaved::ProtocolVersion("client does not offer TLS 1.3").into());
        }
        if !config.tls13 {
            return Err(PeerMisbehaved::ProtocolVersion("TLS 1.3 is disabled").into());
        }
        if hello.compression != [0] {
            return Err(PeerMisbehaved::IllegalParameter("compression").into());
        }
        if hello.extensions.has(ext::PRE_SHARED_KEY)
            && hello.extensions.last_type() != Some(ext::PRE_SHARED_KEY)
        {
            return Err(PeerMisbehaved::IllegalParameter("pre_shared_key must be last").into());
        }
        let suite = config
            .suites
            .iter()
            .copied()
            .find(|s| hello.cipher_suites.contains(&s.to_u16()))
            .ok_or(PeerMisbehaved::HandshakeFailure(
                "no cipher suite in common",
            ))?;
        // RFC 8446 §9.2: a ClientHello without pre_shared_key carries
        // signature_algorithms and supported_groups; supported_groups and
        // key_share come together. With a PSK, either may be missing:
        // whether a certificate or a group is needed is known once the PSK
        // is accepted or not (`handle`).
        let psk_offered = hello.extensions.has(ext::PRE_SHARED_KEY);
        let schemes = match hello.extensions.get(ext::SIGNATURE_ALGORITHMS) {
            Some(body) => extensions::read_u16_list(body, "signature_algorithms")?,
            None if psk_offered => Vec::new(),
            None => {
                return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
            }
        };
        // The schemes both ends allow, in the client's order.
        let schemes: Vec<u16> = schemes
            .into_iter()
            .filter(|s| config.signature_schemes.contains(s))
            .collect();
        let server_name = hello
            .extensions
            .get(ext::SERVER_NAME)
            .map(extensions::read_server_name)
            .transpose()?
            .flatten();
        let certificate = match choose_certificate(config, server_name.as_deref(), &schemes) {
            Some(chosen) => Some(chosen),
            None if config.certificate.is_some()
                && hello.extensions.has(ext::SIGNATURE_ALGORITHMS) =>
            {
                return Err(
                    PeerMisbehaved::HandshakeFailure("no signature scheme in common").into(),
                );
            }
            None => None,
        };
        let (group, share) = match (
            hello.extensions.get(ext::SUPPORTED_GROUPS),
            hello.extensions.get(ext::KEY_SHARE),
        ) {
            (Some(groups), Some(shares)) => self.choose_group(groups, shares, psk_offered)?,
            (None, None) if psk_offered => (None, None),
            (None, _) => return Err(PeerMisbehaved::MissingExtension("supported_groups").into()),
            (Some(_), None) => return Err(PeerMisbehaved::MissingExtension("key_share").into()),
        };
        let alpn = choose_alpn(config, hello)?;
        Ok(Choice {
            suite,
            certificate,
            share,
            group,
            alpn,
            psk: None,
        })
    }

    /// The group for (EC)DHE and the client's share in it, if it sent one.
    /// No group in common fails the handshake, unless a PSK is offered
    /// (psk_ke needs none).
    fn choose_group(
        &self,
        groups: &[u8],
        shares: &[u8],
        psk_offered: bool,
    ) -> Result<(Option<KxGroup>, Option<KeyShareEntry>), Error> {
        let config = &self.config;
        let offered_groups = extensions::read_u16_list(groups, "supported_groups")?;
        let shares = extensions::read_client_key_shares(shares)?;
        if shares.iter().any(|s| !offered_groups.contains(&s.group)) {
            return Err(PeerMisbehaved::IllegalParameter(
                "key share for a group not in supported_groups",
            )
            .into());
        }
        let with_share = config.groups.iter().find_map(|g| {
            shares
                .iter()
                .find(|s| s.group == group::to_u16(*g))
                .map(|s| (*g, s.clone()))
        });
        if let Some((g, s)) = with_share {
            return Ok((Some(g), Some(s)));
        }
        let group = config
            .groups
            .iter()
            .copied()
            .find(|g| offered_groups.contains(&group::to_u16(*g)));
        if group.is_none() && !psk_offered {
            return Err(PeerMisbehaved::HandshakeFailure("no group in common").into());
        }
        Ok((group, None))
    }

    /// Opens a ticket of ours still within its lifetime, whose age the
    /// client reports within a minute of ours (RFC 8446 §8.3 leaves the
    /// window to the server); `None` means "not a usable ticket".
    fn open_ticket(
        &self,
        identity: &[u8],
        obfuscated_age: u32,
        now: u64,
    ) -> Option<ServerTicketState> {
        let keys = self.config.tickets.as_ref()?;
        let state = ServerTicketState::decode(&keys.open(now, identity)?)?;
        let age = now.checked_sub(state.issued_at)?;
        if age >= u64::from(state.lifetime) {
            return None;
        }
        let client_age_ms = u64::from(obfuscated_age.wrapping_sub(state.age_add));
        ((client_age_ms / 1000).abs_diff(age) <= 60).then_some(state)
    }

    /// Accepts the first offered external PSK the lookup knows, once its
    /// binder checks out (RFC 8446 §4.2.11.2), in a mode both ends allow;
    /// the suite becomes a SHA-256 one, as external PSKs use SHA-256. An
    /// unknown identity, or no common mode or suite, leaves the handshake
    /// to certificates; a wrong binder is fatal (decrypt_error).
    fn choose_psk(
        &self,
        common: &mut Common,
        hello: &ClientHello,
        message: &RawMessage,
        choice: &mut Choice,
    ) -> Result<(), Error> {
        let Some(body) = hello.extensions.get(ext::PRE_SHARED_KEY) else {
            return Ok(());
        };
        if self.config.psk.is_none() && self.config.tickets.is_none() {
            return Ok(());
        }
        let offered = psk::OfferedPsks::decode(body)?;
        let modes = psk::decode_modes(
            hello
                .extensions
                .get(ext::PSK_KEY_EXCHANGE_MODES)
                .ok_or(PeerMisbehaved::MissingExtension("psk_key_exchange_modes"))?,
        )?;
        // Without a group in common, only psk_ke can work.
        let modes: Vec<u8> = modes
            .into_iter()
            .filter(|m| choice.group.is_some() || *m == psk::PSK_KE)
            .collect();
        let Some(with_dhe) = self.config.psk_modes.first_allowed(&modes) else {
            return Ok(());
        };
        // The first identity that is a ticket of ours or a known external
        // PSK, with its hash.
        let now = now_secs();
        let mut found = None;
        for (i, id) in offered.identities.iter().enumerate() {
            let index = u16::try_from(i).map_err(|_| InvalidMessage::InvalidValue("psk index"))?;
            if let Some(state) = self.open_ticket(&id.identity, id.obfuscated_ticket_age, now) {
                common.negotiated.resumption_requested = true;
                let Some(peer) = ticket_client_identity(&self.config, &state.client_chain) else {
                    continue;
                };
                let psk = PskChoice {
                    resumed: true,
                    identity: state.psk_identity.clone().unwrap_or_default(),
                    key: state.psk.clone(),
                    index,
                    with_dhe,
                    peer,
                    persistent_id: state.persistent_id.clone(),
                };
                found = Some((psk, state.suite.hash()));
                break;
            }
            let Some(lookup) = self.config.psk.as_ref() else {
                continue;
            };
            // As GnuTLS: an identity with a ticket age (an expired or
            // foreign ticket), or longer than a user name can be, is not
            // an external PSK's, and the lookup never sees it.
            if id.obfuscated_ticket_age != 0 || id.identity.len() > MAX_PSK_USERNAME {
                continue;
            }
            if let Some(key) = lookup(&id.identity).map_err(Error::HookAborted)? {
                let psk = PskChoice {
                    resumed: false,
                    identity: id.identity.clone(),
                    key,
                    index,
                    with_dhe,
                    peer: None,
                    persistent_id: Vec::new(),
                };
                found = Some((psk, HashAlgorithm::Sha256));
                break;
            }
        }
        let Some((psk, hash)) = found else {
            return Ok(());
        };
        let Some(suite) = self
            .config
            .suites
            .iter()
            .copied()
            .find(|s| s.hash() == hash && hello.cipher_suites.contains(&s.to_u16()))
        else {
            return Ok(());
        };
        if self.retry.as_ref().is_some_and(|r| r.suite.hash() != hash) {
            return Ok(());
        }
        // The binders cover the ClientHello up to the binders list.
        let binders_len = offered.binders_encoding().len();
        let truncated = message
            .bytes
            .get(..message.bytes.len().saturating_sub(binders_len))
            .ok_or(InvalidMessage::InvalidValue("pre_shared_key"))?;
        let mut transcript = match &self.retry {
            Some(retry) => retry.transcript.clone(),
            None => Transcript::new(hash),
        };
        transcript.update(truncated);
        // A binder is a Finished computed with the binder key (RFC 8446 §4.2.11.2).
        let binder_key = KeySchedule::new(hash, Some(&psk.key)).binder_key(!psk.resumed);
        verify_finished(
            hash,
            &binder_key,
            &transcript.current(),
            &offered.binders[usize::from(psk.index)],
        )
        .map_err(|_| PeerMisbehaved::BadPskBinder)?;
        choice.suite = suite;
        choice.psk = Some(psk);
        Ok(())
    }

    fn handle(
        self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ServerState, Error> {
        let hello = ClientHello::decode(message.body())?;
        if let Some(retry) = &self.retry {
            if !hello.follows_retry(&retry.first_hello) {
                return Err(PeerMisbehaved::IllegalParameter(
                    "second ClientHello changed more than RFC 8446 §4.1.2 allows",
                )
                .into());
            }
        }
        if self.retry.is_none() && super::tls12::server::negotiates_tls12(&self.config, &hello)? {
            if self.config.pause_after_client_hello {
                // The application's check may ask for the name the client
                // sent.
                if let Some(name) = hello.extensions.get(ext::SERVER_NAME) {
                    common.negotiated.server_name = extensions::read_server_name(name)?;
                }
                common.client_hello_pause_requested = true;
                return Ok(ServerState::AwaitClientHelloCheck12(Box::new((
                    self.config.clone(),
                    hello,
                    message.clone(),
                ))));
            }
            let server = super::tls12::server::accept(&self.config, common, &hello, message)?;
            return Ok(ServerState::Tls12(Box::new(server)));
        }
        common.client_random = hello.random;
        common.key_log = self.config.key_log.clone();
        let mut choice = match self.choose(&hello) {
            Ok(choice) => choice,
            Err(e @ Error::PeerMisbehaved(PeerMisbehaved::ProtocolVersion(_)))
                if self.retry.is_none() && self.config.pause_after_client_hello =>
            {
                if let Some(name) = hello.extensions.get(ext::SERVER_NAME) {
                    common.negotiated.server_name = extensions::read_server_name(name)?;
                }
                common.client_hello_pause_requested = true;
                return Ok(ServerState::AwaitClientHelloCheckFailed(Box::new((
                    message.clone(),
                    e,
                ))));
            }
            Err(e) => return Err(e),
        };
        common.negotiated.ocsp_requested = hello
            .extensions
            .get(ext::STATUS_REQUEST)
            .is_some_and(|body| body.first() == Some(&1));
        // A client whose PSK modes share none with ours could never use a
        // ticket: GnuTLS sends it none, and so do we.
        if let Some(body) = hello.extensions.get(ext::PSK_KEY_EXCHANGE_MODES) {
            let modes = psk::decode_modes(body)?;
            common.negotiated.tickets_unusable =
                self.config.psk_modes.first_allowed(&modes).is_none();
        }
        self.choose_psk(common, &hello, message, &mut choice)?;
        if choice.psk.is_none() {
            // Certificates and (EC)DHE, so RFC 8446 §9.2's extensions.
            if self.config.certificate.is_none() {
                return Err(PeerMisbehaved::NoServerCredentials.into());
            }
            if !hello.extensions.has(ext::SIGNATURE_ALGORITHMS) {
                return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
            }
            if !hello.extensions.has(ext::SUPPORTED_GROUPS) {
                return Err(PeerMisbehaved::MissingExtension("supported_groups").into());
            }
            if choice.group.is_none() {
                return Err(PeerMisbehaved::HandshakeFailure("no group in common").into());
            }
        }
        if let Some(retry) = &self.retry {
            // RFC 8446 §4.1.2: the second ClientHello answers the HelloRetryRequest.
            if choice.suite != retry.suite
                || choice.group != Some(retry.group)
                || hello.session_id != retry.session_id
            {
                return Err(PeerMisbehaved::IllegalParameter(
                    "second ClientHello does not follow the retry",
                )
                .into());
            }
            if choice.share.is_none() {
                return Err(PeerMisbehaved::IllegalParameter(
                    "no key share for the requested group",
                )
                .into());
            }
        }
        if let Some(name) = hello.extensions.get(ext::SERVER_NAME) {
            common.negotiated.server_name = extensions::read_server_name(name)?;
        }
        if let Some(body) = hello.extensions.get(ext::POST_HANDSHAKE_AUTH) {
            if !body.is_empty() {
                return Err(InvalidMessage::InvalidValue("post_handshake_auth").into());
            }
            common.negotiated.peer_offered_post_handshake_auth = true;
        }
        common.negotiated.session_id = hello.session_id.clone();
        common.negotiated.alpn = choice.alpn.clone();
        common.negotiated.peer_offered_extended_master_secret =
            hello.extensions.has(ext::EXTENDED_MASTER_SECRET);
        // TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3).
        const RENEGOTIATION_SCSV: u16 = 0x00ff;
        common.negotiated.peer_offered_safe_renegotiation =
            hello.extensions.has(ext::RENEGOTIATION_INFO)
                || hello.cipher_suites.contains(&RENEGOTIATION_SCSV);
        // Each ClientHello's, as GnuTLS: the second may answer what our
        // HelloRetryRequest carried (a cookie).
        for custom in &self.config.custom_extensions {
            if let Some(body) = hello.extensions.get(custom.extension_type()) {
                custom
                    .receive(ExtensionMessage::ClientHello, body)
                    .map_err(Error::HookAborted)?;
            }
        }
        if self.retry.is_none() && self.config.pause_after_client_hello {
            common.client_hello_pause_requested = true;
            return Ok(ServerState::AwaitClientHelloCheck(Box::new(PausedHello {
                expect: self,
                hello,
                message: message.clone(),
                choice,
            })));
        }
        if hello.extensions.has(ext::EARLY_DATA) {
            // 0-RTT is never accepted (EncryptedExtensions never carries
            // early_data), so what the client sends early is skipped, bounded.
            common.skip_early_data = MAX_SKIPPED_EARLY_DATA;
        }
        self.answer(common, &hello, message, choice)
    }

    /// Answers a ClientHello: a HelloRetryRequest, or the full flight.
    fn answer(
        self: Box<Self>,
        common: &mut Common,
        hello: &ClientHello,
        message: &RawMessage,
        choice: Choice,
    ) -> Result<ServerState, Error> {
        let psk_only = choice.psk.as_ref().is_some_and(|p| !p.with_dhe);
        match choice.share.clone() {
            _ if psk_only => self.accept(common, hello, message, choice, None),
            None => self.retry_request(common, hello, message, &choice),
            Some(share) => self.accept(common, hello, message, choice, Some(&share)),
        }
    }

    /// Asks for a key share in `choice.group` (RFC 8446 §4.1.4).
    fn retry_request(
        self: Box<Self>,
        common: &mut Common,
        hello: &ClientHello,
        message: &RawMessage,
        choice: &Choice,
    ) -> Result<ServerState, Error> {
        if self.retry.is_some() {
            return Err(PeerMisbehaved::IllegalParameter(
                "second ClientHello without a usable key share",
            )
            .into());
        }
        let group = choice
            .group
            .ok_or(Error::Internal("retry request without a group"))?;
        let mut extensions = Extensions::new();
        extensions.push(ext::SUPPORTED_VERSIONS, TLS13.to_be_bytes().to_vec());
        extensions.push(ext::KEY_SHARE, group::to_u16(group).to_be_bytes().to_vec());
        answer_custom(
            &self.config,
            hello,
            ExtensionMessage::HelloRetryRequest,
            &mut extensions,
        )?;
        let hrr = ServerHello {
            legacy_version: 0x0303,
            random: HRR_RANDOM,
            session_id: hello.session_id.clone(),
            cipher_suite: choice.suite.to_u16(),
            compression: 0,
            extensions,
        };
        let mut transcript = Transcript::new(choice.suite.hash());
        transcript.update(&frame(
            HandshakeType::MessageHash,
            &choice.suite.hash().hash(&message.bytes),
        ));
        // GnuTLS runs no POST hook for a ClientHello it answers with a
        // retry request: the hooks see the second one handled instead.
        common.pending_post_hook = None;
        let sent = common.send_message(HandshakeType::ServerHello, &hrr.encode())?;
        transcript.update(&sent);
        if !hello.session_id.is_empty() && self.config.middlebox_compat {
            common.send_ccs()?;
        }
        common.negotiated.retried = true;
        Ok(ServerState::ExpectClientHello(Box::new(
            ExpectClientHello {
                config: self.config,
                retry: Some(Retry {
                    suite: choice.suite,
                    group,
                    transcript,
                    session_id: hello.session_id.clone(),
                    first_hello: hello.clone(),
                }),
            },
        )))
    }

    /// The full server flight: ServerHello, then EncryptedExtensions,
    /// CertificateRequest, Certificate, CertificateVerify and Finished.
    fn accept(
        self: Box<Self>,
        common: &mut Common,
        hello: &ClientHello,
        message: &RawMessage,
        choice: Choice,
        share: Option<&KeyShareEntry>,
    ) -> Result<ServerState, Error> {
        let config = self.config;
        let suite = choice.suite;
        // (EC)DHE unless the PSK stands alone (psk_ke).
        let exchange = match share {
            Some(share) => {
                let group = choice
                    .group
                    .ok_or(Error::Internal("key share without a group"))?;
                let ours = KeyShare::generate(group)
                    .map_err(|_| Error::Internal("key generation failed"))?;
                let our_entry = KeyShareEntry {
                    group: share.group,
                    key: ours.public().to_vec(),
                };
                let shared = ours
                    .agree(&share.key)
                    .map_err(|_| PeerMisbehaved::IllegalParameter("invalid key share"))?;
                Some((our_entry, shared))
            }
            None => None,
        };
        let mut transcript = match self.retry {
            Some(retry) => retry.transcript,
            None => Transcript::new(suite.hash()),
        };
        transcript.update(&message.bytes);
        let mut extensions = Extensions::new();
        extensions.push(ext::SUPPORTED_VERSIONS, TLS13.to_be_bytes().to_vec());
        if let Some((our_entry, _)) = &exchange {
            let mut entry = Vec::new();
            our_entry.encode(&mut entry);
            extensions.push(ext::KEY_SHARE, entry);
        }
        if let Some(psk) = &choice.psk {
            extensions.push(ext::PRE_SHARED_KEY, psk::encode_selected(psk.index));
        }
        let sh = ServerHello {
            legacy_version: 0x0303,
            random: match config.random {
                Some(random) => random,
                None => random_bytes()?,
            },
            session_id: hello.session_id.clone(),
            cipher_suite: suite.to_u16(),
            compression: 0,
            extensions,
        };
        common.server_random = sh.random;
        let sent = common.send_message(HandshakeType::ServerHello, &sh.encode())?;
        transcript.update(&sent);
        if !hello.session_id.is_empty() && config.middlebox_compat {
            common.send_ccs()?;
        }
        let schedule =
            KeySchedule::new(suite.hash(), choice.psk.as_ref().map(|p| p.key.as_slice()))
                .into_handshake(exchange.as_ref().map(|(_, shared)| shared.as_slice()));
        let (client_secret, server_secret) = schedule.traffic_secrets(&transcript.current());
        common.log_secret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &client_secret);
        common.log_secret("SERVER_HANDSHAKE_TRAFFIC_SECRET", &server_secret);
        common.suite = Some(suite);
        common.negotiated.suite = Some(suite);
        common.negotiated.group = choice.group.filter(|_| exchange.is_some());
        // A resumed session of an external PSK keeps its identity.
        common.negotiated.psk_identity = choice
            .psk
            .as_ref()
            .filter(|p| !p.identity.is_empty() || !p.resumed)
            .map(|p| p.identity.clone());
        common.negotiated.resumed = choice.psk.as_ref().is_some_and(|p| p.resumed);
        match choice.psk.as_ref().filter(|p| p.resumed) {
            Some(p) => {
                common.negotiated.peer = p.peer.clone();
                common.negotiated.persistent_id = p.persistent_id.clone();
            }
            None => common.negotiated.persistent_id = random_bytes::<32>()?.to_vec(),
        }
        common.negotiated.psk_with_dhe = choice.psk.as_ref().is_some_and(|p| p.with_dhe);
        common.negotiated.alpn = choice.alpn.clone();
        common.set_write_key(suite, &server_secret);
        common.set_read_key(suite, &client_secret)?;

        let mut ee = Extensions::new();
        if let Some(protocol) = &choice.alpn {
            ee.push(ext::ALPN, extensions::alpn(std::slice::from_ref(protocol)));
        }
        if let Some(limit) = hello.extensions.get(ext::RECORD_SIZE_LIMIT) {
            // RFC 8449: announce ours only to a client that announced one.
            common.apply_record_size_limit(limit)?;
            ee.push(
                ext::RECORD_SIZE_LIMIT,
                config.record_size_limit.to_be_bytes().to_vec(),
            );
        } else if let Some(body) = hello.extensions.get(ext::MAX_FRAGMENT_LENGTH) {
            // Without record_size_limit, the client's max_fragment_length
            // holds (RFC 8449 §5 prefers the former); agreed by echoing it.
            let size = match body {
                [code] => extensions::max_fragment_size(*code),
                _ => None,
            }
            .ok_or(PeerMisbehaved::IllegalParameter("max_fragment_length"))?;
            common.apply_max_fragment(size);
            ee.push(ext::MAX_FRAGMENT_LENGTH, body.to_vec());
        }
        answer_custom(
            &config,
            hello,
            ExtensionMessage::EncryptedExtensions,
            &mut ee,
        )?;
        let mut body = Vec::new();
        ee.encode(&mut body);
        transcript.update(&common.send_message(HandshakeType::EncryptedExtensions, &body)?);
        // A PSK authenticates both ends: no certificates in the main
        // handshake (RFC 8446 §4.3.2); post-handshake auth stays possible.
        let certificate = match (&choice.psk, choice.certificate) {
            (None, Some(chosen)) => Some(chosen),
            (None, None) => return Err(Error::Internal("no certificate to send")),
            (Some(_), _) => None,
        };
        let with_certificates = certificate.is_some();
        if with_certificates && config.client_auth != ClientAuth::None {
            let request = certificate_request(Vec::new(), &config);
            transcript.update(
                &common.send_message(HandshakeType::CertificateRequest, &request.encode())?,
            );
        }
        if let Some((ours, scheme)) = certificate {
            let entries = ours
                .chain
                .iter()
                .map(|der| CertificateEntry {
                    cert: der.clone(),
                    extensions: Extensions::new(),
                })
                .collect();
            let certificate = Certificate {
                context: Vec::new(),
                entries,
            };
            common.negotiated.local_certificate =
                certificate.entries.first().map(|e| e.cert.clone());
            transcript
                .update(&common.send_message(HandshakeType::Certificate, &certificate.encode())?);
            let content = signed_content(true, &transcript.current());
            let signature = ours
                .key
                .sign(scheme, &content)
                .map_err(|_| Error::Internal("signing failed"))?;
            let cv = CertificateVerify { scheme, signature };
            common.negotiated.server_signature_scheme = Some(scheme);
            transcript
                .update(&common.send_message(HandshakeType::CertificateVerify, &cv.encode())?);
        }
        let verify_data = finished_verify_data(suite.hash(), &server_secret, &transcript.current());
        transcript.update(&common.send_message(HandshakeType::Finished, &verify_data)?);
        let master = schedule.into_master();
        let (client_app, server_app) = master.traffic_secrets(&transcript.current());
        let exporter = master.exporter_master(&transcript.current());
        // GnuTLS's order: the exporter secret before the traffic secrets.
        common.log_secret("EXPORTER_SECRET", &exporter);
        common.log_secret("CLIENT_TRAFFIC_SECRET_0", &client_app);
        common.log_secret("SERVER_TRAFFIC_SECRET_0", &server_app);
        common.exporter_master = Some(exporter);
        // Our records go under the application key from here on (and a
        // KeyUpdate derives from its secret); the client's, after its Finished.
        common.set_write_key(suite, &server_app);
        common.write_secret = Some(server_app);
        let expect_certificate = with_certificates && config.client_auth != ClientAuth::None;
        if config.early_start && !expect_certificate && choice.psk.is_none() {
            // Early start (GnuTLS's GNUTLS_ENABLE_EARLY_START): nothing is
            // left to learn of an unauthenticated client, so the server may
            // send before the client's Finished; what it receives waits for it.
            common.early_started = true;
            common.negotiated.early_start = true;
        }
        let next = Box::new(ServerHandshake {
            config,
            master,
            suite,
            transcript,
            client_secret,
            client_app,
            peer_chain: Vec::new(),
        });
        Ok(if expect_certificate {
            ServerState::ExpectCertificate(next)
        } else {
            ServerState::ExpectFinished(next)
        })
    }
}

/// The longest external PSK identity looked up (GnuTLS's user names).
const MAX_PSK_USERNAME: usize = 128;

/// Sends one NewSessionTicket (RFC 8446 §4.6.1) carrying, sealed, what a
/// later resumption needs. A failing random generator skips the ticket: a
/// client without one simply does a full handshake next time.
fn send_ticket(
    common: &mut Common,
    config: &ServerConfig,
    keys: &TicketKeys,
    suite: CipherSuite,
    resumption: &Secret,
    client_chain: &[Vec<u8>],
) -> Result<(), Error> {
    let (Ok(nonce), Ok(age_add)) = (random_bytes::<8>(), random_bytes::<4>()) else {
        return Ok(());
    };
    let hash = suite.hash();
    let lifetime = config.ticket_lifetime.min(MAX_TICKET_LIFETIME);
    let now = now_secs();
    let state = ServerTicketState {
        suite,
        psk: zeroize::Zeroizing::new(ticket_psk(hash, resumption, &nonce).expose().to_vec()),
        issued_at: now,
        lifetime,
        age_add: u32::from_be_bytes(age_add),
        server_name: common.negotiated.server_name.clone(),
        client_chain: client_chain.to_vec(),
        persistent_id: common.negotiated.persistent_id.clone(),
        psk_identity: common.negotiated.psk_identity.clone(),
    };
    let Some(ticket) = keys.seal(now, &state.encode()) else {
        return Ok(());
    };
    let nst = NewSessionTicket {
        lifetime,
        age_add: state.age_add,
        nonce: nonce.to_vec(),
        ticket,
        extensions: Extensions::new(),
    };
    common.send_message(HandshakeType::NewSessionTicket, &nst.encode())?;
    Ok(())
}

/// A CertificateRequest with `context` asking for our handshake schemes,
/// and naming our trusted authorities (DER Names) when there are any.
fn certificate_request(context: Vec<u8>, config: &ServerConfig) -> CertificateRequest {
    let authorities = &config.certificate_authorities;
    let mut extensions = Extensions::new();
    extensions.push(
        ext::SIGNATURE_ALGORITHMS,
        extensions::u16_list(&config.signature_schemes),
    );
    extensions.push(
        ext::SIGNATURE_ALGORITHMS_CERT,
        extensions::u16_list(CERTIFICATE_SCHEMES),
    );
    if let Some(body) = extensions::authorities(authorities) {
        extensions.push(ext::CERTIFICATE_AUTHORITIES, body);
    }
    CertificateRequest {
        context,
        extensions,
    }
}

/// Verifies a client chain as `config` asks.
pub(crate) fn check_client_chain(
    config: &ServerConfig,
    chain: &[Vec<u8>],
) -> Result<Verification, Error> {
    Ok(match &config.client_trust {
        None => Verification::NotChecked,
        Some(trust) => match trust.verify(chain, Role::Client, None, now_secs()) {
            Ok(()) => Verification::Verified,
            Err(e) if config.verify == VerifyPolicy::Enforce => return Err(e.into()),
            Err(e) => Verification::Failed(e),
        },
    })
}

/// The client identity a resumed session restores from its ticket's
/// `chain`: `None` when the ticket may not resume here (a chain that no
/// longer verifies where failures are fatal, or none where one is now
/// required); `Some(None)` for a session without a client certificate.
pub(crate) fn ticket_client_identity(
    config: &ServerConfig,
    chain: &[Vec<u8>],
) -> Option<Option<PeerIdentity>> {
    if chain.is_empty() {
        return (config.client_auth != ClientAuth::Require).then_some(None);
    }
    // Checked again against today's trust and clock.
    check_client_chain(config, chain).ok().map(|verification| {
        Some(PeerIdentity {
            chain: chain.to_vec(),
            verification,
        })
    })
}

/// Takes the chain of a client's Certificate (empty: it sent none): checked
/// as `config` asks and kept until its CertificateVerify and the Finished
/// prove it. None where one is required is `missing`; none where one was
/// only requested lets the application's check see "no certificate" too
/// (GnuTLS runs its verify function then). Returns whether a chain came
/// (so a CertificateVerify is due).
pub(crate) fn take_client_chain(
    config: &ServerConfig,
    common: &mut Common,
    chain: &[Vec<u8>],
    missing: PeerMisbehaved,
) -> Result<bool, Error> {
    if chain.is_empty() {
        if config.client_auth == ClientAuth::Require {
            return Err(missing.into());
        }
        common.peer_authentication_received();
        return Ok(false);
    }
    let verification = check_client_chain(config, chain)?;
    common.negotiated.peer_under_check = Some(PeerIdentity {
        chain: chain.to_vec(),
        verification,
    });
    Ok(true)
}

/// Checks a client CertificateVerify over `transcript`; returns its
/// signature scheme.
fn check_client_signature(
    config: &ServerConfig,
    leaf: &[u8],
    transcript: &Transcript,
    message: &RawMessage,
) -> Result<u16, Error> {
    let cv = CertificateVerify::decode(message.body())?;
    if !config.signature_schemes.contains(&cv.scheme) {
        return Err(PeerMisbehaved::IllegalParameter("signature scheme not offered").into());
    }
    check_peer_key_usage(leaf, config.peer_key_usage_unchecked)?;
    let content = signed_content(false, &transcript.current());
    verify_signature(leaf, cv.scheme, &content, &cv.signature)
        .map_err(|_| PeerMisbehaved::DecryptError("client CertificateVerify"))?;
    Ok(cv.scheme)
}

impl ServerHandshake {
    fn certificate(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ServerState, Error> {
        let cert = Certificate::decode(message.body())?;
        if !cert.context.is_empty() {
            return Err(
                PeerMisbehaved::IllegalParameter("handshake Certificate with a context").into(),
            );
        }
        // Our CertificateRequest asks for no per-certificate extension.
        cert.check_chain_length()?;
        cert.check_entry_extensions(|_| false)?;
        self.transcript.update(&message.bytes);
        let chain: Vec<Vec<u8>> = cert.entries.into_iter().map(|e| e.cert).collect();
        if !take_client_chain(
            &self.config,
            common,
            &chain,
            PeerMisbehaved::CertificateRequired,
        )? {
            return Ok(ServerState::ExpectFinished(self));
        }
        self.peer_chain = chain;
        Ok(ServerState::ExpectCertificateVerify(self))
    }

    fn certificate_verify(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ServerState, Error> {
        let leaf = self
            .peer_chain
            .first()
            .map(Vec::as_slice)
            .unwrap_or_default();
        common.negotiated.client_signature_scheme = Some(check_client_signature(
            &self.config,
            leaf,
            &self.transcript,
            message,
        )?);
        common.peer_authentication_received();
        self.transcript.update(&message.bytes);
        Ok(ServerState::ExpectFinished(self))
    }

    fn finished(
        self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ServerState, Error> {
        let ServerHandshake {
            config,
            master,
            suite,
            mut transcript,
            client_secret,
            client_app,
            peer_chain,
        } = *self;
        check_finished(
            suite.hash(),
            &client_secret,
            &transcript.current(),
            message.body(),
            "client Finished",
        )?;
        transcript.update(&message.bytes);
        // Our write key is the application one since our Finished.
        common.set_read_key(suite, &client_app)?;
        common.read_secret = Some(client_app);
        common.early_started = false;
        // The Finished verified: the chain it covers is proven.
        if let Some(identity) = common.negotiated.peer_under_check.take() {
            if !identity.chain.is_empty() {
                common.negotiated.peer = Some(identity);
            }
        }
        let resumption = master.resumption_master(&transcript.current());
        // A resumed session keeps the chain the ticket carried.
        let client_chain = if peer_chain.is_empty() {
            common
                .negotiated
                .peer
                .as_ref()
                .map(|p| p.chain.clone())
                .unwrap_or_default()
        } else {
            peer_chain
        };
        if let Some(keys) = config
            .tickets
            .as_ref()
            .filter(|_| !common.negotiated.tickets_unusable)
        {
            for _ in 0..config.tickets_per_handshake {
                send_ticket(common, &config, keys, suite, &resumption, &client_chain)?;
            }
        }
        common.traffic = true;
        common.ccs_window = false;
        common.skip_early_data = 0;
        common.events.push_back(Event::HandshakeComplete);
        Ok(ServerState::Traffic(Box::new(ServerTraffic {
            config,
            suite,
            base: transcript,
            pha: Pha::Idle,
            resumption,
            client_chain,
        })))
    }
}

impl ServerTraffic {
    /// Sends `n` more tickets; nothing without ticket keys.
    pub fn send_tickets(&self, common: &mut Common, n: usize) -> Result<(), Error> {
        if common.negotiated.tickets_unusable {
            return Ok(());
        }
        if let Some(keys) = &self.config.tickets {
            for _ in 0..n {
                send_ticket(
                    common,
                    &self.config,
                    keys,
                    self.suite,
                    &self.resumption,
                    &self.client_chain,
                )?;
            }
        }
        Ok(())
    }

    /// Whether a post-handshake authentication is under way.
    pub fn pha_in_progress(&self) -> bool {
        !matches!(self.pha, Pha::Idle)
    }

    /// Whether the client's Certificate for the pending request has arrived.
    pub fn pha_certificate_received(&self) -> bool {
        matches!(
            self.pha,
            Pha::ExpectCertificateVerify { .. } | Pha::ExpectFinished { .. }
        )
    }

    /// Sends a post-handshake CertificateRequest with a fresh, unpredictable
    /// context (RFC 8446 §4.6.2). `require`: an empty answer is fatal
    /// (certificate_required).
    pub fn request_client_auth(&mut self, common: &mut Common, require: bool) -> Result<(), Error> {
        if !common.negotiated.peer_offered_post_handshake_auth {
            return Err(Error::ApiMisuse(
                "the client did not offer post-handshake authentication",
            ));
        }
        if self.pha_in_progress() {
            return Err(Error::ApiMisuse(
                "a post-handshake authentication is already under way",
            ));
        }
        let context = random_bytes::<32>()?.to_vec();
        let request = certificate_request(context.clone(), &self.config);
        let sent = common.send_message(HandshakeType::CertificateRequest, &request.encode())?;
        let mut transcript = self.base.clone();
        transcript.update(&sent);
        self.pha = Pha::ExpectCertificate {
            context,
            transcript,
            require,
        };
        Ok(())
    }

    fn post_handshake(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<ServerState, Error> {
        self.pha = match (std::mem::replace(&mut self.pha, Pha::Idle), message.ty) {
            (
                Pha::ExpectCertificate {
                    context,
                    mut transcript,
                    require,
                },
                HandshakeType::Certificate,
            ) => {
                let cert = Certificate::decode(message.body())?;
                if cert.context != context {
                    return Err(PeerMisbehaved::IllegalParameter(
                        "certificate_request_context does not match",
                    )
                    .into());
                }
                cert.check_chain_length()?;
                cert.check_entry_extensions(|_| false)?;
                transcript.update(&message.bytes);
                let chain: Vec<Vec<u8>> = cert.entries.into_iter().map(|e| e.cert).collect();
                if chain.is_empty() {
                    if require {
                        return Err(PeerMisbehaved::CertificateRequired.into());
                    }
                    let identity = PeerIdentity {
                        chain,
                        verification: Verification::NotChecked,
                    };
                    // As in the handshake: the check sees the empty answer,
                    // not an earlier certificate.
                    common.negotiated.peer_under_check = Some(identity.clone());
                    common.peer_authentication_received();
                    Pha::ExpectFinished {
                        transcript,
                        identity,
                    }
                } else {
                    let verification = check_client_chain(&self.config, &chain)?;
                    Pha::ExpectCertificateVerify {
                        transcript,
                        identity: PeerIdentity {
                            chain,
                            verification,
                        },
                    }
                }
            }
            (
                Pha::ExpectCertificateVerify {
                    mut transcript,
                    identity,
                },
                HandshakeType::CertificateVerify,
            ) => {
                let leaf = identity
                    .chain
                    .first()
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                common.negotiated.client_signature_scheme = Some(check_client_signature(
                    &self.config,
                    leaf,
                    &transcript,
                    message,
                )?);
                // The chain is under check until the Finished verifies (a
                // pause lets the application inspect it; it proves nothing).
                common.negotiated.peer_under_check = Some(identity.clone());
                common.peer_authentication_received();
                transcript.update(&message.bytes);
                Pha::ExpectFinished {
                    transcript,
                    identity,
                }
            }
            (
                Pha::ExpectFinished {
                    transcript,
                    identity,
                },
                HandshakeType::Finished,
            ) => {
                // The Finished of post-handshake authentication is keyed by the
                // client's current application traffic secret (RFC 8446 §4.4).
                let secret = common
                    .read_secret
                    .as_ref()
                    .ok_or(Error::Internal("no traffic secret"))?;
                check_finished(
                    self.suite.hash(),
                    secret,
                    &transcript.current(),
                    message.body(),
                    "post-handshake Finished",
                )?;
                common.negotiated.peer_under_check = None;
                if !identity.chain.is_empty() {
                    common.negotiated.peer = Some(identity.clone());
                    // Tickets sent from now on resume the stepped-up
                    // identity, as GnuTLS's do.
                    self.client_chain = identity.chain.clone();
                }
                common
                    .events
                    .push_back(Event::ClientAuthenticated(identity));
                Pha::Idle
            }
            _ => {
                return Err(PeerMisbehaved::UnexpectedMessage(
                    "post-handshake authentication message",
                )
                .into());
            }
        };
        Ok(ServerState::Traffic(self))
    }
}
