//! ClientHello and ServerHello (RFC 8446 §4.1.2–4.1.4). A HelloRetryRequest
//! is a ServerHello whose random is the special value below.

use super::extensions::Extensions;
use super::{LenPrefix, Reader, put_u16, put_vec, with_len};
use crate::tls::error::InvalidMessage;

/// SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest.
pub const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// A ClientHello.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    /// legacy_version (0x0303).
    pub legacy_version: u16,
    /// random.
    pub random: [u8; 32],
    /// legacy_session_id (0 to 32 bytes), echoed by the server.
    pub session_id: Vec<u8>,
    /// cipher_suites, in the client's order.
    pub cipher_suites: Vec<u16>,
    /// legacy_compression_methods.
    pub compression: Vec<u8>,
    /// extensions.
    pub extensions: Extensions,
}

fn read_random(r: &mut Reader<'_>) -> Result<[u8; 32], InvalidMessage> {
    let mut random = [0u8; 32];
    random.copy_from_slice(r.take(32, "random")?);
    Ok(random)
}

impl ClientHello {
    /// Whether this, the answer to a HelloRetryRequest, is `first` with
    /// only the changes RFC 8446 §4.1.2 allows: a new key_share, an updated
    /// pre_shared_key, a cookie added, early_data removed, and padding
    /// added, changed or removed. Everything else stays, in its order.
    pub fn follows_retry(&self, first: &ClientHello) -> bool {
        use super::extensions::ext;
        if self.extensions.has(ext::EARLY_DATA) {
            return false;
        }
        let kept = |hello: &ClientHello| -> Vec<(u16, Option<Vec<u8>>)> {
            hello
                .extensions
                .types()
                .filter(|t| ![ext::PADDING, ext::EARLY_DATA, ext::COOKIE].contains(t))
                .map(|t| {
                    let body = (![ext::KEY_SHARE, ext::PRE_SHARED_KEY].contains(&t))
                        .then(|| hello.extensions.get(t).unwrap_or_default().to_vec());
                    (t, body)
                })
                .collect()
        };
        self.legacy_version == first.legacy_version
            && self.random == first.random
            && self.session_id == first.session_id
            && self.cipher_suites == first.cipher_suites
            && self.compression == first.compression
            && kept(self) == kept(first)
    }

    /// Decodes a ClientHello body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let legacy_version = r.u16("legacy_version")?;
        let random = read_random(&mut r)?;
        let session_id = r.vec_u8("legacy_session_id")?;
        if session_id.len() > 32 {
            return Err(InvalidMessage::InvalidValue("legacy_session_id"));
        }
        let suites = r.vec_u16("cipher_suites")?;
        if suites.is_empty() || suites.len() % 2 != 0 {
            return Err(InvalidMessage::InvalidValue("cipher_suites"));
        }
        let mut suite_reader = Reader::new(suites);
        let mut cipher_suites = Vec::new();
        while !suite_reader.is_empty() {
            cipher_suites.push(suite_reader.u16("cipher suite")?);
        }
        let compression = r.vec_u8("compression_methods")?;
        if compression.is_empty() {
            return Err(InvalidMessage::InvalidValue("compression_methods"));
        }
        // A ClientHello without extensions is TLS 1.2 or older; keep it decodable.
        let extensions = if r.is_empty() {
            Extensions::new()
        } else {
            Extensions::read(&mut r)?
        };
        r.expect_end("ClientHello")?;
        Ok(Self {
            legacy_version,
            random,
            session_id: session_id.to_vec(),
            cipher_suites,
            compression: compression.to_vec(),
            extensions,
        })
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        self.encode_into(&mut out);
        out
    }

    fn encode_into(&self, out: &mut Vec<u8>) {
        put_u16(out, self.legacy_version);
        out.extend_from_slice(&self.random);
        put_vec(out, LenPrefix::U8, &self.session_id);
        with_len(out, LenPrefix::U16, |o| {
            self.cipher_suites.iter().for_each(|s| put_u16(o, *s))
        });
        put_vec(out, LenPrefix::U8, &self.compression);
        self.extensions.encode(out);
    }
}

/// A ServerHello (or HelloRetryRequest).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    /// legacy_version (0x0303).
    pub legacy_version: u16,
    /// random (HRR_RANDOM for a HelloRetryRequest).
    pub random: [u8; 32],
    /// legacy_session_id_echo.
    pub session_id: Vec<u8>,
    /// The selected cipher suite.
    pub cipher_suite: u16,
    /// legacy_compression_method (0).
    pub compression: u8,
    /// extensions.
    pub extensions: Extensions,
}

impl ServerHello {
    /// Decodes a ServerHello body.
    pub fn decode(body: &[u8]) -> Result<Self, InvalidMessage> {
        let mut r = Reader::new(body);
        let legacy_version = r.u16("legacy_version")?;
        let random = read_random(&mut r)?;
        let session_id = r.vec_u8("legacy_session_id_echo")?;
        if session_id.len() > 32 {
            return Err(InvalidMessage::InvalidValue("legacy_session_id_echo"));
        }
        let cipher_suite = r.u16("cipher_suite")?;
        let compression = r.u8("compression_method")?;
        let extensions = if r.is_empty() {
            Extensions::new()
        } else {
            Extensions::read(&mut r)?
        };
        r.expect_end("ServerHello")?;
        Ok(Self {
            legacy_version,
            random,
            session_id: session_id.to_vec(),
            cipher_suite,
            compression,
            extensions,
        })
    }

    /// Whether this is a HelloRetryRequest.
    pub fn is_retry_request(&self) -> bool {
        self.random == HRR_RANDOM
    }

    /// Encodes the body.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        put_u16(&mut out, self.legacy_version);
        out.extend_from_slice(&self.random);
        put_vec(&mut out, LenPrefix::U8, &self.session_id);
        put_u16(&mut out, self.cipher_suite);
        out.push(self.compression);
        self.extensions.encode(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::codec::extensions::ext;

    fn hello() -> ClientHello {
        let mut extensions = Extensions::new();
        extensions.push(ext::SUPPORTED_VERSIONS, vec![2, 3, 4]);
        ClientHello {
            legacy_version: 0x0303,
            random: [7; 32],
            session_id: vec![1; 32],
            cipher_suites: vec![0x1301, 0x1303],
            compression: vec![0],
            extensions,
        }
    }

    #[test]
    fn client_hello_round_trips() {
        let ch = hello();
        assert_eq!(ClientHello::decode(&ch.encode()).unwrap(), ch);
    }

    #[test]
    fn rejects_malformed_client_hellos() {
        let good = hello().encode();
        for cut in [0, 1, 33, 40, good.len() - 1] {
            assert!(
                ClientHello::decode(&good[..cut]).is_err(),
                "truncated at {cut}"
            );
        }
        let mut trailing = good.clone();
        trailing.push(0);
        assert!(ClientHello::decode(&trailing).is_err());
        let mut no_suites = hello();
        no_suites.cipher_suites.clear();
        assert!(ClientHello::decode(&no_suites.encode()).is_err());
    }

    #[test]
    fn server_hello_round_trips_and_detects_retry_requests() {
        let sh = ServerHello {
            legacy_version: 0x0303,
            random: HRR_RANDOM,
            session_id: vec![],
            cipher_suite: 0x1301,
            compression: 0,
            extensions: Extensions::new(),
        };
        let back = ServerHello::decode(&sh.encode()).unwrap();
        assert!(back.is_retry_request());
        assert_eq!(back, sh);
    }
}
