//! Channel bindings (`gnutls_session_channel_binding`): the
//! tls-server-end-point digest of RFC 5929 §4. The other kinds come from
//! the session (`Session::channel_binding`).

use super::Error;
use super::x509::Certificate;

/// tls-server-end-point: the digest of the server's DER certificate with
/// the hash of its signature algorithm (SHA-256 when that is MD5 or
/// SHA-1; SHA-512 for Ed25519, as GnuTLS takes it). `Unimplemented` for a
/// signature algorithm without a hash stepup computes.
pub fn server_end_point(der: &[u8]) -> Result<Vec<u8>, Error> {
    use ring::digest;
    let cert = Certificate::from_der(der.to_vec())?;
    let algorithm = match cert.signature_algorithm()? {
        // RSA-SHA1, RSA-MD5, ECDSA-SHA1 and the SHA-256 ones.
        1 | 3 | 12 | 6 | 14 => &digest::SHA256,
        7 | 15 => &digest::SHA384,
        // RSA-SHA512, ECDSA-SHA512, Ed25519.
        8 | 16 | 35 => &digest::SHA512,
        _ => return Err(Error::Unimplemented),
    };
    Ok(digest::digest(algorithm, der).as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::x509::pem;

    #[test]
    fn hashes_with_the_signature_hash() {
        // The test PKI's certificates are signed with ECDSA-SHA256.
        let der = pem::certificates(include_bytes!("../../tests/fixtures/server-rsa.pem"))
            .unwrap()
            .remove(0);
        let expected = ring::digest::digest(&ring::digest::SHA256, &der);
        assert_eq!(server_end_point(&der).unwrap(), expected.as_ref());
        assert_eq!(server_end_point(b"junk"), Err(Error::DerDecoding));
    }
}
