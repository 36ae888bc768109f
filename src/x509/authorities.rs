//! The certificate_authorities of a CertificateRequest (RFC 8446 §4.2.4):
//! the DER Names a server lists, and whether a client's chain answers them.

use super::dn;

/// A DER Name (a SEQUENCE) around the contents of one.
pub fn name_der(contents: &[u8]) -> Vec<u8> {
    let len = contents.len();
    let mut out = vec![dn::SEQUENCE];
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        _ => {
            let bytes = len.to_be_bytes();
            let skip = bytes.iter().take_while(|b| **b == 0).count();
            let long = &bytes[skip..];
            out.push(0x80 | u8::try_from(long.len()).unwrap_or(0));
            out.extend_from_slice(long);
        }
    }
    out.extend_from_slice(contents);
    out
}

/// Whether a certificate of `chain` was issued by one of `authorities`
/// (DER Names), as GnuTLS decides which certificate a client may send.
pub fn chain_issued_by(chain: &[Vec<u8>], authorities: &[Vec<u8>]) -> bool {
    chain.iter().any(|cert| {
        dn::names(cert).is_ok_and(|names| {
            let issuer = name_der(names.issuer);
            authorities.contains(&issuer)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_short_and_long_contents() {
        assert_eq!(name_der(&[1, 2]), vec![0x30, 2, 1, 2]);
        let long = vec![7; 200];
        let der = name_der(&long);
        assert_eq!(&der[..3], &[0x30, 0x81, 200]);
        assert_eq!(der.len(), 203);
        let longer = vec![7; 300];
        assert_eq!(&name_der(&longer)[..4], &[0x30, 0x82, 0x01, 0x2c]);
    }

    #[test]
    fn matches_only_the_issuing_authority() {
        let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let load = |name: &str| {
            let pem = std::fs::read(format!("{fixtures}/{name}")).unwrap();
            crate::x509::pem::certificates(&pem).unwrap()
        };
        let ca = load("ca.pem");
        let other = load("other-ca.pem");
        let ca_name = name_der(dn::names(&ca[0]).unwrap().subject);
        let other_name = name_der(dn::names(&other[0]).unwrap().subject);
        assert!(chain_issued_by(
            &load("client-ecdsa.pem"),
            std::slice::from_ref(&ca_name)
        ));
        assert!(!chain_issued_by(
            &load("client-ecdsa.pem"),
            std::slice::from_ref(&other_name)
        ));
        assert!(chain_issued_by(
            &load("stranger.pem"),
            &[ca_name, other_name]
        ));
        assert!(!chain_issued_by(&load("client-ecdsa.pem"), &[]));
    }
}
