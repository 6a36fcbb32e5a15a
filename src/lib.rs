//! epatrol: the backend of a city police department's M-Police handhelds.

pub mod admission;
pub mod api_document;
pub mod app;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod config;
pub mod console;
pub mod contracts;
pub mod cores;
pub mod csv_import;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod evidence;
pub mod idempotency;
pub mod json_body;
pub mod keys_of_record;
pub mod ops;
pub mod org;
pub mod pagination;
pub mod password;
pub mod patrol;
pub mod print;
pub mod problem_fallback;
pub mod quality;
pub mod ratelimit;
pub mod registry;
pub mod report_format;
pub mod request_shape;
pub mod secrets;
pub mod security_headers;
pub mod server;
pub mod sessions;
pub mod signing;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tickets;
pub mod transfer;
pub mod visibility;

/// Opens the database (migrating it) with the audit key loaded, so that
/// whatever runs on it can append to the audit log.
pub fn open_database(settings: &config::Settings) -> anyhow::Result<db::Pool> {
    open_database_as(settings, keys_of_record::Mode::Serve)
}

/// Opens the database to read it: no key is generated or recorded
/// (`epatrol audit verify`).
pub fn open_database_read_only(settings: &config::Settings) -> anyhow::Result<db::Pool> {
    open_database_as(settings, keys_of_record::Mode::ReadOnly)
}

fn open_database_as(
    settings: &config::Settings,
    mode: keys_of_record::Mode,
) -> anyhow::Result<db::Pool> {
    let pool = db::connect_and_migrate(settings)?;
    let audit_key = keys_of_record::load(
        &mut *pool.get()?,
        settings,
        &keys_of_record::AUDIT_KEY,
        mode,
    )?;
    audit::key::install(&audit_key);
    Ok(pool)
}
