//! The transport under a session: whatever moves bytes (a socket, or the
//! application's push/pull callbacks). The C side implements it; here it is
//! only an interface, so GnuTLS semantics stay free of C types.

/// A transport call did not move bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportError {
    /// It would block (EAGAIN): `GNUTLS_E_AGAIN`, call again later.
    WouldBlock,
    /// A signal interrupted it (EINTR): `GNUTLS_E_INTERRUPTED`.
    Interrupted,
    /// It failed for good (the errno).
    Failed(i32),
}

/// `GNUTLS_INDEFINITE_TIMEOUT`: the timeout value meaning "wait for ever".
pub const INDEFINITE_TIMEOUT: u32 = u32::MAX - 1;

/// How long a read waits for input, when a timeout is set: the transport
/// is asked to wait (`Transport::wait_readable`) before each read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWait {
    /// Until then; past it the read times out.
    Until(std::time::Instant),
    /// For ever (`GNUTLS_INDEFINITE_TIMEOUT`): GnuTLS still asks its
    /// pull-timeout function, with that value.
    Indefinite,
}

impl ReadWait {
    /// The instant the wait ends, if it ends.
    pub fn deadline(self) -> Option<std::time::Instant> {
        match self {
            Self::Until(at) => Some(at),
            Self::Indefinite => None,
        }
    }

    /// The milliseconds left to wait from now: 0 once the time is up,
    /// `INDEFINITE_TIMEOUT` for ever.
    pub fn ms_left(self) -> u32 {
        match self {
            Self::Until(at) => {
                let left = at.saturating_duration_since(std::time::Instant::now());
                u32::try_from(left.as_millis())
                    .unwrap_or(INDEFINITE_TIMEOUT - 1)
                    .min(INDEFINITE_TIMEOUT - 1)
            }
            Self::Indefinite => INDEFINITE_TIMEOUT,
        }
    }
}

/// Moves bytes to and from the peer.
pub trait Transport: Send {
    /// Sends some of `data`; returns how much was taken (at least 1).
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError>;
    /// Receives into `buf`; returns how much arrived, 0 at end of stream.
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;
    /// Waits up to `ms` milliseconds (`INDEFINITE_TIMEOUT`: for ever) for
    /// input: `true` when some is ready (or the transport cannot wait, so
    /// a read must tell), `false` when the time ran out.
    fn wait_readable(&mut self, ms: u32) -> Result<bool, TransportError> {
        let _ = ms;
        Ok(true)
    }
    /// Whether `wait_readable` really waits (GnuTLS waits only on its own
    /// descriptor or with a pull-timeout function).
    fn can_wait(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn an_indefinite_wait_asks_for_the_indefinite_value() {
        assert_eq!(ReadWait::Indefinite.ms_left(), INDEFINITE_TIMEOUT);
        assert_eq!(ReadWait::Indefinite.deadline(), None);
    }

    #[test]
    fn a_bounded_wait_counts_down_and_never_reads_as_indefinite() {
        let past = ReadWait::Until(Instant::now());
        assert_eq!(past.ms_left(), 0);
        let soon = ReadWait::Until(Instant::now() + Duration::from_secs(5));
        assert!((4000..=5000).contains(&soon.ms_left()));
        let far = ReadWait::Until(Instant::now() + Duration::from_secs(100 * 86_400));
        assert!(far.ms_left() < INDEFINITE_TIMEOUT);
    }

    /// Records the waits asked of it; always has one byte to read.
    struct Recorder(Vec<u32>);

    impl Transport for Recorder {
        fn send(&mut self, data: &[u8]) -> Result<usize, TransportError> {
            Ok(data.len())
        }
        fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
            Ok(buf.len().min(1))
        }
        fn wait_readable(&mut self, ms: u32) -> Result<bool, TransportError> {
            self.0.push(ms);
            Ok(true)
        }
    }

    #[test]
    fn a_read_waits_through_the_transport_only_with_a_timeout() {
        use crate::gnutls::session::read_input;
        let mut t = Recorder(Vec::new());
        let mut buf = [0u8; 4];
        assert_eq!(read_input(&mut t, &mut buf, None), Ok(1));
        assert!(t.0.is_empty());
        assert_eq!(
            read_input(&mut t, &mut buf, Some(ReadWait::Indefinite)),
            Ok(1)
        );
        assert_eq!(t.0, [INDEFINITE_TIMEOUT]);
    }
}
