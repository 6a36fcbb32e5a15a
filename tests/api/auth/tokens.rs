//! Tokens: claims, refresh and its family, logout, forged and foreign
//! tokens, disabled accounts and units.

use super::*;

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
