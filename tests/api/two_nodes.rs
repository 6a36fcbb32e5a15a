//! Several API nodes on one database, as production runs them behind a load
//! balancer: two app states with their own pools (and caches) on one
//! database, each served on its own, taking the same requests at once.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::common::*;
use epatrol::domain::Role;

#[actix_web::test]
async fn two_nodes_store_once_never_overlap_and_lock_out_together() {
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    app.user("A0001", app.fx.hq, Role::Admin);
    let second = epatrol::startup::start(settings(&app.db)).unwrap();
    let a = app.service().await;
    let b = actix_web::test::init_service(epatrol::app::build(second)).await;
    let officer = login(&a, "O1101").await;
    let admin = login(&b, "A0001").await;

    // A box, and the same scan sent to both nodes at once, several times.
    let r = post(
        &a,
        "/api/v1/boxes",
        Some(&admin),
        json!({"code": "B-1", "unit_id": app.fx.p1s1, "name": "巡邏箱", "address": "臺南市東區",
               "lat": 22.9917, "lon": 120.2047, "radius_m": 30.0}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let box_id = r.body["id"].as_i64().unwrap();
    let res = actix_web::test::call_service(
        &a,
        TestRequest::get()
            .uri(&format!("/api/v1/boxes/{box_id}/qr"))
            .insert_header(("Authorization", format!("Bearer {admin}")))
            .to_request(),
    )
    .await;
    let payload = res
        .headers()
        .get("x-box-payload")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let scan = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "payload": payload,
        "position": {"lat": 22.9917, "lon": 120.2047, "accuracy_m": 5.0},
        "scanned_at": chrono::Utc::now().to_rfc3339(),
    });
    let (x, y) = futures_util::future::join(
        post(&a, "/api/v1/checkins", Some(&officer), scan.clone()),
        post(&b, "/api/v1/checkins", Some(&officer), scan.clone()),
    )
    .await;
    assert_eq!(
        x.body["checkin_id"], y.body["checkin_id"],
        "{} {}",
        x.body, y.body
    );
    let mut statuses = [x.status, y.status];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);

    // The same ticket to both nodes at once: one ticket, one replay.
    let ticket = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "kind": "on_the_spot",
        "violation_at": chrono::Utc::now().to_rfc3339(), "place": "臺南市東區",
        "plate": "ABC-1234", "vehicle_class": "car", "article_code": "53-1",
        "facts": "闖紅燈", "fine": 2700, "driver": {"name": "王小明"},
        "signature": {"status": "obtained"},
        "acknowledge": ["article_code:unconfirmed"],
    });
    let (x, y) = futures_util::future::join(
        post(&a, "/api/v1/tickets", Some(&officer), ticket.clone()),
        post(&b, "/api/v1/tickets", Some(&officer), ticket.clone()),
    )
    .await;
    assert_eq!(x.body["id"], y.body["id"], "{} {}", x.body, y.body);
    let mut statuses = [x.status, y.status];
    statuses.sort();
    assert_eq!(statuses, [200, 201]);

    // Number blocks taken from both nodes at once never overlap.
    let block = |srv_token: &str, device: &str| {
        TestRequest::post()
            .uri("/api/v1/ticket-blocks")
            .insert_header(("Authorization", format!("Bearer {srv_token}")))
            .insert_header(("X-Device-Id", device.to_owned()))
            .set_json(json!({"size": 20}))
            .to_request()
    };
    let (x, y) = futures_util::future::join(
        actix_web::test::call_service(&a, block(&officer, "MP-A")),
        actix_web::test::call_service(&b, block(&officer, "MP-B")),
    )
    .await;
    assert_eq!((x.status().as_u16(), y.status().as_u16()), (201, 201));
    let blocks = get(&a, "/api/v1/ticket-blocks", &officer).await;
    let mut ranges: Vec<(String, String)> = blocks.body["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["first_number"].as_str().unwrap().to_owned(),
                b["last_number"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    ranges.sort();
    assert!(ranges.len() >= 2);
    for pair in ranges.windows(2) {
        assert!(pair[0].1 < pair[1].0, "blocks overlap: {ranges:?}");
    }

    // Guesses spread over both nodes lock the badge once for both.
    let guesses = (0..10).map(|i| {
        let srv_guess = json!({"badge": "O1101", "password": format!("wrong-guess-{i}")});
        (i, srv_guess)
    });
    let mut futures = Vec::new();
    for (i, body) in guesses {
        if i % 2 == 0 {
            futures.push(futures_util::future::Either::Left(post(
                &a,
                "/api/v1/auth/login",
                None,
                body,
            )));
        } else {
            futures.push(futures_util::future::Either::Right(post(
                &b,
                "/api/v1/auth/login",
                None,
                body,
            )));
        }
    }
    futures_util::future::join_all(futures).await;
    for srv in [0, 1] {
        let body = json!({"badge": "O1101", "password": PASSWORD});
        let r = if srv == 0 {
            post(&a, "/api/v1/auth/login", None, body).await
        } else {
            post(&b, "/api/v1/auth/login", None, body).await
        };
        assert_eq!((r.status, r.code()), (429, "account_locked"), "node {srv}");
    }
}

/// Waits (up to `secs`) for `done`, checking every 20 ms: for things another
/// process delivers, not for speed.
async fn eventually(secs: u64, mut done: impl AsyncFnMut() -> bool) -> bool {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < until {
        if done().await {
            return true;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    false
}

#[actix_web::test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
async fn a_session_revoked_on_another_node_is_refused_here_without_a_read_per_request_on_postgres()
{
    use diesel::{Connection, RunQueryDsl};
    // Nodes share sessions only on PostgreSQL.
    require_postgres();
    let app = TestApp::new();
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let token = login(&srv, "O1101").await;
    let sessions = app.state.sessions.clone();
    assert!(
        eventually(10, async || sessions.is_listening()).await,
        "the node never started listening for session changes"
    );
    assert_eq!(get(&srv, "/api/v1/me", &token).await.status, 200);

    // Another node's write: revoked in the database, not yet announced. The
    // session is not read again, so this node has not seen it.
    let mut other = diesel::PgConnection::establish(&app.db.url).unwrap();
    diesel::sql_query(
        "UPDATE auth_sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE revoked_at IS NULL",
    )
    .execute(&mut other)
    .unwrap();
    assert_eq!(get(&srv, "/api/v1/me", &token).await.status, 200);

    // Announced as every revocation is, it takes effect here.
    diesel::sql_query("NOTIFY epatrol_sessions")
        .execute(&mut other)
        .unwrap();
    let refused = eventually(5, async || {
        get(&srv, "/api/v1/me", &token).await.status == 401
    })
    .await;
    assert!(refused, "the revoked session still works on this node");
    assert_eq!(
        get(&srv, "/api/v1/me", &token).await.code(),
        "session_revoked"
    );

    // A revocation made through a node notifies the others.
    let second = epatrol::startup::start(settings(&app.db)).unwrap();
    let b = actix_web::test::init_service(epatrol::app::build(second)).await;
    let fresh = login(&srv, "O1101").await;
    assert_eq!(get(&b, "/api/v1/me", &fresh).await.status, 200);
    let mut listen = diesel::PgConnection::establish(&app.db.url).unwrap();
    diesel::sql_query("LISTEN epatrol_sessions")
        .execute(&mut listen)
        .unwrap();
    let r = post(
        &srv,
        "/api/v1/auth/logout",
        Some(&fresh),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(r.status, 204, "{}", r.body);
    diesel::sql_query("SELECT 1").execute(&mut listen).unwrap();
    let heard = listen.notifications_iter().filter_map(Result::ok).count();
    assert!(heard >= 1, "signing out sent no notification");
    assert_eq!(get(&b, "/api/v1/me", &fresh).await.status, 401);
}
