//! GnuTLS's PSK password file (`gnutls-serv --pskpasswd`, `psktool`): one
//! `username:hexkey` per line. A username is looked up when a client offers
//! it; the file is read on each lookup, as GnuTLS does, so an operator's
//! edits take effect without a restart.

use zeroize::Zeroizing;

use super::Error;

/// Finds `username` in the text of a password file and returns its key.
/// `Ok(None)` when the user is absent; `Error::FileError` for a line that is
/// not `name:hex` with an even number of hex digits (the whole file is then
/// refused rather than half-read).
pub fn lookup(text: &str, username: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    let mut found = None;
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.is_empty() {
            continue;
        }
        let (name, hex) = line.rsplit_once(':').ok_or(Error::FileError)?;
        let key = decode_hex(hex).ok_or(Error::FileError)?;
        if found.is_none() && name.as_bytes() == username {
            found = Some(key);
        }
    }
    Ok(found)
}

/// Reads the file at `path` and looks `username` up in it.
pub fn lookup_file(path: &str, username: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|_| Error::FileError)?);
    lookup(&text, username)
}

/// Decodes hex digits (either case); `None` for odd lengths, other
/// characters or an empty key.
pub fn decode_hex(hex: &str) -> Option<Zeroizing<Vec<u8>>> {
    if hex.is_empty() || hex.len() % 2 != 0 {
        return None;
    }
    let digit = |c: u8| char::from(c).to_digit(16);
    let mut out = Zeroizing::new(Vec::with_capacity(hex.len() / 2));
    for pair in hex.as_bytes().chunks(2) {
        let byte = digit(pair[0])? * 16 + digit(pair[1])?;
        out.push(u8::try_from(byte).ok()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "alice:0011aAbB\nbob:ffee\r\n\ncarol:00\n";

    #[test]
    fn finds_users_and_their_keys() {
        assert_eq!(
            lookup(FILE, b"alice").unwrap().unwrap().as_slice(),
            [0x00, 0x11, 0xaa, 0xbb]
        );
        assert_eq!(
            lookup(FILE, b"bob").unwrap().unwrap().as_slice(),
            [0xff, 0xee]
        );
        assert!(lookup(FILE, b"dave").unwrap().is_none());
        assert!(lookup(FILE, b"").unwrap().is_none());
    }

    #[test]
    fn a_malformed_file_is_refused_whole() {
        for bad in ["alice", "alice:0", "alice:zz", "alice:", "ok:00\nbroken"] {
            assert_eq!(lookup(bad, b"ok"), Err(Error::FileError), "{bad:?}");
        }
    }

    #[test]
    fn hex_keys_decode_strictly() {
        assert_eq!(decode_hex("0aF9").unwrap().as_slice(), [0x0a, 0xf9]);
        for bad in ["", "0", "0g", "+1", " 1"] {
            assert!(decode_hex(bad).is_none(), "{bad:?}");
        }
    }
}
