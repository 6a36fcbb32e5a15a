//! Electronic tickets over HTTP: validation, issue, immutability, voids and
//! corrections, offline number blocks, public verification.
//! Numbers and client ids are in `numbers.rs`.

mod numbers;

use crate::common::*;
use actix_web::http::Method;
use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use epatrol::domain::Role;
use serde_json::{Value, json};

pub fn red_light() -> Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(),
        "kind": "on_the_spot",
        "violation_at": (Utc::now() - Duration::minutes(10)).to_rfc3339(),
        "place": "臺南市東區東門路一段與府連路口",
        "position": {"lat": 22.9897, "lon": 120.2148},
        "plate": "abc1234",
        "vehicle_class": "car",
        "article_code": "53-1",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈",
        "fine": 2700,
        "driver": {"name": "王小明", "sex": "male", "birth_date": "1990-05-01", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
        "signature": {"status": "obtained"},
        // Every version of the bundled catalog awaits the legal office.
        "acknowledge": ["article_code:unconfirmed"],
    })
}

pub fn camera_ticket() -> Value {
    let mut t = red_light();
    t["kind"] = json!("camera");
    t["driver"] = Value::Null;
    t["owner"] = json!({"name": "陳車主", "national_id": "F131104093", "address": "臺南市北區"});
    t["signature"] = json!({"status": "not_applicable"});
    t
}

async fn with_device(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    device: Option<&str>,
    path: &str,
    body: Value,
) -> Resp {
    let mut req = TestRequest::post()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .set_json(body);
    if let Some(d) = device {
        req = req.insert_header(("X-Device-Id", d));
    }
    let res = actix_web::test::call_service(srv, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let body =
        serde_json::from_slice(&actix_web::test::read_body(res).await).unwrap_or(Value::Null);
    assert_ne!(status, 500, "{body}");
    Resp {
        status,
        body,
        headers,
    }
}

#[actix_web::test]
async fn a_good_ticket_is_issued_once() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let t = red_light();
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let number = r.body["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("TN") && number.len() == 11, "{number}");
    assert_eq!(r.body["plate"], "ABC-1234");
    assert_eq!(r.body["status"], "issued");
    assert_eq!(
        r.body["article"],
        "第53條第1項 汽車駕駛人行經有燈光號誌管制之交岔路口闖紅燈"
    );
    // §53 is in the Act's chapter 2: the city's adjudication authority
    // decides it, not the issuing precinct.
    assert_eq!(r.body["respond_to"], "臺南市政府交通局交通事件裁決中心");
    assert_eq!(r.body["recipient"], "driver");
    let due: chrono::NaiveDate = r.body["due_date"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        due,
        (Utc::now() + Duration::hours(8)).date_naive() + Duration::days(30)
    );
    let again = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(
        (
            again.status,
            again.body["id"].clone(),
            again.body["replayed"].clone()
        ),
        (200, r.body["id"].clone(), json!(true))
    );
    let list = get(&srv, "/api/v1/tickets", &officer).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn mistakes_are_caught_before_printing_all_at_once() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let mut t = red_light();
    t["plate"] = json!("MKA-32");
    t["fine"] = json!(100);
    t["driver"]["national_id"] = json!("A123456788");
    t["violation_at"] = json!((Utc::now() + Duration::hours(2)).to_rfc3339());
    t["signature"] = json!({"status": "refused"});
    let check = post(&srv, "/api/v1/tickets/check", Some(&officer), t.clone()).await;
    assert_eq!(check.body["ok"], false);
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "violation_at",
        "fine",
        "plate",
        "driver.national_id",
        "signature.reason",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }
    assert!(
        get(&srv, "/api/v1/tickets", &officer).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // A warning blocks until acknowledged.
    let mut t = red_light();
    t["plate"] = json!("OBC-1234");
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t.clone()).await;
    assert_eq!((r.status, r.code()), (422, "warnings_unacknowledged"));
    assert_eq!(r.body["errors"][0]["code"], "confusable_letters");
    t["acknowledge"] = json!(["plate:confusable_letters", "article_code:unconfirmed"]);
    assert_eq!(
        post(&srv, "/api/v1/tickets", Some(&officer), t)
            .await
            .status,
        201
    );
}

#[actix_web::test]
async fn the_mistakes_validation_caught_are_near_misses_of_the_officer_once_per_ticket() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    app.user("S1000", app.fx.p1, Role::Supervisor);
    app.user("S2000", app.fx.p2, Role::Supervisor);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let mut t = red_light();
    t["fine"] = json!(100);
    t["driver"]["national_id"] = json!("A123456788");
    // Checked twice and sent twice, the same draft: two mistakes, once each.
    for path in [
        "/api/v1/tickets/check",
        "/api/v1/tickets/check",
        "/api/v1/tickets",
    ] {
        post(&srv, path, Some(&officer), t.clone()).await;
    }
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t.clone()).await;
    assert_eq!((r.status, r.code()), (422, "validation_failed"));
    // The fine put right, the plate mistyped: one more.
    t["fine"] = red_light()["fine"].clone();
    t["plate"] = json!("MKA-32");
    assert_eq!(
        post(&srv, "/api/v1/tickets", Some(&officer), t.clone())
            .await
            .status,
        422
    );
    // A warning is not a mistake; nor is the ticket issued at last.
    let mut warned = red_light();
    warned["plate"] = json!("OBC-1234");
    let r = post(&srv, "/api/v1/tickets", Some(&officer), warned).await;
    assert_eq!(r.code(), "warnings_unacknowledged");
    t["plate"] = red_light()["plate"].clone();
    t["driver"]["national_id"] = red_light()["driver"]["national_id"].clone();
    assert_eq!(
        post(&srv, "/api/v1/tickets", Some(&officer), t)
            .await
            .status,
        201
    );

    let month = (Utc::now() + Duration::hours(8))
        .format("%Y-%m")
        .to_string();
    let by = |dim: &str| format!("/api/v1/quality/near-misses?from={month}&to={month}&by={dim}");
    let sup = login(&srv, "S1000").await;
    let r = get(&srv, &by("field"), &sup).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["total"], 3, "{}", r.body);
    let mut fields: Vec<(String, i64)> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["count"].as_i64().unwrap(),
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("driver.national_id".to_owned(), 1),
            ("fine".to_owned(), 1),
            ("plate".to_owned(), 1)
        ]
    );
    let officer_id = get(&srv, "/api/v1/me", &officer).await.body["id"].clone();
    let r = get(&srv, &by("keyer"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], officer_id.to_string());
    let r = get(&srv, &by("caught_by"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], "validation");
    let r = get(&srv, &by("vendor"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], "police");
    let r = get(&srv, &by("unit"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], app.fx.p1s1.to_string());
    // Another precinct sees none of them.
    let other = login(&srv, "S2000").await;
    assert_eq!(get(&srv, &by("field"), &other).await.body["total"], 0);
}

#[actix_web::test]
async fn issued_tickets_are_voided_or_corrected_never_edited() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let spot = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    let id = spot.body["id"].as_i64().unwrap();
    // There is no way to edit.
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let r = send(
            &srv,
            method,
            &format!("/api/v1/tickets/{id}"),
            Some(&officer),
            Some(json!({"fine": 1})),
        )
        .await;
        assert_eq!(r.status, 404);
    }
    // The driver took a copy at the scene: no void, only correction.
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{id}/void"),
        Some(&officer),
        json!({"reason": "duplicate", "note": "重複開單"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "copy_delivered"));
    let mut fixed = red_light();
    fixed["plate"] = json!("ABD-1234");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{id}/corrections"),
        Some(&officer),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["version"].as_i64(), r.body["supersedes_id"].as_i64()),
        (Some(2), Some(id))
    );
    assert_eq!(r.body["number"], spot.body["number"]);
    assert_eq!(r.body["error_type"], "plate");
    let old = get(&srv, &format!("/api/v1/tickets/{id}"), &officer).await;
    assert_eq!(
        (old.body["status"].as_str(), old.body["plate"].as_str()),
        (Some("superseded"), Some("ABC-1234"))
    );
    let mut again = red_light();
    again["plate"] = json!("ABE-1234");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{id}/corrections"),
        Some(&officer),
        json!({"error_type": "plate", "ticket": again}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "superseded"));

    // A camera case not yet mailed can be voided, once.
    let cam = post(&srv, "/api/v1/tickets", Some(&officer), camera_ticket()).await;
    assert_eq!(cam.status, 201, "{}", cam.body);
    let cam_id = cam.body["id"].as_i64().unwrap();
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{cam_id}/void"),
        Some(&officer),
        json!({"reason": "no_violation", "note": "號誌故障"}),
    )
    .await;
    assert_eq!(r.body["status"], "voided");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{cam_id}/void"),
        Some(&officer),
        json!({"reason": "no_violation", "note": "again"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "already_voided"));
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{cam_id}/void"),
        Some(&officer),
        json!({"reason": "no_violation", "note": " "}),
    )
    .await;
    assert_eq!(r.status, 422);
    // Every step is in the audit log.
    let entries = epatrol::audit::list(&mut app.conn(), Some("ticket"), None, None, 50).unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    for a in ["ticket.issue", "ticket.correct", "ticket.void"] {
        assert!(actions.contains(&a), "{a}");
    }
}

#[actix_web::test]
async fn tickets_stay_within_their_units() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    app.user("O1201", app.fx.p1s2, Role::Officer);
    app.user("O2101", app.fx.p2s1, Role::Officer);
    app.user("S1000", app.fx.p1, Role::Supervisor);
    app.user("S2000", app.fx.p2, Role::Supervisor);
    let srv = app.service().await;
    let writer = login(&srv, "O1101").await;
    let id = post(&srv, "/api/v1/tickets", Some(&writer), red_light())
        .await
        .body["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/tickets/{id}");
    assert_eq!(
        get(&srv, &path, &login(&srv, "O2101").await).await.status,
        404
    );
    assert_eq!(
        get(&srv, &path, &login(&srv, "O1201").await).await.status,
        404
    );
    assert_eq!(
        get(&srv, &path, &login(&srv, "S2000").await).await.status,
        404
    );
    let sup = get(&srv, &path, &login(&srv, "S1000").await).await;
    assert_eq!(
        (sup.status, sup.body["driver"]["national_id"].as_str()),
        (200, Some("A123456789"))
    );
}

#[actix_web::test]
async fn the_public_can_tell_genuine_from_forged() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let t = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    let url = t.body["verify_url"].as_str().unwrap();
    let path = &url[url.find("/verify/").unwrap()..];
    let r = send(&srv, Method::GET, path, None, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["genuine"].as_bool(), r.body["status"].as_str()),
        (Some(true), Some("issued"))
    );
    assert_eq!(r.body["fine"], 2700);
    let text = r.body.to_string();
    for personal in ["王小明", "A123456789", "ABC-1234", "大學路"] {
        assert!(!text.contains(personal), "{personal} shown to the public");
    }
    let forged = path.replace("sig=", "sig=x");
    let r = send(&srv, Method::GET, &forged, None, None).await;
    assert_eq!(r.body["genuine"], false);
    let other_number = path.replacen("/verify/TN", "/verify/TN9", 1);
    assert_eq!(
        send(&srv, Method::GET, &other_number, None, None)
            .await
            .body["genuine"],
        false
    );
    // Browsers get a page.
    let res = actix_web::test::call_service(
        &srv,
        TestRequest::get()
            .uri(path)
            .insert_header(("Accept", "text/html"))
            .to_request(),
    )
    .await;
    let html = String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("真實單據"), "{html}");
    // After a correction the old print says so.
    let id = t.body["id"].as_i64().unwrap();
    let mut fixed = red_light();
    fixed["fine"] = json!(3000);
    fixed["acknowledge"] = json!(["article_code:unconfirmed", "fine:off_schedule"]);
    post(
        &srv,
        &format!("/api/v1/tickets/{id}/corrections"),
        Some(&officer),
        json!({"error_type": "fine", "ticket": fixed}),
    )
    .await;
    let r = send(&srv, Method::GET, path, None, None).await;
    assert_eq!(
        (r.body["genuine"].as_bool(), r.body["status"].as_str()),
        (Some(true), Some("superseded"))
    );
}

#[actix_web::test]
async fn a_replayed_correction_goes_only_to_whoever_may_read_the_ticket() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    app.user("O2101", app.fx.p2s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let stranger = login(&srv, "O2101").await;
    let t = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    assert_eq!(t.status, 201, "{}", t.body);
    let id = t.body["id"].as_i64().unwrap();
    let mut fixed = red_light();
    fixed["plate"] = json!("ABC-1235");
    let correction = json!({"error_type": "plate", "ticket": fixed});
    let path = format!("/api/v1/tickets/{id}/corrections");
    let r = post(&srv, &path, Some(&officer), correction.clone()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    // The same upload by someone who may not read the ticket learns nothing.
    let r = post(&srv, &path, Some(&stranger), correction.clone()).await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(r.body.get("driver").is_none());
    // Its own author gets the replay.
    let r = post(&srv, &path, Some(&officer), correction).await;
    assert_eq!((r.status, r.body["replayed"].as_bool()), (200, Some(true)));
}
