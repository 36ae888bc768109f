//! Splits received bytes into records without copying them out: the caller
//! appends what the transport delivered, takes complete records (to decrypt
//! in place), and discards what it consumed.

use super::{ContentType, HEADER_LEN, MAX_CIPHERTEXT, buffers};
use crate::tls::error::{Error, PeerMisbehaved};

/// Buffered input: bytes the transport delivered but the engine has not consumed.
#[derive(Default)]
pub struct Deframer {
    buf: Vec<u8>,
    /// Bytes at the front already handed out and consumed.
    consumed: usize,
}

/// Where a complete record lies in the buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordSpan {
    /// The record's content type (outer type for protected records).
    pub content_type: ContentType,
    /// Offset of the header in the buffer.
    pub start: usize,
    /// Length of the body.
    pub len: usize,
}

impl Deframer {
    /// An empty deframer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes from the transport. Space consumed earlier is reclaimed
    /// first, so the buffer stays about one record large.
    pub fn push(&mut self, data: &[u8]) {
        if self.consumed > 0 {
            self.buf.drain(..self.consumed);
            self.consumed = 0;
        }
        if self.buf.capacity() == 0 {
            self.buf = buffers::lend(data.len());
        }
        self.buf.extend_from_slice(data);
    }

    /// Takes the buffer out, with `want` zeroed bytes after what it holds,
    /// for a read made while the engine is not at hand (the transport is
    /// the application's, and runs unlocked). Returns it and the offset of
    /// that space; give it back with `restore`. No copy either way.
    pub fn take_for_read(&mut self, want: usize) -> (Vec<u8>, usize) {
        if self.consumed > 0 {
            self.buf.drain(..self.consumed);
            self.consumed = 0;
        }
        let mut buf = std::mem::take(&mut self.buf);
        if buf.capacity() == 0 {
            buf = buffers::lend(want);
        }
        let at = buf.len();
        buf.resize(at + want, 0);
        (buf, at)
    }

    /// Puts back a buffer from `take_for_read` whose first `len` bytes are
    /// input (what it held, then what the read brought).
    pub fn restore(&mut self, mut buf: Vec<u8>, len: usize) {
        buf.truncate(len);
        // Bytes pushed while it was out came later than the taken ones.
        let meanwhile = std::mem::replace(&mut self.buf, buf);
        let unconsumed = meanwhile.get(self.consumed..).unwrap_or_default();
        self.buf.extend_from_slice(unconsumed);
        self.consumed = 0;
    }

    /// Gives the buffer's memory back when every byte in it was consumed,
    /// so an idle connection holds none.
    pub fn release_if_consumed(&mut self) {
        if self.pending() == 0 {
            buffers::give_back(std::mem::take(&mut self.buf));
            self.consumed = 0;
        }
    }

    /// Bytes buffered and not yet consumed.
    pub fn pending(&self) -> usize {
        self.buf.len() - self.consumed
    }

    /// How many more bytes complete the next record's header, or, with the
    /// header in, its body; 0 when a whole record is buffered. Reading no
    /// more than this keeps later records in the transport, where poll()
    /// sees them, as GnuTLS does.
    pub fn bytes_to_next_record(&self) -> usize {
        let rest = &self.buf[self.consumed..];
        match rest.get(..HEADER_LEN) {
            None => HEADER_LEN - rest.len(),
            Some(header) => {
                let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
                (HEADER_LEN + len).saturating_sub(rest.len())
            }
        }
    }

    /// The next complete record, if one is buffered. Checks the header:
    /// legacy version 0x03xx and a body no larger than 2^14 + 256.
    pub fn next_record(&self) -> Result<Option<RecordSpan>, Error> {
        let rest = &self.buf[self.consumed..];
        let Some(header) = rest.get(..HEADER_LEN) else {
            return Ok(None);
        };
        let content_type = ContentType::from_u8(header[0]);
        if header[1] != 0x03 {
            return Err(PeerMisbehaved::ProtocolVersion("record version").into());
        }
        let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
        if len > MAX_CIPHERTEXT {
            return Err(Error::RecordOverflow);
        }
        if rest.len() < HEADER_LEN + len {
            return Ok(None);
        }
        Ok(Some(RecordSpan {
            content_type,
            start: self.consumed,
            len,
        }))
    }

    /// The header and (mutable) body of a record returned by `next_record`.
    pub fn record_mut(&mut self, span: RecordSpan) -> ([u8; HEADER_LEN], &mut [u8]) {
        let mut header = [0u8; HEADER_LEN];
        header.copy_from_slice(&self.buf[span.start..span.start + HEADER_LEN]);
        let body_start = span.start + HEADER_LEN;
        (header, &mut self.buf[body_start..body_start + span.len])
    }

    /// The whole buffer, when `span` is the only input in it: the record's
    /// body (opened in place) can then leave without a copy. The deframer
    /// is empty afterwards, as if the record were consumed.
    pub fn take_sole_record(&mut self, span: RecordSpan) -> Option<Vec<u8>> {
        let sole =
            span.start == self.consumed && self.buf.len() == span.start + HEADER_LEN + span.len;
        sole.then(|| {
            self.consumed = 0;
            std::mem::take(&mut self.buf)
        })
    }

    /// Marks a record as consumed.
    pub fn consume(&mut self, span: RecordSpan) {
        self.consumed = span.start + HEADER_LEN + span.len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_the_header_then_exactly_the_body() {
        let mut d = Deframer::new();
        assert_eq!(d.bytes_to_next_record(), HEADER_LEN);
        d.push(&[23, 3]);
        assert_eq!(d.bytes_to_next_record(), 3);
        d.push(&[3, 0, 4]);
        assert_eq!(d.bytes_to_next_record(), 4);
        d.push(&[9, 9, 9]);
        assert_eq!(d.bytes_to_next_record(), 1);
        d.push(&[9]);
        assert_eq!(d.bytes_to_next_record(), 0);
        let record = d.next_record().unwrap().unwrap();
        d.consume(record);
        assert_eq!(d.bytes_to_next_record(), HEADER_LEN);
    }

    #[test]
    fn yields_records_only_when_complete_and_in_order() {
        let mut d = Deframer::new();
        d.push(&[22, 3, 3, 0, 3, 1]);
        assert_eq!(d.next_record().unwrap(), None);
        d.push(&[2, 3, 23, 3, 3, 0, 1]);
        let first = d.next_record().unwrap().unwrap();
        assert_eq!((first.content_type, first.len), (ContentType::Handshake, 3));
        assert_eq!(d.record_mut(first).1, &[1, 2, 3]);
        d.consume(first);
        assert_eq!(d.next_record().unwrap(), None, "second record not complete");
        d.push(&[9]);
        let second = d.next_record().unwrap().unwrap();
        assert_eq!(d.record_mut(second).1, &[9]);
        d.consume(second);
        assert_eq!(d.pending(), 0);
    }

    #[test]
    fn rejects_oversized_records_and_bad_versions() {
        let mut d = Deframer::new();
        let too_long = u16::try_from(MAX_CIPHERTEXT + 1).unwrap().to_be_bytes();
        d.push(&[23, 3, 3, too_long[0], too_long[1]]);
        assert_eq!(d.next_record(), Err(Error::RecordOverflow));
        let mut d = Deframer::new();
        d.push(&[22, 2, 0, 0, 1, 0]);
        assert!(matches!(
            d.next_record(),
            Err(Error::PeerMisbehaved(PeerMisbehaved::ProtocolVersion(_)))
        ));
    }
}
