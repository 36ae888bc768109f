//! Fields of a DER certificate beyond its names: the validity period, the
//! signature algorithm, and the subject public key. Like `dn`, this reads
//! only the structure it needs and checks nothing else.

use super::dn::{DerError, INTEGER, OID, Reader, SEQUENCE, VERSION, dotted};

pub(crate) const UTC_TIME: u8 = 0x17;
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
const BIT_STRING: u8 = 0x03;

/// The parts of a certificate this module reads.
struct Parts<'a> {
    /// The outer signatureAlgorithm's OID (DER contents).
    signature_oid: &'a [u8],
    /// The Validity SEQUENCE's contents.
    validity: &'a [u8],
    /// The SubjectPublicKeyInfo SEQUENCE's contents.
    spki: &'a [u8],
    /// The whole SubjectPublicKeyInfo, DER.
    spki_der: &'a [u8],
    /// The fields after the SubjectPublicKeyInfo (unique ids, extensions).
    rest: &'a [u8],
}

fn parts(der: &[u8]) -> Result<Parts<'_>, DerError> {
    let mut outer = Reader::new(der);
    let certificate = outer.expect(SEQUENCE)?;
    if !outer.is_empty() {
        return Err(DerError);
    }
    let mut top = Reader::new(certificate.contents);
    let tbs = top.expect(SEQUENCE)?;
    let algorithm = top.expect(SEQUENCE)?;
    let signature_oid = Reader::new(algorithm.contents).expect(OID)?.contents;
    let mut fields = Reader::new(tbs.contents);
    let mut field = fields.next()?;
    if field.tag == VERSION {
        field = fields.next()?;
    }
    if field.tag != INTEGER {
        return Err(DerError);
    }
    fields.expect(SEQUENCE)?; // signature
    fields.expect(SEQUENCE)?; // issuer
    let validity = fields.expect(SEQUENCE)?.contents;
    fields.expect(SEQUENCE)?; // subject
    let spki = fields.expect(SEQUENCE)?;
    Ok(Parts {
        signature_oid,
        validity,
        spki: spki.contents,
        spki_der: spki.encoding,
        rest: fields.rest(),
    })
}

/// The certificate's version: 1 when the field is absent, else its value + 1.
pub fn version(der: &[u8]) -> Result<i32, DerError> {
    let mut outer = Reader::new(der);
    let mut top = Reader::new(outer.expect(SEQUENCE)?.contents);
    let mut fields = Reader::new(top.expect(SEQUENCE)?.contents);
    let field = fields.next()?;
    if field.tag != VERSION {
        return Ok(1);
    }
    let value = Reader::new(field.contents).expect(INTEGER)?.contents;
    match value {
        [v] if *v < 127 => Ok(i32::from(*v) + 1),
        _ => Err(DerError),
    }
}

/// The serialNumber INTEGER's contents (big-endian, as encoded).
pub fn serial(der: &[u8]) -> Result<&[u8], DerError> {
    let mut outer = Reader::new(der);
    let mut top = Reader::new(outer.expect(SEQUENCE)?.contents);
    let mut fields = Reader::new(top.expect(SEQUENCE)?.contents);
    let mut field = fields.next()?;
    if field.tag == VERSION {
        field = fields.next()?;
    }
    if field.tag != INTEGER {
        return Err(DerError);
    }
    Ok(field.contents)
}

/// The dotted OID of the certificate's signature algorithm.
pub fn signature_oid(der: &[u8]) -> Result<String, DerError> {
    Ok(dotted(parts(der)?.signature_oid))
}

/// notBefore and notAfter, in seconds since the Unix epoch.
pub fn validity(der: &[u8]) -> Result<(i64, i64), DerError> {
    let mut reader = Reader::new(parts(der)?.validity);
    let not_before = reader.next()?;
    let not_after = reader.next()?;
    Ok((
        time(not_before.tag, not_before.contents)?,
        time(not_after.tag, not_after.contents)?,
    ))
}

/// The DER SubjectPublicKeyInfo (what a key fingerprint is taken over).
pub fn spki(der: &[u8]) -> Result<&[u8], DerError> {
    Ok(parts(der)?.spki_der)
}

/// The value (the OCTET STRING's contents) of the extension with DER
/// contents `wanted` of its OID, if the certificate has it.
fn extension<'a>(der: &'a [u8], wanted: &[u8]) -> Result<Option<&'a [u8]>, DerError> {
    Ok(extension_marked(der, wanted)?.map(|(value, _)| value))
}

/// The subjectAltName extension's value and whether it is critical, if
/// the certificate has one.
pub fn subject_alt_name(der: &[u8]) -> Result<Option<(&[u8], bool)>, DerError> {
    extension_marked(der, &[0x55, 0x1d, 0x11])
}

/// As `extension`, with the extension's critical flag.
fn extension_marked<'a>(
    der: &'a [u8],
    wanted: &[u8],
) -> Result<Option<(&'a [u8], bool)>, DerError> {
    const EXTENSIONS: u8 = 0xa3;
    const OCTET_STRING: u8 = 0x04;
    const BOOLEAN: u8 = 0x01;
    let mut rest = Reader::new(parts(der)?.rest);
    while !rest.is_empty() {
        let field = rest.next()?;
        if field.tag != EXTENSIONS {
            continue; // issuerUniqueID, subjectUniqueID
        }
        let mut extensions = Reader::new(Reader::new(field.contents).expect(SEQUENCE)?.contents);
        while !extensions.is_empty() {
            let mut extension = Reader::new(extensions.expect(SEQUENCE)?.contents);
            let oid = extension.expect(OID)?.contents;
            let mut value = extension.next()?;
            let mut critical = false;
            if value.tag == BOOLEAN {
                critical = value.contents.first().is_some_and(|b| *b != 0);
                value = extension.next()?;
            }
            if value.tag != OCTET_STRING {
                return Err(DerError);
            }
            if oid == wanted {
                return Ok(Some((value.contents, critical)));
            }
        }
    }
    Ok(None)
}

/// The rfc822Name (email), dNSName, uniformResourceIdentifier and
/// iPAddress entries of the subjectAltName extension, if the certificate
/// has one.
pub fn alt_names(der: &[u8]) -> Result<AltNames, DerError> {
    const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
    let mut names = AltNames::default();
    let Some(value) = extension(der, SUBJECT_ALT_NAME)? else {
        return Ok(names);
    };
    let mut general = Reader::new(Reader::new(value).expect(SEQUENCE)?.contents);
    while !general.is_empty() {
        let name = general.next()?;
        let text = || String::from_utf8(name.contents.to_vec()).map_err(|_| DerError);
        match name.tag {
            0x81 => names.emails.push(text()?),
            0x82 => names.dns.push(text()?),
            0x86 => names.uris.push(text()?),
            0x87 => names.ips.push(name.contents.to_vec()),
            _ => {}
        }
    }
    Ok(names)
}

/// The key purposes (DER contents of each OID) of the extendedKeyUsage
/// extension, or `None` when the certificate has none.
pub fn extended_key_usage(der: &[u8]) -> Result<Option<Vec<Vec<u8>>>, DerError> {
    const EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
    let Some(value) = extension(der, EXTENDED_KEY_USAGE)? else {
        return Ok(None);
    };
    let mut purposes = Reader::new(Reader::new(value).expect(SEQUENCE)?.contents);
    let mut out = Vec::new();
    while !purposes.is_empty() {
        out.push(purposes.expect(OID)?.contents.to_vec());
    }
    Ok(Some(out))
}

/// The keyUsage extension's bits in GnuTLS's encoding (the first byte of
/// the BIT STRING as is, digitalSignature = 0x80; the second shifted left
/// by 8), or `None` when the certificate has none (RFC 5280 §4.2.1.3).
pub fn key_usage(der: &[u8]) -> Result<Option<u16>, DerError> {
    const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
    let Some(value) = extension(der, KEY_USAGE)? else {
        return Ok(None);
    };
    let bits = Reader::new(value).expect(BIT_STRING)?.contents;
    let Some((_unused, bytes)) = bits.split_first() else {
        return Err(DerError);
    };
    let first = bytes.first().copied().unwrap_or(0);
    let second = bytes.get(1).copied().unwrap_or(0);
    Ok(Some(u16::from(first) | (u16::from(second) << 8)))
}

/// keyUsage's digitalSignature bit in [`key_usage`]'s encoding.
pub const KEY_USAGE_DIGITAL_SIGNATURE: u16 = 0x80;

/// Whether the certificate's key may sign (TLS handshake signatures): it
/// has no keyUsage, an empty one (as GnuTLS reads it), or one with
/// digitalSignature. A certificate that cannot be read may not.
pub fn allows_signing(der: &[u8]) -> bool {
    match key_usage(der) {
        Ok(None | Some(0)) => true,
        Ok(Some(bits)) => bits & KEY_USAGE_DIGITAL_SIGNATURE != 0,
        Err(_) => false,
    }
}

/// Entries of a subjectAltName that can name a person or a host.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AltNames {
    /// rfc822Name entries.
    pub emails: Vec<String>,
    /// uniformResourceIdentifier entries.
    pub uris: Vec<String>,
    /// dNSName entries.
    pub dns: Vec<String>,
    /// iPAddress entries (4 or 16 bytes).
    pub ips: Vec<Vec<u8>>,
}

/// The subjectPublicKey bits (the BIT STRING's contents after its
/// unused-bits count): for EC keys the point, for Ed25519 the key, for RSA
/// the RSAPublicKey DER.
pub fn public_key(der: &[u8]) -> Result<&[u8], DerError> {
    let mut reader = Reader::new(parts(der)?.spki);
    reader.expect(SEQUENCE)?; // algorithm
    let bits = reader.expect(BIT_STRING)?.contents;
    match bits.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err(DerError),
    }
}

fn digits(text: &[u8]) -> Result<i64, DerError> {
    text.iter().try_fold(0i64, |acc, b| {
        if b.is_ascii_digit() {
            Ok(acc * 10 + i64::from(b - b'0'))
        } else {
            Err(DerError)
        }
    })
}

/// A UTCTime (YYMMDDHHMMSSZ, years 1950-2049 per RFC 5280 §4.1.2.5.1) or
/// GeneralizedTime (YYYYMMDDHHMMSSZ) as seconds since the epoch.
pub(crate) fn time(tag: u8, text: &[u8]) -> Result<i64, DerError> {
    let (year, rest) = match (tag, text.len()) {
        (UTC_TIME, 13) => {
            let yy = digits(text.get(..2).ok_or(DerError)?)?;
            (if yy < 50 { 2000 + yy } else { 1900 + yy }, &text[2..])
        }
        (GENERALIZED_TIME, 15) => (digits(text.get(..4).ok_or(DerError)?)?, &text[4..]),
        _ => return Err(DerError),
    };
    if rest.last() != Some(&b'Z') {
        return Err(DerError);
    }
    let field = |i: usize| digits(rest.get(i..i + 2).ok_or(DerError)?);
    let (month, day, hour, minute, second) =
        (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return Err(DerError);
    }
    Ok(days_from_civil(year, month, day) * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// Days from 1970-01-01 to a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const SERVER: &[u8] = include_bytes!("../../tests/fixtures/server-ecdsa.pem");

    fn der() -> Vec<u8> {
        crate::x509::pem::certificates(SERVER).unwrap().remove(0)
    }

    #[test]
    fn reads_key_usage_bits_as_gnutls_encodes_them() {
        assert_eq!(key_usage(&der()), Ok(Some(KEY_USAGE_DIGITAL_SIGNATURE)));
        assert!(allows_signing(&der()));
        let keyenc = include_bytes!("../../tests/fixtures/server-keyenc.pem");
        let keyenc = crate::x509::pem::certificates(keyenc).unwrap().remove(0);
        // keyEncipherment is the third bit: 0x20.
        assert_eq!(key_usage(&keyenc), Ok(Some(0x20)));
        assert!(!allows_signing(&keyenc));
    }

    #[test]
    fn reads_times_of_both_encodings() {
        assert_eq!(time(UTC_TIME, b"700101000000Z"), Ok(0));
        assert_eq!(time(UTC_TIME, b"000101000000Z"), Ok(946_684_800));
        assert_eq!(
            time(GENERALIZED_TIME, b"22000101000000Z"),
            Ok(7_258_118_400)
        );
        assert_eq!(time(UTC_TIME, b"0001010000Z"), Err(DerError));
        assert_eq!(time(UTC_TIME, b"001301000000Z"), Err(DerError));
    }

    #[test]
    fn reads_alt_names_common_names_and_the_spki() {
        let client = include_bytes!("../../tests/fixtures/client-ecdsa.pem");
        let der = crate::x509::pem::certificates(client).unwrap().remove(0);
        let names = alt_names(&der).unwrap();
        assert_eq!(names.emails, ["alice@example.org"]);
        assert_eq!(names.uris, ["matrix:u/alice:example.org"]);
        assert_eq!(
            crate::x509::dn::subject_common_names(&der).unwrap(),
            ["alice"]
        );
        let spki = spki(&der).unwrap();
        assert_eq!(spki.first(), Some(&SEQUENCE));
        assert!(spki.windows(65).any(|w| w == public_key(&der).unwrap()));
        // The server certificate has DNS names (and an address) only.
        let server = alt_names(&super::tests::der()).unwrap();
        assert_eq!(server.dns, ["localhost"]);
        assert!(server.emails.is_empty() && server.uris.is_empty());
        // Truncated DER is an error, never a panic.
        for cut in [10, der.len() / 2, der.len() - 1] {
            assert!(alt_names(&der[..cut]).is_err());
        }
    }

    #[test]
    fn reads_a_certificate_s_fields() {
        let der = der();
        let (before, after) = validity(&der).unwrap();
        assert!(before < after);
        assert_eq!(signature_oid(&der).unwrap(), "1.2.840.10045.4.3.2");
        assert_eq!(public_key(&der).unwrap().first(), Some(&4));
        assert!(signature_oid(&der[..der.len() - 1]).is_err());
    }
}
