//! Secrets generated into the data dir on first start (the embedded demo
//! needs no set-up); production sets them through the environment instead.

use std::path::Path;

use anyhow::Context;
use base64::Engine;
use rand::RngCore;

use crate::config::Secret;

/// Reads the base64 secret at `path`, or creates one (64 random bytes,
/// readable by the owner only) if the file does not exist.
pub fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
    if path.exists() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading secret {}", path.display()))?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .with_context(|| format!("secret {} is not base64", path.display()))?;
        anyhow::ensure!(bytes.len() >= 32, "secret {} is too short", path.display());
        return Ok(Secret::new(bytes));
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating data dir {}", dir.display()))?;
    }
    let mut bytes = vec![0u8; 64];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    write_private_file(path, encoded.as_bytes())
        .with_context(|| format!("writing secret {}", path.display()))?;
    tracing::info!(key.path = %path.display(), "generated a new secret");
    Ok(Secret::new(bytes))
}

fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}
