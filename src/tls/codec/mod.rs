//! Wire encoding (RFC 8446 §3): a bounds-checked reader that never panics,
//! length-prefixed writers, and one file per message family. Every decoder
//! rejects trailing bytes.

pub mod certificate;
pub mod extensions;
pub mod handshake;
pub mod hello;
pub mod psk;
pub mod ticket;

use super::error::InvalidMessage;

/// Reads a byte slice front to back; every read is bounds-checked.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf }
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        if n > self.buf.len() {
            return Err(InvalidMessage::Truncated(what));
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    /// One byte.
    pub fn u8(&mut self, what: &'static str) -> Result<u8, InvalidMessage> {
        Ok(self.take(1, what)?.first().copied().unwrap_or(0))
    }

    /// A big-endian u16.
    pub fn u16(&mut self, what: &'static str) -> Result<u16, InvalidMessage> {
        let b = self.take(2, what)?;
        Ok(u16::from_be_bytes([
            b.first().copied().unwrap_or(0),
            b.get(1).copied().unwrap_or(0),
        ]))
    }

    /// A big-endian u24.
    pub fn u24(&mut self, what: &'static str) -> Result<usize, InvalidMessage> {
        let b = self.take(3, what)?;
        Ok(b.iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x)))
    }

    /// A big-endian u32.
    pub fn u32(&mut self, what: &'static str) -> Result<u32, InvalidMessage> {
        let b = self.take(4, what)?;
        Ok(b.iter().fold(0u32, |acc, &x| (acc << 8) | u32::from(x)))
    }

    /// A vector with a 1-byte length prefix.
    pub fn vec_u8(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u8(what)?;
        self.take(usize::from(n), what)
    }

    /// A vector with a 2-byte length prefix.
    pub fn vec_u16(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u16(what)?;
        self.take(usize::from(n), what)
    }

    /// A vector with a 3-byte length prefix.
    pub fn vec_u24(&mut self, what: &'static str) -> Result<&'a [u8], InvalidMessage> {
        let n = self.u24(what)?;
        self.take(n, what)
    }

    /// Whether everything has been read.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Fails unless everything has been read.
    pub fn expect_end(&self, what: &'static str) -> Result<(), InvalidMessage> {
        if self.buf.is_empty() {
            Ok(())
        } else {
            Err(InvalidMessage::TrailingData(what))
        }
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.buf)
    }
}

/// Appends a big-endian u16.
pub fn put_u16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_be_bytes());
}

/// Appends a big-endian u24 (values above 2^24 - 1 are a caller bug).
pub fn put_u24(out: &mut Vec<u8>, v: usize) {
    let bytes = u32::try_from(v).unwrap_or(u32::MAX).to_be_bytes();
    out.extend_from_slice(&bytes[1..]);
}

/// The width of a length prefix.
#[derive(Debug, Clone, Copy)]
pub enum LenPrefix {
    /// One byte.
    U8,
    /// Two bytes.
    U16,
    /// Three bytes.
    U24,
}

/// Appends a length-prefixed item written by `body`; the prefix is filled in
/// afterwards. A body longer than the prefix allows is a caller bug and
/// panics (no wire input can cause it).
pub fn with_len(out: &mut Vec<u8>, prefix: LenPrefix, body: impl FnOnce(&mut Vec<u8>)) {
    let width = match prefix {
        LenPrefix::U8 => 1,
        LenPrefix::U16 => 2,
        LenPrefix::U24 => 3,
    };
    let at = out.len();
    out.extend(std::iter::repeat_n(0, width));
    body(out);
    let len = out.len() - at - width;
    let max = (1usize << (8 * width)) - 1;
    assert!(
        len <= max,
        "encoded item longer than its length prefix allows"
    );
    let bytes = u32::try_from(len).unwrap_or(u32::MAX).to_be_bytes();
    out[at..at + width].copy_from_slice(&bytes[4 - width..]);
}

/// Appends `data` with a length prefix.
pub fn put_vec(out: &mut Vec<u8>, prefix: LenPrefix, data: &[u8]) {
    with_len(out, prefix, |o| o.extend_from_slice(data));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_within_bounds_and_reports_truncation() {
        let mut r = Reader::new(&[0, 3, 1, 2, 3, 9]);
        assert_eq!(r.vec_u16("v").unwrap(), &[1, 2, 3]);
        assert!(r.expect_end("x").is_err());
        assert_eq!(r.u8("b").unwrap(), 9);
        assert!(r.expect_end("x").is_ok());
        assert_eq!(r.u8("b"), Err(InvalidMessage::Truncated("b")));
        let mut short = Reader::new(&[0, 5, 1]);
        assert_eq!(short.vec_u16("v"), Err(InvalidMessage::Truncated("v")));
    }

    #[test]
    fn writes_length_prefixes() {
        let mut out = Vec::new();
        with_len(&mut out, LenPrefix::U24, |o| {
            put_vec(o, LenPrefix::U8, b"ab")
        });
        assert_eq!(out, [0, 0, 3, 2, b'a', b'b']);
        let mut r = Reader::new(&out);
        assert_eq!(r.u24("n").unwrap(), 3);
    }
}
