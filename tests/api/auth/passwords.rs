//! Passwords: changed, reset, long and uncommon, and chosen first by an
//! account someone else made.

use super::*;

#[actix_web::test]
async fn changing_your_password_ends_your_other_sign_ins() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let here = login(&srv, "O1001").await;
    let elsewhere = login(&srv, "O1001").await;
    // Both sessions are in use (and remembered) before the change.
    assert_eq!(get(&srv, "/api/v1/me", &elsewhere).await.status, 200);
    assert_eq!(get(&srv, "/api/v1/me", &here).await.status, 200);
    let r = post(
        &srv,
        "/api/v1/me/password",
        Some(&here),
        json!({"current_password": "not-it-at-all", "new_password": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(
        (r.status, r.body["errors"][0]["field"].as_str()),
        (422, Some("current_password"))
    );
    let r = post(
        &srv,
        "/api/v1/me/password",
        Some(&here),
        json!({"current_password": PASSWORD, "new_password": "short"}),
    )
    .await;
    assert_eq!(
        (r.status, r.body["errors"][0]["field"].as_str()),
        (422, Some("new_password"))
    );
    let r = post(
        &srv,
        "/api/v1/me/password",
        Some(&here),
        json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(get(&srv, "/api/v1/me", &here).await.status, 200);
    assert_eq!(
        get(&srv, "/api/v1/me", &elsewhere).await.code(),
        "session_revoked"
    );
    let old = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!(old.status, 401);
    let new = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(new.status, 200);
}

#[actix_web::test]
async fn a_supervisor_resets_a_forgotten_password() {
    let app = TestApp::new();
    let officer = app.user("O1001", app.fx.p1s1, Role::Officer);
    let admin = app.user("A1000", app.fx.p1s1, Role::Admin);
    app.user("S1000", app.fx.p1s1, Role::Supervisor);
    let srv = app.service().await;
    let sup = login(&srv, "S1000").await;
    let officer_token = login(&srv, "O1001").await;
    assert_eq!(get(&srv, "/api/v1/me", &officer_token).await.status, 200);
    let r = post(
        &srv,
        &format!("/api/v1/users/{officer}/password"),
        Some(&sup),
        json!({"new_password": "reset by the station"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(&srv, "/api/v1/me", &officer_token).await.status, 401);
    let new = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": "reset by the station"}),
    )
    .await;
    assert_eq!(new.status, 200);
    let r = post(
        &srv,
        &format!("/api/v1/users/{admin}/password"),
        Some(&sup),
        json!({"new_password": "taking over admin"}),
    )
    .await;
    assert_eq!(r.status, 403);
}

#[actix_web::test]
async fn a_changed_or_reset_password_ends_refresh_tokens_too() {
    let app = TestApp::new();
    let officer = app.user("O1001", app.fx.p1s1, Role::Officer);
    app.user("S1000", app.fx.p1s1, Role::Supervisor);
    let srv = app.service().await;
    let here = login(&srv, "O1001").await;
    let elsewhere = login_full(&srv, "O1001").await;
    let r = post(
        &srv,
        "/api/v1/me/password",
        Some(&here),
        json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": elsewhere["refresh_token"]}),
    )
    .await;
    assert_eq!(r.status, 401);
    // A reset ends every session, the one that changed it included.
    let sup = login(&srv, "S1000").await;
    let r = post(
        &srv,
        &format!("/api/v1/users/{officer}/password"),
        Some(&sup),
        json!({"new_password": "another fresh passphrase"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        get(&srv, "/api/v1/me", &here).await.code(),
        "session_revoked"
    );
}

#[actix_web::test]
async fn a_new_password_is_long_and_not_a_common_one() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let token = login(&srv, "O1001").await;
    for (new, code) in [
        ("short-one", "too_short"),
        ("1234567890", "too_common"),
        ("Password123", "too_common"),
    ] {
        let r = post(
            &srv,
            "/api/v1/me/password",
            Some(&token),
            json!({"current_password": PASSWORD, "new_password": new}),
        )
        .await;
        assert_eq!(
            (r.status, r.body["errors"][0]["code"].as_str()),
            (422, Some(code)),
            "{new}"
        );
    }
}

#[actix_web::test]
async fn an_account_made_by_someone_else_changes_its_password_first() {
    let app = TestApp::new();
    app.user("S1000", app.fx.p1s1, Role::Supervisor);
    app.user("A1000", app.fx.hq, Role::Admin);
    let keyer = app.user("K1000", app.fx.hq, Role::VendorKeyer);
    let srv = app.service().await;
    let sup = login(&srv, "S1000").await;
    let r = post(
        &srv,
        "/api/v1/users",
        Some(&sup),
        json!({"badge": "O1102", "name": "新人", "unit_id": app.fx.p1s1, "role": "officer", "password": "given by the station"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1102", "password": "given by the station"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["user"]["must_change_password"], true);
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    // Nothing but changing the password and signing out.
    for path in ["/api/v1/me", "/api/v1/boxes", "/api/v1/tickets"] {
        let r = get(&srv, path, &token).await;
        assert_eq!(
            (r.status, r.code()),
            (403, "password_change_required"),
            "{path}: {}",
            r.body
        );
        assert!(r.body["detail"].as_str().unwrap().contains("/me/password"));
    }
    let r = post(
        &srv,
        "/api/v1/me/password",
        Some(&token),
        json!({"current_password": "given by the station", "new_password": "my very own passphrase"}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let r = get(&srv, "/api/v1/me", &token).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["must_change_password"], false);
    assert_eq!(get(&srv, "/api/v1/boxes", &token).await.status, 200);

    // A reset password is the administrator's, not the keyer's: no claims
    // until the keyer has chosen one; signing out is still allowed.
    let admin = login(&srv, "A1000").await;
    let r = post(
        &srv,
        &format!("/api/v1/users/{keyer}/password"),
        Some(&admin),
        json!({"new_password": "reset by the admin"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "K1000", "password": "reset by the admin"}),
    )
    .await;
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&token), json!({})).await;
    assert_eq!((r.status, r.code()), (403, "password_change_required"));
    let r = post(&srv, "/api/v1/auth/logout", Some(&token), json!({})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(get(&srv, "/api/v1/me", &token).await.status, 401);
}
