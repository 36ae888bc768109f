//! The entries of a GeneralNames value (RFC 5280 §4.2.1.6), in order, read
//! with the `der` crate: what `gnutls_x509_crt_get_subject_alt_name` walks.

use der::asn1::AnyRef;
use der::{Decode, Reader, SliceReader, Tag, TagNumber, Tagged};

/// One GeneralName: its context-specific tag number (1 rfc822Name, 2
/// dNSName, 6 URI, 7 iPAddress, 0 otherName, 4 directoryName, ...) and
/// its contents (for directoryName, the Name's DER).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneralName {
    /// The tag number.
    pub kind: u8,
    /// The contents.
    pub value: Vec<u8>,
}

/// The entries of the DER GeneralNames `value`.
pub fn general_names(value: &[u8]) -> der::Result<Vec<GeneralName>> {
    let mut reader = SliceReader::new(value)?;
    let names = reader.sequence(|r| {
        let mut names = Vec::new();
        while !r.is_finished() {
            let any = AnyRef::decode(r)?;
            let kind = match any.tag() {
                Tag::ContextSpecific { number, .. } => number_of(number),
                other => return Err(other.unexpected_error(None)),
            };
            names.push(GeneralName {
                kind,
                value: any.value().to_vec(),
            });
        }
        Ok(names)
    })?;
    reader.finish(names)
}

fn number_of(number: TagNumber) -> u8 {
    number.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_in_order_and_refuses_trailing_bytes() {
        // dNSName "a", iPAddress 127.0.0.1, rfc822Name "b@c".
        let value = [
            0x30, 0x0e, 0x82, 0x01, b'a', 0x87, 0x04, 127, 0, 0, 1, 0x81, 0x03, b'b', b'@', b'c',
        ];
        let names = general_names(&value).unwrap();
        let kinds: Vec<u8> = names.iter().map(|n| n.kind).collect();
        assert_eq!(kinds, [2, 7, 1]);
        assert_eq!(names[1].value, [127, 0, 0, 1]);
        let mut longer = value.to_vec();
        longer.push(0);
        assert!(general_names(&longer).is_err());
        assert!(general_names(&value[..5]).is_err());
    }
}
