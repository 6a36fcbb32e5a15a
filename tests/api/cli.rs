//! The binary: demo seeding, accounts from the command line, audit verify.

use std::process::Command;

use crate::common::TestDb;
use diesel::RunQueryDsl;

fn epatrol(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_epatrol"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("EPATROL_DATABASE_URL", &db.url)
        .env("EPATROL_DATA_DIR", db.data_dir())
        .env("EPATROL_AUDIT_KEY", crate::common::audit_key_base64())
        .env("EPATROL_LOG", "warn");
    cmd
}

#[test]
fn seed_add_user_and_verify_the_audit_chain() {
    let db = TestDb::new();
    let out = epatrol(&db).args(["seed", "demo"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Seeding twice is refused.
    assert!(
        !epatrol(&db)
            .args(["seed", "demo"])
            .output()
            .unwrap()
            .status
            .success()
    );

    let out = epatrol(&db)
        .args([
            "user",
            "add",
            "--badge",
            "O0199",
            "--name",
            "陳警員",
            "--unit",
            "P01-S1",
            "--role",
            "officer",
        ])
        .env("EPATROL_PASSWORD", "a long passphrase")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Without a password source and no terminal, it refuses.
    let out = epatrol(&db)
        .args([
            "user", "add", "--badge", "O0198", "--name", "x", "--unit", "P01-S1", "--role",
            "officer",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());

    let out = epatrol(&db).args(["audit", "verify"]).output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("intact"));

    // Tamper with the log behind the application's back.
    let mut conn = {
        use diesel::r2d2::ManageConnection;
        epatrol::db::DbManager::new(&db.url, epatrol::config::SqliteSync::Full)
            .unwrap()
            .connect()
            .unwrap()
    };
    let drop_guard = if db.is_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    diesel::sql_query(drop_guard).execute(&mut conn).unwrap();
    diesel::sql_query("UPDATE audit_log SET actor_id = 1 WHERE seq = 20")
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let out = epatrol(&db).args(["audit", "verify"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("seq 20"));
}

#[test]
fn an_unknown_database_scheme_is_refused_by_name() {
    let db = TestDb::new();
    let out = epatrol(&db)
        .env("EPATROL_DATABASE_URL", "host=localhost dbname=epatrol")
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EPATROL_DATABASE_URL"));
    assert!(!std::path::Path::new("host=localhost dbname=epatrol").exists());
}

#[test]
fn boxes_import_from_csv_and_box_code_keys_rotate() {
    let db = TestDb::new();
    assert!(
        epatrol(&db)
            .args(["seed", "demo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\nN-1,P02-S1,一,址,22.9,120.2,30,\nN-2,P99,二,址,22.9,120.2,30,\n",
    )
    .unwrap();
    let out = epatrol(&db)
        .args(["import", "boxes"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rows[2].unit_code"), "{err}");

    let good = dir.path().join("good.csv");
    std::fs::write(
        &good,
        "code,unit_code,name,address,lat,lon,radius_m,min_dwell_secs\nN-1,P02-S1,一,址,22.9,120.2,30,\nN-2,P02-S2,二,址,22.9,120.2,,\n",
    )
    .unwrap();
    let out = epatrol(&db)
        .args(["import", "boxes"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 boxes imported"));

    // The current version cannot be retired; after a rotation the old one can.
    assert!(
        !epatrol(&db)
            .args(["keys", "retire-box-code", "--version", "1"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        epatrol(&db)
            .args(["keys", "rotate-box-code"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        epatrol(&db)
            .args(["keys", "retire-box-code", "--version", "1"])
            .output()
            .unwrap()
            .status
            .success()
    );
    assert!(
        epatrol(&db)
            .args(["audit", "verify"])
            .output()
            .unwrap()
            .status
            .success()
    );
}

#[test]
fn serve_outside_the_demo_refuses_to_print_unreachable_links() {
    let db = TestDb::new();
    let out = epatrol(&db).args(["serve"]).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("EPATROL_PUBLIC_URL"), "{err}");
    let out = epatrol(&db)
        .args(["serve"])
        .env("EPATROL_PUBLIC_URL", "http://tickets.example")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("https"));
}

#[test]
fn registry_and_cases_import_from_csv_all_or_nothing() {
    let db = TestDb::new();
    assert!(
        epatrol(&db)
            .args(["seed", "demo"])
            .output()
            .unwrap()
            .status
            .success()
    );
    let dir = tempfile::tempdir().unwrap();
    let registry = dir.path().join("registry.csv");
    std::fs::write(
        &registry,
        "plate,vehicle_class,make,colour,owner_name,owner_national_id,owner_address,effective_from\n\
         XYZ-9001,car,TOYOTA,白,陳車主,F131104093,臺南市北區,2024-01-01\n",
    )
    .unwrap();
    let out = epatrol(&db)
        .args(["import", "registry"])
        .arg(&registry)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 vehicles imported"));

    std::fs::write(dir.path().join("photo.png"), b"\x89PNG\r\n\x1a\nphoto").unwrap();
    std::fs::write(dir.path().join("fake.png"), b"<html>").unwrap();
    let when = (chrono::Utc::now() - chrono::Duration::hours(2)).to_rfc3339();
    let header = "client_id,source,unit_code,vendor_code,violation_at,received_at,place,lat,lon,camera_id,measured_speed,speed_limit,signal_phase,plate,article_code,description,reporter_name,reporter_contact,evidence";
    let good_row = format!(
        "CAM-CLI-001,camera,P01-S1,DEMO-VENDOR,{when},,臺南市東區東門路,22.99,120.21,TN-CAM-9,,,紅燈,XYZ-9001,53-1,,,,photo.png"
    );
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        format!("{header}\n{good_row}\nCAM-CLI-002,camera,P99,DEMO-VENDOR,yesterday,,臺南市,,,TN-CAM-9,,,,,,,,,fake.png;missing.jpg\n"),
    )
    .unwrap();
    let out = epatrol(&db)
        .args(["import", "cases"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for field in [
        "rows[2].unit_code",
        "rows[2].violation_at",
        "rows[2].evidence",
    ] {
        assert!(err.contains(field), "{field}: {err}");
    }
    let count = |db: &TestDb| -> i64 {
        use diesel::r2d2::ManageConnection;
        let mut conn = epatrol::db::DbManager::new(&db.url, epatrol::config::SqliteSync::Full)
            .unwrap()
            .connect()
            .unwrap();
        use diesel::prelude::*;
        epatrol::db::schema::cases::table
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    let before = count(&db);
    let good = dir.path().join("good.csv");
    std::fs::write(&good, format!("{header}\n{good_row}\n")).unwrap();
    let out = epatrol(&db)
        .args(["import", "cases"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 cases imported"));
    assert_eq!(count(&db), before + 1);
    // The same file again: the client id is taken, nothing changes.
    let out = epatrol(&db)
        .args(["import", "cases"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("rows[1].client_id"));
    assert_eq!(count(&db), before + 1);
}

#[test]
fn the_catalog_report_shows_every_version_with_its_status_and_sources() {
    let db = TestDb::new();
    let out = epatrol(&db)
        .args(["catalog", "report", "--on", "2026-11-20"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "in force on 2026-11-20: 0 versions confirmed",
        "53-1 第53條第1項",
        "[unconfirmed]",
        "https://www.ettoday.net/news/20251008/3047219.htm",
        "1,800–5,400（基準表 1,800）",
        "## What citizens may report (§7-1)",
        "due_days = 30 [confirmed]",
        "29: 第29條",
    ] {
        assert!(text.contains(expected), "report lacks {expected}");
    }
    let out = epatrol(&db)
        .args(["catalog", "report", "--format", "json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let versions = report["catalog"]["articles"].as_array().unwrap();
    assert!(versions.len() >= 40);
    assert!(
        versions
            .iter()
            .all(|v| v["cites"].as_array().is_some_and(|c| !c.is_empty())),
        "a version without a source"
    );
    assert_eq!(report["summary"]["versions"]["confirmed"], 0);
}

/// Binding comes first: a taken port stops start-up before anything is
/// migrated or seeded, with the variable named.
#[test]
fn a_taken_port_is_reported_before_anything_is_migrated() {
    let db = TestDb::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let out = epatrol(&db)
        .args(["serve", "--demo"])
        .env("EPATROL_BIND", &addr)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("EPATROL_BIND") && stderr.contains(&addr),
        "{stderr}"
    );
    // Nothing was migrated: no table in the database, no key in the dir.
    let migrated = if db.is_postgres() {
        use diesel::Connection;
        let mut c = diesel::PgConnection::establish(&db.url).unwrap();
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        diesel::sql_query(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
        )
        .get_result::<N>(&mut c)
        .unwrap()
        .n > 0
    } else {
        db.data_dir().join("test.db").exists()
    };
    assert!(!migrated, "migrated before binding");
    assert!(!db.data_dir().join("jwt-secret").exists());
}

/// One number from the test's database, on either backend.
fn count(db: &TestDb, sql: &str) -> i64 {
    use diesel::Connection;
    #[derive(diesel::QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let n = if db.is_postgres() {
        let mut c = diesel::PgConnection::establish(&db.url).unwrap();
        diesel::sql_query(sql).get_result::<N>(&mut c).unwrap()
    } else {
        let path = db.data_dir().join("test.db");
        let mut c = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        diesel::sql_query(sql).get_result::<N>(&mut c).unwrap()
    };
    n.n
}

/// A host name is an address; with port 0 the log names the port bound.
/// Served as the demo, the city is seeded with a year of history.
#[test]
fn a_host_name_binds_and_the_log_names_the_port_bound() {
    use std::io::{BufRead, BufReader};
    let db = TestDb::new();
    let mut child = epatrol(&db)
        .args(["serve", "--demo"])
        .env("EPATROL_BIND", "localhost:0")
        .env("EPATROL_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut port = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.contains(" listening") && line.contains("address=") {
            let addr = line.rsplit("address=").next().unwrap().trim();
            port = addr.rsplit(':').next().and_then(|p| p.parse::<u16>().ok());
            break;
        }
    }
    let port = port.expect("no listening line with an address");
    assert_ne!(port, 0);
    let answer = std::net::TcpStream::connect(("localhost", port)).and_then(|mut s| {
        use std::io::{Read, Write};
        write!(
            s,
            "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )?;
        let mut text = String::new();
        s.read_to_string(&mut text)?;
        Ok(text)
    });
    let _ = child.kill();
    let _ = child.wait();
    let answer = answer.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The demo city has a year behind it: tickets in every month of it,
    // check-ins against the plans.
    let months = count(
        &db,
        "SELECT COUNT(DISTINCT substr(CAST(issued_at AS TEXT), 1, 7)) AS n FROM tickets",
    );
    assert!(months >= 12, "tickets in {months} months");
    assert!(count(&db, "SELECT COUNT(*) AS n FROM checkins") > 1000);
    assert!(
        count(
            &db,
            "SELECT COUNT(*) AS n FROM tickets WHERE supersedes_id IS NOT NULL"
        ) > 0
    );
}
