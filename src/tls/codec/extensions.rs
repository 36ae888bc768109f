//! Extensions (RFC 8446 §4.2): kept as (type, body) in wire order, with
//! duplicates rejected on decode; each message declares once which types it
//! may carry (`check_allowed`), and typed accessors decode the ones the
//! engine uses.

use super::{LenPrefix, Reader, put_u16, put_vec, with_len};
use crate::tls::error::{InvalidMessage, PeerMisbehaved};

/// Extension type numbers the engine knows.
pub mod ext {
    /// server_name.
    pub const SERVER_NAME: u16 = 0;
    /// max_fragment_length (RFC 6066 §4).
    pub const MAX_FRAGMENT_LENGTH: u16 = 1;
    /// status_request.
    pub const STATUS_REQUEST: u16 = 5;
    /// supported_groups.
    pub const SUPPORTED_GROUPS: u16 = 10;
    /// signature_algorithms.
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    /// application_layer_protocol_negotiation.
    pub const ALPN: u16 = 16;
    /// signed_certificate_timestamp.
    pub const SCT: u16 = 18;
    /// padding.
    pub const PADDING: u16 = 21;
    /// extended_master_secret (TLS 1.2; offered by clients, ignored here).
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    /// record_size_limit.
    pub const RECORD_SIZE_LIMIT: u16 = 28;
    /// session_ticket (TLS 1.2).
    pub const SESSION_TICKET: u16 = 35;
    /// pre_shared_key.
    pub const PRE_SHARED_KEY: u16 = 41;
    /// early_data.
    pub const EARLY_DATA: u16 = 42;
    /// supported_versions.
    pub const SUPPORTED_VERSIONS: u16 = 43;
    /// cookie.
    pub const COOKIE: u16 = 44;
    /// psk_key_exchange_modes.
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    /// certificate_authorities.
    pub const CERTIFICATE_AUTHORITIES: u16 = 47;
    /// oid_filters.
    pub const OID_FILTERS: u16 = 48;
    /// post_handshake_auth.
    pub const POST_HANDSHAKE_AUTH: u16 = 49;
    /// signature_algorithms_cert.
    pub const SIGNATURE_ALGORITHMS_CERT: u16 = 50;
    /// key_share.
    pub const KEY_SHARE: u16 = 51;
    /// renegotiation_info (TLS 1.2).
    pub const RENEGOTIATION_INFO: u16 = 0xff01;

    /// Whether `ty` is one of the types above.
    pub fn is_known(ty: u16) -> bool {
        [
            SERVER_NAME,
            MAX_FRAGMENT_LENGTH,
            STATUS_REQUEST,
            SUPPORTED_GROUPS,
            SIGNATURE_ALGORITHMS,
            ALPN,
            SCT,
            PADDING,
            EXTENDED_MASTER_SECRET,
            RECORD_SIZE_LIMIT,
            SESSION_TICKET,
            PRE_SHARED_KEY,
            EARLY_DATA,
            SUPPORTED_VERSIONS,
            COOKIE,
            PSK_KEY_EXCHANGE_MODES,
            CERTIFICATE_AUTHORITIES,
            OID_FILTERS,
            POST_HANDSHAKE_AUTH,
            SIGNATURE_ALGORITHMS_CERT,
            KEY_SHARE,
            RENEGOTIATION_INFO,
        ]
        .contains(&ty)
    }
}

/// A message's extensions, in wire order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extensions {
    list: Vec<(u16, Vec<u8>)>,
}

impl Extensions {
    /// No extensions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes a u16-length-prefixed extension block; duplicates are illegal.
    pub fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let length = |_| InvalidMessage::ExtensionsLength;
        let mut block = Reader::new(r.vec_u16("extensions").map_err(length)?);
        let mut list: Vec<(u16, Vec<u8>)> = Vec::new();
        while !block.is_empty() {
            let ty = block.u16("extension type").map_err(length)?;
            let body = block.vec_u16("extension body").map_err(length)?;
            if list.iter().any(|(t, _)| *t == ty) {
                return Err(InvalidMessage::InvalidValue("duplicate extension"));
            }
            list.push((ty, body.to_vec()));
        }
        Ok(Self { list })
    }

    /// Appends the block (with its u16 length).
    pub fn encode(&self, out: &mut Vec<u8>) {
        with_len(out, LenPrefix::U16, |o| {
            for (ty, body) in &self.list {
                put_u16(o, *ty);
                put_vec(o, LenPrefix::U16, body);
            }
        });
    }

    /// Adds an extension (replacing one of the same type).
    pub fn push(&mut self, ty: u16, body: Vec<u8>) {
        self.list.retain(|(t, _)| *t != ty);
        self.list.push((ty, body));
    }

    /// Sets extension `ty`: in its place if present (a retried ClientHello
    /// keeps its order, RFC 8446 §4.1.2), else added at the end.
    pub fn set(&mut self, ty: u16, body: Vec<u8>) {
        match self.list.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, old)) => *old = body,
            None => self.list.push((ty, body)),
        }
    }

    /// Removes extension `ty`, if present.
    pub fn remove(&mut self, ty: u16) {
        self.list.retain(|(t, _)| *t != ty);
    }

    /// The body of extension `ty`, if present.
    pub fn get(&self, ty: u16) -> Option<&[u8]> {
        self.list
            .iter()
            .find(|(t, _)| *t == ty)
            .map(|(_, b)| b.as_slice())
    }

    /// Whether extension `ty` is present.
    pub fn has(&self, ty: u16) -> bool {
        self.get(ty).is_some()
    }

    /// The extension types present, in order.
    pub fn types(&self) -> impl Iterator<Item = u16> + '_ {
        self.list.iter().map(|(t, _)| *t)
    }

    /// The last extension's type (pre_shared_key must be last in ClientHello).
    pub fn last_type(&self) -> Option<u16> {
        self.list.last().map(|(t, _)| *t)
    }

    /// Fails if an extension outside `allowed` is present (RFC 8446 §4.2:
    /// an extension in the wrong message is illegal_parameter... for
    /// responses it is unsupported_extension, which the caller chooses by
    /// passing `response`).
    pub fn check_allowed(&self, allowed: &[u16], response: bool) -> Result<(), PeerMisbehaved> {
        match self.types().find(|t| !allowed.contains(t)) {
            None => Ok(()),
            Some(_) if response => Err(PeerMisbehaved::UnsupportedExtension(
                "extension not allowed here",
            )),
            Some(_) => Err(PeerMisbehaved::IllegalParameter(
                "extension not allowed in this message",
            )),
        }
    }
}

/// Decodes a u16-length-prefixed list of u16 values (supported_groups,
/// signature_algorithms, cipher suites).
pub fn read_u16_list(body: &[u8], what: &'static str) -> Result<Vec<u16>, InvalidMessage> {
    let mut r = Reader::new(body);
    let list = r.vec_u16(what)?;
    r.expect_end(what)?;
    if list.is_empty() || list.len() % 2 != 0 {
        return Err(InvalidMessage::InvalidValue(what));
    }
    let mut items = Reader::new(list);
    let mut out = Vec::with_capacity(list.len() / 2);
    while !items.is_empty() {
        out.push(items.u16(what)?);
    }
    Ok(out)
}

/// Encodes a u16-length-prefixed list of u16 values.
pub fn u16_list(values: &[u16]) -> Vec<u8> {
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U16, |o| {
        values.iter().for_each(|v| put_u16(o, *v))
    });
    out
}

/// certificate_authorities (RFC 8446 §4.2.4): `DistinguishedName
/// authorities<3..2^16-1>`, each `opaque DistinguishedName<1..2^16-1>`.
/// Names that would overflow the list are left out; `None` when none fit.
pub fn authorities(names: &[Vec<u8>]) -> Option<Vec<u8>> {
    let mut room = usize::from(u16::MAX);
    let fitting: Vec<&Vec<u8>> = names
        .iter()
        .filter(|n| !n.is_empty() && n.len() <= usize::from(u16::MAX))
        .take_while(|n| match room.checked_sub(n.len() + 2) {
            Some(left) => {
                room = left;
                true
            }
            None => false,
        })
        .collect();
    if fitting.is_empty() {
        return None;
    }
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U16, |o| {
        fitting.iter().for_each(|n| put_vec(o, LenPrefix::U16, n))
    });
    Some(out)
}

/// supported_versions in a ClientHello: a u8-prefixed list of versions.
pub fn read_client_versions(body: &[u8]) -> Result<Vec<u16>, InvalidMessage> {
    let mut r = Reader::new(body);
    let list = r.vec_u8("supported_versions")?;
    r.expect_end("supported_versions")?;
    if list.is_empty() || list.len() % 2 != 0 {
        return Err(InvalidMessage::InvalidValue("supported_versions"));
    }
    let mut items = Reader::new(list);
    let mut out = Vec::new();
    while !items.is_empty() {
        out.push(items.u16("version")?);
    }
    Ok(out)
}

/// One key_share entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyShareEntry {
    /// The NamedGroup.
    pub group: u16,
    /// The public share.
    pub key: Vec<u8>,
}

impl KeyShareEntry {
    fn read(r: &mut Reader<'_>) -> Result<Self, InvalidMessage> {
        let group = r.u16("key_share group")?;
        let key = r.vec_u16("key_share key")?;
        if key.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty key share"));
        }
        Ok(Self {
            group,
            key: key.to_vec(),
        })
    }

    /// Appends the entry.
    pub fn encode(&self, out: &mut Vec<u8>) {
        put_u16(out, self.group);
        put_vec(out, LenPrefix::U16, &self.key);
    }
}

/// key_share in a ClientHello: a list of entries, one per group at most.
pub fn read_client_key_shares(body: &[u8]) -> Result<Vec<KeyShareEntry>, InvalidMessage> {
    let mut r = Reader::new(body);
    let mut list = Reader::new(r.vec_u16("key_share list")?);
    r.expect_end("key_share")?;
    let mut out: Vec<KeyShareEntry> = Vec::new();
    while !list.is_empty() {
        let entry = KeyShareEntry::read(&mut list)?;
        if out.iter().any(|e| e.group == entry.group) {
            return Err(InvalidMessage::InvalidValue("two key shares for one group"));
        }
        out.push(entry);
    }
    Ok(out)
}

/// key_share in a ServerHello: one entry.
pub fn read_server_key_share(body: &[u8]) -> Result<KeyShareEntry, InvalidMessage> {
    let mut r = Reader::new(body);
    let entry = KeyShareEntry::read(&mut r)?;
    r.expect_end("key_share")?;
    Ok(entry)
}

/// The host name from server_name (the one `host_name` entry), if any.
pub fn read_server_name(body: &[u8]) -> Result<Option<String>, InvalidMessage> {
    let mut r = Reader::new(body);
    let mut list = Reader::new(r.vec_u16("server_name list")?);
    r.expect_end("server_name")?;
    let mut name = None;
    while !list.is_empty() {
        let kind = list.u8("name type")?;
        let value = list.vec_u16("host name")?;
        if kind == 0 {
            if name.is_some() {
                return Err(InvalidMessage::InvalidValue("two host names"));
            }
            let text = std::str::from_utf8(value)
                .map_err(|_| InvalidMessage::InvalidValue("host name"))?;
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(InvalidMessage::InvalidValue("host name"));
            }
            name = Some(text.to_owned());
        }
    }
    Ok(name)
}

/// server_name for a ClientHello.
pub fn server_name(host: &str) -> Vec<u8> {
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U16, |o| {
        o.push(0);
        put_vec(o, LenPrefix::U16, host.as_bytes());
    });
    out
}

/// ALPN: a u16-prefixed list of u8-prefixed non-empty protocol names.
pub fn read_alpn(body: &[u8]) -> Result<Vec<Vec<u8>>, InvalidMessage> {
    let mut r = Reader::new(body);
    let mut list = Reader::new(r.vec_u16("alpn list")?);
    r.expect_end("alpn")?;
    let mut out = Vec::new();
    while !list.is_empty() {
        let name = list.vec_u8("protocol name")?;
        if name.is_empty() {
            return Err(InvalidMessage::InvalidValue("empty protocol name"));
        }
        out.push(name.to_vec());
    }
    if out.is_empty() {
        return Err(InvalidMessage::InvalidValue("empty alpn list"));
    }
    Ok(out)
}

/// ALPN body for a list of protocols.
pub fn alpn(protocols: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    with_len(&mut out, LenPrefix::U16, |o| {
        protocols.iter().for_each(|p| put_vec(o, LenPrefix::U8, p))
    });
    out
}

/// The plaintext size a max_fragment_length code stands for (RFC 6066 §4:
/// 1 to 4 for 2^9 to 2^12).
pub fn max_fragment_size(code: u8) -> Option<usize> {
    (1..=4).contains(&code).then(|| 256 << code)
}

/// The max_fragment_length code of a size, if it has one.
pub fn max_fragment_code(size: usize) -> Option<u8> {
    (1..=4u8).find(|code| max_fragment_size(*code) == Some(size))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_fragment_codes_are_rfc_6066s() {
        assert_eq!(max_fragment_size(1), Some(512));
        assert_eq!(max_fragment_size(4), Some(4096));
        assert_eq!(max_fragment_size(0), None);
        assert_eq!(max_fragment_size(5), None);
        assert_eq!(max_fragment_code(2048), Some(3));
        assert_eq!(max_fragment_code(8192), None);
    }

    fn block(parts: &[(u16, &[u8])]) -> Vec<u8> {
        let mut e = Extensions::new();
        for (t, b) in parts {
            e.list.push((*t, b.to_vec()));
        }
        let mut out = Vec::new();
        e.encode(&mut out);
        out
    }

    #[test]
    fn rejects_duplicate_extensions() {
        let bytes = block(&[(ext::KEY_SHARE, b"a"), (ext::KEY_SHARE, b"b")]);
        assert_eq!(
            Extensions::read(&mut Reader::new(&bytes)),
            Err(InvalidMessage::InvalidValue("duplicate extension"))
        );
    }

    #[test]
    fn lengths_that_do_not_add_up_are_told_apart() {
        let good = block(&[(ext::SERVER_NAME, &[]), (ext::KEY_SHARE, b"ab")]);
        for (at, delta) in [(1, 1i8), (1, -1), (9, 1), (9, -1)] {
            let mut bytes = good.clone();
            bytes[at] = bytes[at].wrapping_add_signed(delta);
            assert_eq!(
                Extensions::read(&mut Reader::new(&bytes)).unwrap_err(),
                InvalidMessage::ExtensionsLength,
                "byte {at} {delta:+}"
            );
        }
    }

    #[test]
    fn round_trips_and_keeps_unknown_types() {
        let bytes = block(&[(ext::SUPPORTED_VERSIONS, &[2, 3, 4]), (0xfafa, b"grease")]);
        let e = Extensions::read(&mut Reader::new(&bytes)).unwrap();
        assert_eq!(e.get(0xfafa), Some(&b"grease"[..]));
        let mut again = Vec::new();
        e.encode(&mut again);
        assert_eq!(again, bytes);
    }

    #[test]
    fn checks_allowed_types_per_message() {
        let bytes = block(&[(ext::SERVER_NAME, &[]), (ext::KEY_SHARE, &[])]);
        let e = Extensions::read(&mut Reader::new(&bytes)).unwrap();
        assert!(
            e.check_allowed(&[ext::SERVER_NAME, ext::KEY_SHARE], true)
                .is_ok()
        );
        assert!(matches!(
            e.check_allowed(&[ext::SERVER_NAME], true),
            Err(PeerMisbehaved::UnsupportedExtension(_))
        ));
        assert!(matches!(
            e.check_allowed(&[ext::SERVER_NAME], false),
            Err(PeerMisbehaved::IllegalParameter(_))
        ));
    }

    #[test]
    fn decodes_typed_bodies_and_rejects_malformed_ones() {
        assert_eq!(
            read_u16_list(&u16_list(&[0x1d, 0x17]), "groups").unwrap(),
            [0x1d, 0x17]
        );
        assert!(read_u16_list(&[0, 3, 0, 1, 2], "groups").is_err());
        assert!(read_u16_list(&[0, 0], "groups").is_err());
        assert_eq!(
            read_server_name(&server_name("example.org"))
                .unwrap()
                .as_deref(),
            Some("example.org")
        );
        assert_eq!(
            read_alpn(&alpn(&[b"h2".to_vec()])).unwrap(),
            [b"h2".to_vec()]
        );
        assert!(read_alpn(&[0, 1, 0]).is_err());
        let shares = [
            KeyShareEntry {
                group: 29,
                key: vec![1; 32],
            },
            KeyShareEntry {
                group: 29,
                key: vec![2; 32],
            },
        ];
        let mut body = Vec::new();
        with_len(&mut body, LenPrefix::U16, |o| {
            shares.iter().for_each(|s| s.encode(o))
        });
        assert!(
            read_client_key_shares(&body).is_err(),
            "two shares for one group"
        );
    }
}
