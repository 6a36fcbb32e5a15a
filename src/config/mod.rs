//! Typed settings read from `EPATROL_*` environment variables and validated
//! at start-up. Every bad setting names itself in the error; an unknown
//! `EPATROL_*` variable is an error too, because a misspelt key silently
//! ignored is how a production server ends up on its defaults.

use std::fmt;

mod address;
mod bucket;
mod database;
mod from_env;
mod redact;

pub use bucket::split_bucket_url;
pub use database::DatabaseKind;
pub use from_env::check_tile_template;
pub use redact::redact_password;
use std::path::PathBuf;
use std::time::Duration;

/// A value that must never be printed (keys, passwords).
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Self {
        Secret(bytes)
    }
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// How hard SQLite pushes each commit to disk. `Full` (the default) makes a
/// commit survive power loss, not only a process crash: a check-in the
/// server acknowledged must never be lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqliteSync {
    Full,
    Normal,
}

#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub data_dir: PathBuf,
    /// Signing key for access tokens; `None` means "generate or read
    /// `jwt-secret` in the data dir".
    pub jwt_secret: Option<Secret>,
    /// Master secret of patrol box codes; `None` means "generate or read
    /// `box-code-secret` in the data dir". Separate from the token key so
    /// rotating one never voids the printed stickers.
    pub box_code_secret: Option<Secret>,
    /// Key of the audit chain and its checkpoints; `None` means "generate or
    /// read `audit-key` in the data dir". Kept out of the database so that
    /// write access to the database is not enough to rewrite the log.
    pub audit_key: Option<Secret>,
    /// How often a signed checkpoint of the audit chain's head is written.
    pub audit_checkpoint_interval: Duration,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub log_filter: String,
    pub log_format: LogFormat,
    pub db_pool_size: u32,
    /// Uploads are refused (503) while their recent waits to start writing
    /// average more than this.
    pub write_wait_limit: Duration,
    /// Uploads in flight up to which all are admitted, however long the
    /// waits (so they keep being measured).
    pub write_always_admitted: u32,
    pub sqlite_sync: SqliteSync,
    /// The embedded database refuses to grow past this many MB (writes
    /// are answered 503 `storage_full`), keeping room on the disk for the
    /// system and the logs.
    pub sqlite_max_size_mb: Option<u64>,
    /// Below this much free space in the data dir `/readyz` reports
    /// `storage_full`, so a balancer stops sending writes before they fail.
    pub min_free_disk_mb: u64,
    pub workers: usize,
    /// Base URL printed into QR codes that the public scans.
    pub public_url: String,
    /// Whether `public_url` was configured (`EPATROL_PUBLIC_URL`) rather
    /// than derived from the bind address.
    pub public_url_configured: bool,
    /// Letters before every ticket number of this city.
    pub ticket_prefix: String,
    /// The city's traffic adjudication authority (交通事件裁決單位): where
    /// recipients of tickets under §§12–68 respond (應到案處所).
    pub adjudication_office: String,
    /// A tile server's URL template (`https://…/{z}/{x}/{y}.png`) drawn
    /// under the console's maps; none: a plain background, no internet.
    pub map_tiles: Option<String>,
    /// Fallback fonts after the bundled one, for characters it lacks.
    pub fonts: Vec<PathBuf>,
    /// Sign-in and refresh requests one client address may make a minute.
    pub sign_in_per_minute: u32,
    /// Public verification lookups one client address may make a minute.
    pub verify_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed (addresses or CIDRs).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Bearer token for `/metrics` on the API listener; without it the
    /// route is not served there.
    pub metrics_token: Option<Secret>,
    /// A listener of its own for `/metrics` (no token), e.g. 127.0.0.1:9090.
    pub metrics_bind: Option<String>,
    /// `s3://bucket[/prefix]` keeps evidence in an S3-compatible bucket
    /// (credentials and endpoint from the standard `AWS_*` variables);
    /// `None` keeps it under the data dir.
    pub evidence_url: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{key}: {reason}")]
pub struct ConfigError {
    pub key: String,
    pub reason: String,
}

fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.to_owned(),
        reason: reason.into(),
    }
}

/// The longest an access token may live: a stolen handheld must stop working soon.
pub const MAX_ACCESS_TOKEN_TTL_SECS: u64 = 15 * 60;

impl Settings {
    /// Checks what serving the public needs: outside the demo, printed QR
    /// codes must carry a link anyone can open, so `EPATROL_PUBLIC_URL` must
    /// be set, to an https URL.
    pub fn check_for_serving(&self, demo: bool) -> Result<(), ConfigError> {
        if demo {
            return Ok(());
        }
        if !self.public_url_configured {
            return Err(bad(
                "EPATROL_PUBLIC_URL",
                "required outside --demo: the https address the public reaches this server at, \
                 printed in every ticket's QR code (e.g. https://epatrol.police.tainan.gov.tw)",
            ));
        }
        if !self.public_url.starts_with("https://") {
            return Err(bad(
                "EPATROL_PUBLIC_URL",
                "must be an https:// URL: phones open the printed link",
            ));
        }
        Ok(())
    }

    /// Defaults for the embedded demo, rooted at `data_dir`.
    pub fn embedded(data_dir: PathBuf) -> Self {
        let database_url = format!("sqlite://{}", data_dir.join("epatrol.db").display());
        Settings {
            database_url,
            bind: "127.0.0.1:8080".into(),
            data_dir,
            jwt_secret: None,
            box_code_secret: None,
            audit_key: None,
            audit_checkpoint_interval: Duration::from_secs(10),
            access_token_ttl: Duration::from_secs(MAX_ACCESS_TOKEN_TTL_SECS),
            refresh_token_ttl: Duration::from_secs(12 * 3600),
            log_filter: "info".into(),
            log_format: LogFormat::Text,
            db_pool_size: 16,
            write_wait_limit: Duration::from_millis(40),
            write_always_admitted: 2,
            sqlite_sync: SqliteSync::Full,
            sqlite_max_size_mb: None,
            min_free_disk_mb: 64,
            workers: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2),
            public_url: "http://127.0.0.1:8080".into(),
            public_url_configured: false,
            ticket_prefix: "TN".into(),
            adjudication_office: "臺南市政府交通局交通事件裁決中心".into(),
            map_tiles: None,
            fonts: Vec::new(),
            // A station's handhelds may share one address at shift change.
            sign_in_per_minute: 120,
            verify_per_minute: 60,
            trusted_proxies: Vec::new(),
            metrics_token: None,
            metrics_bind: None,
            evidence_url: None,
        }
    }
}

#[cfg(test)]
mod tests;
