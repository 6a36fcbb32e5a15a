//! Patrol sign-in over HTTP, by journey: the shared world and helpers
//! here, the journeys in the files beside.

mod batches;
mod boxes;
mod codes;
mod coverage;
mod scans;
mod supervisors_day;

use crate::common::*;
use actix_web::http::Method;
use chrono::{Duration, Utc};
use epatrol::domain::Role;
use serde_json::{Value, json};

// Two boxes about 500 m apart in Tainan, one far away in Kaohsiung.
pub const B1: (f64, f64) = (22.9917, 120.2047);
const B2: (f64, f64) = (22.9962, 120.2047);
const FAR: (f64, f64) = (22.6273, 120.3014);

pub struct World {
    pub app: TestApp,
    admin: String,
    pub sup: String,
    pub officer: String,
    pub b1: i64,
    b2: i64,
    far: i64,
    dwell: i64,
}

async fn create_box(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    token: &str,
    code: &str,
    unit: i64,
    at: (f64, f64),
    dwell: Option<i32>,
) -> i64 {
    let r = post(
        srv,
        "/api/v1/boxes",
        Some(token),
        json!({"code": code, "unit_id": unit, "name": format!("{code} 巡邏箱"), "address": "臺南市東區", "lat": at.0, "lon": at.1, "radius_m": 30.0, "min_dwell_secs": dwell}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

fn payload(app: &TestApp, id: i64) -> String {
    let mut conn = app.conn();
    let view = epatrol::patrol::boxes::get(
        &mut conn,
        &epatrol::domain::Actor::system(),
        epatrol::domain::BoxId(id),
    )
    .unwrap();
    let version = epatrol::patrol::store::current_key_version(&mut conn).unwrap();
    epatrol::patrol::boxes::payload(&app.state.signing_keys, &view, version)
}

fn scan(app: &TestApp, box_id: i64, at: (f64, f64)) -> Value {
    json!({
        "client_id": uuid::Uuid::new_v4().to_string(),
        "payload": payload(app, box_id),
        "position": {"lat": at.0, "lon": at.1, "accuracy_m": 5.0},
        "scanned_at": Utc::now().to_rfc3339(),
    })
}

/// A scan that happened `ago` before now, timed by the monotonic clock.
pub fn scan_ago(app: &TestApp, box_id: i64, at: (f64, f64), ago: Duration) -> Value {
    let mut s = scan(app, box_id, at);
    s["scanned_at"] = json!((Utc::now() - ago).to_rfc3339());
    s["scan_monotonic"] = json!({"boot_id": "boot-1", "elapsed_ms": 1_000});
    s["sent_monotonic"] =
        json!({"boot_id": "boot-1", "elapsed_ms": 1_000 + ago.num_milliseconds()});
    s
}

fn flags(r: &Value) -> Vec<String> {
    r["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_owned())
        .collect()
}

/// A plan for the officer over B1, B2 and the dwell box, running all day
/// every day around now, created (as far as the rules know) a week ago.
/// A scan at B1 by the world's officer `ago` seconds ago, uploaded alone.
pub async fn check_in_ago<S, B>(w: &World, srv: &S, ago: i64) -> Resp
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let body = scan_ago(&w.app, w.b1, B1, Duration::seconds(ago));
    post(srv, "/api/v1/checkins", Some(&w.officer), body).await
}

pub async fn plan_all_day(
    w: &World,
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    officer_ids: Vec<i64>,
) -> i64 {
    let today = (Utc::now() + Duration::hours(8)).date_naive();
    // Made (as far as the service knows) a week ago.
    w.app
        .state
        .clock
        .set(epatrol::db::now() - Duration::days(8));
    let r = post(
        srv,
        "/api/v1/plans",
        Some(&w.sup),
        json!({
            "unit_id": w.app.fx.p1s1, "name": "全日巡邏",
            "starts_on": (today - Duration::days(7)).to_string(), "ends_on": (today + Duration::days(1)).to_string(),
            "weekdays": ["mon","tue","wed","thu","fri","sat","sun"],
            "window_start": "00:00", "window_end": "00:00", "visits_per_window": 1, "grace_minutes": 0,
            "officer_ids": officer_ids, "box_ids": [w.b1, w.b2, w.dwell],
        }),
    )
    .await;
    w.app.state.clock.resume();
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_i64().unwrap()
}

pub async fn world() -> World {
    world_on(TestApp::new()).await
}

/// The patrol world on an app made as the caller wants it.
pub async fn world_on(app: TestApp) -> World {
    app.user("A0001", app.fx.hq, Role::Admin);
    app.user("S1100", app.fx.p1s1, Role::Supervisor);
    app.user("O1101", app.fx.p1s1, Role::Officer);
    let (admin, sup, officer, b1, b2, far, dwell) = {
        let srv = app.service().await;
        let admin = login(&srv, "A0001").await;
        let sup = login(&srv, "S1100").await;
        let officer = login(&srv, "O1101").await;
        let p1s1 = app.fx.p1s1.0;
        let b1 = create_box(&srv, &admin, "B-1", p1s1, B1, None).await;
        let b2 = create_box(&srv, &admin, "B-2", p1s1, B2, None).await;
        let far = create_box(&srv, &admin, "B-FAR", p1s1, FAR, None).await;
        let dwell = create_box(
            &srv,
            &admin,
            "B-DWELL",
            p1s1,
            (22.9930, 120.2100),
            Some(300),
        )
        .await;
        (admin, sup, officer, b1, b2, far, dwell)
    };
    World {
        app,
        admin,
        sup,
        officer,
        b1,
        b2,
        far,
        dwell,
    }
}

pub fn officer_id(app: &TestApp, badge: &str) -> i64 {
    epatrol::org::directory::user_by_badge(&mut app.conn(), badge)
        .unwrap()
        .unwrap()
        .0
        .id
        .0
}
