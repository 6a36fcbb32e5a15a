//! The audit chain: every change recorded, tampering detected.

use crate::common::*;
use diesel::RunQueryDsl;
use epatrol::domain::Role;
use serde_json::json;

async fn make_some_history(app: &TestApp) -> String {
    app.user("A0001", app.fx.hq, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    for i in 0..3 {
        let r = post(
            &srv,
            "/api/v1/users",
            Some(&admin),
            json!({"badge": format!("O800{i}"), "name": "巡佐", "unit_id": app.fx.p1s1, "role": "officer", "password": "a long passphrase"}),
        )
        .await;
        assert_eq!(r.status, 201);
    }
    post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O8000", "password": "wrong-password!"}),
    )
    .await;
    admin
}

#[actix_web::test]
async fn every_change_is_in_the_chain_and_it_verifies() {
    let app = TestApp::new();
    let admin = make_some_history(&app).await;
    let srv = app.service().await;
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.status, 200);
    assert_eq!(report.body["intact"], true);
    // Fixture units and vendor, 3 accounts, 1 sign-in, 1 failure at least.
    assert!(report.body["checked"].as_u64().unwrap() >= 12);
    let log = get(&srv, "/api/v1/audit?limit=500", &admin).await;
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "unit.create",
        "vendor.create",
        "user.create",
        "auth.login",
        "auth.login_failed",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
}

#[actix_web::test]
async fn the_database_refuses_edits_to_the_log() {
    let app = TestApp::new();
    make_some_history(&app).await;
    let mut conn = app.conn();
    let edit =
        diesel::sql_query("UPDATE audit_log SET details = '{}' WHERE seq = 2").execute(&mut *conn);
    assert!(edit.is_err());
    let delete = diesel::sql_query("DELETE FROM audit_log WHERE seq = 2").execute(&mut *conn);
    assert!(delete.is_err());
}

#[actix_web::test]
async fn an_edited_row_is_found_by_verify() {
    let app = TestApp::new();
    let admin = make_some_history(&app).await;
    {
        // Someone with database access removes the guard and rewrites history.
        let mut conn = app.conn();
        let drop_guard = if app.db.is_postgres() {
            "DROP TRIGGER audit_log_no_update ON audit_log"
        } else {
            "DROP TRIGGER audit_log_no_update"
        };
        diesel::sql_query(drop_guard).execute(&mut *conn).unwrap();
        diesel::sql_query("UPDATE audit_log SET details = '{\"role\":\"officer\"}' WHERE seq = 9")
            .execute(&mut *conn)
            .unwrap();
    }
    let srv = app.service().await;
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["intact"], false);
    assert_eq!(report.body["first_break"]["seq"], 9);
    assert_eq!(report.body["first_break"]["reason"], "hash_mismatch");
    assert_eq!(report.body["checked"], 8);
}

#[actix_web::test]
async fn only_headquarters_admins_read_the_log() {
    let app = TestApp::new();
    app.user("A1000", app.fx.p1, Role::Admin);
    app.user("S0001", app.fx.hq, Role::Supervisor);
    let srv = app.service().await;
    let p1 = login(&srv, "A1000").await;
    assert_eq!(get(&srv, "/api/v1/audit/verify", &p1).await.status, 403);
    let sup = login(&srv, "S0001").await;
    assert_eq!(get(&srv, "/api/v1/audit", &sup).await.status, 403);
}

#[actix_web::test]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let requests = (0..12).map(|i| {
        post(
            &srv,
            "/api/v1/units",
            Some(&admin),
            json!({"code": format!("C-{i}"), "name": "併發", "kind": "station", "parent_id": app.fx.p1}),
        )
    });
    for r in futures_util::future::join_all(requests).await {
        assert_eq!(r.status, 201, "{}", r.body);
    }
    let report = epatrol::audit::verify(&mut app.conn()).unwrap();
    assert!(report.intact, "{report:?}");
}
