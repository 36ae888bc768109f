//! The GnuTLS types and constants of the session API. Enumerations are
//! `int` typedefs with their values as constants: the C ABI is the same, and
//! an out-of-range value from C cannot become an invalid Rust enum.

use std::ffi::{c_int, c_uchar, c_uint};

use crate::ffi::args;
use crate::ffi::errors::CallError;

/// A block of bytes: `data` holds `size` bytes.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct gnutls_datum_t {
    /// The bytes.
    pub data: *mut c_uchar,
    /// How many.
    pub size: c_uint,
}

impl gnutls_datum_t {
    /// No data: `data` NULL, `size` 0 (what `gnutls_free` may be given).
    pub(crate) fn empty() -> Self {
        Self {
            data: std::ptr::null_mut(),
            size: 0,
        }
    }

    /// A datum holding a copy of `bytes`, followed by a NUL that `size` does
    /// not count, in memory the caller frees with `gnutls_free`.
    pub(crate) fn malloc_bytes(bytes: &[u8]) -> Result<Self, CallError> {
        let size = c_uint::try_from(bytes.len()).map_err(|_| CallError::NoMemory)?;
        // SAFETY: malloc with a non-zero size; the result is checked for NULL.
        let data = unsafe { libc::malloc(bytes.len() + 1) }.cast::<c_uchar>();
        if data.is_null() {
            return Err(CallError::NoMemory);
        }
        // SAFETY: `data` holds len + 1 bytes; the source is `len` readable bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), data, bytes.len());
            data.add(bytes.len()).write(0);
        }
        Ok(Self { data, size })
    }

    /// A datum holding a copy of `text`, NUL-terminated (the terminator is
    /// not counted in `size`), in memory the caller frees with `gnutls_free`.
    pub(crate) fn malloc_text(text: &str) -> Result<Self, CallError> {
        let size = c_uint::try_from(text.len()).map_err(|_| CallError::NoMemory)?;
        let data = args::malloc_string(text)?;
        Ok(Self {
            data: data.cast::<c_uchar>(),
            size,
        })
    }
}

/// Which credentials `gnutls_credentials_set` installs.
#[allow(non_camel_case_types)]
pub type gnutls_credentials_type_t = c_int;
/// Certificate credentials.
pub const GNUTLS_CRD_CERTIFICATE: gnutls_credentials_type_t = 1;
/// Anonymous credentials (not supported by stepup).
pub const GNUTLS_CRD_ANON: gnutls_credentials_type_t = 2;
/// SRP credentials (not supported by stepup).
pub const GNUTLS_CRD_SRP: gnutls_credentials_type_t = 3;
/// PSK credentials (not supported yet).
pub const GNUTLS_CRD_PSK: gnutls_credentials_type_t = 4;

/// The encoding of certificates and keys.
#[allow(non_camel_case_types)]
pub type gnutls_x509_crt_fmt_t = c_int;
/// DER.
pub const GNUTLS_X509_FMT_DER: gnutls_x509_crt_fmt_t = 0;
/// PEM.
pub const GNUTLS_X509_FMT_PEM: gnutls_x509_crt_fmt_t = 1;

/// What a server asks of a client's certificate.
#[allow(non_camel_case_types)]
pub type gnutls_certificate_request_t = c_int;
/// Do not ask.
pub const GNUTLS_CERT_IGNORE: gnutls_certificate_request_t = 0;
/// Ask; a client without one may continue.
pub const GNUTLS_CERT_REQUEST: gnutls_certificate_request_t = 1;
/// Ask; a client without one fails.
pub const GNUTLS_CERT_REQUIRE: gnutls_certificate_request_t = 2;

/// How `gnutls_bye` closes.
#[allow(non_camel_case_types)]
pub type gnutls_close_request_t = c_int;
/// Send close_notify and wait for the peer's.
pub const GNUTLS_SHUT_RDWR: gnutls_close_request_t = 0;
/// Send close_notify only.
pub const GNUTLS_SHUT_WR: gnutls_close_request_t = 1;

/// The type of a server name.
#[allow(non_camel_case_types)]
pub type gnutls_server_name_type_t = c_int;
/// A DNS host name.
pub const GNUTLS_NAME_DNS: gnutls_server_name_type_t = 1;

/// An SRTP protection profile (DTLS only: stepup never negotiates one).
#[allow(non_camel_case_types)]
pub type gnutls_srtp_profile_t = c_int;

/// A protocol version.
#[allow(non_camel_case_types)]
pub type gnutls_protocol_t = c_int;
/// TLS 1.2.
pub const GNUTLS_TLS1_2: gnutls_protocol_t = 4;
/// TLS 1.3.
pub const GNUTLS_TLS1_3: gnutls_protocol_t = 5;
/// The highest TLS version.
pub const GNUTLS_TLS_VERSION_MAX: gnutls_protocol_t = 5;

/// A cipher.
#[allow(non_camel_case_types)]
pub type gnutls_cipher_algorithm_t = c_int;
/// AES-128-GCM.
pub const GNUTLS_CIPHER_AES_128_GCM: gnutls_cipher_algorithm_t = 10;
/// AES-256-GCM.
pub const GNUTLS_CIPHER_AES_256_GCM: gnutls_cipher_algorithm_t = 11;
/// ChaCha20-Poly1305.
pub const GNUTLS_CIPHER_CHACHA20_POLY1305: gnutls_cipher_algorithm_t = 23;

/// `gnutls_init` flag: a server.
pub const GNUTLS_SERVER: c_uint = 1;
/// `gnutls_init` flag: a client.
pub const GNUTLS_CLIENT: c_uint = 1 << 1;
/// `gnutls_init` flag: the transport is non-blocking (GnuTLS uses it for
/// DTLS only; accepted, no effect).
pub const GNUTLS_NONBLOCK: c_uint = 1 << 3;
/// `gnutls_init` flag: (client) send the credentials' certificate even when
/// the server's request names none of its issuers.
pub const GNUTLS_FORCE_CLIENT_CERT: c_uint = 1 << 9;
/// `gnutls_init` flag: no session tickets.
pub const GNUTLS_NO_TICKETS: c_uint = 1 << 10;
/// `gnutls_init` flag: send the top key share.
pub const GNUTLS_KEY_SHARE_TOP: c_uint = 1 << 11;
/// `gnutls_init` flag: send the top two key shares (the default: the first
/// group and the first of the other kind).
pub const GNUTLS_KEY_SHARE_TOP2: c_uint = 1 << 12;
/// `gnutls_init` flag: send the top three key shares.
pub const GNUTLS_KEY_SHARE_TOP3: c_uint = 1 << 13;
/// `gnutls_init` flag: offer post-handshake authentication (client).
pub const GNUTLS_POST_HANDSHAKE_AUTH: c_uint = 1 << 14;
/// `gnutls_init` flag: early start.
pub const GNUTLS_ENABLE_EARLY_START: c_uint = 1 << 17;
/// `gnutls_init` flag: answer re-authentication inside `gnutls_record_recv` (client).
pub const GNUTLS_AUTO_REAUTH: c_uint = 1 << 19;
/// `gnutls_init` flag: do not send tickets automatically.
pub const GNUTLS_NO_AUTO_SEND_TICKET: c_uint = 1 << 21;

/// Session flag: (client) the server sent a session ticket.
pub const GNUTLS_SFLAGS_SESSION_TICKET: c_uint = 1 << 7;
/// Session flag: the peer offered post-handshake authentication.
pub const GNUTLS_SFLAGS_POST_HANDSHAKE_AUTH: c_uint = 1 << 8;
/// Session flag: early start.
pub const GNUTLS_SFLAGS_EARLY_START: c_uint = 1 << 9;
/// Session flag: the client requested OCSP.
pub const GNUTLS_SFLAGS_CLI_REQUESTED_OCSP: c_uint = 1 << 11;

/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DISABLE_CA_SIGN: c_uint = 1 << 0;
/// Verify flag: a host name that is an IP address is matched as a DNS
/// name, never against the certificate's iPAddress entries.
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES: c_uint = 1 << 1;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_SAME: c_uint = 1 << 2;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT: c_uint = 1 << 3;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD2: c_uint = 1 << 4;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_ALLOW_SIGN_RSA_MD5: c_uint = 1 << 5;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DISABLE_TIME_CHECKS: c_uint = 1 << 6;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS: c_uint = 1 << 7;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_X509_V1_CA_CRT: c_uint = 1 << 8;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DISABLE_CRL_CHECKS: c_uint = 1 << 9;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_ALLOW_UNSORTED_CHAIN: c_uint = 1 << 10;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_UNSORTED_CHAIN: c_uint = 1 << 11;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_DO_NOT_ALLOW_WILDCARDS: c_uint = 1 << 12;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_USE_TLS1_RSA: c_uint = 1 << 13;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_IGNORE_UNKNOWN_CRIT_EXTENSIONS: c_uint = 1 << 14;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_ALLOW_SIGN_WITH_SHA1: c_uint = 1 << 15;
/// Verify flag (GnuTLS's value): accepted and without effect in stepup,
/// whose checks are rustls-webpki's (see `gnutls_certificate_set_verify_flags`).
pub const GNUTLS_VERIFY_RSA_PSS_FIXED_SALT_LENGTH: c_uint = 1 << 16;

/// `gnutls_certificate_verify_peers2` status: not trusted.
pub const GNUTLS_CERT_INVALID: c_uint = 1 << 1;
/// Status: an algorithm in the chain is insecure.
pub const GNUTLS_CERT_INSECURE_ALGORITHM: c_uint = 1 << 8;
