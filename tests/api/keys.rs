//! Keys that do not belong to the data are refused: the database knows the
//! fingerprints of the keys it was written with, and a node with other keys
//! (or about to make new ones for a database with data) stops, naming the
//! variable to set. Two nodes with the same keys verify each other's
//! stickers.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::common::{TestDb, audit_key_base64, require_postgres};
use crate::crash::{header, http, json_body, login};

fn epatrol(db: &TestDb, data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_epatrol"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EPATROL_DATABASE_URL", &db.url)
        .env("EPATROL_DATA_DIR", data_dir)
        .env("EPATROL_LOG", "warn");
    cmd
}

/// Starts `serve --demo` and expects it to stop at start-up; its stderr.
fn refused_start(cmd: &mut Command) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = cmd
        .args(["serve", "--demo"])
        .env("EPATROL_BIND", format!("127.0.0.1:{port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(!status.success());
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return err;
        }
        if started.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("the server started with keys that do not belong to the database");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn secret_of(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file))
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn a_node_without_the_databases_keys_does_not_start() {
    let db = TestDb::new();
    let first = tempfile::tempdir().unwrap();
    // The first node's own keys, as its first start would make them.
    for (file, byte) in [("jwt-secret", 1u8), ("box-code-secret", 2)] {
        let key = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [byte; 64]);
        std::fs::write(first.path().join(file), key).unwrap();
    }
    let out = epatrol(&db, first.path())
        .env("EPATROL_AUDIT_KEY", audit_key_base64())
        .args(["seed", "demo"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // A data dir without the secrets, pointed at the seeded database.
    let bare = tempfile::tempdir().unwrap();
    let err = refused_start(epatrol(&db, bare.path()).env("EPATROL_AUDIT_KEY", audit_key_base64()));
    assert!(err.contains("EPATROL_JWT_SECRET"), "{err}");
    assert!(!bare.path().join("jwt-secret").exists(), "a key was made");
    let err = refused_start(
        epatrol(&db, bare.path())
            .env("EPATROL_AUDIT_KEY", audit_key_base64())
            .env("EPATROL_JWT_SECRET", secret_of(first.path(), "jwt-secret")),
    );
    assert!(err.contains("EPATROL_BOX_CODE_SECRET"), "{err}");
    assert!(
        !bare.path().join("box-code-secret").exists(),
        "a key was made"
    );
    // A key that is not the one the data was written with.
    let other = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, [7u8; 48]);
    let err = refused_start(epatrol(&db, bare.path()).env("EPATROL_AUDIT_KEY", &other));
    assert!(
        err.contains("EPATROL_AUDIT_KEY") && err.contains("fingerprint"),
        "{err}"
    );
    let err = refused_start(
        epatrol(&db, first.path())
            .env("EPATROL_AUDIT_KEY", audit_key_base64())
            .env("EPATROL_JWT_SECRET", &other),
    );
    assert!(err.contains("EPATROL_JWT_SECRET"), "{err}");

    // Verifying the audit log never writes a key.
    let out = epatrol(&db, bare.path())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("EPATROL_AUDIT_KEY"));
    assert!(
        !bare.path().join("audit-key").exists(),
        "audit verify made a key"
    );
    let out = epatrol(&db, bare.path())
        .env("EPATROL_AUDIT_KEY", audit_key_base64())
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Two API nodes on one PostgreSQL, each with its own data dir and the
/// city's keys set: a sticker printed through one verifies through the
/// other.
#[test]
#[ignore = "needs PostgreSQL: EPATROL_TEST_POSTGRES_URL and --include-ignored"]
fn a_sticker_printed_through_one_node_verifies_through_the_other_on_postgres() {
    require_postgres();
    let db = TestDb::new();
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let ports: Vec<u16> = (0..2)
        .map(|_| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .unwrap()
                .local_addr()
                .unwrap()
                .port()
        })
        .collect();
    let start = |n: usize, keys: &[(&str, String)]| {
        let mut cmd = epatrol(&db, dirs[n].path());
        cmd.env("EPATROL_AUDIT_KEY", audit_key_base64())
            .env("EPATROL_BIND", format!("127.0.0.1:{}", ports[n]))
            .args(["serve", "--demo"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in keys {
            cmd.env(k, v);
        }
        let child = cmd.spawn().unwrap();
        let started = Instant::now();
        while http(ports[n], "GET", "/readyz", None, "").0 != 200 {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "node {n} never became ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        child
    };
    let mut first = start(0, &[]);
    let keys = [
        (
            "EPATROL_JWT_SECRET",
            secret_of(dirs[0].path(), "jwt-secret"),
        ),
        (
            "EPATROL_BOX_CODE_SECRET",
            secret_of(dirs[0].path(), "box-code-secret"),
        ),
    ];
    let mut second = start(1, &keys);
    let admin = login(ports[0], "A0001");
    let (_, boxes) = http(ports[0], "GET", "/api/v1/boxes?limit=1", Some(&admin), "");
    let b = json_body(&boxes)["items"][0].clone();
    let (status, qr) = http(
        ports[0],
        "GET",
        &format!("/api/v1/boxes/{}/qr", b["id"]),
        Some(&admin),
        "",
    );
    assert_eq!(status, 200);
    let payload = header(&qr, "x-box-payload").unwrap();
    // Scanned, and uploaded to the other node.
    let officer = login(ports[1], "O0111");
    let scan = json!({
        "client_id": uuid::Uuid::new_v4().to_string(), "payload": payload,
        "position": {"lat": b["lat"], "lon": b["lon"], "accuracy_m": 5.0},
        "scanned_at": chrono::Utc::now().to_rfc3339(),
    });
    let (status, r) = http(
        ports[1],
        "POST",
        "/api/v1/checkins",
        Some(&officer),
        &scan.to_string(),
    );
    let body = json_body(&r);
    let _ = (first.kill(), second.kill(), first.wait(), second.wait());
    assert_eq!(status, 201, "{r}");
    assert_ne!(body["result"], "rejected", "{body}");
}
