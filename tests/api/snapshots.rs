//! Snapshots of representative answers (`insta`), ids, numbers, times and
//! signatures redacted, so a change in what clients receive shows up as a
//! diff to review. Update with `INSTA_UPDATE=always cargo test --test api
//! snapshots` and review the `.snap` files.

use serde_json::json;

use crate::common::*;
use epatrol::domain::Role;

fn red_light() -> serde_json::Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
        "violation_at": (chrono::Utc::now() - chrono::Duration::minutes(10)).to_rfc3339(),
        "place": "臺南市東區東門路一段與府連路口",
        "plate": "abc1234", "vehicle_class": "car", "article_code": "53-1",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈", "fine": 2700,
        "driver": {"name": "王小明", "sex": "male", "birth_date": "1990-05-01", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
        "signature": {"status": "obtained"},
        "acknowledge": ["article_code:unconfirmed"],
    })
}

#[actix_web::test]
async fn an_issued_ticket() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let r = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    insta::assert_json_snapshot!(r.body, {
        ".id" => "[id]",
        ".unit_id" => "[id]",
        ".officer_id" => "[id]",
        ".number" => "[number]",
        ".violation_at" => "[time]",
        ".issued_at" => "[time]",
        ".due_date" => "[date]",
        ".verify_url" => "[url]",
    });
}

#[actix_web::test]
async fn a_ticket_with_every_mistake() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    // A fixed day, so the message naming it is the same whenever it runs.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 27)
        .unwrap()
        .and_hms_opt(2, 0, 0)
        .unwrap();
    app.state.clock.set(day);
    let mut t = red_light();
    t["violation_at"] = json!((day - chrono::Duration::minutes(10)).and_utc().to_rfc3339());
    t["plate"] = json!("A");
    t["fine"] = json!(99);
    t["driver"]["national_id"] = json!("A123456788");
    t["article_code"] = json!("99-9");
    let r = post(&srv, "/api/v1/tickets", Some(&officer), t).await;
    assert_eq!(r.status, 422);
    insta::assert_json_snapshot!(r.body);
}

#[actix_web::test]
async fn a_malformed_body() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let r = post(
        &srv,
        "/api/v1/checkins",
        Some(&officer),
        json!({"client_id": 7, "position": {"lat": "north"}, "extra": true}),
    )
    .await;
    assert_eq!(r.status, 422);
    insta::assert_json_snapshot!(r.body);
}
