//! X.509 certificate objects (`gnutls_x509_crt_t`): import from PEM or DER,
//! and the subject and issuer DNs as strings.

use super::Error;
use super::credentials::{GNUTLS_X509_FMT_DER, GNUTLS_X509_FMT_PEM};
use crate::x509::{dn, fields, pem};

/// The `gnutls_sign_algorithm_t` of a signature algorithm OID (0: unknown).
pub fn sign_algorithm_of_oid(oid: &str) -> i32 {
    match oid {
        "1.2.840.113549.1.1.5" => 1, // sha1WithRSAEncryption: GNUTLS_SIGN_RSA_SHA1
        "1.2.840.113549.1.1.4" => 3, // md5WithRSAEncryption: GNUTLS_SIGN_RSA_MD5
        "1.2.840.113549.1.1.11" => 6, // GNUTLS_SIGN_RSA_SHA256
        "1.2.840.113549.1.1.12" => 7, // GNUTLS_SIGN_RSA_SHA384
        "1.2.840.113549.1.1.13" => 8, // GNUTLS_SIGN_RSA_SHA512
        "1.2.840.113549.1.1.14" => 9, // GNUTLS_SIGN_RSA_SHA224
        "1.2.840.10045.4.1" => 12,   // GNUTLS_SIGN_ECDSA_SHA1
        "1.2.840.10045.4.3.1" => 13, // GNUTLS_SIGN_ECDSA_SHA224
        "1.2.840.10045.4.3.2" => 14, // GNUTLS_SIGN_ECDSA_SHA256
        "1.2.840.10045.4.3.3" => 15, // GNUTLS_SIGN_ECDSA_SHA384
        "1.2.840.10045.4.3.4" => 16, // GNUTLS_SIGN_ECDSA_SHA512
        "1.3.101.112" => 35,         // GNUTLS_SIGN_EDDSA_ED25519
        "1.3.101.113" => 46,         // GNUTLS_SIGN_EDDSA_ED448
        _ => 0,
    }
}

/// `GNUTLS_X509_DN_FLAG_COMPAT`: the DN in encoding order.
pub const GNUTLS_X509_DN_FLAG_COMPAT: u32 = 1;

/// The validity period (notBefore, notAfter, seconds since the epoch) of
/// the end-entity certificate of a peer's `chain`; `NoCertificateFound`
/// for an empty chain.
pub fn peer_validity(chain: &[Vec<u8>]) -> Result<(i64, i64), Error> {
    let leaf = chain.first().ok_or(Error::NoCertificateFound)?;
    fields::validity(leaf).map_err(|_| Error::DerDecoding)
}

/// An imported certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    der: Vec<u8>,
}

impl Certificate {
    /// A certificate from DER, checked to be readable up to its names.
    pub fn from_der(der: Vec<u8>) -> Result<Self, Error> {
        dn::names(&der).map_err(|_| Error::DerDecoding)?;
        Ok(Self { der })
    }

    /// `gnutls_x509_crt_import`: the (first) certificate in `data`.
    pub fn import(data: &[u8], format: i32) -> Result<Self, Error> {
        let first = Self::import_list(data, format)?.into_iter().next();
        first.ok_or(Error::Base64Decoding)
    }

    /// `gnutls_x509_crt_list_import2`: every certificate in `data` (one for DER).
    pub fn import_list(data: &[u8], format: i32) -> Result<Vec<Self>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(vec![Self::from_der(data.to_vec())?]),
            GNUTLS_X509_FMT_PEM => {
                // pem::certificates also takes bare DER; GnuTLS's PEM import does not.
                if data.first() == Some(&0x30) {
                    return Err(Error::Base64Decoding);
                }
                let ders = pem::certificates(data).map_err(|_| Error::Base64Decoding)?;
                ders.into_iter().map(Self::from_der).collect()
            }
            _ => Err(Error::InvalidRequest),
        }
    }

    /// `gnutls_x509_crt_get_subject_alt_name`: entry `seq` of the
    /// subjectAltName extension as (`GNUTLS_SAN_*` type, value, whether the
    /// extension is critical); `RequestedDataNotAvailable` past the last
    /// entry or without the extension. Values are the entry's contents: the
    /// text of names, the 4 or 16 bytes of addresses, the DER of others.
    pub fn subject_alt_name(&self, seq: usize) -> Result<(i32, Vec<u8>, bool), Error> {
        let (value, critical) = fields::subject_alt_name(&self.der)
            .map_err(|_| Error::DerDecoding)?
            .ok_or(Error::RequestedDataNotAvailable)?;
        let names =
            crate::x509::general_names::general_names(value).map_err(|_| Error::DerDecoding)?;
        let name = names.get(seq).ok_or(Error::RequestedDataNotAvailable)?;
        let kind = match name.kind {
            2 => 1, // dNSName: GNUTLS_SAN_DNSNAME
            1 => 2, // rfc822Name: GNUTLS_SAN_RFC822NAME
            6 => 3, // uniformResourceIdentifier: GNUTLS_SAN_URI
            7 => 4, // iPAddress: GNUTLS_SAN_IPADDRESS
            0 => 5, // otherName: GNUTLS_SAN_OTHERNAME
            4 => 6, // directoryName: GNUTLS_SAN_DN
            8 => 7, // registeredID: GNUTLS_SAN_REGISTERED_ID
            _ => return Err(Error::Unimplemented),
        };
        Ok((kind, name.value.clone(), critical))
    }

    /// `gnutls_x509_crt_get_raw_dn` (`issuer` false) and `_get_raw_issuer_dn`:
    /// the DER of the subject's or issuer's Name.
    pub fn raw_dn(&self, issuer: bool) -> Result<Vec<u8>, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        let contents = if issuer { names.issuer } else { names.subject };
        Ok(crate::x509::authorities::name_der(contents))
    }

    /// The DER encoding.
    pub fn der(&self) -> &[u8] {
        &self.der
    }

    /// `gnutls_x509_crt_get_dn3`: the subject DN (RFC 4514 order, or
    /// encoding order with `GNUTLS_X509_DN_FLAG_COMPAT`).
    pub fn subject_dn(&self, flags: u32) -> Result<String, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        dn::to_string(names.subject, flags & GNUTLS_X509_DN_FLAG_COMPAT != 0)
            .map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_signature_oid`: the dotted OID of the
    /// signature algorithm.
    pub fn signature_oid(&self) -> Result<String, Error> {
        fields::signature_oid(&self.der).map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_signature_algorithm`: the
    /// `gnutls_sign_algorithm_t` of the signature, `GNUTLS_SIGN_UNKNOWN` (0)
    /// for an algorithm without one (RSA-PSS depends on its parameters,
    /// which are not read: 0 too).
    pub fn signature_algorithm(&self) -> Result<i32, Error> {
        Ok(sign_algorithm_of_oid(&self.signature_oid()?))
    }

    /// The validity period (notBefore, notAfter) in seconds since the epoch.
    pub fn validity(&self) -> Result<(i64, i64), Error> {
        fields::validity(&self.der).map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_version`: 1, 2 or 3.
    pub fn version(&self) -> Result<i32, Error> {
        fields::version(&self.der).map_err(|_| Error::DerDecoding)
    }

    /// `gnutls_x509_crt_get_fingerprint`: the digest of the DER with
    /// `gnutls_digest_algorithm_t` `algorithm` (SHA-1 and SHA-2 256, 384,
    /// 512; others are `Unimplemented`).
    pub fn fingerprint(&self, algorithm: i32) -> Result<Vec<u8>, Error> {
        use ring::digest;
        let algorithm = match algorithm {
            3 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
            6 => &digest::SHA256,
            7 => &digest::SHA384,
            8 => &digest::SHA512,
            _ => return Err(Error::Unimplemented),
        };
        Ok(digest::digest(algorithm, &self.der).as_ref().to_vec())
    }

    /// `gnutls_x509_crt_export`: the DER, or with `GNUTLS_X509_FMT_PEM` a
    /// "CERTIFICATE" PEM block.
    pub fn export(&self, format: i32) -> Result<Vec<u8>, Error> {
        match format {
            GNUTLS_X509_FMT_DER => Ok(self.der.clone()),
            GNUTLS_X509_FMT_PEM => Ok(super::util::pem("CERTIFICATE", &self.der).into_bytes()),
            _ => Err(Error::InvalidRequest),
        }
    }

    /// `gnutls_x509_crt_check_hostname2`: whether the certificate is for
    /// `hostname`. An address (IPv4, or anything with a colon that parses
    /// as IPv6) is compared with the iPAddress entries only, unless `flags`
    /// has `GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES` (then it is a name like
    /// any other). A name is compared with the dNSName entries (without
    /// case; `*.` as a whole first label stands for one label); when there
    /// is neither a dNSName nor an iPAddress entry and the certificate may
    /// serve a web server (no extendedKeyUsage, or serverAuth or any), with
    /// its single CN.
    pub fn check_hostname(&self, hostname: &str, flags: u32) -> bool {
        // GNUTLS_VERIFY_DO_NOT_ALLOW_IP_MATCHES.
        const DO_NOT_ALLOW_IP_MATCHES: u32 = 1 << 1;
        let Ok(names) = fields::alt_names(&self.der) else {
            return false;
        };
        if flags & DO_NOT_ALLOW_IP_MATCHES == 0 {
            let address = if hostname.contains(':') {
                hostname
                    .parse::<std::net::Ipv6Addr>()
                    .ok()
                    .map(|a| a.octets().to_vec())
            } else {
                hostname
                    .parse::<std::net::Ipv4Addr>()
                    .ok()
                    .map(|a| a.octets().to_vec())
            };
            if let Some(address) = address {
                return names.ips.contains(&address);
            }
        }
        if names
            .dns
            .iter()
            .any(|name| hostname_matches(name, hostname))
        {
            return true;
        }
        if !names.dns.is_empty() || !names.ips.is_empty() || !self.may_serve_the_web() {
            return false;
        }
        match dn::subject_common_names(&self.der).as_deref() {
            Ok([cn]) => hostname_matches(cn, hostname),
            _ => false,
        }
    }

    /// Whether the extendedKeyUsage (if any) allows a web server.
    fn may_serve_the_web(&self) -> bool {
        const SERVER_AUTH: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01];
        const ANY: &[u8] = &[0x55, 0x1d, 0x25, 0x00];
        match fields::extended_key_usage(&self.der) {
            Ok(None) => true,
            Ok(Some(purposes)) => purposes.iter().any(|p| p == SERVER_AUTH || p == ANY),
            Err(_) => false,
        }
    }

    /// `gnutls_x509_crt_get_serial`: the serial number's bytes as encoded.
    pub fn serial(&self) -> Result<Vec<u8>, Error> {
        Ok(fields::serial(&self.der)
            .map_err(|_| Error::DerDecoding)?
            .to_vec())
    }

    /// `gnutls_x509_crt_get_dn_by_oid` (`issuer` false) and
    /// `gnutls_x509_crt_get_issuer_dn_by_oid`: the `index`-th value of the
    /// attributes of type `oid` (dotted), as text, or as its DER with `raw`.
    pub fn dn_value(
        &self,
        issuer: bool,
        oid: &str,
        index: usize,
        raw: bool,
    ) -> Result<Vec<u8>, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        let name = if issuer { names.issuer } else { names.subject };
        dn::attribute_values(name, oid, raw)
            .map_err(|_| Error::DerDecoding)?
            .into_iter()
            .nth(index)
            .ok_or(Error::RequestedDataNotAvailable)
    }

    /// `gnutls_x509_crt_check_issuer`: whether `issuer`'s subject is this
    /// certificate's issuer (the names compared as encoded).
    pub fn is_issued_by(&self, issuer: &Certificate) -> bool {
        match (dn::names(&self.der), dn::names(&issuer.der)) {
            (Ok(mine), Ok(theirs)) => mine.issuer == theirs.subject,
            _ => false,
        }
    }

    /// `gnutls_x509_crt_get_issuer_dn3`: the issuer DN, as `subject_dn`.
    pub fn issuer_dn(&self, flags: u32) -> Result<String, Error> {
        let names = dn::names(&self.der).map_err(|_| Error::DerDecoding)?;
        dn::to_string(names.issuer, flags & GNUTLS_X509_DN_FLAG_COMPAT != 0)
            .map_err(|_| Error::DerDecoding)
    }
}

/// Whether certificate name `pattern` names `hostname`: equal without ASCII
/// case, or `*.rest` and `hostname` is one label followed by `.rest`.
fn hostname_matches(pattern: &str, hostname: &str) -> bool {
    if pattern.is_empty() || pattern.as_bytes().contains(&0) {
        return false;
    }
    if pattern.eq_ignore_ascii_case(hostname) {
        return true;
    }
    match (pattern.strip_prefix("*."), hostname.split_once('.')) {
        (Some(rest), Some((label, host_rest))) => {
            rest.contains('.') && !label.is_empty() && rest.eq_ignore_ascii_case(host_rest)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.pem");

    #[test]
    fn imports_pem_and_prints_names() {
        let cert = Certificate::import(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert_eq!(cert.subject_dn(0).unwrap(), "CN=stepup test CA");
        assert_eq!(
            cert.issuer_dn(GNUTLS_X509_DN_FLAG_COMPAT).unwrap(),
            "CN=stepup test CA"
        );
        let der = Certificate::import(cert.der(), GNUTLS_X509_FMT_DER).unwrap();
        assert_eq!(der, cert);
        assert_eq!(cert.signature_algorithm().unwrap(), 14);
        assert_eq!(cert.signature_oid().unwrap(), "1.2.840.10045.4.3.2");
    }

    #[test]
    fn rejects_der_given_as_pem_and_truncated_der() {
        let cert = Certificate::import(CA, GNUTLS_X509_FMT_PEM).unwrap();
        assert!(Certificate::import(cert.der(), GNUTLS_X509_FMT_PEM).is_err());
        assert_eq!(
            Certificate::import(&cert.der()[..10], GNUTLS_X509_FMT_DER),
            Err(Error::DerDecoding)
        );
    }

    #[test]
    fn exports_pem_that_imports_back_and_digests_the_der() {
        let cert = Certificate::import(CA, GNUTLS_X509_FMT_PEM).unwrap();
        let pem = cert.export(GNUTLS_X509_FMT_PEM).unwrap();
        assert!(pem.starts_with(b"-----BEGIN CERTIFICATE-----\n"));
        assert!(pem.split(|&b| b == b'\n').all(|line| line.len() <= 64));
        assert_eq!(
            Certificate::import(&pem, GNUTLS_X509_FMT_PEM).unwrap(),
            cert
        );
        assert_eq!(cert.export(GNUTLS_X509_FMT_DER).unwrap(), cert.der());
        assert_eq!(cert.version().unwrap(), 3);
        assert_eq!(cert.fingerprint(6).unwrap().len(), 32);
        assert_eq!(cert.fingerprint(2), Err(Error::Unimplemented)); // MD5
    }

    #[test]
    fn hostnames_match_without_case_and_with_one_wildcard_label() {
        assert!(hostname_matches("www.Example.org", "WWW.example.ORG"));
        assert!(hostname_matches("*.example.org", "www.example.org"));
        assert!(!hostname_matches("*.example.org", "example.org"));
        assert!(!hostname_matches("*.example.org", "a.b.example.org"));
        assert!(!hostname_matches("*.org", "example.org"));
        assert!(!hostname_matches("", ""));
    }
}
