//! The keys that sign what is printed for the public and for patrol boxes:
//! box-code keys (one per version, so stickers can be rotated) and the
//! ticket verification key. All derive from one master secret
//! (`EPATROL_BOX_CODE_SECRET`), each under its own label, so no key is used
//! for two purposes. Losing the secret voids every sticker and ticket QR
//! code printed with it.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;

/// The master secret the signing keys derive from.
pub struct SigningKeys {
    master: Secret,
}

impl SigningKeys {
    pub fn new(master: Secret) -> Self {
        SigningKeys { master }
    }

    fn derived(&self, label: &[u8]) -> Hmac<Sha256> {
        let mut derive = hmac_with(self.master.expose());
        derive.update(label);
        hmac_with(&derive.finalize().into_bytes())
    }

    /// The MAC of box codes of key version `version`.
    pub fn box_code_mac(&self, version: i32) -> Hmac<Sha256> {
        self.derived(format!("epatrol box code key v{version}").as_bytes())
    }

    /// The MAC of console cookies and CSRF tokens.
    pub fn console_mac(&self) -> Hmac<Sha256> {
        self.derived(b"epatrol console session key v1")
    }

    /// A 96-bit tag over `text` for printed ticket verification codes.
    pub fn ticket_tag(&self, text: &str) -> String {
        let mut mac = self.derived(b"epatrol ticket verification key v1");
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
