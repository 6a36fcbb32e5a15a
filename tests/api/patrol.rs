//! Patrol sign-in over HTTP: boxes, codes, check-ins and every flag,
//! idempotent uploads, plans and coverage, refusals across units.

use crate::common::*;
use actix_web::http::Method;
use chrono::{Duration, Utc};
use epatrol::domain::Role;
use serde_json::{Value, json};

// Two boxes about 500 m apart in Tainan, one far away in Kaohsiung.
pub const B1: (f64, f64) = (22.9917, 120.2047);
const B2: (f64, f64) = (22.9962, 120.2047);
const FAR: (f64, f64) = (22.6273, 120.3014);

pub struct World {
    pub app: TestApp,
    admin: String,
    pub sup: String,
    pub officer: String,
    pub b1: i64,
    b2: i64,
    far: i64,
    dwell: i64,
}

async fn create_box(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    code: &str,
    unit: i64,
    at: (f64, f64),
    dwell: Option<i32>,
) -> i64 {
    let r = post(
        srv,
        "/api/v1/boxes",
        Some(token),
        json!({"code": code, "unit_id": unit, "name": format!("{code} 巡邏箱"), "address": "臺南市東區", "lat": at.0, "lon": at.1, "radius_m": 30.0, "min_dwell_secs": dwell}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

fn payload(app: &TestApp, id: i64) -> String {
    let mut conn = app.conn();
    let view = epatrol::patrol::boxes::get(
        &mut conn,
        &epatrol::domain::Actor::system(),
        epatrol::domain::BoxId(id),
    )
    .unwrap();
    let version = epatrol::patrol::store::current_key_version(&mut conn).unwrap();
    epatrol::patrol::boxes::payload(&app.state.signing_keys, &view, version)
}

fn scan(app: &TestApp, box_id: i64, at: (f64, f64)) -> Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(),
        "payload": payload(app, box_id),
        "position": {"lat": at.0, "lon": at.1, "accuracy_m": 5.0},
        "scanned_at": Utc::now().to_rfc3339(),
    })
}

/// A scan that happened `ago` before now, timed by the monotonic clock.
pub fn scan_ago(app: &TestApp, box_id: i64, at: (f64, f64), ago: Duration) -> Value {
    let mut s = scan(app, box_id, at);
    s["scanned_at"] = json!((Utc::now() - ago).to_rfc3339());
    s["scan_monotonic"] = json!({"boot_id": "boot-1", "elapsed_ms": 1_000});
    s["sent_monotonic"] =
        json!({"boot_id": "boot-1", "elapsed_ms": 1_000 + ago.num_milliseconds()});
    s
}

fn flags(r: &Value) -> Vec<String> {
    r["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// A plan for the officer over B1, B2 and the dwell box, running all day
/// every day around now, created (as far as the rules know) a week ago.
/// A scan at B1 by the world's officer `ago` seconds ago, uploaded alone.
pub async fn check_in_ago<S, B>(w: &World, srv: &S, ago: i64) -> Resp
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let body = scan_ago(&w.app, w.b1, B1, Duration::seconds(ago));
    post(srv, "/api/v1/checkins", Some(&w.officer), body).await
}

pub async fn plan_all_day(
    w: &World,
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    officer_ids: Vec<i64>,
) -> i64 {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    // Made (as far as the service knows) a week ago.
    w.app
        .state
        .clock
        .set(epatrol::db::now() - Duration::days(8));
    let r = post(
        srv,
        "/api/v1/plans",
        Some(&w.sup),
        json!({
            "unit_id": w.app.fx.p1s1, "name": "全日巡邏",
            "starts_on": (today - Duration::days(7)).to_string(), "ends_on": (today + Duration::days(1)).to_string(),
            "weekdays": ["mon","tue","wed","thu","fri","sat","sun"],
            "window_start": "00:00", "window_end": "00:00", "visits_per_window": 1, "grace_minutes": 0,
            "officer_ids": officer_ids, "box_ids": [w.b1, w.b2, w.dwell],
        }),
    )
    .await;
    w.app.state.clock.resume();
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

pub async fn world() -> World {
    world_on(TestApp::new()).await
}

/// The patrol world on an app made as the caller wants it.
pub async fn world_on(app: TestApp) -> World {
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("S1100", app.fx.p1s1, Role::Supervisor);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let (admin, sup, officer, b1, b2, far, dwell) = {
        let srv = app.service().await;
        let admin = login(&srv, "A0001").await;
        let sup = login(&srv, "S1100").await;
        let officer = login(&srv, "O1101").await;
        let p1s1 = app.fx.p1s1.0;
        let b1 = create_box(&srv, &admin, "B-1", p1s1, B1, None).await;
        let b2 = create_box(&srv, &admin, "B-2", p1s1, B2, None).await;
        let far = create_box(&srv, &admin, "B-FAR", p1s1, FAR, None).await;
        let dwell = create_box(
            &srv,
            &admin,
            "B-DWELL",
            p1s1,
            (22.9930, 120.2100),
            Some(300),
        )
        .await;
        (admin, sup, officer, b1, b2, far, dwell)
    };
    World {
        app,
        admin,
        sup,
        officer,
        b1,
        b2,
        far,
        dwell,
    }
}

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

pub fn officer_id(app: &TestApp, badge: &str) -> i64 {
    epatrol::org::directory::user_by_badge(&mut app.conn(), badge)
        .unwrap()
        .unwrap()
        .0
        .id
        .0
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
async fn forged_altered_and_replaced_codes_are_refused() {
    let w = world().await;
    let srv = w.app.service().await;
    let good = scan(&w.app, w.b1, B1);
    let genuine = good["payload"].as_str().unwrap().to_owned();

    let mut altered = good.clone();
    altered["payload"] =
        json!(genuine.replacen(&format!("EPB1.{}.", w.b1), &format!("EPB1.{}.", w.b2), 1));
    let r = post(&srv, "/api/v1/checkins", Some(&w.officer), altered).await;
    assert_eq!((r.status, r.code()), (422, "bad_signature"));

    let mut forged = good.clone();
    forged["payload"] = json!(format!("EPB1.{}.1.1.AAAAAAAAAAAAAAAAAAAAAA", w.b1));
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), forged)
            .await
            .code(),
        "bad_signature"
    );

    let mut junk = good.clone();
    junk["payload"] = json!("https://example.com/not-a-box");
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), junk)
            .await
            .code(),
        "malformed_code"
    );

    // A photographed sticker: the box gets a new code and the old one stops working.
    let r = post(
        &srv,
        &format!("/api/v1/boxes/{}/reissue-code", w.b1),
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.body["code_serial"], 2);
    let mut old = good.clone();
    old["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), old)
            .await
            .code(),
        "code_superseded"
    );
    let fresh = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b1, B1),
    )
    .await;
    assert_eq!(fresh.status, 201);

    // A retired box.
    post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b2, B2),
    )
    .await;
    assert_eq!(r.code(), "box_retired");

    // Rejections are audited; nothing was stored for them.
    let rejected =
        epatrol::audit::store::list(&mut w.app.conn(), Some("checkin"), None, None, 100).unwrap();
    assert_eq!(
        rejected
            .iter()
            .filter(|e| e.action == "checkin.rejected")
            .count(),
        5
    );
    let all = get(&srv, "/api/v1/checkins?limit=100", &w.sup).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn a_rotated_key_keeps_old_stickers_until_retired() {
    let w = world().await;
    let srv = w.app.service().await;
    let old_sticker = scan(&w.app, w.b1, B1);
    {
        let mut conn = w.app.conn();
        let v2 = epatrol::patrol::store::add_key_version(&mut conn, epatrol::db::now()).unwrap();
        assert_eq!(v2, 2);
    }
    assert_eq!(
        post(
            &srv,
            "/api/v1/checkins",
            Some(&w.officer),
            old_sticker.clone()
        )
        .await
        .status,
        201
    );
    epatrol::patrol::store::retire_key_version(&mut w.app.conn(), 1, epatrol::db::now()).unwrap();
    let mut again = old_sticker.clone();
    again["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), again)
            .await
            .code(),
        "code_key_retired"
    );
    // Stickers printed now carry the new version, and work.
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/boxes/{}/qr", w.b1))
            .insert_header(("Authorization", format!("Bearer {}", w.sup)))
            .to_request(),
    )
    .await;
    let printed = res
        .headers()
        .get("x-box-payload")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        printed.starts_with(&format!("EPB1.{}.1.2.", w.b1)),
        "{printed}"
    );
    let mut s = scan(&w.app, w.b1, B1);
    s["payload"] = json!(printed);
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), s)
            .await
            .status,
        201
    );
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
fn batch_at_b1(w: &World, seconds_ago: impl IntoIterator<Item = i64>) -> Value {
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
async fn coverage_of_a_known_scenario() {
    let w = world().await;
    let srv = w.app.service().await;
    w.app.user("O1102", w.app.fx.p1s1, Role::Officer);
    let o1 = officer_id(&w.app, "O1101");
    let o2 = officer_id(&w.app, "O1102");
    let o2_token = login(&srv, "O1102").await;
    // Daily 08:00–10:00 Taipei, one visit per officer per box, 30 min grace,
    // over the three days before today.
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let (from, to) = (today - Duration::days(3), today - Duration::days(1));
    w.app
        .state
        .clock
        .set(epatrol::db::now() - Duration::days(8));
    let r = post(
        &srv,
        "/api/v1/plans",
        Some(&w.sup),
        json!({
            "unit_id": w.app.fx.p1s1, "name": "早班", "starts_on": from.to_string(), "ends_on": to.to_string(),
            "weekdays": ["mon","tue","wed","thu","fri","sat","sun"], "window_start": "08:00", "window_end": "10:00",
            "visits_per_window": 1, "grace_minutes": 30, "officer_ids": [o1, o2], "box_ids": [w.b1, w.b2],
        }),
    )
    .await;
    w.app.state.clock.resume();
    assert_eq!(r.status, 201, "{}", r.body);
    let plan = r.body["id"].as_i64().unwrap();
    let expected = get(
        &srv,
        &format!("/api/v1/plans/{plan}/expected?from={from}&to={to}"),
        &w.sup,
    )
    .await;
    assert_eq!(expected.body.as_array().unwrap().len(), 12);

    // Local time on day `d` (0..3) → how long ago that was.
    let ago = |day: i64, hh: u32, mm: u32| {
        let local = (from + Duration::days(day)).and_hms_opt(hh, mm, 0).unwrap();
        Utc::now().naive_utc() - (local - Duration::hours(8))
    };
    let mut items = Vec::new();
    for day in 0..3 {
        items.push(scan_ago(&w.app, w.b1, B1, ago(day, 9, 0))); // O1 at B1, on time
    }
    items.push(scan_ago(&w.app, w.b2, B2, ago(0, 10, 15))); // O1 at B2, late
    let r = post(
        &srv,
        "/api/v1/checkins/batch",
        Some(&w.officer),
        json!({"items": items}),
    )
    .await;
    assert_eq!(r.body["accepted"], 4, "{}", r.body);
    let mut flagged = scan_ago(&w.app, w.b1, B1, ago(1, 9, 0));
    flagged["mock_location"] = json!(true);
    let r = post(&srv, "/api/v1/checkins", Some(&o2_token), flagged).await;
    assert_eq!(r.body["result"], "flagged");

    let report = get(
        &srv,
        &format!(
            "/api/v1/coverage?unit_id={}&from={from}&to={to}",
            w.app.fx.p1s1
        ),
        &w.sup,
    )
    .await;
    assert_eq!(report.status, 200, "{}", report.body);
    let t = &report.body["totals"];
    assert_eq!(
        (
            t["expected"].as_i64(),
            t["on_time"].as_i64(),
            t["late"].as_i64(),
            t["missed"].as_i64(),
            t["flagged"].as_i64()
        ),
        (Some(12), Some(3), Some(1), Some(8), Some(1))
    );
    assert_eq!(t["coverage_pct"], 33.3);
    let by_box = report.body["by_box"].as_array().unwrap();
    let b1 = by_box.iter().find(|l| l["id"] == w.b1).unwrap();
    assert_eq!(
        (
            b1["expected"].as_i64(),
            b1["on_time"].as_i64(),
            b1["missed"].as_i64(),
            b1["flagged"].as_i64()
        ),
        (Some(6), Some(3), Some(3), Some(1))
    );
    let by_officer = report.body["by_officer"].as_array().unwrap();
    let first = by_officer.iter().find(|l| l["code"] == "O1101").unwrap();
    assert_eq!(
        (
            first["on_time"].as_i64(),
            first["late"].as_i64(),
            first["missed"].as_i64()
        ),
        (Some(3), Some(1), Some(2))
    );
    assert_eq!(report.body["misses"].as_array().unwrap().len(), 8);

    let csv = send(
        &srv,
        Method::GET,
        &format!(
            "/api/v1/coverage.csv?unit_id={}&from={from}&to={to}",
            w.app.fx.p1s1
        ),
        Some(&w.sup),
        None,
    )
    .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.body.as_str().unwrap();
    assert!(text.contains("section,id,code,name,expected"));
    assert_eq!(text.lines().filter(|l| l.starts_with("miss,")).count(), 8);

    // The supervisor checks the flagged visit and clears it: now it counts.
    let flagged_id = r.body["checkin_id"].as_i64().unwrap();
    let review = post(
        &srv,
        &format!("/api/v1/checkins/{flagged_id}/review"),
        Some(&w.sup),
        json!({"decision": "accept", "note": "監視器確認到場"}),
    )
    .await;
    assert_eq!(review.status, 201, "{}", review.body);
    let report = get(
        &srv,
        &format!(
            "/api/v1/coverage?unit_id={}&from={from}&to={to}",
            w.app.fx.p1s1
        ),
        &w.sup,
    )
    .await;
    let t = &report.body["totals"];
    assert_eq!(
        (
            t["on_time"].as_i64(),
            t["missed"].as_i64(),
            t["flagged"].as_i64()
        ),
        (Some(4), Some(7), Some(0))
    );
    let seen = get(&srv, &format!("/api/v1/checkins/{flagged_id}"), &w.sup).await;
    assert_eq!(
        seen.body["result"], "flagged",
        "the check-in itself never changes"
    );
    assert_eq!(seen.body["review"]["decision"], "accept");
    // Only flagged check-ins are reviewed, only by supervisors.
    let accepted_id = get(&srv, "/api/v1/checkins?status=accepted", &w.sup)
        .await
        .body["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = post(
        &srv,
        &format!("/api/v1/checkins/{accepted_id}/review"),
        Some(&w.sup),
        json!({"decision": "reject", "note": "x"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "not_flagged"));
    let r = post(
        &srv,
        &format!("/api/v1/checkins/{flagged_id}/review"),
        Some(&o2_token),
        json!({"decision": "accept", "note": "我有到"}),
    )
    .await;
    assert_eq!(r.status, 403);
}

#[actix_web::test]
async fn refusals_across_units_and_roles() {
    let w = world().await;
    w.app.user("S2100", w.app.fx.p2s1, Role::Supervisor);
    w.app.user("O2101", w.app.fx.p2s1, Role::Officer);
    let srv = w.app.service().await;
    let other_sup = login(&srv, "S2100").await;
    let other_officer = login(&srv, "O2101").await;

    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&w.officer),
        scan(&w.app, w.b1, B1),
    )
    .await;
    let id = r.body["checkin_id"].as_i64().unwrap();
    // Another station's supervisor sees neither the box, the check-in nor the coverage.
    assert_eq!(
        get(&srv, &format!("/api/v1/boxes/{}", w.b1), &other_sup)
            .await
            .status,
        404
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/checkins/{id}"), &other_sup)
            .await
            .status,
        404
    );
    let today = Utc::now().date_naive();
    let cov = get(
        &srv,
        &format!(
            "/api/v1/coverage?unit_id={}&from={today}&to={today}",
            w.app.fx.p1s1
        ),
        &other_sup,
    )
    .await;
    assert_eq!(cov.status, 404);
    assert!(
        get(&srv, "/api/v1/checkins", &other_sup).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Another officer does not see my check-ins.
    assert_eq!(
        get(&srv, &format!("/api/v1/checkins/{id}"), &other_officer)
            .await
            .status,
        404
    );
    assert!(
        get(&srv, "/api/v1/checkins", &other_officer).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Officers neither register boxes nor plan patrols nor read coverage.
    let r = post(&srv, "/api/v1/boxes", Some(&w.officer), json!({"code": "X-1", "unit_id": w.app.fx.p1s1, "name": "x", "address": "x", "lat": 23.0, "lon": 120.0})).await;
    assert_eq!(r.status, 403);
    assert_eq!(get(&srv, "/api/v1/plans", &w.officer).await.status, 403);
    // A supervisor cannot plan with another station's officers or boxes.
    let r = post(
        &srv,
        "/api/v1/plans",
        Some(&other_sup),
        json!({"unit_id": w.app.fx.p2s1, "name": "越區", "starts_on": today.to_string(), "ends_on": today.to_string(),
               "weekdays": ["mon"], "window_start": "08:00", "window_end": "09:00", "visits_per_window": 1,
               "officer_ids": [officer_id(&w.app, "O1101")], "box_ids": [w.b1]}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["officer_ids[0]", "box_ids[0]"]);
}

#[actix_web::test]
async fn boxes_are_managed_and_imported_whole_or_not_at_all() {
    let w = world().await;
    let srv = w.app.service().await;
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b1),
        Some(&w.admin),
        Some(json!({"name": "東門圓環", "radius_m": 50.0})),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["name"].as_str(), r.body["radius_m"].as_f64()),
        (Some("東門圓環"), Some(50.0))
    );
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b1),
        Some(&w.admin),
        Some(json!({"radius_m": 0.5, "lat": 100.0})),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"].as_array().unwrap().len(), 2);

    let bad = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
               N-1,P1-S1,一號,地址,22.99,120.20,30,\n\
               N-2,NOPE,二號,地址,22.99,120.20,30,\n\
               B-1,P1-S1,重複,地址,22.99,120.20,30,\n\
               N-4,P1-S1,四號,地址,95.0,120.20,30,\n\
               N-5,P1-S1,五號,地址,abc,120.20,30,\n";
    let r = csv_post(&srv, &w.admin, bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    let mut fields: Vec<String> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            "rows[2].unit_code",
            "rows[3].code",
            "rows[4].lat",
            "rows[5]"
        ]
    );
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(
        boxes.body["items"].as_array().unwrap().len(),
        4,
        "nothing imported"
    );

    let good = "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\n\
                N-1,P1-S1,一號,地址,22.99,120.20,30,\n\
                N-2,P1-S2,二號,地址,22.98,120.21,,600\n";
    let r = csv_post(&srv, &w.admin, good).await;
    assert_eq!(
        (r.status, r.body["imported"].as_i64()),
        (201, Some(2)),
        "{}",
        r.body
    );
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(boxes.body["items"].as_array().unwrap().len(), 6);

    // Retired boxes leave the default list, and cannot be changed.
    post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    let boxes = get(&srv, "/api/v1/boxes?limit=500", &w.admin).await;
    assert_eq!(boxes.body["items"].as_array().unwrap().len(), 5);
    let r = send(
        &srv,
        Method::PATCH,
        &format!("/api/v1/boxes/{}", w.b2),
        Some(&w.admin),
        Some(json!({"name": "x"})),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "box_retired"));
}

async fn csv_post(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    body: &str,
) -> Resp {
    let req = actix_web::test::TestRequest::post()
        .uri("/api/v1/boxes/import")
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "text/csv"))
        .set_payload(body.to_owned())
        .to_request();
    let res = actix_web::test::call_service(srv, req).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body =
        serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap_or(Value::Null);
    Resp {
        status,
        body,
        headers,
    }
}

#[actix_web::test]
async fn box_qr_codes_decode_to_the_signed_payload() {
    let w = world().await;
    let srv = w.app.service().await;
    let req = |format: &str| {
        actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/boxes/{}/qr?format={format}", w.b1))
            .insert_header(("Authorization", format!("Bearer {}", w.sup)))
            .to_request()
    };
    let res = actix_web::test::call_service(&srv, req("png")).await;
    assert_eq!(res.status(), 200);
    let payload = res
        .headers()
        .get("x-box-payload")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let bytes = actix_web::test::read_body(res).await;
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes.to_vec()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (wd, ht) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(wd, ht, |x, y| buf[y * wd + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1);
    let (_, content) = grids[0].decode().unwrap();
    assert_eq!(content, payload);
    assert_eq!(content, payload_of(&w, w.b1));
    // And the decoded payload checks in.
    let mut s = scan(&w.app, w.b1, B1);
    s["payload"] = json!(content);
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), s)
            .await
            .status,
        201
    );

    let res = actix_web::test::call_service(&srv, req("svg")).await;
    assert_eq!(res.headers().get("content-type").unwrap(), "image/svg+xml");
    let svg = actix_web::test::read_body(res).await;
    assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    let res = actix_web::test::call_service(&srv, req("gif")).await;
    assert_eq!(res.status(), 400);
}

fn payload_of(w: &World, id: i64) -> String {
    payload(&w.app, id)
}

fn pdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

#[actix_web::test]
async fn sticker_sheets_and_the_coverage_report_print_in_chinese() {
    let w = world().await;
    let srv = w.app.service().await;
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::get()
            .uri(&format!("/api/v1/units/{}/box-stickers", w.app.fx.p1))
            .insert_header(("Authorization", format!("Bearer {}", w.admin)))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/pdf"
    );
    let pdf = actix_web::test::read_body(res).await;
    assert!(pdf.starts_with(b"%PDF"));
    assert!(
        pdf.len() < 300_000,
        "font must be subset: {} bytes",
        pdf.len()
    );
    let text = pdf_text(&pdf);
    assert!(text.contains("B-DWELL"), "{text}");
    assert!(text.contains("巡邏箱"), "{text}");
    assert!(text.contains("電子巡簽"), "{text}");

    let today = (Utc::now() + Duration::hours(8)).date_naive();
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::get()
            .uri(&format!(
                "/api/v1/coverage.pdf?unit_id={}&from={today}&to={today}",
                w.app.fx.p1s1
            ))
            .insert_header(("Authorization", format!("Bearer {}", w.sup)))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let pdf = actix_web::test::read_body(res).await;
    assert!(pdf_text(&pdf).contains("巡邏簽到稽核報表"));
}

#[actix_web::test]
async fn administrators_rotate_box_code_keys_over_the_api() {
    let w = world().await;
    let srv = w.app.service().await;
    let old_sticker = scan(&w.app, w.b1, B1);
    let r = post(&srv, "/api/v1/box-code-keys", Some(&w.admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let current: Vec<i64> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["current"] == true)
        .map(|k| k["version"].as_i64().unwrap())
        .collect();
    assert_eq!(current, vec![2]);
    let r = post(
        &srv,
        "/api/v1/box-code-keys/2/retire",
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "current_key"));
    assert_eq!(
        post(
            &srv,
            "/api/v1/checkins",
            Some(&w.officer),
            old_sticker.clone()
        )
        .await
        .status,
        201
    );
    let r = post(
        &srv,
        "/api/v1/box-code-keys/1/retire",
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut again = old_sticker;
    again["client_id"] = json!(uuid::Uuid::new_v4().to_string());
    assert_eq!(
        post(&srv, "/api/v1/checkins", Some(&w.officer), again)
            .await
            .code(),
        "code_key_retired"
    );
    // Supervisors do not manage keys.
    assert_eq!(
        post(&srv, "/api/v1/box-code-keys", Some(&w.sup), json!({}))
            .await
            .status,
        403
    );
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

#[actix_web::test]
async fn a_retired_box_gets_no_code() {
    let w = world().await;
    let srv = w.app.service().await;
    let r = post(
        &srv,
        &format!("/api/v1/boxes/{}/retire", w.b2),
        Some(&w.admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let qr = get(&srv, &format!("/api/v1/boxes/{}/qr", w.b2), &w.sup).await;
    assert_eq!((qr.status, qr.code()), (409, "box_retired"));
    assert_eq!(
        get(&srv, &format!("/api/v1/boxes/{}/qr", w.b1), &w.sup)
            .await
            .status,
        200
    );
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
