//! GnuTLS priority strings, as `gnutls_priority_init` parses them.

use crate::gnutls::priority::Priority;

/// Parses `data` (as text, lossily) as a priority string.
pub fn run(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(offset) = Priority::parse(&text) {
        // The offset names a place in the string (GnuTLS's err_pos).
        assert!(offset <= text.len(), "error offset {offset} past the end");
    }
}
