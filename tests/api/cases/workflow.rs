//! A case from intake to a ticket: keying, blind verification, resolution,
//! approval; claims; separation of duties; what keyers must acknowledge.

use super::*;

#[actix_web::test]
async fn a_camera_case_with_a_mismatch_goes_through_to_a_ticket() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let intake = login(&srv, "SUP-IN").await;
    let reviewer = login(&srv, "SUP-REV").await;
    let keyer = login(&srv, "K1").await;
    let verifier = login(&srv, "V1").await;
    let resolver = login(&srv, "VS1").await;

    let r = import_registry(&srv, &admin, REGISTRY).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["imported"], 3);

    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-0042-000001", 60),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "received");
    let id = r.body["id"].as_i64().unwrap();
    let case = r.body.clone();
    // The same intake again: the same case, replayed.
    let again = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-0042-000001", 60),
    )
    .await;
    assert!(again.status == 200 || again.status == 409, "{}", again.body);

    let path = format!("/api/v1/cases/{id}/evidence");
    let r = upload(&srv, &intake, &path, "image/png", PNG).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        upload(&srv, &intake, &path, "image/png", PNG).await.status,
        200
    );

    // 一打.
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&keyer), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["evidence"][0]["sha256"], sha.as_str());
    let r = get(&srv, &format!("/api/v1/cases/{id}/evidence/{sha}"), &keyer).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get("content-type").unwrap(), "image/png");
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&keyer),
        keying(&case, "abc1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "keyed");

    // 二驗, blind: the verifier sees no keying, and types a plate wrong.
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&verifier),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["entries"].is_null(), "{}", r.body);
    assert!(!r.body.to_string().contains("ABC-1234\",\"vehicle_class"));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&verifier),
        critical(&case, "ABC-1284"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "in_resolution");

    // The vendor supervisor sees both and settles it against the evidence.
    let r = post(
        &srv,
        "/api/v1/queues/resolution/claim",
        Some(&resolver),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["entries"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["differences"], json!(["plate"]));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/resolution"),
        Some(&resolver),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "verified");
    let misses = near_misses(app);
    assert_eq!(
        misses,
        vec![(
            Some(user_id(app, "V1")),
            "verification".into(),
            "plate".into(),
            "verification_wrong".into()
        )]
    );

    // The police reviewer approves: the ticket is issued to the owner.
    let r = post(
        &srv,
        "/api/v1/queues/review/claim",
        Some(&reviewer),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Whether the law is confirmed is the reviewer's to acknowledge: the
    // keyer was not asked.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&reviewer),
        json!({}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (422, "warnings_unacknowledged"),
        "{}",
        r.body
    );
    assert_eq!(r.body["errors"][0]["code"], "unconfirmed", "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&reviewer),
        json!({"acknowledge": ["article_code:unconfirmed"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["case"]["status"], "ticketed");
    let ticket = &r.body["ticket"];
    assert_eq!(ticket["kind"], "camera");
    assert_eq!(ticket["plate"], "ABC-1234");
    assert_eq!(ticket["owner"]["name"], "陳車主");
    assert_eq!(ticket["owner"]["national_id"], "F131104093");
    assert_eq!(ticket["unit_id"], json!(app.fx.p1s1));
    assert!(ticket["number"].as_str().unwrap().starts_with("TN"));
    let events: Vec<&str> = r.body["case"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "received",
            "keyed",
            "sent_to_resolution",
            "resolved",
            "approved",
            "ticketed"
        ]
    );
    // Nothing more to do: the queues are empty.
    for (step, token) in [("keying", &keyer), ("review", &reviewer)] {
        let r = post(
            &srv,
            &format!("/api/v1/queues/{step}/claim"),
            Some(token),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 204, "{step}");
    }
    // Evidence of a finished case is fixed.
    let r = upload(&srv, &intake, &path, "image/png", b"\x89PNG\r\n\x1a\nmore").await;
    assert_eq!(r.status, 409);
}

#[actix_web::test]
async fn nobody_does_two_steps_of_a_case() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    // A case no vendor holds: police key and verify it.
    let mut c = camera_case(app, "CAM-POLICE-01", 30);
    c["vendor_id"] = Value::Null;
    let r = post(&srv, "/api/v1/cases", Some(&intake), c).await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let o1 = login(&srv, "O1").await;
    let o2 = login(&srv, "O2").await;
    // Vendor staff are never handed it.
    let k1 = login(&srv, "K1").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/cases/{id}"), &k1).await.status,
        404
    );
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&o1), json!({})).await;
    assert_eq!(r.body["id"], id);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&o1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The keyer is not offered the verification and may not do it.
    assert_eq!(
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&o1),
            json!({})
        )
        .await
        .status,
        204
    );
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&o1),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!((r.status, r.code()), (403, "separation_of_duties"));
    // Another officer verifies, blind like a vendor's verifier: neither
    // the claim, the case nor the list shows the keying.
    let blind = |body: &Value| {
        assert!(body["entries"].is_null(), "{body}");
        assert!(body["differences"].is_null(), "{body}");
    };
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &o2).await;
    assert_eq!(r.status, 200, "{}", r.body);
    blind(&r.body);
    let r = get(&srv, "/api/v1/cases?status=keyed", &o2).await;
    assert_eq!(r.body["items"][0]["id"], id, "{}", r.body);
    blind(&r.body["items"][0]);
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&o2),
        json!({}),
    )
    .await;
    assert_eq!(r.body["id"], id);
    blind(&r.body);
    // The supervisor who took the case in could verify it too, so sees no
    // keying either; the keyer sees their own.
    blind(
        &get(&srv, &format!("/api/v1/cases/{id}"), &intake)
            .await
            .body,
    );
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &o1).await;
    assert_eq!(r.body["entries"].as_array().map(Vec::len), Some(1));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&o2),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.body["status"], "verified", "{}", r.body);
    // Officers do not review; the reviewer may not be one of them either.
    assert_eq!(
        post(&srv, "/api/v1/queues/review/claim", Some(&o1), json!({}))
            .await
            .status,
        403
    );
    // A supervisor of another precinct does not reach the case.
    let p2 = login(&srv, "SUP-P2").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/review/claim", Some(&p2), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/cases/{id}"), &p2).await.status,
        404
    );
    // The vendor's keyer may not verify; its verifier may not key.
    let v1 = login(&srv, "V1").await;
    assert_eq!(
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&k1),
            json!({})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&v1), json!({}))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn a_claim_holds_one_case_for_one_person_until_it_expires() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-CLAIM-01", 30),
    )
    .await;
    let id = r.body["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    let k2 = login(&srv, "K2").await;
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(r.body["id"], id);
    // Claiming again gives the same case; the other keyer gets none.
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .body["id"],
        id
    );
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k2), json!({}))
            .await
            .status,
        204
    );
    // Abandoned: after 15 minutes it is free again.
    app.state
        .clock
        .set((Utc::now() + Duration::minutes(16)).naive_utc());
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k2), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let case = r.body.clone();
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "not_claimed"));
    // Released, it goes back to the queue.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/release"),
        Some(&k2),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["claimed_by"].is_null());
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .body["id"],
        id
    );
}

#[actix_web::test]
async fn concurrent_claimers_never_get_the_same_case() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    for n in 0..12 {
        let mut c = camera_case(app, &format!("CAM-RACE-{n:02}"), 30 + n);
        c["plate"] = Value::Null;
        assert_eq!(
            post(&srv, "/api/v1/cases", Some(&intake), c).await.status,
            201
        );
    }
    let keyers: Vec<epatrol::domain::Actor> = (0..8)
        .map(|n| {
            let id = app.user(&format!("RK{n}"), app.fx.hq, Role::VendorKeyer);
            epatrol::domain::Actor {
                user_id: Some(id),
                role: Role::VendorKeyer,
                unit_id: Some(app.fx.hq),
                unit_path: None,
                vendor_id: Some(app.fx.vendor),
                device: None,
            }
        })
        .collect();
    let claimed: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = keyers
            .iter()
            .map(|actor| {
                let pool = app.state.pool.clone();
                s.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    epatrol::cases::queue::claim_next(
                        &mut conn,
                        actor,
                        epatrol::cases::status::Step::Keying,
                    )
                    .unwrap()
                    .map(|v| v.id.0)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().expect("twelve cases for eight keyers"))
            .collect()
    });
    let mut distinct = claimed.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 8, "a case claimed twice: {claimed:?}");
}

#[actix_web::test]
async fn a_keyed_time_or_article_the_camera_contradicts_must_be_acknowledged() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-REC-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let path = format!("/api/v1/cases/{id}/keying");
    let mut off = keying(&case, "ABC-1234");
    let camera_time =
        chrono::DateTime::parse_from_rfc3339(case["violation_at"].as_str().unwrap()).unwrap();
    off["violation_at"] = json!((camera_time + Duration::minutes(10)).to_rfc3339());
    off["article_code"] = json!("56-1-4");
    off["fine"] = json!(900);
    let r = post(&srv, &path, Some(&k1), off.clone()).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let text = r.body.to_string();
    assert!(
        text.contains("violation_at")
            && text.contains("article_code")
            && text.contains("camera_record_differs"),
        "{text}"
    );
    // A minute off, at the camera's seconds: the commonest time mistake.
    let mut minute_off = keying(&case, "ABC-1234");
    minute_off["violation_at"] = json!((camera_time + Duration::minutes(1)).to_rfc3339());
    let r = post(&srv, &path, Some(&k1), minute_off).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    // Keyed to the minute (no seconds), the camera's minute and its
    // article: no warning.
    use chrono::Timelike;
    let to_the_minute = camera_time
        .with_nanosecond(0)
        .unwrap()
        .with_second(0)
        .unwrap();
    let mut close = keying(&case, "ABC-1234");
    close["violation_at"] = json!(to_the_minute.to_rfc3339());
    let r = post(&srv, &path, Some(&k1), close).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[actix_web::test]
async fn a_keyed_time_or_article_the_report_contradicts_is_questioned_and_may_be_confirmed() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    use chrono::Timelike;
    let stated = (Utc::now() - Duration::hours(3))
        .with_nanosecond(0)
        .unwrap()
        .with_second(0)
        .unwrap();
    let mut report = citizen_report(app, "CR-REC-01", stated);
    report["article_code"] = json!("53-1");
    let r = post(&srv, "/api/v1/cases", Some(&intake), report).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(claimed.body["id"], id, "{}", claimed.body);
    let path = format!("/api/v1/cases/{id}/keying");
    // The video shows two minutes later than the reporter wrote, and the
    // keyer reads another article: both are questioned.
    let mut seen = keying(&case, "ABC-1234");
    seen["violation_at"] = json!((stated + Duration::minutes(2)).to_rfc3339());
    seen["article_code"] = json!("60-2-3");
    seen["fine"] = json!(900);
    let r = post(&srv, &path, Some(&k1), seen.clone()).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let codes: Vec<(String, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("violation_at".into(), "report_differs".into()))
            && codes.contains(&("article_code".into(), "report_differs".into())),
        "{codes:?}"
    );
    // What the report says, keyed: no question.
    let r = post(&srv, &path, Some(&k1), keying(&case, "ABC-1234")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "keyed");

    // Another report; the keyer looks again and confirms what the video shows.
    // Half an hour later: within six minutes it would be the same violation.
    let stated = stated + Duration::minutes(30);
    let mut report = citizen_report(app, "CR-REC-02", stated);
    report["article_code"] = json!("53-1");
    let case = post(&srv, "/api/v1/cases", Some(&intake), report)
        .await
        .body;
    assert_eq!(case["status"], "received", "{case}");
    let id = case["id"].as_i64().unwrap();
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(
        claimed.body["id"], id,
        "{} {}",
        claimed.status, claimed.body
    );
    let mut seen = keying(&case, "ABC-1234");
    seen["violation_at"] = json!((stated + Duration::minutes(2)).to_rfc3339());
    seen["acknowledge"] = json!(["violation_at:report_differs"]);
    let r = post(&srv, &format!("/api/v1/cases/{id}/keying"), Some(&k1), seen).await;
    assert_eq!(r.status, 200, "{}", r.body);
}
