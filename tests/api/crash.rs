//! Nothing acknowledged is lost: the binary is killed (SIGKILL) while
//! handhelds upload check-ins at once, and every check-in it answered 201
//! is in the database afterwards.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::common::TestDb;

/// One request on its own connection: (status, headers and body as text).
pub fn http(port: u16, method: &str, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return (0, String::new());
    };
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    if s.write_all(req.as_bytes()).is_err() {
        return (0, String::new());
    }
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    (status, out)
}

pub fn json_body(response: &str) -> Value {
    let body = response.split("\r\n\r\n").nth(1).unwrap_or("");
    serde_json::from_str(body).unwrap_or(Value::Null)
}

pub fn header(response: &str, name: &str) -> Option<String> {
    response.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
    })
}

pub fn login(port: u16, badge: &str) -> String {
    let (status, r) = http(
        port,
        "POST",
        "/api/v1/auth/login",
        None,
        &json!({"badge": badge, "password": "epatrol-demo"}).to_string(),
    );
    assert_eq!(status, 200, "{r}");
    json_body(&r)["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn check_ins_answered_before_a_kill_are_all_there_after_it() {
    let db = TestDb::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_epatrol"))
        .args(["serve", "--demo"])
        .env("EPATROL_DATABASE_URL", &db.url)
        .env("EPATROL_DATA_DIR", db.data_dir())
        .env("EPATROL_BIND", format!("127.0.0.1:{port}"))
        .env("EPATROL_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while http(port, "GET", "/readyz", None, "").0 != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the server never became ready"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let admin = login(port, "A0001");
    let (_, boxes) = http(port, "GET", "/api/v1/boxes?limit=20", Some(&admin), "");
    let targets: Vec<(String, f64, f64)> = json_body(&boxes)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let (_, qr) = http(
                port,
                "GET",
                &format!("/api/v1/boxes/{}/qr", b["id"]),
                Some(&admin),
                "",
            );
            (
                header(&qr, "x-box-payload").unwrap(),
                b["lat"].as_f64().unwrap(),
                b["lon"].as_f64().unwrap(),
            )
        })
        .collect();
    let targets = Arc::new(targets);
    let officers: Vec<String> = ["O0111", "O0112", "O0121", "O0211"]
        .iter()
        .map(|b| login(port, b))
        .collect();

    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let senders: Vec<_> = (0..8)
        .map(|n| {
            let (targets, acknowledged, stop) =
                (targets.clone(), acknowledged.clone(), stop.clone());
            let token = officers[n % officers.len()].clone();
            std::thread::spawn(move || {
                let mut i = n;
                while !stop.load(Ordering::SeqCst) {
                    let (payload, lat, lon) = &targets[i % targets.len()];
                    i += 8;
                    let client_id = uuid::Uuid::new_v4().to_string();
                    let scan = json!({
                        "client_id": client_id, "payload": payload,
                        "position": {"lat": lat, "lon": lon, "accuracy_m": 5.0},
                        "scanned_at": chrono::Utc::now().to_rfc3339(),
                    });
                    let (status, _) = http(
                        port,
                        "POST",
                        "/api/v1/checkins",
                        Some(&token),
                        &scan.to_string(),
                    );
                    match status {
                        201 => acknowledged.lock().unwrap().push(client_id),
                        0 => break,
                        _ => {}
                    }
                }
            })
        })
        .collect();
    // Killed in the middle of the uploads, once a good number is answered.
    let started = Instant::now();
    while acknowledged.lock().unwrap().len() < 200 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "uploads too slow to test"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill().unwrap();
    server.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for s in senders {
        s.join().unwrap();
    }

    let acknowledged = acknowledged.lock().unwrap().clone();
    let stored: Vec<String> = match db.is_postgres() {
        true => {
            let mut c = diesel::PgConnection::establish(&db.url).unwrap();
            epatrol::db::schema::checkins::table
                .select(epatrol::db::schema::checkins::client_id)
                .load(&mut c)
                .unwrap()
        }
        false => {
            let mut c = diesel::SqliteConnection::establish(db.url.trim_start_matches("sqlite://"))
                .unwrap();
            epatrol::db::schema::checkins::table
                .select(epatrol::db::schema::checkins::client_id)
                .load(&mut c)
                .unwrap()
        }
    };
    let stored: std::collections::HashSet<String> = stored.into_iter().collect();
    let lost: Vec<&String> = acknowledged
        .iter()
        .filter(|c| !stored.contains(*c))
        .collect();
    assert!(acknowledged.len() >= 200);
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged check-ins lost",
        lost.len(),
        acknowledged.len()
    );
}
