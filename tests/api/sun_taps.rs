//! NTAG 424 DNA taps made in the test as a tag makes them — PICCData
//! encrypted with AES-128-CBC under a zero IV, the SV2 session key and the
//! truncated SDMMAC computed with RustCrypto's `cbc`, `aes` and `cmac`
//! directly, not through the service's functions — are read back by
//! `patrol::sun`; altered ones are refused.

use aes::Aes128;
use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyInit, KeyIvInit};
use cmac::{Cmac, Mac};
use epatrol::patrol::sun::{SunError, Tap, verify};

/// A simulated tag: its UID, its keys and its read counter.
struct Tag {
    uid: [u8; 7],
    meta_read: [u8; 16],
    file_read: [u8; 16],
    counter: u32,
}

fn cmac(key: &[u8; 16], data: &[u8]) -> Vec<u8> {
    let mut m = <Cmac<Aes128> as KeyInit>::new_from_slice(key).unwrap();
    m.update(data);
    m.finalize().into_bytes().to_vec()
}

impl Tag {
    /// One tap: the read counter moves on, then the tag mirrors the
    /// encrypted PICCData and the MAC over `mac_input`.
    fn tap(&mut self, mac_input: &[u8]) -> (Vec<u8>, Vec<u8>) {
        self.counter += 1;
        let c = self.counter.to_le_bytes();
        let mut picc = [0u8; 16];
        picc[0] = 0xC7;
        picc[1..8].copy_from_slice(&self.uid);
        picc[8..11].copy_from_slice(&c[..3]);
        // The rest is the tag's random padding.
        picc[11..].copy_from_slice(&[0x5A, 0x17, 0x3B, 0xE0, 0x09]);
        let enc = cbc::Encryptor::<Aes128>::new(&self.meta_read.into(), &[0u8; 16].into())
            .encrypt_padded::<NoPadding>(&mut picc, 16)
            .unwrap()
            .to_vec();
        let mut sv2 = vec![0x3C, 0xC3, 0x00, 0x01, 0x00, 0x80];
        sv2.extend_from_slice(&self.uid);
        sv2.extend_from_slice(&c[..3]);
        let session = cmac(&self.file_read, &sv2);
        let full = cmac(&session.try_into().unwrap(), mac_input);
        let mac = full.iter().skip(1).step_by(2).copied().collect();
        (enc, mac)
    }
}

fn tag(seed: u8) -> Tag {
    let key = |k: u8| std::array::from_fn(|i| (i as u8).wrapping_mul(31).wrapping_add(k));
    Tag {
        uid: [0x04, seed, 0x5F, 0x1E, 0xAC, 0xC0, 0x40],
        meta_read: key(seed),
        file_read: key(seed.wrapping_add(101)),
        counter: 0,
    }
}

#[test]
fn taps_of_a_simulated_tag_verify_with_their_counter() {
    let mut t = tag(7);
    // The URL as the tag writes it, from the MAC input offset on.
    let input = b"&cmac=";
    for expected in 1..=40 {
        let (picc, mac) = t.tap(input);
        let tap = verify(&t.meta_read, &t.file_read, &picc, &mac, input).unwrap();
        assert_eq!(
            tap,
            Tap {
                uid: t.uid,
                counter: expected
            }
        );
    }
}

#[test]
fn a_tap_verifies_only_with_its_own_tags_keys_and_input() {
    let mut t = tag(9);
    let other = tag(10);
    let (picc, mac) = t.tap(b"");
    assert!(verify(&t.meta_read, &t.file_read, &picc, &mac, b"").is_ok());
    assert_eq!(
        verify(&t.meta_read, &other.file_read, &picc, &mac, b""),
        Err(SunError::BadMac)
    );
    assert_eq!(
        verify(&t.meta_read, &t.file_read, &picc, &mac, b"&x"),
        Err(SunError::BadMac)
    );
    let mut forged = picc.clone();
    forged[3] ^= 0x40;
    assert!(verify(&t.meta_read, &t.file_read, &forged, &mac, b"").is_err());
}
