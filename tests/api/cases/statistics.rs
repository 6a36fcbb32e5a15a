//! The statistics of a small city worked out by hand, and of a generated
//! year.

use super::*;

pub(super) fn on_the_spot(n: usize) -> Value {
    json!({
        "client_id": format!("spot-ticket-{n:04}"),
        "kind": "on_the_spot",
        "violation_at": (Utc::now() - Duration::minutes(10)).to_rfc3339(),
        "place": "臺南市東區東門路一段與府連路口",
        "plate": format!("ABC-{:04}", 2000 + n),
        "vehicle_class": "car",
        "article_code": "53-1",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈",
        "fine": 2700,
        "driver": {"name": "王小明", "sex": "male", "birth_date": "1990-05-01", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
        "signature": {"status": "obtained"},
        "acknowledge": ["article_code:unconfirmed"],
    })
}

#[actix_web::test]
async fn the_error_rate_and_near_misses_of_a_small_city_worked_out_by_hand() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let o1 = login(&srv, "O1").await;
    let rev = login(&srv, "SUP-REV").await;
    // Four tickets on the spot; one corrected for its plate.
    let mut spot = vec![];
    for n in 0..4 {
        let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(n)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        spot.push(r.body["id"].as_i64().unwrap());
    }
    let mut fixed = on_the_spot(0);
    fixed["client_id"] = json!("spot-ticket-fix-0000");
    fixed["plate"] = json!("ABC-2009");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/corrections", spot[0]),
        Some(&o1),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // One camera ticket through the vendor, after one registry catch, then voided.
    let k1 = login(&srv, "K1").await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-Q-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1239"),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v1 = login(&srv, "V1").await;
    post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&v1),
        json!({}),
    )
    .await;
    post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&v1),
        critical(&case, "ABC-1234"),
    )
    .await;
    post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&rev),
        json!({"acknowledge": ["article_code:unconfirmed"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let camera_ticket = r.body["ticket"]["id"].as_i64().unwrap();
    let taiwan_day = |v: &Value| {
        let t = chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        epatrol::domain::time::taiwan_date(t.naive_utc())
    };
    // Whole Taiwan days: 0 unless a midnight fell in the half hour.
    let camera_days = |from: &str| {
        (taiwan_day(&r.body["ticket"]["issued_at"]) - taiwan_day(&case[from])).num_days() as f64
    };
    let (from_violation, from_intake) = (camera_days("violation_at"), camera_days("received_at"));
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{camera_ticket}/void"),
        Some(&rev),
        json!({"reason": "wrong_recipient", "note": "寄錯車主"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let q = |by: &str| format!("/api/v1/quality/error-rate?from={month}&to={month}&by={by}");
    let sup = login(&srv, "SUP-REV").await;
    // Five tickets issued (a correction is not a new ticket), two wrong.
    let r = get(&srv, &q("month"), &sup).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["issued"].as_i64(), r.body["with_error"].as_i64()),
        (Some(5), Some(2))
    );
    assert_eq!(r.body["rate"], 0.4);
    assert_eq!(r.body["meets_target"], false);
    assert_eq!(r.body["lines"][0]["provisional"], true);
    // By source, worst first: the camera ticket 1/1, on the spot 1/4.
    let r = get(&srv, &q("source"), &sup).await;
    let lines: Vec<(String, i64, i64)> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["issued"].as_i64().unwrap(),
                l["with_error"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![("camera".into(), 1, 1), ("on_the_spot".into(), 4, 1)]
    );
    let r = get(&srv, &q("error_type"), &sup).await;
    let types: Vec<&str> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["plate", "voided"]);
    let r = get(&srv, &q("keyer"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], user_id(app, "K1").to_string());
    assert_eq!(r.body["lines"][0]["issued"], 1);
    let r = get(
        &srv,
        &q("unit").replace("error-rate?", "error-rate.csv?"),
        &sup,
    )
    .await;
    let csv = r.body.as_str().unwrap();
    assert!(
        csv.contains("key,issued,with_error,rate,meets_target,provisional"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{},5,2,0.400000,false,true", app.fx.p1s1)),
        "{csv}"
    );
    // Another precinct's supervisor sees none of it.
    let p2 = login(&srv, "SUP-P2").await;
    assert_eq!(get(&srv, &q("month"), &p2).await.body["issued"], 0);
    // The plate the registry caught is a near miss against the keyer.
    let r = get(
        &srv,
        &format!("/api/v1/quality/near-misses?from={month}&to={month}&by=caught_by"),
        &sup,
    )
    .await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["lines"][0]["key"], "registry");
    // Turnaround: the camera ticket half an hour after the violation.
    let r = get(
        &srv,
        &format!("/api/v1/quality/turnaround?from={month}&to={month}&by=source"),
        &sup,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let camera = &r.body["lines"][0];
    assert_eq!(
        (camera["key"].as_str(), camera["tickets"].as_i64()),
        (Some("camera"), Some(1))
    );
    assert_eq!(camera["baseline_days"], 21.0);
    assert_eq!(camera["from_intake"]["within_target"], 1.0);
    assert_eq!(camera["from_violation"]["median_days"], from_violation);
    assert_eq!(camera["from_violation"]["p90_days"], from_violation);
    assert_eq!(camera["from_intake"]["median_days"], from_intake);
    // Enforcement: four red lights this year (the voided one does not
    // count, nor does the correction), none the year before.
    let year = &month[0..4];
    let r = get(
        &srv,
        &format!("/api/v1/quality/enforcement?year={year}"),
        &sup,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["by_violation"].as_array().unwrap().len(), 7);
    let red = r.body["by_violation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == "red_light")
        .unwrap();
    assert_eq!(
        (red["this_year"].as_i64(), red["previous_year"].as_i64()),
        (Some(4), Some(0))
    );
    assert_eq!(r.body["total"]["this_year"], 4);
    assert_eq!(
        get(&srv, "/api/v1/quality/enforcement?year=1900", &sup)
            .await
            .status,
        422
    );
    // The monthly report, with the month's figures as text and its charts.
    let req = TestRequest::get()
        .uri(&format!("/api/v1/quality/monthly-report?month={month}"))
        .insert_header(("Authorization", format!("Bearer {sup}")))
        .to_request();
    let res = actix_web::test::call_service(&srv, req).await;
    assert_eq!(res.status(), 200);
    let pdf = actix_web::test::read_body(res).await;
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 2);
    let text = doc.extract_text(&pages).unwrap().replace('\n', "");
    for expected in [
        "舉發單品質月報",
        "錯誤 2 件",
        "40.000%",
        "闖紅燈",
        "逕行舉發",
        "測試廠商",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(
        pdf.windows(8).any(|w| w == b"/XObject"),
        "the charts are images"
    );
    // Vendor staff do not read the statistics; bad periods are refused.
    assert_eq!(get(&srv, &q("month"), &k1).await.status, 403);
    assert_eq!(
        get(
            &srv,
            "/api/v1/quality/error-rate?from=2026-13&to=2026-12&by=month",
            &sup
        )
        .await
        .status,
        422
    );
}

#[actix_web::test]
async fn a_generated_year_of_tickets_is_counted_by_the_statistics() {
    let w = World::new();
    let app = &w.app;
    let made =
        epatrol::tickets::generate::tickets(&mut app.conn(), "TN", 3000, 2025, &|_, _| {}).unwrap();
    assert_eq!(made, 3000);
    let srv = app.service().await;
    let hq = login(&srv, "HQA").await;
    let r = get(
        &srv,
        "/api/v1/quality/error-rate?from=2025-01&to=2025-12&by=month",
        &hq,
    )
    .await;
    assert_eq!(r.body["issued"], 3000, "{}", r.body);
    assert_eq!(r.body["lines"].as_array().unwrap().len(), 12);
    // About one in a thousand is wrong.
    assert!(r.body["with_error"].as_i64().unwrap() < 15, "{}", r.body);
    let r = get(&srv, "/api/v1/quality/enforcement?year=2025", &hq).await;
    assert!(
        r.body["total"]["this_year"].as_i64().unwrap() > 0,
        "{}",
        r.body
    );
    // Behind each camera and citizen ticket (six in ten) its case, some
    // days from the violation; one case in twenty with a near miss.
    let r = get(
        &srv,
        "/api/v1/quality/turnaround?from=2025-01&to=2025-12&by=source",
        &hq,
    )
    .await;
    let lines = r.body["lines"].as_array().unwrap();
    let keys: Vec<&str> = lines.iter().filter_map(|l| l["key"].as_str()).collect();
    assert_eq!(keys, ["camera", "citizen_report"], "{}", r.body);
    let cases: i64 = lines.iter().filter_map(|l| l["tickets"].as_i64()).sum();
    assert!((1600..2000).contains(&cases), "{}", r.body);
    let days = lines[0]["from_violation"]["median_days"].as_f64().unwrap();
    assert!((3.0..20.0).contains(&days), "{}", r.body);
    let r = get(
        &srv,
        "/api/v1/quality/near-misses?from=2025-01&to=2025-12&by=caught_by",
        &hq,
    )
    .await;
    let misses = r.body["total"].as_i64().unwrap();
    assert!((cases / 40..cases / 10).contains(&misses), "{}", r.body);
    assert_eq!(r.body["lines"].as_array().unwrap().len(), 3, "{}", r.body);
}
