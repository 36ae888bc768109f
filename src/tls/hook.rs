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
    /// A ServerHello that is a HelloRetryRequest (RFC 8446 §4.1.3), which
    /// GnuTLS reports as a message type of its own.
    pub hello_retry: bool,
    /// (Client) With the POST hook of a NewSessionTicket: the session it
    /// brought (what `gnutls_session_get_data2` returns from there).
    pub session: Option<&'a super::resumption::ClientSession>,
}

/// Why a hook stopped the operation it runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookStop {
    /// The operation fails with `Error::HookAborted(code)` and sends no alert.
    Abort(i32),
    /// The message was handled or sent and the operation goes on, but the
    /// call that ran the hook reports `code` once
    /// ([`Connection::take_hook_interruption`]) and the next call resumes:
    /// what GnuTLS does with AGAIN or INTERRUPTED from a hook.
    ///
    /// [`Connection::take_hook_interruption`]: super::Connection::take_hook_interruption
    Interrupt(i32),
    /// (Server, before the first ClientHello is handled) The application
    /// changed what the server is configured with (GnuTLS lets a hook set
    /// the credentials there): the connection pauses before handling the
    /// ClientHello, and `resume_after_client_hello_check` handles it under
    /// the new configuration. Elsewhere it stops nothing.
    Reconfigure,
}

/// The application's hook: `Err` stops the operation as [`HookStop`] says.
pub type HandshakeHook = Box<dyn FnMut(&HookCall<'_>) -> Result<(), HookStop> + Send>;
