//! The hash rule of the audit chain, without storage.

use chrono::NaiveDateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

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
    /// SHA-256 over every field, each length-prefixed so that no two
    /// different entries encode to the same bytes.
    pub fn hash(&self) -> String {
        let mut h = Sha256::new();
        let mut field = |label: &str, value: Option<&str>| {
            h.update(label.as_bytes());
            match value {
                None => h.update(b"~"),
                Some(v) => {
                    h.update(v.len().to_string().as_bytes());
                    h.update(b":");
                    h.update(v.as_bytes());
                }
            }
            h.update(b";");
        };
        field("prev", Some(self.prev_hash));
        field("seq", Some(&self.seq.to_string()));
        field(
            "at",
            Some(&self.at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string()),
        );
        field("actor", self.actor_id.map(|a| a.to_string()).as_deref());
        field("action", Some(self.action));
        field("type", Some(self.object_type));
        field("object", self.object_id);
        field("unit", self.unit_id.map(|u| u.to_string()).as_deref());
        field("device", self.device);
        field("details", Some(self.details));
        hex::encode(h.finalize())
    }
}

/// Where verification found the chain broken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Break {
    pub seq: i64,
    /// `seq_gap`, `prev_hash_mismatch` or `hash_mismatch`.
    pub reason: String,
}

/// Walks entries in order, remembering what the next one must link to.
#[derive(Debug)]
pub struct Verifier {
    expected_seq: i64,
    expected_prev: String,
    pub checked: u64,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            expected_seq: 1,
            expected_prev: GENESIS.to_owned(),
            checked: 0,
        }
    }
}

impl Verifier {
    /// Checks the next entry given its stored hash; the first problem found
    /// is returned and the walk should stop.
    pub fn check(&mut self, link: &Link<'_>, stored_hash: &str) -> Result<(), Break> {
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
        if link.hash() != stored_hash {
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
        let a = link(1, GENESIS, "{}");
        let b = link(2, &a.hash(), "{\"x\":1}");
        let mut v = Verifier::default();
        v.check(&a, &a.hash()).unwrap();
        v.check(&b, &b.hash()).unwrap();
        assert_eq!(v.checked, 2);
    }

    #[test]
    fn an_edited_entry_is_found() {
        let a = link(1, GENESIS, "{}");
        let stored = a.hash();
        let edited = link(1, GENESIS, "{\"edited\":true}");
        let err = Verifier::default().check(&edited, &stored).unwrap_err();
        assert_eq!(
            err,
            Break {
                seq: 1,
                reason: "hash_mismatch".into()
            }
        );
    }

    #[test]
    fn a_deleted_entry_is_found() {
        let a = link(1, GENESIS, "{}");
        let c = link(3, "whatever", "{}");
        let mut v = Verifier::default();
        v.check(&a, &a.hash()).unwrap();
        assert_eq!(v.check(&c, &c.hash()).unwrap_err().reason, "seq_gap");
    }

    #[test]
    fn fields_cannot_be_shifted_between_neighbours() {
        let mut a = link(1, GENESIS, "{}");
        a.object_id = Some("1");
        a.device = Some("2");
        let mut b = a.clone();
        b.object_id = Some("12");
        b.device = None;
        assert_ne!(a.hash(), b.hash());
    }
}
