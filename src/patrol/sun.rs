//! Secure Unique NFC (SUN) of NXP's NTAG 424 DNA, as NXP's application
//! note AN12196 ("NTAG 424 DNA and NTAG 424 DNA TagTamper features and
//! hints") describes it: every tap of a tag yields a new URL carrying the
//! encrypted PICCData (the tag's UID and its 24-bit read counter, AES-128
//! with the tag's SDM meta-read key) and an SDMMAC, an AES-CMAC under a
//! session key derived from the tag's SDM file-read key and that UID and
//! counter (SV2), truncated to its eight odd-numbered bytes. A copied URL
//! verifies, but its counter does not move: refusing a counter at or below
//! the last one accepted from the tag is the caller's part.
//!
//! Pure functions over the RustCrypto AES and CMAC implementations; no
//! storage, no keys of record.

use aes::Aes128;
use aes::cipher::{BlockCipherDecrypt, KeyInit};
use cmac::{Cmac, Mac};
use subtle::ConstantTimeEq;

/// An AES-128 key.
pub type Key = [u8; 16];

/// A tag's UID and read counter, from a verified tap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tap {
    pub uid: [u8; 7],
    /// SDMReadCtr: rises by one on every read of the tag.
    pub counter: u32,
}

/// Why a tap is not the tag's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SunError {
    /// The PICCData is not 16 bytes, or its tag byte does not say "7-byte
    /// UID and read counter mirrored": the wrong key, or not a tag.
    NotPiccData,
    /// The SDMMAC does not match: a forged or altered tap, or the wrong key.
    BadMac,
}

/// PICCDataTag of a tag mirroring its 7-byte UID and its read counter
/// (AN12196 Table 2: bit 7 UID mirrored, bit 6 counter mirrored, low
/// nibble the UID length).
const PICC_DATA_TAG: u8 = 0xC7;

/// SV2's fixed prefix for the SDM MAC session key (AN12196 §3.4.4.1).
const SV2_MAC_PREFIX: [u8; 6] = [0x3C, 0xC3, 0x00, 0x01, 0x00, 0x80];

fn cmac(key: &Key, data: &[u8]) -> [u8; 16] {
    let mut mac = <Cmac<Aes128> as KeyInit>::new(&(*key).into());
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Decrypts the PICCData a tap carries with the tag's SDM meta-read key.
pub fn read_picc(meta_read_key: &Key, encrypted: &[u8]) -> Result<Tap, SunError> {
    let block: [u8; 16] = encrypted.try_into().map_err(|_| SunError::NotPiccData)?;
    let cipher = Aes128::new(&(*meta_read_key).into());
    let mut block = block.into();
    // One block under a zero IV: CBC decryption is the block decryption.
    cipher.decrypt_block(&mut block);
    let plain: [u8; 16] = block.into();
    let [tag, u0, u1, u2, u3, u4, u5, u6, c0, c1, c2, ..] = plain;
    if tag != PICC_DATA_TAG {
        return Err(SunError::NotPiccData);
    }
    Ok(Tap {
        uid: [u0, u1, u2, u3, u4, u5, u6],
        // The counter is mirrored least significant byte first.
        counter: u32::from_le_bytes([c0, c1, c2, 0]),
    })
}

/// SesSDMFileReadMACKey = CMAC(K_SDMFileRead, SV2), SV2 = 3C C3 00 01 00
/// 80 ‖ UID ‖ SDMReadCtr (least significant byte first).
pub fn session_mac_key(file_read_key: &Key, tap: &Tap) -> Key {
    let mut sv2 = [0u8; 16];
    let counter = tap.counter.to_le_bytes();
    sv2[..6].copy_from_slice(&SV2_MAC_PREFIX);
    sv2[6..13].copy_from_slice(&tap.uid);
    sv2[13..16].copy_from_slice(&counter[..3]);
    cmac(file_read_key, &sv2)
}

/// The SDMMAC over `mac_input` (the URL's bytes from SDMMACInputOffset up
/// to the MAC; empty when the two offsets are equal): the session CMAC's
/// bytes 1, 3, 5, … 15.
pub fn sdm_mac(session_key: &Key, mac_input: &[u8]) -> [u8; 8] {
    let full = cmac(session_key, mac_input);
    let mut out = [0u8; 8];
    for (o, pair) in out.iter_mut().zip(full.chunks_exact(2)) {
        *o = pair.get(1).copied().unwrap_or_default();
    }
    out
}

/// Why a tag's key cannot be diversified from these inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiversificationTooLong;

/// A tag's own AES-128 key from a master key, as NXP's AN10922 (§2.2.1,
/// AES-128) diversifies it: CMAC(master, 01h ‖ M), M = UID ‖ AID ‖
/// system identifier. AN10922 pads 01h ‖ M to 32 bytes and takes the CMAC
/// subkey K2 when it padded — which is what standard AES-CMAC does with a
/// message of 17 to 31 bytes (and K1 at exactly 32) — so M is kept 16 to
/// 31 bytes long and the RustCrypto CMAC computes it.
pub fn diversify(
    master: &Key,
    uid: &[u8; 7],
    aid: [u8; 3],
    system: &[u8],
) -> Result<Key, DiversificationTooLong> {
    let mut d = Vec::with_capacity(32);
    d.push(0x01);
    d.extend_from_slice(uid);
    d.extend_from_slice(&aid);
    d.extend_from_slice(system);
    if !(17..=32).contains(&d.len()) {
        return Err(DiversificationTooLong);
    }
    Ok(cmac(master, &d))
}

/// Verifies a tap: decrypts its PICCData, recomputes its SDMMAC and
/// compares in constant time. Returns the UID and counter it proves.
pub fn verify(
    meta_read_key: &Key,
    file_read_key: &Key,
    picc_data: &[u8],
    mac: &[u8],
    mac_input: &[u8],
) -> Result<Tap, SunError> {
    let tap = read_picc(meta_read_key, picc_data)?;
    let expected = sdm_mac(&session_mac_key(file_read_key, &tap), mac_input);
    if mac.len() == expected.len() && bool::from(expected.ct_eq(mac)) {
        Ok(tap)
    } else {
        Err(SunError::BadMac)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap_or_default())
            .collect()
    }

    /// AN12196's example tap (all keys zero, as a tag leaves the factory):
    /// PICCData EF963FF7828658A599F3041510671E88 decrypts to tag C7, UID
    /// 04DE5F1EACC040 and read counter 3D0000 (61); its SDMMAC, over an
    /// empty MAC input, is 94EED9EE65337086.
    const PICC: &str = "EF963FF7828658A599F3041510671E88";
    const MAC: &str = "94EED9EE65337086";
    const ZERO: Key = [0; 16];

    #[test]
    fn the_published_example_decrypts_and_verifies() {
        let tap = verify(&ZERO, &ZERO, &hex(PICC), &hex(MAC), &[]).unwrap();
        assert_eq!(tap.uid.to_vec(), hex("04DE5F1EACC040"));
        assert_eq!(tap.counter, 61);
    }

    /// AN10922's AES-128 example: master 00112233…EEFF, UID 04782E21801D80,
    /// AID 3042F5, system identifier "NXP Abu" (4E585020416275) →
    /// A8DD63A3B89D54B37CA802473FDA9175.
    #[test]
    fn the_published_diversification_example() {
        let master: Key = hex("00112233445566778899AABBCCDDEEFF").try_into().unwrap();
        let uid: [u8; 7] = hex("04782E21801D80").try_into().unwrap();
        let key = diversify(&master, &uid, [0x30, 0x42, 0xF5], b"NXP Abu").unwrap();
        assert_eq!(key.to_vec(), hex("A8DD63A3B89D54B37CA802473FDA9175"));
        assert_eq!(
            diversify(&master, &uid, [0, 0, 0], b"ab"),
            Err(DiversificationTooLong),
            "AN10922 pads a short input to 32 bytes; standard CMAC would not"
        );
        assert!(diversify(&master, &uid, [0, 0, 0], &[0; 22]).is_err());
        assert!(diversify(&master, &uid, [0, 0, 0], &[0; 21]).is_ok());
    }

    #[test]
    fn an_altered_mac_counter_or_key_is_refused() {
        let mut mac = hex(MAC);
        mac[7] ^= 1;
        assert_eq!(
            verify(&ZERO, &ZERO, &hex(PICC), &mac, &[]),
            Err(SunError::BadMac)
        );
        assert_eq!(
            verify(&ZERO, &ZERO, &hex(PICC), &hex(MAC), b"x"),
            Err(SunError::BadMac),
            "the MAC covers its input"
        );
        let mut other = ZERO;
        other[0] = 1;
        assert_eq!(
            verify(&ZERO, &other, &hex(PICC), &hex(MAC), &[]),
            Err(SunError::BadMac)
        );
        assert_eq!(
            verify(&other, &ZERO, &hex(PICC), &hex(MAC), &[]),
            Err(SunError::NotPiccData),
            "another meta-read key reads no PICCData"
        );
        assert_eq!(
            verify(&ZERO, &ZERO, &hex("EF96"), &hex(MAC), &[]),
            Err(SunError::NotPiccData)
        );
        assert_eq!(
            verify(&ZERO, &ZERO, &hex(PICC), &hex("94EE"), &[]),
            Err(SunError::BadMac)
        );
    }
}
