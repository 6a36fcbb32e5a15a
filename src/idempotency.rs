//! Idempotency keys mean the same request. A handheld that retries sends
//! the same `client_id` with the same body and gets the first answer again;
//! the same id with a different body is another request that reused the id
//! (a bug, or a second scan the device believes stored) and is refused with
//! 409 `client_id_conflict`, never answered with the first result.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ApiError;

/// SHA-256 of the canonical JSON of a parsed request: the struct's own
/// field order and serde's number and string forms, so whitespace, key
/// order and spelling variants of the same values give the same digest.
pub fn fingerprint<T: Serialize>(request: &T) -> String {
    let bytes = serde_json::to_vec(request).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// Whether a stored request may be replayed for this one. Rows stored
/// before fingerprints were kept (`None`) replay as they always did.
pub fn same_request(stored: Option<&str>, incoming: &str) -> bool {
    stored.is_none_or(|s| s == incoming)
}

/// The one rule of every idempotent write, for a key already stored: the
/// same caller's same request is answered with what was stored (`Ok`, the
/// caller replays it); anything else under the key is refused with 409
/// `client_id_conflict`, saying what (`another ticket`) holds the key.
pub fn replay_or_conflict(
    same_caller: bool,
    stored: Option<&str>,
    incoming: &str,
    holder: &str,
) -> Result<(), ApiError> {
    if same_caller && same_request(stored, incoming) {
        Ok(())
    } else {
        Err(ApiError::conflict(
            "client_id_conflict",
            format!("{holder} was already stored under this client id"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Scan {
        id: &'static str,
        lat: f64,
    }

    #[test]
    fn same_values_same_digest_and_different_values_differ() {
        let a = fingerprint(&Scan { id: "a", lat: 23.0 });
        assert_eq!(a, fingerprint(&Scan { id: "a", lat: 23.0 }));
        assert_ne!(a, fingerprint(&Scan { id: "a", lat: 23.1 }));
        assert!(same_request(Some(&a), &a));
        assert!(!same_request(Some("other"), &a));
        assert!(same_request(None, &a));
        assert!(replay_or_conflict(true, Some(&a), &a, "a scan").is_ok());
        assert!(replay_or_conflict(false, Some(&a), &a, "a scan").is_err());
        assert!(replay_or_conflict(true, Some("other"), &a, "a scan").is_err());
    }
}
