//! Single check-ins: judged, flagged, stored once, answered alike,
//! admitted while writing keeps up.

use super::batches::batch_at_b1;
use super::*;

#[actix_web::test]
async fn a_good_scan_on_plan_is_accepted_and_listed() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b1, B1),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["result"], "accepted");
    assert!(flags(&r.body).is_empty());
    let id = r.body["checkin_id"].as_i64().unwrap();
    let mine = get(&srv, "/api/v1/checkins", &w.officer).await;
    assert_eq!(mine.body["items"][0]["id"], id);
    let seen = get(&srv, &format!("/api/v1/checkins/{id}"), &w.sup).await;
    assert_eq!(seen.status, 200);
    assert!(seen.body["plan_id"].is_i64());
}

#[actix_web::test]
async fn every_flag() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    let tok = &w.officer;
    let post_scan = |body: Value| post(&srv, "/api/v1/checkins", Some(tok), body);

    // Scans ten minutes or so apart (timed by the monotonic clock), so that
    // only the flag under test applies.
    let m = Duration::minutes;

    // Outside the geofence: 200 m away.
    let r = post_scan(scan_ago(&w.app, w.b1, (B1.0 + 0.0018, B1.1), m(60))).await;
    assert_eq!(flags(&r.body), vec!["outside_geofence"]);
    assert_eq!(r.body["result"], "flagged");

    // Poor accuracy.
    let mut s = scan_ago(&w.app, w.b2, B2, m(50));
    s["position"]["accuracy_m"] = json!(400.0);
    assert_eq!(flags(&post_scan(s).await.body), vec!["poor_accuracy"]);

    // Mock location.
    let mut s = scan_ago(&w.app, w.b1, B1, m(40));
    s["mock_location"] = json!(true);
    assert_eq!(flags(&post_scan(s).await.body), vec!["mock_location"]);

    // Duplicate: the same box again two minutes later.
    let r = post_scan(scan_ago(&w.app, w.b1, B1, m(38))).await;
    assert_eq!(flags(&r.body), vec!["duplicate"]);

    // Clock set back an hour, but the monotonic clock proves when the scan
    // was: the visit counts, and the offset is there for the supervisor.
    let mut s = scan_ago(&w.app, w.b2, B2, m(30));
    s["scanned_at"] = json!((Utc::now() - m(90)).to_rfc3339());
    let r = post_scan(s).await;
    assert_eq!(r.body["result"], "accepted", "{}", r.body);
    let offset = r.body["clock_offset_ms"].as_i64().unwrap();
    assert!((offset + 3_600_000).abs() < 60_000, "{offset}");

    // Late upload with no monotonic evidence.
    let mut s = scan(&w.app, w.dwell, (22.9930, 120.2100));
    s["scanned_at"] = json!((Utc::now() - Duration::hours(3)).to_rfc3339());
    assert_eq!(flags(&post_scan(s).await.body), vec!["time_unverified"]);

    // Kaohsiung a minute after Tainan: impossible, and the box is not on the plan.
    let r = post_scan(scan_ago(&w.app, w.far, FAR, m(29))).await;
    assert_eq!(flags(&r.body), vec!["impossible_travel", "not_on_plan"]);

    // A clean scan for contrast: nothing is flagged by default.
    let r = post_scan(scan(&w.app, w.b1, B1)).await;
    assert_eq!(r.body["result"], "accepted", "{}", r.body);
}

#[actix_web::test]
async fn a_device_clock_ahead_without_proof_is_skew() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    let mut s = scan(&w.app, w.b1, B1);
    s["scanned_at"] = json!((Utc::now() + Duration::minutes(10)).to_rfc3339());
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), s).await;
    assert_eq!(flags(&r.body), vec!["clock_skew"]);
    assert!(r.body["clock_offset_ms"].is_null());
}

#[actix_web::test]
async fn dwell_needs_a_tap_in_and_a_long_enough_stay() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    let at = (22.9930, 120.2100);
    let tap = |kind: &str, ago_secs: i64| {
        let mut s = scan_ago(&w.app, w.dwell, at, Duration::seconds(ago_secs));
        s["kind"] = json!(kind);
        s
    };
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        tap("tap_out", 2000),
    )
    .await;
    assert_eq!(flags(&r.body), vec!["dwell_unpaired"]);
    post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        tap("tap_in", 1000),
    )
    .await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        tap("tap_out", 900),
    )
    .await;
    assert_eq!(
        flags(&r.body),
        vec!["dwell_too_short"],
        "100 s of a 300 s stay"
    );
    post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        tap("tap_in", 600),
    )
    .await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        tap("tap_out", 10),
    )
    .await;
    assert_eq!(r.body["result"], "accepted", "{}", r.body);
}

#[actix_web::test]
async fn the_same_scan_twice_is_stored_once_and_answered_alike() {
    let w = world().await;
    let srv = w.app.service().await;
    let s = scan(&w.app, w.b1, B1);
    let first = post(&srv, "/api/v1/checkins", Some(&w.officer), s.clone()).await;
    let second = post(&srv, "/api/v1/checkins", Some(&w.officer), s.clone()).await;
    assert_eq!((first.status, second.status), (201, 200));
    assert_eq!(second.body["replayed"], true);
    for key in ["checkin_id", "result", "flags", "occurred_at"] {
        assert_eq!(first.body[key], second.body[key], "{key}");
    }
    // Concurrent identical uploads.
    let s = scan(&w.app, w.b2, B2);
    let results = futures_util::future::join_all(
        (0..6).map(|_| post(&srv, "/api/v1/checkins", Some(&w.officer), s.clone())),
    )
    .await;
    let ids: std::collections::HashSet<i64> = results
        .iter()
        .map(|r| r.body["checkin_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(results.iter().filter(|r| r.status == 201).count(), 1);
    let all = get(&srv, "/api/v1/checkins?limit=100", &w.sup).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2);
    // Another officer presenting the same client id is refused.
    w.app.user("O1102", w.app.fx.p1s1, Role::Officer);
    let other = login(&srv, "O1102").await;
    let r = post(&srv, "/api/v1/checkins", Some(&other), s).await;
    assert_eq!(r.code(), "client_id_conflict");
}

#[actix_web::test]
async fn a_client_id_means_one_scan_whatever_else_is_sent_with_it() {
    let w = world().await;
    let srv = w.app.service().await;
    let first = scan(&w.app, w.b1, B1);
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), first.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // A second scan that reuses the id is refused, not answered with the first.
    let mut second = scan(&w.app, w.b2, B2);
    second["client_id"] = first["client_id"].clone();
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), second.clone()).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "client_id_conflict"),
        "{}",
        r.body
    );
    // A retry of the first, sent later with a new sending reading, replays.
    let mut retry = first.clone();
    retry["sent_monotonic"] = json!({"boot_id": "boot-9", "elapsed_ms": 99_000});
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), retry).await;
    assert_eq!((r.status, r.body["replayed"].as_bool()), (200, Some(true)));
    // Two items of one batch under one id: the second is refused.
    let a = scan(&w.app, w.b1, B1);
    let mut b = scan(&w.app, w.b2, B2);
    b["client_id"] = a["client_id"].clone();
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": [a, b]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["results"][1]["error"]["code"], "client_id_conflict");
    assert_eq!(r.body["rejected"], 1);
}

#[actix_web::test]
async fn uploads_are_turned_away_with_retry_after_when_writing_falls_behind() {
    // Any wait at all counts as falling behind here, and none is let in
    // regardless: the second upload finds the first one's wait.
    let app = TestApp::with_settings(|s| {
        s.write_wait_limit = std::time::Duration::ZERO;
        s.write_always_admitted = 0;
    });
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let officer = login(&srv, "O1101").await;
    let b1 = create_box(&srv, &admin, "B-1", app.fx.p1s1.0, B1, None).await;
    let first = post(&srv, "/api/v1/checkins", Some(&officer), scan(&app, b1, B1)).await;
    assert_eq!(first.status, 201, "{}", first.body);

    let scan_later = scan(&app, b1, B1);
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::post()
            .uri("/api/v1/checkins")
            .insert_header(("Authorization", format!("Bearer {officer}")))
            .set_json(&scan_later)
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers().get("retry-after").unwrap(), "1");
    let body: Value = actix_web::test::read_body_json(res).await;
    assert_eq!(body["code"], "overloaded");
    let batch = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&officer),
        json!({"items": [scan_later.clone()]}),
    )
    .await;
    assert_eq!(batch.status, 503, "{}", batch.body);
    let ticket = post(
        &srv,
        "/api/v1/tickets",
        Some(&officer),
        crate::tickets::red_light(),
    )
    .await;
    assert_eq!((ticket.status, ticket.code()), (503, "overloaded"));
    let tickets = get(&srv, "/api/v1/tickets", &officer).await;
    assert_eq!(tickets.body["items"].as_array().unwrap().len(), 0);
    let mine = get(&srv, "/api/v1/checkins", &officer).await;
    assert_eq!(
        mine.body["items"].as_array().unwrap().len(),
        1,
        "nothing stored"
    );

    // Reads are never turned away, and once the waits are old news the
    // handheld's retry is stored.
    assert_eq!(get(&srv, "/api/v1/me", &officer).await.status, 200);
    actix_web::rt::time::sleep(std::time::Duration::from_millis(1100)).await;
    let retry = post(&srv, "/api/v1/checkins", Some(&officer), scan_later).await;
    assert_eq!(retry.status, 201, "{}", retry.body);
}

#[actix_web::test]
async fn check_ins_sent_at_once_are_each_stored_once_judged_in_order_and_audited() {
    let w = world().await;
    let srv = w.app.service().await;
    plan_all_day(&w, &srv, vec![officer_id(&w.app, "O1101")]).await;
    // Forty scans at once (committed together where they arrive together),
    // two of them the same scan sent twice.
    let mut scans: Vec<Value> = (0..40)
        .map(|i| scan_ago(&w.app, w.b1, B1, Duration::seconds(2000 - i * 30)))
        .collect();
    scans.push(scans[7].clone());
    let answers = futures_util::future::join_all(
        scans
            .iter()
            .map(|s| post(&srv, "/api/v1/checkins", Some(&w.officer), s.clone())),
    )
    .await;
    let mut ids = std::collections::HashSet::new();
    for a in &answers {
        assert!(a.status == 201 || a.status == 200, "{}", a.body);
        ids.insert(a.body["checkin_id"].as_i64().unwrap());
    }
    assert_eq!(ids.len(), 40, "the repeated scan is stored once");
    assert_eq!(
        answers[7].body["checkin_id"],
        answers[40].body["checkin_id"]
    );
    let replays = answers
        .iter()
        .filter(|a| a.body["replayed"] == true)
        .count();
    assert_eq!(replays, 1);
    let mine = get(&srv, "/api/v1/checkins?limit=100", &w.officer).await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 40);
    // Every scan is in the audit chain, which still verifies.
    let report = get(&srv, "/api/v1/audit/verify", &w.admin).await;
    assert_eq!(report.status, 200, "{}", report.body);
    assert_eq!(report.body["intact"], true, "{}", report.body);
}

/// Commits leave checkpoints to the checkpoint thread: the pages a batch
/// adds reach the database file soon after, though it is far smaller than
/// the WAL size at which a writer checkpoints by itself.
#[actix_web::test]
async fn the_wal_is_copied_into_the_database_by_its_own_thread() {
    on_sqlite_only();
    let w = world().await;
    let srv = w.app.service().await;
    let file = w.app.db.data_dir().join("test.db");
    let size = || std::fs::metadata(&file).unwrap().len();
    // Whatever the fixture's commits left to copy is copied first.
    let mut settled = size();
    for _ in 0..20 {
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        let now = size();
        if now == settled && now > 0 {
            break;
        }
        settled = now;
    }
    let batch = batch_at_b1(&w, (1..=300).rev().map(|i| i * 30));
    let r = post(&srv, "/api/v1/checkins/batch", Some(&w.officer), batch).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut grown = false;
    for _ in 0..100 {
        if size() > settled {
            grown = true;
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        grown,
        "the database file stayed at {settled} bytes after the batch"
    );
}
