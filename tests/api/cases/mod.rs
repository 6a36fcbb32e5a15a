//! The outsourced workflow over HTTP, by journey: the shared city and
//! helpers here, the journeys in the files beside.

mod evidence;
mod gates;
mod office;
mod statistics;
mod workflow;

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
