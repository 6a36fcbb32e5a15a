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
    let state = epatrol::init_state(crate::common::settings(&db)).unwrap();
    let mut conn = state.pool.get().unwrap();
    let drop_guard = if db.is_postgres() {
        "DROP TRIGGER audit_log_no_update ON audit_log"
    } else {
        "DROP TRIGGER audit_log_no_update"
    };
    diesel::sql_query(drop_guard).execute(&mut *conn).unwrap();
    diesel::sql_query("UPDATE audit_log SET actor_id = 1 WHERE seq = 20")
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    drop(state);
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
