//! epatrol: the backend of a city police department's M-Police handhelds.

pub mod app;
pub mod audit;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod ops;
pub mod org;
pub mod pagination;
pub mod seed;
pub mod state;
pub mod telemetry;

use std::sync::Arc;

/// Opens the database (migrating it) and loads the keys: everything the
/// HTTP app needs.
pub fn init_state(settings: config::Settings) -> anyhow::Result<state::AppState> {
    let pool = db::connect_and_migrate(&settings)?;
    let keys = auth::token::TokenKeys::load(&settings)?;
    Ok(state::AppState {
        pool,
        keys: Arc::new(keys),
        settings: Arc::new(settings),
    })
}
