//! SQLite's WAL copied back into the database file by a thread of its own.
//!
//! By default the connection whose commit takes the WAL past 1,000 pages
//! copies it back into the database (a checkpoint) before that commit
//! returns: the copy and two more fsyncs, 8 to 20 ms after a batch of a
//! thousand check-ins, paid by whichever upload crossed the line while it
//! holds the writer lock and everyone behind it waits. Here a thread with a
//! connection of its own checkpoints soon after commits instead, as SQLite's
//! documentation suggests for applications that mind commit latency. The
//! checkpoint is PASSIVE: it takes no writer lock, so writers carry on
//! meanwhile, and it changes nothing about durability (every commit is
//! already in the WAL, synced, before it is answered).
//!
//! The thread looks at the WAL file every [`PAUSE`] and checkpoints when it
//! was written since its last look: commits of that time share one
//! checkpoint, and an idle database costs a `stat` now and then. The
//! writers keep SQLite's own checkpoint at a larger size
//! ([`BACKSTOP_PAGES`]), so the WAL stays bounded should this thread fall
//! behind or fail to open its connection.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};

/// WAL pages at which a writer checkpoints by itself (about 32 MiB with
/// SQLite's 4 KiB pages): eight times SQLite's default, reached only when
/// this thread has not kept up.
pub const BACKSTOP_PAGES: u32 = 8_000;

/// The largest a checkpointed WAL is left on disk (bytes); beyond it
/// SQLite truncates the file when it starts over.
pub const WAL_SIZE_LIMIT: u64 = 64 * 1024 * 1024;

/// Time between looks at the WAL.
const PAUSE: Duration = Duration::from_millis(50);

/// Pauses after which an unchanged-looking WAL is checkpointed all the
/// same: one second.
const LOOK_AGAIN_AFTER: u32 = 20;

/// The thread checkpointing one database file; it ends when this is
/// dropped (with the last clone of the pool's manager).
#[derive(Debug)]
pub struct Checkpointer {
    /// Set when the thread is to end, and the signal that it is.
    stop: Arc<(Mutex<bool>, Condvar)>,
}

impl Checkpointer {
    pub fn start(path: &Path) -> std::io::Result<Self> {
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let (path, stopped) = (path.to_path_buf(), stop.clone());
        std::thread::Builder::new()
            .name("sqlite-checkpoint".into())
            .spawn(move || run(&path, &stopped))?;
        Ok(Checkpointer { stop })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        let (flag, signal) = &*self.stop;
        *flag.lock().unwrap_or_else(PoisonError::into_inner) = true;
        signal.notify_all();
    }
}

/// What the WAL file looks like now; `None` while there is none.
fn wal_state(wal: &Path) -> Option<(u64, SystemTime)> {
    let meta = std::fs::metadata(wal).ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

fn run(path: &Path, stop: &(Mutex<bool>, Condvar)) {
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let wal = PathBuf::from(wal);
    let mut seen = wal_state(&wal);
    // Opened once there is a WAL to copy, by when the file is in WAL mode.
    let mut conn: Option<SqliteConnection> = None;
    // A WAL restarted after a checkpoint can be written back to the same
    // length within one tick of the file clock, looking unchanged: every
    // so often it is checkpointed anyway (cheap when nothing is left).
    let mut unchanged = 0u32;
    loop {
        {
            let (flag, signal) = stop;
            let stopped = flag.lock().unwrap_or_else(PoisonError::into_inner);
            let (stopped, _) = signal
                .wait_timeout_while(stopped, PAUSE, |stopped| !*stopped)
                .unwrap_or_else(PoisonError::into_inner);
            if *stopped {
                return;
            }
        }
        let now = wal_state(&wal);
        if now.is_none() {
            continue;
        }
        if now == seen && unchanged < LOOK_AGAIN_AFTER {
            unchanged += 1;
            continue;
        }
        unchanged = 0;
        // Taken before the checkpoint, which writes the database and the
        // WAL's index but not the WAL: a commit made meanwhile is seen at
        // the next look.
        seen = now;
        if conn.is_none() {
            conn = open(path)
                .inspect_err(|e| tracing::warn!(error = %e, "opening the checkpoint connection"))
                .ok();
        }
        if let Some(c) = &mut conn
            && let Err(e) = c.batch_execute("PRAGMA wal_checkpoint(PASSIVE)")
        {
            tracing::warn!(error = %e, "checkpointing the WAL");
            conn = None;
        }
    }
}

fn open(path: &Path) -> anyhow::Result<SqliteConnection> {
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
    conn.batch_execute(&format!(
        "PRAGMA busy_timeout = 10000; PRAGMA journal_size_limit = {WAL_SIZE_LIMIT};"
    ))?;
    Ok(conn)
}
