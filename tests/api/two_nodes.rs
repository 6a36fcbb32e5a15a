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
    let second = epatrol::init_state(settings(&app.db)).unwrap();
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
