//! Signing in: answers alike for wrong passwords and unknown badges, lockout,
//! parallel guesses.

use super::*;

#[actix_web::test]
async fn login_then_me() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let body = login_full(&srv, "o1001").await; // badge is case-insensitive
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_in"].as_u64().unwrap() <= 900);
    assert_eq!(body["user"]["badge"], "O1001");
    let token = body["access_token"].as_str().unwrap();
    let me = get(&srv, "/api/v1/me", token).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["role"], "officer");
    assert_eq!(me.body["unit"]["code"], "P1-S1");
}

#[actix_web::test]
async fn wrong_password_and_unknown_badge_answer_alike() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let wrong = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": "not-the-password"}),
    )
    .await;
    let unknown = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "NOBODY1", "password": "not-the-password"}),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(unknown.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(
        wrong.headers.get("content-type").unwrap(),
        "application/problem+json"
    );
    assert_eq!(wrong.code(), "invalid_credentials");
}

#[actix_web::test]
async fn empty_fields_are_all_reported() {
    let app = TestApp::new();
    let srv = app.service().await;
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": " ", "password": ""}),
    )
    .await;
    assert_eq!(r.status, 422);
    let fields: Vec<&str> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["badge", "password"]);
}

#[actix_web::test]
async fn five_failures_lock_the_account_even_against_the_right_password() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    for _ in 0..5 {
        let r = post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "O1001", "password": "wrong-password!"}),
        )
        .await;
        assert_eq!(r.status, 401);
    }
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 429);
    assert_eq!(r.code(), "account_locked");
    let retry: u64 = r
        .headers
        .get("retry-after")
        .unwrap()
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 500 && retry <= 600, "retry-after {retry}");
    // Other accounts are unaffected.
    app.user("O1002", app.fx.p1s1, Role::Officer);
    login(&srv, "O1002").await;
}

#[actix_web::test]
async fn unknown_badges_lock_the_same_way() {
    let app = TestApp::new();
    let srv = app.service().await;
    for _ in 0..5 {
        post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "GHOST1", "password": "wrong-password!"}),
        )
        .await;
    }
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "GHOST1", "password": "wrong-password!"}),
    )
    .await;
    assert_eq!(r.status, 429);
}

#[actix_web::test]
async fn success_resets_the_failure_count() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    for _ in 0..4 {
        post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "O1001", "password": "wrong-password!"}),
        )
        .await;
    }
    login(&srv, "O1001").await;
    for _ in 0..4 {
        post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "O1001", "password": "wrong-password!"}),
        )
        .await;
    }
    login(&srv, "O1001").await;
}

#[actix_web::test]
async fn parallel_guesses_check_at_most_five_passwords() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let guesses = futures_util::future::join_all((0..10).map(|i| {
        post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "O1001", "password": format!("wrong-guess-{i}")}),
        )
    }))
    .await;
    assert!(guesses.iter().all(|r| r.status == 401 || r.status == 429));
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!((r.status, r.code()), (429, "account_locked"));
    let checked = audit_count(&app, "auth.login_failed");
    assert!(checked <= 5, "{checked} passwords were checked");
}

#[actix_web::test]
async fn sign_ins_of_one_badge_at_once_are_asked_to_wait_never_locked_out() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let answers = futures_util::future::join_all((0..12).map(|_| {
        post(
            &srv,
            "/api/v1/auth/login",
            None,
            json!({"badge": "O1001", "password": PASSWORD}),
        )
    }))
    .await;
    for r in &answers {
        match r.status {
            200 => {}
            429 => {
                assert_eq!(r.code(), "sign_in_busy", "{}", r.body);
                assert_eq!(r.headers.get("retry-after").unwrap(), "1");
            }
            other => panic!("{other}: {}", r.body),
        }
    }
    assert!(answers.iter().any(|r| r.status == 200));
    // More arrived than may be checked at once (five).
    assert!(answers.iter().any(|r| r.status == 429));
    // Whatever had to wait signs in when it tries again.
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(audit_count(&app, "auth.lockout"), 0);
}
