//! What the machine and the databases allow, measured the way epatrol's
//! own figures are, so each figure can be read as a share of its ceiling.
//!
//!   cargo run --release --example ceiling -- hello [--bind 127.0.0.1:18091]
//!   cargo run --release --example ceiling -- sqlite-commit [--secs 10]
//!   cargo run --release --example ceiling -- sqlite-batch [--rows 1000] [--count 10]
//!   cargo run --release --example ceiling -- pg-commit --url postgres://... [--clients 8] [--secs 10]
//!   cargo run --release --example ceiling -- pg-batch --url postgres://... [--rows 1000] [--count 10]
//!   cargo run --release --example ceiling -- same-rows [--url postgres://...] [--rows 1000] [--count 10]
//!   cargo run --release --example ceiling -- same-row-commit --template DB [--url postgres://...] [--clients 8] [--per-commit 1] [--secs 10]
//!
//! `hello` is a bare actix-web server answering `GET /` with a few bytes,
//! with as many workers as epatrol uses; load it with the same client
//! (`wrk`) as epatrol. `sqlite-commit` inserts one row per transaction in a
//! fresh file with epatrol's settings (WAL, `synchronous=FULL`);
//! `pg-commit` does the same from several clients; `pg-batch` times one
//! transaction of `--rows` rows like a check-in batch's. `same-rows` stores
//! exactly the rows a batch of `--rows` check-ins stores (as many check-in
//! rows and audit rows) in a fresh database with epatrol's own schema,
//! indexes, constraints and triggers, in one transaction of two multi-row
//! INSERTs with the values written into the SQL (client ids are random
//! UUIDs, as handhelds send): SQLite by default,
//! PostgreSQL with `--url` (a database of its own is made and dropped).
//! `same-row-commit` is described in [`same_row`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

mod same_row;

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
        .unwrap_or_else(|| default.to_owned())
}

const ROW_TABLE: &str = "CREATE TABLE IF NOT EXISTS ceiling_rows (id BIGINT PRIMARY KEY, officer_id BIGINT NOT NULL, box_id BIGINT NOT NULL, occurred_at TEXT NOT NULL, payload TEXT NOT NULL)";

fn insert_sql(id: i64) -> String {
    format!(
        "INSERT INTO ceiling_rows (id, officer_id, box_id, occurred_at, payload) VALUES ({id}, {}, {}, '2026-12-01T10:00:00Z', 'a row about the size of a check-in, with a code and a position')",
        id % 97,
        id % 1013
    )
}

fn rate(label: &str, n: u64, unit: &str, elapsed: Duration) {
    println!(
        "{label}: {n} {unit} in {:.1} s = {:.0}/s",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64()
    );
}

/// Stands for a row's hashes and fingerprint, of their length.
const HEX: &str = "9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f9f";

/// A fresh SQLite file with epatrol's settings.
fn sqlite_file(path: &std::path::Path) -> SqliteConnection {
    let mut conn = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        .unwrap();
    conn
}

/// A PostgreSQL database of the run's own beside `url`'s (a copy of
/// `template` when given), dropped when this is.
struct ScratchDatabase {
    admin: PgConnection,
    name: String,
    url: String,
}

impl ScratchDatabase {
    fn create(url: &str, template: Option<&str>) -> Self {
        let name = format!("ceiling_{}", std::process::id());
        let mut admin = PgConnection::establish(url).unwrap();
        let copy = template
            .map(|t| format!(" TEMPLATE {t}"))
            .unwrap_or_default();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}{copy}"))
            .unwrap();
        let (base, _) = url.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        ScratchDatabase { admin, name, url }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let _ = self
            .admin
            .batch_execute(&format!("DROP DATABASE {} WITH (FORCE)", self.name));
    }
}

fn sqlite_commit(secs: f64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ceiling.db");
    let mut conn = sqlite_file(&path);
    conn.batch_execute(ROW_TABLE).unwrap();
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let mut n = 0u64;
    while Instant::now() < until {
        n += 1;
        conn.batch_execute(&format!(
            "BEGIN IMMEDIATE; {}; COMMIT;",
            insert_sql(n as i64)
        ))
        .unwrap();
    }
    rate(
        "SQLite one-row INSERT+COMMIT, WAL, synchronous=FULL",
        n,
        "commits",
        start.elapsed(),
    );
}

fn pg_commit(url: &str, clients: usize, secs: f64) {
    let mut setup = PgConnection::establish(url).unwrap();
    setup
        .batch_execute(&format!("DROP TABLE IF EXISTS ceiling_rows; {ROW_TABLE}"))
        .unwrap();
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let url = url.to_owned();
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&url).unwrap();
                let mut n = 0u64;
                while Instant::now() < until {
                    let id = (c as i64) << 40 | n as i64;
                    conn.batch_execute(&insert_sql(id)).unwrap();
                    n += 1;
                }
                n
            })
        })
        .collect();
    let n: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    rate(
        &format!("PostgreSQL one-row INSERT (autocommit), {clients} clients"),
        n,
        "commits",
        start.elapsed(),
    );
}

fn pg_batch(url: &str, rows: i64, count: usize) {
    let mut conn = PgConnection::establish(url).unwrap();
    conn.batch_execute(&format!("DROP TABLE IF EXISTS ceiling_rows; {ROW_TABLE}"))
        .unwrap();
    let mut times = Vec::new();
    for b in 0..count as i64 {
        let start = Instant::now();
        conn.transaction(|c| {
            for i in 0..rows {
                c.batch_execute(&insert_sql(b * rows + i))?;
            }
            diesel::QueryResult::Ok(())
        })
        .unwrap();
        times.push(start.elapsed());
    }
    report_batches(
        &format!("PostgreSQL one transaction of {rows} one-row INSERTs"),
        times,
    );
    let mut times = Vec::new();
    for b in 0..count as i64 {
        let start = Instant::now();
        conn.batch_execute(&multi_row_sql((count as i64 + b) * rows, rows))
            .unwrap();
        times.push(start.elapsed());
    }
    report_batches(
        &format!("PostgreSQL one multi-row INSERT of {rows} rows"),
        times,
    );
}

/// One multi-row INSERT of `rows` rows, committed: the least a database
/// can take to store a batch.
fn multi_row_sql(first: i64, rows: i64) -> String {
    let values: Vec<String> = (first..first + rows)
        .map(|id| {
            format!(
                "({id}, {}, {}, '2026-12-01T10:00:00Z', 'a row about the size of a check-in, with a code and a position')",
                id % 97,
                id % 1013
            )
        })
        .collect();
    format!(
        "INSERT INTO ceiling_rows (id, officer_id, box_id, occurred_at, payload) VALUES {}",
        values.join(",")
    )
}

fn report_batches(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: median {:.1} ms, max {:.1} ms over {}",
        times.get(times.len() / 2).map(ms).unwrap_or_default(),
        times.last().map(ms).unwrap_or_default(),
        times.len()
    );
}

fn sqlite_batch(rows: i64, count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ceiling.db");
    let mut conn = sqlite_file(&path);
    conn.batch_execute(ROW_TABLE).unwrap();
    let mut times = Vec::new();
    for b in 0..count as i64 {
        let start = Instant::now();
        conn.batch_execute(&format!(
            "BEGIN IMMEDIATE; {}; COMMIT;",
            multi_row_sql(b * rows, rows)
        ))
        .unwrap();
        times.push(start.elapsed());
    }
    report_batches(
        &format!("SQLite one multi-row INSERT of {rows} rows, committed"),
        times,
    );
}

#[derive(QueryableByName)]
pub(crate) struct BoxIds {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    unit_id: i64,
}

#[derive(QueryableByName)]
pub(crate) struct Id {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    id: i64,
}

fn same_rows(pg_url: Option<&str>, rows: i64, count: usize) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = epatrol::config::Settings::embedded(dir.path().to_path_buf());
    // Dropped after the block's pool is.
    let scratch = pg_url.map(|url| ScratchDatabase::create(url, None));
    if let Some(db) = &scratch {
        settings.database_url = db.url.clone();
    }
    {
        let pool = epatrol::open_database(&settings).unwrap();
        let mut conn = pool.get().unwrap();
        let evidence = epatrol::evidence::dir::DirStore::new(dir.path().join("evidence"));
        epatrol::demo::seed(&mut conn, &evidence).unwrap();
        // The rows a load-test batch stores (`loadtest batch`): the demo's
        // boxes in turn, one officer a batch, scans 15 s apart going back
        // in time, each batch before the previous one, judged as epatrol
        // judges most of them (late scans off plan at boxes just scanned).
        let boxes: Vec<BoxIds> =
            diesel::sql_query("SELECT id, unit_id FROM patrol_boxes ORDER BY id")
                .load(&mut conn)
                .unwrap();
        let officers: Vec<Id> =
            diesel::sql_query("SELECT id FROM users WHERE role = 'officer' ORDER BY id")
                .load(&mut conn)
                .unwrap();
        let now = chrono::Utc::now().naive_utc();
        let stored = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S%.6f").to_string();
        const FLAGS: &str = "time_unverified,not_on_plan,duplicate";
        let mut seq: i64 = diesel::sql_query("SELECT COALESCE(MAX(seq), 0) AS id FROM audit_log")
            .get_result::<Id>(&mut conn)
            .unwrap()
            .id;
        let hex = HEX;
        let mut times = Vec::new();
        for b in 0..count as i64 {
            let officer = officers.get(b as usize % officers.len()).unwrap();
            let row_box = |i: i64| boxes.get((b + i) as usize % boxes.len()).unwrap();
            let checkins: Vec<String> = (0..rows)
                .map(|i| {
                    let at = stored(now - chrono::Duration::seconds(((b + 1) * rows - i) * 15));
                    format!(
                        "('{}', {}, {}, {}, 'visit', '{at}', 'device_clock', '{at}', '{}', 22.9917, 120.2047, 6.0, 3.2, FALSE, 'flagged', '{FLAGS}', NULL, NULL, '{hex}', NULL)",
                        uuid::Uuid::new_v4(),
                        officer.id,
                        row_box(i).id,
                        row_box(i).unit_id,
                        stored(now),
                    )
                })
                .collect();
            let audit: Vec<String> = (0..rows)
                .map(|i| {
                    seq += 1;
                    format!(
                        "({seq}, '2026-12-01 10:00:00.123456', {}, 'checkin.create', 'checkin', '{}', {}, NULL, '{{\"box_id\":{},\"flags\":\"{FLAGS}\",\"status\":\"flagged\"}}', '{hex}', '{hex}', 'ceiling')",
                        officer.id,
                        b * rows + i,
                        row_box(i).unit_id,
                        row_box(i).id
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO checkins (client_id, officer_id, box_id, unit_id, kind, occurred_at, time_source, device_time, received_at, lat, lon, accuracy_m, distance_m, mock_location, status, flags, plan_id, device, request_fingerprint, clock_offset_ms) VALUES {}; \
                 INSERT INTO audit_log (seq, at, actor_id, action, object_type, object_id, unit_id, device, details, prev_hash, hash, mac_key) VALUES {};",
                checkins.join(","),
                audit.join(",")
            );
            let start = Instant::now();
            epatrol::db::write_txn(&mut conn, |c| c.batch_execute(&sql)).unwrap();
            times.push(start.elapsed());
        }
        report_batches(
            &format!(
                "{} one transaction storing what {rows} check-ins store ({rows} check-in rows, {rows} audit rows)",
                if pg_url.is_some() {
                    "PostgreSQL"
                } else {
                    "SQLite"
                }
            ),
            times,
        );
    }
}

fn hello(bind: &str) {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2);
    println!("bare actix-web on http://{bind}/ with {workers} workers");
    actix_web::rt::System::new().block_on(async {
        actix_web::HttpServer::new(|| {
            actix_web::App::new().route(
                "/",
                actix_web::web::get().to(|| async { "{\"status\":\"ok\"}" }),
            )
        })
        .workers(workers)
        .bind(bind)
        .unwrap()
        .run()
        .await
        .unwrap();
    });
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let secs: f64 = arg(&args, "--secs", "10").parse().unwrap();
    let url = arg(
        &args,
        "--url",
        "postgres://postgres@127.0.0.1:5432/postgres",
    );
    match args.first().map(String::as_str) {
        Some("hello") => hello(&arg(&args, "--bind", "127.0.0.1:18091")),
        Some("sqlite-commit") => sqlite_commit(secs),
        Some("pg-commit") => pg_commit(&url, arg(&args, "--clients", "8").parse().unwrap(), secs),
        Some("sqlite-batch") => sqlite_batch(
            arg(&args, "--rows", "1000").parse().unwrap(),
            arg(&args, "--count", "10").parse().unwrap(),
        ),
        Some("pg-batch") => pg_batch(
            &url,
            arg(&args, "--rows", "1000").parse().unwrap(),
            arg(&args, "--count", "10").parse().unwrap(),
        ),
        Some("same-rows") => same_rows(
            args.iter().any(|a| a == "--url").then_some(url.as_str()),
            arg(&args, "--rows", "1000").parse().unwrap(),
            arg(&args, "--count", "10").parse().unwrap(),
        ),
        Some("same-row-commit") => same_row::run(
            &url,
            &arg(&args, "--template", "benchtpl"),
            arg(&args, "--clients", "8").parse().unwrap(),
            arg(&args, "--per-commit", "1").parse().unwrap(),
            secs,
        ),
        _ => panic!(
            "hello, sqlite-commit, sqlite-batch, pg-commit, pg-batch, same-rows or same-row-commit"
        ),
    }
}
