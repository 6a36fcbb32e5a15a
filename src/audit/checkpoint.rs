//! Signed checkpoints of the chain's head, kept outside the database: an
//! append-only file in the data dir (one JSON line each) and the log. A
//! chain rewritten from some entry on, or cut short, no longer matches the
//! checkpoints it passed. Entries appended after the last checkpoint are
//! covered by the next one, so the interval bounds what a cut can hide.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::Path;

use anyhow::Context;
use chrono::{DateTime, Utc};
use hmac::Mac;
use serde::{Deserialize, Serialize};

use super::chain::Break;
use super::key::AuditKey;
use crate::db::DbConn;

/// Where checkpoints go, under the data dir.
pub const FILE: &str = "audit-checkpoints.jsonl";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: DateTime<Utc>,
    /// HMAC under the audit key's checkpoint key over the fields above.
    pub mac: String,
}

fn mac(key: &AuditKey, seq: i64, hash: &str, at: &DateTime<Utc>) -> String {
    let mut m = key.checkpoint_mac();
    m.update(
        format!(
            "epatrol audit checkpoint\n{seq}\n{hash}\n{}",
            at.to_rfc3339()
        )
        .as_bytes(),
    );
    hex::encode(m.finalize().into_bytes())
}

/// The sequence number of the last checkpoint in the file, read from its
/// tail: the file grows by a line every interval, and is never read whole
/// just to find its end.
fn last_line_seq(path: &Path) -> Option<i64> {
    use std::io::{Read, Seek, SeekFrom};
    const TAIL: u64 = 4096;
    let mut file = std::fs::File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(TAIL))).ok()?;
    let mut tail = String::new();
    file.read_to_string(&mut tail).ok()?;
    let last = tail.lines().rev().find(|l| !l.trim().is_empty())?;
    serde_json::from_str::<Checkpoint>(last).ok().map(|c| c.seq)
}

/// Appends a checkpoint of the current head to `path` (synced to disk) and
/// the log, unless the head has not moved since the last one.
pub fn write(conn: &mut DbConn, path: &Path) -> anyhow::Result<Option<Checkpoint>> {
    let key = super::key::current().context("the audit key is not loaded")?;
    let Some((seq, hash)) = super::store::head(conn)? else {
        return Ok(None);
    };
    if last_line_seq(path) == Some(seq) {
        return Ok(None);
    }
    let at = Utc::now();
    let checkpoint = Checkpoint {
        mac: mac(&key, seq, &hash, &at),
        seq,
        hash,
        at,
    };
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut line = serde_json::to_vec(&checkpoint)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.sync_data()?;
    tracing::info!(
        audit.seq = checkpoint.seq,
        audit.hash = %checkpoint.hash,
        audit.mac = %checkpoint.mac,
        "audit checkpoint"
    );
    Ok(Some(checkpoint))
}

/// The checkpoints in `path` as seq → link, every signature checked; the
/// first forged or unreadable line is a break. No file: no checkpoints.
pub fn read(path: &Path, key: &AuditKey) -> anyhow::Result<Result<BTreeMap<i64, String>, Break>> {
    let mut marks = BTreeMap::new();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(marks)),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let forged = |seq| Break {
            seq,
            reason: "checkpoint_forged".into(),
        };
        let Ok(c) = serde_json::from_str::<Checkpoint>(&line) else {
            return Ok(Err(forged(0)));
        };
        if mac(key, c.seq, &c.hash, &c.at) != c.mac {
            return Ok(Err(forged(c.seq)));
        }
        marks.insert(c.seq, c.hash);
    }
    Ok(Ok(marks))
}
