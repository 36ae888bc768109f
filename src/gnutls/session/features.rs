//! The session features beyond the handshake and records: ALPN, keying
//! material exporters, key updates, corked records, record size limits, the
//! last handshake messages, key logging, the handshake random, the
//! post-client-hello function and application-defined extensions.

use std::sync::Arc;

use super::super::Error;
use super::Session;
use crate::crypto::hash::HashAlgorithm;
use crate::tls::config::{
    ClientConfig, CustomExtension, KeyLog, MAX_RECORD_SIZE_LIMIT, ServerConfig,
};
use crate::tls::{self, Connection};

/// `GNUTLS_ALPN_MANDATORY`.
pub const GNUTLS_ALPN_MANDATORY: u32 = 1;
/// `GNUTLS_ALPN_SERVER_PRECEDENCE`.
pub const GNUTLS_ALPN_SERVER_PRECEDENCE: u32 = 1 << 1;
/// `GNUTLS_KU_PEER`.
pub const GNUTLS_KU_PEER: u32 = 1;
/// `GNUTLS_RECORD_WAIT`.
pub const GNUTLS_RECORD_WAIT: u32 = 1;

/// GnuTLS 3.7's limits on ALPN: eight protocols of at most 31 bytes.
const MAX_ALPN_PROTOCOLS: usize = 8;
const MAX_ALPN_NAME: usize = 31;
/// The record sizes `gnutls_record_set_max_size` accepts.
const MIN_RECORD_SIZE: usize = 512;
const MAX_RECORD_SIZE: usize = 16384;

/// The extensions GnuTLS 3.7 implements itself: registering one of these
/// fails with `GNUTLS_E_ALREADY_REGISTERED`, as in GnuTLS.
const INTERNAL_EXTENSIONS: &[u16] = &[
    0, 1, 5, 10, 11, 13, 14, 15, 16, 19, 20, 21, 22, 23, 27, 28, 35, 41, 42, 43, 44, 45, 49, 51,
    0xff01,
];

/// The internal extensions an application may take over with
/// `GNUTLS_EXT_FLAG_OVERRIDE_INTERNAL`: ones GnuTLS allows that stepup's
/// engine neither sends nor reads (ec_point_formats, padding,
/// compress_certificate), and the cookie, which a stepup server never
/// sends (a client echoes any cookie it is sent, as RFC 8446 asks).
const OVERRIDABLE_EXTENSIONS: &[u16] = &[11, 21, 27, 44];

/// The application's look at a ClientHello: returns 0 to go on, or a
/// negative GnuTLS code that ends the handshake.
pub type PostClientHello = Box<dyn FnMut() -> i32 + Send>;

/// The settings of these features, kept until the connection is built.
#[derive(Default)]
pub(super) struct Features {
    alpn: Vec<Vec<u8>>,
    alpn_flags: u32,
    key_log: Option<KeyLog>,
    random: Option<[u8; 32]>,
    max_fragment: Option<usize>,
    max_recv: Option<usize>,
    extensions: Vec<Arc<dyn CustomExtension>>,
    post_client_hello: Option<PostClientHello>,
    /// Records held back by `gnutls_record_cork`.
    corked: Option<Vec<u8>>,
    /// The byte count of an uncork whose records are queued but not all sent.
    uncork_in_flight: Option<usize>,
    /// A KeyUpdate was queued and not yet all sent (AGAIN/INTERRUPTED).
    key_update_in_flight: bool,
    /// (Client) Send status_request: GnuTLS clients do unless initialised
    /// with `GNUTLS_NO_EXTENSIONS`.
    pub(super) status_request: bool,
}

impl Features {
    /// The defaults, with status_request sent or not.
    pub(super) fn new(status_request: bool) -> Self {
        Self {
            status_request,
            ..Self::default()
        }
    }

    pub(super) fn apply_client(&self, config: &mut ClientConfig) {
        config.alpn.clone_from(&self.alpn);
        config.key_log.clone_from(&self.key_log);
        config.random = self.random;
        config.custom_extensions.clone_from(&self.extensions);
        if let Some(size) = self.max_fragment {
            config.max_fragment = size;
        }
        if let Some(size) = self.max_recv {
            config.record_size_limit = record_size_limit(size);
        }
        // gnutls_record_set_max_size (not _recv_size): also with
        // max_fragment_length, when the size has a code.
        if self.max_fragment.is_some() && self.max_fragment == self.max_recv {
            config.max_fragment_length = self.max_fragment;
        }
    }

    pub(super) fn apply_server(&self, config: &mut ServerConfig) {
        config.alpn.clone_from(&self.alpn);
        config.alpn_server_precedence = self.alpn_flags & GNUTLS_ALPN_SERVER_PRECEDENCE != 0;
        config.alpn_mandatory = self.alpn_flags & GNUTLS_ALPN_MANDATORY != 0;
        config.key_log.clone_from(&self.key_log);
        config.random = self.random;
        config.custom_extensions.clone_from(&self.extensions);
        config.pause_after_client_hello = self.post_client_hello.is_some();
        if let Some(size) = self.max_fragment {
            config.max_fragment = size;
        }
        if let Some(size) = self.max_recv {
            config.record_size_limit = record_size_limit(size);
        }
    }

    /// Holds `data` back if records are corked: returns its length then.
    pub(super) fn cork_data(&mut self, data: &[u8]) -> Option<usize> {
        let buffer = self.corked.as_mut()?;
        buffer.extend_from_slice(data);
        Some(data.len())
    }
}

/// The record_size_limit announcing `size` bytes of plaintext (TLS 1.3
/// counts the inner content type byte too).
fn record_size_limit(size: usize) -> u16 {
    u16::try_from(size + 1).map_or(MAX_RECORD_SIZE_LIMIT, |l| l.min(MAX_RECORD_SIZE_LIMIT))
}

/// GnuTLS's `gnutls_digest_algorithm_t` for a hash.
fn digest_id(hash: HashAlgorithm) -> i32 {
    match hash {
        HashAlgorithm::Sha256 => 6,
        HashAlgorithm::Sha384 => 7,
    }
}

impl Session {
    /// The connection once its handshake completed (`InvalidRequest` before).
    fn established(&mut self) -> Result<&mut Connection, Error> {
        match self.conn.as_mut() {
            Some(conn) if !conn.is_handshaking() && conn.error().is_none() => Ok(conn),
            Some(conn) if conn.error().is_some() => Err(Error::Tls(
                conn.error()
                    .cloned()
                    .unwrap_or(tls::Error::Internal("failed")),
            )),
            _ => Err(Error::InvalidRequest),
        }
    }

    /// `gnutls_alpn_set_protocols`: the protocols to offer (client) or
    /// accept (server), in preference order, with GnuTLS's flags.
    pub fn set_alpn_protocols(&mut self, protocols: &[&[u8]], flags: u32) -> Result<(), Error> {
        if protocols.len() > MAX_ALPN_PROTOCOLS || protocols.iter().any(|p| p.len() > MAX_ALPN_NAME)
        {
            return Err(Error::InvalidRequest);
        }
        // An empty name cannot go on the wire (RFC 7301): it is skipped.
        self.features.alpn = protocols
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.to_vec())
            .collect();
        self.features.alpn_flags = flags;
        Ok(())
    }

    /// `gnutls_alpn_get_selected_protocol`.
    pub fn alpn_selected(&self) -> Result<&[u8], Error> {
        self.negotiated()
            .and_then(|n| n.alpn.as_deref())
            .ok_or(Error::RequestedDataNotAvailable)
    }

    /// (Client) `GNUTLS_ALPN_MANDATORY` with no protocol selected by the
    /// server ends the session after the handshake.
    pub(super) fn check_alpn_mandatory(&mut self) -> Result<(), Error> {
        let mandatory = !self.server
            && self.features.alpn_flags & GNUTLS_ALPN_MANDATORY != 0
            && !self.features.alpn.is_empty();
        if mandatory && self.negotiated().is_some_and(|n| n.alpn.is_none()) {
            let conn = self.conn()?;
            conn.close();
            let _ = self.flush();
            return Err(Error::Tls(tls::Error::PeerMisbehaved(
                tls::error::PeerMisbehaved::NoApplicationProtocol,
            )));
        }
        Ok(())
    }

    /// `gnutls_prf_rfc5705`: TLS-Exporter(label, context, length) of RFC
    /// 8446 §7.5 (a missing context is the empty one in TLS 1.3).
    pub fn export_keying_material(
        &mut self,
        label: &[u8],
        context: &[u8],
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        self.export_keying_material_with(label, Some(context), length)
    }

    /// As `export_keying_material`; `None` is RFC 5705's "no context" (a
    /// NULL context in `gnutls_prf_rfc5705`), which only TLS 1.2 tells
    /// apart from an empty one.
    pub fn export_keying_material_with(
        &mut self,
        label: &[u8],
        context: Option<&[u8]>,
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        let conn = self.established()?;
        match context {
            Some(context) => conn.export_keying_material(label, context, length),
            None => conn.export_keying_material_without_context(label, length),
        }
        .map_err(|e| match e {
            tls::Error::ApiMisuse(_) => Error::InvalidRequest,
            other => Error::Tls(other),
        })
    }

    /// `gnutls_session_channel_binding` (RFC 5929, RFC 9266): `kind` 0
    /// (tls-unique: not defined for TLS 1.3), 1 (tls-server-end-point: a
    /// digest of the server's certificate, with its signature's hash,
    /// SHA-256 for SHA-1 or MD5) or 2 (tls-exporter: 32 bytes of
    /// "EXPORTER-Channel-Binding" with an empty context). Before the
    /// handshake completed: `ChannelBindingNotAvailable`.
    pub fn channel_binding(&mut self, kind: i32) -> Result<Vec<u8>, Error> {
        let negotiated = self.completed().ok_or(Error::ChannelBindingNotAvailable)?;
        match kind {
            // tls-unique: the first Finished, which TLS 1.3 does not define.
            0 => negotiated
                .tls_unique
                .clone()
                .ok_or(Error::ChannelBindingNotAvailable),
            1 => {
                let server_certificate = if self.is_server() {
                    negotiated.local_certificate.clone()
                } else {
                    negotiated
                        .peer
                        .as_ref()
                        .and_then(|p| p.chain.first().cloned())
                };
                let der = server_certificate.ok_or(Error::Unimplemented)?;
                super::super::channel_binding::server_end_point(&der)
            }
            2 => self.export_keying_material(b"EXPORTER-Channel-Binding", b"", 32),
            _ => Err(Error::Unimplemented),
        }
    }

    /// `gnutls_prf`: under TLS 1.2 the PRF over the master secret, the
    /// randoms (the server's first if asked) and `extra`; under TLS 1.3
    /// the exporter with an empty context, where `extra` data has no place
    /// (`InvalidRequest`), as in GnuTLS 3.7.
    pub fn prf(
        &mut self,
        label: &[u8],
        server_random_first: bool,
        extra: &[u8],
        length: usize,
    ) -> Result<Vec<u8>, Error> {
        if self.is_tls12() {
            return self
                .established()?
                .tls12_prf(label, server_random_first, extra, length)
                .ok_or(Error::InvalidRequest);
        }
        if !extra.is_empty() {
            return Err(Error::InvalidRequest);
        }
        self.export_keying_material(label, &[], length)
    }

    /// `gnutls_prf_hash_get`: the suite's hash, 0 before one is chosen.
    pub fn prf_hash(&self) -> i32 {
        self.negotiated()
            .and_then(|n| {
                n.suite
                    .map(|s| s.hash())
                    .or(n.tls12_suite.map(|s| s.hash()))
            })
            .map_or(0, digest_id)
    }

    /// `gnutls_session_get_id`, empty before the handshake started. A
    /// client's is the legacy_session_id of its ClientHello (under TLS 1.2,
    /// the server's); a TLS 1.2 server's is the session's id, kept across
    /// resumptions; a TLS 1.3 server's, as in GnuTLS 3.7, is an id of its
    /// own (32 random bytes), not the client's echoed one, and kept across
    /// resumptions by the tickets.
    pub fn session_id(&mut self) -> Result<Vec<u8>, Error> {
        let Some(negotiated) = self.negotiated() else {
            return Ok(Vec::new());
        };
        let tls12 = negotiated.version.is_some();
        if !self.server || tls12 || negotiated.session_id.is_empty() {
            return Ok(negotiated.session_id.clone());
        }
        Ok(negotiated.persistent_id.clone())
    }

    /// `gnutls_session_key_update`: new sending keys, and with
    /// `GNUTLS_KU_PEER` a request that the peer update its own.
    /// A call after AGAIN or INTERRUPTED finishes sending the pending
    /// KeyUpdate instead of starting another, as in GnuTLS.
    pub fn key_update(&mut self, flags: u32) -> Result<(), Error> {
        if !self.features.key_update_in_flight {
            self.established()?
                .key_update(flags & GNUTLS_KU_PEER != 0)
                .map_err(Error::from)?;
            self.features.key_update_in_flight = true;
        }
        let sent = self.flush();
        if !matches!(sent, Err(Error::Again | Error::Interrupted)) {
            self.features.key_update_in_flight = false;
        }
        sent
    }

    /// `gnutls_rehandshake` under TLS 1.3: a server updates its keys and asks
    /// the client to update its own; a client may not call it.
    pub fn rehandshake(&mut self) -> Result<(), Error> {
        if !self.server {
            return Err(Error::InvalidRequest);
        }
        self.key_update(GNUTLS_KU_PEER)
    }

    /// `gnutls_record_cork`: holds sent data back until `uncork`.
    pub fn cork(&mut self) {
        if self.features.corked.is_none() {
            self.features.corked = Some(Vec::new());
        }
    }

    /// `gnutls_record_uncork`: sends the held-back data; returns its length
    /// (0 when nothing was corked). With `GNUTLS_RECORD_WAIT` it retries
    /// until everything is sent; otherwise `Again`/`Interrupted` mean: call
    /// again.
    pub fn uncork(&mut self, flags: u32) -> Result<usize, Error> {
        let wait = flags & GNUTLS_RECORD_WAIT != 0;
        if self.features.uncork_in_flight.is_none() {
            let Some(data) = self.features.corked.take() else {
                return Ok(0);
            };
            if data.is_empty() {
                return Ok(0);
            }
            if let Err(e) = self.established()?.write(&data) {
                return Err(Error::from(e));
            }
            self.features.uncork_in_flight = Some(data.len());
        }
        loop {
            match self.flush() {
                Ok(()) => return Ok(self.features.uncork_in_flight.take().unwrap_or(0)),
                Err(Error::Again | Error::Interrupted) if wait => {}
                Err(e @ (Error::Again | Error::Interrupted)) => return Err(e),
                Err(e) => {
                    self.features.uncork_in_flight = None;
                    return Err(e);
                }
            }
        }
    }

    /// `gnutls_record_set_max_size`: at most `size` bytes of plaintext per
    /// record sent, and announced for receiving (record_size_limit), from
    /// the next handshake. Sizes outside 512..=16384 are refused.
    pub fn set_max_record_size(&mut self, size: usize) -> Result<(), Error> {
        if !(MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&size) {
            return Err(Error::InvalidRequest);
        }
        if self.conn.is_none() {
            self.features.max_fragment = Some(size);
            self.features.max_recv = Some(size);
        }
        Ok(())
    }

    /// `gnutls_record_set_max_recv_size`: the plaintext per record we
    /// accept, announced with record_size_limit in the next handshake.
    pub fn set_max_recv_size(&mut self, size: usize) -> Result<(), Error> {
        if !(MIN_RECORD_SIZE..=MAX_RECORD_SIZE).contains(&size) {
            return Err(Error::InvalidRequest);
        }
        if self.conn.is_none() {
            self.features.max_recv = Some(size);
        }
        Ok(())
    }

    /// `gnutls_record_get_max_size`: the most plaintext per record we
    /// accept, as set (16384 by default).
    pub fn max_record_size(&self) -> usize {
        self.features.max_recv.unwrap_or(MAX_RECORD_SIZE)
    }

    /// `gnutls_handshake_get_last_in`/`_out`: the types of the last
    /// handshake messages received and sent, -1 for none.
    pub fn last_handshake_messages(&self) -> (i32, i32) {
        let (last_in, last_out) = self
            .conn
            .as_ref()
            .map_or((None, None), Connection::last_handshake_messages);
        let code = |t: Option<u8>| t.map_or(-1, i32::from);
        (code(last_in), code(last_out))
    }

    /// `gnutls_session_set_keylog_function`: where secrets go (from the
    /// next handshake).
    pub fn set_key_log(&mut self, key_log: Option<KeyLog>) {
        self.features.key_log = key_log;
    }

    /// `gnutls_handshake_set_random`: the random of our hello.
    pub fn set_handshake_random(&mut self, random: &[u8]) -> Result<(), Error> {
        let random: [u8; 32] = random.try_into().map_err(|_| Error::InvalidRequest)?;
        self.features.random = Some(random);
        Ok(())
    }

    /// `gnutls_handshake_set_post_client_hello_function` (servers).
    pub fn set_post_client_hello(&mut self, function: Option<PostClientHello>) {
        self.features.post_client_hello = function;
    }

    /// Takes the post-client-hello function out, so the caller can run it
    /// with the session not borrowed (hand it back with
    /// `client_hello_checked`).
    pub fn take_post_client_hello(&mut self) -> Option<PostClientHello> {
        self.features.post_client_hello.take()
    }

    /// The post-client-hello function returned `code` (0 when there was
    /// none): a negative code ends the handshake with it, nothing sent. A
    /// priority or credentials the function set (GnuTLS lets it change the
    /// versions and suites on offer, and servers pick a virtual host's
    /// certificate there) apply to this handshake: the ClientHello is
    /// negotiated afresh under them.
    pub fn client_hello_checked(
        &mut self,
        code: i32,
        function: Option<PostClientHello>,
    ) -> Result<(), Error> {
        let changed = std::mem::take(&mut self.config_changed_in_hello_check);
        // Built before the function is back, so the new configuration
        // does not pause again.
        let new_config = if code >= 0 && changed {
            Some(Arc::new(self.current_server_config()?))
        } else {
            None
        };
        if function.is_some() {
            self.features.post_client_hello = function;
        }
        let verdict = if code < 0 { Err(code) } else { Ok(()) };
        self.conn()?
            .resume_after_client_hello_check(verdict, new_config)
            .map_err(Error::from)
    }

    /// (Server) Whether the handshake waits, before handling the first
    /// ClientHello, for the configuration a handshake hook changed there.
    pub fn awaiting_reconfigure(&self) -> bool {
        self.conn
            .as_ref()
            .is_some_and(Connection::awaiting_reconfigure)
    }

    /// (Server) Handles the ClientHello a handshake hook looked at under
    /// the configuration as the hook left it (GnuTLS lets a hook set the
    /// credentials there); a post-client-hello function still looks at it
    /// afterwards. A configuration that cannot be built (no credentials
    /// still) leaves the ClientHello to the one it arrived under, which
    /// fails it in its own way.
    pub fn reconfigure_after_hook(&mut self) -> Result<(), Error> {
        self.config_changed_in_hello_check = false;
        let config = self.current_server_config().ok().map(Arc::new);
        self.conn()?
            .resume_after_client_hello_check(Ok(()), config)
            .map_err(Error::from)
    }

    /// `gnutls_session_ext_register`: an application-defined extension.
    /// Types GnuTLS implements itself (unless `override_internal` and the
    /// type is one stepup lets go), or registered already, fail with
    /// `AlreadyRegistered`.
    pub fn register_extension(
        &mut self,
        extension: Arc<dyn CustomExtension>,
        override_internal: bool,
    ) -> Result<(), Error> {
        let ty = extension.extension_type();
        let taken_over = override_internal && OVERRIDABLE_EXTENSIONS.contains(&ty);
        if (INTERNAL_EXTENSIONS.contains(&ty) && !taken_over)
            || self
                .features
                .extensions
                .iter()
                .any(|e| e.extension_type() == ty)
        {
            return Err(Error::AlreadyRegistered);
        }
        if self.conn.is_some() {
            return Err(Error::InvalidRequest);
        }
        self.features.extensions.push(extension);
        Ok(())
    }

    /// `gnutls_session_ext_master_secret_status`: TLS 1.3 has no extended
    /// master secret, but GnuTLS 3.7 reports 1 on a server whose client
    /// offered the extension; so does stepup (a client reports 0).
    pub fn ext_master_secret_status(&self) -> u32 {
        // Under TLS 1.2 both ends use it (stepup requires it).
        u32::from(
            self.is_tls12()
                || self.server
                    && self
                        .negotiated()
                        .is_some_and(|n| n.peer_offered_extended_master_secret),
        )
    }

    /// `gnutls_safe_renegotiation_status`: TLS 1.3 has no renegotiation,
    /// but GnuTLS 3.7 reports 1 on a server whose client offered RFC 5746
    /// (the renegotiation_info extension or the SCSV); so does stepup (a
    /// client reports 0).
    pub fn safe_renegotiation_status(&self) -> u32 {
        // Under TLS 1.2 a client reports whether the server answered
        // renegotiation_info.
        u32::from(
            (self.server || self.is_tls12())
                && self
                    .negotiated()
                    .is_some_and(|n| n.peer_offered_safe_renegotiation),
        )
    }
}
