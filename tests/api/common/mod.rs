//! Test harness: the whole app on a fresh database per test. SQLite in a
//! temp dir by default; a fresh PostgreSQL database when
//! `EPATROL_TEST_POSTGRES_URL` names a server (e.g.
//! `postgres://postgres@127.0.0.1:5432/postgres`).
#![allow(dead_code)]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use actix_web::dev::{Service, ServiceResponse};
use actix_web::test::TestRequest;
use actix_web::{body::MessageBody, http::Method};
use diesel::prelude::*;
use serde_json::Value;

use epatrol::config::{Secret, Settings};
use epatrol::db::DbConn;
use epatrol::domain::{Actor, Role, UnitId, UnitKind, UserId, VendorId};
use epatrol::startup::Node;
use epatrol::state::AppState;

pub const PASSWORD: &str = "test-password-123";
pub const JWT_SECRET: &[u8] = b"test-signing-key-0123456789abcdef0123456789";
/// Every app of the test process appends with one audit key (the key is a
/// process-wide setting), and the binary is given the same one.
pub const AUDIT_KEY: &[u8] = b"test-audit-key-0123456789abcdef0123456789ab";

pub fn audit_key_base64() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(AUDIT_KEY)
}

thread_local! {
    /// Set by [`on_sqlite_only`] for the test running on this thread.
    static SQLITE_ONLY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// This test is about SQLite itself (its files, its WAL, its statement
/// cache): it runs on SQLite whatever database the run is for, so it is
/// never skipped.
pub fn on_sqlite_only() {
    SQLITE_ONLY.set(true);
}

/// The reason PostgreSQL-only tests give in their `#[ignore]`: listed as
/// ignored by a plain `cargo test`, run by `--include-ignored` with
/// `EPATROL_TEST_POSTGRES_URL` set (CI's PostgreSQL run).
pub fn require_postgres() {
    assert!(
        std::env::var("EPATROL_TEST_POSTGRES_URL").is_ok_and(|u| !u.is_empty()),
        "this test is about PostgreSQL: set EPATROL_TEST_POSTGRES_URL (CI's SQLite run skips it with --skip on_postgres)"
    );
}

/// A fresh database for one test, dropped with it.
pub struct TestDb {
    pub url: String,
    _dir: tempfile::TempDir,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub fn new() -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("EPATROL_TEST_POSTGRES_URL") {
            Ok(admin_url) if !admin_url.is_empty() && !SQLITE_ONLY.get() => {
                let name = format!(
                    "epatrol_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_subsec_micros()
                );
                let mut admin = PgConnection::establish(&admin_url)
                    .expect("EPATROL_TEST_POSTGRES_URL must reach a PostgreSQL server");
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .unwrap();
                let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap();
                TestDb {
                    url: format!("{base}/{name}"),
                    _dir: dir,
                    pg_admin: Some((admin_url, name)),
                }
            }
            _ => {
                let url = format!("sqlite://{}", dir.path().join("test.db").display());
                TestDb {
                    url,
                    _dir: dir,
                    pg_admin: None,
                }
            }
        }
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().to_path_buf()
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_admin.is_some()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = &self.pg_admin
            && let Ok(mut admin) = PgConnection::establish(admin_url)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut admin);
        }
    }
}

/// The fixture city: HQ > P1 > (P1-S1, P1-S2), HQ > P2 > P2-S1, one vendor,
/// and one account per role.
pub struct Fixture {
    pub hq: UnitId,
    pub p1: UnitId,
    pub p1s1: UnitId,
    pub p1s2: UnitId,
    pub p2: UnitId,
    pub p2s1: UnitId,
    pub vendor: VendorId,
}

pub struct TestApp {
    /// What the app is built from.
    pub node: Node,
    /// The node's shared state (the same clock, pool and caches).
    pub state: AppState,
    pub db: TestDb,
    pub fx: Fixture,
}

/// One argon2 hash of `PASSWORD` for every fixture account: hashing is slow
/// on purpose and the fixture needs many accounts.
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| epatrol::password::hash(PASSWORD).unwrap())
}

pub fn settings(db: &TestDb) -> Settings {
    let mut s = Settings::embedded(db.data_dir());
    s.database_url = db.url.clone();
    s.jwt_secret = Some(Secret::new(JWT_SECRET.to_vec()));
    s.audit_key = Some(Secret::new(AUDIT_KEY.to_vec()));
    s.db_pool_size = 8;
    s
}

impl TestApp {
    pub fn new() -> Self {
        Self::with_settings(|_| {})
    }

    /// An app whose settings `adjust` changes first.
    pub fn with_settings(adjust: impl FnOnce(&mut Settings)) -> Self {
        let db = TestDb::new();
        let mut s = settings(&db);
        adjust(&mut s);
        let node = epatrol::startup::start(s).unwrap();
        let state = node.state.clone();
        let fx = {
            let mut conn = state.pool.get().unwrap();
            build_fixture(&mut conn)
        };
        TestApp {
            node,
            state,
            db,
            fx,
        }
    }

    pub fn conn(&self) -> epatrol::db::PooledConn {
        self.state.pool.get().unwrap()
    }

    /// The audit trail's entries of one action, as (actor, object, details).
    pub fn audit_actions(&self, action: &str) -> Vec<(Option<i64>, Option<String>, String)> {
        use epatrol::db::schema::audit_log::dsl as a;
        let mut conn = self.conn();
        let conn: &mut DbConn = &mut conn;
        epatrol::each_backend!(conn, |c| a::audit_log
            .filter(a::action.eq(action))
            .order(a::seq)
            .select((a::actor_id, a::object_id, a::details))
            .load(c)
            .unwrap())
    }

    /// Adds an account with the shared test password.
    pub fn user(&self, badge: &str, unit: UnitId, role: Role) -> UserId {
        let vendor = role.is_vendor().then_some(self.fx.vendor);
        insert_user(&mut self.conn(), badge, unit, role, vendor)
    }

    pub async fn service(
        &self,
    ) -> impl Service<
        actix_http::Request,
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
    > {
        actix_web::test::init_service(epatrol::app::build(self.node.clone())).await
    }
}

fn build_fixture(conn: &mut DbConn) -> Fixture {
    use epatrol::org::units::{CreateUnit, create};
    let system = Actor::system();
    let mut unit = |code: &str, kind, parent| {
        create(
            conn,
            &system,
            CreateUnit {
                code: code.into(),
                name: format!("{code} 單位"),
                kind,
                parent_id: parent,
            },
        )
        .unwrap()
        .id
    };
    let hq = unit("HQ", UnitKind::Bureau, None);
    let p1 = unit("P1", UnitKind::Precinct, Some(hq));
    let p1s1 = unit("P1-S1", UnitKind::Station, Some(p1));
    let p1s2 = unit("P1-S2", UnitKind::Station, Some(p1));
    let p2 = unit("P2", UnitKind::Precinct, Some(hq));
    let p2s1 = unit("P2-S1", UnitKind::Station, Some(p2));
    let vendor = epatrol::org::vendors::create(
        conn,
        &system,
        epatrol::org::vendors::CreateVendor {
            code: "VEND".into(),
            name: "測試廠商".into(),
        },
    )
    .unwrap()
    .id;
    Fixture {
        hq,
        p1,
        p1s1,
        p1s2,
        p2,
        p2s1,
        vendor,
    }
}

fn insert_user(
    conn: &mut DbConn,
    badge: &str,
    unit: UnitId,
    role: Role,
    vendor: Option<VendorId>,
) -> UserId {
    let now = epatrol::db::now();
    epatrol::org::directory::insert_user(
        conn,
        &epatrol::org::directory::NewUser {
            badge,
            name: "測試員",
            unit_id: unit,
            role,
            vendor_id: vendor,
            password_hash: password_hash(),
            created_at: now,
            updated_at: now,
        },
    )
    .unwrap()
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub headers: actix_web::http::header::HeaderMap,
}

impl Resp {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

pub async fn send<S, B>(
    srv: &S,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Resp
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let mut req = TestRequest::default().method(method).uri(path);
    if let Some(t) = token {
        req = req.insert_header(("Authorization", format!("Bearer {t}")));
    }
    if let Some(b) = body {
        req = req.set_json(b);
    }
    let res = actix_web::test::call_service(srv, req.to_request()).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let bytes = actix_web::test::read_body(res).await;
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    assert_ne!(status, 500, "no request may yield a 500: {body}");
    Resp {
        status,
        body,
        headers,
    }
}

pub async fn get<S, B>(srv: &S, path: &str, token: &str) -> Resp
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(srv, Method::GET, path, Some(token), None).await
}

pub async fn post<S, B>(srv: &S, path: &str, token: Option<&str>, body: Value) -> Resp
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    send(srv, Method::POST, path, token, Some(body)).await
}

/// Signs in and returns the whole token response.
pub async fn login_full<S, B>(srv: &S, badge: &str) -> Value
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let r = post(
        srv,
        "/api/v1/auth/login",
        None,
        serde_json::json!({"badge": badge, "password": PASSWORD}),
    )
    .await;
    assert_eq!(r.status, 200, "login {badge}: {}", r.body);
    r.body
}

/// Signs in and returns the access token.
pub async fn login<S, B>(srv: &S, badge: &str) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    login_full(srv, badge).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// One count read by SQL that names it `n`.
#[derive(diesel::QueryableByName)]
pub struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub n: i64,
}
