//! The relative distinguished names of a DER Name, attribute by attribute
//! (what `gnutls_x509_dn_get_rdn_ava` walks), read with the `der` crate.

use der::asn1::{AnyRef, ObjectIdentifier};
use der::{Decode, Reader, SliceReader, Tagged};

/// One attribute of an RDN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ava {
    /// The attribute type, dotted ("2.5.4.3").
    pub oid: String,
    /// The value's tag byte (12 for UTF8String, 19 for PrintableString, ...).
    pub tag: u8,
    /// The value's contents.
    pub value: Vec<u8>,
}

/// The RDNs of the DER Name `name` (a SEQUENCE), in encoding order, each
/// with its attributes in encoding order.
pub fn rdns(name: &[u8]) -> der::Result<Vec<Vec<Ava>>> {
    let mut reader = SliceReader::new(name)?;
    let rdns = reader.sequence(|r| {
        let mut rdns = Vec::new();
        while !r.is_finished() {
            // Each RDN is a SET OF AttributeTypeAndValue; read it raw to
            // keep the attributes in the order they were written.
            let set = AnyRef::decode(r)?;
            if set.tag() != der::Tag::Set {
                return Err(set.tag().unexpected_error(Some(der::Tag::Set)));
            }
            let mut inner = SliceReader::new(set.value())?;
            let mut avas = Vec::new();
            while !inner.is_finished() {
                avas.push(inner.sequence(|a| {
                    let oid = ObjectIdentifier::decode(a)?;
                    let value = AnyRef::decode(a)?;
                    Ok(Ava {
                        oid: oid.to_string(),
                        tag: value.tag().octet(),
                        value: value.value().to_vec(),
                    })
                })?);
            }
            rdns.push(avas);
        }
        Ok(rdns)
    })?;
    reader.finish(rdns)
}

/// The contents of the DER Name `name` (inside its SEQUENCE).
pub fn name_contents(name: &[u8]) -> der::Result<&[u8]> {
    let mut reader = SliceReader::new(name)?;
    let any = AnyRef::decode(&mut reader)?;
    reader.finish(any.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_attribute_in_order() {
        // CN=a (UTF8String), then O=b (PrintableString).
        let name = [
            0x30, 0x18, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, b'a',
            0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x0a, 0x13, 0x01, b'b',
        ];
        let rdns = rdns(&name).unwrap();
        assert_eq!(rdns.len(), 2);
        assert_eq!(rdns[0][0].oid, "2.5.4.3");
        assert_eq!(
            (rdns[0][0].tag, rdns[0][0].value.as_slice()),
            (12, &b"a"[..])
        );
        assert_eq!(
            (rdns[1][0].tag, rdns[1][0].value.as_slice()),
            (19, &b"b"[..])
        );
        assert!(super::rdns(&name[..10]).is_err());
        assert_eq!(super::rdns(&[0x30, 0x00]).unwrap(), Vec::<Vec<Ava>>::new());
    }
}
