//! The outsourced workflow over HTTP: intake and the legal gates, evidence,
//! the registry check, claims, blind verification, resolution, approval
//! into a ticket, separation of duties, personal-data limits, delivery.

use crate::common::*;
use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use epatrol::domain::Role;
use serde_json::{Value, json};

pub const REGISTRY: &str = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
ABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區公園路1號,2020-01-01\n\
MKA-567,motorcycle,KYMCO,黑,林機車,A123456789,臺南市東區大學路2號,2020-01-01\n\
EAA-1234,heavy_motorcycle,YAMAHA,藍,王重機,F131104093,臺南市南區,2020-01-01\n";

/// A tiny PNG: what the evidence check takes as an image.
pub const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// The city of these tests: a precinct supervisor who takes cases in and
/// another who reviews, an HQ administrator, and the vendor's three roles.
pub struct World {
    pub app: TestApp,
}

impl World {
    pub fn new() -> Self {
        let app = TestApp::new();
        app.user("HQA", app.fx.hq, Role::Admin);
        app.user("SUP-IN", app.fx.p1, Role::Supervisor);
        app.user("SUP-REV", app.fx.p1, Role::Supervisor);
        app.user("SUP-P2", app.fx.p2, Role::Supervisor);
        app.user("K1", app.fx.hq, Role::VendorKeyer);
        app.user("K2", app.fx.hq, Role::VendorKeyer);
        app.user("V1", app.fx.hq, Role::VendorVerifier);
        app.user("VS1", app.fx.hq, Role::VendorSupervisor);
        app.user("O1", app.fx.p1s1, Role::Officer);
        app.user("O2", app.fx.p1s1, Role::Officer);
        World { app }
    }
}

pub fn camera_case(app: &TestApp, client_id: &str, minutes_ago: i64) -> Value {
    json!({
        "client_id": client_id,
        "source": "camera",
        "unit_id": app.fx.p1s1,
        "vendor_id": app.fx.vendor,
        "violation_at": (Utc::now() - Duration::minutes(minutes_ago)).to_rfc3339(),
        "place": "臺南市東區東門路一段與府連路口",
        "position": {"lat": 22.9897, "lon": 120.2148},
        "camera": {"camera_id": "TN-CAM-0042", "signal_phase": "red+1.2s"},
        "plate": "ABC-1234",
        "article_code": "53-1",
    })
}

pub fn citizen_report(
    app: &TestApp,
    client_id: &str,
    violation_at: chrono::DateTime<Utc>,
) -> Value {
    json!({
        "client_id": client_id,
        "source": "citizen_report",
        "unit_id": app.fx.p1s1,
        "vendor_id": app.fx.vendor,
        "violation_at": violation_at.to_rfc3339(),
        "place": "臺南市東區中華東路三段",
        "plate": "MKA-567",
        "article_code": "53-1",
        "description": "機車闖紅燈",
        "reporter": {"name": "林檢舉", "contact": "0912-345-678"},
    })
}

pub fn keying(case: &Value, plate: &str) -> Value {
    json!({
        "plate": plate,
        "vehicle_class": "car",
        "article_code": "53-1",
        "violation_at": case["violation_at"],
        "place": "臺南市東區東門路一段與府連路口",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈",
        "fine": 2700,
        "make": "TOYOTA",
    })
}

pub fn critical(case: &Value, plate: &str) -> Value {
    json!({
        "plate": plate,
        "vehicle_class": "car",
        "article_code": "53-1",
        "violation_at": case["violation_at"],
    })
}

pub async fn upload<S, B>(
    srv: &S,
    token: &str,
    path: &str,
    content_type: &str,
    bytes: &[u8],
) -> Resp
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let req = TestRequest::post()
        .uri(path)
        .insert_header(("Authorization", format!("Bearer {token}")))
        .insert_header(("Content-Type", content_type))
        .set_payload(bytes.to_vec())
        .to_request();
    let res = actix_web::test::call_service(srv, req).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = actix_web::test::read_body(res).await;
    assert_ne!(status, 500);
    Resp {
        status,
        body: serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(format!("{} bytes", bytes.len()))),
        headers,
    }
}

pub async fn import_registry<S, B>(srv: &S, admin: &str, csv: &str) -> Resp
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    upload(
        srv,
        admin,
        "/api/v1/registry/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await
}

fn near_misses(app: &TestApp) -> Vec<(Option<i64>, String, String, String)> {
    use epatrol::db::schema::near_misses::dsl::*;
    near_misses
        .order(id.asc())
        .select((user_id, caught_by, field, code))
        .load(&mut *app.conn())
        .unwrap()
}

pub fn user_id(app: &TestApp, badge: &str) -> i64 {
    use epatrol::db::schema::users;
    users::table
        .filter(users::badge.eq(badge))
        .select(users::id)
        .first(&mut *app.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_camera_case_with_a_mismatch_goes_through_to_a_ticket() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let intake = login(&srv, "SUP-IN").await;
    let reviewer = login(&srv, "SUP-REV").await;
    let keyer = login(&srv, "K1").await;
    let verifier = login(&srv, "V1").await;
    let resolver = login(&srv, "VS1").await;

    let r = import_registry(&srv, &admin, REGISTRY).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["imported"], 3);

    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-0042-000001", 60),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "received");
    let id = r.body["id"].as_i64().unwrap();
    let case = r.body.clone();
    // The same intake again: the same case, replayed.
    let again = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-0042-000001", 60),
    )
    .await;
    assert!(again.status == 200 || again.status == 409, "{}", again.body);

    let path = format!("/api/v1/cases/{id}/evidence");
    let r = upload(&srv, &intake, &path, "image/png", PNG).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        upload(&srv, &intake, &path, "image/png", PNG).await.status,
        200
    );

    // 一打.
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&keyer), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["id"], id);
    assert_eq!(r.body["evidence"][0]["sha256"], sha.as_str());
    let r = get(&srv, &format!("/api/v1/cases/{id}/evidence/{sha}"), &keyer).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.headers.get("content-type").unwrap(), "image/png");
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&keyer),
        keying(&case, "abc1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "keyed");

    // 二驗, blind: the verifier sees no keying, and types a plate wrong.
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&verifier),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["entries"].is_null(), "{}", r.body);
    assert!(!r.body.to_string().contains("ABC-1234\",\"vehicle_class"));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&verifier),
        critical(&case, "ABC-1284"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "in_resolution");

    // The vendor supervisor sees both and settles it against the evidence.
    let r = post(
        &srv,
        "/api/v1/queues/resolution/claim",
        Some(&resolver),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["entries"].as_array().unwrap().len(), 2);
    assert_eq!(r.body["differences"], json!(["plate"]));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/resolution"),
        Some(&resolver),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "verified");
    let misses = near_misses(app);
    assert_eq!(
        misses,
        vec![(
            Some(user_id(app, "V1")),
            "verification".into(),
            "plate".into(),
            "verification_wrong".into()
        )]
    );

    // The police reviewer approves: the ticket is issued to the owner.
    let r = post(
        &srv,
        "/api/v1/queues/review/claim",
        Some(&reviewer),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Whether the law is confirmed is the reviewer's to acknowledge: the
    // keyer was not asked.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&reviewer),
        json!({}),
    )
    .await;
    assert_eq!(
        (r.status, r.code()),
        (422, "warnings_unacknowledged"),
        "{}",
        r.body
    );
    assert_eq!(r.body["errors"][0]["code"], "unconfirmed", "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&reviewer),
        json!({"acknowledge": ["article_code:unconfirmed"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["case"]["status"], "ticketed");
    let ticket = &r.body["ticket"];
    assert_eq!(ticket["kind"], "camera");
    assert_eq!(ticket["plate"], "ABC-1234");
    assert_eq!(ticket["owner"]["name"], "陳車主");
    assert_eq!(ticket["owner"]["national_id"], "F131104093");
    assert_eq!(ticket["unit_id"], json!(app.fx.p1s1));
    assert!(ticket["number"].as_str().unwrap().starts_with("TN"));
    let events: Vec<&str> = r.body["case"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        events,
        [
            "received",
            "keyed",
            "sent_to_resolution",
            "resolved",
            "approved",
            "ticketed"
        ]
    );
    // Nothing more to do: the queues are empty.
    for (step, token) in [("keying", &keyer), ("review", &reviewer)] {
        let r = post(
            &srv,
            &format!("/api/v1/queues/{step}/claim"),
            Some(token),
            json!({}),
        )
        .await;
        assert_eq!(r.status, 204, "{step}");
    }
    // Evidence of a finished case is fixed.
    let r = upload(&srv, &intake, &path, "image/png", b"\x89PNG\r\n\x1a\nmore").await;
    assert_eq!(r.status, 409);
}

/// Takes a case through keying with the given people, returning its id.
pub async fn keyed_case<S, B>(
    srv: &S,
    app: &TestApp,
    client_id: &str,
    keyer: &str,
    camera_read_plate: bool,
) -> (i64, Value)
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let intake = login(srv, "SUP-IN").await;
    let mut c = camera_case(app, client_id, 30);
    if !camera_read_plate {
        c["plate"] = Value::Null;
    }
    let r = post(srv, "/api/v1/cases", Some(&intake), c).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["status"], "received", "{}", r.body);
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let r = post(srv, "/api/v1/queues/keying/claim", Some(keyer), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let r = post(
        srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(keyer),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    (id, case)
}

#[actix_web::test]
async fn nobody_does_two_steps_of_a_case() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    // A case no vendor holds: police key and verify it.
    let mut c = camera_case(app, "CAM-POLICE-01", 30);
    c["vendor_id"] = Value::Null;
    let r = post(&srv, "/api/v1/cases", Some(&intake), c).await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let o1 = login(&srv, "O1").await;
    let o2 = login(&srv, "O2").await;
    // Vendor staff are never handed it.
    let k1 = login(&srv, "K1").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/cases/{id}"), &k1).await.status,
        404
    );
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&o1), json!({})).await;
    assert_eq!(r.body["id"], id);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&o1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The keyer is not offered the verification and may not do it.
    assert_eq!(
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&o1),
            json!({})
        )
        .await
        .status,
        204
    );
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&o1),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!((r.status, r.code()), (403, "separation_of_duties"));
    // Another officer verifies, blind like a vendor's verifier: neither
    // the claim, the case nor the list shows the keying.
    let blind = |body: &Value| {
        assert!(body["entries"].is_null(), "{body}");
        assert!(body["differences"].is_null(), "{body}");
    };
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &o2).await;
    assert_eq!(r.status, 200, "{}", r.body);
    blind(&r.body);
    let r = get(&srv, "/api/v1/cases?status=keyed", &o2).await;
    assert_eq!(r.body["items"][0]["id"], id, "{}", r.body);
    blind(&r.body["items"][0]);
    let r = post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&o2),
        json!({}),
    )
    .await;
    assert_eq!(r.body["id"], id);
    blind(&r.body);
    // The supervisor who took the case in could verify it too, so sees no
    // keying either; the keyer sees their own.
    blind(
        &get(&srv, &format!("/api/v1/cases/{id}"), &intake)
            .await
            .body,
    );
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &o1).await;
    assert_eq!(r.body["entries"].as_array().map(Vec::len), Some(1));
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&o2),
        critical(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.body["status"], "verified", "{}", r.body);
    // Officers do not review; the reviewer may not be one of them either.
    assert_eq!(
        post(&srv, "/api/v1/queues/review/claim", Some(&o1), json!({}))
            .await
            .status,
        403
    );
    // A supervisor of another precinct does not reach the case.
    let p2 = login(&srv, "SUP-P2").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/review/claim", Some(&p2), json!({}))
            .await
            .status,
        204
    );
    assert_eq!(
        get(&srv, &format!("/api/v1/cases/{id}"), &p2).await.status,
        404
    );
    // The vendor's keyer may not verify; its verifier may not key.
    let v1 = login(&srv, "V1").await;
    assert_eq!(
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&k1),
            json!({})
        )
        .await
        .status,
        403
    );
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&v1), json!({}))
            .await
            .status,
        403
    );
}

#[actix_web::test]
async fn a_claim_holds_one_case_for_one_person_until_it_expires() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-CLAIM-01", 30),
    )
    .await;
    let id = r.body["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    let k2 = login(&srv, "K2").await;
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(r.body["id"], id);
    // Claiming again gives the same case; the other keyer gets none.
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .body["id"],
        id
    );
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k2), json!({}))
            .await
            .status,
        204
    );
    // Abandoned: after 15 minutes it is free again.
    app.state
        .clock
        .set((Utc::now() + Duration::minutes(16)).naive_utc());
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k2), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let case = r.body.clone();
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "not_claimed"));
    // Released, it goes back to the queue.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/release"),
        Some(&k2),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body["claimed_by"].is_null());
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .body["id"],
        id
    );
}

#[actix_web::test]
async fn the_legal_gates_close_what_can_never_be_ticketed_and_account_for_it() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let now = Utc::now();

    // Reported on the eighth day after the violation day: too late (Art. 7-1).
    let mut late = citizen_report(app, "CR-LATE-01", now - Duration::days(8));
    late["received_at"] = json!(now.to_rfc3339());
    let r = post(&srv, "/api/v1/cases", Some(&intake), late).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        (r.body["status"].as_str(), r.body["close_reason"].as_str()),
        (Some("closed"), Some("report_too_late"))
    );
    // Drunk driving is not for citizens to report.
    let mut drunk = citizen_report(app, "CR-DRUNK-01", now - Duration::hours(2));
    drunk["article_code"] = json!("35-1-1");
    let r = post(&srv, "/api/v1/cases", Some(&intake), drunk).await;
    assert_eq!(r.body["close_reason"], "not_reportable", "{}", r.body);
    // A camera case three months old: past the Article 90 period.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-OLD-01", 60 * 24 * 92),
    )
    .await;
    assert_eq!(r.body["close_reason"], "out_of_time", "{}", r.body);
    // Reports of the same scooter and article five minutes apart may be one
    // violation (§7-1 III: unless an intersection was passed): marked for
    // the reviewer, not merged; seven minutes apart, two.
    let first = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(app, "CR-A-01", now - Duration::hours(3)),
    )
    .await;
    assert_eq!(first.body["status"], "received", "{}", first.body);
    let again = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(
            app,
            "CR-A-02",
            now - Duration::hours(3) + Duration::minutes(5),
        ),
    )
    .await;
    assert_eq!(again.body["status"], "received", "{}", again.body);
    assert_eq!(again.body["duplicate_of"], first.body["id"]);
    let later = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        citizen_report(
            app,
            "CR-A-03",
            now - Duration::hours(3) + Duration::minutes(7),
        ),
    )
    .await;
    assert_eq!(later.body["status"], "received", "{}", later.body);
    // The police see the reporter; the vendor's keyer never does.
    assert_eq!(first.body["reporter"]["contact"], "0912-345-678");
    let k1 = login(&srv, "K1").await;
    let id = first.body["id"].as_i64().unwrap();
    let r = get(&srv, &format!("/api/v1/cases/{id}"), &k1).await;
    assert_eq!(r.status, 200);
    assert!(r.body["reporter"].is_null());
    assert!(!r.body.to_string().contains("0912-345-678"));
    assert!(r.body["events"].is_null());

    // A case left until past its deadline is closed, not handed out.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-NEAR-01", 60 * 24 * 55),
    )
    .await;
    assert_eq!(r.body["status"], "received");
    assert!(r.body["days_left"].as_i64().unwrap() <= 7, "{}", r.body);
    let near = get(&srv, "/api/v1/cases?deadline_within_days=7", &intake).await;
    let near_ids: Vec<i64> = near.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert_eq!(near_ids, vec![r.body["id"].as_i64().unwrap()]);
    app.state.clock.set((now + Duration::days(10)).naive_utc());
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_ne!(claimed.body["id"], r.body["id"]);

    // Every case received is accounted for.
    let acc = get(&srv, "/api/v1/cases/accounting", &intake).await;
    assert_eq!(acc.status, 200, "{}", acc.body);
    assert_eq!(acc.body["received"], 7);
    assert_eq!(acc.body["closed_by_reason"]["report_too_late"], 1);
    assert_eq!(acc.body["closed_by_reason"]["not_reportable"], 1);
    assert_eq!(acc.body["closed_by_reason"]["out_of_time"], 2);
    // The possible repeat waits for its reviewer, not closed at intake.
    assert!(
        acc.body["closed_by_reason"]["duplicate"].is_null(),
        "{}",
        acc.body
    );
    assert_eq!(acc.body["by_status"]["received"], 3);
}

#[actix_web::test]
async fn the_registry_stops_a_plate_that_is_not_the_vehicle() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    // Every bad row at once, nothing imported.
    let bad = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
        ABC-1234,car,TOYOTA,白,陳車主,F131104093,臺南市北區,2020-01-01\n\
        ZZ,tank,,白,陳車主,A000000000,臺南市北區,2020-13-01\n";
    let r = import_registry(&srv, &admin, bad).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains("rows[2].vehicle_class"));
    let sup = login(&srv, "SUP-IN").await;
    assert_eq!(
        get(&srv, "/api/v1/registry/ABC-1234", &sup).await.status,
        404
    );
    // Only headquarters administrators import.
    assert_eq!(import_registry(&srv, &sup, REGISTRY).await.status, 403);
    assert_eq!(import_registry(&srv, &admin, REGISTRY).await.status, 201);
    let r = get(&srv, "/api/v1/registry/abc1234", &sup).await;
    assert_eq!(r.body["owner_name"], "陳車主", "{}", r.body);
    // One plate string in two classes is two vehicles: the registry is
    // keyed on plate and class, and a lookup without the class says so.
    let scooter = "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
        ABC-1234,motorcycle,KYMCO,黑,吳機車,A123456789,臺南市東區,2020-01-01\n";
    assert_eq!(import_registry(&srv, &admin, scooter).await.status, 201);
    let r = get(&srv, "/api/v1/registry/ABC-1234", &sup).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "plate_in_several_classes"),
        "{}",
        r.body
    );
    let r = get(
        &srv,
        "/api/v1/registry/ABC-1234?vehicle_class=motorcycle",
        &sup,
    )
    .await;
    assert_eq!(r.body["owner_name"], "吳機車", "{}", r.body);
    let r = get(&srv, "/api/v1/registry/ABC-1234?vehicle_class=car", &sup).await;
    assert_eq!(r.body["owner_name"], "陳車主", "{}", r.body);
    // The same plate, class and date twice is refused.
    assert_eq!(import_registry(&srv, &admin, scooter).await.status, 422);
    // Vendor staff never see owners.
    let k1 = login(&srv, "K1").await;
    assert_eq!(
        get(&srv, "/api/v1/registry/ABC-1234", &k1).await.status,
        403
    );

    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-REG-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let key = |plate: &str, class: &str, make: &str| {
        let mut k = keying(&case, plate);
        k["vehicle_class"] = json!(class);
        k["make"] = json!(make);
        k
    };
    let path = format!("/api/v1/cases/{id}/keying");
    let r = post(&srv, &path, Some(&k1), key("ABC-1235", "car", "TOYOTA")).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.to_string().contains("not_registered"), "{}", r.body);
    let r = post(&srv, &path, Some(&k1), key("EAA-1234", "car", "YAMAHA")).await;
    assert!(
        r.body.to_string().contains("registry_mismatch"),
        "{}",
        r.body
    );
    let r = post(&srv, &path, Some(&k1), key("ABC-1234", "car", "HONDA")).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let mut ok = key("ABC-1234", "car", "HONDA");
    ok["acknowledge"] = json!(["make:registry_mismatch"]);
    let r = post(&srv, &path, Some(&k1), ok).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // The mistakes caught are near misses against the keyer.
    let k1_id = user_id(app, "K1");
    let caught: Vec<(String, String)> = near_misses(app)
        .into_iter()
        .filter(|(u, ..)| *u == Some(k1_id))
        .map(|(_, by, _, code)| (by, code))
        .collect();
    assert!(
        caught.contains(&("registry".into(), "not_registered".into())),
        "{caught:?}"
    );
    assert!(
        caught.contains(&("registry".into(), "registry_mismatch".into())),
        "{caught:?}"
    );
}

#[actix_web::test]
async fn a_delivered_ticket_can_only_be_corrected() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let k1 = login(&srv, "K1").await;
    let v1 = login(&srv, "V1").await;
    let rev = login(&srv, "SUP-REV").await;
    let mut tickets = vec![];
    for n in 0..2 {
        // The camera read no plate the second time: the repeat shows only
        // once keyed, and the approval catches it.
        let (id, case) = keyed_case(&srv, app, &format!("CAM-DLV-0{n}"), &k1, n == 0).await;
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&v1),
            json!({}),
        )
        .await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/verification"),
            Some(&v1),
            critical(&case, "ABC-1234"),
        )
        .await;
        assert_eq!(r.body["status"], "verified", "{}", r.body);
        post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev),
            json!({"acknowledge": ["article_code:unconfirmed"]}),
        )
        .await;
        if n == 1 {
            // The same vehicle and article minutes apart, already ticketed:
            // whether it is one violation only the reviewer can say
            // (an intersection between them?), and says so.
            assert_eq!(
                (r.status, r.code()),
                (409, "repeat_needs_finding"),
                "{}",
                r.body
            );
            let r = post(
                &srv,
                &format!("/api/v1/cases/{id}/approve"),
                Some(&rev),
                json!({"repeat": {"intersection_passed": false}, "acknowledge": ["article_code:unconfirmed"]}),
            )
            .await;
            assert_eq!(
                (r.status, r.code()),
                (409, "duplicate_violation"),
                "{}",
                r.body
            );
            let r = post(
                &srv,
                &format!("/api/v1/cases/{id}/close"),
                Some(&rev),
                json!({"reason": "duplicate", "note": "同一違規", "duplicate_of": id - 1}),
            )
            .await;
            assert_eq!(r.body["status"], "closed", "{}", r.body);
            continue;
        }
        assert_eq!(r.status, 200, "{}", r.body);
        tickets.push(r.body["ticket"]["id"].as_i64().unwrap());
    }
    let t = tickets[0];
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "returned", "note": "查無此人"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "delivered", "note": "RR123456789TW"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/delivery"),
        Some(&rev),
        json!({"event": "delivered", "note": "again"}),
    )
    .await;
    assert_eq!(r.code(), "already_delivered");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{t}/void"),
        Some(&rev),
        json!({"reason": "other", "note": "寄錯"}),
    )
    .await;
    assert_eq!((r.status, r.code()), (409, "copy_delivered"), "{}", r.body);
}

#[actix_web::test]
async fn evidence_is_checked_as_it_comes_in_and_as_it_is_read() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-EVD-01", 30),
    )
    .await;
    let id = r.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/evidence");
    // Only the media taken as evidence, and only what the bytes really are.
    assert_eq!(
        upload(&srv, &intake, &path, "text/html", b"<script>")
            .await
            .status,
        415
    );
    let r = upload(&srv, &intake, &path, "image/jpeg", PNG).await;
    assert_eq!(
        (r.status, r.code()),
        (422, "media_type_mismatch"),
        "{}",
        r.body
    );
    assert!(r.body["detail"].as_str().unwrap().contains("image/png"));
    let k1 = login(&srv, "K1").await;
    assert_eq!(upload(&srv, &k1, &path, "image/png", PNG).await.status, 403);
    let r = upload(&srv, &intake, &path, "image/png", PNG).await;
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    // Evidence is for the step that needs it: vendor staff without a claim
    // on the case are refused; the keyer holding the claim is served, and
    // every read is in the audit trail with who read it.
    let file_path = format!("/api/v1/cases/{id}/evidence/{sha}");
    let k2 = login(&srv, "K2").await;
    let vs = login(&srv, "VS1").await;
    for who in [&k1, &k2, &vs] {
        let r = get(&srv, &file_path, who).await;
        assert_eq!((r.status, r.code()), (403, "claim_required"), "{}", r.body);
    }
    let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(r.body["id"].as_i64(), Some(id), "{}", r.body);
    assert_eq!(get(&srv, &file_path, &k1).await.status, 200);
    assert_eq!(get(&srv, &file_path, &k2).await.status, 403);
    assert_eq!(get(&srv, &file_path, &intake).await.status, 200);
    let reads = app.audit_actions("case.evidence_read");
    assert_eq!(reads.len(), 2, "{reads:?}");
    // Once the claim is given up the keyer is no longer served.
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/release"),
        Some(&k1),
        json!({}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(get(&srv, &file_path, &k1).await.status, 403);
    // Altered in the store: refused as it is read back, never served.
    let file = app
        .db
        .data_dir()
        .join("evidence")
        .join(&sha[0..2])
        .join(&sha[2..4])
        .join(&sha);
    std::fs::write(&file, b"\x89PNG\r\n\x1a\naltered").unwrap();
    let r = get(&srv, &format!("/api/v1/cases/{id}/evidence/{sha}"), &intake).await;
    assert_eq!(r.status, 503, "{}", r.body);
    // A hash not of this case, or not a hash: 404.
    let other = "0".repeat(64);
    assert_eq!(
        get(
            &srv,
            &format!("/api/v1/cases/{id}/evidence/{other}"),
            &intake
        )
        .await
        .status,
        404
    );
    assert_eq!(
        get(
            &srv,
            &format!("/api/v1/cases/{id}/evidence/..%2F..%2Fetc"),
            &intake
        )
        .await
        .status,
        404
    );
}

#[actix_web::test]
async fn concurrent_claimers_never_get_the_same_case() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let intake = login(&srv, "SUP-IN").await;
    for n in 0..12 {
        let mut c = camera_case(app, &format!("CAM-RACE-{n:02}"), 30 + n);
        c["plate"] = Value::Null;
        assert_eq!(
            post(&srv, "/api/v1/cases", Some(&intake), c).await.status,
            201
        );
    }
    let keyers: Vec<epatrol::domain::Actor> = (0..8)
        .map(|n| {
            let id = app.user(&format!("RK{n}"), app.fx.hq, Role::VendorKeyer);
            epatrol::domain::Actor {
                user_id: Some(id),
                role: Role::VendorKeyer,
                unit_id: Some(app.fx.hq),
                unit_path: None,
                vendor_id: Some(app.fx.vendor),
                device: None,
            }
        })
        .collect();
    let claimed: Vec<i64> = std::thread::scope(|s| {
        let handles: Vec<_> = keyers
            .iter()
            .map(|actor| {
                let pool = app.state.pool.clone();
                s.spawn(move || {
                    let mut conn = pool.get().unwrap();
                    epatrol::cases::queue::claim_next(
                        &mut conn,
                        actor,
                        epatrol::cases::status::Step::Keying,
                    )
                    .unwrap()
                    .map(|v| v.id.0)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().expect("twelve cases for eight keyers"))
            .collect()
    });
    let mut distinct = claimed.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 8, "a case claimed twice: {claimed:?}");
}

fn on_the_spot(n: usize) -> Value {
    json!({
        "client_id": format!("spot-ticket-{n:04}"),
        "kind": "on_the_spot",
        "violation_at": (Utc::now() - Duration::minutes(10)).to_rfc3339(),
        "place": "臺南市東區東門路一段與府連路口",
        "plate": format!("ABC-{:04}", 2000 + n),
        "vehicle_class": "car",
        "article_code": "53-1",
        "facts": "行經有燈光號誌管制之交岔路口闖紅燈",
        "fine": 2700,
        "driver": {"name": "王小明", "sex": "male", "birth_date": "1990-05-01", "national_id": "A123456789", "address": "臺南市東區大學路1號"},
        "signature": {"status": "obtained"},
        "acknowledge": ["article_code:unconfirmed"],
    })
}

#[actix_web::test]
async fn the_error_rate_and_near_misses_of_a_small_city_worked_out_by_hand() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let o1 = login(&srv, "O1").await;
    let rev = login(&srv, "SUP-REV").await;
    // Four tickets on the spot; one corrected for its plate.
    let mut spot = vec![];
    for n in 0..4 {
        let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(n)).await;
        assert_eq!(r.status, 201, "{}", r.body);
        spot.push(r.body["id"].as_i64().unwrap());
    }
    let mut fixed = on_the_spot(0);
    fixed["client_id"] = json!("spot-ticket-fix-0000");
    fixed["plate"] = json!("ABC-2009");
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{}/corrections", spot[0]),
        Some(&o1),
        json!({"error_type": "plate", "ticket": fixed}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    // One camera ticket through the vendor, after one registry catch, then voided.
    let k1 = login(&srv, "K1").await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-Q-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1239"),
    )
    .await;
    assert_eq!(r.status, 422);
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/keying"),
        Some(&k1),
        keying(&case, "ABC-1234"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v1 = login(&srv, "V1").await;
    post(
        &srv,
        "/api/v1/queues/verification/claim",
        Some(&v1),
        json!({}),
    )
    .await;
    post(
        &srv,
        &format!("/api/v1/cases/{id}/verification"),
        Some(&v1),
        critical(&case, "ABC-1234"),
    )
    .await;
    post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
    let r = post(
        &srv,
        &format!("/api/v1/cases/{id}/approve"),
        Some(&rev),
        json!({"acknowledge": ["article_code:unconfirmed"]}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let camera_ticket = r.body["ticket"]["id"].as_i64().unwrap();
    let taiwan_day = |v: &Value| {
        let t = chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
        epatrol::domain::time::taiwan_date(t.naive_utc())
    };
    // Whole Taiwan days: 0 unless a midnight fell in the half hour.
    let camera_days = |from: &str| {
        (taiwan_day(&r.body["ticket"]["issued_at"]) - taiwan_day(&case[from])).num_days() as f64
    };
    let (from_violation, from_intake) = (camera_days("violation_at"), camera_days("received_at"));
    let r = post(
        &srv,
        &format!("/api/v1/tickets/{camera_ticket}/void"),
        Some(&rev),
        json!({"reason": "wrong_recipient", "note": "寄錯車主"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let q = |by: &str| format!("/api/v1/quality/error-rate?from={month}&to={month}&by={by}");
    let sup = login(&srv, "SUP-REV").await;
    // Five tickets issued (a correction is not a new ticket), two wrong.
    let r = get(&srv, &q("month"), &sup).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["issued"].as_i64(), r.body["with_error"].as_i64()),
        (Some(5), Some(2))
    );
    assert_eq!(r.body["rate"], 0.4);
    assert_eq!(r.body["meets_target"], false);
    assert_eq!(r.body["lines"][0]["provisional"], true);
    // By source, worst first: the camera ticket 1/1, on the spot 1/4.
    let r = get(&srv, &q("source"), &sup).await;
    let lines: Vec<(String, i64, i64)> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_owned(),
                l["issued"].as_i64().unwrap(),
                l["with_error"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        vec![("camera".into(), 1, 1), ("on_the_spot".into(), 4, 1)]
    );
    let r = get(&srv, &q("error_type"), &sup).await;
    let types: Vec<&str> = r.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["key"].as_str().unwrap())
        .collect();
    assert_eq!(types, vec!["plate", "voided"]);
    let r = get(&srv, &q("keyer"), &sup).await;
    assert_eq!(r.body["lines"][0]["key"], user_id(app, "K1").to_string());
    assert_eq!(r.body["lines"][0]["issued"], 1);
    let r = get(
        &srv,
        &q("unit").replace("error-rate?", "error-rate.csv?"),
        &sup,
    )
    .await;
    let csv = r.body.as_str().unwrap();
    assert!(
        csv.contains("key,issued,with_error,rate,meets_target,provisional"),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("{},5,2,0.400000,false,true", app.fx.p1s1)),
        "{csv}"
    );
    // Another precinct's supervisor sees none of it.
    let p2 = login(&srv, "SUP-P2").await;
    assert_eq!(get(&srv, &q("month"), &p2).await.body["issued"], 0);
    // The plate the registry caught is a near miss against the keyer.
    let r = get(
        &srv,
        &format!("/api/v1/quality/near-misses?from={month}&to={month}&by=caught_by"),
        &sup,
    )
    .await;
    assert_eq!(r.body["total"], 1, "{}", r.body);
    assert_eq!(r.body["lines"][0]["key"], "registry");
    // Turnaround: the camera ticket half an hour after the violation.
    let r = get(
        &srv,
        &format!("/api/v1/quality/turnaround?from={month}&to={month}&by=source"),
        &sup,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let camera = &r.body["lines"][0];
    assert_eq!(
        (camera["key"].as_str(), camera["tickets"].as_i64()),
        (Some("camera"), Some(1))
    );
    assert_eq!(camera["baseline_days"], 21.0);
    assert_eq!(camera["from_intake"]["within_target"], 1.0);
    assert_eq!(camera["from_violation"]["median_days"], from_violation);
    assert_eq!(camera["from_violation"]["p90_days"], from_violation);
    assert_eq!(camera["from_intake"]["median_days"], from_intake);
    // Enforcement: four red lights this year (the voided one does not
    // count, nor does the correction), none the year before.
    let year = &month[0..4];
    let r = get(
        &srv,
        &format!("/api/v1/quality/enforcement?year={year}"),
        &sup,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["by_violation"].as_array().unwrap().len(), 7);
    let red = r.body["by_violation"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["key"] == "red_light")
        .unwrap();
    assert_eq!(
        (red["this_year"].as_i64(), red["previous_year"].as_i64()),
        (Some(4), Some(0))
    );
    assert_eq!(r.body["total"]["this_year"], 4);
    assert_eq!(
        get(&srv, "/api/v1/quality/enforcement?year=1900", &sup)
            .await
            .status,
        422
    );
    // The monthly report, with the month's figures as text and its charts.
    let req = TestRequest::get()
        .uri(&format!("/api/v1/quality/monthly-report?month={month}"))
        .insert_header(("Authorization", format!("Bearer {sup}")))
        .to_request();
    let res = actix_web::test::call_service(&srv, req).await;
    assert_eq!(res.status(), 200);
    let pdf = actix_web::test::read_body(res).await;
    let doc = lopdf::Document::load_mem(&pdf).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    assert_eq!(pages.len(), 2);
    let text = doc.extract_text(&pages).unwrap().replace('\n', "");
    for expected in [
        "舉發單品質月報",
        "錯誤 2 件",
        "40.000%",
        "闖紅燈",
        "逕行舉發",
        "測試廠商",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(
        pdf.windows(8).any(|w| w == b"/XObject"),
        "the charts are images"
    );
    // Vendor staff do not read the statistics; bad periods are refused.
    assert_eq!(get(&srv, &q("month"), &k1).await.status, 403);
    assert_eq!(
        get(
            &srv,
            "/api/v1/quality/error-rate?from=2026-13&to=2026-12&by=month",
            &sup
        )
        .await
        .status,
        422
    );
}

#[actix_web::test]
async fn tickets_go_to_the_office_once_and_its_rejections_count_as_errors() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    let o1 = login(&srv, "O1").await;
    let mut numbers = vec![];
    for n in 0..2 {
        let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(n)).await;
        numbers.push(r.body["number"].as_str().unwrap().to_owned());
    }
    // Only headquarters administrators send.
    let sup = login(&srv, "SUP-IN").await;
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&sup), json!({}))
            .await
            .status,
        403
    );
    let r = post(&srv, "/api/v1/transfers", Some(&admin), json!({})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["tickets"], 2);
    let id = r.body["id"].as_i64().unwrap();
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    // Nothing is sent twice.
    assert_eq!(
        post(&srv, "/api/v1/transfers", Some(&admin), json!({}))
            .await
            .status,
        204
    );
    let file = get(&srv, &format!("/api/v1/transfers/{id}/file"), &admin).await;
    let text = file.body.as_str().unwrap().to_owned();
    assert!(
        text.starts_with("number,version,supersedes_version,kind"),
        "{text}"
    );
    assert!(text.contains(&numbers[0]) && text.contains(&numbers[1]));
    use sha2::Digest;
    assert_eq!(hex::encode(sha2::Sha256::digest(text.as_bytes())), sha);
    let receipt = |r: &str, s: &str| json!({"receipt": r, "sha256": s});
    let path = format!("/api/v1/transfers/{id}/receipt");
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-1", &"0".repeat(64)))
            .await
            .status,
        422
    );
    let r = post(&srv, &path, Some(&admin), receipt("MVO-1", &sha)).await;
    assert_eq!(r.body["receipt"], "MVO-1", "{}", r.body);
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-1", &sha))
            .await
            .status,
        200
    );
    assert_eq!(
        post(&srv, &path, Some(&admin), receipt("MVO-2", &sha))
            .await
            .code(),
        "already_receipted"
    );

    // A third ticket, not sent: the office cannot reject it.
    let r = post(&srv, "/api/v1/tickets", Some(&o1), on_the_spot(2)).await;
    let unsent = r.body["number"].as_str().unwrap().to_owned();
    let csv = format!(
        "number,version,reason,rejected_on\n{},1,車號與車籍不符,2026-11-30\n{unsent},1,x,2026-11-30\nTN999,1,x,2026-11-31\n",
        numbers[0]
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    let text = r.body.to_string();
    for f in ["rows[2].number", "rows[3].rejected_on"] {
        assert!(text.contains(f), "{f}: {text}");
    }
    let csv = format!(
        "number,version,reason,rejected_on\n{},1,車號與車籍不符,2026-11-30\n",
        numbers[0]
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(
        (r.status, r.body["imported"].as_i64()),
        (201, Some(1)),
        "{}",
        r.body
    );
    let r = upload(
        &srv,
        &admin,
        "/api/v1/rejections/import",
        "text/csv",
        csv.as_bytes(),
    )
    .await;
    assert_eq!(r.body["already_recorded"], 1, "{}", r.body);
    // One rejected of three issued.
    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let r = get(
        &srv,
        &format!("/api/v1/quality/error-rate?from={month}&to={month}&by=error_type"),
        &sup,
    )
    .await;
    assert_eq!(
        (r.body["issued"].as_i64(), r.body["with_error"].as_i64()),
        (Some(3), Some(1)),
        "{}",
        r.body
    );
    assert_eq!(r.body["lines"][0]["key"], "rejected");
}

#[actix_web::test]
async fn a_vendor_is_billed_up_to_its_caps_and_the_rest_goes_to_police_keying() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let vendor = app.fx.vendor;
    let month = epatrol::domain::time::month_key(epatrol::domain::time::taiwan_date(
        Utc::now().naive_utc(),
    ));
    let year = month[0..4].to_owned();
    let contract = |price: i32| {
        json!({"starts_on": format!("{year}-01-01"), "ends_on": format!("{year}-12-31"),
               "unit_price": price, "yearly_ticket_cap": 2, "yearly_amount_cap": 1000})
    };
    let path = format!("/api/v1/vendors/{vendor}/contracts");
    let r = post(&srv, &path, Some(&admin), contract(14)).await;
    assert_eq!(r.status, 422, "at most NT$13: {}", r.body);
    assert_eq!(
        post(&srv, &path, Some(&admin), contract(13)).await.status,
        201
    );
    assert_eq!(
        post(&srv, &path, Some(&admin), contract(13)).await.code(),
        "contract_overlaps"
    );

    let intake = login(&srv, "SUP-IN").await;
    let (k1, v1, rev) = (
        login(&srv, "K1").await,
        login(&srv, "V1").await,
        login(&srv, "SUP-REV").await,
    );
    // Three cases in; the vendor can bill two.
    let mut cases = vec![];
    for n in 0..3 {
        let r = post(
            &srv,
            "/api/v1/cases",
            Some(&intake),
            camera_case(app, &format!("CAM-CAP-0{n}"), 30 + 40 * n),
        )
        .await;
        assert_eq!(r.body["vendor_id"], json!(vendor), "{}", r.body);
        cases.push(r.body.clone());
    }
    let mut done = vec![];
    for _ in 0..2 {
        // Whichever case the queue hands out (nearest deadline first).
        let r = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
        let id = r.body["id"].as_i64().unwrap();
        let case = cases.iter().find(|c| c["id"] == id).unwrap().clone();
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/keying"),
            Some(&k1),
            keying(&case, "ABC-1234"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        post(
            &srv,
            "/api/v1/queues/verification/claim",
            Some(&v1),
            json!({}),
        )
        .await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/verification"),
            Some(&v1),
            critical(&case, "ABC-1234"),
        )
        .await;
        assert_eq!(r.body["status"], "verified", "{}", r.body);
        post(&srv, "/api/v1/queues/review/claim", Some(&rev), json!({})).await;
        let r = post(
            &srv,
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev),
            json!({"acknowledge": ["article_code:unconfirmed"]}),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        done.push(id);
    }
    // The caps are used up: the third case goes back to police keying.
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({}))
            .await
            .status,
        204
    );
    let third = cases
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .find(|id| !done.contains(id))
        .unwrap();
    let r = get(&srv, &format!("/api/v1/cases/{third}"), &intake).await;
    assert!(r.body["vendor_id"].is_null(), "{}", r.body);
    assert!(r.body["events"].to_string().contains("to_police_keying"));
    let o1 = login(&srv, "O1").await;
    assert_eq!(
        post(&srv, "/api/v1/queues/keying/claim", Some(&o1), json!({}))
            .await
            .body["id"],
        third
    );
    // And a new case goes to the police at once.
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-CAP-09", 300),
    )
    .await;
    assert!(r.body["vendor_id"].is_null(), "{}", r.body);

    let path = format!("/api/v1/vendors/{vendor}/statements/{month}");
    let r = get(&srv, &path, &rev).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["tickets"].as_i64(), r.body["amount"].as_i64()),
        (Some(2), Some(26))
    );
    assert_eq!(r.body["tickets_left"], 0);
    assert_eq!(
        r.body["warnings"],
        json!([{"cap": "tickets", "reached": 0.95}])
    );
    // Each format is its own operation; the earlier query forms still answer.
    for csv_path in [format!("{path}.csv"), format!("{path}?format=csv")] {
        let csv = get(&srv, &csv_path, &k1).await;
        assert!(
            csv.body.as_str().unwrap().contains("tickets,2"),
            "{csv_path}: {}",
            csv.body
        );
    }
    let req = actix_web::test::TestRequest::get()
        .uri(&format!("{path}.pdf"))
        .insert_header(("Authorization", format!("Bearer {rev}")))
        .to_request();
    let pdf = actix_web::test::call_and_read_body(&srv, req).await;
    assert!(pdf.starts_with(b"%PDF"));
    // Officers do not read vendors' statements.
    assert_eq!(get(&srv, &path, &o1).await.status, 404);
}

#[actix_web::test]
async fn a_generated_year_of_tickets_is_counted_by_the_statistics() {
    let w = World::new();
    let app = &w.app;
    let made =
        epatrol::tickets::generate::tickets(&mut app.conn(), "TN", 3000, 2025, &|_, _| {}).unwrap();
    assert_eq!(made, 3000);
    let srv = app.service().await;
    let hq = login(&srv, "HQA").await;
    let r = get(
        &srv,
        "/api/v1/quality/error-rate?from=2025-01&to=2025-12&by=month",
        &hq,
    )
    .await;
    assert_eq!(r.body["issued"], 3000, "{}", r.body);
    assert_eq!(r.body["lines"].as_array().unwrap().len(), 12);
    // About one in a thousand is wrong.
    assert!(r.body["with_error"].as_i64().unwrap() < 15, "{}", r.body);
    let r = get(&srv, "/api/v1/quality/enforcement?year=2025", &hq).await;
    assert!(
        r.body["total"]["this_year"].as_i64().unwrap() > 0,
        "{}",
        r.body
    );
    // Behind each camera and citizen ticket (six in ten) its case, some
    // days from the violation; one case in twenty with a near miss.
    let r = get(
        &srv,
        "/api/v1/quality/turnaround?from=2025-01&to=2025-12&by=source",
        &hq,
    )
    .await;
    let lines = r.body["lines"].as_array().unwrap();
    let keys: Vec<&str> = lines.iter().filter_map(|l| l["key"].as_str()).collect();
    assert_eq!(keys, ["camera", "citizen_report"], "{}", r.body);
    let cases: i64 = lines.iter().filter_map(|l| l["tickets"].as_i64()).sum();
    assert!((1600..2000).contains(&cases), "{}", r.body);
    let days = lines[0]["from_violation"]["median_days"].as_f64().unwrap();
    assert!((3.0..20.0).contains(&days), "{}", r.body);
    let r = get(
        &srv,
        "/api/v1/quality/near-misses?from=2025-01&to=2025-12&by=caught_by",
        &hq,
    )
    .await;
    let misses = r.body["total"].as_i64().unwrap();
    assert!((cases / 40..cases / 10).contains(&misses), "{}", r.body);
    assert_eq!(r.body["lines"].as_array().unwrap().len(), 3, "{}", r.body);
}

#[actix_web::test]
async fn a_keyed_time_or_article_the_camera_contradicts_must_be_acknowledged() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    let r = post(
        &srv,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-REC-01", 30),
    )
    .await;
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    let path = format!("/api/v1/cases/{id}/keying");
    let mut off = keying(&case, "ABC-1234");
    let camera_time =
        chrono::DateTime::parse_from_rfc3339(case["violation_at"].as_str().unwrap()).unwrap();
    off["violation_at"] = json!((camera_time + Duration::minutes(10)).to_rfc3339());
    off["article_code"] = json!("56-1-4");
    off["fine"] = json!(900);
    let r = post(&srv, &path, Some(&k1), off.clone()).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let text = r.body.to_string();
    assert!(
        text.contains("violation_at")
            && text.contains("article_code")
            && text.contains("camera_record_differs"),
        "{text}"
    );
    // A minute off, at the camera's seconds: the commonest time mistake.
    let mut minute_off = keying(&case, "ABC-1234");
    minute_off["violation_at"] = json!((camera_time + Duration::minutes(1)).to_rfc3339());
    let r = post(&srv, &path, Some(&k1), minute_off).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    // Keyed to the minute (no seconds), the camera's minute and its
    // article: no warning.
    use chrono::Timelike;
    let to_the_minute = camera_time
        .with_nanosecond(0)
        .unwrap()
        .with_second(0)
        .unwrap();
    let mut close = keying(&case, "ABC-1234");
    close["violation_at"] = json!(to_the_minute.to_rfc3339());
    let r = post(&srv, &path, Some(&k1), close).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[actix_web::test]
async fn a_keyed_time_or_article_the_report_contradicts_is_questioned_and_may_be_confirmed() {
    let w = World::new();
    let app = &w.app;
    let srv = app.service().await;
    let admin = login(&srv, "HQA").await;
    import_registry(&srv, &admin, REGISTRY).await;
    let intake = login(&srv, "SUP-IN").await;
    use chrono::Timelike;
    let stated = (Utc::now() - Duration::hours(3))
        .with_nanosecond(0)
        .unwrap()
        .with_second(0)
        .unwrap();
    let mut report = citizen_report(app, "CR-REC-01", stated);
    report["article_code"] = json!("53-1");
    let r = post(&srv, "/api/v1/cases", Some(&intake), report).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body.clone();
    let id = case["id"].as_i64().unwrap();
    let k1 = login(&srv, "K1").await;
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(claimed.body["id"], id, "{}", claimed.body);
    let path = format!("/api/v1/cases/{id}/keying");
    // The video shows two minutes later than the reporter wrote, and the
    // keyer reads another article: both are questioned.
    let mut seen = keying(&case, "ABC-1234");
    seen["violation_at"] = json!((stated + Duration::minutes(2)).to_rfc3339());
    seen["article_code"] = json!("60-2-3");
    seen["fine"] = json!(900);
    let r = post(&srv, &path, Some(&k1), seen.clone()).await;
    assert_eq!(r.code(), "warnings_unacknowledged", "{}", r.body);
    let codes: Vec<(String, String)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        codes.contains(&("violation_at".into(), "report_differs".into()))
            && codes.contains(&("article_code".into(), "report_differs".into())),
        "{codes:?}"
    );
    // What the report says, keyed: no question.
    let r = post(&srv, &path, Some(&k1), keying(&case, "ABC-1234")).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["status"], "keyed");

    // Another report; the keyer looks again and confirms what the video shows.
    // Half an hour later: within six minutes it would be the same violation.
    let stated = stated + Duration::minutes(30);
    let mut report = citizen_report(app, "CR-REC-02", stated);
    report["article_code"] = json!("53-1");
    let case = post(&srv, "/api/v1/cases", Some(&intake), report)
        .await
        .body;
    assert_eq!(case["status"], "received", "{case}");
    let id = case["id"].as_i64().unwrap();
    let claimed = post(&srv, "/api/v1/queues/keying/claim", Some(&k1), json!({})).await;
    assert_eq!(
        claimed.body["id"], id,
        "{} {}",
        claimed.status, claimed.body
    );
    let mut seen = keying(&case, "ABC-1234");
    seen["violation_at"] = json!((stated + Duration::minutes(2)).to_rfc3339());
    seen["acknowledge"] = json!(["violation_at:report_differs"]);
    let r = post(&srv, &format!("/api/v1/cases/{id}/keying"), Some(&k1), seen).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// The S3-compatible server of `EPATROL_TEST_S3_ENDPOINT` (e.g. moto's
/// `http://127.0.0.1:9400`), with a bucket made for the test.
fn s3_bucket() -> (String, Vec<(String, String)>) {
    let endpoint = std::env::var("EPATROL_TEST_S3_ENDPOINT")
        .expect("this test needs an S3-compatible server in EPATROL_TEST_S3_ENDPOINT");
    let bucket = format!("epatrol-{}", uuid::Uuid::new_v4().simple());
    // Bucket creation is not part of object_store: one bare request.
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut conn = std::net::TcpStream::connect(host).unwrap();
    use std::io::{Read, Write};
    write!(
        conn,
        "PUT /{bucket} HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let vars = [
        ("AWS_ENDPOINT", endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .to_vec();
    (format!("s3://{bucket}/tainan/evidence"), vars)
}

#[actix_web::test]
#[ignore = "needs an S3-compatible server in EPATROL_TEST_S3_ENDPOINT, and --include-ignored"]
async fn evidence_in_a_bucket_is_shared_by_every_node() {
    use epatrol::evidence::{EvidenceStore, s3::S3Store};
    use std::sync::Arc;
    let (url, vars) = s3_bucket();
    let w = World::new();
    let app = &w.app;
    let mut first = app.node.clone();
    first.state.evidence = Arc::new(S3Store::open(&url, vars.clone()).unwrap());
    let mut second = epatrol::startup::start(settings(&app.db)).unwrap();
    second.state.evidence = Arc::new(S3Store::open(&url, vars.clone()).unwrap());
    let a = actix_web::test::init_service(epatrol::app::build(first)).await;
    let b = actix_web::test::init_service(epatrol::app::build(second)).await;

    let intake = login(&a, "SUP-IN").await;
    let r = post(
        &a,
        "/api/v1/cases",
        Some(&intake),
        camera_case(app, "CAM-S3-01", 30),
    )
    .await;
    let id = r.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/cases/{id}/evidence");
    let r = upload(&a, &intake, &path, "image/png", PNG).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let sha = r.body["sha256"].as_str().unwrap().to_owned();
    // Nothing went to the node's own disk: the bucket holds it.
    assert!(!app.db.data_dir().join("evidence").join(&sha[0..2]).exists());

    // Taken in on one node, read on the other, byte for byte, by the
    // keyer holding the case.
    let keyer = login(&b, "K1").await;
    let r = post(&b, "/api/v1/queues/keying/claim", Some(&keyer), json!({})).await;
    assert_eq!(r.body["id"], id, "{}", r.body);
    let res = actix_web::test::call_service(
        &b,
        TestRequest::get()
            .uri(&format!("/api/v1/cases/{id}/evidence/{sha}"))
            .insert_header(("Authorization", format!("Bearer {keyer}")))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(actix_web::test::read_body(res).await.as_ref(), PNG);

    // Stored once under its hash; checked as it is read back.
    let store = S3Store::open(&url, vars.clone()).unwrap();
    assert_eq!(store.get_raw(&sha).unwrap().as_deref(), Some(PNG));
    let forged = epatrol::evidence::sha256_hex(b"another photo");
    store.put(&forged, b"not that photo").unwrap();
    assert!(matches!(
        epatrol::evidence::read_checked(&store, &forged),
        Err(epatrol::evidence::ReadError::Corrupt(_))
    ));
    assert_eq!(store.get_raw(&"1".repeat(64)).unwrap(), None);
    // A bucket that does not exist stops the start.
    assert!(S3Store::open("s3://no-such-bucket-epatrol", vars).is_err());
}
