//! Application hooks on handshake messages (what GnuTLS calls handshake
//! hooks): a hook sees each handshake message before and after it is sent
//! or handled, post-handshake ones included, and can abort the operation.

/// When a hook runs relative to its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookTiming {
    /// Before the message is sent, or before it is handled.
    Pre,
    /// After the message is sent, or after it is handled.
    Post,
}

/// One hook call: a handshake message and where it stands.
#[derive(Debug, Clone, Copy)]
pub struct HookCall<'a> {
    /// The handshake message type (its first byte on the wire).
    pub message_type: u8,
    /// Whether the message came from the peer.
    pub incoming: bool,
    /// Before or after the message.
    pub timing: HookTiming,
    /// The message body, without its four-byte header.
    pub body: &'a [u8],
}

/// The application's hook: `Err(code)` aborts the operation, which fails
/// with `Error::HookAborted(code)` and sends no alert.
pub type HandshakeHook = Box<dyn FnMut(&HookCall<'_>) -> Result<(), i32> + Send>;
