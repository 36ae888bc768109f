//! The client's TLS 1.2 handshake (RFC 5246 §7.3) for the ECDHE suites,
//! entered when a server answers our ClientHello with TLS 1.2: the
//! server's Certificate, ServerKeyExchange, [CertificateRequest],
//! ServerHelloDone; our [empty Certificate], ClientKeyExchange,
//! change_cipher_spec and Finished; then the server's. The extended master
//! secret is required; a server that asks to renegotiate is told no.

use std::sync::Arc;

use subtle::ConstantTimeEq;

use super::client_auth::{CertificateRequest12, CertificateVerify12, ECDSA_SIGN, RSA_SIGN};
use super::handshake_log::HandshakeLog;
use super::messages::{
    PskServerKeyExchange, ServerKeyExchange, decode_certificate, encode_certificate,
    encode_client_key_exchange, encode_psk_client_key_exchange, psk_premaster, signed_params,
};
use super::prf::{self, FinishedBy};
use super::record::{RecordKey12, session_keys};
use super::session::{NewSessionTicket12, Session12};
use super::suites::{Authentication, Tls12Suite};
use crate::crypto::hkdf::SecretBytes;
use crate::crypto::kx::KeyShare;
use crate::tls::alert::AlertDescription;
use crate::tls::client::CertificateRequestInfo;
use crate::tls::codec::extensions::{self, ext};
use crate::tls::codec::handshake::{HandshakeType, RawMessage};
use crate::tls::codec::hello::{ClientHello, ServerHello};
use crate::tls::common::{Common, Event};
use crate::tls::config::{CertifiedKey, ClientConfig};
use crate::tls::error::{Error, InvalidMessage, PeerMisbehaved};
use crate::tls::key_schedule::Secret;
use crate::tls::limits::MAX_CHAIN_CERTIFICATES;
use crate::tls::suites::group;
use crate::x509::key_info::KeyKind;
use crate::x509::verify::verify_signature_tls12;

/// The signature_algorithms a client that offers TLS 1.2 sends (and a
/// TLS 1.2 CertificateRequest names): `tls12`, and `tls13` when it also
/// offers TLS 1.3 (TLS 1.3 servers never sign with PKCS#1 v1.5 in the
/// handshake, RFC 8446 §4.2.3), each code once, in GnuTLS 3.7's order: by
/// hash, PKCS#1 first, then RSA-PSS, ECDSA and EdDSA.
pub fn offered_schemes(tls12: &[u16], tls13: &[u16]) -> Vec<u16> {
    use crate::crypto::sign::scheme as s;
    const ORDER: [u16; 12] = [
        s::RSA_PKCS1_SHA256,
        s::RSA_PSS_PSS_SHA256,
        s::RSA_PSS_RSAE_SHA256,
        s::ECDSA_SECP256R1_SHA256,
        s::ED25519,
        s::RSA_PKCS1_SHA384,
        s::RSA_PSS_PSS_SHA384,
        s::RSA_PSS_RSAE_SHA384,
        s::ECDSA_SECP384R1_SHA384,
        s::RSA_PKCS1_SHA512,
        s::RSA_PSS_PSS_SHA512,
        s::RSA_PSS_RSAE_SHA512,
    ];
    let mut schemes: Vec<u16> = ORDER
        .into_iter()
        .filter(|scheme| tls12.contains(scheme) || tls13.contains(scheme))
        .collect();
    for scheme in tls12.iter().chain(tls13) {
        if !schemes.contains(scheme) {
            schemes.push(*scheme);
        }
    }
    schemes
}

/// A TLS 1.2 client connection, from the server's ServerHello on.
pub(crate) enum Client12 {
    ExpectCertificate(Box<Handshake>),
    ExpectServerKeyExchange(Box<Handshake>),
    /// A CertificateRequest or the ServerHelloDone.
    ExpectServerHelloDone(Box<Handshake>),
    /// The server's NewSessionTicket, before its change_cipher_spec: after
    /// our Finished, or (resuming) after its ServerHello.
    ExpectNewSessionTicket(Box<Handshake>),
    /// The server's change_cipher_spec and Finished are due.
    ExpectFinished(Box<Handshake>),
    /// The handshake is complete; the session to resume with, if a ticket
    /// gave one, and whether that ticket arrived in this handshake.
    Traffic(Option<Box<Session12>>, bool),
}

pub(crate) struct Handshake {
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    suite: Tls12Suite,
    transcript: HandshakeLog,
    client_random: [u8; 32],
    server_random: [u8; 32],
    chain: Vec<Vec<u8>>,
    /// The server's ECDHE params: group and public value.
    server_share: Option<(u16, Vec<u8>)>,
    /// The server's CertificateRequest.
    request: Option<CertificateRequest12>,
    /// The certificate the application chose for `request`
    /// (`ClientConfig::choose_certificate`); `None` until it chose.
    chosen: Option<Option<Arc<CertifiedKey>>>,
    master: Option<SecretBytes>,
    /// The server answered session_ticket: a NewSessionTicket is due.
    expect_ticket: bool,
    /// The ticket that arrived.
    ticket: Option<NewSessionTicket12>,
    /// The session being resumed (abbreviated handshake), and our write
    /// key, installed after the server's Finished.
    resumed: Option<(Session12, RecordKey12)>,
}

/// The ServerHello of a server that chose TLS 1.2, in answer to `hello`
/// (sent as `hello_bytes`).
pub(crate) fn server_hello(
    config: Arc<ClientConfig>,
    server_name: Option<String>,
    common: &mut Common,
    sh: &ServerHello,
    hello: &ClientHello,
    hello_bytes: &[u8],
    message: &RawMessage,
) -> Result<Client12, Error> {
    let offered: Vec<u16> = hello.extensions.types().collect();
    let suite = Tls12Suite::from_u16(sh.cipher_suite)
        .filter(|s| config.tls12_suites.contains(s))
        .ok_or(PeerMisbehaved::IllegalParameter("cipher suite not offered"))?;
    if sh.compression != 0 {
        return Err(PeerMisbehaved::IllegalParameter("compression").into());
    }
    // Answers to what we offered (a stapled OCSP status, which would add
    // a CertificateStatus message, is not taken in TLS 1.2).
    let mut allowed = vec![
        ext::RENEGOTIATION_INFO,
        ext::EXTENDED_MASTER_SECRET,
        super::server::EC_POINT_FORMATS,
    ];
    if hello.extensions.has(ext::SESSION_TICKET) {
        allowed.push(ext::SESSION_TICKET);
    }
    allowed.extend(offered.iter().copied().filter(|t| {
        [
            ext::ALPN,
            ext::SERVER_NAME,
            ext::RECORD_SIZE_LIMIT,
            ext::MAX_FRAGMENT_LENGTH,
        ]
        .contains(t)
    }));
    sh.extensions.check_allowed(&allowed, true)?;
    if !sh.extensions.has(ext::EXTENDED_MASTER_SECRET) {
        return Err(PeerMisbehaved::HandshakeFailure("no extended master secret").into());
    }
    if let Some(body) = sh.extensions.get(ext::RENEGOTIATION_INFO) {
        if body != [0] {
            return Err(PeerMisbehaved::HandshakeFailure("renegotiation_info not empty").into());
        }
    }
    if let Some(body) = sh.extensions.get(ext::ALPN) {
        let protocols = extensions::read_alpn(body)?;
        match protocols.as_slice() {
            [one] if config.alpn.contains(one) => common.negotiated.alpn = Some(one.clone()),
            _ => return Err(PeerMisbehaved::IllegalParameter("ALPN protocol not offered").into()),
        }
    }
    common.tls12 = true;
    if let Some(body) = sh.extensions.get(ext::RECORD_SIZE_LIMIT) {
        common.apply_record_size_limit(body)?;
    } else if let Some(body) = sh.extensions.get(ext::MAX_FRAGMENT_LENGTH) {
        let size = match body {
            [code @ 1..=4] => 256usize << code,
            _ => return Err(PeerMisbehaved::IllegalParameter("max_fragment_length").into()),
        };
        common.apply_max_fragment(size);
    }
    let negotiated = &mut common.negotiated;
    negotiated.version = Some(super::server::TLS12);
    negotiated.tls12_suite = Some(suite);
    negotiated.session_id = sh.session_id.clone();
    negotiated.peer_offered_safe_renegotiation = sh.extensions.has(ext::RENEGOTIATION_INFO);
    negotiated.peer_offered_extended_master_secret = true;
    let psk_suite = suite.authentication() == Authentication::Psk;
    // A certificate suite may bring a CertificateRequest, whose answer
    // signs the messages themselves.
    let mut transcript = HandshakeLog::new(suite.hash(), !psk_suite);
    transcript.update(hello_bytes);
    transcript.update(&message.bytes);
    // The server echoes the session id we sent to resume (RFC 5246 §7.4.1.3;
    // with a ticket, RFC 5077 §3.4).
    let resuming = session_to_offer(&config)
        .filter(|_| !sh.session_id.is_empty() && sh.session_id == hello.session_id)
        .cloned();
    let handshake = Box::new(Handshake {
        config,
        server_name,
        suite,
        transcript,
        client_random: hello.random,
        server_random: sh.random,
        chain: Vec::new(),
        server_share: None,
        request: None,
        chosen: None,
        master: None,
        expect_ticket: sh.extensions.has(ext::SESSION_TICKET),
        ticket: None,
        resumed: None,
    });
    if let Some(session) = resuming {
        return handshake.resume(common, session);
    }
    // A PSK suite has no Certificate; plain PSK may skip ServerKeyExchange
    // too (no identity hint).
    Ok(if psk_suite {
        Client12::ExpectServerKeyExchange(handshake)
    } else {
        Client12::ExpectCertificate(handshake)
    })
}

impl Client12 {
    /// Handles one handshake message.
    pub fn handle(self, common: &mut Common, message: &RawMessage) -> Result<Self, Error> {
        use HandshakeType as T;
        match (self, message.ty) {
            (Self::ExpectCertificate(h), T::Certificate) => h.certificate(common, message),
            (Self::ExpectServerKeyExchange(h), T::ServerKeyExchange) => {
                h.server_key_exchange(common, message)
            }
            (Self::ExpectServerKeyExchange(h), T::ServerHelloDone)
                if h.suite.authentication() == Authentication::Psk && !h.suite.ecdhe() =>
            {
                h.server_hello_done(common, message)
            }
            (Self::ExpectServerHelloDone(mut h), T::CertificateRequest)
                if h.request.is_none() && h.suite.authentication() != Authentication::Psk =>
            {
                h.request = Some(CertificateRequest12::decode(message.body())?);
                common.negotiated.certificate_requested = true;
                h.transcript.update(&message.bytes);
                Ok(Self::ExpectServerHelloDone(h))
            }
            (Self::ExpectServerHelloDone(h), T::ServerHelloDone) => {
                h.server_hello_done(common, message)
            }
            (Self::ExpectNewSessionTicket(h), T::NewSessionTicket) if common.awaiting_ccs12() => {
                h.new_session_ticket(message)
            }
            (Self::ExpectFinished(h), T::Finished) if !common.awaiting_ccs12() => {
                h.finished(common, message)
            }
            (Self::Traffic(session, fresh), T::HelloRequest) if message.body().is_empty() => {
                // RFC 5746 §4.2: a client that will not renegotiate says so.
                common.send_alert(AlertDescription::NoRenegotiation);
                common.events.push_back(Event::RenegotiationRequested);
                Ok(Self::Traffic(session, fresh))
            }
            _ => Err(PeerMisbehaved::UnexpectedMessage("handshake message in this state").into()),
        }
    }
}

impl Client12 {
    /// Whether the handshake waits for the application's choice of the
    /// certificate for the server's CertificateRequest.
    pub fn wants_certificate_choice(&self) -> bool {
        matches!(self, Self::ExpectServerHelloDone(h)
            if h.config.choose_certificate && h.request.is_some() && h.chosen.is_none())
    }

    /// The application's choice for the CertificateRequest.
    pub fn set_chosen_certificate(&mut self, cert: Option<Arc<CertifiedKey>>) -> Result<(), Error> {
        match self {
            Self::ExpectServerHelloDone(h) if h.request.is_some() => {
                h.chosen = Some(cert);
                Ok(())
            }
            _ => Err(Error::ApiMisuse("no certificate request to choose for")),
        }
    }

    /// What the CertificateRequest asks for, while a choice is due.
    pub fn certificate_request_info(&self) -> Option<CertificateRequestInfo> {
        match self {
            Self::ExpectServerHelloDone(h) => h.request.as_ref().map(|r| CertificateRequestInfo {
                authorities: r.authorities.clone(),
                schemes: r.schemes.clone(),
            }),
            _ => None,
        }
    }

    /// (After the handshake) the session to resume with, if a ticket
    /// gave one.
    pub fn session(&self) -> Option<&Session12> {
        match self {
            Self::Traffic(session, _) => session.as_deref(),
            _ => None,
        }
    }

    /// Whether a ticket arrived in the handshake (not on a resumption that
    /// kept the old one).
    pub fn ticket_arrived(&self) -> bool {
        matches!(self, Self::Traffic(Some(_), true))
    }
}

/// The scheme `certificate` answers `request` with, as a GnuTLS client
/// chooses: its kind of key is exactly one the request's certificate types
/// name (RSA for rsa_sign, ECDSA for ecdsa_sign; so no EdDSA or RSA-PSS
/// key), the scheme is the first in our order that the key signs with and
/// the server accepts, and, when we match authorities, one the server names
/// issued the chain. `None`: an empty Certificate.
fn answer(
    config: &ClientConfig,
    request: &CertificateRequest12,
    certificate: &CertifiedKey,
) -> Option<u16> {
    let kind = match certificate.key.info().kind {
        KeyKind::Rsa => RSA_SIGN,
        KeyKind::Ec => ECDSA_SIGN,
        _ => return None,
    };
    let info = CertificateRequestInfo {
        authorities: request.authorities.clone(),
        schemes: Vec::new(),
    };
    if !request.certificate_types.contains(&kind)
        || (config.match_certificate_authorities && !info.accepts(&certificate.chain))
    {
        return None;
    }
    let signs = certificate.key.tls12_schemes();
    offered_schemes(&config.tls12_signature_schemes, &[])
        .into_iter()
        .find(|s| signs.contains(s) && request.schemes.contains(s))
}

/// The saved session a ClientHello offers to resume: alive, and its suite
/// still ours. Its ticket goes along unless tickets are off.
pub fn session_to_offer(config: &ClientConfig) -> Option<&Session12> {
    config.resume12.as_ref().filter(|session| {
        session.alive_at(crate::tls::client::now_ms())
            && config.tls12_suites.contains(&session.suite)
    })
}

impl Handshake {
    /// The abbreviated handshake: the session's master secret gives the
    /// keys; the server's ticket (if announced), change_cipher_spec and
    /// Finished come next.
    fn resume(
        mut self: Box<Self>,
        common: &mut Common,
        session: Session12,
    ) -> Result<Client12, Error> {
        if session.suite != self.suite {
            return Err(PeerMisbehaved::IllegalParameter("resumed with another suite").into());
        }
        let hash = self.suite.hash();
        common.log_secret("CLIENT_RANDOM", &Secret::from_bytes(&session.master));
        let (client_key, server_key) = session_keys(
            hash,
            self.suite.aead(),
            &session.master,
            &self.client_random,
            &self.server_random,
        )?;
        common.expect_ccs12(server_key);
        common.negotiated.resumed = true;
        common.negotiated.group = session.group;
        // The server's chain comes back from the session, checked again
        // against today's trust and clock.
        if !session.server_chain.is_empty() {
            let verification = crate::tls::client::check_server_chain(
                &self.config,
                self.server_name.as_deref(),
                &session.server_chain,
            );
            common.negotiated.peer = Some(crate::tls::common::PeerIdentity {
                chain: session.server_chain.clone(),
                verification,
            });
        }
        if self.suite.authentication() == Authentication::Psk {
            common.negotiated.psk_identity = self.config.psk.as_ref().map(|p| p.identity.clone());
            common.negotiated.psk_with_dhe = self.suite.ecdhe();
        }
        self.master = Some(session.master.clone());
        self.chain = session.server_chain.clone();
        self.resumed = Some((session, client_key));
        Ok(if self.expect_ticket {
            Client12::ExpectNewSessionTicket(self)
        } else {
            Client12::ExpectFinished(self)
        })
    }

    fn new_session_ticket(mut self: Box<Self>, message: &RawMessage) -> Result<Client12, Error> {
        self.ticket = Some(NewSessionTicket12::decode(message.body())?);
        self.transcript.update(&message.bytes);
        Ok(Client12::ExpectFinished(self))
    }

    fn certificate(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Client12, Error> {
        let chain = decode_certificate(message.body())?;
        if chain.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty server Certificate").into());
        }
        if chain.len() > MAX_CHAIN_CERTIFICATES {
            return Err(crate::x509::CertificateError::Bad(format!(
                "a chain of {} certificates (at most {MAX_CHAIN_CERTIFICATES})",
                chain.len()
            ))
            .into());
        }
        crate::tls::client::take_server_chain(
            &self.config,
            self.server_name.as_deref(),
            &chain,
            common,
        )?;
        self.chain = chain;
        self.transcript.update(&message.bytes);
        Ok(Client12::ExpectServerKeyExchange(self))
    }

    fn server_key_exchange(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Client12, Error> {
        if self.suite.authentication() == Authentication::Psk {
            // Unsigned: the PSK authenticates the exchange (RFC 5489 §2).
            let ske = PskServerKeyExchange::decode(message.body(), self.suite.ecdhe())?;
            common.negotiated.psk_hint = Some(ske.hint);
            if let Some(params) = ske.params {
                let offered_group = group::from_u16(params.group)
                    .filter(|g| self.config.groups.contains(g))
                    .ok_or(PeerMisbehaved::IllegalParameter("group not offered"))?;
                common.negotiated.group = Some(offered_group);
                self.server_share = Some((params.group, params.public));
            }
            self.transcript.update(&message.bytes);
            return Ok(Client12::ExpectServerHelloDone(self));
        }
        let ske = ServerKeyExchange::decode(message.body())?;
        let offered_group = group::from_u16(ske.params.group)
            .filter(|g| self.config.groups.contains(g))
            .ok_or(PeerMisbehaved::IllegalParameter("group not offered"))?;
        if !self.config.tls12_signature_allowed(ske.scheme) {
            return Err(PeerMisbehaved::IllegalParameter("signature scheme not offered").into());
        }
        let leaf = self.chain.first().map(Vec::as_slice).unwrap_or_default();
        crate::tls::config::check_peer_key_usage(leaf, self.config.peer_key_usage_unchecked)?;
        // The suite names the kind of key that signs.
        let kind = crate::x509::fields::spki(leaf)
            .ok()
            .and_then(|spki| crate::x509::key_info::key_info(spki).ok())
            .map(|info| info.kind)
            .ok_or(PeerMisbehaved::IllegalParameter("server key"))?;
        let fits = match self.suite.authentication() {
            Authentication::Ecdsa => matches!(kind, KeyKind::Ec | KeyKind::Ed25519),
            Authentication::Rsa => matches!(kind, KeyKind::Rsa | KeyKind::RsaPss),
            Authentication::Psk => false,
        };
        if !fits {
            return Err(PeerMisbehaved::IllegalParameter("key does not fit the suite").into());
        }
        let signed = signed_params(
            &self.client_random,
            &self.server_random,
            &ske.params.encode(),
        );
        verify_signature_tls12(leaf, ske.scheme, &signed, &ske.signature)
            .map_err(|_| PeerMisbehaved::DecryptError("server key exchange signature"))?;
        common.negotiated.server_signature_scheme = Some(ske.scheme);
        common.negotiated.group = Some(offered_group);
        common.peer_authentication_received();
        self.server_share = Some((ske.params.group, ske.params.public));
        self.transcript.update(&message.bytes);
        Ok(Client12::ExpectServerHelloDone(self))
    }

    fn server_hello_done(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Client12, Error> {
        if !message.body().is_empty() {
            return Err(InvalidMessage::InvalidValue("ServerHelloDone").into());
        }
        self.transcript.update(&message.bytes);
        // Our certificate and the scheme it signs with, when one answers
        // the request.
        let ours = match self.request.take() {
            Some(request) => {
                let ours = match self.chosen.take() {
                    Some(chosen) => chosen,
                    None => self.config.certificate.clone(),
                }
                .and_then(|c| answer(&self.config, &request, &c).map(|scheme| (c, scheme)));
                let chain = ours
                    .as_ref()
                    .map(|(c, _)| c.chain.as_slice())
                    .unwrap_or_default();
                let sent =
                    common.send_message(HandshakeType::Certificate, &encode_certificate(chain))?;
                self.transcript.update(&sent);
                common.negotiated.local_certificate = chain.first().cloned();
                ours
            }
            None => None,
        };
        let psk = if self.suite.authentication() == Authentication::Psk {
            Some(
                self.config
                    .psk
                    .as_ref()
                    .ok_or(Error::Internal("a PSK suite without a PSK"))?,
            )
        } else {
            None
        };
        // The ECDHE part: the server's params, our share, the secret.
        let exchange = match self.server_share.take() {
            Some((group_id, public)) => {
                let kx_group = group::from_u16(group_id).ok_or(Error::Internal("group"))?;
                let share = KeyShare::generate(kx_group)
                    .map_err(|_| Error::Internal("key share generation failed"))?;
                let ours = share.public().to_vec();
                let secret = share
                    .agree(&public)
                    .map_err(|_| PeerMisbehaved::IllegalParameter("server ECDH public value"))?;
                Some((ours, secret))
            }
            None if psk.is_some() && !self.suite.ecdhe() => None,
            None => {
                return Err(PeerMisbehaved::UnexpectedMessage(
                    "ServerHelloDone before the key exchange",
                )
                .into());
            }
        };
        let (body, pre_master) = match (psk, exchange) {
            (Some(psk), exchange) => {
                let other = match &exchange {
                    Some((_, secret)) => secret.clone(),
                    None => zeroize::Zeroizing::new(vec![0; psk.key.len()]),
                };
                let body = encode_psk_client_key_exchange(
                    &psk.identity,
                    exchange.as_ref().map(|(ours, _)| ours.as_slice()),
                );
                common.negotiated.psk_identity = Some(psk.identity.clone());
                common.negotiated.psk_with_dhe = exchange.is_some();
                (body, psk_premaster(&other, &psk.key))
            }
            (None, Some((ours, secret))) => (encode_client_key_exchange(&ours), secret),
            (None, None) => return Err(Error::Internal("no key exchange")),
        };
        let sent = common.send_message(HandshakeType::ClientKeyExchange, &body)?;
        self.transcript.update(&sent);
        // RFC 7918 §3: false start only after a full handshake with a
        // forward-secret key exchange (ours: ECDHE, all of whose groups are
        // strong enough); as GnuTLS, not when we authenticated ourselves.
        let false_start = self.config.false_start
            && ours.is_none()
            && psk.is_none()
            && self.suite.ecdhe()
            && self.resumed.is_none();
        let hash = self.suite.hash();
        // RFC 7627 §3: the session hash ends with ClientKeyExchange.
        let master = prf::extended_master_secret(hash, &pre_master, &self.transcript.current());
        if let Some((certificate, scheme)) = ours {
            let signed = self
                .transcript
                .messages()
                .ok_or(Error::Internal("handshake messages not kept"))?;
            let signature = certificate
                .key
                .sign(scheme, signed)
                .map_err(|_| Error::Internal("signing failed"))?;
            let verify = CertificateVerify12 { scheme, signature };
            let sent = common.send_message(HandshakeType::CertificateVerify, &verify.encode())?;
            self.transcript.update(&sent);
            common.negotiated.client_signature_scheme = Some(scheme);
        }
        self.transcript.forget_messages();
        common.log_secret("CLIENT_RANDOM", &Secret::from_bytes(&master));
        let (client_key, server_key) = session_keys(
            hash,
            self.suite.aead(),
            &master,
            &self.client_random,
            &self.server_random,
        )?;
        common.change_write_key12(client_key)?;
        common.expect_ccs12(server_key);
        let ours = prf::verify_data(
            hash,
            &master,
            FinishedBy::Client,
            &self.transcript.current(),
        );
        let sent = common.send_message(HandshakeType::Finished, &ours)?;
        self.transcript.update(&sent);
        common.negotiated.tls_unique = Some(ours.to_vec());
        self.master = Some(master);
        if false_start {
            common.early_started = true;
            common.negotiated.false_start = true;
        }
        Ok(if self.expect_ticket {
            Client12::ExpectNewSessionTicket(self)
        } else {
            Client12::ExpectFinished(self)
        })
    }

    fn finished(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Client12, Error> {
        let master = self
            .master
            .clone()
            .ok_or(Error::Internal("Finished before the keys"))?;
        let hash = self.suite.hash();
        let expected = prf::verify_data(
            hash,
            &master,
            FinishedBy::Server,
            &self.transcript.current(),
        );
        if !bool::from(expected.ct_eq(message.body())) {
            return Err(PeerMisbehaved::DecryptError("server Finished").into());
        }
        let (resumed, client_key) = match self.resumed.take() {
            Some((session, key)) => (Some(session), Some(key)),
            None => (None, None),
        };
        if let Some(client_key) = client_key {
            // Resuming, the server's Finished came first: ours answers it.
            self.transcript.update(&message.bytes);
            common.negotiated.tls_unique = Some(message.body().to_vec());
            common.change_write_key12(client_key)?;
            let ours = prf::verify_data(
                hash,
                &master,
                FinishedBy::Client,
                &self.transcript.current(),
            );
            common.send_message(HandshakeType::Finished, &ours)?;
        }
        // The Finished verified: the chain whose key signed the exchange is
        // proven.
        if let Some(identity) = common.negotiated.peer_under_check.take() {
            common.negotiated.peer = Some(identity);
        }
        common.tls12_exporter = Some(prf::Exporter::new(
            hash,
            &master,
            &self.client_random,
            &self.server_random,
        ));
        let fresh = self.ticket.as_ref().is_some_and(|t| !t.ticket.is_empty());
        let session_id = common.negotiated.session_id.clone();
        let session = match (self.ticket.take(), resumed) {
            // Resumed without a new ticket: the old session still serves.
            (None, Some(session)) => Some(session),
            // A new ticket, or (a full handshake) a session id a server
            // may keep the session by.
            (ticket, _) => {
                let ticket = ticket.filter(|t| !t.ticket.is_empty());
                let lifetime = ticket.as_ref().map_or(0, |t| t.lifetime_hint);
                let ticket = ticket.map(|t| t.ticket).unwrap_or_default();
                (!ticket.is_empty() || !session_id.is_empty()).then(|| Session12 {
                    suite: self.suite,
                    group: common.negotiated.group,
                    master,
                    ticket,
                    session_id,
                    received_at_ms: crate::tls::client::now_ms(),
                    lifetime: Session12::lifetime_from_hint(lifetime),
                    server_name: self.server_name.clone(),
                    server_chain: std::mem::take(&mut self.chain),
                })
            }
        };
        common.traffic = true;
        common.early_started = false;
        common.ccs_window = false;
        common.events.push_back(Event::HandshakeComplete);
        Ok(Client12::Traffic(session.map(Box::new), fresh))
    }
}
