//! `gnutls_x509_crt_print` in its one-line and compact forms: the summary
//! GnuTLS programs show for a peer's certificate.

use super::Error;
use super::pubkey::PublicKey;
use super::util::{base64, hex_encode};
use super::x509::Certificate;

/// `GNUTLS_CRT_PRINT_ONELINE`.
pub const GNUTLS_CRT_PRINT_ONELINE: i32 = 1;
/// `GNUTLS_CRT_PRINT_COMPACT`.
pub const GNUTLS_CRT_PRINT_COMPACT: i32 = 3;

/// `gnutls_pk_algorithm_get_name`.
pub fn pk_name(pk: i32) -> Option<&'static str> {
    Some(match pk {
        1 => "RSA",
        2 => "DSA",
        4 => "EC/ECDSA",
        5 => "ECDH (X25519)",
        6 => "RSA-PSS",
        7 => "EdDSA (Ed25519)",
        8 => "GOST R 34.10-2001",
        9 => "GOST R 34.10-2012-256",
        10 => "GOST R 34.10-2012-512",
        11 => "ECDH (X448)",
        12 => "EdDSA (Ed448)",
        3 => "DH",
        // GnuTLS's table lists this entry first for GNUTLS_PK_UNKNOWN.
        0 => "GOST R 34.10-94",
        _ => return None,
    })
}

/// `GNUTLS_KEYID_USE_SHA256`.
pub const GNUTLS_KEYID_USE_SHA256: u32 = 1;
/// `GNUTLS_KEYID_USE_SHA512`.
pub const GNUTLS_KEYID_USE_SHA512: u32 = 1 << 1;
/// `GNUTLS_KEYID_USE_BEST_KNOWN`.
pub const GNUTLS_KEYID_USE_BEST_KNOWN: u32 = 1 << 30;

/// The key identifier GnuTLS computes (`gnutls_x509_crt_get_key_id`): a
/// digest of the SubjectPublicKeyInfo, SHA-1 unless `flags` ask for
/// SHA-512, SHA-256 or the best known (SHA-512).
pub fn key_id_with(spki: &[u8], flags: u32) -> Vec<u8> {
    use ring::digest;
    let algorithm = if flags & (GNUTLS_KEYID_USE_SHA512 | GNUTLS_KEYID_USE_BEST_KNOWN) != 0 {
        &digest::SHA512
    } else if flags & GNUTLS_KEYID_USE_SHA256 != 0 {
        &digest::SHA256
    } else {
        &digest::SHA1_FOR_LEGACY_USE_ONLY
    };
    digest::digest(algorithm, spki).as_ref().to_vec()
}

fn key_id(spki: &[u8], sha256: bool) -> Vec<u8> {
    key_id_with(spki, if sha256 { GNUTLS_KEYID_USE_SHA256 } else { 0 })
}

/// Seconds since the epoch as "YYYY-MM-DD HH:MM:SS UTC".
pub fn utc_text(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    // Shift to an era starting on 0000-03-01, so leap days end each year.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The one-line summary (`GNUTLS_CRT_PRINT_ONELINE`).
pub fn oneline(cert: &Certificate) -> String {
    let mut out = String::new();
    match cert.subject_dn(0) {
        Ok(dn) => out.push_str(&format!("subject `{dn}', ")),
        // Imported certificates have readable names; kept for safety.
        Err(_) => out.push_str("unknown subject, "),
    }
    match cert.issuer_dn(0) {
        Ok(dn) => out.push_str(&format!("issuer `{dn}', ")),
        Err(_) => out.push_str("unknown issuer, "),
    }
    if let Ok(serial) = cert.serial() {
        out.push_str(&format!("serial 0x{}, ", hex_encode(&serial)));
    }
    let key = PublicKey::from_certificate(cert.der()).ok();
    let (pk, bits) = key.as_ref().map_or((0, 0), PublicKey::algorithm);
    let pk_text = match pk_name(pk).filter(|_| pk > 0) {
        Some(name) => name.to_owned(),
        None => "unknown".to_owned(),
    };
    out.push_str(&format!("{pk_text} key {bits} bits, "));
    let sign = cert.signature_algorithm().unwrap_or(0);
    let sign_text = super::names::sign(sign)
        .and_then(|n| n.to_str().ok())
        .map(str::to_owned)
        .or_else(|| cert.signature_oid().ok())
        .unwrap_or_else(|| "unknown".to_owned());
    out.push_str(&format!("signed using {sign_text}, "));
    if let Ok((not_before, not_after)) = cert.validity() {
        out.push_str(&format!("activated `{}', ", utc_text(not_before)));
        out.push_str(&format!("expires `{}', ", utc_text(not_after)));
    }
    if let Some(key) = &key {
        out.push_str(&format!(
            "pin-sha256=\"{}\"",
            base64(&key_id(key.spki(), true))
        ));
    }
    out
}

/// The key identifiers block of the compact form.
fn key_ids(cert: &Certificate) -> String {
    let Ok(key) = PublicKey::from_certificate(cert.der()) else {
        return String::new();
    };
    let sha1 = key_id(key.spki(), false);
    let sha256 = key_id(key.spki(), true);
    format!(
        "\tPublic Key ID:\n\t\tsha1:{}\n\t\tsha256:{}\n\tPublic Key PIN:\n\t\tpin-sha256:{}\n",
        hex_encode(&sha1),
        hex_encode(&sha256),
        base64(&sha256)
    )
}

/// `gnutls_x509_crt_print` for `format`: ONELINE and COMPACT (the one-line
/// summary, a line feed and the key identifiers). The full forms are not
/// supported (`Unimplemented`).
pub fn print(cert: &Certificate, format: i32) -> Result<String, Error> {
    match format {
        GNUTLS_CRT_PRINT_ONELINE => Ok(oneline(cert)),
        GNUTLS_CRT_PRINT_COMPACT => Ok(format!("{}\n{}", oneline(cert), key_ids(cert))),
        _ => Err(Error::Unimplemented),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_across_leap_years_and_centuries() {
        assert_eq!(utc_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_text(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_text(4_107_542_399), "2100-02-28 23:59:59 UTC");
        assert_eq!(utc_text(4_107_542_400), "2100-03-01 00:00:00 UTC");
        assert_eq!(utc_text(-1), "1969-12-31 23:59:59 UTC");
    }
}
