//! The seven major violations are counted as tickets are issued, corrected
//! and voided: the counts follow the version that stands, and always equal
//! a recount of the tickets themselves.

use crate::common::*;
use crate::tickets::{camera_ticket, red_light};
use diesel::RunQueryDsl;
use epatrol::domain::Role;
use serde_json::{Value, json};

async fn red_lights_this_year<S, B>(srv: &S, token: &str) -> (i64, i64)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let year = epatrol::domain::time::taiwan_date(epatrol::db::now())
        .format("%Y")
        .to_string();
    let r = get(
        srv,
        &format!("/api/v1/quality/enforcement?year={year}"),
        token,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let line = |key: &str| -> i64 {
        r.body["by_violation"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["key"] == key)
            .map_or(0, |l| l["this_year"].as_i64().unwrap())
    };
    (
        line("red_light"),
        r.body["total"]["this_year"].as_i64().unwrap(),
    )
}

#[derive(diesel::QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::Text)]
    month: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    unit_id: i64,
    #[diesel(sql_type = diesel::sql_types::Text)]
    article_code: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The counts kept, and the tickets that stand counted afresh (the test's
/// tickets are all within one Taiwan day, so the month is the kept one's).
fn kept_and_recounted(app: &TestApp) -> (Vec<Count>, Vec<Count>) {
    let mut conn = app.conn();
    let mut kept: Vec<Count> = diesel::sql_query(
        "SELECT month, unit_id, article_code, n FROM article_counts WHERE n <> 0",
    )
    .load(&mut *conn)
    .unwrap();
    let month = kept.first().map(|c| c.month.clone()).unwrap_or_default();
    let mut recount: Vec<Count> = diesel::sql_query(format!(
        "SELECT '{month}' AS month, t.unit_id, t.article_code, COUNT(*) AS n FROM tickets t \
         WHERE NOT EXISTS (SELECT 1 FROM tickets l WHERE l.supersedes_id = t.id) \
         AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.event = 'voided') \
         GROUP BY t.unit_id, t.article_code"
    ))
    .load(&mut *conn)
    .unwrap();
    kept.sort();
    recount.sort();
    (kept, recount)
}

#[actix_web::test]
async fn the_major_violations_follow_the_version_that_stands() {
    let app = TestApp::new();
    app.user("O-EN1", app.fx.p1s1, Role::Officer);
    app.user("S-EN1", app.fx.p1s1, Role::Supervisor);
    let srv = app.service().await;
    let officer = login(&srv, "O-EN1").await;
    let sup = login(&srv, "S-EN1").await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let r = post(&srv, "/api/v1/tickets", Some(&officer), camera_ticket()).await;
        assert_eq!(r.status, 201, "{}", r.body);
        ids.push(r.body["id"].as_i64().unwrap());
    }
    let r = post(&srv, "/api/v1/tickets", Some(&officer), red_light()).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(red_lights_this_year(&srv, &sup).await, (4, 4));

    // A plate corrected: still a red light, counted once.
    let mut fixed = camera_ticket();
    fixed["plate"] = json!("ABD-1234");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/corrections", ids[0]),
        Some(&officer),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(red_lights_this_year(&srv, &sup).await, (4, 4));

    // The article corrected: a right turn on red is no major violation.
    let mut right_turn: Value = camera_ticket();
    right_turn["article_code"] = json!("53-2");
    right_turn["facts"] = json!("行經有燈光號誌管制之交岔路口紅燈右轉");
    right_turn["fine"] = json!(600);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/corrections", ids[1]),
        Some(&officer),
        json!({"error_type": "article", "ticket": right_turn}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(red_lights_this_year(&srv, &sup).await, (3, 3));

    // Voided: not counted.
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/void", ids[2]),
        Some(&officer),
        json!({"reason": "duplicate", "note": "重複舉發"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(red_lights_this_year(&srv, &sup).await, (2, 2));

    let (kept, recount) = kept_and_recounted(&app);
    assert_eq!(kept, recount);
    assert!(kept.iter().any(|c| c.article_code == "53-2" && c.n == 1));
}
