//! GnuTLS's small data helpers: `gnutls_hex_encode2` and
//! `gnutls_pem_base64_decode2`.

use super::Error;
use crate::x509::pem::find;

/// Lower-case hex of `data` (`gnutls_hex_encode2`).
pub fn hex_encode(data: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(data.len() * 2);
    for byte in data {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Base64 of `data` with padding, in lines of 64 characters each ending in
/// a line feed, as PEM writes it.
pub fn base64_lines(data: &[u8]) -> String {
    let text = base64(data);
    let mut lines = String::with_capacity(text.len() + text.len() / 64 + 1);
    for line in text.as_bytes().chunks(64) {
        lines.push_str(std::str::from_utf8(line).unwrap_or_default());
        lines.push('\n');
    }
    lines
}

/// Base64 of `data` with padding, on one line.
pub fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(data.len() / 3 * 4 + 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = usize::try_from((n >> (18 - 6 * i)) & 63).unwrap_or(0);
                text.push(char::from(ALPHABET[index]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

/// `der` as a PEM block labelled `label`.
pub fn pem(label: &str, der: &[u8]) -> String {
    format!(
        "-----BEGIN {label}-----\n{}-----END {label}-----\n",
        base64_lines(der)
    )
}

/// The value of one base64 character, `None` for a character outside the alphabet.
fn sextet(c: u8) -> Option<u32> {
    let v = match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes base64 text, skipping line breaks and spaces; padding must be
/// correct (`Base64Decoding` otherwise).
pub fn base64_decode(text: &[u8]) -> Result<Vec<u8>, Error> {
    let chars: Vec<u8> = text
        .iter()
        .copied()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    if chars.len() % 4 != 0 {
        return Err(Error::Base64Decoding);
    }
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    let quads = chars.chunks_exact(4);
    let last = quads.len().saturating_sub(1);
    for (i, quad) in quads.enumerate() {
        let pad = quad.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i != last) {
            return Err(Error::Base64Decoding);
        }
        let mut acc = 0u32;
        for &c in &quad[..4 - pad] {
            acc = (acc << 6) | sextet(c).ok_or(Error::Base64Decoding)?;
        }
        acc <<= 6 * u32::try_from(pad).map_err(|_| Error::Base64Decoding)?;
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..4 - pad]);
    }
    Ok(out)
}

/// The bytes of the first PEM block in `data` whose label starts with
/// `header` (any label when `None`), as `gnutls_pem_base64_decode2` finds
/// it: `Base64UnexpectedHeader` when there is no such block,
/// `Base64Decoding` when its body is not base64.
pub fn pem_decode(header: Option<&str>, data: &[u8]) -> Result<Vec<u8>, Error> {
    const BEGIN: &[u8] = b"-----BEGIN ";
    let mut marker = BEGIN.to_vec();
    marker.extend_from_slice(header.unwrap_or_default().as_bytes());
    let start = find(data, &marker).ok_or(Error::Base64UnexpectedHeader)?;
    let after_marker = &data[start + marker.len()..];
    // The rest of the BEGIN line, up to its closing dashes.
    let close = find(after_marker, b"-----").ok_or(Error::Base64UnexpectedHeader)?;
    let body = &after_marker[close + 5..];
    let end = find(body, b"-----END").ok_or(Error::Base64UnexpectedHeader)?;
    base64_decode(&body[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_hex() {
        assert_eq!(hex_encode(&[0, 1, 0xab, 0xff]), "0001abff");
        assert_eq!(hex_encode(&[]), "");
    }

    #[test]
    fn decodes_base64_with_padding_and_rejects_bad_input() {
        assert_eq!(base64_decode(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(base64_decode(b"aGk=").unwrap(), b"hi");
        assert_eq!(base64_decode(b"aA==").unwrap(), b"h");
        assert_eq!(base64_decode(b"aGk"), Err(Error::Base64Decoding));
        assert_eq!(base64_decode(b"a=k="), Err(Error::Base64Decoding));
        assert_eq!(base64_decode(b"@@@@"), Err(Error::Base64Decoding));
    }

    #[test]
    fn finds_pem_blocks_by_header() {
        let pem = b"x\n-----BEGIN DH PARAMETERS-----\naGk=\n-----END DH PARAMETERS-----\n";
        assert_eq!(pem_decode(Some("DH PARAMETERS"), pem).unwrap(), b"hi");
        assert_eq!(pem_decode(None, pem).unwrap(), b"hi");
        assert_eq!(
            pem_decode(Some("CERTIFICATE"), pem),
            Err(Error::Base64UnexpectedHeader)
        );
    }
}
