//! What every handler shares: the pool, the token keys, the settings.

use std::sync::Arc;

use crate::auth::token::TokenKeys;
use crate::config::Settings;
use crate::db::{DbConn, Pool};
use crate::error::ApiResult;
use crate::signing::SigningKeys;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub keys: Arc<TokenKeys>,
    /// Keys of box codes and ticket verification tags.
    pub signing_keys: Arc<SigningKeys>,
    pub settings: Arc<Settings>,
    pub limits: Arc<crate::ratelimit::Limits>,
    /// The time the service goes by (settable in tests).
    pub clock: crate::clock::Clock,
    /// The fonts prints are drawn with (the bundled face and fallbacks).
    pub fonts: Arc<crate::print::fonts::FontStack>,
    /// Signed-in sessions, so authenticated requests need no database read.
    pub sessions: Arc<crate::auth::cache::SessionCache>,
    /// Whether an upload may start writing now or is told to come back.
    pub uploads: Arc<crate::admission::WriteAdmission>,
    /// Where evidence files of cases are kept.
    pub evidence: Arc<dyn crate::evidence::EvidenceStore>,
}

impl AppState {
    /// Runs database work on the blocking pool with one pooled connection,
    /// released as soon as `f` returns.
    pub async fn db<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.blocking(move |state| f(&mut *state.conn()?)).await
    }

    /// Runs `f` on a pooled connection; if the connection was lost under it
    /// (the database restarted, a network cut, the backend ended), runs it
    /// once more on a fresh one, as the single uploads' writers do: the
    /// client would only send it again. `f` must be safe to run twice —
    /// writes keyed by client ids, where a commit that went through before
    /// the loss is found again and replayed.
    pub async fn db_again_if_lost<T, F>(&self, mut f: F) -> ApiResult<T>
    where
        F: FnMut(&mut DbConn) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        self.blocking(move |state| {
            let mut conn = state.conn()?;
            match f(&mut conn) {
                Err(e)
                    if diesel::r2d2::R2D2Connection::is_broken(&mut *conn)
                        || e.fault() == Some(crate::error::Fault::DatabaseUnavailable) =>
                {
                    tracing::warn!(error = %e, "the connection was lost; writing again on a fresh one");
                    drop(conn);
                    f(&mut *state.conn()?)
                }
                other => other,
            }
        })
        .await
    }

    /// Runs blocking work that needs more than one connection in turn, or
    /// slow work (password hashing) before taking one. `f` must never hold
    /// two connections at once.
    pub async fn blocking<T, F>(&self, f: F) -> ApiResult<T>
    where
        F: FnOnce(&AppState) -> ApiResult<T> + Send + 'static,
        T: Send + 'static,
    {
        // The application's clock and fonts are the ones in use for its work.
        let state = self.clone();
        actix_web::web::block(move || {
            state
                .clock
                .scope(|| crate::print::fonts::scope(&state.fonts, || f(&state)))
        })
        .await?
    }

    /// A pooled connection, for use inside `blocking`.
    pub fn conn(&self) -> ApiResult<crate::db::PooledConn> {
        Ok(self.pool.get()?)
    }
}
