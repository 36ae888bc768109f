//! Fields of a DER certificate beyond its names: the validity period, the
//! signature algorithm, and the subject public key. Like `dn`, this reads
//! only the structure it needs and checks nothing else.

use super::dn::{DerError, INTEGER, OID, Reader, SEQUENCE, VERSION, dotted};

const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const BIT_STRING: u8 = 0x03;

/// The parts of a certificate this module reads.
struct Parts<'a> {
    /// The outer signatureAlgorithm's OID (DER contents).
    signature_oid: &'a [u8],
    /// The Validity SEQUENCE's contents.
    validity: &'a [u8],
    /// The SubjectPublicKeyInfo SEQUENCE's contents.
    spki: &'a [u8],
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
    let spki = fields.expect(SEQUENCE)?.contents;
    Ok(Parts {
        signature_oid,
        validity,
        spki,
    })
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
fn time(tag: u8, text: &[u8]) -> Result<i64, DerError> {
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
    fn reads_a_certificate_s_fields() {
        let der = der();
        let (before, after) = validity(&der).unwrap();
        assert!(before < after);
        assert_eq!(signature_oid(&der).unwrap(), "1.2.840.10045.4.3.2");
        assert_eq!(public_key(&der).unwrap().first(), Some(&4));
        assert!(signature_oid(&der[..der.len() - 1]).is_err());
    }
}
