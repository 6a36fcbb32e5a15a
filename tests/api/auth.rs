//! Sign-in, tokens, sessions, lockout and disabled accounts, over HTTP.

use crate::common::*;
use actix_web::http::Method;
use base64::Engine;
use epatrol::domain::Role;
use serde_json::json;

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
async fn access_token_carries_the_required_claims() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let token = login(&srv, "O1001").await;
    let parts: Vec<&str> = token.split('.').collect();
    let decode = |s: &str| -> serde_json::Value {
        serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(s)
                .unwrap(),
        )
        .unwrap()
    };
    let header = decode(parts[0]);
    assert_eq!(header["alg"], "HS256");
    assert!(header["kid"].is_string());
    let claims = decode(parts[1]);
    for claim in ["exp", "nbf", "iss", "aud", "sub", "role", "unit", "sid"] {
        assert!(!claims[claim].is_null(), "claim {claim} missing");
    }
    assert!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap() <= 900);
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
async fn refresh_rotates_and_reuse_revokes_the_family() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let first = login_full(&srv, "O1001").await;
    let r1 = first["refresh_token"].as_str().unwrap();

    let second = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": r1}),
    )
    .await;
    assert_eq!(second.status, 200);
    let r2 = second.body["refresh_token"].as_str().unwrap().to_owned();
    let a2 = second.body["access_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);
    assert_eq!(get(&srv, "/api/v1/me", &a2).await.status, 200);

    // The spent token comes back: someone copied it. Everything from this
    // sign-in dies, including the rotated token and its access token.
    let reuse = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": r1}),
    )
    .await;
    assert_eq!(reuse.status, 401);
    assert_eq!(reuse.code(), "refresh_token_reused");
    let after = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": r2}),
    )
    .await;
    assert_eq!(after.status, 401);
    assert_eq!(get(&srv, "/api/v1/me", &a2).await.status, 401);
}

#[actix_web::test]
async fn unknown_refresh_token_is_refused() {
    let app = TestApp::new();
    let srv = app.service().await;
    let r = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": "made-up"}),
    )
    .await;
    assert_eq!(r.status, 401);
    assert_eq!(r.code(), "invalid_refresh_token");
}

#[actix_web::test]
async fn logout_revokes_access_and_refresh_tokens() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let body = login_full(&srv, "O1001").await;
    let access = body["access_token"].as_str().unwrap();
    let r = send(
        &srv,
        Method::POST,
        "/api/v1/auth/logout",
        Some(access),
        None,
    )
    .await;
    assert_eq!(r.status, 204);
    assert_eq!(
        get(&srv, "/api/v1/me", access).await.code(),
        "session_revoked"
    );
    let refresh = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": body["refresh_token"]}),
    )
    .await;
    assert_eq!(refresh.status, 401);
}

#[actix_web::test]
async fn disabling_a_user_rejects_their_tokens_at_once() {
    let app = TestApp::new();
    let officer = app.user("O1001", app.fx.p1s1, Role::Officer);
    app.user("S1000", app.fx.p1s1, Role::Supervisor);
    let srv = app.service().await;
    let officer_token = login(&srv, "O1001").await;
    let sup = login(&srv, "S1000").await;
    let r = post(
        &srv,
        &format!("/api/v1/users/{officer}/disable"),
        Some(&sup),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["disabled"], true);
    let me = get(&srv, "/api/v1/me", &officer_token).await;
    assert_eq!(me.status, 401);
    // The right password now says the account is disabled.
    let again = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!(again.status, 403);
    assert_eq!(again.code(), "account_disabled");
    // Enabled again, the account signs in.
    let r = post(
        &srv,
        &format!("/api/v1/users/{officer}/enable"),
        Some(&sup),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200);
    login(&srv, "O1001").await;
}

fn mint(claims: serde_json::Value, key: &[u8], kid: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(key),
    )
    .unwrap()
}

async fn session_claims(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
) -> (serde_json::Value, String) {
    let token = login(srv, "O1001").await;
    let header: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    (claims, header["kid"].as_str().unwrap().to_owned())
}

#[actix_web::test]
async fn expired_tampered_unsigned_and_foreign_tokens_are_refused() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let (claims, kid) = session_claims(&srv).await;

    // The genuine claims re-signed with the right key work: the minting is sound.
    assert_eq!(
        get(&srv, "/api/v1/me", &mint(claims.clone(), JWT_SECRET, &kid))
            .await
            .status,
        200
    );

    let now = chrono::Utc::now().timestamp();
    let mut expired = claims.clone();
    expired["exp"] = json!(now - 3600);
    expired["nbf"] = json!(now - 7200);
    let r = get(&srv, "/api/v1/me", &mint(expired, JWT_SECRET, &kid)).await;
    assert_eq!((r.status, r.code()), (401, "token_expired"));

    let mut future = claims.clone();
    future["nbf"] = json!(now + 3600);
    assert_eq!(
        get(&srv, "/api/v1/me", &mint(future, JWT_SECRET, &kid))
            .await
            .status,
        401
    );

    let mut wrong_aud = claims.clone();
    wrong_aud["aud"] = json!("someone-else");
    assert_eq!(
        get(&srv, "/api/v1/me", &mint(wrong_aud, JWT_SECRET, &kid))
            .await
            .status,
        401
    );

    let mut wrong_purpose = claims.clone();
    wrong_purpose["purpose"] = json!("verify");
    assert_eq!(
        get(&srv, "/api/v1/me", &mint(wrong_purpose, JWT_SECRET, &kid))
            .await
            .status,
        401
    );

    let foreign = mint(
        claims.clone(),
        b"another-key-entirely-0123456789abcdef",
        &kid,
    );
    assert_eq!(
        get(&srv, "/api/v1/me", &foreign).await.code(),
        "invalid_token"
    );

    // Tampered: a genuine token with its payload changed to claim admin.
    let genuine = mint(claims.clone(), JWT_SECRET, &kid);
    let mut elevated = claims.clone();
    elevated["role"] = json!("admin");
    let parts: Vec<&str> = genuine.split('.').collect();
    let forged_body = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(elevated.to_string());
    let tampered = format!("{}.{}.{}", parts[0], forged_body, parts[2]);
    assert_eq!(
        get(&srv, "/api/v1/me", &tampered).await.code(),
        "invalid_token"
    );

    // alg=none with no signature.
    let none_header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(json!({"alg": "none", "typ": "JWT", "kid": kid}).to_string());
    let unsigned = format!("{none_header}.{}.", parts[1]);
    assert_eq!(get(&srv, "/api/v1/me", &unsigned).await.status, 401);

    assert_eq!(get(&srv, "/api/v1/me", "garbage").await.status, 401);
    let r = send(&srv, Method::GET, "/api/v1/me", None, None).await;
    assert_eq!((r.status, r.code()), (401, "missing_token"));
    assert_eq!(r.headers.get("www-authenticate").unwrap(), "Bearer");
}

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

fn audit_count(app: &TestApp, action: &str) -> i64 {
    use diesel::prelude::*;
    use epatrol::db::schema::audit_log;
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[actix_web::test]
async fn disabling_a_unit_shuts_out_its_whole_subtree_until_enabled() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    app.user("O2001", app.fx.p2s1, Role::Officer);
    app.user("A0001", app.fx.hq, Role::Admin);
    let srv = app.service().await;
    let officer = login_full(&srv, "O1001").await;
    let token = officer["access_token"].as_str().unwrap().to_owned();
    let refresh = officer["refresh_token"].as_str().unwrap().to_owned();
    let elsewhere = login(&srv, "O2001").await;
    let admin = login(&srv, "A0001").await;
    assert_eq!(get(&srv, "/api/v1/me", &token).await.status, 200);
    // The precinct above the officer's station.
    let p1 = app.fx.p1.0;
    let r = post(
        &srv,
        &format!("/api/v1/units/{p1}/disable"),
        Some(&admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let me = get(&srv, "/api/v1/me", &token).await;
    assert_eq!((me.status, me.code()), (401, "unit_disabled"));
    let r = post(
        &srv,
        "/api/v1/auth/refresh",
        None,
        json!({"refresh_token": refresh}),
    )
    .await;
    assert_eq!((r.status, r.code()), (401, "unit_disabled"));
    let r = post(
        &srv,
        "/api/v1/auth/login",
        None,
        json!({"badge": "O1001", "password": PASSWORD}),
    )
    .await;
    assert_eq!((r.status, r.code()), (403, "unit_disabled"));
    // Another precinct is untouched.
    assert_eq!(get(&srv, "/api/v1/me", &elsewhere).await.status, 200);
    let r = post(
        &srv,
        &format!("/api/v1/units/{p1}/enable"),
        Some(&admin),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(&srv, "/api/v1/me", &token).await.status, 200);
    login(&srv, "O1001").await;
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

/// Signs `header` and `claims` by hand, so the header may carry members
/// the JWT library would not write.
fn mint_raw(header: serde_json::Value, claims: &serde_json::Value, key: &[u8]) -> String {
    use hmac::Mac;
    let b64 = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    let input = format!("{}.{}", b64(&header), b64(claims));
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{input}.{sig}")
}

#[actix_web::test]
async fn tokens_with_critical_extensions_or_issued_in_the_future_are_refused() {
    let app = TestApp::new();
    app.user("O1001", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let (claims, kid) = session_claims(&srv).await;
    // The genuine claims re-signed by hand verify: the minting is right.
    let plain = mint_raw(
        json!({"alg": "HS256", "typ": "JWT", "kid": kid}),
        &claims,
        JWT_SECRET,
    );
    assert_eq!(get(&srv, "/api/v1/me", &plain).await.status, 200);
    let crit = mint_raw(
        json!({"alg": "HS256", "typ": "JWT", "kid": kid, "crit": ["x-epatrol-bind"], "x-epatrol-bind": true}),
        &claims,
        JWT_SECRET,
    );
    let r = get(&srv, "/api/v1/me", &crit).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
    let mut future = claims.clone();
    future["iat"] = json!(chrono::Utc::now().timestamp() + 3600);
    let r = get(&srv, "/api/v1/me", &mint(future, JWT_SECRET, &kid)).await;
    assert_eq!((r.status, r.code()), (401, "invalid_token"));
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
