//! "Only one" and "at most" rules of the workflow hold however requests
//! interleave: sent at the same instant, on PostgreSQL as on SQLite. Each
//! test fires its requests together; the in-process server runs their
//! transactions on separate connections, as several nodes would.

use crate::cases::{World, camera_case, citizen_report, critical, keying, upload};
use crate::common::*;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

/// Cars only this file's tests use, beside the shared extract.
const REGISTRY: &str = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
ABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區公園路1號,2020-01-01\n\
ABC-1235,car,TOYOTA,黑,林車主,A123456789,臺南市東區大學路2號,2020-01-01\n\
MKA-567,motorcycle,KYMCO,黑,林機車,A123456789,臺南市東區大學路2號,2020-01-01\n";

/// A camera case of `plate`, keyed and verified, waiting for review.
async fn verified_case<S, B>(
    srv: &S,
    app: &TestApp,
    client_id: &str,
    plate: &str,
    minutes_ago: i64,
) -> i64
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let intake = login(srv, "SUP-IN").await;
    let k1 = login(srv, "K1").await;
    let v1 = login(srv, "V1").await;
    let mut c = camera_case(app, client_id, minutes_ago);
    c["plate"] = json!(plate);
    let r = post(srv, "/api/v1/cases", Some(&intake), c).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let r = post(srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, plate),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        srv,
        "/api/v1/queues/verification/claim",
        Some(&v1),
        json!({}),
    )
    .await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&v1),
        critical(&case, plate),
    )
    .await;
    assert_eq!(r.body["status"], "verified", "{}", r.body);
    id
}

/// Each reviewer claims one of the waiting cases; then all approve at once.
async fn approve_together<S, B>(srv: &S, reviewers: &[&str]) -> Vec<Resp>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut claimed = vec![];
    for badge in reviewers {
        let token = login(srv, badge).await;
        let r = post(srv, "/api/v1/queues/review/claim", Some(&token), json!({})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        claimed.push((token, r.body["id"].as_i64().unwrap()));
    }
    let paths: Vec<String> = claimed
        .iter()
        .map(|(_, id)| format!("/api/v1/cases/{id}/approve"))
        .collect();
    join_all(claimed.iter().zip(&paths).map(|((token, _), path)| {
        post(
            srv,
            path,
            Some(token),
            json!({"acknowledge": ["article_code:unconfirmed"]}),
        )
    }))
    .await
}

#[actix_web::test]
async fn two_approvals_of_one_violation_at_once_issue_one_ticket() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    crate::cases::import_registry(&srv, &admin, REGISTRY).await;
    // The same car through the same light three minutes apart.
    verified_case(&srv, app, "CAM-RACE-A", "ABC-1234", 33).await;
    verified_case(&srv, app, "CAM-RACE-B", "ABC-1234", 30).await;
    let answers = approve_together(&srv, &["SUP-REV", "HQA"]).await;
    let issued = answers.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        issued,
        1,
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
    let refused = answers.iter().find(|r| r.status != 200).unwrap();
    assert_eq!(
        (refused.status, refused.code()),
        (409, "repeat_needs_finding"),
        "{}",
        refused.body
    );
}

#[actix_web::test]
async fn three_reports_of_one_violation_at_once_leave_one_unmarked() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let at = Utc::now() - Duration::hours(2);
    let answers = join_all((0..3).map(|n| {
        post(
            &srv,
            "/api/v1/cases",
            Some(&intake),
            citizen_report(app, &format!("CR-RACE-{n}"), at + Duration::seconds(n)),
        )
    }))
    .await;
    let mut unmarked = 0;
    for r in &answers {
        assert_eq!(r.status, 201, "{}", r.body);
        if r.body["duplicate_of"].is_null() {
            unmarked += 1;
        }
    }
    assert_eq!(
        unmarked,
        1,
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn a_rejection_imported_four_times_at_once_is_recorded_once() {
    use crate::tickets::camera_ticket;
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let o1 = login(&srv, "O1").await;
    let mut t = camera_ticket();
    t["client_id"] = json!("reject-race-1");
    let r = post(&srv, "/api/v1/tickets", Some(&o1), t).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let number = r.body["number"].as_str().unwrap().to_owned();
    let ticket = r.body["id"].as_i64().unwrap();
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&admin), json!({}))
            .await
            .status,
        201
    );
    let csv = format!("number,version,reason,rejected_on\n{number},1,車號與車籍不符,2026-11-30\n");
    let answers = join_all((0..4).map(|_| {
        upload(
            &srv,
            &admin,
            "/api/v1/rejections/import",
            "text/csv",
            csv.as_bytes(),
        )
    }))
    .await;
    let imported: i64 = answers
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.body);
            r.body["imported"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(imported, 1);
    use epatrol::db::schema::ticket_events::dsl as e;
    let mut conn = app.conn();
    let conn: &mut epatrol::db::DbConn = &mut conn;
    let recorded: i64 = epatrol::each_backend!(conn, |c| e::ticket_events
        .filter(e::ticket_id.eq(ticket))
        .filter(e::event.eq("rejected"))
        .count()
        .get_result(c)
        .unwrap());
    assert_eq!(recorded, 1);
}

#[actix_web::test]
async fn approvals_at_once_bill_a_vendor_up_to_its_cap_and_no_further() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    crate::cases::import_registry(&srv, &admin, REGISTRY).await;
    verified_case(&srv, app, "CAM-CAP-RACE-A", "ABC-1234", 30).await;
    verified_case(&srv, app, "CAM-CAP-RACE-B", "ABC-1235", 30).await;
    // A contract made now, with room for one more ticket this year.
    let year = epatrol::domain::time::taiwan_date(Utc::now().naive_utc()).format("%Y");
    let r = post(
        &srv,
        &format!("/api/v1/vendors/{}/contracts", app.fx.vendor.0),
        Some(&admin),
        json!({"starts_on": format!("{year}-01-01"), "ends_on": format!("{year}-12-31"),
               "unit_price": 13, "yearly_ticket_cap": 1, "yearly_amount_cap": 1000}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let answers = approve_together(&srv, &["SUP-REV", "HQA"]).await;
    for r in &answers {
        assert_eq!(r.status, 200, "{}", r.body);
    }
    use epatrol::db::schema::vendor_billings::dsl as b;
    let mut conn = app.conn();
    let conn: &mut epatrol::db::DbConn = &mut conn;
    let billed: i64 =
        epatrol::each_backend!(conn, |c| b::vendor_billings.count().get_result(c).unwrap());
    assert_eq!(billed, 1);
}

#[actix_web::test]
async fn batches_made_at_once_carry_each_ticket_once() {
    use crate::tickets::camera_ticket;
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let o1 = login(&srv, "O1").await;
    for n in 0..5 {
        let mut t = camera_ticket();
        t["client_id"] = json!(format!("batch-race-{n}"));
        t["plate"] = json!(format!("ABC-{:04}", 4000 + n));
        assert_eq!(
            post(&srv, "/api/v1/tickets", Some(&o1), t).await.status,
            201
        );
    }
    let answers =
        join_all((0..3).map(|_| post(&srv, "/api/v1/transfers", Some(&admin), json!({})))).await;
    let carried: i64 = answers
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r.body["tickets"].as_i64().unwrap())
        .sum();
    assert!(answers.iter().all(|r| r.status == 201 || r.status == 204));
    assert_eq!(
        carried,
        5,
        "{:?}",
        answers.iter().map(|r| &r.body).collect::<Vec<&Value>>()
    );
}
