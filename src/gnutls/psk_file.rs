//! GnuTLS's PSK password file (`gnutls-serv --pskpasswd`, `psktool`): one
//! `username:hexkey` per line (`#hex:hexkey` for a binary user name). A
//! username is looked up when a client offers it; the file is read on each
//! lookup, as GnuTLS does, so an operator's edits take effect without a
//! restart.

use zeroize::Zeroizing;

use super::Error;

/// Finds `username` in the text of a password file and returns its key,
/// as GnuTLS reads the file: the first line whose name matches wins (a
/// name written `#` and hex digits is a binary user name), and only that
/// line's key is decoded. `Ok(None)` when no line names the user;
/// `Error::FileError` when the matching line has no `:hexkey` or a key
/// that is not an even number of hex digits.
pub fn lookup(text: &str, username: &[u8]) -> Result<Option<Zeroizing<Vec<u8>>>, Error> {
    for line in text.lines() {
        let line = line.trim_end_matches(['\r', ' ']);
        if line.is_empty() {
            continue;
        }
        let (name, key) = match line.split_once(':') {
            Some((name, key)) => (name, Some(key)),
            None => (line, None),
        };
        if !name_matches(name, username) {
            continue;
        }
        let key = key.and_then(decode_hex).ok_or(Error::FileError)?;
        return Ok(Some(key));
    }
    Ok(None)
}

/// Whether a line's `name` is `username`: written as text, or as `#`
/// followed by its bytes in hex.
fn name_matches(name: &str, username: &[u8]) -> bool {
    match name.strip_prefix('#').filter(|hex| !hex.is_empty()) {
        Some(hex) => decode_hex(hex).is_some_and(|bytes| bytes.as_slice() == username),
        None => name.as_bytes() == username,
    }
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
    fn only_the_matching_line_is_read() {
        let file = "broken\nalice:zz\nok:00\nok:11\n#00ff:abcd\n";
        assert_eq!(lookup(file, b"ok").unwrap().unwrap().as_slice(), [0x00]);
        assert_eq!(
            lookup(file, &[0x00, 0xff]).unwrap().unwrap().as_slice(),
            [0xab, 0xcd]
        );
        assert!(lookup(file, b"#00ff").unwrap().is_none());
        assert!(lookup(file, b"carol").unwrap().is_none());
        for user in [&b"alice"[..], b"broken"] {
            assert_eq!(lookup(file, user), Err(Error::FileError), "{user:?}");
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
