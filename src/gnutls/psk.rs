//! PSK credentials (`gnutls_psk_client_credentials_t`,
//! `gnutls_psk_server_credentials_t`): a client's user name and key, a
//! server's password file, and what a server's key lookup answers, with
//! GnuTLS 3.7's rules for unknown users and failing lookups.

use parking_lot::RwLock;
use zeroize::Zeroizing;

use super::Error;
use super::error_codes::GNUTLS_E_KEYFILE_ERROR;
use super::psk_file;
use crate::tls::ExternalPsk;

/// `GNUTLS_PSK_KEY_RAW`: the key is given as its bytes.
pub const GNUTLS_PSK_KEY_RAW: i32 = 0;
/// `GNUTLS_PSK_KEY_HEX`: the key is given in hexadecimal.
pub const GNUTLS_PSK_KEY_HEX: i32 = 1;

/// The length of the random key that stands in for an unknown user's.
const DECOY_KEY_LEN: usize = 16;

/// A client's PSK credentials; shared by the sessions they are set on.
#[derive(Default)]
pub struct PskClientCredentials {
    psk: RwLock<Option<ExternalPsk>>,
}

impl PskClientCredentials {
    /// Credentials without a key.
    pub fn new() -> Self {
        Self::default()
    }

    /// `gnutls_psk_set_client_credentials`: the user name and the key, raw
    /// (`GNUTLS_PSK_KEY_RAW`) or in hex (`GNUTLS_PSK_KEY_HEX`). An empty
    /// key, hex that does not decode, or other flags are refused
    /// (`InvalidRequest`) and leave the credentials as they were.
    pub fn set(&self, username: &[u8], key: &[u8], flags: i32) -> Result<(), Error> {
        let key = match flags {
            GNUTLS_PSK_KEY_RAW => Zeroizing::new(key.to_vec()),
            GNUTLS_PSK_KEY_HEX => std::str::from_utf8(key)
                .ok()
                .and_then(psk_file::decode_hex)
                .ok_or(Error::InvalidRequest)?,
            _ => return Err(Error::InvalidRequest),
        };
        if key.is_empty() {
            return Err(Error::InvalidRequest);
        }
        *self.psk.write() = Some(ExternalPsk {
            identity: username.to_vec(),
            key,
        });
        Ok(())
    }

    /// The PSK to offer, once set.
    pub fn psk(&self) -> Option<ExternalPsk> {
        self.psk.read().clone()
    }
}

/// What a server's key source said about a user.
pub enum Lookup {
    /// The user's key.
    Key(Zeroizing<Vec<u8>>),
    /// No such user.
    Unknown,
    /// The source failed (a callback's negative return, an unreadable or
    /// malformed password file).
    Failed,
}

impl Lookup {
    /// The engine's answer, as GnuTLS 3.7 treats each case: an unknown user
    /// gets a random key, so the handshake fails at the binder exactly as
    /// with a wrong key and does not tell which users exist (and does not
    /// fall back to certificates); a failure ends the handshake with
    /// `GNUTLS_E_KEYFILE_ERROR`.
    pub fn into_engine(self) -> Result<Option<Zeroizing<Vec<u8>>>, i32> {
        match self {
            Lookup::Key(key) => Ok(Some(key)),
            Lookup::Unknown => {
                let mut key = Zeroizing::new(vec![0; DECOY_KEY_LEN]);
                crate::crypto::fill_random(&mut key).map_err(|_| GNUTLS_E_KEYFILE_ERROR)?;
                Ok(Some(key))
            }
            Lookup::Failed => Err(GNUTLS_E_KEYFILE_ERROR),
        }
    }
}

/// A server's PSK credentials: the password file (the application's key
/// function, when set, lives in the C layer and takes precedence).
#[derive(Default)]
pub struct PskServerCredentials {
    file: RwLock<Option<String>>,
    hint: RwLock<Option<Vec<u8>>>,
}

impl PskServerCredentials {
    /// Credentials without a key source.
    pub fn new() -> Self {
        Self::default()
    }

    /// `gnutls_psk_set_server_credentials_file`: the password file, read at
    /// each lookup. A file that cannot be read now is refused
    /// (`FileError`), as GnuTLS checks it when it is set.
    pub fn set_file(&self, path: &str) -> Result<(), Error> {
        std::fs::metadata(path).map_err(|_| Error::FileError)?;
        *self.file.write() = Some(path.to_owned());
        Ok(())
    }

    /// `gnutls_psk_set_server_credentials_hint`: the identity hint a TLS
    /// 1.2 server sends (TLS 1.3 has none).
    pub fn set_hint(&self, hint: &[u8]) {
        *self.hint.write() = Some(hint.to_vec());
    }

    /// The identity hint, if one was set.
    pub fn hint(&self) -> Option<Vec<u8>> {
        self.hint.read().clone()
    }

    /// Looks `username` up in the password file; `Failed` without a file
    /// or when it cannot be read or parsed.
    pub fn lookup_file(&self, username: &[u8]) -> Lookup {
        let Some(path) = self.file.read().clone() else {
            return Lookup::Failed;
        };
        match psk_file::lookup_file(&path, username) {
            Ok(Some(key)) => Lookup::Key(key),
            Ok(None) => Lookup::Unknown,
            Err(_) => Lookup::Failed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_keys_are_raw_or_hex() {
        let c = PskClientCredentials::new();
        assert!(c.psk().is_none());
        c.set(b"alice", b"0aff", GNUTLS_PSK_KEY_HEX).unwrap();
        assert_eq!(c.psk().unwrap().key.as_slice(), [0x0a, 0xff]);
        c.set(b"bob", b"0aff", GNUTLS_PSK_KEY_RAW).unwrap();
        let psk = c.psk().unwrap();
        assert_eq!(
            (psk.identity.as_slice(), psk.key.as_slice()),
            (&b"bob"[..], &b"0aff"[..])
        );
        for (key, flags) in [(&b"0g"[..], GNUTLS_PSK_KEY_HEX), (b"", 0), (b"00", 2)] {
            assert_eq!(c.set(b"x", key, flags), Err(Error::InvalidRequest));
        }
        assert_eq!(c.psk().unwrap().identity, b"bob", "unchanged by refusals");
    }

    #[test]
    fn server_lookups_follow_gnutls() {
        let s = PskServerCredentials::new();
        assert!(matches!(s.lookup_file(b"alice"), Lookup::Failed));
        assert_eq!(s.set_file("/nonexistent/psk"), Err(Error::FileError));
        let path = std::env::temp_dir().join(format!("stepup-psk-{}", std::process::id()));
        std::fs::write(&path, "alice:00ff\n").unwrap();
        s.set_file(path.to_str().unwrap()).unwrap();
        assert!(matches!(s.lookup_file(b"alice"), Lookup::Key(k) if k.as_slice() == [0, 0xff]));
        assert!(matches!(s.lookup_file(b"bob"), Lookup::Unknown));
        // Only the user's own line is read, as GnuTLS reads the file.
        std::fs::write(&path, "broken\nalice:zz\n").unwrap();
        assert!(matches!(s.lookup_file(b"alice"), Lookup::Failed));
        assert!(matches!(s.lookup_file(b"bob"), Lookup::Unknown));
        std::fs::remove_file(&path).unwrap();

        let decoy = Lookup::Unknown.into_engine().unwrap().unwrap();
        assert_eq!(decoy.len(), DECOY_KEY_LEN);
        assert_eq!(Lookup::Failed.into_engine(), Err(GNUTLS_E_KEYFILE_ERROR));
    }
}
