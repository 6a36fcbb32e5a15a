//! The keys that sign what is printed for the public and for patrol boxes:
//! box-code keys (one per version, so stickers can be rotated) and the
//! ticket verification key. All derive from one master secret
//! (`EPATROL_BOX_CODE_SECRET`), each under its own label, so no key is used
//! for two purposes. Losing the secret voids every sticker and ticket QR
//! code printed with it.

use std::collections::HashMap;
use std::sync::{PoisonError, RwLock};

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// The key derived from `master` for the use named by `label`.
fn derive(master: &Secret, label: &[u8]) -> Hmac<Sha256> {
    let mut derive = hmac_with(master.expose());
    derive.update(label);
    hmac_with(&derive.finalize().into_bytes())
}

/// The master secret the signing keys derive from, and the keys derived
/// from it so far. Deriving one takes five SHA-256 blocks, three times
/// what a box code's own MAC takes, and every scan checks a code: keys are
/// derived once and their MACs cloned.
pub struct SigningKeys {
    master: Secret,
    console: Hmac<Sha256>,
    ticket: Hmac<Sha256>,
    /// Box-code keys by version, for the first [`KEPT_VERSIONS`] versions
    /// asked for (the version comes from the scanned code, so anyone can ask
    /// for any number of them).
    box_codes: RwLock<HashMap<i32, Hmac<Sha256>>>,
}

/// Box-code key versions kept derived; a city rotates its stickers' key a
/// few times in the service's life.
const KEPT_VERSIONS: usize = 16;

impl SigningKeys {
    pub fn new(master: Secret) -> Self {
        let console = derive(&master, b"epatrol console session key v1");
        let ticket = derive(&master, b"epatrol ticket verification key v1");
        SigningKeys {
            master,
            console,
            ticket,
            box_codes: RwLock::new(HashMap::new()),
        }
    }

    /// The MAC of box codes of key version `version`.
    pub fn box_code_mac(&self, version: i32) -> Hmac<Sha256> {
        let kept = |keys: &HashMap<i32, Hmac<Sha256>>| keys.get(&version).cloned();
        if let Some(mac) = kept(
            &self
                .box_codes
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        ) {
            return mac;
        }
        let mac = derive(
            &self.master,
            format!("epatrol box code key v{version}").as_bytes(),
        );
        let mut keys = self
            .box_codes
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        if keys.len() < KEPT_VERSIONS {
            keys.insert(version, mac.clone());
        }
        mac
    }

    /// The MAC of console cookies and CSRF tokens.
    pub fn console_mac(&self) -> Hmac<Sha256> {
        self.console.clone()
    }

    /// A 96-bit tag over `text` for printed ticket verification codes.
    pub fn ticket_tag(&self, text: &str) -> String {
        let mut mac = self.ticket.clone();
        mac.update(text.as_bytes());
        let tag = mac.finalize().into_bytes();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(tag.get(..12).unwrap_or_default())
    }
}

/// Whether two byte strings are equal, in time that does not depend on
/// where they differ (for tags and tokens).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// HMAC takes keys of any length, so construction cannot fail.
#[allow(clippy::expect_used)]
pub fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length")
}
