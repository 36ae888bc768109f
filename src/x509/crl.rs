//! The fields of a certificate revocation list (RFC 5280 §5.1) that
//! GnuTLS's CRL accessors return: version, issuer, update times and the
//! revoked serial numbers. Each element is walked with the `der`-backed
//! reader of `dn`; rustls-webpki checks the list itself (`verify`).

use super::dn::{DerError, INTEGER, Reader, SEQUENCE};
use super::fields::{GENERALIZED_TIME, UTC_TIME, time};

/// One revoked certificate: its serial number (the INTEGER's contents) and
/// when it was revoked (seconds since the Unix epoch).
pub struct Revoked<'a> {
    /// The serial number, as encoded.
    pub serial: &'a [u8],
    /// The revocation date.
    pub when: i64,
}

/// A CRL's fields.
pub struct CrlFields<'a> {
    /// 1 or 2 (the version field plus one; absent means 1).
    pub version: i32,
    /// The issuer Name, whole (tag and length included).
    pub issuer_encoding: &'a [u8],
    /// The issuer's RDNSequence contents.
    pub issuer: &'a [u8],
    /// thisUpdate.
    pub this_update: i64,
    /// nextUpdate, when given.
    pub next_update: Option<i64>,
    /// The revoked certificates, in order.
    pub revoked: Vec<Revoked<'a>>,
}

fn is_time(tag: u8) -> bool {
    tag == UTC_TIME || tag == GENERALIZED_TIME
}

/// The fields of the DER CertificateList `der`.
pub fn fields(der: &[u8]) -> Result<CrlFields<'_>, DerError> {
    let mut outer = Reader::new(der);
    let list = outer.expect(SEQUENCE)?;
    if !outer.is_empty() {
        return Err(DerError);
    }
    let mut top = Reader::new(list.contents);
    let tbs = top.expect(SEQUENCE)?;
    let mut tbs = Reader::new(tbs.contents);
    let mut element = tbs.next()?;
    let version = if element.tag == INTEGER {
        let value = match element.contents {
            [v] => i32::from(*v) + 1,
            _ => return Err(DerError),
        };
        element = tbs.next()?;
        value
    } else {
        1
    };
    // `element` is the signature AlgorithmIdentifier.
    if element.tag != SEQUENCE {
        return Err(DerError);
    }
    let issuer = tbs.expect(SEQUENCE)?;
    let this = tbs.next()?;
    if !is_time(this.tag) {
        return Err(DerError);
    }
    let this_update = time(this.tag, this.contents)?;
    let mut next_update = None;
    let mut revoked = Vec::new();
    while !tbs.is_empty() {
        let element = tbs.next()?;
        match element.tag {
            tag if is_time(tag) && next_update.is_none() && revoked.is_empty() => {
                next_update = Some(time(tag, element.contents)?);
            }
            SEQUENCE if revoked.is_empty() => {
                let mut entries = Reader::new(element.contents);
                while !entries.is_empty() {
                    let entry = entries.expect(SEQUENCE)?;
                    let mut entry = Reader::new(entry.contents);
                    let serial = entry.expect(INTEGER)?.contents;
                    let date = entry.next()?;
                    if !is_time(date.tag) {
                        return Err(DerError);
                    }
                    revoked.push(Revoked {
                        serial,
                        when: time(date.tag, date.contents)?,
                    });
                }
            }
            // crlExtensions [0]: not read here.
            0xa0 => {}
            _ => return Err(DerError),
        }
    }
    Ok(CrlFields {
        version,
        issuer_encoding: issuer.encoding,
        issuer: issuer.contents,
        this_update,
        next_update,
        revoked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRL: &[u8] = include_bytes!("../../tests/fixtures/crl.der");

    #[test]
    fn reads_the_fixture_crl() {
        let f = fields(CRL).unwrap();
        assert_eq!(f.version, 2);
        assert_eq!(f.revoked.len(), 1);
        assert_eq!(f.revoked[0].serial.len(), 20);
        assert!(f.next_update.unwrap() > f.this_update);
        assert_eq!(f.issuer_encoding.len(), f.issuer.len() + 2);
    }

    #[test]
    fn refuses_truncated_and_trailing_der() {
        assert!(fields(&CRL[..CRL.len() - 1]).is_err());
        let mut longer = CRL.to_vec();
        longer.push(0);
        assert!(fields(&longer).is_err());
        assert!(fields(&[0x30, 0x03, 0x02, 0x01, 0x00]).is_err());
    }
}
