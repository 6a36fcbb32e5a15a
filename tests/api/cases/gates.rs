//! The legal gates of intake, the registry check, and a delivered ticket
//! that can only be corrected.

use super::*;

#[actix_web::test]
async fn the_legal_gates_close_what_can_never_be_ticketed_and_account_for_it() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let now = Utc::now();

    // Reported on the eighth day after the violation day: too late (Art. 7-1).
    let mut late = citizen_report(app, "CR-LATE-01", now - Duration::days(8));
    late["received_at"] = json!(now.to_rfc3339());
    let r = post(&srv, "/api/v1/cases", Some(&intake), late).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["close_reason"].as_str()),
        (Some("closed"), Some("report_too_late"))
    );
    // Drunk driving is not for citizens to report.
    let mut drunk = citizen_report(app, "CR-DRUNK-01", now - Duration::hours(2));
    drunk["article_code"] = json!("35-1-1");
    let r = post(&srv, "/api/v1/cases", Some(&intake), drunk).await;
    assert_eq!(r.body["close_reason"], "not_reportable", "{}", r.body);
    // A camera case three months old: past the Article 90 period.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-OLD-01", 60 * 24 * 92),
    )
    .await;
    assert_eq!(r.body["close_reason"], "out_of_time", "{}", r.body);
    // Reports of the same scooter and article five minutes apart may be one
    // violation (§7-1 III: unless an intersection was passed): marked for
    // the reviewer, not merged; seven minutes apart, two.
    let first = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(app, "CR-A-01", now - Duration::hours(3)),
    )
    .await;
    assert_eq!(first.body["status"], "received", "{}", first.body);
    let again = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(
            app,
            "CR-A-02",
            now - Duration::hours(3) + Duration::minutes(5),
        ),
    )
    .await;
    assert_eq!(again.body["status"], "received", "{}", again.body);
    assert_eq!(again.body["duplicate_of"], first.body["id"]);
    let later = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(
            app,
            "CR-A-03",
            now - Duration::hours(3) + Duration::minutes(7),
        ),
    )
    .await;
    assert_eq!(later.body["status"], "received", "{}", later.body);
    // The police see the reporter; the vendor's keyer never does.
    assert_eq!(first.body["reporter"]["contact"], "0912-345-678");
    let k1 = login(&srv, "K1").await;
    let id = first.body["id"].as_i64().unwrap();
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &k1).await;
    assert_eq!(r.status, 200);
    assert!(r.body["reporter"].is_null());
    assert!(!r.body.to_string().contains("0912-345-678"));
    assert!(r.body["events"].is_null());

    // A case left until past its deadline is closed, not handed out.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-NEAR-01", 60 * 24 * 55),
    )
    .await;
    assert_eq!(r.body["status"], "received");
    assert!(r.body["days_left"].as_i64().unwrap() <= 7, "{}", r.body);
    let near = get(&srv, "/api/v1/cases?deadline_within_days=7", &intake).await;
    let near_ids: Vec<i64> = near.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(near_ids, vec![r.body["id"].as_i64().unwrap()]);
    app.state.clock.set((now + Duration::days(10)).naive_utc());
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_ne!(claimed.body["id"], r.body["id"]);

    // Every case received is accounted for.
    let acc = get(&srv, "/api/v1/cases/accounting", &intake).await;
    assert_eq!(acc.status, 200, "{}", acc.body);
    assert_eq!(acc.body["received"], 7);
    assert_eq!(acc.body["closed_by_reason"]["report_too_late"], 1);
    assert_eq!(acc.body["closed_by_reason"]["not_reportable"], 1);
    assert_eq!(acc.body["closed_by_reason"]["out_of_time"], 2);
    // The possible repeat waits for its reviewer, not closed at intake.
    assert!(
        acc.body["closed_by_reason"]["duplicate"].is_null(),
        "{}",
        acc.body
    );
    assert_eq!(acc.body["by_status"]["received"], 3);
}

#[actix_web::test]
async fn the_registry_stops_a_plate_that_is_not_the_vehicle() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    // Every bad row at once, nothing imported.
    let bad = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
        ABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區,2020-01-01\n\
        ZZ,tank,,白,陳車主,A000000000,臺南市北區,2020-13-01\n";
    let r = import_registry(&srv, &admin, bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains("rows[2].vehicle_class"));
    let sup = login(&srv, "SUP-IN").await;
    assert_eq!(
        get(&srv, "/api/v1/registry/ABC-1234", &sup).await.status,
        404
    );
    // Only headquarters administrators import.
    assert_eq!(import_registry(&srv, &sup, REGISTRY).await.status, 403);
    assert_eq!(import_registry(&srv, &admin, REGISTRY).await.status, 201);
    let r = get(&srv, "/api/v1/registry/abc1234", &sup).await;
    assert_eq!(r.body["owner_name"], "陳車主", "{}", r.body);
    // One plate string in two classes is two vehicles: the registry is
    // keyed on plate and class, and a lookup without the class says so.
    let scooter = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
        ABC-1234,motorcycle,KYMCO,黑,吳機車,A123456789,臺南市東區,2020-01-01\n";
    assert_eq!(import_registry(&srv, &admin, scooter).await.status, 201);
    let r = get(&srv, "/api/v1/registry/ABC-1234", &sup).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "plate_in_several_classes"),
        "{}",
        r.body
    );
    let r = get(
        &srv,
        "/api/v1/registry/ABC-1234?vehicle_class=motorcycle",
        &sup,
    )
    .await;
    assert_eq!(r.body["owner_name"], "吳機車", "{}", r.body);
    let r = get(&srv, "/api/v1/registry/ABC-1234?vehicle_class=car", &sup).await;
    assert_eq!(r.body["owner_name"], "陳車主", "{}", r.body);
    // The same plate, class and date twice is refused.
    assert_eq!(import_registry(&srv, &admin, scooter).await.status, 422);
    // Vendor staff never see owners.
    let k1 = login(&srv, "K1").await;
    assert_eq!(
        get(&srv, "/api/v1/registry/ABC-1234", &k1).await.status,
        403
    );

    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-REG-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let key = |plate: &str, class: &str, make: &str| {
        let mut k = keying(&case, plate);
        k["vehicle_class"] = json!(class);
        k["make"] = json!(make);
        k
    };
    let path = format!("/api/v1/cases/{id}/keying");
    let r = post(&srv, &path, Some(&k1), key("ABC-1235", "car", "TOYOTA")).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains("not_registered"), "{}", r.body);
    let r = post(&srv, &path, Some(&k1), key("EAA-1234", "car", "YAMAHA")).await;
    assert!(
        r.body.to_string().contains("registry_mismatch"),
        "{}",
        r.body
    );
    let r = post(&srv, &path, Some(&k1), key("ABC-1234", "car", "HONDA")).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let mut ok = key("ABC-1234", "car", "HONDA");
    ok["acknowledge"] = json!(["make:registry_mismatch"]);
    let r = post(&srv, &path, Some(&k1), ok).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The mistakes caught are near misses against the keyer.
    let k1_id = user_id(app, "K1");
    let caught: Vec<(String, String)> = near_misses(app)
        .into_iter()
        .filter(|(u, ..)| *u == Some(k1_id))
        .map(|(_, by, _, code)| (by, code))
        .collect();
    assert!(
        caught.contains(&("registry".into(), "not_registered".into())),
        "{caught:?}"
    );
    assert!(
        caught.contains(&("registry".into(), "registry_mismatch".into())),
        "{caught:?}"
    );
}

#[actix_web::test]
async fn a_delivered_ticket_can_only_be_corrected() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let k1 = login(&srv, "K1").await;
    let v1 = login(&srv, "V1").await;
    let rev = login(&srv, "SUP-REV").await;
    let mut tickets = vec![];
    for n in 0..2 {
        // The camera read no plate the second time: the repeat shows only
        // once keyed, and the approval catches it.
        let (id, case) = keyed_case(&srv, app, &format!("CAM-DLV-0{n}"), &k1, n == 0).await;
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&v1),
            json!({}),
        )
        .await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/verification"),
            Some(&v1),
            critical(&case, "ABC-1234"),
        )
        .await;
        assert_eq!(r.body["status"], "verified", "{}", r.body);
        post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev),
            json!({"acknowledge": ["article_code:unconfirmed"]}),
        )
        .await;
        if n == 1 {
            // The same vehicle and article minutes apart, already ticketed:
            // whether it is one violation only the reviewer can say
            // (an intersection between them?), and says so.
            assert_eq!(
                (r.status, r.code()),
                (409, "repeat_needs_finding"),
                "{}",
                r.body
            );
            let r = post(
                &srv,
                &format!("/api/v1/cases/{id}/approve"),
                Some(&rev),
                json!({"repeat": {"intersection_passed": false}, "acknowledge": ["article_code:unconfirmed"]}),
            )
            .await;
            assert_eq!(
                (r.status, r.code()),
                (409, "duplicate_violation"),
                "{}",
                r.body
            );
            let r = post(
                &srv,
                &format!("/api/v1/cases/{id}/close"),
                Some(&rev),
                json!({"reason": "duplicate", "note": "同一違規", "duplicate_of": id - 1}),
            )
            .await;
            assert_eq!(r.body["status"], "closed", "{}", r.body);
            continue;
        }
        assert_eq!(r.status, 200, "{}", r.body);
        tickets.push(r.body["ticket"]["id"].as_i64().unwrap());
    }
    let t = tickets[0];
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "returned", "note": "查無此人"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "delivered", "note": "RR123456789TW"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "delivered", "note": "again"}),
    )
    .await;
    assert_eq!(r.code(), "already_delivered");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/void"),
        Some(&rev),
        json!({"reason": "other", "note": "寄錯"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "copy_delivered"), "{}", r.body);
}
