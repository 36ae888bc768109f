//! The server's TLS 1.2 handshake (RFC 5246 §7.3) for the ECDHE suites:
//! ServerHello, Certificate, ServerKeyExchange, ServerHelloDone; then the
//! client's ClientKeyExchange, change_cipher_spec and Finished; then ours.
//! The extended master secret is required (RFC 7627 §5.3), renegotiation is
//! refused (RFC 5746 §4.4 indication sent, a later ClientHello answered
//! with a no_renegotiation warning).

use std::sync::Arc;

use subtle::ConstantTimeEq;

use super::messages::{
    EcdhParams, PskServerKeyExchange, ServerKeyExchange, decode_client_key_exchange,
    decode_psk_client_key_exchange, encode_certificate, psk_premaster, signed_params,
};
use super::prf::{self, FinishedBy};
use super::record::{RecordKey12, session_keys};
use super::suites::{Authentication, Tls12Suite};
use crate::crypto::hash::Transcript;
use crate::crypto::hkdf::SecretBytes;
use crate::crypto::kx::{KeyShare, KxGroup};
use crate::tls::alert::AlertDescription;
use crate::tls::client::{TLS13, random_bytes};
use crate::tls::codec::extensions::{self, ext};
use crate::tls::codec::handshake::{HandshakeType, RawMessage};
use crate::tls::codec::hello::{ClientHello, ServerHello};
use crate::tls::common::{Common, Event};
use crate::tls::config::{CertifiedKey, ClientAuth, PskLookup, ServerConfig};
use crate::tls::error::{Error, PeerMisbehaved};
use crate::tls::key_schedule::Secret;
use crate::tls::server::choose_alpn;
use crate::tls::suites::group;
use crate::x509::key_info::KeyKind;

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
    /// Waiting for ClientKeyExchange.
    ExpectClientKeyExchange(Box<Handshake>),
    /// Keys derived; waiting for the client's change_cipher_spec (the
    /// record layer installs its key) and Finished.
    ExpectFinished(Box<Handshake>),
    /// The handshake is complete.
    Traffic,
}

pub(crate) struct Handshake {
    suite: Tls12Suite,
    /// The PSK lookup, for a PSK suite.
    psk: Option<PskLookup>,
    transcript: Transcript,
    share: Option<KeyShare>,
    client_random: [u8; 32],
    server_random: [u8; 32],
    master: Option<SecretBytes>,
    server_key: Option<RecordKey12>,
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
        KeyKind::Rsa => Some(Authentication::Rsa),
        _ => None,
    }
}

/// The certificates in the order `choose_certificate` considers them: the
/// ones named for `server_name` first.
fn candidates(config: &ServerConfig, server_name: Option<&str>) -> Vec<Arc<CertifiedKey>> {
    if config.certificates.is_empty() {
        return config.certificate.iter().cloned().collect();
    }
    let named = config
        .certificates
        .iter()
        .filter(|c| server_name.is_some_and(|name| c.names.iter().any(|n| n == name)));
    let rest = config
        .certificates
        .iter()
        .filter(|c| !server_name.is_some_and(|name| c.names.iter().any(|n| n == name)));
    named.chain(rest).map(|c| c.key.clone()).collect()
}

fn choose(config: &ServerConfig, hello: &ClientHello) -> Result<Choice, Error> {
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
    if config.client_auth == ClientAuth::Require {
        // TLS 1.2 client certificates are not offered yet: a server that
        // requires one speaks TLS 1.3 only, rather than let a TLS 1.2
        // client in without one. One that only requests one goes on as if
        // the client had declined (it may, under REQUEST).
        return Err(PeerMisbehaved::ProtocolVersion(
            "TLS 1.2 with a required client certificate is not supported",
        )
        .into());
    }
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

/// Answers a ClientHello that negotiates TLS 1.2 with the server's flight.
pub(crate) fn accept(
    config: &ServerConfig,
    common: &mut Common,
    hello: &ClientHello,
    message: &RawMessage,
) -> Result<Server12, Error> {
    common.client_random = hello.random;
    common.key_log = config.key_log.clone();
    let choice = choose(config, hello)?;
    let alpn = choose_alpn(config, hello)?;
    common.tls12 = true;
    let mut server_random = match config.random {
        Some(random) => random,
        None => random_bytes()?,
    };
    if config.tls13 {
        server_random[24..].copy_from_slice(&DOWNGRADE_TLS12);
    }
    let mut transcript = Transcript::new(choice.suite.hash());
    transcript.update(&message.bytes);

    let mut extensions = extensions::Extensions::new();
    if hello.extensions.has(ext::RENEGOTIATION_INFO)
        || hello.cipher_suites.contains(&RENEGOTIATION_SCSV)
    {
        extensions.push(ext::RENEGOTIATION_INFO, vec![0]);
    }
    extensions.push(ext::EXTENDED_MASTER_SECRET, Vec::new());
    if hello.extensions.has(EC_POINT_FORMATS) {
        extensions.push(EC_POINT_FORMATS, vec![1, 0]);
    }
    if let Some(protocol) = &alpn {
        extensions.push(ext::ALPN, extensions::alpn(std::slice::from_ref(protocol)));
    }
    let server_hello = ServerHello {
        legacy_version: TLS12,
        random: server_random,
        // No session cache: an empty id says the session is not resumable.
        session_id: Vec::new(),
        cipher_suite: choice.suite.to_u16(),
        compression: 0,
        extensions,
    };
    let sent = common.send_message(HandshakeType::ServerHello, &server_hello.encode())?;
    transcript.update(&sent);

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
            // PSK: no certificate; a key exchange only for ECDHE_PSK (we
            // have no identity hint to send).
            if let Some(params) = params {
                let key_exchange = PskServerKeyExchange {
                    hint: Vec::new(),
                    params: Some(params),
                };
                let sent = common
                    .send_message(HandshakeType::ServerKeyExchange, &key_exchange.encode())?;
                transcript.update(&sent);
            }
        }
    }
    let sent = common.send_message(HandshakeType::ServerHelloDone, &[])?;
    transcript.update(&sent);

    let negotiated = &mut common.negotiated;
    negotiated.version = Some(TLS12);
    negotiated.tls12_suite = Some(choice.suite);
    negotiated.group = choice.group;
    negotiated.alpn = alpn;
    negotiated.session_id = Vec::new();
    negotiated.peer_offered_extended_master_secret = true;
    negotiated.peer_offered_safe_renegotiation = hello.extensions.has(ext::RENEGOTIATION_INFO)
        || hello.cipher_suites.contains(&RENEGOTIATION_SCSV);
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
    Ok(Server12::ExpectClientKeyExchange(Box::new(Handshake {
        suite: choice.suite,
        psk: config.psk.clone().filter(|_| choice.signer.is_none()),
        transcript,
        share,
        client_random: hello.random,
        server_random,
        master: None,
        server_key: None,
    })))
}

impl Server12 {
    /// Handles one handshake message.
    pub fn handle(self, common: &mut Common, message: &RawMessage) -> Result<Self, Error> {
        use HandshakeType as T;
        match (self, message.ty) {
            (Self::ExpectClientKeyExchange(h), T::ClientKeyExchange) => {
                h.client_key_exchange(common, message)
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
        Ok(Server12::ExpectFinished(self))
    }

    fn finished(
        self: Box<Self>,
        common: &mut Common,
        message: &RawMessage,
    ) -> Result<Server12, Error> {
        let Handshake {
            suite,
            mut transcript,
            master,
            server_key,
            client_random,
            server_random,
            ..
        } = *self;
        let (Some(master), Some(server_key)) = (master, server_key) else {
            return Err(Error::Internal("Finished before the keys"));
        };
        let hash = suite.hash();
        let expected = prf::verify_data(hash, &master, FinishedBy::Client, &transcript.current());
        if !bool::from(expected.ct_eq(message.body())) {
            return Err(PeerMisbehaved::DecryptError("client Finished").into());
        }
        transcript.update(&message.bytes);
        common.negotiated.tls_unique = Some(message.body().to_vec());
        common.tls12_exporter = Some(prf::Exporter::new(
            hash,
            &master,
            &client_random,
            &server_random,
        ));
        common.change_write_key12(server_key)?;
        let ours = prf::verify_data(hash, &master, FinishedBy::Server, &transcript.current());
        common.send_message(HandshakeType::Finished, &ours)?;
        common.traffic = true;
        common.ccs_window = false;
        common.events.push_back(Event::HandshakeComplete);
        Ok(Server12::Traffic)
    }
}
