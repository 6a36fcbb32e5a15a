//! Statements sent to the database per check-in upload, counted by diesel
//! as it sends them. On PostgreSQL each statement is a round trip, and the
//! check-in writers' round trips bound their rate more than the work each
//! statement does; these tests fail if a statement is added to the path.

use crate::common::post;
use crate::patrol::{B1, check_in_ago, officer_id, plan_all_day, scan_ago, world};
use diesel::connection::{Instrumentation, InstrumentationEvent, set_default_instrumentation};
use std::collections::HashMap;
use std::sync::{Mutex, Once};

/// Statements begun so far, by the URL their connection was opened with.
static BEGUN: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);

/// Counts the statements of one connection under the URL it was opened
/// with (diesel tells it before connecting).
#[derive(Default)]
struct StatementCounter {
    url: Option<String>,
}

impl Instrumentation for StatementCounter {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        match event {
            InstrumentationEvent::StartEstablishConnection { url, .. } => {
                self.url = Some(url.to_owned());
            }
            InstrumentationEvent::StartQuery { query, .. } => {
                // The checkpoint thread's, sent whenever the WAL has grown,
                // are nobody's upload.
                if query.to_string().contains("wal_checkpoint") {
                    return;
                }
                if let Some(url) = &self.url {
                    let mut begun = BEGUN.lock().unwrap();
                    *begun
                        .get_or_insert_with(HashMap::new)
                        .entry(url.clone())
                        .or_default() += 1;
                }
            }
            _ => {}
        }
    }
}

/// Counts every connection opened from now on.
fn watch() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        set_default_instrumentation(|| Some(Box::new(StatementCounter::default()))).unwrap();
    });
}

/// Statements begun so far on connections to the database at `url`.
fn begun(url: &str) -> u64 {
    let begun = BEGUN.lock().unwrap();
    let name = |u: &str| u.trim_start_matches("sqlite://").to_owned();
    begun
        .as_ref()
        .map(|b| {
            b.iter()
                .filter(|(u, _)| name(u) == name(url))
                .map(|(_, n)| n)
                .sum()
        })
        .unwrap_or(0)
}

/// What one check-in upload sends, in a group of its own (uploads made one
/// after another): the transaction's begin and commit; the client id; the
/// box with the code keys in force (one statement on PostgreSQL, two on
/// SQLite); the plans; the scans around (one statement on PostgreSQL, one
/// per bound on SQLite: the nearest before, the nearest after and the
/// latest of its kind at the box); the insert (on SQLite between two reads
/// of the largest id, which give the new rows' ids); on PostgreSQL the
/// audit chain's lock (SQLite's write transaction serialises already); the
/// chain's head and its new entry.
const PER_CHECK_IN_POSTGRES: u64 = 10;
const PER_CHECK_IN_SQLITE: u64 = 14;

#[actix_web::test]
async fn a_check_in_upload_sends_a_fixed_number_of_statements() {
    watch();
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    // The writers and the pool open their connections while warming up.
    for i in 0..4 {
        assert_eq!(check_in_ago(&w, &srv, 7200 - i * 300).await.status, 201);
    }
    // The scans are signed first: signing reads the box and its key.
    let uploads: Vec<_> = (0..6)
        .map(|i| scan_ago(&w.app, w.b1, B1, chrono::Duration::seconds(600 - i * 30)))
        .collect();
    let before = begun(&w.app.db.url);
    for body in &uploads {
        let r = post(&srv, "/api/v1/checkins", Some(&w.officer), body.clone()).await;
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let sent = begun(&w.app.db.url) - before;
    let expected = if w.app.db.is_postgres() {
        PER_CHECK_IN_POSTGRES
    } else {
        PER_CHECK_IN_SQLITE
    };
    assert_eq!(
        sent,
        expected * uploads.len() as u64,
        "statements sent for {} check-ins, one after another",
        uploads.len()
    );
}
