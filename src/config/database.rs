//! Which database a URL names.

use std::path::PathBuf;

/// Which database a URL names. There is no fallback: an unknown scheme is an
/// error, because treating an unrecognised URL as an SQLite path silently
/// creates an empty database beside the real one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseKind {
    Postgres,
    /// Path of the SQLite file.
    Sqlite(PathBuf),
}

impl DatabaseKind {
    pub fn from_url(url: &str) -> Result<Self, String> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseKind::Postgres);
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() || path.contains(":memory:") {
                return Err(
                    "an SQLite URL needs a file path, e.g. sqlite://data/epatrol.db".into(),
                );
            }
            return Ok(DatabaseKind::Sqlite(PathBuf::from(path)));
        }
        Err("unknown scheme: expected postgres://, postgresql:// or sqlite://".into())
    }
}
