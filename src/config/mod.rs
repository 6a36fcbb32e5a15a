//! Typed settings read from `EPATROL_*` environment variables and validated
//! at start-up. Every bad setting names itself in the error; an unknown
//! `EPATROL_*` variable is an error too, because a misspelt key silently
//! ignored is how a production server ends up on its defaults.

use std::fmt;

mod address;
use address::check_host_port;
mod database;
mod redact;

pub use database::DatabaseKind;
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

const KNOWN_KEYS: &[&str] = &[
    "EPATROL_DATABASE_URL",
    "EPATROL_BIND",
    "EPATROL_DATA_DIR",
    "EPATROL_ADJUDICATION_OFFICE",
    "EPATROL_JWT_SECRET",
    "EPATROL_BOX_CODE_SECRET",
    "EPATROL_AUDIT_KEY",
    "EPATROL_AUDIT_CHECKPOINT_SECS",
    "EPATROL_ACCESS_TOKEN_TTL_SECS",
    "EPATROL_REFRESH_TOKEN_TTL_SECS",
    "EPATROL_LOG",
    "EPATROL_LOG_FORMAT",
    "EPATROL_DB_POOL_SIZE",
    "EPATROL_WRITE_WAIT_LIMIT_MS",
    "EPATROL_SQLITE_SYNCHRONOUS",
    "EPATROL_SQLITE_MAX_SIZE_MB",
    "EPATROL_MIN_FREE_DISK_MB",
    "EPATROL_WORKERS",
    "EPATROL_PUBLIC_URL",
    "EPATROL_TICKET_PREFIX",
    "EPATROL_MAP_TILES",
    "EPATROL_FONTS",
    "EPATROL_SIGN_IN_PER_MINUTE",
    "EPATROL_VERIFY_PER_MINUTE",
    "EPATROL_TRUSTED_PROXIES",
    "EPATROL_METRICS_TOKEN",
    "EPATROL_METRICS_BIND",
    "EPATROL_EVIDENCE_URL",
    // Read by the CLI, not by the server.
    "EPATROL_PASSWORD",
];

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

    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars())
    }

    /// Parses settings from `(key, value)` pairs; the process environment in
    /// production, a literal list in tests.
    pub fn from_vars(
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .into_iter()
            .filter(|(k, _)| k.starts_with("EPATROL_") && !k.starts_with("EPATROL_TEST_"))
            .collect();
        if let Some((key, _)) = vars.iter().find(|(k, _)| !KNOWN_KEYS.contains(&k.as_str())) {
            return Err(bad(key, "unknown setting (see README, Configuration)"));
        }
        let get = |key: &str| {
            vars.iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let data_dir = PathBuf::from(get("EPATROL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let mut settings = Settings::embedded(data_dir);
        if let Some(url) = get("EPATROL_DATABASE_URL") {
            DatabaseKind::from_url(&url).map_err(|reason| bad("EPATROL_DATABASE_URL", reason))?;
            settings.database_url = url;
        }
        if let Some(bind) = get("EPATROL_BIND") {
            check_host_port(&bind).map_err(|why| {
                bad(
                    "EPATROL_BIND",
                    format!("{why}; expected host:port, e.g. 0.0.0.0:8080 or localhost:8080"),
                )
            })?;
            settings.public_url = format!("http://{bind}");
            settings.bind = bind;
        }
        if let Some(secret) = get("EPATROL_JWT_SECRET") {
            settings.jwt_secret = Some(parse_secret("EPATROL_JWT_SECRET", &secret)?);
        }
        if let Some(secret) = get("EPATROL_BOX_CODE_SECRET") {
            settings.box_code_secret = Some(parse_secret("EPATROL_BOX_CODE_SECRET", &secret)?);
        }
        if let Some(secret) = get("EPATROL_AUDIT_KEY") {
            settings.audit_key = Some(parse_secret("EPATROL_AUDIT_KEY", &secret)?);
        }
        if let Some(v) = get("EPATROL_AUDIT_CHECKPOINT_SECS") {
            let secs = parse_number("EPATROL_AUDIT_CHECKPOINT_SECS", &v, 1, 3600)?;
            settings.audit_checkpoint_interval = Duration::from_secs(secs);
        }
        if let Some(v) = get("EPATROL_ACCESS_TOKEN_TTL_SECS") {
            let secs = parse_number(
                "EPATROL_ACCESS_TOKEN_TTL_SECS",
                &v,
                30,
                MAX_ACCESS_TOKEN_TTL_SECS,
            )?;
            settings.access_token_ttl = Duration::from_secs(secs);
        }
        if let Some(v) = get("EPATROL_REFRESH_TOKEN_TTL_SECS") {
            let secs = parse_number("EPATROL_REFRESH_TOKEN_TTL_SECS", &v, 300, 30 * 24 * 3600)?;
            settings.refresh_token_ttl = Duration::from_secs(secs);
        }
        if let Some(v) = get("EPATROL_LOG") {
            tracing_subscriber::EnvFilter::try_new(&v)
                .map_err(|e| bad("EPATROL_LOG", format!("not a log filter: {e}")))?;
            settings.log_filter = v;
        }
        if let Some(v) = get("EPATROL_LOG_FORMAT") {
            settings.log_format = match v.as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => return Err(bad("EPATROL_LOG_FORMAT", "expected `text` or `json`")),
            };
        }
        if let Some(v) = get("EPATROL_DB_POOL_SIZE") {
            settings.db_pool_size = parse_number("EPATROL_DB_POOL_SIZE", &v, 2, 512)? as u32;
        }
        if let Some(v) = get("EPATROL_WRITE_WAIT_LIMIT_MS") {
            let ms = parse_number("EPATROL_WRITE_WAIT_LIMIT_MS", &v, 1, 60_000)?;
            settings.write_wait_limit = Duration::from_millis(ms);
        }
        if let Some(v) = get("EPATROL_SQLITE_SYNCHRONOUS") {
            settings.sqlite_sync = match v.to_ascii_lowercase().as_str() {
                "full" => SqliteSync::Full,
                "normal" => SqliteSync::Normal,
                _ => {
                    return Err(bad(
                        "EPATROL_SQLITE_SYNCHRONOUS",
                        "expected `full` or `normal`",
                    ));
                }
            };
        }
        if let Some(v) = get("EPATROL_SQLITE_MAX_SIZE_MB") {
            settings.sqlite_max_size_mb =
                Some(parse_number("EPATROL_SQLITE_MAX_SIZE_MB", &v, 1, 1 << 40)?);
        }
        if let Some(v) = get("EPATROL_MIN_FREE_DISK_MB") {
            settings.min_free_disk_mb = parse_number("EPATROL_MIN_FREE_DISK_MB", &v, 0, 1 << 40)?;
        }
        if let Some(v) = get("EPATROL_WORKERS") {
            settings.workers = parse_number("EPATROL_WORKERS", &v, 1, 256)? as usize;
        }
        if let Some(v) = get("EPATROL_PUBLIC_URL") {
            if !(v.starts_with("https://") || v.starts_with("http://")) {
                return Err(bad("EPATROL_PUBLIC_URL", "expected an http(s):// URL"));
            }
            settings.public_url = v.trim_end_matches('/').to_owned();
            settings.public_url_configured = true;
        }
        if let Some(v) = get("EPATROL_MAP_TILES") {
            crate::console::tiles::check_template(&v).map_err(|e| bad("EPATROL_MAP_TILES", e))?;
            settings.map_tiles = Some(v);
        }
        if let Some(v) = get("EPATROL_ADJUDICATION_OFFICE") {
            if v.chars().count() > 60 || v.chars().any(char::is_control) {
                return Err(bad(
                    "EPATROL_ADJUDICATION_OFFICE",
                    "the authority's name as printed, up to 60 characters",
                ));
            }
            settings.adjudication_office = v;
        }
        if let Some(v) = get("EPATROL_TICKET_PREFIX") {
            if v.len() != 2 || !v.chars().all(|c| c.is_ascii_uppercase()) {
                return Err(bad(
                    "EPATROL_TICKET_PREFIX",
                    "two upper-case letters, e.g. TN",
                ));
            }
            settings.ticket_prefix = v;
        }
        if let Some(v) = get("EPATROL_FONTS") {
            settings.fonts = v
                .split(',')
                .map(|p| PathBuf::from(p.trim()))
                .filter(|p| !p.as_os_str().is_empty())
                .collect();
        }
        if let Some(v) = get("EPATROL_SIGN_IN_PER_MINUTE") {
            settings.sign_in_per_minute =
                parse_number("EPATROL_SIGN_IN_PER_MINUTE", &v, 1, 100_000)? as u32;
        }
        if let Some(v) = get("EPATROL_VERIFY_PER_MINUTE") {
            settings.verify_per_minute =
                parse_number("EPATROL_VERIFY_PER_MINUTE", &v, 1, 100_000)? as u32;
        }
        if let Some(v) = get("EPATROL_METRICS_TOKEN") {
            if v.len() < 16 {
                return Err(bad("EPATROL_METRICS_TOKEN", "at least 16 characters"));
            }
            settings.metrics_token = Some(Secret::new(v.into_bytes()));
        }
        if let Some(v) = get("EPATROL_EVIDENCE_URL") {
            crate::evidence::s3::parse_url(&v)
                .map_err(|e| bad("EPATROL_EVIDENCE_URL", e.to_string()))?;
            settings.evidence_url = Some(v);
        }
        if let Some(v) = get("EPATROL_METRICS_BIND") {
            check_host_port(&v).map_err(|why| {
                bad(
                    "EPATROL_METRICS_BIND",
                    format!("{why}; expected host:port, e.g. 127.0.0.1:9090"),
                )
            })?;
            settings.metrics_bind = Some(v);
        }
        if let Some(v) = get("EPATROL_TRUSTED_PROXIES") {
            settings.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(|p| {
                    p.parse::<ipnet::IpNet>()
                        .or_else(|_| p.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                        .map_err(|_| {
                            bad(
                                "EPATROL_TRUSTED_PROXIES",
                                format!("{p:?} is not an address or CIDR"),
                            )
                        })
                })
                .collect::<Result<_, _>>()?;
        }
        Ok(settings)
    }
}

fn parse_number(key: &str, value: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    let n: u64 = value
        .parse()
        .map_err(|_| bad(key, format!("expected a whole number, got {value:?}")))?;
    if n < min || n > max {
        return Err(bad(
            key,
            format!("must be between {min} and {max}, got {n}"),
        ));
    }
    Ok(n)
}

fn parse_secret(key: &str, value: &str) -> Result<Secret, ConfigError> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(value)
        .or_else(|_| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(value))
        .map_err(|_| bad(key, "expected base64"))?;
    if bytes.len() < 32 {
        return Err(bad(key, "must decode to at least 32 bytes"));
    }
    Ok(Secret::new(bytes))
}

#[cfg(test)]
mod tests;
