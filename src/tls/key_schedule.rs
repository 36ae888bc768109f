//! The TLS 1.3 key schedule (RFC 8446 §7.1), as typestates: each stage can
//! only derive what the RFC derives from it, and moving on consumes it.
//!
//! ```text
//!             0
//!             |
//!             v
//!   PSK ->  HKDF-Extract = Early Secret            [KeySchedule<Early>]
//!             |
//!             +-----> Derive-Secret(., "ext binder" | "res binder", "") = binder_key
//!             +-----> Derive-Secret(., "c e traffic", ClientHello)
//!             v
//!       Derive-Secret(., "derived", "")
//!             |
//!             v
//!   (EC)DHE -> HKDF-Extract = Handshake Secret     [KeySchedule<Handshake>]
//!             |
//!             +-----> Derive-Secret(., "c hs traffic", ClientHello...ServerHello)
//!             +-----> Derive-Secret(., "s hs traffic", ClientHello...ServerHello)
//!             v
//!       Derive-Secret(., "derived", "")
//!             |
//!             v
//!   0 -> HKDF-Extract = Master Secret              [KeySchedule<Master>]
//!             |
//!             +-----> Derive-Secret(., "c ap traffic", ClientHello...server Finished)
//!             +-----> Derive-Secret(., "s ap traffic", ClientHello...server Finished)
//!             +-----> Derive-Secret(., "exp master", ClientHello...server Finished)
//!             +-----> Derive-Secret(., "res master", ClientHello...client Finished)
//! ```

use std::cell::OnceCell;
use std::marker::PhantomData;
use std::sync::OnceLock;

use crate::crypto::hash::{HashAlgorithm, MAX_OUTPUT_LEN, inline};
use crate::crypto::hkdf::{self, Expander, SecretBytes};

/// A secret of the key schedule. Zeroed on drop; deliberately no `Debug`.
pub struct Secret(SecretBytes);

impl Secret {
    /// The secret's bytes (for deriving keys, and for key logs the host asked for).
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// Wraps bytes as a secret (a PSK, or a secret from the application).
    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(SecretBytes::new(bytes.to_vec()))
    }
}

/// The stage after HKDF-Extract of the PSK.
pub struct Early;
/// The stage after HKDF-Extract of the (EC)DHE shared secret.
pub struct Handshake;
/// The stage after the last HKDF-Extract.
pub struct Master;

/// The key schedule in stage `S`.
pub struct KeySchedule<S> {
    hash: HashAlgorithm,
    secret: Secret,
    /// The secret prepared for expansion, once something is derived from it
    /// (each stage derives two to four secrets).
    expander: OnceCell<Expander>,
    /// (Early) Whether the schedule began without a PSK: its early secret
    /// and the salt derived from it are then constants.
    no_psk: bool,
    stage: PhantomData<S>,
}

/// The early secret without a PSK, and its "derived" salt: the same for
/// every handshake of a hash, so computed once. Public values (derived from
/// zeros), held inline so that nothing stays on the heap after a dlclose.
fn no_psk_secrets(hash: HashAlgorithm) -> (&'static [u8], &'static [u8]) {
    type Pair = ([u8; MAX_OUTPUT_LEN], [u8; MAX_OUTPUT_LEN]);
    static SHA256: OnceLock<Pair> = OnceLock::new();
    static SHA384: OnceLock<Pair> = OnceLock::new();
    let cell = match hash {
        HashAlgorithm::Sha256 => &SHA256,
        HashAlgorithm::Sha384 => &SHA384,
    };
    let (early, salt) = cell.get_or_init(|| {
        let zeros = vec![0u8; hash.output_len()];
        let early = hkdf::extract(hash, &zeros, &zeros);
        let salt = hkdf::expand_label(
            hash,
            &early,
            b"derived",
            hash.empty_hash(),
            hash.output_len(),
        );
        (inline(&early), inline(&salt))
    });
    let len = hash.output_len();
    (&early[..len], &salt[..len])
}

impl<S> KeySchedule<S> {
    fn at(hash: HashAlgorithm, secret: Secret) -> Self {
        Self {
            hash,
            secret,
            expander: OnceCell::new(),
            no_psk: false,
            stage: PhantomData,
        }
    }
}

/// Derive-Secret(secret, label, transcript hash) = HKDF-Expand-Label(secret,
/// label, hash, Hash.length).
pub fn derive_secret(
    hash: HashAlgorithm,
    secret: &Secret,
    label: &[u8],
    transcript_hash: &[u8],
) -> Secret {
    Secret(hkdf::expand_label(
        hash,
        secret.expose(),
        label,
        transcript_hash,
        hash.output_len(),
    ))
}

impl<S> KeySchedule<S> {
    fn derive(&self, label: &[u8], transcript_hash: &[u8]) -> Secret {
        let expander = self
            .expander
            .get_or_init(|| Expander::new(self.hash, self.secret.expose()));
        Secret(expander.expand_label(label, transcript_hash, self.hash.output_len()))
    }

    /// The salt for the next extract: Derive-Secret(., "derived", "").
    fn next_salt(&self) -> Secret {
        if self.no_psk {
            return Secret::from_bytes(no_psk_secrets(self.hash).1);
        }
        self.derive(b"derived", self.hash.empty_hash())
    }

    /// The hash function of the negotiated suite.
    pub fn hash(&self) -> HashAlgorithm {
        self.hash
    }
}

impl KeySchedule<Early> {
    /// Starts the schedule with a PSK, or with zeros when there is none.
    pub fn new(hash: HashAlgorithm, psk: Option<&[u8]>) -> Self {
        let Some(psk) = psk else {
            let mut schedule = Self::at(hash, Secret::from_bytes(no_psk_secrets(hash).0));
            schedule.no_psk = true;
            return schedule;
        };
        let zeros = vec![0u8; hash.output_len()];
        Self::at(hash, Secret(hkdf::extract(hash, &zeros, psk)))
    }

    /// The binder key: "ext binder" for an external PSK, "res binder" for a
    /// resumption PSK (RFC 8446 §4.2.11.2).
    pub fn binder_key(&self, external: bool) -> Secret {
        let label: &[u8] = if external {
            b"ext binder"
        } else {
            b"res binder"
        };
        self.derive(label, self.hash.empty_hash())
    }

    /// Mixes in the (EC)DHE shared secret, or zeros for a PSK-only handshake.
    pub fn into_handshake(self, shared_secret: Option<&[u8]>) -> KeySchedule<Handshake> {
        let zeros = vec![0u8; self.hash.output_len()];
        let salt = self.next_salt();
        let secret = Secret(hkdf::extract(
            self.hash,
            salt.expose(),
            shared_secret.unwrap_or(&zeros),
        ));
        KeySchedule::at(self.hash, secret)
    }
}

impl KeySchedule<Handshake> {
    /// (client, server) handshake traffic secrets; `hello_hash` covers
    /// ClientHello...ServerHello.
    pub fn traffic_secrets(&self, hello_hash: &[u8]) -> (Secret, Secret) {
        (
            self.derive(b"c hs traffic", hello_hash),
            self.derive(b"s hs traffic", hello_hash),
        )
    }

    /// Moves to the master secret.
    pub fn into_master(self) -> KeySchedule<Master> {
        let zeros = vec![0u8; self.hash.output_len()];
        let salt = self.next_salt();
        let secret = Secret(hkdf::extract(self.hash, salt.expose(), &zeros));
        KeySchedule::at(self.hash, secret)
    }
}

impl KeySchedule<Master> {
    /// (client, server) application traffic secrets; `finished_hash` covers
    /// ClientHello...server Finished.
    pub fn traffic_secrets(&self, finished_hash: &[u8]) -> (Secret, Secret) {
        (
            self.derive(b"c ap traffic", finished_hash),
            self.derive(b"s ap traffic", finished_hash),
        )
    }

    /// The exporter master secret (`finished_hash` as for the traffic secrets).
    pub fn exporter_master(&self, finished_hash: &[u8]) -> Secret {
        self.derive(b"exp master", finished_hash)
    }

    /// The resumption master secret; `client_finished_hash` covers
    /// ClientHello...client Finished.
    pub fn resumption_master(&self, client_finished_hash: &[u8]) -> Secret {
        self.derive(b"res master", client_finished_hash)
    }
}

/// The PSK of one ticket: HKDF-Expand-Label(resumption_master_secret,
/// "resumption", ticket_nonce, Hash.length) (RFC 8446 §4.6.1).
pub fn ticket_psk(hash: HashAlgorithm, resumption_master: &Secret, nonce: &[u8]) -> Secret {
    Secret(hkdf::expand_label(
        hash,
        resumption_master.expose(),
        b"resumption",
        nonce,
        hash.output_len(),
    ))
}

/// The next application traffic secret after a KeyUpdate (RFC 8446 §7.2).
pub fn next_traffic_secret(hash: HashAlgorithm, current: &Secret) -> Secret {
    Secret(hkdf::expand_label(
        hash,
        current.expose(),
        b"traffic upd",
        &[],
        hash.output_len(),
    ))
}

/// The record protection key and IV of a traffic secret (RFC 8446 §7.3).
pub fn traffic_key_iv(
    hash: HashAlgorithm,
    secret: &Secret,
    key_len: usize,
    iv_len: usize,
) -> (SecretBytes, SecretBytes) {
    let expander = Expander::new(hash, secret.expose());
    (
        expander.expand_label(b"key", &[], key_len),
        expander.expand_label(b"iv", &[], iv_len),
    )
}

/// The Finished verify_data for a base key (a handshake traffic secret, or
/// the application secret for post-handshake authentication) over a
/// transcript hash (RFC 8446 §4.4.4).
pub fn finished_verify_data(
    hash: HashAlgorithm,
    base_key: &Secret,
    transcript_hash: &[u8],
) -> Vec<u8> {
    let finished_key =
        hkdf::expand_label(hash, base_key.expose(), b"finished", &[], hash.output_len());
    hkdf::hmac_sign(hash, &finished_key, transcript_hash)
}

/// A Finished whose verify_data is not the expected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadFinished;

/// Checks a peer's Finished verify_data in constant time.
pub fn verify_finished(
    hash: HashAlgorithm,
    base_key: &Secret,
    transcript_hash: &[u8],
    received: &[u8],
) -> Result<(), BadFinished> {
    let finished_key =
        hkdf::expand_label(hash, base_key.expose(), b"finished", &[], hash.output_len());
    if hkdf::hmac_verify(hash, &finished_key, transcript_hash, received) {
        Ok(())
    } else {
        Err(BadFinished)
    }
}

/// Checks a peer's Finished message body: `decode_error` when it is not
/// one hash long (RFC 8446 §4.4.4: verify_data is Hash.length bytes),
/// `decrypt_error` when it does not verify. `what` names it in the error.
pub fn check_finished(
    hash: HashAlgorithm,
    base_key: &Secret,
    transcript_hash: &[u8],
    received: &[u8],
    what: &'static str,
) -> Result<(), super::Error> {
    if received.len() != hash.output_len() {
        return Err(super::error::InvalidMessage::InvalidValue(what).into());
    }
    verify_finished(hash, base_key, transcript_hash, received)
        .map_err(|_| super::error::PeerMisbehaved::DecryptError(what).into())
}

/// TLS-Exporter(label, context, length) (RFC 8446 §7.5).
pub fn export(
    hash: HashAlgorithm,
    exporter_master: &Secret,
    label: &[u8],
    context: &[u8],
    length: usize,
) -> SecretBytes {
    let per_label = derive_secret(hash, exporter_master, label, hash.empty_hash());
    hkdf::expand_label(
        hash,
        per_label.expose(),
        b"exporter",
        &hash.hash(context),
        length,
    )
}

#[cfg(test)]
mod tests {
    //! Known answers from RFC 8448 §3 ("Simple 1-RTT Handshake", x25519,
    //! TLS_AES_128_GCM_SHA256).
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    const SHA256: HashAlgorithm = HashAlgorithm::Sha256;
    const ECDHE: &str = "8bd4054fb55b9d63fdfbacf9f04b9f0d35e6d63f537563efd46272900f89492d";
    /// Hash of ClientHello...ServerHello.
    const HELLO_HASH: &str = "860c06edc07858ee8e78f0e7428c58edd6b43f2ca3e6e95f02ed063cf0e1cad8";
    /// Hash of ClientHello...server Finished.
    const FINISHED_HASH: &str = "9608102a0f1ccc6db6250b7b7e417b1a000eaada3daae4777a7686c9ff83df13";

    #[test]
    fn early_secret_without_psk_matches_rfc8448() {
        let early = KeySchedule::new(SHA256, None);
        assert_eq!(
            early.secret.expose(),
            unhex("33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a")
        );
        assert_eq!(
            early.next_salt().expose(),
            unhex("6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba")
        );
    }

    #[test]
    fn handshake_secrets_and_keys_match_rfc8448() {
        let hs = KeySchedule::new(SHA256, None).into_handshake(Some(&unhex(ECDHE)));
        assert_eq!(
            hs.secret.expose(),
            unhex("1dc826e93606aa6fdc0aadc12f741b01046aa6b99f691ed221a9f0ca043fbeac")
        );
        let (client, server) = hs.traffic_secrets(&unhex(HELLO_HASH));
        assert_eq!(
            client.expose(),
            unhex("b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21")
        );
        assert_eq!(
            server.expose(),
            unhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
        );
        let (key, iv) = traffic_key_iv(SHA256, &server, 16, 12);
        assert_eq!(*key, unhex("3fce516009c21727d0f2e4e86ee403bc"));
        assert_eq!(*iv, unhex("5d313eb2671276ee13000b30"));
        assert_eq!(
            hs.next_salt().expose(),
            unhex("43de77e0c77713859a944db9db2590b53190a65b3ee2e4f12dd7a0bb7ce254b4")
        );
    }

    #[test]
    fn master_and_application_secrets_match_rfc8448() {
        let master = KeySchedule::new(SHA256, None)
            .into_handshake(Some(&unhex(ECDHE)))
            .into_master();
        assert_eq!(
            master.secret.expose(),
            unhex("18df06843d13a08bf2a449844c5f8a478001bc4d4c627984d5a41da8d0402919")
        );
        let (client, server) = master.traffic_secrets(&unhex(FINISHED_HASH));
        assert_eq!(
            client.expose(),
            unhex("9e40646ce79a7f9dc05af8889bce6552875afa0b06df0087f792ebb7c17504a5")
        );
        assert_eq!(
            server.expose(),
            unhex("a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643")
        );
        let (key, iv) = traffic_key_iv(SHA256, &server, 16, 12);
        assert_eq!(*key, unhex("9f02283b6c9c07efc26bb9f2ac92e356"));
        assert_eq!(*iv, unhex("cf782b88dd83549aadf1e984"));
        assert_eq!(
            master.exporter_master(&unhex(FINISHED_HASH)).expose(),
            unhex("fe22f881176eda18eb8f44529e6792c50c9a3f89452f68d8ae311b4309d3cf50")
        );
    }

    #[test]
    fn client_finished_matches_rfc8448_and_rejects_a_changed_one() {
        let (client_hs, _) = KeySchedule::new(SHA256, None)
            .into_handshake(Some(&unhex(ECDHE)))
            .traffic_secrets(&unhex(HELLO_HASH));
        let expected = unhex("a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
        assert_eq!(
            finished_verify_data(SHA256, &client_hs, &unhex(FINISHED_HASH)),
            expected
        );
        assert_eq!(
            verify_finished(SHA256, &client_hs, &unhex(FINISHED_HASH), &expected),
            Ok(())
        );
        let mut wrong = expected.clone();
        wrong[31] ^= 0x80;
        assert_eq!(
            verify_finished(SHA256, &client_hs, &unhex(FINISHED_HASH), &wrong),
            Err(BadFinished)
        );
    }

    #[test]
    fn key_update_moves_to_a_different_secret_of_the_same_length() {
        let secret = Secret::from_bytes(&[7u8; 48]);
        let next = next_traffic_secret(HashAlgorithm::Sha384, &secret);
        assert_eq!(next.expose().len(), 48);
        assert_ne!(next.expose(), secret.expose());
    }
}
