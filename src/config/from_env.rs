//! Settings read from `EPATROL_*` pairs: each value checked as it is read,
//! each refusal naming its variable.

use std::path::PathBuf;
use std::time::Duration;

use super::address::check_host_port;
use super::{
    ConfigError, DatabaseKind, LogFormat, MAX_ACCESS_TOKEN_TTL_SECS, Secret, Settings, SqliteSync,
    bad,
};

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

/// A tile server's URL template (`EPATROL_MAP_TILES`): an http(s) URL with
/// `{z}`, `{x}` and `{y}`, and nothing that could leave an HTML attribute.
pub fn check_tile_template(template: &str) -> Result<(), &'static str> {
    let scheme_ok = template.starts_with("https://") || template.starts_with("http://");
    let parts_ok = ["{z}", "{x}", "{y}"].iter().all(|p| template.contains(p));
    if scheme_ok && parts_ok && !template.contains(['"', '\'', ' ', '<', '>']) {
        Ok(())
    } else {
        Err("an http(s):// URL with {z}, {x} and {y}")
    }
}

impl Settings {
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
            check_tile_template(&v).map_err(|e| bad("EPATROL_MAP_TILES", e))?;
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
            super::split_bucket_url(&v).map_err(|e| bad("EPATROL_EVIDENCE_URL", e))?;
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
