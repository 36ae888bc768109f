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

/// Moves bytes to and from the peer.
pub trait Transport: Send {
    /// Sends some of `data`; returns how much was taken (at least 1).
    fn send(&mut self, data: &[u8]) -> Result<usize, TransportError>;
    /// Receives into `buf`; returns how much arrived, 0 at end of stream.
    fn recv(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;
    /// Waits up to `ms` milliseconds for input: `true` when some is ready
    /// (or the transport cannot wait, so a read must tell), `false` when
    /// the time ran out.
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
