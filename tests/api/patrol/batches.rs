//! Offline batches: judged item by item as if the scans came one by one,
//! each answer naming its row.

use super::*;

#[actix_web::test]
async fn an_offline_batch_is_judged_item_by_item_and_replays_exactly() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    let mut items = Vec::new();
    for i in 0..20 {
        let (b, at) = if i % 2 == 0 { (w.b1, B1) } else { (w.b2, B2) };
        // One scan every ten minutes over the last 200 minutes, timed by the monotonic clock.
        let mut s = scan_ago(&w.app, b, at, Duration::minutes(200 - i * 10));
        s.as_object_mut().unwrap().remove("sent_monotonic");
        items.push(s);
    }
    let mut forged = scan(&w.app, w.b1, B1);
    forged["payload"] = json!("EPB1.1.1.1.AAAAAAAAAAAAAAAAAAAAAA");
    items.push(forged);
    items.push(json!({"client_id": "broken-item-1", "payload": 42}));
    let batch =
        json!({"items": items, "sent_monotonic": {"boot_id": "boot-1", "elapsed_ms": 1_000}});
    // sent_monotonic at 1000 ms equals scan time of an item "0 minutes ago"; items sent
    // `ago` earlier have scan elapsed 1000 - ago... rebuild with consistent readings:
    let batch = consistent(batch);
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        batch.clone(),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["accepted"].as_u64(), r.body["rejected"].as_u64()),
        (Some(20), Some(2)),
        "{}",
        r.body
    );
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results[20]["error"]["code"], "bad_signature");
    assert_eq!(results[21]["error"]["code"], "malformed_item");
    assert_eq!(results[21]["client_id"], "broken-item-1");

    // The same batch again: nothing new, the same answers.
    let again = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        batch.clone(),
    )
    .await;
    assert_eq!(again.body["replayed"], 20);
    for (a, b) in results
        .iter()
        .zip(again.body["results"].as_array().unwrap())
    {
        assert_eq!(a["checkin_id"], b["checkin_id"]);
        assert_eq!(a["result"], b["result"]);
    }
    // Twice at once.
    let twice = futures_util::future::join_all((0..2).map(|_| {
        post(
            &srv,
            "/api/v1/checkins/batch",
            Some(&w.officer),
            batch.clone(),
        )
    }))
    .await;
    assert!(
        twice
            .iter()
            .all(|r| r.status == 200 && r.body["replayed"] == 20)
    );
    let stored = get(&srv, "/api/v1/checkins?limit=500", &w.sup).await;
    assert_eq!(stored.body["items"].as_array().unwrap().len(), 20);
    // Every stored check-in is in the audit log under its own id, as a
    // single upload is.
    for item in stored.body["items"].as_array().unwrap() {
        let id = item["id"].as_i64().unwrap();
        let audit = get(
            &srv,
            &format!("/api/v1/audit?object_type=checkin&object_id={id}"),
            &w.admin,
        )
        .await;
        let actions: Vec<&str> = audit.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["checkin.create"], "check-in {id}");
    }

    // Limits.
    let empty = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": []}),
    )
    .await;
    assert_eq!(empty.status, 422);
    let too_many: Vec<Value> = (0..1001).map(|_| json!({})).collect();
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": too_many}),
    )
    .await;
    assert_eq!(r.status, 422);
}

/// A full-size batch is read and its signatures checked on every core: each
/// answer is still the answer to its own item, in order, whichever share
/// of the items it fell in.
#[actix_web::test]
async fn a_large_batch_answers_each_item_in_its_place() {
    let w = world().await;
    let srv = w.app.service().await;
    let n = 1000;
    let forged_at = [3usize, 334, 667, 998];
    let broken_at = [0usize, 500, 999];
    let items: Vec<Value> = (0..n)
        .map(|i| {
            let mut s = scan_ago(&w.app, w.b1, B1, Duration::seconds((n - i) as i64 * 30));
            s.as_object_mut().unwrap().remove("sent_monotonic");
            if forged_at.contains(&i) {
                s["payload"] = json!("EPB1.1.1.1.AAAAAAAAAAAAAAAAAAAAAA");
            }
            if broken_at.contains(&i) {
                s["position"]["lat"] = json!("north");
            }
            s
        })
        .collect();
    let client_ids: Vec<Value> = items.iter().map(|s| s["client_id"].clone()).collect();
    let batch = consistent(
        json!({"items": items, "sent_monotonic": {"boot_id": "boot-1", "elapsed_ms": 1_000}}),
    );
    let r = post(&srv, "/api/v1/checkins/batch", Some(&w.officer), batch).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    for (i, result) in results.iter().enumerate() {
        assert_eq!(result["client_id"], client_ids[i], "item {i}");
        let code = &result["error"]["code"];
        if forged_at.contains(&i) {
            assert_eq!(code, "bad_signature", "item {i}: {result}");
        } else if broken_at.contains(&i) {
            assert_eq!(code, "malformed_item", "item {i}: {result}");
            assert_eq!(
                result["error"]["errors"][0]["field"],
                format!("items[{i}].position.lat"),
                "item {i}: {result}"
            );
        } else {
            assert_ne!(result["result"], "rejected", "item {i}: {result}");
        }
    }
    assert_eq!(r.body["rejected"], forged_at.len() + broken_at.len());
}

/// Each answer's check-in id is the row stored for its scan: on SQLite the
/// ids are worked out from the largest id before and after the insert, and
/// read back when the table's sequence has run ahead of its rows.
#[actix_web::test]
async fn each_answer_names_the_row_stored_for_its_scan() {
    use diesel::RunQueryDsl;
    let w = world().await;
    let srv = w.app.service().await;
    let mut ago = 40_000;
    for sequence_ahead in [false, true] {
        if sequence_ahead {
            let mut conn = w.app.state.pool.get().unwrap();
            let bump = if w.app.db.is_postgres() {
                "SELECT setval(pg_get_serial_sequence('checkins', 'id'), (SELECT max(id) FROM checkins) + 7)"
            } else {
                "UPDATE sqlite_sequence SET seq = seq + 7 WHERE name = 'checkins'"
            };
            diesel::sql_query(bump).execute(&mut *conn).unwrap();
        }
        let batch = batch_at_b1(&w, (0..75).map(|i| ago - i * 30));
        ago -= 75 * 30;
        let r = post(
            &srv,
            "/api/v1/checkins/batch",
            Some(&w.officer),
            batch.clone(),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mut ids = std::collections::HashSet::new();
        let items = batch["items"].as_array().unwrap();
        for (item, result) in items.iter().zip(r.body["results"].as_array().unwrap()) {
            let id = result["checkin_id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{result}"));
            assert!(ids.insert(id), "id {id} answered twice");
            let stored = get(&srv, &format!("/api/v1/checkins/{id}"), &w.officer).await;
            assert_eq!(stored.status, 200, "{}", stored.body);
            assert_eq!(
                stored.body["client_id"], item["client_id"],
                "sequence ahead: {sequence_ahead}"
            );
        }
    }
}

/// A batch is read against the scans stored before it and within it, as if
/// its scans had been uploaded one by one: one officer uploads a sequence
/// singly, another the same sequence as batches, and every answer agrees.
/// The sequence reaches each thing a batch must know beyond its own items:
/// a scan long before it (the travel check), a scan stored after its
/// scans in time and one between them, a tap-in stored earlier,
/// duplicates within it.
#[actix_web::test]
async fn a_batch_is_judged_as_if_its_scans_came_one_by_one() {
    let w = world().await;
    let srv = w.app.service().await;
    w.app.user("O1102", w.app.fx.p1s1, Role::Officer);
    let singly = w.officer.clone();
    let batched = login(&srv, "O1102").await;
    plan_all_day(
        &w,
        &srv,
        vec![officer_id(&w.app, "O1101"), officer_id(&w.app, "O1102")],
    )
    .await;
    let m = Duration::minutes;
    let dwell_at = (22.9930, 120.2100);
    let make = |b: i64, at: (f64, f64), ago: i64, kind: &str| {
        let mut s = scan_ago(&w.app, b, at, m(ago));
        s["kind"] = json!(kind);
        s
    };
    // Stored first, singly, by both officers.
    for (b, at, ago, kind) in [
        (w.b1, B1, 300, "visit"),
        (w.far, FAR, 100, "visit"),
        (w.dwell, dwell_at, 45, "tap_in"),
        (w.b2, B2, 40, "visit"),
        (w.b1, B1, 33, "visit"),
        (w.b2, B2, 32, "visit"),
        (w.far, FAR, 1, "visit"),
    ] {
        for token in [&singly, &batched] {
            let r = post(
                &srv,
                "/api/v1/checkins",
                Some(token),
                make(b, at, ago, kind),
            )
            .await;
            assert_eq!(r.status, 201, "{}", r.body);
        }
    }
    let sequence = |n: usize| match n {
        0 => {
            let mut items = vec![
                make(w.far, FAR, 290, "visit"),
                make(w.b1, B1, 200, "visit"),
                make(w.b1, B1, 198, "visit"),
                make(w.b2, B2, 2, "visit"),
                // Tainan a minute after Kaohsiung (stored between this
                // batch's scans in time).
                make(w.b1, B1, 99, "visit"),
            ];
            let again = items[1].clone();
            items.push(again);
            let mut forged = make(w.b1, B1, 100, "visit");
            forged["payload"] = json!("EPB1.1.1.1.AAAAAAAAAAAAAAAAAAAAAA");
            items.push(forged);
            items
        }
        // The tap-in is stored, but not as the latest scan before these.
        1 => vec![
            make(w.dwell, dwell_at, 35, "tap_out"),
            make(w.dwell, dwell_at, 34, "tap_out"),
        ],
        // The same box three minutes before, but not as the latest scan.
        _ => vec![make(w.b1, B1, 30, "visit")],
    };
    let answer = |r: &Value| {
        (
            r["result"].clone(),
            r["flags"].clone(),
            r["replayed"].clone(),
            r["error"]["code"].clone(),
        )
    };
    let mut seen = Vec::new();
    for n in 0..3 {
        let one_by_one: Vec<Value> = sequence(n);
        let mut expected = Vec::new();
        for item in &one_by_one {
            let r = post(&srv, "/api/v1/checkins", Some(&singly), item.clone()).await;
            // A single upload's refusal is a problem; a batch item's, a result.
            expected.push(if r.status == 422 {
                (json!("rejected"), json!([]), json!(false), json!(r.code()))
            } else {
                answer(&r.body)
            });
        }
        let r = post(
            &srv,
            "/api/v1/checkins/batch",
            Some(&batched),
            json!({"items": sequence(n)}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let got: Vec<_> = r.body["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(answer)
            .collect();
        assert_eq!(got, expected, "{}", r.body);
        seen.extend(expected);
    }
    // And the answers are the right ones, not merely the same ones.
    let flags_of = |n: usize| flags(&json!({"flags": seen[n].1}));
    assert_eq!(flags_of(0), vec!["impossible_travel", "not_on_plan"]);
    assert!(flags_of(1).is_empty(), "{:?}", seen[1]);
    assert_eq!(flags_of(2), vec!["duplicate"]);
    // Tainan two minutes ago, Kaohsiung (stored earlier) one minute ago.
    assert_eq!(flags_of(3), vec!["impossible_travel"]);
    assert_eq!(flags_of(4), vec!["impossible_travel"]);
    assert_eq!(seen[5].2, json!(true));
    assert_eq!(seen[6].3, json!("bad_signature"));
    assert!(flags_of(7).is_empty(), "{:?}", seen[7]);
    assert_eq!(flags_of(8), vec!["duplicate", "dwell_unpaired"]);
    assert_eq!(flags_of(9), vec!["duplicate"]);
}

/// Rewrites the items' scan_monotonic so that each item's `scanned_at`
/// matches the batch's sent_monotonic reading taken now.
fn consistent(mut batch: Value) -> Value {
    let sent = 100_000_000i64;
    batch["sent_monotonic"] = json!({"boot_id": "boot-1", "elapsed_ms": sent});
    let now = Utc::now();
    for item in batch["items"].as_array_mut().unwrap() {
        if let Some(at) = item.get("scanned_at").and_then(|v| v.as_str()) {
            let at: chrono::DateTime<Utc> = at.parse().unwrap();
            let ago = (now - at).num_milliseconds();
            item["scan_monotonic"] = json!({"boot_id": "boot-1", "elapsed_ms": sent - ago});
        }
    }
    batch
}

/// An offline batch of scans at box 1, each the given number of seconds
/// ago, its clock readings consistent.
pub(super) fn batch_at_b1(w: &World, seconds_ago: impl IntoIterator<Item = i64>) -> Value {
    let items: Vec<Value> = seconds_ago
        .into_iter()
        .map(|ago| {
            let mut s = scan_ago(&w.app, w.b1, B1, Duration::seconds(ago));
            s.as_object_mut().unwrap().remove("sent_monotonic");
            s
        })
        .collect();
    consistent(json!({ "items": items }))
}

#[actix_web::test]
async fn absurd_clock_readings_reject_their_item_and_nothing_else() {
    let w = world().await;
    let srv = w.app.service().await;
    let mut s = scan(&w.app, w.b1, B1);
    s["scan_monotonic"] = json!({"boot_id": "b", "elapsed_ms": 0});
    s["sent_monotonic"] = json!({"boot_id": "b", "elapsed_ms": u64::MAX});
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), s).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["errors"][0]["field"], "sent_monotonic.elapsed_ms");
    // Large enough to date the scan tens of thousands of years back.
    let good = scan(&w.app, w.b1, B1);
    let mut ancient = scan(&w.app, w.b2, B2);
    ancient["scan_monotonic"] = json!({"boot_id": "b", "elapsed_ms": 0});
    ancient["sent_monotonic"] = json!({"boot_id": "b", "elapsed_ms": 1_000_000_000_000_000u64});
    let mut queued = scan(&w.app, w.b2, B2);
    queued["scan_monotonic"] = json!({"boot_id": "b", "elapsed_ms": 0});
    queued["sent_monotonic"] = json!({"boot_id": "b", "elapsed_ms": 300_000_000_000u64});
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": [good, ancient, queued]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let results = r.body["results"].as_array().unwrap();
    assert_ne!(results[0]["result"], "rejected", "{}", results[0]);
    assert_eq!(
        results[1]["error"]["errors"][0]["field"],
        "items[1].sent_monotonic.elapsed_ms"
    );
    assert_eq!(
        results[2]["error"]["errors"][0]["field"],
        "items[2].scan_monotonic.elapsed_ms"
    );

    // A character text must not hold, in one item, refuses that item only.
    let mut bell = scan(&w.app, w.b1, B1);
    bell["payload"] = json!("EPB1\u{7}");
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": [bell, scan(&w.app, w.b2, B2)]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let results = r.body["results"].as_array().unwrap();
    assert_eq!(results[0]["error"]["code"], "malformed_item", "{}", r.body);
    assert_eq!(
        results[0]["error"]["errors"][0],
        json!({"field": "items[0].payload", "code": "control_character", "message": results[0]["error"]["errors"][0]["message"]})
    );
    assert_ne!(results[1]["result"], "rejected", "{}", results[1]);
}
