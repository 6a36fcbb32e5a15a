//! Prepared statements stay prepared: SQLite counts, per statement, how often
//! it had to be parsed and planned again (`SQLITE_STMTSTATUS_REPREPARE`).
//! A query that binds its LIMIT does that on every run with the bundled
//! SQLite; these tests fail if such a query comes back on a hot path. And
//! every statement run is one kept prepared: a statement diesel does not
//! cache (an `IN` list, a multi-row `INSERT`) is prepared, run once and
//! thrown away, so its runs are missing from the counts of the statements
//! that stay.

#![allow(unsafe_code)]
use crate::common::*;
use crate::patrol::{B1, check_in_ago, officer_id, plan_all_day, scan_ago, world};
use libsqlite3_sys as ffi;
use serde_json::json;
use std::collections::HashMap;
use std::ffi::{CStr, c_char, c_int, c_uint, c_void};
use std::sync::{Mutex, Once};

/// Every SQLite connection opened in this process after `watch()`, with the
/// file it opened. Only the handles of the calling test's own database are
/// ever read, and that database outlives the reading.
static OPENED: Mutex<Vec<(usize, String)>> = Mutex::new(Vec::new());

unsafe extern "C" fn record_connection(
    db: *mut ffi::sqlite3,
    _err: *mut *mut c_char,
    _api: *const ffi::sqlite3_api_routines,
) -> c_int {
    // SAFETY: SQLite calls this with an open connection; "main" is its
    // first database, whose file name SQLite owns while it is open.
    let name = unsafe {
        let f = ffi::sqlite3_db_filename(db, c"main".as_ptr());
        if f.is_null() {
            String::new()
        } else {
            CStr::from_ptr(f).to_string_lossy().into_owned()
        }
    };
    OPENED.lock().unwrap().push((db as usize, name));
    // SAFETY: `count_run` has the signature SQLite expects of a trace
    // callback and keeps no pointer it is given.
    unsafe {
        ffi::sqlite3_trace_v2(
            db,
            ffi::SQLITE_TRACE_STMT as c_uint,
            Some(count_run),
            std::ptr::null_mut(),
        )
    };
    ffi::SQLITE_OK
}

/// Runs of data statements begun so far, by connection.
static RUNS_BEGUN: Mutex<Option<HashMap<usize, i64>>> = Mutex::new(None);

/// Queries and changes, not transaction control or settings (which
/// `sqlite3_exec` prepares for each run, as diesel issues them).
fn is_data_statement(sql: &str) -> bool {
    let word: String = sql
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    matches!(
        word.to_ascii_uppercase().as_str(),
        "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "WITH"
    )
}

unsafe extern "C" fn count_run(
    _event: c_uint,
    _context: *mut c_void,
    stmt: *mut c_void,
    sql: *mut c_void,
) -> c_int {
    // SAFETY: for SQLITE_TRACE_STMT SQLite passes the statement and its
    // text (or, for a trigger, a comment), both valid during the call.
    let (db, sql) = unsafe {
        (
            ffi::sqlite3_db_handle(stmt as *mut ffi::sqlite3_stmt) as usize,
            CStr::from_ptr(sql as *const c_char).to_string_lossy(),
        )
    };
    if is_data_statement(&sql) {
        *RUNS_BEGUN
            .lock()
            .unwrap()
            .get_or_insert_with(HashMap::new)
            .entry(db)
            .or_default() += 1;
    }
    0
}

fn watch() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // SAFETY: registers a callback with the signature SQLite expects.
        let rc = unsafe { ffi::sqlite3_auto_extension(Some(record_connection)) };
        assert_eq!(rc, ffi::SQLITE_OK);
    });
}

/// What SQLite has counted so far over every connection to the file of
/// `url`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Counts {
    /// Re-prepares of the statements kept prepared.
    reprepares: i64,
    /// Runs of the data statements kept prepared.
    runs_kept: i64,
    /// Runs of data statements begun, kept prepared or not.
    runs_begun: i64,
}

fn counts(url: &str) -> Counts {
    let path = url.trim_start_matches("sqlite://");
    let path = std::fs::canonicalize(path).unwrap();
    let opened = OPENED.lock().unwrap();
    let begun = RUNS_BEGUN.lock().unwrap().clone().unwrap_or_default();
    let mut total = Counts {
        reprepares: 0,
        runs_kept: 0,
        runs_begun: 0,
    };
    let mut connections = 0;
    for (db, name) in opened.iter() {
        if std::fs::canonicalize(name).ok().as_deref() != Some(path.as_path()) {
            continue;
        }
        connections += 1;
        total.runs_begun += begun.get(db).copied().unwrap_or(0);
        let db = *db as *mut ffi::sqlite3;
        // SAFETY: the test's app holds this connection open in its pool,
        // idle between requests; SQLite serialises access to its list of
        // statements.
        unsafe {
            let mut stmt = ffi::sqlite3_next_stmt(db, std::ptr::null_mut());
            while !stmt.is_null() {
                total.reprepares += i64::from(ffi::sqlite3_stmt_status(
                    stmt,
                    ffi::SQLITE_STMTSTATUS_REPREPARE,
                    0,
                ));
                let sql = CStr::from_ptr(ffi::sqlite3_sql(stmt)).to_string_lossy();
                if is_data_statement(&sql) {
                    total.runs_kept += i64::from(ffi::sqlite3_stmt_status(
                        stmt,
                        ffi::SQLITE_STMTSTATUS_RUN,
                        0,
                    ));
                }
                stmt = ffi::sqlite3_next_stmt(db, stmt);
            }
        }
    }
    assert!(
        connections > 0,
        "no connection to {} was seen",
        path.display()
    );
    total
}

#[actix_web::test]
async fn check_ins_and_authenticated_reads_are_not_parsed_again() {
    // Re-prepares are counted by SQLite only.
    on_sqlite_only();
    watch();
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    // A batch long enough for the many-row insert and some single rows.
    let batch = |from: i64| {
        let items: Vec<_> = (0..70)
            .map(|i| {
                let mut s = scan_ago(&w.app, w.b1, B1, chrono::Duration::seconds(from - i));
                s.as_object_mut().unwrap().remove("sent_monotonic");
                s
            })
            .collect();
        let srv = &srv;
        let token = w.officer.clone();
        async move {
            let r = post(
                srv,
                "/api/v1/checkins/batch",
                Some(&token),
                json!({"items": items}),
            )
            .await;
            assert_eq!(r.status, 200, "{}", r.body);
            assert_eq!(r.body["rejected"], 0, "{}", r.body);
        }
    };
    // Every statement is prepared once while warming up; the pool may hand
    // out any of its connections, so warm them all.
    for i in 0..16 {
        assert_eq!(check_in_ago(&w, &srv, 7200 - i).await.status, 201);
        assert_eq!(get(&srv, "/api/v1/me", &w.officer).await.status, 200);
    }
    batch(7000).await;
    let before = counts(&w.app.db.url);
    for i in 0..20 {
        assert_eq!(check_in_ago(&w, &srv, 300 - i).await.status, 201);
        assert_eq!(get(&srv, "/api/v1/me", &w.officer).await.status, 200);
        assert_eq!(get(&srv, "/api/v1/me", &w.sup).await.status, 200);
    }
    batch(3600).await;
    let after = counts(&w.app.db.url);
    assert_eq!(
        after.reprepares - before.reprepares,
        0,
        "statements were parsed again during 20 check-ins, a batch and 40 reads"
    );
    let begun = after.runs_begun - before.runs_begun;
    assert!(
        begun > 40,
        "the runs were not counted: {before:?} {after:?}"
    );
    assert_eq!(
        begun,
        after.runs_kept - before.runs_kept,
        "statements were prepared for one run and thrown away during 20 check-ins, a batch and 40 reads"
    );
}

/// On PostgreSQL the lookups of a check-in group are one statement over
/// arrays, and it must stay prepared (diesel's `sql_query` never is: each
/// run would be parsed and planned again, which costs more than running
/// it). A connection lists only its own prepared statements.
#[actix_web::test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
async fn the_look_back_of_a_check_in_group_stays_prepared_on_postgres() {
    use epatrol::patrol::checkin::CheckinKind;
    use epatrol::patrol::store::{LookBack, Span, scans_around};
    require_postgres();
    let w = world().await;
    let mut conn = w.app.state.pool.get().unwrap();
    let officer = epatrol::domain::UserId(officer_id(&w.app, "O1101"));
    let now = epatrol::db::now();
    let span = Span {
        officer,
        earliest: now - chrono::Duration::minutes(5),
        latest: now,
    };
    let look_back = LookBack {
        officer,
        box_id: epatrol::domain::BoxId(w.b1),
        kind: CheckinKind::Visit,
        since: now - chrono::Duration::minutes(10),
        until: now,
    };
    for n in 1..=3 {
        let spans = vec![span; n];
        let look_backs = vec![look_back; n];
        scans_around(&mut conn, &spans, &look_backs).unwrap();
    }
    assert_eq!(
        prepared_like(&mut conn, "WITH span AS%"),
        1,
        "the look-back is not kept prepared"
    );
}

/// Statements this connection keeps prepared whose text is `LIKE` `pattern`.
fn prepared_like(conn: &mut epatrol::db::DbConn, pattern: &str) -> i64 {
    use diesel::prelude::*;
    diesel::sql_query("SELECT count(*) AS n FROM pg_prepared_statements WHERE statement LIKE $1")
        .bind::<diesel::sql_types::Text, _>(pattern)
        .get_result::<Count>(conn)
        .unwrap()
        .n
}

#[actix_web::test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
async fn check_ins_and_their_audit_entries_are_inserted_by_statements_kept_prepared_on_postgres() {
    use diesel::prelude::*;
    use epatrol::patrol::checkin::{CheckinKind, CheckinStatus};
    use epatrol::patrol::clock::TimeSource;
    use epatrol::patrol::store::{NewCheckin, insert_checkins};
    require_postgres();
    let w = world().await;
    let mut conn = w.app.state.pool.get().unwrap();
    let officer = epatrol::domain::UserId(officer_id(&w.app, "O1101"));
    let unit: i64 = epatrol::db::schema::users::table
        .find(officer.0)
        .select(epatrol::db::schema::users::unit_id)
        .first(&mut *conn)
        .unwrap();
    let now = epatrol::db::now();
    let row = |n: usize| NewCheckin {
        client_id: uuid::Uuid::new_v4().to_string(),
        officer_id: officer,
        box_id: epatrol::domain::BoxId(w.b1),
        unit_id: epatrol::domain::UnitId(unit),
        kind: CheckinKind::Visit,
        occurred_at: now - chrono::Duration::hours(n as i64 + 1),
        time_source: TimeSource::DeviceClock,
        device_time: now,
        received_at: now,
        lat: 22.99,
        lon: 120.21,
        accuracy_m: 5.0,
        distance_m: 3.0,
        mock_location: false,
        status: CheckinStatus::Accepted,
        flags: String::new(),
        plan_id: None,
        device: n.is_multiple_of(2).then(|| "handheld".to_owned()),
        request_fingerprint: None,
        clock_offset_ms: Some(n as i64),
    };
    for n in 1..=3 {
        let rows: Vec<NewCheckin> = (0..n).map(row).collect();
        let inserted = insert_checkins(&mut conn, &rows).unwrap();
        assert_eq!(inserted.len(), n);
        // The same rows again are skipped, not inserted twice.
        assert!(insert_checkins(&mut conn, &rows).unwrap().is_empty());
        let entries = (0..n)
            .map(|i| epatrol::audit::Entry::new("test.entry", "test").object(i))
            .collect();
        epatrol::audit::append_all(&mut conn, entries).unwrap();
    }
    for table in ["checkins", "audit_log"] {
        assert_eq!(
            prepared_like(&mut conn, &format!("INSERT INTO {table} %")),
            1,
            "inserts into {table} are not one prepared statement"
        );
    }
    let stored: i64 = epatrol::db::schema::checkins::table
        .filter(epatrol::db::schema::checkins::clock_offset_ms.is_not_null())
        .filter(epatrol::db::schema::checkins::officer_id.eq(officer))
        .count()
        .get_result(&mut *conn)
        .unwrap();
    assert!(stored >= 6, "{stored}");
}

/// Plans made for one run's values and counted by PostgreSQL, for the
/// statements this connection keeps prepared whose text is `LIKE` `pattern`:
/// (generic plans, custom plans).
fn plans_like(conn: &mut epatrol::db::DbConn, pattern: &str) -> (i64, i64) {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Plans {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        generic: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        custom: i64,
    }
    let p = diesel::sql_query(
        "SELECT COALESCE(sum(generic_plans), 0)::int8 AS generic, COALESCE(sum(custom_plans), 0)::int8 AS custom \
         FROM pg_prepared_statements WHERE statement LIKE $1",
    )
    .bind::<diesel::sql_types::Text, _>(pattern)
    .get_result::<Plans>(conn)
    .unwrap();
    (p.generic, p.custom)
}

/// The check-in writers' connections plan each statement once: PostgreSQL
/// would otherwise plan the first five runs of every statement for their
/// values, and keep doing so for some bound to arrays.
#[actix_web::test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
async fn the_check_in_writers_statements_are_planned_once_on_postgres() {
    use diesel::prelude::*;
    use epatrol::patrol::store::checkins_by_client_ids;
    require_postgres();
    let w = world().await;
    let lookups = |conn: &mut epatrol::db::DbConn| {
        for n in 1..=8 {
            let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
            assert!(checkins_by_client_ids(conn, &ids).unwrap().is_empty());
        }
        plans_like(conn, "%\"client_id\" = ANY(%")
    };
    let mut writers = w.app.state.pool.get().unwrap();
    let mut others = w.app.state.pool.get().unwrap();
    epatrol::db::plan_generically(&mut writers, true).unwrap();
    let (generic, custom) = lookups(&mut writers);
    assert_eq!(custom, 0, "a writer's statement was planned for its values");
    assert!(generic >= 1, "the lookup was not kept prepared");
    let (_, custom) = lookups(&mut others);
    assert!(
        custom >= 5,
        "the count of plans does not tell the two apart"
    );

    // Back to PostgreSQL's choice before the connection goes back.
    epatrol::db::plan_generically(&mut writers, false).unwrap();
    #[derive(QueryableByName)]
    struct Mode {
        #[diesel(sql_type = diesel::sql_types::Text)]
        plan_cache_mode: String,
    }
    let mode: Mode = diesel::sql_query("SHOW plan_cache_mode")
        .get_result(&mut *writers)
        .unwrap();
    assert_eq!(mode.plan_cache_mode, "auto");
}

/// A writer's plans are made once, from the tables as they are when it
/// starts: on a new city's database, its check-ins table empty and
/// analysed so, PostgreSQL chose sequential scans and kept them while the
/// table grew. The writers' lookups read check-ins through their indexes
/// whatever the statistics say (counted in the backend's own table
/// statistics, which no other backend touches).
#[actix_web::test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
async fn a_writers_lookups_use_the_indexes_even_on_an_empty_table_on_postgres() {
    use diesel::prelude::*;
    use epatrol::patrol::checkin::CheckinKind;
    use epatrol::patrol::store::{LookBack, Span, checkins_by_client_ids, scans_around};
    require_postgres();
    let w = world().await;
    let officer = epatrol::domain::UserId(officer_id(&w.app, "O1101"));
    #[derive(QueryableByName)]
    struct Scans {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        seq_scan: i64,
    }
    let lookups = |conn: &mut epatrol::db::DbConn| {
        let now = epatrol::db::now();
        let hour = chrono::Duration::hours(1);
        let seq_scans = |conn: &mut epatrol::db::DbConn| {
            diesel::sql_query(
                "SELECT seq_scan FROM pg_stat_xact_user_tables WHERE relname = 'checkins'",
            )
            .get_result::<Scans>(conn)
            .map(|s| s.seq_scan)
        };
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            // What the backend has not yet reported counts too: the
            // difference is these lookups'.
            let before = seq_scans(conn)?;
            for n in 1..=3 {
                let ids: Vec<String> = (0..n).map(|_| uuid::Uuid::new_v4().to_string()).collect();
                checkins_by_client_ids(conn, &ids)?;
                let spans = [Span {
                    officer,
                    earliest: now - hour,
                    latest: now,
                }];
                let look_backs = [LookBack {
                    officer,
                    box_id: epatrol::domain::BoxId(w.b1),
                    kind: CheckinKind::Visit,
                    since: now - hour * 2,
                    until: now - hour,
                }];
                scans_around(conn, &spans, &look_backs)?;
            }
            Ok(seq_scans(conn)? - before)
        })
        .unwrap()
    };
    let mut conn = w.app.state.pool.get().unwrap();
    diesel::sql_query("TRUNCATE checkin_reviews, checkins")
        .execute(&mut *conn)
        .unwrap();
    diesel::sql_query("ANALYZE checkins")
        .execute(&mut *conn)
        .unwrap();
    // Planned for their values, the lookups of an empty table scan it all:
    // the count tells the two apart.
    assert!(lookups(&mut conn) > 0, "no sequential scan to avoid");
    // Each statement planned anew under the writer's settings.
    drop(conn);
    let mut writer = w.app.state.pool.get().unwrap();
    diesel::sql_query("DISCARD PLANS")
        .execute(&mut *writer)
        .unwrap();
    epatrol::db::plan_generically(&mut writer, true).unwrap();
    let scans = lookups(&mut writer);
    epatrol::db::plan_generically(&mut writer, false).unwrap();
    assert_eq!(scans, 0, "a writer's lookup scanned the check-ins table");
}

/// The bundled SQLite is built in multi-thread mode (`.cargo/config.toml`):
/// no lock is taken around each call on a connection, which one thread uses
/// at a time anyway.
#[test]
fn sqlite_takes_no_lock_per_call_on_a_connection() {
    // SAFETY: a plain read of a compile-time setting.
    assert_eq!(unsafe { ffi::sqlite3_threadsafe() }, 2);
}
