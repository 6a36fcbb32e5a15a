//! Evidence files (photos, video, documents of camera cases and citizen
//! reports), stored content-addressed by SHA-256: a file is never altered,
//! the same bytes are stored once, and the hash is checked again whenever
//! the bytes are read back.
//!
//! One small interface, [`EvidenceStore`]; the default keeps files in a
//! directory under the data dir ([`dir::DirStore`]); deployments with
//! several API nodes set `EPATROL_EVIDENCE_URL=s3://bucket/prefix` and keep
//! it in an S3-compatible bucket ([`s3::S3Store`]).

pub mod dir;
pub mod media;
pub mod s3;

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::config::Settings;

/// Where evidence bytes live. Implementations must make `put` durable
/// before returning: a case answered 2xx keeps its evidence through a crash.
pub trait EvidenceStore: Send + Sync {
    /// Stores `bytes` under their hash (a no-op when already there).
    fn put(&self, sha256: &str, bytes: &[u8]) -> anyhow::Result<()>;
    /// The bytes stored under `sha256`, if any, unchecked.
    fn get_raw(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>>;
}

/// The store the settings name: the bucket of `EPATROL_EVIDENCE_URL` (with
/// the `AWS_*` variables of the process), else `evidence/` in the data dir.
pub fn open(settings: &Settings) -> anyhow::Result<Arc<dyn EvidenceStore>> {
    Ok(match &settings.evidence_url {
        Some(url) => Arc::new(s3::S3Store::open(url, std::env::vars())?),
        None => Arc::new(dir::DirStore::new(settings.data_dir.join("evidence"))),
    })
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `s` is a SHA-256 as this store names files: 64 lower-case hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Why evidence could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no evidence file {0}")]
    Missing(String),
    #[error("evidence file {0} does not match its hash: the store is damaged")]
    Corrupt(String),
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

/// Reads evidence and checks that the bytes still hash to their name.
pub fn read_checked(store: &dyn EvidenceStore, sha256: &str) -> Result<Vec<u8>, ReadError> {
    let bytes = store
        .get_raw(sha256)?
        .ok_or_else(|| ReadError::Missing(sha256.to_owned()))?;
    if sha256_hex(&bytes) != sha256 {
        return Err(ReadError::Corrupt(sha256.to_owned()));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lower_case_hex_digests() {
        let h = sha256_hex(b"abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256(&h));
        assert!(!is_sha256(&h.to_uppercase()));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&h[..63]));
    }

    #[test]
    fn altered_bytes_are_caught_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir::DirStore::new(dir.path().to_path_buf());
        let h = sha256_hex(b"photo");
        store.put(&h, b"photo").unwrap();
        assert_eq!(read_checked(&store, &h).unwrap(), b"photo");
        std::fs::write(store.path_of(&h), b"tampered").unwrap();
        assert!(matches!(
            read_checked(&store, &h),
            Err(ReadError::Corrupt(_))
        ));
        assert!(matches!(
            read_checked(&store, &sha256_hex(b"other")),
            Err(ReadError::Missing(_))
        ));
    }
}
