//! The link rule of the audit chain, without storage. Each entry carries an
//! HMAC (under the audit key, which the database never sees) over all its
//! fields and the previous entry's link, so an insider who edits a row
//! cannot recompute the rows after it. Entries written before the chain was
//! keyed carry a plain SHA-256; they are accepted only before the first
//! keyed entry, never after it.

use chrono::NaiveDateTime;
use hmac::Mac;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use super::key::AuditKey;

/// `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one entry that the hash covers: all of them.
#[derive(Debug, Clone, PartialEq)]
pub struct Link<'a> {
    pub seq: i64,
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<&'a str>,
    pub unit_id: Option<i64>,
    pub device: Option<&'a str>,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

impl Link<'_> {
    /// The link of a keyed entry: HMAC-SHA256 under the audit key over every
    /// field and the key's id.
    pub fn mac(&self, key: &AuditKey) -> String {
        let mut mac = key.chain_mac();
        mac.update(&self.encode(Some(key.id())));
        hex::encode(mac.finalize().into_bytes())
    }

    /// The link of an entry written before the chain was keyed.
    pub fn legacy_hash(&self) -> String {
        hex::encode(Sha256::digest(self.encode(None)))
    }

    /// Every field, each length-prefixed so that no two different entries
    /// encode to the same bytes. Numbers and the time are written in place
    /// rather than each through a string of its own: a batch of a thousand
    /// check-ins encodes a thousand entries while it holds the writer.
    fn encode(&self, key_id: Option<&str>) -> Vec<u8> {
        let mut h = Vec::with_capacity(256 + self.details.len());
        let mut number = itoa::Buffer::new();
        if let Some(id) = key_id {
            field(&mut h, "key", Some(id));
        }
        field(&mut h, "prev", Some(self.prev_hash));
        field(&mut h, "seq", Some(number.format(self.seq)));
        field(&mut h, "at", Some(&time_text(&self.at)));
        field(&mut h, "actor", self.actor_id.map(|a| number.format(a)));
        field(&mut h, "action", Some(self.action));
        field(&mut h, "type", Some(self.object_type));
        field(&mut h, "object", self.object_id);
        field(&mut h, "unit", self.unit_id.map(|u| number.format(u)));
        field(&mut h, "device", self.device);
        field(&mut h, "details", Some(self.details));
        h
    }
}

/// Appends `label`, then `~` for no value or the value's length, `:` and
/// the value; then `;`.
fn field(h: &mut Vec<u8>, label: &str, value: Option<&str>) {
    h.extend_from_slice(label.as_bytes());
    match value {
        None => h.push(b'~'),
        Some(v) => {
            h.extend_from_slice(itoa::Buffer::new().format(v.len()).as_bytes());
            h.push(b':');
            h.extend_from_slice(v.as_bytes());
        }
    }
    h.push(b';');
}

/// `at` as chrono's `%Y-%m-%dT%H:%M:%S%.6f` writes it, byte for byte (the
/// links of stored entries were made with it), without the formatting
/// machinery.
fn time_text(at: &NaiveDateTime) -> String {
    use chrono::{Datelike, Timelike};
    if !(0..=9999).contains(&at.year()) {
        return at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    }
    let mut s = String::with_capacity(26);
    crate::db::stored_time::push_date_time(&mut s, at, 'T');
    // A leap second's fraction is past its second 60.
    s.push('.');
    crate::db::stored_time::push_digits(&mut s, at.nanosecond() % 1_000_000_000 / 1_000, 6);
    s
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Break {
    pub seq: i64,
    /// `seq_gap`, `prev_hash_mismatch`, `hash_mismatch` (an edited entry),
    /// `unknown_key` (keyed by another key), `unkeyed_after_keyed` (a plain
    /// hash where the chain was already keyed), `checkpoint_mismatch` (the
    /// entry differs from a signed checkpoint of it), `tail_missing`
    /// (entries a checkpoint saw are gone) or `checkpoint_forged`.
    pub reason: String,
}

/// Walks entries in order, remembering what the next one must link to.
pub struct Verifier<'k> {
    key: &'k AuditKey,
    expected_seq: i64,
    expected_prev: String,
    keyed: bool,
    pub checked: u64,
}

impl<'k> Verifier<'k> {
    pub fn new(key: &'k AuditKey) -> Self {
        Verifier {
            key,
            expected_seq: 1,
            expected_prev: GENESIS.to_owned(),
            keyed: false,
            checked: 0,
        }
    }

    /// Checks the next entry given the key id and link stored with it; the
    /// first problem found is returned and the walk should stop.
    pub fn check(
        &mut self,
        link: &Link<'_>,
        key_id: Option<&str>,
        stored_hash: &str,
    ) -> Result<(), Break> {
        let broken = |reason: &str| Break {
            seq: link.seq,
            reason: reason.to_owned(),
        };
        if link.seq != self.expected_seq {
            return Err(Break {
                seq: self.expected_seq,
                reason: "seq_gap".into(),
            });
        }
        if link.prev_hash != self.expected_prev {
            return Err(broken("prev_hash_mismatch"));
        }
        let expected = match key_id {
            Some(id) if id == self.key.id() => {
                self.keyed = true;
                link.mac(self.key)
            }
            Some(_) => return Err(broken("unknown_key")),
            None if self.keyed => return Err(broken("unkeyed_after_keyed")),
            None => link.legacy_hash(),
        };
        let same = crate::signing::constant_time_eq(expected.as_bytes(), stored_hash.as_bytes());
        if !same {
            return Err(broken("hash_mismatch"));
        }
        self.expected_seq += 1;
        self.expected_prev = stored_hash.to_owned();
        self.checked += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;

    #[test]
    fn the_time_is_written_as_chrono_writes_it() {
        for (y, m, d) in [
            (2026, 12, 7),
            (1, 1, 1),
            (9999, 12, 31),
            (12_345, 6, 7),
            (-44, 3, 15),
        ] {
            let day = chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap();
            for nano in [
                0,
                1,
                999,
                1_000,
                123_456_789,
                999_999_999,
                1_000_000_000,
                1_999_999_999,
            ] {
                let t = day.and_hms_nano_opt(23, 59, 59, nano).unwrap();
                assert_eq!(
                    time_text(&t),
                    t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
                    "{t:?}"
                );
            }
            let t = day.and_hms_opt(0, 0, 0).unwrap();
            assert_eq!(time_text(&t), t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string());
        }
    }

    fn key(b: u8) -> AuditKey {
        AuditKey::from_secret(&Secret::new(vec![b; 32]))
    }

    fn link(seq: i64, prev: &str, details: &'static str) -> Link<'static> {
        let prev: &'static str = Box::leak(prev.to_owned().into_boxed_str());
        Link {
            seq,
            at: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_000)
                .unwrap()
                .naive_utc(),
            actor_id: Some(7),
            action: "user.create",
            object_type: "user",
            object_id: Some("9"),
            unit_id: None,
            device: None,
            details,
            prev_hash: prev,
        }
    }

    #[test]
    fn a_clean_chain_verifies() {
        let k = key(1);
        let a = link(1, GENESIS, "{}");
        let b = link(2, &a.mac(&k), "{\"x\":1}");
        let mut v = Verifier::new(&k);
        v.check(&a, Some(k.id()), &a.mac(&k)).unwrap();
        v.check(&b, Some(k.id()), &b.mac(&k)).unwrap();
        assert_eq!(v.checked, 2);
    }

    #[test]
    fn an_edit_recomputed_without_the_key_is_found() {
        let k = key(1);
        let a = link(1, GENESIS, "{}");
        let edited = link(1, GENESIS, "{\"edited\":true}");
        // The insider recomputes with plain SHA-256, or under a key of their own.
        for forged in [edited.legacy_hash(), edited.mac(&key(2))] {
            let err = Verifier::new(&k)
                .check(&edited, Some(k.id()), &forged)
                .unwrap_err();
            assert_eq!(err.reason, "hash_mismatch");
        }
        assert!(
            Verifier::new(&k)
                .check(&a, Some(k.id()), &a.mac(&k))
                .is_ok()
        );
    }

    #[test]
    fn legacy_entries_only_before_the_keyed_ones() {
        let k = key(1);
        let a = link(1, GENESIS, "{}");
        let b = link(2, &a.legacy_hash(), "{}");
        let c = link(3, &b.mac(&k), "{}");
        let mut v = Verifier::new(&k);
        v.check(&a, None, &a.legacy_hash()).unwrap();
        v.check(&b, Some(k.id()), &b.mac(&k)).unwrap();
        let err = v.check(&c, None, &c.legacy_hash()).unwrap_err();
        assert_eq!(err.reason, "unkeyed_after_keyed");
    }

    #[test]
    fn a_deleted_entry_is_found() {
        let k = key(1);
        let a = link(1, GENESIS, "{}");
        let c = link(3, "whatever", "{}");
        let mut v = Verifier::new(&k);
        v.check(&a, Some(k.id()), &a.mac(&k)).unwrap();
        assert_eq!(
            v.check(&c, Some(k.id()), &c.mac(&k)).unwrap_err().reason,
            "seq_gap"
        );
    }

    #[test]
    fn fields_cannot_be_shifted_between_neighbours() {
        let k = key(1);
        let mut a = link(1, GENESIS, "{}");
        a.object_id = Some("1");
        a.device = Some("2");
        let mut b = a.clone();
        b.object_id = Some("12");
        b.device = None;
        assert_ne!(a.mac(&k), b.mac(&k));
    }
}
