//! Credential loading: PEM and DER certificates, private keys in every
//! encoding we read, CRLs, and the certificate fields and names the GnuTLS
//! API reports. The first byte picks the loader.

use std::sync::OnceLock;

use crate::x509::verify::{Role, TrustStore};
use crate::x509::{crl, dn, fields, key_info, pem};

const CA: &[u8] = include_bytes!("../../tests/fixtures/ca.pem");

fn store() -> &'static TrustStore {
    static STORE: OnceLock<TrustStore> = OnceLock::new();
    STORE.get_or_init(|| {
        TrustStore::from_certificates(&pem::certificates(CA).expect("fixture CA"))
            .expect("fixture CA")
    })
}

/// Every field reader over one DER certificate.
fn read_fields(der: &[u8]) {
    let _ = fields::version(der);
    let _ = fields::serial(der);
    let _ = fields::signature_oid(der);
    let _ = fields::validity(der);
    if let Ok(spki) = fields::spki(der) {
        let _ = key_info::key_info(spki);
    }
    let _ = fields::subject_alt_name(der);
    let _ = fields::alt_names(der);
    let _ = fields::extended_key_usage(der);
    let _ = fields::public_key(der);
    if let Ok(names) = dn::names(der) {
        for name in [names.issuer, names.subject] {
            let _ = dn::to_string(name, false);
            let _ = dn::to_string(name, true);
            let _ = dn::attribute_values(name, "2.5.4.3", false);
        }
    }
    let _ = dn::subject_common_names(der);
}

/// Loads `data[1..]` with the loader `data[0]` names.
pub fn run(data: &[u8]) {
    let Some((&which, body)) = data.split_first() else {
        return;
    };
    const NOW: u64 = 1_800_000_000;
    match which % 8 {
        0 => {
            if let Ok(certs) = pem::certificates(body) {
                certs.iter().for_each(|c| read_fields(c));
                let _ = store().verify(&certs, Role::Server, Some("localhost"), NOW);
                let _ = TrustStore::from_certificates(&certs);
            }
        }
        1 => {
            read_fields(body);
            let chain = vec![body.to_vec()];
            let _ = store().verify(&chain, Role::Client, None, NOW);
            let _ = TrustStore::from_certificates(&chain);
        }
        2 => {
            if let Ok(key) = pem::private_key(body) {
                let _ = key.info();
            }
        }
        3 => {
            if let Ok(key) = pem::private_key_der(body) {
                let _ = key.sign(key.schemes()[0], b"fuzz");
            }
        }
        4 => {
            if let Ok(crls) = pem::crls(body) {
                for der in &crls {
                    let _ = crl::fields(der);
                }
                let certs = pem::certificates(CA).unwrap_or_default();
                let _ = TrustStore::with_crls(&certs, &crls);
            }
        }
        5 => {
            let _ = crl::fields(body);
            let _ = crate::x509::verify::check_crl(body);
        }
        6 => {
            let _ = dn::to_string(body, false);
            let _ = dn::attribute_values(body, "2.5.4.10", true);
            let _ = crate::x509::general_names::general_names(body);
        }
        _ => {
            let _ = key_info::key_info(body);
        }
    }
}
