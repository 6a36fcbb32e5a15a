//! The signed payload printed as a QR code on each patrol box.
//!
//! `EPB1.<box id>.<serial>.<key version>.<tag>`: the tag is the first 128
//! bits of HMAC-SHA256 over the rest, under the key of that version. Keys
//! derive from one master secret, so rotating means adding a version: boxes
//! keep working with their old stickers until that version is retired. The
//! serial is per box: reissuing one box's sticker (say, after it was
//! photographed) bumps it and voids the old sticker alone.

use base64::Engine;
use hmac::Mac;

use crate::domain::BoxId;
use crate::signing::SigningKeys;

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

/// The payload printed for `code`, signed with its key version.
pub fn sign(keys: &SigningKeys, code: &BoxCode) -> String {
    let body = format!(
        "{PREFIX}.{}.{}.{}",
        code.box_id, code.serial, code.key_version
    );
    let mut mac = keys.box_code_mac(code.key_version);
    mac.update(body.as_bytes());
    let tag = mac.finalize().into_bytes();
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(tag.get(..TAG_BYTES).unwrap_or_default());
    format!("{body}.{tag}")
}

/// Parses and checks a scanned payload. Only the one spelling `sign`
/// produces is accepted (no whitespace, signs or leading zeros), and the
/// tag is checked over the exact bytes received: a payload that differs
/// from the printed one in any byte is not that sticker. Whether its key
/// version is still in force and its serial current is for the caller
/// to judge.
pub fn verify(keys: &SigningKeys, payload: &str) -> Result<BoxCode, CodeError> {
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
        key_version: i32::try_from(canonical_number(version)?).map_err(|_| CodeError::Malformed)?,
    };
    let tag = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(tag)
        .map_err(|_| CodeError::Malformed)?;
    if tag.len() != TAG_BYTES {
        return Err(CodeError::BadSignature);
    }
    let mut mac = keys.box_code_mac(code.key_version);
    mac.update(body.as_bytes());
    // Constant-time comparison of the truncated tag.
    mac.verify_truncated_left(&tag)
        .map_err(|_| CodeError::BadSignature)?;
    Ok(code)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(b: u8) -> SigningKeys {
        SigningKeys::new(crate::config::Secret::new(vec![b; 32]))
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
        let payload = sign(&k, &code());
        assert!(payload.starts_with("EPB1.42.1.1."));
        assert_eq!(verify(&k, &payload), Ok(code()));
    }

    #[test]
    fn altered_or_forged_codes_are_refused() {
        let k = keys(1);
        let payload = sign(&k, &code());
        let altered = payload.replacen("EPB1.42.", "EPB1.43.", 1);
        assert_eq!(verify(&k, &altered), Err(CodeError::BadSignature));
        assert_eq!(verify(&keys(2), &payload), Err(CodeError::BadSignature));
        let newer_version = payload.replacen(".1.1.", ".1.2.", 1);
        assert_eq!(verify(&k, &newer_version), Err(CodeError::BadSignature));
        let short_tag = &payload[..payload.len() - 4];
        assert!(verify(&k, short_tag).is_err());
        for junk in [
            "",
            "hello",
            "EPB1.x.1.1.AAAA",
            "EPB2.42.1.1.AAAA",
            &"A".repeat(500),
        ] {
            assert_eq!(verify(&k, junk), Err(CodeError::Malformed), "{junk}");
        }
    }

    #[test]
    fn only_the_printed_spelling_verifies() {
        let k = keys(1);
        let payload = sign(&k, &code());
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
            assert!(verify(&k, &variant).is_err(), "{variant:?} verified");
        }
        assert_eq!(verify(&k, &payload), Ok(code()));
    }

    #[test]
    fn versions_have_different_keys() {
        let k = keys(1);
        let v2 = BoxCode {
            key_version: 2,
            ..code()
        };
        assert_ne!(
            sign(&k, &code()).rsplit('.').next(),
            sign(&k, &v2).rsplit('.').next()
        );
        assert_eq!(verify(&k, &sign(&k, &v2)), Ok(v2));
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
                if let Ok(code) = verify(&k, &text) {
                    prop_assert_eq!(sign(&k, &code), text);
                }
            }

            /// Signed codes round-trip, and changing any one byte of them
            /// never verifies as another code.
            #[test]
            fn one_byte_changed_never_verifies(id in 1i64..=i64::MAX, serial in 1i32..=i32::MAX,
                                               version in 1i32..=i32::MAX, at in 0usize..200, byte: u8) {
                let k = keys(7);
                let code = BoxCode { box_id: BoxId(id), serial, key_version: version };
                let payload = sign(&k, &code);
                prop_assert_eq!(verify(&k, &payload), Ok(code));
                let mut bytes = payload.clone().into_bytes();
                let at = at % bytes.len();
                prop_assume!(bytes[at] != byte);
                bytes[at] = byte;
                if let Ok(text) = String::from_utf8(bytes) {
                    prop_assert!(verify(&k, &text).is_err());
                }
            }
        }
    }
}
