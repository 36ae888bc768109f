//! Received application data waiting for the application's read. A record
//! that arrives alone is taken over with the buffer it was decrypted in,
//! so the bytes are copied once, into the application's buffer; the memory
//! goes back (to `buffers`) as soon as everything was read, so an idle
//! connection holds none.

use super::buffers;

/// Bytes `buf[start..]`, in order of arrival.
#[derive(Default)]
pub struct Plaintext {
    buf: Vec<u8>,
    start: usize,
}

impl Plaintext {
    /// Bytes not yet read.
    pub fn len(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Whether every byte was read.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a copy of `data`.
    pub fn append(&mut self, data: &[u8]) {
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        if self.buf.capacity() == 0 {
            self.buf = buffers::lend(data.len());
        }
        self.buf.extend_from_slice(data);
    }

    /// Takes over `buf`, whose bytes `start..end` are the data; only when
    /// nothing is waiting (else the data is copied after what is).
    pub fn adopt(&mut self, mut buf: Vec<u8>, start: usize, end: usize) {
        if !self.is_empty() {
            self.append(buf.get(start..end).unwrap_or_default());
            return;
        }
        buf.truncate(end);
        self.start = start.min(buf.len());
        self.buf = buf;
    }

    /// Moves up to `out.len()` bytes into `out`; returns how many.
    pub fn read(&mut self, out: &mut [u8]) -> usize {
        let n = out.len().min(self.len());
        out[..n].copy_from_slice(&self.buf[self.start..self.start + n]);
        self.start += n;
        if self.is_empty() {
            buffers::give_back(std::mem::take(self).buf);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_in_arrival_order_across_adopted_and_copied_data() {
        let mut p = Plaintext::default();
        p.adopt(b"hdr-one|tail".to_vec(), 4, 7);
        p.append(b"two");
        p.adopt(b"xxthree".to_vec(), 2, 7);
        let mut out = [0u8; 4];
        assert_eq!(p.read(&mut out), 4);
        assert_eq!(&out, b"onet");
        let mut rest = [0u8; 16];
        assert_eq!(p.read(&mut rest), 7);
        assert_eq!(&rest[..7], b"wothree");
        assert!(p.is_empty());
        assert_eq!(p.buf.capacity(), 0, "drained, it gives its buffer back");
        assert_eq!(p.read(&mut rest), 0);
    }
}
