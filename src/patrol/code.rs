//! The signed payload printed as a QR code on each patrol box.
//!
//! `EPB1.<box id>.<serial>.<key version>.<tag>`: the tag is the first 128
//! bits of HMAC-SHA256 over the rest, under the key of that version. Keys
//! derive from one master secret, so rotating means adding a version: boxes
//! keep working with their old stickers until that version is retired. The
//! serial is per box: reissuing one box's sticker (say, after it was
//! photographed) bumps it and voids the old sticker alone.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::config::Secret;
use crate::domain::BoxId;

const PREFIX: &str = "EPB1";
const TAG_BYTES: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxCode {
    pub box_id: BoxId,
    pub serial: i32,
    pub key_version: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("not a patrol box code")]
    Malformed,
    #[error("the code's signature does not match")]
    BadSignature,
}

/// The master secret that box-code keys derive from.
pub struct CodeKeys {
    master: Secret,
}

impl CodeKeys {
    pub fn new(master: Secret) -> Self {
        CodeKeys { master }
    }

    fn mac(&self, version: i32) -> Hmac<Sha256> {
        // Key of a version = HMAC(master, "epatrol box code key v<N>").
        let mut derive = hmac_with(self.master.expose());
        derive.update(format!("epatrol box code key v{version}").as_bytes());
        hmac_with(&derive.finalize().into_bytes())
    }

    /// A 96-bit tag over `text` for printed ticket verification codes, under
    /// its own derived key.
    pub fn ticket_tag(&self, text: &str) -> String {
        let mut derive = hmac_with(self.master.expose());
        derive.update(b"epatrol ticket verification key v1");
        let mut mac = hmac_with(&derive.finalize().into_bytes());
        mac.update(text.as_bytes());
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..12])
    }

    pub fn sign(&self, code: &BoxCode) -> String {
        let body = format!(
            "{PREFIX}.{}.{}.{}",
            code.box_id, code.serial, code.key_version
        );
        let mut mac = self.mac(code.key_version);
        mac.update(body.as_bytes());
        let tag = mac.finalize().into_bytes();
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&tag[..TAG_BYTES]);
        format!("{body}.{tag}")
    }

    /// Parses and checks a scanned payload. Only the one spelling `sign`
    /// produces is accepted (no whitespace, signs or leading zeros), and the
    /// tag is checked over the exact bytes received: a payload that differs
    /// from the printed one in any byte is not that sticker. Whether its key
    /// version is still in force and its serial current is for the caller
    /// to judge.
    pub fn verify(&self, payload: &str) -> Result<BoxCode, CodeError> {
        if payload.len() > 128 {
            return Err(CodeError::Malformed);
        }
        let (body, tag) = payload.rsplit_once('.').ok_or(CodeError::Malformed)?;
        let parts: Vec<&str> = body.split('.').collect();
        let [prefix, id, serial, version] = parts.as_slice() else {
            return Err(CodeError::Malformed);
        };
        if *prefix != PREFIX {
            return Err(CodeError::Malformed);
        }
        let code = BoxCode {
            box_id: BoxId(canonical_number(id)?),
            serial: i32::try_from(canonical_number(serial)?).map_err(|_| CodeError::Malformed)?,
            key_version: i32::try_from(canonical_number(version)?)
                .map_err(|_| CodeError::Malformed)?,
        };
        let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(tag)
            .map_err(|_| CodeError::Malformed)?;
        if tag.len() != TAG_BYTES {
            return Err(CodeError::BadSignature);
        }
        let mut mac = self.mac(code.key_version);
        mac.update(body.as_bytes());
        // Constant-time comparison of the truncated tag.
        mac.verify_truncated_left(&tag)
            .map_err(|_| CodeError::BadSignature)?;
        Ok(code)
    }
}

/// A positive whole number written as `sign` writes it: ASCII digits, no
/// sign, no leading zero.
fn canonical_number(text: &str) -> Result<i64, CodeError> {
    let digits_only = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    if !digits_only || text.starts_with('0') || text.len() > 19 {
        return Err(CodeError::Malformed);
    }
    text.parse().map_err(|_| CodeError::Malformed)
}

// HMAC takes keys of any length, so construction cannot fail.
#[allow(clippy::expect_used)]
fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC accepts any key length")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(b: u8) -> CodeKeys {
        CodeKeys::new(Secret::new(vec![b; 32]))
    }

    fn code() -> BoxCode {
        BoxCode {
            box_id: BoxId(42),
            serial: 1,
            key_version: 1,
        }
    }

    #[test]
    fn a_signed_code_verifies() {
        let k = keys(1);
        let payload = k.sign(&code());
        assert!(payload.starts_with("EPB1.42.1.1."));
        assert_eq!(k.verify(&payload), Ok(code()));
    }

    #[test]
    fn altered_or_forged_codes_are_refused() {
        let k = keys(1);
        let payload = k.sign(&code());
        let altered = payload.replacen("EPB1.42.", "EPB1.43.", 1);
        assert_eq!(k.verify(&altered), Err(CodeError::BadSignature));
        assert_eq!(keys(2).verify(&payload), Err(CodeError::BadSignature));
        let newer_version = payload.replacen(".1.1.", ".1.2.", 1);
        assert_eq!(k.verify(&newer_version), Err(CodeError::BadSignature));
        let short_tag = &payload[..payload.len() - 4];
        assert!(k.verify(short_tag).is_err());
        for junk in [
            "",
            "hello",
            "EPB1.x.1.1.AAAA",
            "EPB2.42.1.1.AAAA",
            &"A".repeat(500),
        ] {
            assert_eq!(k.verify(junk), Err(CodeError::Malformed), "{junk}");
        }
    }

    #[test]
    fn only_the_printed_spelling_verifies() {
        let k = keys(1);
        let payload = k.sign(&code());
        let tag = payload.rsplit('.').next().unwrap();
        for variant in [
            format!("EPB1.042.1.1.{tag}"),
            format!("EPB1.+42.1.1.{tag}"),
            format!("EPB1.42.01.1.{tag}"),
            format!("EPB1.42.1.+1.{tag}"),
            format!(" {payload}"),
            format!("{payload}\n"),
            format!("EPB1.42.1.1.{tag}="),
        ] {
            assert!(k.verify(&variant).is_err(), "{variant:?} verified");
        }
        assert_eq!(k.verify(&payload), Ok(code()));
    }

    #[test]
    fn versions_have_different_keys() {
        let k = keys(1);
        let v2 = BoxCode {
            key_version: 2,
            ..code()
        };
        assert_ne!(
            k.sign(&code()).rsplit('.').next(),
            k.sign(&v2).rsplit('.').next()
        );
        assert_eq!(k.verify(&k.sign(&v2)), Ok(v2));
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Any text at all: no panic, and whatever verifies is exactly
            /// the payload the key signs for that code.
            #[test]
            fn whatever_verifies_is_the_one_printed_spelling(text in "\\PC{0,140}") {
                let k = keys(1);
                if let Ok(code) = k.verify(&text) {
                    prop_assert_eq!(k.sign(&code), text);
                }
            }

            /// Signed codes round-trip, and changing any one byte of them
            /// never verifies as another code.
            #[test]
            fn one_byte_changed_never_verifies(id in 1i64..=i64::MAX, serial in 1i32..=i32::MAX,
                                               version in 1i32..=i32::MAX, at in 0usize..200, byte: u8) {
                let k = keys(7);
                let code = BoxCode { box_id: BoxId(id), serial, key_version: version };
                let payload = k.sign(&code);
                prop_assert_eq!(k.verify(&payload), Ok(code));
                let mut bytes = payload.clone().into_bytes();
                let at = at % bytes.len();
                prop_assume!(bytes[at] != byte);
                bytes[at] = byte;
                if let Ok(text) = String::from_utf8(bytes) {
                    prop_assert!(k.verify(&text).is_err());
                }
            }
        }
    }
}
