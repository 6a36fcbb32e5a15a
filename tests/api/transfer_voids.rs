//! The office hears of voids: a ticket voided after a batch carried it goes
//! out once more, as a void line of the next batch.

use crate::common::*;
use crate::tickets::camera_ticket;
use epatrol::domain::Role;
use serde_json::{Value, json};

fn camera(n: usize) -> Value {
    let mut t = camera_ticket();
    t["client_id"] = json!(format!("void-after-transfer-{n}"));
    t["plate"] = json!(format!("ABC-{:04}", 3000 + n));
    t
}

/// The file's lines after the header, as (number, version, record, reason).
fn lines(text: &str) -> Vec<(String, String, String, String)> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    r.records()
        .map(|l| {
            let l = l.unwrap();
            (
                l[at("number")].to_owned(),
                l[at("version")].to_owned(),
                l[at("record")].to_owned(),
                l[at("void_reason")].to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn a_void_after_transfer_goes_out_in_the_next_batch_once() {
    let app = TestApp::new();
    app.user("HQA", app.fx.hq, Role::Admin);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let officer = login(&srv, "O1101").await;
    let mut tickets = vec![];
    for n in 0..3 {
        let r = post(&srv, "/api/v1/tickets", Some(&officer), camera(n)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        tickets.push(r.body.clone());
    }
    let r = post(&srv, "/api/v1/transfers", Some(&admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let first = r.body["id"].as_i64().unwrap();
    let id = |t: &Value| t["id"].as_i64().unwrap();
    let number = |t: &Value| t["number"].as_str().unwrap().to_owned();
    // One is voided as it was sent; one is corrected and the correction,
    // never sent, is voided; a fourth, never sent, is voided too.
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/void", id(&tickets[0])),
        Some(&officer),
        json!({"reason": "no_violation", "note": "號誌故障"}),
    )
    .await;
    assert_eq!(r.body["status"], "voided", "{}", r.body);
    let mut fixed = camera(1);
    fixed["client_id"] = json!("void-after-transfer-1-fixed");
    fixed["plate"] = json!("ABD-3001");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/corrections", id(&tickets[1])),
        Some(&officer),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/void", id(&r.body)),
        Some(&officer),
        json!({"reason": "wrong_recipient", "note": "車主錯誤"}),
    )
    .await;
    assert_eq!(r.body["status"], "voided", "{}", r.body);
    let r = post(&srv, "/api/v1/tickets", Some(&officer), camera(3)).await;
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/void", id(&r.body)),
        Some(&officer),
        json!({"reason": "duplicate", "note": "重複"}),
    )
    .await;
    assert_eq!(r.body["status"], "voided", "{}", r.body);

    let r = post(&srv, "/api/v1/transfers", Some(&admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let second = r.body["id"].as_i64().unwrap();
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    let file = get(&srv, &format!("/api/v1/transfers/{second}/file"), &admin).await;
    let text = file.body.as_str().unwrap().to_owned();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",record,voided_at,void_reason"),
        "{text}"
    );
    // Both voids, each as the version the office holds (version 1).
    assert_eq!(
        lines(&text),
        vec![
            (
                number(&tickets[0]),
                "1".into(),
                "void".into(),
                "no_violation: 號誌故障".into()
            ),
            (
                number(&tickets[1]),
                "1".into(),
                "void".into(),
                "wrong_recipient: 車主錯誤".into()
            ),
        ],
        "{text}"
    );
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(text.as_bytes())), sha);
    // Once: nothing more to send; the first batch is as it was.
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&admin), json!({}))
            .await
            .status,
        204
    );
    let file = get(&srv, &format!("/api/v1/transfers/{first}/file"), &admin).await;
    let text = file.body.as_str().unwrap();
    assert_eq!(lines(text).len(), 3);
    assert!(lines(text).iter().all(|l| l.2 == "ticket"), "{text}");
}
