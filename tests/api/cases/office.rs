//! Tickets sent to the motor vehicles office and its rejections; vendors
//! billed up to their caps.

use super::statistics::on_the_spot;
use super::*;

#[actix_web::test]
async fn tickets_go_to_the_office_once_and_its_rejections_count_as_errors() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let o1 = login(&srv, "O1").await;
    let mut numbers = vec![];
    for n in 0..2 {
        let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(n)).await;
        numbers.push(r.body["number"].as_str().unwrap().to_owned());
    }
    // Only headquarters administrators send.
    let sup = login(&srv, "SUP-IN").await;
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&sup), json!({}))
            .await
            .status,
        403
    );
    let r = post(&srv, "/api/v1/transfers", Some(&admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["tickets"], 2);
    let id = r.body["id"].as_i64().unwrap();
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    // Nothing is sent twice.
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&admin), json!({}))
            .await
            .status,
        204
    );
    let file = get(&srv, &format!("/api/v1/transfers/{id}/file"), &admin).await;
    let text = file.body.as_str().unwrap().to_owned();
    assert!(
        text.starts_with("number,version,supersedes_version,kind"),
        "{text}"
    );
    assert!(text.contains(&numbers[0]) && text.contains(&numbers[1]));
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(text.as_bytes())), sha);
    let receipt = |r: &str, s: &str| json!({"receipt": r, "sha256": s});
    let path = format!("/api/v1/transfers/{id}/receipt");
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-1", &"0".repeat(64)))
            .await
            .status,
        422
    );
    let r = post(&srv, &path, Some(&admin), receipt("MVO-1", &sha)).await;
    assert_eq!(r.body["receipt"], "MVO-1", "{}", r.body);
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-1", &sha))
            .await
            .status,
        200
    );
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-2", &sha))
            .await
            .code(),
        "already_receipted"
    );

    // A third ticket, not sent: the office cannot reject it.
    let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(2)).await;
    let unsent = r.body["number"].as_str().unwrap().to_owned();
    let csv = format!(
        "number,version,reason,rejected_on\n{},1,車號與車籍不符,2026-11-30\n{unsent},1,x,2026-11-30\nTN999,1,x,2026-11-31\n",
        numbers[0]
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let text = r.body.to_string();
    for f in ["rows[2].number", "rows[3].rejected_on"] {
        assert!(text.contains(f), "{f}: {text}");
    }
    let csv = format!(
        "number,version,reason,rejected_on\n{},1,車號與車籍不符,2026-11-30\n",
        numbers[0]
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(
        (r.status, r.body["imported"].as_i64()),
        (201, Some(1)),
        "{}",
        r.body
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(r.body["already_recorded"], 1, "{}", r.body);
    // One rejected of three issued.
    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let r = get(
        &srv,
        &format!("/api/v1/quality/error-rate?from={month}&to={month}&by=error_type"),
        &sup,
    )
    .await;
    assert_eq!(
        (r.body["issued"].as_i64(), r.body["with_error"].as_i64()),
        (Some(3), Some(1)),
        "{}",
        r.body
    );
    assert_eq!(r.body["lines"][0]["key"], "rejected");
}

#[actix_web::test]
async fn a_vendor_is_billed_up_to_its_caps_and_the_rest_goes_to_police_keying() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let vendor = app.fx.vendor;
    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let year = month[0..4].to_owned();
    let contract = |price: i32| {
        json!({"starts_on": format!("{year}-01-01"), "ends_on": format!("{year}-12-31"),
               "unit_price": price, "yearly_ticket_cap": 2, "yearly_amount_cap": 1000})
    };
    let path = format!("/api/v1/vendors/{vendor}/contracts");
    let r = post(&srv, &path, Some(&admin), contract(14)).await;
    assert_eq!(r.status, 422, "at most NT$13: {}", r.body);
    assert_eq!(
        post(&srv, &path, Some(&admin), contract(13)).await.status,
        201
    );
    assert_eq!(
        post(&srv, &path, Some(&admin), contract(13)).await.code(),
        "contract_overlaps"
    );

    let intake = login(&srv, "SUP-IN").await;
    let (k1, v1, rev) = (
        login(&srv, "K1").await,
        login(&srv, "V1").await,
        login(&srv, "SUP-REV").await,
    );
    // Three cases in; the vendor can bill two.
    let mut cases = vec![];
    for n in 0..3 {
        let r = post(
            &srv,
            "/api/v1/cases",
            Some(&intake),
            camera_case(app, &format!("CAM-CAP-0{n}"), 30 + 40 * n),
        )
        .await;
        assert_eq!(r.body["vendor_id"], json!(vendor), "{}", r.body);
        cases.push(r.body.clone());
    }
    let mut done = vec![];
    for _ in 0..2 {
        // Whichever case the queue hands out (nearest deadline first).
        let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
        let id = r.body["id"].as_i64().unwrap();
        let case = cases.iter().find(|c| c["id"] == id).unwrap().clone();
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/keying"),
            Some(&k1),
            keying(&case, "ABC-1234"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
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
        assert_eq!(r.status, 200, "{}", r.body);
        done.push(id);
    }
    // The caps are used up: the third case goes back to police keying.
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .status,
        204
    );
    let third = cases
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .find(|id| !done.contains(id))
        .unwrap();
    let r = get(&srv, &format!("/api/v1/cases/{third}"), &intake).await;
    assert!(r.body["vendor_id"].is_null(), "{}", r.body);
    assert!(r.body["events"].to_string().contains("to_police_keying"));
    let o1 = login(&srv, "O1").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&o1), json!({}))
            .await
            .body["id"],
        third
    );
    // And a new case goes to the police at once.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-CAP-09", 300),
    )
    .await;
    assert!(r.body["vendor_id"].is_null(), "{}", r.body);

    let path = format!("/api/v1/vendors/{vendor}/statements/{month}");
    let r = get(&srv, &path, &rev).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["tickets"].as_i64(), r.body["amount"].as_i64()),
        (Some(2), Some(26))
    );
    assert_eq!(r.body["tickets_left"], 0);
    assert_eq!(
        r.body["warnings"],
        json!([{"cap": "tickets", "reached": 0.95}])
    );
    // Each format is its own operation; the earlier query forms still answer.
    for csv_path in [format!("{path}.csv"), format!("{path}?format=csv")] {
        let csv = get(&srv, &csv_path, &k1).await;
        assert!(
            csv.body.as_str().unwrap().contains("tickets,2"),
            "{csv_path}: {}",
            csv.body
        );
    }
    let req = actix_web::test::TestRequest::get()
        .uri(&format!("{path}.pdf"))
        .insert_header(("Authorization", format!("Bearer {rev}")))
        .to_request();
    let pdf = actix_web::test::call_and_read_body(&srv, req).await;
    assert!(pdf.starts_with(b"%PDF"));
    // Officers do not read vendors' statements.
    assert_eq!(get(&srv, &path, &o1).await.status, 404);
}
