//! The server's TLS 1.2 handshake (RFC 5246 §7.3) for the ECDHE suites:
//! ServerHello, Certificate, ServerKeyExchange, ServerHelloDone; then the
//! client's ClientKeyExchange, change_cipher_spec and Finished; then ours.
//! The extended master secret is required (RFC 7627 §5.3), renegotiation is
//! refused (RFC 5746 §4.4 indication sent, a later ClientHello answered
//! with a no_renegotiation warning).

use std::sync::Arc;

use subtle::ConstantTimeEq;

use super::client_auth::{CertificateRequest12, CertificateVerify12, ECDSA_SIGN, RSA_SIGN};
use super::handshake_log::HandshakeLog;
use super::messages::{
    EcdhParams, PskServerKeyExchange, ServerKeyExchange, decode_certificate,
    decode_client_key_exchange, decode_psk_client_key_exchange, encode_certificate, psk_premaster,
    signed_params,
};
use super::prf::{self, FinishedBy};
use super::record::{RecordKey12, session_keys};
use super::session::{NewSessionTicket12, ServerState12};
use super::suites::{Authentication, Tls12Suite};
use crate::crypto::hkdf::SecretBytes;
use crate::crypto::kx::{KeyShare, KxGroup};
use crate::tls::alert::AlertDescription;
use crate::tls::client::{TLS13, now_secs, random_bytes};
use crate::tls::codec::extensions::{self, ext};
use crate::tls::codec::handshake::{HandshakeType, RawMessage};
use crate::tls::codec::hello::{ClientHello, ServerHello};
use crate::tls::codec::ticket::MAX_TICKET_LIFETIME;
use crate::tls::common::PeerIdentity;
use crate::tls::common::{Common, Event};
use crate::tls::config::{CertifiedKey, ClientAuth, PskLookup, ServerConfig};
use crate::tls::error::{Error, PeerMisbehaved};
use crate::tls::key_schedule::Secret;
use crate::tls::limits::MAX_CHAIN_CERTIFICATES;
use crate::tls::server::{choose_alpn, take_client_chain, ticket_client_identity};
use crate::tls::suites::group;
use crate::x509::key_info::KeyKind;
use crate::x509::verify::verify_signature_tls12;

/// The TLS 1.2 version number.
pub const TLS12: u16 = 0x0303;

/// The last 8 bytes of a TLS 1.3-capable server's random when it
/// negotiates TLS 1.2 (RFC 8446 §4.1.3): a client that offered TLS 1.3
/// detects a downgrade by them.
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";

/// The TLS_EMPTY_RENEGOTIATION_INFO_SCSV cipher suite (RFC 5746 §3.3).
const RENEGOTIATION_SCSV: u16 = 0x00ff;

/// ec_point_formats (RFC 8422 §5.1.2): only uncompressed points.
pub(crate) const EC_POINT_FORMATS: u16 = 11;

/// Whether this ClientHello gets TLS 1.2 from `config`: TLS 1.2 is on, and
/// the client offers it but not TLS 1.3 (or we do not speak TLS 1.3).
pub fn negotiates_tls12(config: &ServerConfig, hello: &ClientHello) -> Result<bool, Error> {
    if config.tls12_suites.is_empty() {
        return Ok(false);
    }
    match hello.extensions.get(ext::SUPPORTED_VERSIONS) {
        Some(body) => {
            let versions = extensions::read_client_versions(body)?;
            if !versions.contains(&TLS12) {
                return Ok(false);
            }
            Ok(!config.tls13 || !versions.contains(&TLS13))
        }
        None => Ok(hello.legacy_version >= TLS12),
    }
}

/// A TLS 1.2 server connection, from its ServerHelloDone on.
pub(crate) enum Server12 {
    /// Waiting for the client's Certificate (we asked for one).
    ExpectCertificate(Box<Handshake>),
    /// Waiting for ClientKeyExchange.
    ExpectClientKeyExchange(Box<Handshake>),
    /// Waiting for the client's CertificateVerify.
    ExpectCertificateVerify(Box<Handshake>),
    /// Keys derived; waiting for the client's change_cipher_spec (the
    /// record layer installs its key) and Finished.
    ExpectFinished(Box<Handshake>),
    /// The handshake is complete.
    Traffic,
}

pub(crate) struct Handshake {
    config: Arc<ServerConfig>,
    suite: Tls12Suite,
    /// The PSK lookup, for a PSK suite.
    psk: Option<PskLookup>,
    transcript: HandshakeLog,
    share: Option<KeyShare>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    master: Option<SecretBytes>,
    server_key: Option<RecordKey12>,
    /// A ticket follows the client's Finished (full handshake).
    ticket: bool,
    /// An abbreviated handshake: our Finished is out, the client's is due.
    resumed: bool,
    /// The client's certificate chain, whose CertificateVerify is due.
    client_chain: Vec<Vec<u8>>,
}

/// What the ClientHello settled.
struct Choice {
    suite: Tls12Suite,
    /// The certificate and the scheme it signs the key exchange with
    /// (`None` for a PSK suite).
    signer: Option<(Arc<CertifiedKey>, u16)>,
    /// The ECDHE group (`None` for plain PSK).
    group: Option<KxGroup>,
}

/// The kind of suite a key can serve.
fn authentication_of(key: &CertifiedKey) -> Option<Authentication> {
    match key.key.info().kind {
        KeyKind::Ec | KeyKind::Ed25519 => Some(Authentication::Ecdsa),
        KeyKind::Rsa | KeyKind::RsaPss => Some(Authentication::Rsa),
        _ => None,
    }
}

/// The certificates in the order `choose_certificate` considers them: the
/// ones named for `server_name` first.
fn candidates(config: &ServerConfig, server_name: Option<&str>) -> Vec<Arc<CertifiedKey>> {
    if config.certificates.is_empty() {
        return config
            .certificate
            .iter()
            .filter(|c| config.may_sign_with(c))
            .cloned()
            .collect();
    }
    let named = config
        .certificates
        .iter()
        .filter(|c| server_name.is_some_and(|name| c.names.iter().any(|n| n == name)));
    let rest = config
        .certificates
        .iter()
        .filter(|c| !server_name.is_some_and(|name| c.names.iter().any(|n| n == name)));
    named
        .chain(rest)
        .filter(|c| config.may_sign_with(&c.key))
        .map(|c| c.key.clone())
        .collect()
}

/// What every TLS 1.2 ClientHello must carry, full handshake or resumed.
fn check_hello(hello: &ClientHello) -> Result<(), Error> {
    if !hello.compression.contains(&0) {
        return Err(PeerMisbehaved::IllegalParameter("no null compression").into());
    }
    // RFC 7627 §5.3: a server that requires the extension aborts.
    if !hello.extensions.has(ext::EXTENDED_MASTER_SECRET) {
        return Err(PeerMisbehaved::HandshakeFailure("no extended master secret").into());
    }
    if let Some(body) = hello.extensions.get(ext::RENEGOTIATION_INFO) {
        // RFC 5746 §3.6: empty on an initial handshake.
        if body != [0] {
            return Err(PeerMisbehaved::HandshakeFailure("renegotiation_info not empty").into());
        }
    }
    if let Some(body) = hello.extensions.get(EC_POINT_FORMATS) {
        let mut r = crate::tls::codec::Reader::new(body);
        let formats = r.vec_u8("ec_point_formats")?;
        r.expect_end("ec_point_formats")?;
        if !formats.contains(&0) {
            return Err(PeerMisbehaved::IllegalParameter("no uncompressed points").into());
        }
    }
    Ok(())
}

fn choose(config: &ServerConfig, hello: &ClientHello) -> Result<Choice, Error> {
    // Without signature_algorithms a TLS 1.2 client means SHA-1, which we
    // never sign with (RFC 5246 §7.4.1.4.1): only a PSK suite can serve it.
    let schemes = hello
        .extensions
        .get(ext::SIGNATURE_ALGORITHMS)
        .map(|body| extensions::read_u16_list(body, "signature_algorithms"))
        .transpose()?;
    // RFC 8422 §4: no supported_groups means any curve; ours then.
    let offered_groups = hello
        .extensions
        .get(ext::SUPPORTED_GROUPS)
        .map(|body| extensions::read_u16_list(body, "supported_groups"))
        .transpose()?;
    let group = match &offered_groups {
        Some(offered) if config.tls12_client_order => offered
            .iter()
            .filter_map(|g| group::from_u16(*g))
            .find(|g| config.groups.contains(g)),
        Some(offered) => config
            .groups
            .iter()
            .copied()
            .find(|g| offered.contains(&group::to_u16(*g))),
        None => config.groups.first().copied(),
    };
    // RFC 8422 §5.1: an ECDSA certificate's curve is one the client named.
    let curve_accepted = |certificate: &CertifiedKey| {
        let info = certificate.key.info();
        let curve = match (info.kind, info.bits) {
            (KeyKind::Ec, 256) => group::SECP256R1,
            (KeyKind::Ec, 384) => group::SECP384R1,
            _ => return true,
        };
        offered_groups.as_ref().is_none_or(|g| g.contains(&curve))
    };
    let server_name = hello
        .extensions
        .get(ext::SERVER_NAME)
        .map(extensions::read_server_name)
        .transpose()?
        .flatten();
    let certificates = candidates(config, server_name.as_deref());
    // Our suite order (or the client's); for each, the first certificate
    // that can serve it with a scheme the client accepts.
    let order: Vec<Tls12Suite> = if config.tls12_client_order {
        hello
            .cipher_suites
            .iter()
            .filter_map(|id| Tls12Suite::from_u16(*id))
            .filter(|s| config.tls12_suites.contains(s))
            .collect()
    } else {
        config
            .tls12_suites
            .iter()
            .copied()
            .filter(|s| hello.cipher_suites.contains(&s.to_u16()))
            .collect()
    };
    for suite in &order {
        if suite.ecdhe() && group.is_none() {
            continue;
        }
        if suite.authentication() == Authentication::Psk {
            if config.psk.is_some() {
                return Ok(Choice {
                    suite: *suite,
                    signer: None,
                    group: group.filter(|_| suite.ecdhe()),
                });
            }
            continue;
        }
        let Some(schemes) = &schemes else {
            continue;
        };
        for certificate in &certificates {
            if authentication_of(certificate) != Some(suite.authentication())
                || !curve_accepted(certificate)
            {
                continue;
            }
            let usable = |s: &u16| {
                certificate.key.tls12_schemes().contains(s) && config.tls12_signature_allowed(*s)
            };
            let scheme = if config.tls12_client_order {
                schemes.iter().copied().find(usable)
            } else {
                certificate
                    .key
                    .tls12_schemes()
                    .iter()
                    .copied()
                    .find(|s| schemes.contains(s) && usable(s))
            };
            if let Some(scheme) = scheme {
                return Ok(Choice {
                    suite: *suite,
                    signer: Some((certificate.clone(), scheme)),
                    group,
                });
            }
        }
    }
    if schemes.is_none() {
        return Err(PeerMisbehaved::MissingExtension("signature_algorithms").into());
    }
    if group.is_none() {
        return Err(PeerMisbehaved::HandshakeFailure("no group in common").into());
    }
    Err(PeerMisbehaved::HandshakeFailure("no TLS 1.2 cipher suite in common").into())
}

/// The ServerHello's extensions: answers to what the client offered (the
/// record size limits among them, which then bound what we send), the
/// extended master secret always, and session_ticket when a ticket follows.
fn hello_extensions(
    config: &ServerConfig,
    common: &mut Common,
    hello: &ClientHello,
    alpn: Option<&Vec<u8>>,
    ticket: bool,
) -> Result<extensions::Extensions, Error> {
    let mut extensions = extensions::Extensions::new();
    if offers_safe_renegotiation(hello) {
        extensions.push(ext::RENEGOTIATION_INFO, vec![0]);
    }
    extensions.push(ext::EXTENDED_MASTER_SECRET, Vec::new());
    if hello.extensions.has(EC_POINT_FORMATS) {
        extensions.push(EC_POINT_FORMATS, vec![1, 0]);
    }
    if ticket {
        extensions.push(ext::SESSION_TICKET, Vec::new());
    }
    if let Some(protocol) = alpn {
        extensions.push(ext::ALPN, extensions::alpn(std::slice::from_ref(protocol)));
    }
    answer_size_limits(config, common, hello, &mut extensions)?;
    Ok(extensions)
}

/// Answers the client's record_size_limit with ours (counting the
/// plaintext alone in TLS 1.2, at most 2^14: RFC 8449 §4), or else its
/// max_fragment_length by echoing it; either then bounds what we send.
fn answer_size_limits(
    config: &ServerConfig,
    common: &mut Common,
    hello: &ClientHello,
    extensions: &mut extensions::Extensions,
) -> Result<(), Error> {
    if let Some(limit) = hello.extensions.get(ext::RECORD_SIZE_LIMIT) {
        common.apply_record_size_limit(limit)?;
        // Ours counts TLS 1.3's content type byte: the plaintext alone here.
        let ours = config
            .record_size_limit
            .saturating_sub(1)
            .clamp(64, 1 << 14);
        extensions.push(ext::RECORD_SIZE_LIMIT, ours.to_be_bytes().to_vec());
    } else if let Some(body) = hello.extensions.get(ext::MAX_FRAGMENT_LENGTH) {
        let size = match body {
            [code] => extensions::max_fragment_size(*code),
            _ => None,
        }
        .ok_or(PeerMisbehaved::IllegalParameter("max_fragment_length"))?;
        common.apply_max_fragment(size);
        extensions.push(ext::MAX_FRAGMENT_LENGTH, body.to_vec());
    }
    Ok(())
}

fn offers_safe_renegotiation(hello: &ClientHello) -> bool {
    hello.extensions.has(ext::RENEGOTIATION_INFO)
        || hello.cipher_suites.contains(&RENEGOTIATION_SCSV)
}

/// Sends the ServerHello; returns the transcript so far and our random.
fn send_server_hello(
    config: &ServerConfig,
    common: &mut Common,
    message: &RawMessage,
    suite: Tls12Suite,
    session_id: Vec<u8>,
    extensions: extensions::Extensions,
    keep_messages: bool,
) -> Result<(HandshakeLog, [u8; 32]), Error> {
    let mut server_random = match config.random {
        Some(random) => random,
        None => random_bytes()?,
    };
    if config.tls13 {
        server_random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    }
    let mut transcript = HandshakeLog::new(suite.hash(), keep_messages);
    transcript.update(&message.bytes);
    common.server_random = server_random;
    let server_hello = ServerHello {
        legacy_version: TLS12,
        random: server_random,
        session_id,
        cipher_suite: suite.to_u16(),
        compression: 0,
        extensions,
    };
    let sent = common.send_message(HandshakeType::ServerHello, &server_hello.encode())?;
    transcript.update(&sent);
    Ok((transcript, server_random))
}

/// What both kinds of handshake record alike about the ClientHello.
fn record_hello(
    common: &mut Common,
    hello: &ClientHello,
    suite: Tls12Suite,
    alpn: Option<Vec<u8>>,
    session_id: Vec<u8>,
) -> Result<(), Error> {
    let negotiated = &mut common.negotiated;
    negotiated.version = Some(TLS12);
    negotiated.tls12_suite = Some(suite);
    negotiated.alpn = alpn;
    negotiated.session_id = session_id;
    negotiated.peer_offered_extended_master_secret = true;
    negotiated.peer_offered_safe_renegotiation = offers_safe_renegotiation(hello);
    negotiated.peer_offered_post_handshake_auth = false;
    // Reported as GnuTLS does (`GNUTLS_SFLAGS_CLI_REQUESTED_OCSP`); no
    // status is stapled under TLS 1.2.
    negotiated.ocsp_requested = hello
        .extensions
        .get(ext::STATUS_REQUEST)
        .is_some_and(|body| body.first() == Some(&1));
    if let Some(name) = hello.extensions.get(ext::SERVER_NAME) {
        negotiated.server_name = extensions::read_server_name(name)?;
    }
    Ok(())
}

/// Answers a ClientHello that negotiates TLS 1.2: an abbreviated handshake
/// when it brings a ticket of ours that may resume here, else the full
/// handshake's flight.
pub(crate) fn accept(
    config: &Arc<ServerConfig>,
    common: &mut Common,
    hello: &ClientHello,
    message: &RawMessage,
) -> Result<Server12, Error> {
    common.client_random = hello.random;
    common.key_log = config.key_log.clone();
    check_hello(hello)?;
    common.tls12 = true;
    // RFC 5077 §3.2: tickets only for a client that offers the extension.
    let tickets = hello.extensions.has(ext::SESSION_TICKET)
        && config.tickets.is_some()
        && config.tls12_tickets;
    // A session id asks to resume (as GnuTLS reports it, whether or not a
    // ticket comes with it).
    common.negotiated.resumption_requested = !hello.session_id.is_empty();
    let offered = opened_ticket(config, hello)
        .filter(|_| config.tls12_tickets)
        .or_else(|| stored_session(config, hello));
    if let Some(state) = offered {
        if let Some(peer) = resumable(config, hello, &state)? {
            return resume(config, common, hello, message, state, peer);
        }
    }
    let choice = choose(config, hello)?;
    let alpn = choose_alpn(config, hello)?;
    // A fresh session id, as GnuTLS gives every TLS 1.2 session; it never
    // equals the client's, which would mean resumption.
    let session_id = random_bytes::<32>()?.to_vec();
    // RFC 5246 §7.4.4: a certificate only from a client that saw ours.
    let request_certificate = config.client_auth != ClientAuth::None && choice.signer.is_some();
    let extensions = hello_extensions(config, common, hello, alpn.as_ref(), tickets)?;
    let (mut transcript, server_random) = send_server_hello(
        config,
        common,
        message,
        choice.suite,
        session_id.clone(),
        extensions,
        request_certificate,
    )?;

    let share = choice
        .group
        .map(|group| {
            KeyShare::generate(group).map_err(|_| Error::Internal("key share generation failed"))
        })
        .transpose()?;
    let params = share.as_ref().map(|share| EcdhParams {
        group: group::to_u16(share.group()),
        public: share.public().to_vec(),
    });
    match (&choice.signer, params) {
        (Some((certificate, scheme)), Some(params)) => {
            let chain = &certificate.chain;
            let sent =
                common.send_message(HandshakeType::Certificate, &encode_certificate(chain))?;
            transcript.update(&sent);
            let encoded = params.encode();
            let signature = certificate
                .key
                .sign(
                    *scheme,
                    &signed_params(&hello.random, &server_random, &encoded),
                )
                .map_err(|_| Error::Internal("signing the key exchange failed"))?;
            let key_exchange = ServerKeyExchange {
                params,
                scheme: *scheme,
                signature,
            };
            let sent =
                common.send_message(HandshakeType::ServerKeyExchange, &key_exchange.encode())?;
            transcript.update(&sent);
            common.negotiated.server_signature_scheme = Some(*scheme);
            common.negotiated.local_certificate = chain.first().cloned();
        }
        (Some(_), None) => return Err(Error::Internal("a certificate suite without a group")),
        (None, params) => {
            // PSK: no certificate; a key exchange for ECDHE_PSK, and for
            // plain PSK only to carry an identity hint.
            if params.is_some() || config.psk_hint.is_some() {
                let key_exchange = PskServerKeyExchange {
                    hint: config.psk_hint.clone().unwrap_or_default(),
                    params,
                };
                let sent = common
                    .send_message(HandshakeType::ServerKeyExchange, &key_exchange.encode())?;
                transcript.update(&sent);
            }
        }
    }
    if request_certificate {
        let request = CertificateRequest12 {
            certificate_types: vec![RSA_SIGN, ECDSA_SIGN],
            schemes: super::client::offered_schemes(&config.tls12_signature_schemes, &[]),
            authorities: config.certificate_authorities.clone(),
        };
        let sent = common.send_message(HandshakeType::CertificateRequest, &request.encode())?;
        transcript.update(&sent);
    }
    let sent = common.send_message(HandshakeType::ServerHelloDone, &[])?;
    transcript.update(&sent);

    record_hello(common, hello, choice.suite, alpn, session_id)?;
    common.negotiated.group = choice.group;
    let handshake = Box::new(Handshake {
        config: config.clone(),
        suite: choice.suite,
        psk: config.psk.clone().filter(|_| choice.signer.is_none()),
        transcript,
        share,
        client_random: hello.random,
        server_random,
        master: None,
        server_key: None,
        ticket: tickets,
        resumed: false,
        client_chain: Vec::new(),
    });
    Ok(if request_certificate {
        Server12::ExpectCertificate(handshake)
    } else {
        Server12::ExpectClientKeyExchange(handshake)
    })
}

/// The state of the ticket the ClientHello brings, when it is one of ours
/// for TLS 1.2 and still in its lifetime.
fn opened_ticket(config: &ServerConfig, hello: &ClientHello) -> Option<ServerState12> {
    let keys = config.tickets.as_ref()?;
    let ticket = hello
        .extensions
        .get(ext::SESSION_TICKET)
        .filter(|t| !t.is_empty())?;
    let now = now_secs();
    let state = ServerState12::decode(&keys.open(now, ticket)?)?;
    state.alive_at(now).then_some(state)
}

/// The state kept under the ClientHello's session id, when the server has
/// a session store and the session is still in its lifetime.
fn stored_session(config: &ServerConfig, hello: &ClientHello) -> Option<ServerState12> {
    let store = config.session_store.as_ref()?;
    if hello.session_id.is_empty() {
        return None;
    }
    let state = ServerState12::decode(&store.retrieve(&hello.session_id)?)?;
    if state.alive_at(now_secs()) {
        Some(state)
    } else {
        store.remove(&hello.session_id);
        None
    }
}

/// Whether `state` may resume here: its suite still allowed and offered,
/// the same server name, its PSK identity still known, its client chain
/// still trusted (or none required). `Some` with the client's identity to
/// restore (`None` inside when it had no certificate).
fn resumable(
    config: &ServerConfig,
    hello: &ClientHello,
    state: &ServerState12,
) -> Result<Option<Option<PeerIdentity>>, Error> {
    let suite = state.suite;
    if !config.tls12_suites.contains(&suite) || !hello.cipher_suites.contains(&suite.to_u16()) {
        return Ok(None);
    }
    let server_name = hello
        .extensions
        .get(ext::SERVER_NAME)
        .map(extensions::read_server_name)
        .transpose()?
        .flatten();
    if server_name != state.server_name {
        return Ok(None);
    }
    if let Some(identity) = &state.psk_identity {
        let known = match &config.psk {
            Some(lookup) => lookup(identity).map_err(Error::HookAborted)?.is_some(),
            None => false,
        };
        if !known {
            return Ok(None);
        }
    }
    Ok(ticket_client_identity(config, &state.client_chain))
}

/// The abbreviated handshake (RFC 5077 §3.1): ServerHello echoing the
/// client's session id, change_cipher_spec and our Finished; the client's
/// change_cipher_spec and Finished are due. The ticket is not renewed (as
/// GnuTLS): the client keeps resuming with the one it has.
fn resume(
    config: &Arc<ServerConfig>,
    common: &mut Common,
    hello: &ClientHello,
    message: &RawMessage,
    state: ServerState12,
    peer: Option<PeerIdentity>,
) -> Result<Server12, Error> {
    let suite = state.suite;
    let alpn = choose_alpn(config, hello)?;
    let extensions = hello_extensions(config, common, hello, alpn.as_ref(), false)?;
    let (mut transcript, server_random) = send_server_hello(
        config,
        common,
        message,
        suite,
        hello.session_id.clone(),
        extensions,
        false,
    )?;
    record_hello(common, hello, suite, alpn, hello.session_id.clone())?;
    common.negotiated.resumed = true;
    common.negotiated.group = state.group;
    common.negotiated.psk_identity = state.psk_identity.clone();
    common.negotiated.psk_with_dhe = state.psk_identity.is_some() && suite.ecdhe();
    if let Some(peer) = peer {
        common.negotiated.peer = Some(peer);
    }
    let ServerState12 { master, .. } = state;
    let hash = suite.hash();
    common.log_secret("CLIENT_RANDOM", &Secret::from_bytes(&master));
    let (client_key, server_key) =
        session_keys(hash, suite.aead(), &master, &hello.random, &server_random)?;
    common.change_write_key12(server_key)?;
    let ours = prf::verify_data(hash, &master, FinishedBy::Server, &transcript.current());
    let sent = common.send_message(HandshakeType::Finished, &ours)?;
    transcript.update(&sent);
    common.negotiated.tls_unique = Some(ours.to_vec());
    common.expect_ccs12(client_key);
    Ok(Server12::ExpectFinished(Box::new(Handshake {
        config: config.clone(),
        suite,
        psk: None,
        transcript,
        share: None,
        client_random: hello.random,
        server_random,
        master: Some(master),
        server_key: None,
        ticket: false,
        resumed: true,
        client_chain: Vec::new(),
    })))
}

/// Sends a NewSessionTicket sealing `state` (an empty ticket when sealing
/// fails: the extension promised the message, RFC 5077 §3.3).
fn send_ticket(
    config: &ServerConfig,
    common: &mut Common,
    transcript: &mut HandshakeLog,
    state: &ServerState12,
) -> Result<(), Error> {
    let now = now_secs();
    let ticket = config
        .tickets
        .as_ref()
        .and_then(|keys| keys.seal(now, &state.encode()))
        .unwrap_or_default();
    let remaining = (state.issued_at + u64::from(state.lifetime)).saturating_sub(now);
    let message = NewSessionTicket12 {
        lifetime_hint: u32::try_from(remaining).unwrap_or(u32::MAX),
        ticket,
    };
    let sent = common.send_message(HandshakeType::NewSessionTicket, &message.encode())?;
    transcript.update(&sent);
    Ok(())
}

impl Server12 {
    /// Handles one handshake message.
    pub fn handle(self, common: &mut Common, message: &RawMessage) -> Result<Self, Error> {
        use HandshakeType as T;
        match (self, message.ty) {
            (Self::ExpectCertificate(h), T::Certificate) => h.certificate(common, message),
            (Self::ExpectClientKeyExchange(h), T::ClientKeyExchange) => {
                h.client_key_exchange(common, message)
            }
            (Self::ExpectCertificateVerify(h), T::CertificateVerify) => {
                h.certificate_verify(common, message)
            }
            (Self::ExpectFinished(h), T::Finished) if !common.awaiting_ccs12() => {
                h.finished(common, message)
            }
            (Self::Traffic, T::ClientHello) => {
                // RFC 5746 §4.4: renegotiation refused with a warning; the
                // connection goes on.
                common.send_alert(AlertDescription::NoRenegotiation);
                Ok(Self::Traffic)
            }
            _ => Err(PeerMisbehaved::UnexpectedMessage("handshake message in this state").into()),
        }
    }
}

impl Handshake {
    fn client_key_exchange(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Server12, Error> {
        let pre_master = match self.psk.clone() {
            None => {
                let public = decode_client_key_exchange(message.body())?;
                let share = self
                    .share
                    .take()
                    .ok_or(Error::Internal("key share used twice"))?;
                share
                    .agree(&public)
                    .map_err(|_| PeerMisbehaved::IllegalParameter("ECDH public value"))?
            }
            Some(lookup) => {
                let (identity, public) =
                    decode_psk_client_key_exchange(message.body(), self.suite.ecdhe())?;
                let key = lookup(&identity)
                    .map_err(Error::HookAborted)?
                    .ok_or(PeerMisbehaved::UnknownPskIdentity)?;
                let other = match (public, self.share.take()) {
                    (Some(public), Some(share)) => share
                        .agree(&public)
                        .map_err(|_| PeerMisbehaved::IllegalParameter("ECDH public value"))?,
                    (None, None) => zeroize::Zeroizing::new(vec![0; key.len()]),
                    _ => return Err(Error::Internal("PSK key exchange shape")),
                };
                common.negotiated.psk_identity = Some(identity);
                common.negotiated.psk_with_dhe = self.suite.ecdhe();
                psk_premaster(&other, &key)
            }
        };
        self.transcript.update(&message.bytes);
        let hash = self.suite.hash();
        let master = prf::extended_master_secret(hash, &pre_master, &self.transcript.current());
        common.log_secret("CLIENT_RANDOM", &Secret::from_bytes(&master));
        let (client_key, server_key) = session_keys(
            hash,
            self.suite.aead(),
            &master,
            &self.client_random,
            &self.server_random,
        )?;
        common.expect_ccs12(client_key);
        self.server_key = Some(server_key);
        self.master = Some(master);
        Ok(if self.client_chain.is_empty() {
            self.transcript.forget_messages();
            Server12::ExpectFinished(self)
        } else {
            Server12::ExpectCertificateVerify(self)
        })
    }

    /// The client's Certificate, answering our request: checked against the
    /// client trust as configured; an empty one is fatal only under
    /// `ClientAuth::Require`.
    fn certificate(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Server12, Error> {
        let chain = decode_certificate(message.body())?;
        if chain.len() > MAX_CHAIN_CERTIFICATES {
            return Err(crate::x509::CertificateError::Bad(format!(
                "a chain of {} certificates (at most {MAX_CHAIN_CERTIFICATES})",
                chain.len()
            ))
            .into());
        }
        self.transcript.update(&message.bytes);
        // TLS 1.2 has no certificate_required alert (RFC 5246 §7.4.6).
        if take_client_chain(&self.config, common, &chain, PeerMisbehaved::NoCertificate)? {
            self.client_chain = chain;
        }
        Ok(Server12::ExpectClientKeyExchange(self))
    }

    /// The client's CertificateVerify: its signature over every message
    /// before it, in a scheme we asked for.
    fn certificate_verify(
        mut self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Server12, Error> {
        let verify = CertificateVerify12::decode(message.body())?;
        if !self.config.tls12_signature_allowed(verify.scheme) {
            return Err(PeerMisbehaved::IllegalParameter("signature scheme not offered").into());
        }
        let signed = self
            .transcript
            .messages()
            .ok_or(Error::Internal("handshake messages not kept"))?;
        let leaf = self
            .client_chain
            .first()
            .map(Vec::as_slice)
            .unwrap_or_default();
        crate::tls::config::check_peer_key_usage(leaf, self.config.peer_key_usage_unchecked)?;
        verify_signature_tls12(leaf, verify.scheme, signed, &verify.signature)
            .map_err(|_| PeerMisbehaved::DecryptError("client CertificateVerify"))?;
        common.negotiated.client_signature_scheme = Some(verify.scheme);
        common.peer_authentication_received();
        self.transcript.forget_messages();
        self.transcript.update(&message.bytes);
        Ok(Server12::ExpectFinished(self))
    }

    fn finished(
        self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Server12, Error> {
        let Handshake {
            config,
            suite,
            mut transcript,
            master,
            server_key,
            client_random,
            server_random,
            ticket,
            resumed,
            ..
        } = *self;
        let Some(master) = master else {
            return Err(Error::Internal("Finished before the keys"));
        };
        let hash = suite.hash();
        let expected = prf::verify_data(hash, &master, FinishedBy::Client, &transcript.current());
        if !bool::from(expected.ct_eq(message.body())) {
            return Err(PeerMisbehaved::DecryptError("client Finished").into());
        }
        transcript.update(&message.bytes);
        common.tls12_exporter = Some(prf::Exporter::new(
            hash,
            &master,
            &client_random,
            &server_random,
        ));
        // The Finished verified: the chain it covers is proven.
        if let Some(identity) = common.negotiated.peer_under_check.take() {
            common.negotiated.peer = Some(identity);
        }
        if !resumed {
            let server_key = server_key.ok_or(Error::Internal("Finished before the keys"))?;
            common.negotiated.tls_unique = Some(message.body().to_vec());
            if ticket || config.session_store.is_some() {
                let state = ServerState12 {
                    suite,
                    group: common.negotiated.group,
                    master: master.clone(),
                    issued_at: now_secs(),
                    lifetime: config.ticket_lifetime.min(MAX_TICKET_LIFETIME),
                    server_name: common.negotiated.server_name.clone(),
                    client_chain: common
                        .negotiated
                        .peer
                        .as_ref()
                        .map(|p| p.chain.clone())
                        .unwrap_or_default(),
                    psk_identity: common.negotiated.psk_identity.clone(),
                };
                if let Some(store) = &config.session_store {
                    store.store(&common.negotiated.session_id, &state.encode());
                }
                if ticket {
                    send_ticket(&config, common, &mut transcript, &state)?;
                }
            }
            common.change_write_key12(server_key)?;
            let ours = prf::verify_data(hash, &master, FinishedBy::Server, &transcript.current());
            common.send_message(HandshakeType::Finished, &ours)?;
        }
        common.traffic = true;
        common.ccs_window = false;
        common.events.push_back(Event::HandshakeComplete);
        Ok(Server12::Traffic)
    }
}
