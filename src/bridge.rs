//! The bridge between stepup's halves: what a GnuTLS server session knows
//! of its client's certificate, turned into the facts the UIA engine's
//! `io.stepup.tls_client_cert` stage decides on. Certificate fields are
//! read here (x509), so the UIA engine parses no certificates.

use crate::gnutls::names::status_text;
use crate::gnutls::session::{ClientCertState, Session};
use crate::uia::client_cert::{CertFacts, ClientCert};
use crate::uia::enrolment::fingerprint_of_spki;
use crate::x509::{dn, fields, pem};

/// The client certificate of the connection `session`, for the UIA engine.
pub fn client_cert(session: &Session) -> ClientCert {
    match session.client_cert_state() {
        ClientCertState::Presented { chain, status } => match chain.first() {
            Some(leaf) => ClientCert::Presented(facts(leaf, status)),
            None => ClientCert::Refused,
        },
        ClientCertState::Declined => ClientCert::Refused,
        ClientCertState::CanAsk => ClientCert::NotYet,
        ClientCertState::CannotAsk => ClientCert::Unavailable,
    }
}

/// The facts of an end-entity certificate that verified with GnuTLS
/// status bits `status` (0: verified).
fn facts(leaf: &[u8], status: u32) -> CertFacts {
    let alt = fields::alt_names(leaf).unwrap_or_default();
    let fingerprint = fields::spki(leaf).map(fingerprint_of_spki);
    let verified = match (&fingerprint, status) {
        (Ok(_), 0) => Ok(()),
        (Err(_), _) => Err("the certificate cannot be read".to_owned()),
        (Ok(_), bits) => Err(status_text(bits).trim_end().to_owned()),
    };
    CertFacts {
        fingerprint: fingerprint.unwrap_or_default(),
        common_names: dn::subject_common_names(leaf).unwrap_or_default(),
        emails: alt.emails,
        uris: alt.uris,
        verified,
    }
}

/// The SPKI fingerprint (see `uia::enrolment`) of a certificate given as
/// PEM (the first certificate) or DER; `None` if it cannot be read.
pub fn certificate_fingerprint(data: &[u8]) -> Option<String> {
    let der = pem::certificates(data).ok()?.into_iter().next()?;
    // Reading the names too checks the certificate's outer structure.
    dn::names(&der).ok()?;
    fields::spki(&der).ok().map(fingerprint_of_spki)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLIENT: &[u8] = include_bytes!("../tests/fixtures/client-ecdsa.pem");

    #[test]
    fn fingerprints_pem_and_der_alike() {
        let der = pem::certificates(CLIENT).unwrap().remove(0);
        let from_pem = certificate_fingerprint(CLIENT).unwrap();
        assert_eq!(certificate_fingerprint(&der), Some(from_pem.clone()));
        assert_eq!(from_pem.len(), 64);
        assert_eq!(certificate_fingerprint(b"not a certificate"), None);
        assert_eq!(certificate_fingerprint(&der[..der.len() - 1]), None);
    }

    #[test]
    fn facts_name_the_user_and_say_why_a_chain_failed() {
        let der = pem::certificates(CLIENT).unwrap().remove(0);
        let good = facts(&der, 0);
        assert_eq!(good.common_names, ["alice"]);
        assert_eq!(good.emails, ["alice@example.org"]);
        assert_eq!(good.verified, Ok(()));
        // GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND
        let bad = facts(&der, 0x42);
        assert!(bad.verified.unwrap_err().contains("NOT trusted"));
    }
}
