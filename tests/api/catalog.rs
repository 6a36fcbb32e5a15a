//! The violation catalog: versions in force by date with their sources,
//! what citizens may report by day, and updates that never rewrite history.

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
    let on = |day: &str, query: &str| format!("/api/v1/catalog/articles?on={day}{query}");
    // §53 I is 1,800–5,400 on the Act, and the 基準表 sets 2,700 for cars
    // and 1,800 for scooters.
    let r = get(&srv, &on("2026-11-20", ""), &officer).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let red = find(&r.body, "53-1").unwrap();
    assert_eq!(
        red["fines"]["car"],
        json!({"range": [1800, 5400], "schedule": 2700})
    );
    assert_eq!(
        red["fines"]["motorcycle"],
        json!({"range": [1800, 5400], "schedule": 1800})
    );
    assert_eq!(red["status"], "unconfirmed");
    // Every version says where its figures were read, and the words.
    let cite = &red["cites"][0];
    assert!(cite["url"].as_str().unwrap().starts_with("http"), "{cite}");
    assert!(!cite["quote"].as_str().unwrap().is_empty());
    assert!(!red["amendment"].as_str().unwrap().is_empty());
    // A red-light right turn has its own provision now.
    assert!(find(&r.body, "53-2").is_some());
    // §43 I(2) began at 60 km/h over until 2023-06-29, at 40 since.
    let before = get(&srv, &on("2023-06-29", ""), &officer).await;
    assert_eq!(
        find(&before.body, "43-1-2").unwrap()["speed_over"],
        json!([61, null])
    );
    let after = get(&srv, &on("2023-06-30", ""), &officer).await;
    assert_eq!(
        find(&after.body, "43-1-2").unwrap()["speed_over"],
        json!([41, null])
    );
    // The scooter two-stage turn (§48 I(2)) is offered for scooters only.
    let cars = get(&srv, &on("2026-11-20", "&vehicle_class=car"), &officer).await;
    assert!(find(&cars.body, "48-1-2t").is_none() && find(&cars.body, "48-1-2").is_some());
    let scooters = get(
        &srv,
        &on("2026-11-20", "&vehicle_class=motorcycle"),
        &officer,
    )
    .await;
    assert!(find(&scooters.body, "48-1-2t").is_some());
    // What citizens may report follows §7-1's list of the day.
    let reports = |day: &'static str| {
        let path = on(day, "&ticket_kind=citizen_report");
        let srv = &srv;
        let officer = &officer;
        async move { get(srv, &path, officer).await.body }
    };
    let before = reports("2024-06-29").await;
    let after = reports("2024-06-30").await;
    assert!(
        find(&before, "31.1-2").is_some(),
        "a scooter rider's phone until 2024-06-29"
    );
    assert!(find(&after, "31.1-2").is_none(), "and not from 2024-06-30");
    assert!(find(&after, "31.1-1").is_some());
    assert!(find(&after, "35-1-1").is_none());
    let listed = find(&after, "53-1").unwrap();
    assert!(
        listed["ticket_kinds"]
            .as_array()
            .unwrap()
            .contains(&json!("citizen_report"))
    );
    assert!(listed["citizen_reporting"]["cites"][0]["url"].is_string());
    // The timing rules carry theirs too.
    let rules = get(&srv, "/api/v1/catalog/rules?on=2026-01-01", &officer).await;
    let deadline = rules
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["key"] == "ticketing_deadline_months")
        .unwrap();
    assert_eq!(deadline["value"], 2);
    assert!(
        deadline["cites"][0]["quote"]
            .as_str()
            .unwrap()
            .contains("逾二個月不得舉發")
    );
}

/// A file the legal office could send: these versions, and the sources
/// their citations name (as the API shows them).
fn file_of(edition: &str, versions: &[Value]) -> Value {
    let mut sources = serde_json::Map::new();
    for v in versions {
        for c in v["cites"].as_array().unwrap() {
            sources.insert(
                c["source"].as_str().unwrap().to_owned(),
                json!({"url": c["url"], "publisher": c["publisher"], "kind": c["kind"], "date": c["date"]}),
            );
        }
    }
    json!({"edition": edition, "sources": sources, "articles": versions})
}

#[actix_web::test]
async fn an_amendment_adds_a_version_and_history_is_never_rewritten() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("A1000", app.fx.p1, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let current = get(&srv, "/api/v1/catalog/articles?on=2026-01-01", &admin).await;
    let mut old = find(&current.body, "56-1-4").unwrap().clone();
    old["effective_to"] = json!("2027-12-31");
    let mut new = old.clone();
    new["effective_from"] = json!("2028-01-01");
    new["effective_to"] = Value::Null;
    new["amendment"] = json!("2028 amendment");
    new["fines"]["car"] = json!({"range": [900, 1800]});
    let file = file_of("2028", &[old, new]);
    let r = post(&srv, "/api/v1/catalog", Some(&admin), file.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["added"].as_i64(), r.body["closed"].as_i64()),
        (Some(1), Some(1))
    );
    let fines = |day: &'static str| {
        let srv = &srv;
        let admin = &admin;
        async move {
            let r = get(
                srv,
                &format!("/api/v1/catalog/articles?on={day}&vehicle_class=car"),
                admin,
            )
            .await;
            find(&r.body, "56-1-4").unwrap()["fines"]["car"]["range"].clone()
        }
    };
    assert_eq!(fines("2028-01-02").await, json!([900, 1800]));
    assert_eq!(fines("2027-12-31").await, json!([600, 1200]));
    // Loading the same file again changes nothing.
    let again = post(&srv, "/api/v1/catalog", Some(&admin), file).await;
    assert_eq!(again.body["unchanged"], 2, "{}", again.body);
    // Rewriting a loaded version is refused, and nothing of the file is loaded.
    let later = get(&srv, "/api/v1/catalog/articles?on=2028-01-02", &admin).await;
    let mut rewrite = find(&later.body, "56-1-4").unwrap().clone();
    rewrite["fines"]["car"] = json!({"range": [100, 200]});
    let r = post(
        &srv,
        "/api/v1/catalog",
        Some(&admin),
        file_of("x", &[rewrite]),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(r.body["errors"][0]["code"], "rewrites_history");
    // A version without a source for its figures is refused.
    let mut unsourced = find(&later.body, "56-1-4").unwrap().clone();
    unsourced["code"] = json!("56-1-9");
    unsourced["cites"] = json!([]);
    let r = post(
        &srv,
        "/api/v1/catalog",
        Some(&admin),
        file_of("x", &[unsourced]),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["code"] == "unsourced"),
        "{}",
        r.body
    );
    // Only headquarters administrators change the law.
    let precinct = login(&srv, "A1000").await;
    let r = post(
        &srv,
        "/api/v1/catalog",
        Some(&precinct),
        json!({"edition": "x", "articles": []}),
    )
    .await;
    assert_eq!(r.status, 403);
}
