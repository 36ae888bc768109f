//! Priority strings (`gnutls_priority_set_direct`), for what stepup
//! negotiates: TLS 1.3, its three cipher suites and three groups. Keywords
//! and `+`/`-`/`!` elements follow GnuTLS's syntax; an unknown element is
//! refused at its position, as GnuTLS refuses it.

use super::priority_sign;
use crate::crypto::aead::AeadAlgorithm;
use crate::crypto::kx::KxGroup;
use crate::crypto::sign::{HANDSHAKE_SCHEMES, TLS12_HANDSHAKE_SCHEMES};
use crate::tls::PskModes;
use crate::tls::suites::CipherSuite;
use crate::tls::tls12::suites::{Authentication, Tls12Suite};

/// A PSK key exchange a priority string can name. GnuTLS 3.7's keywords
/// (NORMAL and the others) enable none of them, nor does `+KX-ALL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PskKx {
    /// `PSK`: the PSK alone (psk_ke).
    Psk,
    /// `DHE-PSK`: the PSK with a Diffie-Hellman exchange (psk_dhe_ke).
    DhePsk,
    /// `ECDHE-PSK`: the PSK with an elliptic-curve exchange (psk_dhe_ke).
    EcdhePsk,
}

fn psk_kx_of(name: &str) -> Option<PskKx> {
    Some(match name {
        "PSK" => PskKx::Psk,
        "DHE-PSK" => PskKx::DhePsk,
        "ECDHE-PSK" => PskKx::EcdhePsk,
        _ => return None,
    })
}

/// What a priority string selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Priority {
    /// Cipher suites, in order.
    pub suites: Vec<CipherSuite>,
    /// Groups, in order.
    pub groups: Vec<KxGroup>,
    /// Whether TLS 1.3 is enabled.
    pub tls13: bool,
    /// Whether TLS 1.2 is enabled (its ECDHE suites with AEADs only).
    pub tls12: bool,
    /// The TLS 1.2 certificate key exchanges enabled (`ECDHE-ECDSA`,
    /// `ECDHE-RSA`), in order.
    pub kx12: Vec<Authentication>,
    /// Whether the AEAD "MAC" is enabled: without it GnuTLS forms no
    /// TLS 1.3 suite (a "NONE:..." string must name `+AEAD` or `+MAC-ALL`).
    pub mac_aead: bool,
    /// The PSK key exchanges enabled, in order.
    pub psk_kx: Vec<PskKx>,
    /// TLS 1.3 middlebox-compatibility mode (off with
    /// `%DISABLE_TLS13_COMPAT_MODE`).
    pub compat_mode: bool,
    /// A server chooses by its own order (`%SERVER_PRECEDENCE`), not the
    /// client's (used for TLS 1.2).
    pub server_precedence: bool,
    /// The TLS 1.3 signature schemes enabled (`SIGN-*`), in order.
    pub signatures: Vec<u16>,
    /// The TLS 1.2 signature schemes enabled (`SIGN-*`), in order.
    pub signatures12: Vec<u16>,
    /// Sign with our certificate even when its keyUsage does not allow
    /// signatures (`%DEBUG_ALLOW_KEY_USAGE_VIOLATIONS`).
    pub own_key_usage_unchecked: bool,
    /// Accept a peer certificate whose keyUsage does not allow the
    /// signature it made (`%COMPAT`, among GnuTLS's other leniencies).
    pub peer_key_usage_unchecked: bool,
    /// The session flags the priority adds (`%NO_TICKETS`,
    /// `%NO_TICKETS_TLS12`), as GnuTLS's session flags of the same names.
    pub flags: u32,
}

impl Default for Priority {
    fn default() -> Self {
        Self {
            suites: vec![
                CipherSuite::Aes256GcmSha384,
                CipherSuite::Chacha20Poly1305Sha256,
                CipherSuite::Aes128GcmSha256,
            ],
            // GnuTLS 3.7 NORMAL's order: the NIST curves before X25519.
            groups: vec![KxGroup::Secp256r1, KxGroup::Secp384r1, KxGroup::X25519],
            tls13: true,
            tls12: true,
            // GnuTLS 3.7 NORMAL's order.
            kx12: vec![Authentication::Ecdsa, Authentication::Rsa],
            mac_aead: true,
            psk_kx: Vec::new(),
            compat_mode: true,
            server_precedence: false,
            signatures: HANDSHAKE_SCHEMES.to_vec(),
            signatures12: TLS12_HANDSHAKE_SCHEMES.to_vec(),
            own_key_usage_unchecked: false,
            peer_key_usage_unchecked: false,
            flags: 0,
        }
    }
}

/// `GNUTLS_NO_TICKETS_TLS12`.
const NO_TICKETS_TLS12: u32 = 1 << 23;

fn kx12_of(name: &str) -> Option<Authentication> {
    Some(match name {
        "ECDHE-ECDSA" => Authentication::Ecdsa,
        "ECDHE-RSA" => Authentication::Rsa,
        _ => return None,
    })
}

fn suite_of(name: &str) -> Option<CipherSuite> {
    Some(match name {
        "AES-128-GCM" => CipherSuite::Aes128GcmSha256,
        "AES-256-GCM" => CipherSuite::Aes256GcmSha384,
        "CHACHA20-POLY1305" => CipherSuite::Chacha20Poly1305Sha256,
        _ => return None,
    })
}

fn group_of(name: &str) -> Option<KxGroup> {
    Some(match name {
        "GROUP-X25519" | "CURVE-X25519" => KxGroup::X25519,
        "GROUP-SECP256R1" | "CURVE-SECP256R1" => KxGroup::Secp256r1,
        "GROUP-SECP384R1" | "CURVE-SECP384R1" => KxGroup::Secp384r1,
        _ => return None,
    })
}

/// Elements GnuTLS knows that do not change what stepup negotiates (TLS
/// 1.2-only algorithms, MACs, key exchanges, signature and group names
/// stepup does not implement, and `%` flags).
fn is_known_without_effect(name: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "SIGN-",
        "KX-",
        "MAC-",
        "COMP-",
        "CTYPE-",
        "VERS-DTLS",
        "GROUP-",
        "CURVE-",
    ];
    const NAMES: &[&str] = &[
        "VERS-TLS1.0",
        "VERS-TLS1.1",
        "VERS-SSL3.0",
        "AES-128-CBC",
        "AES-256-CBC",
        "AES-128-CCM",
        "AES-256-CCM",
        "AES-128-CCM-8",
        "AES-256-CCM-8",
        "CAMELLIA-128-GCM",
        "CAMELLIA-256-GCM",
        "3DES-CBC",
        "ARCFOUR-128",
        "NULL",
        "AEAD",
        "SHA1",
        "SHA256",
        "SHA384",
        "SHA512",
        "MD5",
        "RSA",
        "DHE-RSA",
        "DHE-DSS",
        "RSA-PSK",
        "ANON-DH",
        "ANON-ECDH",
        "SRP",
        "SRP-RSA",
        "SRP-DSS",
        "GOST28147-TC26Z-CNT",
    ];
    name.starts_with('%') || NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

impl Priority {
    /// Parses a priority string; on error returns the byte offset of the
    /// element that was refused.
    pub fn parse(text: &str) -> Result<Self, usize> {
        let mut elements = text.split(':');
        let mut offset = 0;
        let first = elements.next().unwrap_or_default();
        let mut priority = match first.split_once('@').map_or(first, |(k, _)| k) {
            "NORMAL" | "SECURE128" | "SECURE192" | "SECURE256" | "PFS" | "PERFORMANCE"
            | "SYSTEM" | "@SYSTEM" => Priority::default(),
            "NONE" => Priority {
                suites: Vec::new(),
                groups: Vec::new(),
                tls13: false,
                tls12: false,
                kx12: Vec::new(),
                mac_aead: false,
                psk_kx: Vec::new(),
                compat_mode: true,
                server_precedence: false,
                signatures: Vec::new(),
                signatures12: Vec::new(),
                own_key_usage_unchecked: false,
                peer_key_usage_unchecked: false,
                flags: 0,
            },
            _ => return Err(0),
        };
        if first == "SECURE256" || first == "SECURE192" {
            priority
                .suites
                .retain(|s| *s == CipherSuite::Aes256GcmSha384);
        }
        offset += first.len() + 1;
        for element in elements {
            let at = offset;
            offset += element.len() + 1;
            if element.is_empty() {
                continue;
            }
            // Not `split_at(1)`: an element may start with a multi-byte character.
            let (op, name) = match element.split_at_checked(1) {
                Some(("+", name)) => ('+', name),
                Some(("-" | "!", name)) => ('-', name),
                _ if element.starts_with('%') => ('%', element),
                _ => return Err(at),
            };
            match (op, name) {
                ('%', "%DISABLE_TLS13_COMPAT_MODE") => priority.compat_mode = false,
                ('%', "%SERVER_PRECEDENCE") => priority.server_precedence = true,
                ('%', "%NO_TICKETS") => priority.flags |= super::session::GNUTLS_NO_TICKETS,
                ('%', "%NO_TICKETS_TLS12") => priority.flags |= NO_TICKETS_TLS12,
                ('%', "%DEBUG_ALLOW_KEY_USAGE_VIOLATIONS") => {
                    priority.own_key_usage_unchecked = true;
                }
                ('%', "%COMPAT") => priority.peer_key_usage_unchecked = true,
                ('%', _) => {}
                ('+', "AEAD" | "MAC-ALL") => priority.mac_aead = true,
                ('-', "AEAD" | "MAC-ALL") => priority.mac_aead = false,
                ('+', "VERS-TLS1.3") => priority.tls13 = true,
                ('-', "VERS-TLS1.3") => priority.tls13 = false,
                ('+', "VERS-TLS1.2") => priority.tls12 = true,
                ('-', "VERS-TLS1.2") => priority.tls12 = false,
                ('-', "VERS-ALL" | "VERS-TLS-ALL") => {
                    priority.tls13 = false;
                    priority.tls12 = false;
                }
                ('+', "VERS-ALL" | "VERS-TLS-ALL") => {
                    priority.tls13 = true;
                    priority.tls12 = true;
                }
                ('+', "KX-ALL") => {
                    for kx in Priority::default().kx12 {
                        if !priority.kx12.contains(&kx) {
                            priority.kx12.push(kx);
                        }
                    }
                }
                ('+', "CIPHER-ALL") => {
                    for suite in Priority::default().suites {
                        if !priority.suites.contains(&suite) {
                            priority.suites.push(suite);
                        }
                    }
                }
                ('-', "CIPHER-ALL") => priority.suites.clear(),
                ('+', "GROUP-ALL" | "CURVE-ALL") => {
                    for group in Priority::default().groups {
                        if !priority.groups.contains(&group) {
                            priority.groups.push(group);
                        }
                    }
                }
                ('-', "GROUP-ALL" | "CURVE-ALL") => priority.groups.clear(),
                ('+', "SIGN-ALL") => {
                    for signature in priority_sign::all(true) {
                        if !priority.signatures.contains(&signature) {
                            priority.signatures.push(signature);
                        }
                    }
                    for signature in priority_sign::all(false) {
                        if !priority.signatures12.contains(&signature) {
                            priority.signatures12.push(signature);
                        }
                    }
                }
                ('-', "SIGN-ALL") => {
                    priority.signatures.clear();
                    priority.signatures12.clear();
                }
                ('-', "KX-ALL") => {
                    priority.psk_kx.clear();
                    priority.kx12.clear();
                }
                (op, name) => {
                    if let Some(suite) = suite_of(name) {
                        priority.suites.retain(|s| *s != suite);
                        if op == '+' {
                            priority.suites.push(suite);
                        }
                    } else if let Some(kx) = kx12_of(name) {
                        priority.kx12.retain(|k| *k != kx);
                        if op == '+' {
                            priority.kx12.push(kx);
                        }
                    } else if let Some(kx) = psk_kx_of(name) {
                        if op == '+' {
                            if !priority.psk_kx.contains(&kx) {
                                priority.psk_kx.push(kx);
                            }
                        } else {
                            priority.psk_kx.retain(|k| *k != kx);
                        }
                    } else if let Some((signature, versions)) = priority_sign::sign_of(name) {
                        if versions.tls13() {
                            priority.signatures.retain(|s| *s != signature);
                            if op == '+' {
                                priority.signatures.push(signature);
                            }
                        }
                        if versions.tls12() {
                            priority.signatures12.retain(|s| *s != signature);
                            if op == '+' {
                                priority.signatures12.push(signature);
                            }
                        }
                    } else if let Some(group) = group_of(name) {
                        priority.groups.retain(|g| *g != group);
                        if op == '+' {
                            priority.groups.push(group);
                        }
                    } else if !is_known_without_effect(name) {
                        return Err(at);
                    }
                }
            }
        }
        Ok(priority)
    }

    /// Whether the priority forms any cipher suite at all, as GnuTLS's
    /// `gnutls_priority_init` requires (it fails with
    /// `GNUTLS_E_NO_PRIORITIES_WERE_SET` otherwise).
    pub fn has_suites(&self) -> bool {
        self.mac_aead && !self.suites.is_empty()
    }

    /// The PSK key exchange modes enabled (`None`: no PSK key exchange).
    /// psk_ke is offered first when `PSK` comes before the (EC)DHE ones.
    pub fn psk_modes(&self) -> Option<PskModes> {
        let position = |f: fn(&PskKx) -> bool| self.psk_kx.iter().position(f);
        let alone = position(|k| *k == PskKx::Psk);
        let with_dhe = position(|k| *k != PskKx::Psk);
        if alone.is_none() && with_dhe.is_none() {
            return None;
        }
        Some(PskModes {
            with_dhe: with_dhe.is_some(),
            psk_only: alone.is_some(),
            psk_only_first: match (alone, with_dhe) {
                (Some(a), Some(d)) => a < d,
                _ => false,
            },
        })
    }

    /// The TLS 1.2 suites: each enabled key exchange with each enabled
    /// cipher, in GnuTLS's order (key exchange first; empty with TLS 1.2
    /// off).
    pub fn tls12_suites(&self) -> Vec<Tls12Suite> {
        if !self.tls12 {
            return Vec::new();
        }
        self.tls12_suites_of_any_version()
    }

    /// The TLS 1.2 suites the key exchanges and ciphers form, whether or
    /// not TLS 1.2 is enabled.
    fn tls12_suites_of_any_version(&self) -> Vec<Tls12Suite> {
        if !self.mac_aead {
            return Vec::new();
        }
        let mut suites = Vec::new();
        for kx in &self.kx12 {
            for cipher in &self.suites {
                let suite = Tls12Suite::ALL
                    .into_iter()
                    .find(|s| s.aead() == cipher.aead() && s.authentication() == *kx);
                suites.extend(suite);
            }
        }
        // The PSK key exchanges GnuTLS 3.7 has with these ciphers: PSK with
        // each, ECDHE-PSK with ChaCha20-Poly1305 only (no DHE-PSK: FFDHE).
        for kx in &self.psk_kx {
            for cipher in &self.suites {
                let suite = match (kx, cipher.aead()) {
                    (PskKx::Psk, AeadAlgorithm::Aes128Gcm) => Tls12Suite::PskAes128Gcm,
                    (PskKx::Psk, AeadAlgorithm::Aes256Gcm) => Tls12Suite::PskAes256Gcm,
                    (PskKx::Psk, AeadAlgorithm::Chacha20Poly1305) => Tls12Suite::PskChacha20,
                    (PskKx::EcdhePsk, AeadAlgorithm::Chacha20Poly1305) => {
                        Tls12Suite::EcdhePskChacha20
                    }
                    _ => continue,
                };
                suites.push(suite);
            }
        }
        suites
    }

    /// The two-byte identifiers of every suite the priority's ciphers and
    /// key exchanges form, in GnuTLS's order (TLS 1.3's first, then TLS
    /// 1.2's), each with whether its protocol version is enabled too.
    pub fn suite_ids(&self) -> Vec<(u16, bool)> {
        let tls13 = self
            .suites
            .iter()
            .filter(|_| self.mac_aead)
            .map(|s| (s.to_u16(), self.tls13));
        let tls12 = self
            .tls12_suites_of_any_version()
            .into_iter()
            .map(|s| (s.to_u16(), self.tls12));
        tls13.chain(tls12).collect()
    }

    /// Whether a handshake is possible with this priority: TLS 1.3, or
    /// TLS 1.2 with a suite.
    pub fn usable(&self) -> bool {
        let versions = self.tls13 || !self.tls12_suites().is_empty();
        versions && !self.suites.is_empty() && !self.groups.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sign::scheme;

    #[test]
    fn ticket_options_become_session_flags() {
        assert_eq!(Priority::parse("NORMAL").unwrap().flags, 0);
        assert_eq!(
            Priority::parse("NORMAL:%NO_TICKETS").unwrap().flags,
            super::super::session::GNUTLS_NO_TICKETS
        );
        assert_eq!(
            Priority::parse("NORMAL:%NO_TICKETS_TLS12").unwrap().flags,
            NO_TICKETS_TLS12
        );
    }

    #[test]
    fn an_element_starting_with_a_multi_byte_character_is_refused_not_a_panic() {
        // Found by the priority fuzz target.
        assert_eq!(Priority::parse("NORMAL:\u{bc}+VERS-TLS1.3").err(), Some(7));
        assert_eq!(Priority::parse("NORMAL:\u{e9}").err(), Some(7));
    }

    #[test]
    fn parses_the_usual_strings() {
        assert!(Priority::parse("NORMAL").unwrap().usable());
        let p = Priority::parse(
            "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+AES-128-GCM:-GROUP-ALL:+GROUP-X25519",
        )
        .unwrap();
        assert_eq!(p.suites, [CipherSuite::Aes128GcmSha256]);
        assert_eq!(p.groups, [KxGroup::X25519]);
        assert!(p.tls13);
        let tls12 = Priority::parse("NORMAL:-VERS-ALL:+VERS-TLS1.2").unwrap();
        assert!(tls12.usable() && !tls12.tls13);
        assert!(
            !Priority::parse("NORMAL:-VERS-ALL:+VERS-TLS1.1")
                .unwrap()
                .usable()
        );
        assert!(
            Priority::parse("NONE:+VERS-TLS1.3:+AES-256-GCM:+GROUP-SECP384R1:+SIGN-ALL:+KX-ALL")
                .unwrap()
                .usable()
        );
        assert!(Priority::parse("NORMAL:%SERVER_PRECEDENCE:%COMPAT").is_ok());
    }

    #[test]
    fn sign_elements_choose_the_signature_schemes() {
        assert_eq!(
            Priority::parse("NORMAL").unwrap().signatures,
            HANDSHAKE_SCHEMES
        );
        let p = Priority::parse(
            "NORMAL:-SIGN-ALL:+SIGN-EdDSA-Ed25519:+SIGN-ECDSA-SHA256:+SIGN-RSA-PSS-RSAE-SHA384",
        )
        .unwrap();
        // ECDSA-SHA256 is TLS 1.2's scheme: no effect here.
        assert_eq!(p.signatures, [scheme::ED25519, scheme::RSA_PSS_RSAE_SHA384]);
        assert_eq!(
            p.signatures12,
            [
                scheme::ED25519,
                scheme::ECDSA_SECP256R1_SHA256,
                scheme::RSA_PSS_RSAE_SHA384
            ]
        );
        let p = Priority::parse("NORMAL:-SIGN-EdDSA-Ed25519").unwrap();
        assert!(!p.signatures.contains(&scheme::ED25519));
        assert_eq!(p.signatures.len(), HANDSHAKE_SCHEMES.len() - 1);
    }

    #[test]
    fn tls13_only_sign_names_leave_tls12_without_them() {
        let p = Priority::parse(
            "NORMAL:-VERS-ALL:+VERS-TLS1.2:-SIGN-ALL:+SIGN-ECDSA-SECP256R1-SHA256:+SIGN-RSA-SHA256",
        )
        .unwrap();
        assert_eq!(p.signatures, [scheme::ECDSA_SECP256R1_SHA256]);
        assert_eq!(p.signatures12, [scheme::RSA_PKCS1_SHA256]);
        assert_eq!(
            Priority::parse("NORMAL").unwrap().signatures12,
            TLS12_HANDSHAKE_SCHEMES
        );
    }

    #[test]
    fn tls12_suites_come_from_the_ciphers_and_key_exchanges() {
        let p = Priority::parse("NORMAL").unwrap();
        assert_eq!(
            p.tls12_suites(),
            // As `gnutls-cli -l --priority NORMAL` lists them (3.7.9).
            [
                Tls12Suite::EcdheEcdsaAes256Gcm,
                Tls12Suite::EcdheEcdsaChacha20,
                Tls12Suite::EcdheEcdsaAes128Gcm,
                Tls12Suite::EcdheRsaAes256Gcm,
                Tls12Suite::EcdheRsaChacha20,
                Tls12Suite::EcdheRsaAes128Gcm,
            ]
        );
        let p = Priority::parse("NORMAL:-ECDHE-ECDSA:-CIPHER-ALL:+AES-128-GCM").unwrap();
        assert_eq!(p.tls12_suites(), [Tls12Suite::EcdheRsaAes128Gcm]);
        assert!(
            Priority::parse("NORMAL:-VERS-TLS1.2")
                .unwrap()
                .tls12_suites()
                .is_empty()
        );
        // A TLS 1.2-only priority without a key exchange cannot be used.
        let p = Priority::parse("NORMAL:-VERS-TLS1.3:-KX-ALL").unwrap();
        assert!(!p.usable());
        let p = Priority::parse("NORMAL:-VERS-TLS1.3:-KX-ALL:+ECDHE-RSA").unwrap();
        assert!(p.usable());
        let p = Priority::parse(
            "NORMAL:-KX-ALL:+ECDHE-PSK:+PSK:-CIPHER-ALL:+CHACHA20-POLY1305:+AES-128-GCM",
        )
        .unwrap();
        assert_eq!(
            p.tls12_suites(),
            [
                Tls12Suite::EcdhePskChacha20,
                Tls12Suite::PskChacha20,
                Tls12Suite::PskAes128Gcm,
            ]
        );
    }

    #[test]
    fn forms_no_suite_without_the_aead_mac() {
        assert!(Priority::parse("NORMAL").unwrap().has_suites());
        let none = "NONE:+VERS-TLS1.3:+AES-256-GCM:+GROUP-SECP384R1:+SIGN-ALL:+KX-ALL";
        assert!(!Priority::parse(none).unwrap().has_suites());
        assert!(
            Priority::parse(&format!("{none}:+AEAD"))
                .unwrap()
                .has_suites()
        );
        assert!(!Priority::parse("NORMAL:-CIPHER-ALL").unwrap().has_suites());
    }

    #[test]
    fn psk_key_exchanges_are_enabled_by_name_only() {
        assert_eq!(Priority::parse("NORMAL").unwrap().psk_modes(), None);
        assert_eq!(Priority::parse("NORMAL:+KX-ALL").unwrap().psk_modes(), None);
        let p = Priority::parse("NORMAL:+ECDHE-PSK:+PSK").unwrap();
        assert_eq!(
            p.psk_modes(),
            Some(PskModes {
                with_dhe: true,
                psk_only: true,
                psk_only_first: false
            })
        );
        let p = Priority::parse("NORMAL:+PSK:+DHE-PSK").unwrap();
        assert!(p.psk_modes().unwrap().psk_only_first);
        let p = Priority::parse("NORMAL:+PSK:-KX-ALL:+ECDHE-PSK").unwrap();
        assert_eq!(p.psk_kx, [PskKx::EcdhePsk]);
        assert_eq!(
            Priority::parse("NORMAL:+ECDHE-PSK:-ECDHE-PSK")
                .unwrap()
                .psk_modes(),
            None
        );
    }

    #[test]
    fn reports_the_position_of_an_unknown_element() {
        assert_eq!(Priority::parse("NORMAL:+BOGUS"), Err(7));
        assert_eq!(Priority::parse("NORMAL:-VERS-ALL:+NOPE-1"), Err(17));
        assert_eq!(Priority::parse("WHATEVER"), Err(0));
        assert_eq!(Priority::parse("NORMAL:BARE"), Err(7));
    }
}
