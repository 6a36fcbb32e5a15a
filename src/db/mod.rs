//! Storage: one connection type over SQLite (the embedded default) and
//! PostgreSQL (production), a pool that picks the backend by URL scheme,
//! migrations embedded per backend, and the write-transaction helper.

mod checkpointer;
mod commit_hooks;
pub mod decision_lock;
pub mod fixed_chunks;
pub mod json_in;
pub mod literal_limit;
pub mod pg_arrays;
pub mod schema;
pub mod stored_time;
pub mod text_enum;

use std::time::Duration;

use anyhow::Context;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::R2D2Connection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::{DatabaseKind, Settings, SqliteSync};

pub use commit_hooks::after_commit;
pub use literal_limit::LiteralLimitDsl;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever database the URL named. Queries are written
/// once against this type; `each_backend!` covers what the derive cannot
/// express (upserts, batch inserts).
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

pub type Pool = r2d2::Pool<DbManager>;
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// Runs the same tokens against the concrete connection, so each branch is
/// type-checked for its own backend.
#[macro_export]
macro_rules! each_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Pg($c) => $body,
            $crate::db::DbConn::Sqlite($c) => $body,
        }
    };
}

/// An r2d2 manager that opens the backend named by the URL scheme; the
/// derived `establish` would try PostgreSQL and then accept any string as an
/// SQLite path.
#[derive(Debug, Clone)]
pub struct DbManager {
    url: String,
    kind: DatabaseKind,
    sqlite_sync: SqliteSync,
    /// SQLite's `max_page_count`: the file grows no further.
    sqlite_max_pages: Option<u64>,
    /// SQLite's checkpoints, taken off the writers' commits; shared by the
    /// manager's clones, it stops with the last.
    _checkpointer: Option<std::sync::Arc<checkpointer::Checkpointer>>,
}

impl DbManager {
    pub fn new(url: &str, sqlite_sync: SqliteSync) -> anyhow::Result<Self> {
        let kind = DatabaseKind::from_url(url)
            .map_err(|reason| anyhow::anyhow!("EPATROL_DATABASE_URL: {reason}"))?;
        let checkpointer = match &kind {
            DatabaseKind::Sqlite(path) => Some(std::sync::Arc::new(
                checkpointer::Checkpointer::start(path)
                    .context("starting the checkpoint thread")?,
            )),
            DatabaseKind::Postgres => None,
        };
        Ok(DbManager {
            url: url.to_owned(),
            kind,
            sqlite_sync,
            sqlite_max_pages: None,
            _checkpointer: checkpointer,
        })
    }

    /// Caps an SQLite file at `mb` megabytes: past it, writes fail as on a
    /// full disk (`storage_full`) rather than filling the disk.
    pub fn with_sqlite_max_size_mb(mut self, mb: Option<u64>) -> Self {
        self.sqlite_max_pages = mb.map(|mb| mb * 1024 * 1024 / SQLITE_PAGE_SIZE);
        self
    }
}

/// SQLite's default page size, which this database keeps.
const SQLITE_PAGE_SIZE: u64 = 4096;

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        match &self.kind {
            DatabaseKind::Postgres => PgConnection::establish(&self.url)
                .map(DbConn::Pg)
                .map_err(diesel::r2d2::Error::ConnectionError),
            DatabaseKind::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn = SqliteConnection::establish(&path)
                    .map_err(diesel::r2d2::Error::ConnectionError)?;
                let sync = match self.sqlite_sync {
                    SqliteSync::Full => "FULL",
                    SqliteSync::Normal => "NORMAL",
                };
                // busy_timeout lets writers queue instead of failing at once;
                // foreign keys are off by default in SQLite. A statement that
                // changes several rows keeps a journal to undo itself; in a
                // file that cost a write for every page it touched, and it
                // is never read after a crash (the WAL is), so it stays in
                // memory. Checkpoints are the checkpoint thread's; a writer
                // takes one only past the backstop.
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA synchronous = {sync}; PRAGMA temp_store = MEMORY; \
                     PRAGMA wal_autocheckpoint = {}; PRAGMA journal_size_limit = {};",
                    checkpointer::BACKSTOP_PAGES,
                    checkpointer::WAL_SIZE_LIMIT,
                ))
                .map_err(diesel::r2d2::Error::QueryError)?;
                if let Some(pages) = self.sqlite_max_pages {
                    conn.batch_execute(&format!("PRAGMA max_page_count = {pages};"))
                        .map_err(diesel::r2d2::Error::QueryError)?;
                }
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.ping().map_err(diesel::r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        conn.is_broken()
    }
}

/// Opens the pool, creating the SQLite file's directory and switching it to
/// WAL first, then applies pending migrations.
pub fn connect_and_migrate(settings: &Settings) -> anyhow::Result<Pool> {
    let manager = DbManager::new(&settings.database_url, settings.sqlite_sync)?
        .with_sqlite_max_size_mb(settings.sqlite_max_size_mb);
    if let DatabaseKind::Sqlite(path) = &manager.kind {
        if let Some(dir) = path.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating database directory {}", dir.display()))?;
        }
        make_private(path)?;
    }
    // Checking a connection out of the pool tests it with a statement. A
    // PostgreSQL connection can break between requests; one to a local
    // SQLite file cannot, and there the test was a statement parsed anew on
    // every request.
    let test_on_check_out = manager.kind == DatabaseKind::Postgres;
    let pool = r2d2::Pool::builder()
        .max_size(settings.db_pool_size)
        .test_on_check_out(test_on_check_out)
        .connection_timeout(Duration::from_secs(10))
        .build(manager)
        .context("opening the database (EPATROL_DATABASE_URL)")?;
    let mut conn = pool.get().context("connecting to the database")?;
    run_migrations(&mut conn)?;
    Ok(pool)
}

/// The SQLite file holds personal data: it is created readable by its owner
/// only, and an existing one is narrowed to that. SQLite gives its `-wal`
/// and `-shm` files the database file's mode; those already there are
/// narrowed too.
fn make_private(path: &std::path::Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating the database file {}", path.display()))?;
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
            if file.exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("making {} private", file.display()))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

pub fn run_migrations(conn: &mut DbConn) -> anyhow::Result<()> {
    let applied = match conn {
        DbConn::Pg(c) => {
            // Several API nodes may start at once on one database: the
            // session lock lets one migrate while the others wait.
            c.batch_execute("SELECT pg_advisory_lock(80110000)")
                .context("taking the migration lock")?;
            let result = c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.into_iter().map(|m| m.to_string()).collect::<Vec<_>>());
            c.batch_execute("SELECT pg_advisory_unlock(80110000)")
                .context("releasing the migration lock")?;
            result
        }
        DbConn::Sqlite(c) => {
            // WAL persists in the file and cannot be switched inside a transaction.
            c.batch_execute("PRAGMA journal_mode = WAL;")
                .context("enabling WAL")?;
            c.run_pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.into_iter().map(|m| m.to_string()).collect::<Vec<_>>())
        }
    }
    .map_err(|e| anyhow::anyhow!("applying migrations: {e}"))?;
    for version in applied {
        tracing::info!(migration = %version, "migration applied");
    }
    Ok(())
}

/// SQLite has one writer at a time. Writers of this process queue here, on
/// a futex, rather than in SQLite's busy handler, which polls with growing
/// sleeps: under load that left the lock idle while writers slept, and
/// collapsed throughput to a third with "database is locked" failures.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a transaction that may write. On SQLite it begins with
/// `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction
/// that reads and then writes fails with "database is locked" under
/// concurrency instead of waiting for `busy_timeout`. Nested transactions
/// inside `f` become savepoints as usual.
pub fn write_txn<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    let hooks = commit_hooks::Pending::begin();
    let result = transaction(conn, f);
    hooks.finish(result.is_ok());
    result
}

fn transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Pg(_) => conn.transaction(f),
        DbConn::Sqlite(inner) => {
            // The lock guards no data: after a panic elsewhere it is still
            // good (the pool discards a connection left mid-transaction).
            let _writer = SQLITE_WRITER
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
            match f(conn) {
                Ok(value) => {
                    if let Err(commit_err) =
                        <DbConn as Connection>::TransactionManager::commit_transaction(conn)
                    {
                        let _ =
                            <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
                        return Err(commit_err.into());
                    }
                    Ok(value)
                }
                Err(err) => {
                    // SQLite rolls a transaction back by itself on some
                    // errors (a full disk, an interrupt): the rollback then
                    // finds none, and the error to answer is the first.
                    if let Err(rollback) =
                        <DbConn as Connection>::TransactionManager::rollback_transaction(conn)
                    {
                        tracing::debug!(error = %rollback, "nothing to roll back");
                    }
                    Err(err)
                }
            }
        }
    }
}

/// The current time in UTC (the application's clock inside its database
/// work), cut to whole microseconds: what both databases store, so a value
/// read back equals the value written (the audit chain depends on it).
pub use crate::clock::{now, truncate_micros};

/// On PostgreSQL the check-in writers' statements run with plans made
/// once, not for each run's values (`generic`; or back to PostgreSQL's
/// choice). Their plans are the same whatever the values (index lookups by
/// id, client id, officer and time), but for statements bound to arrays
/// PostgreSQL kept making a custom plan on every run, reading the tables'
/// statistics each time: 4,400–4,600 check-ins/s with plans made once
/// against 3,560–3,650 (docs/performance-history.md).
///
/// A plan made once is made from the tables as they are then, and a writer
/// keeps its connection, and so its plans, until the table is next
/// analysed. On a new city's database, its check-ins table empty when the
/// writers started, the planner chose sequential scans and kept them while
/// the table grew: 32,131 of them in fifteen seconds, 784 check-ins/s where
/// the same server did 2,952 with index lookups. The writers' statements
/// are all meant as index lookups, so sequential scans are priced out of
/// their plans (`enable_seqscan = off` makes them a last resort, not
/// impossible). The price it puts on one left in place (the code keys in
/// force, a table of a row or two) crossed the cost at which PostgreSQL
/// compiles a query to machine code, 96 ms for a lookup of a millisecond;
/// none of these is worth compiling (`jit = off`).
///
/// The settings are the connection's, so they are taken off before the
/// connection goes back to the pool. Nothing on SQLite, which plans a
/// statement once when preparing it, favouring indexes without statistics.
pub fn plan_generically(conn: &mut DbConn, generic: bool) -> diesel::QueryResult<()> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Pg(pg) = conn {
        pg.batch_execute(if generic {
            "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; SET jit = off"
        } else {
            "RESET plan_cache_mode; RESET enable_seqscan; RESET jit"
        })?;
    }
    Ok(())
}

/// Whether the database answers; for `/readyz`.
pub fn ping(pool: &Pool) -> anyhow::Result<()> {
    let mut conn = pool.get()?;
    conn.ping()?;
    Ok(())
}
