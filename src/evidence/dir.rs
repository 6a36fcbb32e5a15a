//! Evidence in a directory: `<root>/ab/cd/<sha256>`, written to a temporary
//! file, synced, renamed into place and the directory synced, so a file is
//! either whole or absent after a crash.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;

use super::EvidenceStore;

pub struct DirStore {
    root: PathBuf,
}

impl DirStore {
    pub fn new(root: PathBuf) -> Self {
        DirStore { root }
    }

    /// Where the file of `sha256` lives (`sha256` is checked by the caller).
    pub fn path_of(&self, sha256: &str) -> PathBuf {
        let a = sha256.get(0..2).unwrap_or("xx");
        let b = sha256.get(2..4).unwrap_or("xx");
        self.root.join(a).join(b).join(sha256)
    }
}

impl EvidenceStore for DirStore {
    fn put(&self, sha256: &str, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.path_of(sha256);
        if path.exists() {
            return Ok(());
        }
        let dir = path.parent().context("evidence path without a folder")?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = dir.join(format!(".{sha256}.{}", uuid::Uuid::new_v4()));
        let mut file =
            std::fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &path)?;
        std::fs::File::open(dir)?.sync_all()?;
        Ok(())
    }

    fn get_raw(&self, sha256: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match std::fs::read(self.path_of(sha256)) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
