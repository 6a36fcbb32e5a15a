//! Settings as they may be printed: the database password never is.

use std::fmt;

use super::Settings;

/// The URL with any password replaced by `***`, for logs and `Debug`.
pub fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_owned(),
    }
}

// Written out so the database password never reaches a log line.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &redact_password(&self.database_url))
            .field("bind", &self.bind)
            .field("data_dir", &self.data_dir)
            .field("jwt_secret", &self.jwt_secret)
            .field("box_code_secret", &self.box_code_secret)
            .field("audit_key", &self.audit_key)
            .field("audit_checkpoint_interval", &self.audit_checkpoint_interval)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("refresh_token_ttl", &self.refresh_token_ttl)
            .field("log_filter", &self.log_filter)
            .field("log_format", &self.log_format)
            .field("db_pool_size", &self.db_pool_size)
            .field("write_wait_limit", &self.write_wait_limit)
            .field("map_tiles", &self.map_tiles)
            .field("write_always_admitted", &self.write_always_admitted)
            .field("sqlite_sync", &self.sqlite_sync)
            .field("sqlite_max_size_mb", &self.sqlite_max_size_mb)
            .field("min_free_disk_mb", &self.min_free_disk_mb)
            .field("workers", &self.workers)
            .field("public_url", &self.public_url)
            .field("public_url_configured", &self.public_url_configured)
            .field("ticket_prefix", &self.ticket_prefix)
            .field("fonts", &self.fonts)
            .field("sign_in_per_minute", &self.sign_in_per_minute)
            .field("verify_per_minute", &self.verify_per_minute)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("metrics_token", &self.metrics_token)
            .field("metrics_bind", &self.metrics_bind)
            .field("evidence_url", &self.evidence_url)
            .finish()
    }
}
