//! Start-up of a node: the database opened and migrated, the keys of
//! record loaded, the catalog in place, the check-in writers running.

use std::sync::Arc;

use crate::config::Settings;
use crate::patrol::checkin::group::GroupCommit;
use crate::state::AppState;
use crate::{
    admission, auth, clock, config, evidence, keys_of_record, open_database, patrol, print,
    ratelimit, signing, tickets,
};

/// What the HTTP application of one node is built from: the state every
/// handler shares, and the writers that commit single check-ins in groups
/// (the check-in upload's own, handed to it as application data).
#[derive(Clone)]
pub struct Node {
    pub state: AppState,
    pub checkins: Arc<GroupCommit>,
}

/// Opens the database (migrating it), loads the keys and starts the
/// check-in writers: everything the HTTP app needs.
pub fn start(settings: Settings) -> anyhow::Result<Node> {
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
    // commits), see docs/performance-history.md.
    let writers = if postgres_url.is_some() { 2 } else { 1 };
    let checkins = patrol::checkin::group::GroupCommit::start(
        patrol::checkin::group::WriterContext {
            pool: pool.clone(),
            keys: signing_keys.clone(),
            clock: clock.clone(),
        },
        writers,
    )?;
    let state = AppState {
        pool,
        sessions,
        uploads: admission::WriteAdmission::new(
            settings.write_wait_limit,
            settings.write_always_admitted,
        ),
        keys: Arc::new(keys),
        signing_keys,
        limits: Arc::new(ratelimit::Limits::new(&settings)),
        clock,
        fonts,
        evidence: evidence::open(&settings)?,
        settings: Arc::new(settings),
    };
    Ok(Node { state, checkins })
}
