//! `same-row-commit`: the rows one check-in stores (a check-in row and its
//! audit row), one check-in per transaction (`--per-commit N`: N of them,
//! as a group commit stores them) from several clients, into a
//! copy of the database epatrol is measured on (`--template`, such as the
//! one holding two weeks of check-ins): the same six indexes, four foreign
//! keys and trigger, with no reads and no judging. Each transaction is one
//! round trip (`BEGIN; INSERT …; INSERT …; … COMMIT`). It is what storing a
//! single check-in costs the database, and so the most a service that
//! keeps them, whatever it does besides, could reach.

use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::{BoxIds, HEX, Id, ScratchDatabase};

pub fn run(url: &str, template: &str, clients: usize, per_commit: usize, secs: f64) {
    let scratch = ScratchDatabase::create(url, Some(template));
    let db_url = scratch.url.clone();
    let mut conn = PgConnection::establish(&db_url).unwrap();
    conn.batch_execute("ANALYZE").unwrap();
    let officers: Vec<Id> =
        diesel::sql_query("SELECT id FROM users WHERE role = 'officer' ORDER BY id")
            .load(&mut conn)
            .unwrap();
    let boxes: Vec<BoxIds> =
        diesel::sql_query("SELECT id, unit_id FROM patrol_boxes ORDER BY id LIMIT 64")
            .load(&mut conn)
            .unwrap();
    let officers: Vec<i64> = officers.into_iter().map(|o| o.id).collect();
    let boxes: Vec<(i64, i64)> = boxes.into_iter().map(|b| (b.id, b.unit_id)).collect();
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|c| {
            let (db_url, officers, boxes) = (db_url.clone(), officers.clone(), boxes.clone());
            std::thread::spawn(move || {
                let mut conn = PgConnection::establish(&db_url).unwrap();
                let mut n = 0usize;
                while Instant::now() < until {
                    let mut sql = String::from("BEGIN;");
                    for _ in 0..per_commit {
                        // Sequence numbers far above the chain's, apart per client.
                        let seq = (1i64 << 40) + ((c as i64) << 32) + n as i64;
                        let officer = *officers.get((c + n) % officers.len()).unwrap();
                        let (bx, unit) = *boxes.get(n % boxes.len()).unwrap();
                        sql.push_str(&checkin_sql(seq, officer, bx, unit));
                        n += 1;
                    }
                    sql.push_str("COMMIT;");
                    conn.batch_execute(&sql).unwrap();
                }
                n as u64
            })
        })
        .collect();
    let n: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    super::rate(
        &format!(
            "PostgreSQL check-in rows with their audit rows, {per_commit} of each per transaction, {clients} clients"
        ),
        n,
        "check-ins",
        start.elapsed(),
    );
}

fn checkin_sql(seq: i64, officer: i64, bx: i64, unit: i64) -> String {
    let hex = HEX;
    format!(
        "INSERT INTO checkins (client_id, officer_id, box_id, unit_id, kind, occurred_at, time_source, device_time, received_at, lat, lon, accuracy_m, distance_m, mock_location, status, flags, plan_id, device, request_fingerprint, clock_offset_ms) \
         VALUES ('{}', {officer}, {bx}, {unit}, 'visit', LOCALTIMESTAMP, 'monotonic', LOCALTIMESTAMP, LOCALTIMESTAMP, 22.9917, 120.2047, 6.0, 3.2, FALSE, 'accepted', '', NULL, 'ceiling', '{hex}', NULL); \
         INSERT INTO audit_log (seq, at, actor_id, action, object_type, object_id, unit_id, device, details, prev_hash, hash, mac_key) \
         VALUES ({seq}, LOCALTIMESTAMP, {officer}, 'checkin.create', 'checkin', currval('checkins_id_seq')::text, {unit}, 'ceiling', '{{\"box_id\":{bx},\"flags\":\"\",\"status\":\"accepted\"}}', '{hex}', '{hex}', 'ceiling');",
        uuid::Uuid::new_v4()
    )
}
