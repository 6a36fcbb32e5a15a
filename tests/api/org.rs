//! Units, accounts and vendors: creation, validation, and reach by unit.

use crate::common::*;
use epatrol::domain::Role;
use serde_json::json;

#[actix_web::test]
async fn a_station_supervisor_manages_only_that_station() {
    let app = TestApp::new();
    app.user("S1100", app.fx.p1s1, Role::Supervisor);
    let other = app.user("O1201", app.fx.p1s2, Role::Officer);
    let mine = app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let sup = login(&srv, "S1100").await;

    // Sees its own officer, not the neighbouring station's.
    assert_eq!(
        get(&srv, &format!("/api/v1/users/{mine}"), &sup)
            .await
            .status,
        200
    );
    let r = get(&srv, &format!("/api/v1/users/{other}"), &sup).await;
    assert_eq!(r.status, 404);
    let list = get(&srv, "/api/v1/users", &sup).await;
    let ids: Vec<i64> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_i64().unwrap())
        .collect();
    assert!(ids.contains(&mine.0) && !ids.contains(&other.0), "{ids:?}");
    // Cannot disable the other station's officer or create accounts there.
    assert_eq!(
        post(
            &srv,
            &format!("/api/v1/users/{other}/disable"),
            Some(&sup),
            json!({})
        )
        .await
        .status,
        404
    );
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&sup),
        json!({"badge": "O1202", "name": "新人", "unit_id": app.fx.p1s2, "role": "officer", "password": "a long passphrase"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (403, "outside_your_units"));
    // Creates officers in its own station.
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&sup),
        json!({"badge": "O1102", "name": "新人", "unit_id": app.fx.p1s1, "role": "officer", "password": "a long passphrase"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["unit"]["code"], "P1-S1");
    login_with(&srv, "O1102", "a long passphrase").await;
}

async fn login_with(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    badge: &str,
    password: &str,
) {
    let r = post(
        srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": badge, "password": password}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[actix_web::test]
async fn a_precinct_supervisor_sees_all_its_stations_only() {
    let app = TestApp::new();
    app.user("S1000", app.fx.p1, Role::Supervisor);
    let a = app.user("O1101", app.fx.p1s1, Role::Officer);
    let b = app.user("O1201", app.fx.p1s2, Role::Officer);
    let c = app.user("O2101", app.fx.p2s1, Role::Officer);
    let srv = app.service().await;
    let sup = login(&srv, "S1000").await;
    for id in [a, b] {
        assert_eq!(
            get(&srv, &format!("/api/v1/users/{id}"), &sup).await.status,
            200
        );
    }
    assert_eq!(
        get(&srv, &format!("/api/v1/users/{c}"), &sup).await.status,
        404
    );
    let units = get(&srv, "/api/v1/units", &sup).await;
    let codes: Vec<&str> = units.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["P1", "P1-S1", "P1-S2"]);
    assert_eq!(
        get(&srv, &format!("/api/v1/units/{}", app.fx.p2), &sup)
            .await
            .status,
        404
    );
}

#[actix_web::test]
async fn nobody_grants_more_than_they_hold() {
    let app = TestApp::new();
    app.user("S1100", app.fx.p1s1, Role::Supervisor);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let sup = login(&srv, "S1100").await;
    for role in ["supervisor", "admin"] {
        let r = post(
            &srv,
            "/api/v1/users",
            Some(&sup),
            json!({"badge": "X1234", "name": "升官", "unit_id": app.fx.p1s1, "role": role, "password": "a long passphrase"}),
        )
        .await;
        assert_eq!((r.status, r.code()), (403, "role_not_allowed"), "{role}");
    }
    // Officers cannot reach administration at all, and the refusal is audited.
    let officer = login(&srv, "O1101").await;
    let r = get(&srv, "/api/v1/users", &officer).await;
    assert_eq!((r.status, r.code()), (403, "role_not_allowed"));
    let mut conn = app.conn();
    let denied = epatrol::audit::list(
        &mut conn,
        Some("route"),
        Some("GET /api/v1/users"),
        None,
        10,
    )
    .unwrap();
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].action, "auth.permission_denied");
}

#[actix_web::test]
async fn validation_lists_every_bad_field_and_writes_nothing() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&admin),
        json!({"badge": "x", "name": "", "unit_id": app.fx.p1s1, "role": "vendor_keyer", "password": "short"}),
    )
    .await;
    assert_eq!(r.status, 422);
    let mut fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort();
    assert_eq!(fields, vec!["badge", "name", "password", "vendor_id"]);
    let list = get(&srv, "/api/v1/users", &admin).await;
    assert_eq!(
        list.body["items"].as_array().unwrap().len(),
        1,
        "only the admin exists"
    );
}

#[actix_web::test]
async fn duplicate_badge_is_a_conflict() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&admin),
        json!({"badge": "o1101", "name": "重複", "unit_id": app.fx.p1s1, "role": "officer", "password": "a long passphrase"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "badge_taken"));
}

#[actix_web::test]
async fn admins_build_the_unit_tree_within_reach() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("A2000", app.fx.p2, Role::Admin);
    let srv = app.service().await;
    let hq = login(&srv, "A0001").await;
    let p2 = login(&srv, "A2000").await;

    let r = post(
        &srv,
        "/api/v1/units",
        Some(&hq),
        json!({"code": "p1-s3", "name": "新派出所", "kind": "station", "parent_id": app.fx.p1}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["code"], "P1-S3");
    // A precinct admin cannot build under another precinct.
    let r = post(
        &srv,
        "/api/v1/units",
        Some(&p2),
        json!({"code": "P1-S4", "name": "越權", "kind": "station", "parent_id": app.fx.p1}),
    )
    .await;
    assert_eq!(r.status, 403);
    // Shape of the tree is enforced.
    let r = post(
        &srv,
        "/api/v1/units",
        Some(&hq),
        json!({"code": "BAD", "name": "派出所", "kind": "station", "parent_id": app.fx.hq}),
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "kind");
    let r = post(
        &srv,
        "/api/v1/units",
        Some(&hq),
        json!({"code": "P1-S3", "name": "重複", "kind": "station", "parent_id": app.fx.p1}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "code_taken"));

    // Disable, then it is hidden from the default list.
    let id = app.fx.p1s2;
    let r = post(
        &srv,
        &format!("/api/v1/units/{id}/disable"),
        Some(&hq),
        json!({}),
    )
    .await;
    assert_eq!(r.body["disabled"], true);
    let list = get(&srv, "/api/v1/units?include_disabled=false", &hq).await;
    assert!(
        !list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id.0)
    );
    let list = get(&srv, "/api/v1/units?include_disabled=true", &hq).await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == id.0)
    );
}

#[actix_web::test]
async fn lists_page_with_a_cursor() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    for i in 0..5 {
        app.user(&format!("O900{i}"), app.fx.p1s1, Role::Officer);
    }
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let mut seen = Vec::new();
    let mut after: Option<i64> = None;
    loop {
        let path = match after {
            Some(a) => format!("/api/v1/users?limit=2&after={a}"),
            None => "/api/v1/users?limit=2".into(),
        };
        let page = get(&srv, &path, &admin).await;
        assert_eq!(page.status, 200);
        for u in page.body["items"].as_array().unwrap() {
            seen.push(u["badge"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_i64() {
            Some(c) => after = Some(c),
            None => break,
        }
    }
    assert_eq!(seen.len(), 6);
    let r = get(&srv, "/api/v1/users?role=officer&limit=500", &admin).await;
    assert_eq!(r.body["items"].as_array().unwrap().len(), 5);
}

#[actix_web::test]
async fn vendor_staff_belong_to_a_vendor() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("A1000", app.fx.p1, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let r = post(
        &srv,
        "/api/v1/vendors",
        Some(&admin),
        json!({"code": "acme", "name": "頂尖資訊"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let vendor = r.body["id"].as_i64().unwrap();
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&admin),
        json!({"badge": "K1001", "name": "打字員", "unit_id": app.fx.hq, "role": "vendor_keyer", "vendor_id": vendor, "password": "a long passphrase"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["vendor_id"], vendor);
    // Vendors are city-wide: a precinct admin cannot register one.
    let p1 = login(&srv, "A1000").await;
    let r = post(
        &srv,
        "/api/v1/vendors",
        Some(&p1),
        json!({"code": "OTHER", "name": "別家"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (403, "headquarters_admin_only"));
    // Vendor staff have no business with police administration.
    let keyer = login_token(&srv, "K1001", "a long passphrase").await;
    assert_eq!(get(&srv, "/api/v1/units", &keyer).await.status, 403);
}

async fn login_token(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    badge: &str,
    password: &str,
) -> String {
    let r = post(
        srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": badge, "password": password}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["access_token"].as_str().unwrap().to_owned()
}

#[actix_web::test]
async fn an_unknown_value_in_the_database_is_an_error_never_a_default() {
    use diesel::RunQueryDsl;
    let app = TestApp::new();
    let mut conn = app.conn();
    diesel::sql_query(
        "INSERT INTO units (id, code, name, kind, parent_id, path, created_at) \
         VALUES (9001, 'X-9', '壞資料', 'galaxy', NULL, '/9001/', CURRENT_TIMESTAMP)",
    )
    .execute(&mut *conn)
    .unwrap();
    let read = epatrol::org::directory::unit_by_id(&mut conn, epatrol::domain::UnitId(9001));
    let err = read.expect_err("a unit of an unknown kind must not read back");
    assert!(format!("{err:?}").contains("galaxy"), "{err:?}");
}
