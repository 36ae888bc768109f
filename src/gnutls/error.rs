//! The failures of GnuTLS calls, named for what went wrong. Each maps to one
//! `GNUTLS_E_*` code in `src/ffi/errors.rs`, and nowhere else.

#[cfg(feature = "tls")]
use crate::tls;

/// A GnuTLS call failed (or, for AGAIN and the like, did not finish yet).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The caller asked for something the call does not do in this state or
    /// with these arguments (`GNUTLS_E_INVALID_REQUEST`).
    #[error("the request is invalid")]
    InvalidRequest,
    /// The random generator failed, or was asked for an unknown level.
    #[error("the random number generator failed")]
    RandomFailed,
    /// The transport would block: call again (`GNUTLS_E_AGAIN`).
    #[error("try again")]
    Again,
    /// A signal interrupted the transport: call again (`GNUTLS_E_INTERRUPTED`).
    #[error("interrupted")]
    Interrupted,
    /// The peer closed the transport without close_notify.
    #[error("the TLS connection was non-properly terminated")]
    PrematureTermination,
    /// The peer sent close_notify where the call needed more from it
    /// (`GNUTLS_E_SESSION_EOF`).
    #[error("the TLS connection was terminated by the peer")]
    SessionEof,
    /// A record of the wrong kind came first: a server's first record was
    /// not a handshake message (`GNUTLS_E_UNEXPECTED_PACKET`).
    #[error("an unexpected TLS packet was received")]
    UnexpectedPacket,
    /// The stream ended inside a record (`GNUTLS_E_UNEXPECTED_PACKET_LENGTH`).
    #[error("a record was cut short")]
    UnexpectedPacketLength,
    /// The handshake or record timeout ran out (`GNUTLS_E_TIMEDOUT`).
    #[error("the operation timed out")]
    TimedOut,
    /// An earlier fatal error ended the session (`GNUTLS_E_INVALID_SESSION`).
    #[error("the session is invalid")]
    InvalidSession,
    /// Sending on the transport failed.
    #[error("push error")]
    Push,
    /// Receiving from the transport failed.
    #[error("pull error")]
    Pull,
    /// (Server, reauth) application data arrived first: read it, call again.
    #[error("application data arrived during re-authentication")]
    GotApplicationData,
    /// (Client) the server asked for a certificate: call `gnutls_reauth`.
    #[error("re-authentication requested")]
    ReauthRequest,
    /// (Client, TLS 1.2) the server asked to renegotiate; it was told no
    /// and the connection goes on.
    #[error("rehandshake requested")]
    Rehandshake,
    /// The credentials cannot do what the session needs (no key, none set).
    #[error("insufficient credentials")]
    InsufficientCredentials,
    /// A file could not be read.
    #[error("file error")]
    FileError,
    /// PEM/base64 data could not be decoded.
    #[error("base64 decoding error")]
    Base64Decoding,
    /// A certificate could not be used.
    #[error("certificate error")]
    CertificateError,
    /// The peer's certificate did not verify (with `gnutls_session_set_verify_cert`).
    #[error("certificate verification failed")]
    CertificateVerification,
    /// The priority enables nothing stepup can negotiate.
    #[error("no priorities were set")]
    NoPriorities,
    /// The priority forms no cipher suite for the version it enables
    /// (`GNUTLS_E_NO_CIPHER_SUITES`, reported by the handshake).
    #[error("no cipher suites")]
    NoCipherSuites,
    /// The peer sent no certificate (`gnutls_certificate_verify_peers3`).
    #[error("no certificate was found")]
    NoCertificateFound,
    /// Records sent or received from inside the session's own handshake
    /// callback (a hook, say).
    #[error("unavailable during the handshake")]
    UnavailableDuringHandshake,
    /// A cipher suite the priority lists for a protocol version it
    /// disables (`gnutls_priority_get_cipher_suite_index`).
    #[error("the cipher suite is not usable")]
    UnknownCipherSuite,
    /// The session has no such data (`gnutls_server_name_get`).
    #[error("the requested data is not available")]
    RequestedDataNotAvailable,
    /// The caller's buffer is too small; the size needed was reported.
    #[error("the buffer is too short")]
    ShortMemoryBuffer,
    /// A certificate list is not in issuing order.
    #[error("the certificate list is not sorted")]
    CertificateListUnsorted,
    /// DER data could not be decoded (a certificate import).
    #[error("DER decoding error")]
    DerDecoding,
    /// DER data does not start with the tag it must (a certificate
    /// import that is not DER at all).
    #[error("ASN.1 tag error")]
    Asn1Tag,
    /// A certificate object holds nothing to read (GnuTLS's answer for an
    /// object nothing was imported into).
    #[error("ASN.1 value not found")]
    Asn1ValueNotFound,
    /// The channel binding is not defined for this session (yet).
    #[error("channel binding data not available")]
    ChannelBindingNotAvailable,
    /// An ASN.1 element asked for by position is not there.
    #[error("ASN.1 element not found")]
    Asn1ElementNotFound,
    /// AEAD authentication failed (`GNUTLS_E_DECRYPTION_FAILED`).
    #[error("decryption failed")]
    DecryptionFailed,
    /// A key GnuTLS's cipher layer refuses for its size
    /// (`GNUTLS_E_INTERNAL_ERROR`, GnuTLS's answer for an AES key of a
    /// length AES does not have).
    #[error("key of a size the cipher does not take")]
    CipherKeySize,
    /// A feature (an algorithm) stepup does not provide.
    #[error("the requested feature is not implemented")]
    Unimplemented,
    /// A key is too weak for the crypto library to use (RSA under 2048 bits).
    #[error("the key's security level is insufficient")]
    InsufficientSecurity,
    /// The handshake (or post-handshake authentication) stopped after the
    /// peer's CertificateVerify so the application's verify function can
    /// run; the C boundary runs it and resumes. Never returned to C.
    #[error("the peer's certificate awaits the application's check")]
    PeerCheckPending,
    /// (Server) The ClientHello was handled and the application's
    /// post-client-hello function is due; the C boundary runs it and
    /// resumes. Never returned to C.
    #[error("the ClientHello awaits the application's check")]
    ClientHelloCheckPending,
    /// The extension is implemented internally or registered already
    /// (`GNUTLS_E_ALREADY_REGISTERED`).
    #[error("the extension is already registered")]
    AlreadyRegistered,
    /// A certificate and the private key given with it do not belong
    /// together (`GNUTLS_E_CERTIFICATE_KEY_MISMATCH`).
    #[error("the certificate and the given key do not match")]
    CertificateKeyMismatch,
    /// PEM data has no block with the expected header
    /// (`GNUTLS_E_BASE64_UNEXPECTED_HEADER_ERROR`).
    #[error("base64 unexpected header error")]
    Base64UnexpectedHeader,
    /// Session data is not stepup's (`GNUTLS_E_DB_ERROR`).
    #[error("database error")]
    DbError,
    /// Session data of stepup's format is damaged (`GNUTLS_E_PARSING_ERROR`).
    #[error("parsing error")]
    Parsing,
    /// The application's retrieve function must choose the certificate to
    /// send; the C boundary calls it and resumes. Never returned to C.
    #[error("the application must choose a certificate")]
    CertificateChoicePending,
    /// The TLS engine ended the connection.
    #[cfg(feature = "tls")]
    #[error(transparent)]
    Tls(#[from] tls::Error),
}

impl Error {
    /// Whether a record call that failed with this leaves the session
    /// unusable: GnuTLS invalidates a session on every fatal error but a
    /// timeout, and later record calls get `GNUTLS_E_INVALID_SESSION`.
    pub fn ends_session(&self) -> bool {
        !matches!(
            self,
            Self::Again
                | Self::Interrupted
                | Self::TimedOut
                | Self::ReauthRequest
                | Self::Rehandshake
                | Self::GotApplicationData
                | Self::PeerCheckPending
                | Self::ClientHelloCheckPending
                | Self::CertificateChoicePending
        )
    }
}
