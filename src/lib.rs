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
pub mod request_shape;
pub mod secrets;
pub mod security_headers;
pub mod seed;
pub mod server;
pub mod sessions;
pub mod signing;
pub mod simulate;
pub mod state;
pub mod telemetry;
pub mod tickets;
pub mod transfer;
pub mod visibility;

use std::sync::Arc;

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

/// Opens the database (migrating it) and loads the keys: everything the
/// HTTP app needs.
pub fn init_state(settings: config::Settings) -> anyhow::Result<state::AppState> {
    let pool = open_database(&settings)?;
    tickets::catalog_store::ensure_loaded(&mut *pool.get()?)
        .map_err(|e| anyhow::anyhow!("loading the violation catalog: {e}"))?;
    let fonts = print::fonts::load(&settings.fonts)?;
    let (keys, box_codes) = {
        let mut conn = pool.get()?;
        let serve = keys_of_record::Mode::Serve;
        let token = keys_of_record::load(&mut conn, &settings, &keys_of_record::TOKEN_KEY, serve)?;
        let box_codes =
            keys_of_record::load(&mut conn, &settings, &keys_of_record::BOX_CODE_KEY, serve)?;
        (auth::token::TokenKeys::from_secret(&token), box_codes)
    };
    let postgres_url = matches!(
        config::DatabaseKind::from_url(&settings.database_url),
        Ok(config::DatabaseKind::Postgres)
    )
    .then_some(settings.database_url.as_str());
    let sessions = auth::cache::SessionCache::for_database(postgres_url);
    let signing_keys = Arc::new(signing::SigningKeys::new(box_codes));
    let clock = clock::Clock::real();
    // SQLite has one writer. PostgreSQL takes several groups at once; on
    // two cores, against a table holding weeks of check-ins, two writers
    // did better than one, three or four (one leaves the database idle
    // while its group is judged; more make smaller groups and more
    // commits), see docs/performance.md.
    let writers = if postgres_url.is_some() { 2 } else { 1 };
    let checkins = patrol::checkin::group::GroupCommit::start(
        patrol::checkin::group::WriterContext {
            pool: pool.clone(),
            keys: signing_keys.clone(),
            clock: clock.clone(),
        },
        writers,
    )?;
    Ok(state::AppState {
        pool,
        sessions,
        uploads: admission::WriteAdmission::new(
            settings.write_wait_limit,
            settings.write_always_admitted,
        ),
        keys: Arc::new(keys),
        signing_keys,
        checkins,
        limits: Arc::new(ratelimit::Limits::new(&settings)),
        clock,
        fonts,
        evidence: evidence::open(&settings)?,
        settings: Arc::new(settings),
    })
}
