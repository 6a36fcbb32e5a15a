//! The violation catalog: versions in force by date, filters, and updates
//! that never rewrite history.

use crate::common::*;
use epatrol::domain::Role;
use serde_json::{Value, json};

fn find<'a>(list: &'a Value, code: &str) -> Option<&'a Value> {
    list.as_array().unwrap().iter().find(|a| a["code"] == code)
}

#[actix_web::test]
async fn the_law_in_force_on_the_day_of_the_violation() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let officer = login(&srv, "O1101").await;
    let before = get(
        &srv,
        "/api/v1/catalog/articles?on=2023-06-29&vehicle_class=car",
        &officer,
    )
    .await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(
        find(&before.body, "53-1").unwrap()["fines"]["car"],
        json!([1800, 5400])
    );
    let after = get(
        &srv,
        "/api/v1/catalog/articles?on=2023-06-30&vehicle_class=car",
        &officer,
    )
    .await;
    assert_eq!(
        find(&after.body, "53-1").unwrap()["fines"]["car"],
        json!([2700, 8100])
    );
    // Scooter-only articles are not offered for cars, nor on-the-spot-only ones for citizen reports.
    assert!(find(&after.body, "48-2").is_none());
    let scooter = get(
        &srv,
        "/api/v1/catalog/articles?vehicle_class=motorcycle",
        &officer,
    )
    .await;
    assert!(find(&scooter.body, "48-2").is_some());
    let reports = get(
        &srv,
        "/api/v1/catalog/articles?ticket_kind=citizen_report",
        &officer,
    )
    .await;
    assert!(find(&reports.body, "35-1-1").is_none());
    assert!(find(&reports.body, "53-1").is_some());
    let majors = reports
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["major"].is_string())
        .count();
    assert!(majors >= 5);
    let rules = get(&srv, "/api/v1/catalog/rules?on=2026-01-01", &officer).await;
    let deadline = rules
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "ticketing_deadline_months")
        .unwrap();
    assert_eq!(deadline["value"], 2);
}

#[actix_web::test]
async fn an_amendment_adds_a_version_and_history_is_never_rewritten() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("A1000", app.fx.p1, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let current = get(&srv, "/api/v1/catalog/articles?on=2026-01-01", &admin).await;
    let mut old = find(&current.body, "56-1").unwrap().clone();
    old["effective_to"] = json!("2026-12-31");
    let mut new = old.clone();
    new["effective_from"] = json!("2027-01-01");
    new["effective_to"] = Value::Null;
    new["fines"]["car"] = json!([900, 1800]);
    let file = json!({"source": "2027 amendment", "articles": [old, new]});
    let r = post(&srv, "/api/v1/catalog", Some(&admin), file.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["added"].as_i64(), r.body["closed"].as_i64()),
        (Some(1), Some(1))
    );
    let later = get(
        &srv,
        "/api/v1/catalog/articles?on=2027-01-02&vehicle_class=car",
        &admin,
    )
    .await;
    assert_eq!(
        find(&later.body, "56-1").unwrap()["fines"]["car"],
        json!([900, 1800])
    );
    let earlier = get(
        &srv,
        "/api/v1/catalog/articles?on=2026-12-31&vehicle_class=car",
        &admin,
    )
    .await;
    assert_eq!(
        find(&earlier.body, "56-1").unwrap()["fines"]["car"],
        json!([600, 1200])
    );
    // Loading the same file again changes nothing.
    let again = post(&srv, "/api/v1/catalog", Some(&admin), file).await;
    assert_eq!(again.body["unchanged"], 2);
    // Rewriting a loaded version is refused, and nothing of the file is loaded.
    let mut rewrite = find(&later.body, "56-1").unwrap().clone();
    rewrite["fines"]["car"] = json!([100, 200]);
    let r = post(
        &srv,
        "/api/v1/catalog",
        Some(&admin),
        json!({"articles": [rewrite]}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["code"], "rewrites_history");
    // Only headquarters administrators change the law.
    let precinct = login(&srv, "A1000").await;
    let r = post(
        &srv,
        "/api/v1/catalog",
        Some(&precinct),
        json!({"articles": []}),
    )
    .await;
    assert_eq!(r.status, 403);
}
