//! Distinguished names of a certificate as RFC 4514 strings, the way
//! GnuTLS prints them (`gnutls_x509_crt_get_dn3`): GnuTLS's attribute
//! names, RFC 4514 escaping, unknown attributes as `OID=#hex`. This walks
//! only as much DER as it takes to reach the issuer and subject names (each
//! element's header decoded by the `der` crate); it validates nothing
//! (rustls-webpki does the checking, in `verify`).

/// The certificate's DER could not be read up to its names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed certificate DER")]
pub struct DerError;

pub(crate) const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
pub(crate) const OID: u8 = 0x06;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const VERSION: u8 = 0xa0;

/// One DER element: its tag, its contents, and the whole encoding.
pub(crate) struct Element<'a> {
    pub(crate) tag: u8,
    pub(crate) contents: &'a [u8],
    pub(crate) encoding: &'a [u8],
}

/// Reads DER elements off the front of a buffer.
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { rest: data }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// What has not been read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.rest
    }

    /// The next element: its header read by the `der` crate (definite,
    /// minimal lengths and one-byte tags, as DER and X.509 names require).
    pub(crate) fn next(&mut self) -> Result<Element<'a>, DerError> {
        use der::{Decode, Reader as _};
        let data = self.rest;
        let mut reader = der::SliceReader::new(data).map_err(|_| DerError)?;
        let header = der::Header::decode(&mut reader).map_err(|_| DerError)?;
        let contents = reader.read_slice(header.length).map_err(|_| DerError)?;
        let consumed = usize::try_from(reader.position()).map_err(|_| DerError)?;
        let (encoding, rest) = data.split_at_checked(consumed).ok_or(DerError)?;
        self.rest = rest;
        Ok(Element {
            tag: u8::from(header.tag),
            contents,
            encoding,
        })
    }

    /// The next element, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8) -> Result<Element<'a>, DerError> {
        let element = self.next()?;
        if element.tag == tag {
            Ok(element)
        } else {
            Err(DerError)
        }
    }
}

/// The issuer and subject Names (DER contents of each SEQUENCE) of a
/// certificate, with the certificate's outer structure checked to be
/// complete (no trailing bytes).
pub struct Names<'a> {
    /// The issuer's RDNSequence contents.
    pub issuer: &'a [u8],
    /// The subject's RDNSequence contents.
    pub subject: &'a [u8],
}

/// Finds the issuer and subject names of a DER certificate.
pub fn names(der: &[u8]) -> Result<Names<'_>, DerError> {
    let mut outer = Reader::new(der);
    let certificate = outer.expect(SEQUENCE)?;
    if !outer.is_empty() {
        return Err(DerError);
    }
    let mut parts = Reader::new(certificate.contents);
    let tbs = parts.expect(SEQUENCE)?;
    parts.expect(SEQUENCE)?; // signatureAlgorithm
    parts.next()?; // signatureValue
    if !parts.is_empty() {
        return Err(DerError);
    }
    let mut fields = Reader::new(tbs.contents);
    let mut field = fields.next()?;
    if field.tag == VERSION {
        field = fields.next()?;
    }
    if field.tag != INTEGER {
        return Err(DerError);
    }
    fields.expect(SEQUENCE)?; // signature
    let issuer = fields.expect(SEQUENCE)?.contents;
    fields.expect(SEQUENCE)?; // validity
    let subject = fields.expect(SEQUENCE)?.contents;
    // Check every name parses, so a bad one fails the import, not the printing.
    rdns(issuer)?;
    rdns(subject)?;
    Ok(Names { issuer, subject })
}

/// The commonName values of a certificate's subject, in encoding order
/// (values that are not text are left out).
pub fn subject_common_names(der: &[u8]) -> Result<Vec<String>, DerError> {
    const COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
    let subject = names(der)?.subject;
    Ok(rdns(subject)?
        .iter()
        .flatten()
        .filter(|a| a.oid == COMMON_NAME)
        .filter_map(|a| string_value(&a.value))
        .collect())
}

/// The values of the attributes of type `oid` (dotted) in `name` (an
/// RDNSequence's contents), in encoding order: as text when `raw` is false
/// (values that are not text are left out), else each value's whole DER.
pub fn attribute_values(name: &[u8], oid: &str, raw: bool) -> Result<Vec<Vec<u8>>, DerError> {
    Ok(rdns(name)?
        .iter()
        .flatten()
        .filter(|a| dotted(a.oid) == oid)
        .filter_map(|a| {
            if raw {
                Some(a.value.encoding.to_vec())
            } else {
                string_value(&a.value).map(String::into_bytes)
            }
        })
        .collect())
}

/// One attribute: its OID (DER contents) and its value element.
struct Attribute<'a> {
    oid: &'a [u8],
    value: Element<'a>,
}

/// The RDNs of a Name, in encoding order, each a list of attributes.
fn rdns(name: &[u8]) -> Result<Vec<Vec<Attribute<'_>>>, DerError> {
    let mut reader = Reader::new(name);
    let mut out = Vec::new();
    while !reader.is_empty() {
        let set = reader.expect(SET)?;
        let mut attrs = Reader::new(set.contents);
        let mut rdn = Vec::new();
        while !attrs.is_empty() {
            let pair = attrs.expect(SEQUENCE)?;
            let mut inner = Reader::new(pair.contents);
            let oid = inner.expect(OID)?.contents;
            let value = inner.next()?;
            if !inner.is_empty() {
                return Err(DerError);
            }
            rdn.push(Attribute { oid, value });
        }
        if rdn.is_empty() {
            return Err(DerError);
        }
        out.push(rdn);
    }
    Ok(out)
}

/// How GnuTLS prints an attribute it knows.
struct Known {
    /// The dotted OID.
    oid: &'static str,
    /// Its short name, or `None` to print the OID.
    name: Option<&'static str>,
    /// Whether the value is printed as a string (else as `#hex`).
    string: bool,
}

const fn named(oid: &'static str, name: &'static str) -> Known {
    Known {
        oid,
        name: Some(name),
        string: true,
    }
}

/// The attributes GnuTLS 3.7 knows; any other prints as `OID=#hex`.
const KNOWN: &[Known] = &[
    named("2.5.4.3", "CN"),
    named("2.5.4.4", "surName"),
    named("2.5.4.5", "serialNumber"),
    named("2.5.4.6", "C"),
    named("2.5.4.7", "L"),
    named("2.5.4.8", "ST"),
    named("2.5.4.9", "street"),
    named("2.5.4.10", "O"),
    named("2.5.4.11", "OU"),
    named("2.5.4.12", "title"),
    named("2.5.4.13", "description"),
    named("2.5.4.15", "businessCategory"),
    named("2.5.4.17", "postalCode"),
    Known {
        oid: "2.5.4.20",
        name: Some("telephoneNumber"),
        string: false,
    },
    named("2.5.4.41", "name"),
    named("2.5.4.42", "givenName"),
    named("2.5.4.43", "initials"),
    named("2.5.4.44", "generationQualifier"),
    named("2.5.4.46", "dnQualifier"),
    named("2.5.4.65", "pseudonym"),
    named("0.9.2342.19200300.100.1.1", "UID"),
    named("0.9.2342.19200300.100.1.25", "DC"),
    named("1.2.840.113549.1.9.1", "EMAIL"),
    Known {
        oid: "1.2.840.113549.1.9.7",
        name: None,
        string: true,
    },
    named(
        "1.3.6.1.4.1.311.60.2.1.1",
        "jurisdictionOfIncorporationLocalityName",
    ),
    named(
        "1.3.6.1.4.1.311.60.2.1.2",
        "jurisdictionOfIncorporationStateOrProvinceName",
    ),
    named(
        "1.3.6.1.4.1.311.60.2.1.3",
        "jurisdictionOfIncorporationCountryName",
    ),
];

/// The dotted form of an OID's DER contents.
pub(crate) fn dotted(oid: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for byte in oid {
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            if arcs.is_empty() {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// The text of a string value, or `None` for a type printed as hex.
fn string_value(value: &Element<'_>) -> Option<String> {
    let bytes = value.contents;
    match value.tag {
        // UTF8String, PrintableString, TeletexString, IA5String, VisibleString
        0x0c | 0x13 | 0x14 | 0x16 | 0x1a => Some(String::from_utf8_lossy(bytes).into_owned()),
        // BMPString: UTF-16BE.
        0x1e => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        // UniversalString: UTF-32BE.
        0x1c => bytes
            .chunks_exact(4)
            .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
            .collect(),
        _ => None,
    }
}

/// RFC 4514 §2.4 escaping of an attribute value.
fn escape(text: &str, out: &mut String) {
    let last = text.chars().count().saturating_sub(1);
    for (i, c) in text.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

fn push_attribute(attribute: &Attribute<'_>, out: &mut String) {
    let oid = dotted(attribute.oid);
    let known = KNOWN.iter().find(|k| k.oid == oid);
    out.push_str(known.and_then(|k| k.name).unwrap_or(&oid));
    out.push('=');
    let text = known
        .filter(|k| k.string)
        .and_then(|_| string_value(&attribute.value));
    match text {
        Some(text) => escape(&text, out),
        None => {
            out.push('#');
            for byte in attribute.value.encoding {
                out.push_str(&format!("{byte:02x}"));
            }
        }
    }
}

/// A Name (RDNSequence contents) as a string: RDNs last-first as RFC 4514
/// orders them, or in encoding order with `encoding_order` (GnuTLS's
/// `GNUTLS_X509_DN_FLAG_COMPAT`); attributes of one RDN joined with '+'.
pub fn to_string(name: &[u8], encoding_order: bool) -> Result<String, DerError> {
    let mut rdns = rdns(name)?;
    if !encoding_order {
        rdns.reverse();
    }
    let mut out = String::new();
    for (i, rdn) in rdns.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        for (j, attribute) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            push_attribute(attribute, &mut out);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attribute(oid: &[u8], tag: u8, value: &[u8]) -> Vec<u8> {
        let mut inner = vec![OID, u8::try_from(oid.len()).unwrap()];
        inner.extend_from_slice(oid);
        inner.extend_from_slice(&[tag, u8::try_from(value.len()).unwrap()]);
        inner.extend_from_slice(value);
        let mut seq = vec![SEQUENCE, u8::try_from(inner.len()).unwrap()];
        seq.extend(inner);
        seq
    }

    fn rdn(attributes: &[Vec<u8>]) -> Vec<u8> {
        let body: Vec<u8> = attributes.concat();
        let mut set = vec![SET, u8::try_from(body.len()).unwrap()];
        set.extend(body);
        set
    }

    const CN: &[u8] = &[0x55, 0x04, 0x03];
    const O: &[u8] = &[0x55, 0x04, 0x0a];
    const OU: &[u8] = &[0x55, 0x04, 0x0b];

    #[test]
    fn prints_last_rdn_first_and_escapes() {
        let name = [
            rdn(&[attribute(O, 0x0c, b"A, B")]),
            rdn(&[attribute(CN, 0x13, b"#x "), attribute(OU, 0x0c, b"u")]),
        ]
        .concat();
        assert_eq!(to_string(&name, false).unwrap(), "CN=\\#x\\ +OU=u,O=A\\, B");
        assert_eq!(to_string(&name, true).unwrap(), "O=A\\, B,CN=\\#x\\ +OU=u");
    }

    #[test]
    fn prints_unknown_attributes_as_hex() {
        let name = rdn(&[attribute(&[0x2a, 0x03, 0x04], 0x0c, b"hi")]);
        assert_eq!(to_string(&name, false).unwrap(), "1.2.3.4=#0c026869");
    }

    #[test]
    fn rejects_truncated_der() {
        let name = rdn(&[attribute(CN, 0x0c, b"abc")]);
        assert_eq!(to_string(&name[..name.len() - 1], false), Err(DerError));
        assert!(names(&[0x30, 0x82, 0x01]).is_err());
    }
}
