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
    let checkpoints = app.db.data_dir().join(epatrol::audit::checkpoint::FILE);
    let report = epatrol::audit::verify(&mut app.conn(), &checkpoints).unwrap();
    assert!(report.intact, "{report:?}");
}

/// An insider with write access to the database (but not the audit key)
/// drops the guards.
fn drop_guards(app: &TestApp) {
    let mut conn = app.conn();
    let drops: &[&str] = if app.db.is_postgres() {
        &["DROP TRIGGER audit_log_no_update ON audit_log"]
    } else {
        &[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ]
    };
    for sql in drops {
        diesel::sql_query(*sql).execute(&mut *conn).unwrap();
    }
}

#[actix_web::test]
async fn an_edit_with_every_later_link_recomputed_is_found() {
    use diesel::prelude::*;
    use epatrol::audit::chain::Link;
    use epatrol::db::schema::audit_log::dsl as a;
    let app = TestApp::new();
    let admin = make_some_history(&app).await;
    drop_guards(&app);
    {
        // Rewrite entry 9 and recompute every link after it, as the chain
        // was computed before it was keyed; once keeping the key id, once
        // pretending the entries predate the key.
        let mut conn = app.conn();
        type Row = (
            i64,
            chrono::NaiveDateTime,
            Option<i64>,
            String,
            String,
            Option<String>,
            Option<i64>,
            Option<String>,
            String,
            String,
        );
        let rows: Vec<Row> = a::audit_log
            .filter(a::seq.ge(9))
            .order(a::seq.asc())
            .select((
                a::seq,
                a::at,
                a::actor_id,
                a::action,
                a::object_type,
                a::object_id,
                a::unit_id,
                a::device,
                a::details,
                a::prev_hash,
            ))
            .load(&mut *conn)
            .unwrap();
        let mut prev = rows[0].9.clone();
        for (seq, at, actor, action, kind, object, unit, device, details, _) in rows {
            let details = if seq == 9 {
                "{\"role\":\"officer\"}".to_owned()
            } else {
                details
            };
            let hash = Link {
                seq,
                at,
                actor_id: actor,
                action: &action,
                object_type: &kind,
                object_id: object.as_deref(),
                unit_id: unit,
                device: device.as_deref(),
                details: &details,
                prev_hash: &prev,
            }
            .legacy_hash();
            diesel::update(a::audit_log.filter(a::seq.eq(seq)))
                .set((
                    a::details.eq(&details),
                    a::prev_hash.eq(&prev),
                    a::hash.eq(&hash),
                ))
                .execute(&mut *conn)
                .unwrap();
            prev = hash;
        }
    }
    let srv = app.service().await;
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["intact"], false, "{}", report.body);
    assert_eq!(report.body["first_break"]["seq"], 9);
    assert_eq!(report.body["first_break"]["reason"], "hash_mismatch");
    // Marking the rewritten entries as older than the key does not help.
    diesel::update(a::audit_log.filter(a::seq.ge(9)))
        .set(a::mac_key.eq(None::<String>))
        .execute(&mut *app.conn())
        .unwrap();
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["intact"], false, "{}", report.body);
    assert_eq!(report.body["first_break"]["reason"], "unkeyed_after_keyed");
}

#[actix_web::test]
async fn a_cut_tail_is_found_by_the_signed_checkpoints() {
    let app = TestApp::new();
    let admin = make_some_history(&app).await;
    let path = app.db.data_dir().join(epatrol::audit::checkpoint::FILE);
    let mark = epatrol::audit::checkpoint::write(&mut app.conn(), &path)
        .unwrap()
        .unwrap();
    // Nothing moved: no second line.
    assert!(
        epatrol::audit::checkpoint::write(&mut app.conn(), &path)
            .unwrap()
            .is_none()
    );
    let srv = app.service().await;
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["intact"], true, "{}", report.body);
    assert_eq!(report.body["checkpoints_checked"], 1);
    drop_guards(&app);
    diesel::sql_query(format!(
        "DELETE FROM audit_log WHERE seq > {}",
        mark.seq - 3
    ))
    .execute(&mut *app.conn())
    .unwrap();
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["intact"], false, "{}", report.body);
    assert_eq!(report.body["first_break"]["reason"], "tail_missing");
    assert_eq!(report.body["first_break"]["seq"], mark.seq);
    // A checkpoint forged to match the cut chain does not verify.
    let forged = format!(
        "{{\"seq\":{},\"hash\":\"{}\",\"at\":\"2026-01-01T00:00:00Z\",\"mac\":\"00\"}}\n",
        mark.seq - 3,
        "0".repeat(64)
    );
    std::fs::write(&path, forged).unwrap();
    let report = get(&srv, "/api/v1/audit/verify", &admin).await;
    assert_eq!(report.body["first_break"]["reason"], "checkpoint_forged");
}
