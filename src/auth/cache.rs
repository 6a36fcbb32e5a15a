//! Signed-in sessions remembered in process, so an authenticated request
//! needs no database read. Revocation still takes effect at once: whatever
//! can end a session or change who its caller is (signing out, a password
//! change or reset, disabling an account or a unit) calls
//! `sessions_changed`, which empties the caches of this process once its
//! transaction commits and, on PostgreSQL, notifies every other node
//! (`NOTIFY epatrol_sessions`, delivered on commit). A node whose listener
//! is not connected cannot hear other nodes, so it remembers nothing until
//! it listens again.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::Duration;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::org::directory::{UnitRow, UserRow};

/// The channel other nodes listen on.
pub const CHANNEL: &str = "epatrol_sessions";

/// More sessions than this and the cache starts again empty: a bound on
/// memory that costs one read per session when reached.
const MAX_ENTRIES: usize = 200_000;

/// Changes committed by this process; every cache compares it with the
/// value it last saw.
static LOCAL_CHANGES: AtomicU64 = AtomicU64::new(0);

fn bump_local() {
    LOCAL_CHANGES.fetch_add(1, Ordering::SeqCst);
}

/// Sessions, accounts or units changed: forget what was remembered, here
/// once the transaction commits and on every node through PostgreSQL.
pub fn sessions_changed(conn: &mut DbConn) -> QueryResult<()> {
    if let DbConn::Pg(pg) = conn {
        diesel::sql_query(format!("NOTIFY {CHANNEL}")).execute(pg)?;
    }
    crate::db::after_commit(bump_local);
    Ok(())
}

/// What a session's requests need to know about their caller.
#[derive(Debug)]
pub struct CachedSession {
    pub session_id: String,
    /// When the session itself ends (its refresh tokens, a console sign-in).
    pub expires_at: chrono::NaiveDateTime,
    pub user: UserRow,
    pub unit: UnitRow,
}

/// Taken before reading the database: an entry read under an older stamp
/// is not kept, since a change may have committed while it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    local: u64,
    remote: u64,
}

#[derive(Default)]
struct Entries {
    seen_local: u64,
    by_session: HashMap<String, Arc<CachedSession>>,
}

pub struct SessionCache {
    entries: RwLock<Entries>,
    /// Notifications heard from other nodes (and listener restarts).
    remote: AtomicU64,
    /// Whether entries may be used at all.
    live: AtomicBool,
}

impl SessionCache {
    /// A cache that is in use at once (one node, SQLite) or only once a
    /// listener says it hears the other nodes.
    fn new(live: bool) -> Arc<Self> {
        Arc::new(SessionCache {
            entries: RwLock::new(Entries {
                seen_local: LOCAL_CHANGES.load(Ordering::SeqCst),
                by_session: HashMap::new(),
            }),
            remote: AtomicU64::new(0),
            live: AtomicBool::new(live),
        })
    }

    /// The cache for a database: on PostgreSQL it starts a listener thread
    /// on its own connection to `url`, which ends with the cache.
    pub fn for_database(postgres_url: Option<&str>) -> Arc<Self> {
        let Some(url) = postgres_url else {
            return Self::new(true);
        };
        let cache = Self::new(false);
        let weak = Arc::downgrade(&cache);
        let url = url.to_owned();
        let started = std::thread::Builder::new()
            .name("sessions-listener".into())
            .spawn(move || listen(&url, &weak));
        if let Err(e) = started {
            tracing::warn!(error = %e, "session listener not started; sessions are read on every request");
        }
        cache
    }

    /// Whether sessions are remembered: on PostgreSQL, whether this node
    /// hears the others.
    pub fn is_listening(&self) -> bool {
        self.live.load(Ordering::SeqCst)
    }

    pub fn stamp(&self) -> Stamp {
        Stamp {
            local: LOCAL_CHANGES.load(Ordering::SeqCst),
            remote: self.remote.load(Ordering::SeqCst),
        }
    }

    pub fn get(&self, session_id: &str) -> Option<Arc<CachedSession>> {
        if !self.live.load(Ordering::SeqCst) {
            return None;
        }
        let local = LOCAL_CHANGES.load(Ordering::SeqCst);
        {
            let entries = self.entries.read().ok()?;
            if entries.seen_local == local {
                return entries.by_session.get(session_id).cloned();
            }
        }
        let mut entries = self.entries.write().ok()?;
        if entries.seen_local != local {
            entries.by_session.clear();
            entries.seen_local = local;
        }
        None
    }

    #[cfg(test)]
    fn put(&self, stamp: Stamp, session: CachedSession) {
        self.put_shared(stamp, Arc::new(session));
    }

    /// Keeps `session`, read under `stamp`, unless something changed since.
    pub fn put_shared(&self, stamp: Stamp, session: Arc<CachedSession>) {
        if !self.live.load(Ordering::SeqCst) {
            return;
        }
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        // Compared under the lock: `forget_all` moves the stamp before
        // taking it, so an entry either misses the new stamp or is cleared.
        if self.stamp() != stamp || entries.seen_local != stamp.local {
            return;
        }
        if entries.by_session.len() >= MAX_ENTRIES {
            entries.by_session.clear();
        }
        entries
            .by_session
            .insert(session.session_id.clone(), session);
    }

    fn forget_all(&self) {
        self.remote.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.write() {
            entries.by_session.clear();
        }
    }

    fn set_live(&self, live: bool) {
        self.forget_all();
        self.live.store(live, Ordering::SeqCst);
        self.forget_all();
    }
}

/// Listens for other nodes' changes until the cache is dropped; while not
/// listening, the cache is not used.
fn listen(url: &str, cache: &Weak<SessionCache>) {
    let mut wait = Duration::from_millis(100);
    loop {
        let Some(strong) = cache.upgrade() else {
            return;
        };
        strong.set_live(false);
        drop(strong);
        match postgres::Client::connect(url, postgres::NoTls) {
            Ok(mut client) => match client.batch_execute(&format!("LISTEN {CHANNEL}")) {
                Ok(()) => {
                    wait = Duration::from_millis(100);
                    let Some(strong) = cache.upgrade() else {
                        return;
                    };
                    strong.set_live(true);
                    drop(strong);
                    if !hear(&mut client, cache) {
                        return;
                    }
                }
                Err(e) => tracing::warn!(error = %e, "LISTEN for session changes failed"),
            },
            Err(e) => {
                tracing::warn!(error = %e, "session listener cannot connect; sessions are read on every request until it does")
            }
        }
        std::thread::sleep(wait);
        wait = (wait * 2).min(Duration::from_secs(5));
    }
}

/// Forgets everything on every notification; `false` once the cache is
/// gone, `true` when the connection failed and must be made again.
fn hear(client: &mut postgres::Client, cache: &Weak<SessionCache>) -> bool {
    loop {
        let next = {
            let mut notifications = client.notifications();
            let mut heard = notifications.timeout_iter(Duration::from_secs(2));
            postgres::fallible_iterator::FallibleIterator::next(&mut heard).map(|n| n.is_some())
        };
        let Some(strong) = cache.upgrade() else {
            return false;
        };
        match next {
            Ok(true) => strong.forget_all(),
            Ok(false) => {
                if client.is_closed() {
                    return true;
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "session listener lost its connection");
                return true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;

    fn session(id: &str) -> CachedSession {
        let at = NaiveDateTime::default();
        CachedSession {
            session_id: id.into(),
            expires_at: at,
            user: UserRow {
                id: crate::domain::UserId(1),
                badge: "O0001".into(),
                name: "王".into(),
                unit_id: crate::domain::UnitId(1),
                role: crate::domain::Role::Officer,
                vendor_id: None,
                password_hash: String::new(),
                disabled_at: None,
                created_at: at,
                updated_at: at,
                must_change_password: false,
            },
            unit: UnitRow {
                id: crate::domain::UnitId(1),
                code: "U".into(),
                name: "單位".into(),
                kind: crate::domain::UnitKind::Station,
                parent_id: None,
                path: "/1/".into(),
                disabled_at: None,
                created_at: at,
            },
        }
    }

    #[test]
    fn an_entry_read_before_a_change_is_not_kept() {
        let cache = SessionCache::new(true);
        let stamp = cache.stamp();
        cache.put(stamp, session("a"));
        assert!(cache.get("a").is_some());

        let stale = cache.stamp();
        cache.forget_all();
        assert!(cache.get("a").is_none());
        cache.put(stale, session("a"));
        assert!(cache.get("a").is_none(), "read before the change");

        let stale = cache.stamp();
        bump_local();
        cache.put(stale, session("b"));
        assert!(cache.get("b").is_none());
        let fresh = cache.stamp();
        cache.put(fresh, session("b"));
        assert!(cache.get("b").is_some());
    }

    #[test]
    fn a_cache_that_cannot_hear_other_nodes_keeps_nothing() {
        let cache = SessionCache::new(false);
        cache.put(cache.stamp(), session("a"));
        assert!(cache.get("a").is_none());
    }
}
