//! Coverage of a known scenario, and the printed sticker sheets and
//! coverage report.

use super::*;

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
