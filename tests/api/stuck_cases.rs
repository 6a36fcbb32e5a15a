//! No case waits silently: after a send-back the vendor's only verifier
//! verifies the new keying (blind again), and a case nobody eligible can
//! take is named, with the reason, in the accounting.

use crate::cases::{World, critical, keyed_case, keying, user_id};
use crate::common::*;
use serde_json::{Value, json};

fn blocked_of(accounting: &Value) -> Vec<(i64, String, String)> {
    accounting["blocked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["case_id"].as_i64().unwrap(),
                b["step"].as_str().unwrap().to_owned(),
                b["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_vendor_with_one_verifier_verifies_again_after_a_send_back() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    crate::cases::import_registry(&srv, &admin, crate::cases::REGISTRY).await;
    let k1 = login(&srv, "K1").await;
    let v1 = login(&srv, "V1").await;
    let rev = login(&srv, "SUP-REV").await;
    let (id, case) = keyed_case(&srv, app, "CAM-SENTBACK-1", &k1, true).await;
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&v1),
        json!({}),
    )
    .await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&v1),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.body["status"], "verified", "{}", r.body);
    let r = post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/send-back"),
        Some(&rev),
        json!({"reason": "地點請依證據重打"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The keyer keys it again.
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.body["status"], "keyed", "{}", r.body);
    // The only verifier is given it again, and is as blind to the new
    // keying as to the first.
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &v1).await;
    assert!(r.body["entries"].is_null(), "{}", r.body);
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&v1),
        json!({}),
    )
    .await;
    assert_eq!(
        (r.status, r.body["id"].as_i64()),
        (200, Some(id)),
        "{}",
        r.body
    );
    assert!(r.body["entries"].is_null(), "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&v1),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.body["status"], "verified", "{}", r.body);
    // Nothing is blocked.
    let r = get(&srv, "/api/v1/cases/accounting", &admin).await;
    assert_eq!(blocked_of(&r.body), vec![], "{}", r.body);
}

#[actix_web::test]
async fn a_case_nobody_can_take_is_named_with_the_reason() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    crate::cases::import_registry(&srv, &admin, crate::cases::REGISTRY).await;
    let k1 = login(&srv, "K1").await;
    let (id, _) = keyed_case(&srv, app, "CAM-NOBODY-1", &k1, true).await;
    let sup = login(&srv, "SUP-IN").await;
    // The vendor's only verifier leaves.
    let v1 = user_id(app, "V1");
    let r = post(
        &srv,
        &format!("/api/v1/users/{v1}/disable"),
        Some(&admin),
        json!({}),
    )
    .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.body);
    let expected = vec![(id, "verification".to_owned(), "no_account".to_owned())];
    for who in [&admin, &sup, &k1] {
        let r = get(&srv, "/api/v1/cases/accounting", who).await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(blocked_of(&r.body), expected, "{}", r.body);
        assert!(
            r.body["blocked"][0]["detail"]
                .as_str()
                .unwrap()
                .contains("verification")
        );
    }
    // The vendor's queue page says so too, in the console's words.
    let cookies = crate::console::console_cookies(&srv, "VS1").await;
    let res = actix_web::test::call_service(
        &srv,
        actix_web::test::TestRequest::get()
            .uri("/work/verification")
            .insert_header(("Cookie", cookies))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    let html = String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap();
    assert!(html.contains("無人可處理的案件（1 件）"), "{html}");
    assert!(html.contains(&format!("#{id}")), "{html}");
    assert!(html.contains("沒有可處理此步驟的有效帳號"), "{html}");
    let r = post(
        &srv,
        &format!("/api/v1/users/{v1}/enable"),
        Some(&admin),
        json!({}),
    )
    .await;
    assert!(r.status == 200 || r.status == 204, "{}", r.body);
    let r = get(&srv, "/api/v1/cases/accounting", &admin).await;
    assert_eq!(blocked_of(&r.body), vec![], "{}", r.body);
}
