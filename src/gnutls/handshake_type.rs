//! Names of handshake message types, as GnuTLS 3.7 prints them.

use std::ffi::CStr;

/// `gnutls_handshake_description_get_name`.
pub fn name(htype: u32) -> &'static CStr {
    match htype {
        0 => c"HELLO REQUEST",
        1 => c"CLIENT HELLO",
        2 => c"SERVER HELLO",
        3 => c"HELLO VERIFY REQUEST",
        4 => c"NEW SESSION TICKET",
        5 => c"END OF EARLY DATA",
        8 => c"ENCRYPTED EXTENSIONS",
        11 => c"CERTIFICATE",
        12 => c"SERVER KEY EXCHANGE",
        13 => c"CERTIFICATE REQUEST",
        14 => c"SERVER HELLO DONE",
        15 => c"CERTIFICATE VERIFY",
        16 => c"CLIENT KEY EXCHANGE",
        20 => c"FINISHED",
        22 => c"CERTIFICATE STATUS",
        23 => c"SUPPLEMENTAL",
        24 => c"KEY_UPDATE",
        25 => c"COMPRESSED CERTIFICATE",
        254 => c"CHANGE CIPHER SPEC",
        1024 => c"SSL2 CLIENT HELLO",
        1025 => c"HELLO RETRY REQUEST",
        _ => c"Unknown Handshake packet",
    }
}
