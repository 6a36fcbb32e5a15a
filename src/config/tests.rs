use super::*;

fn vars(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn defaults_are_the_embedded_database_under_data() {
    let s = Settings::from_vars(vars(&[])).unwrap();
    assert_eq!(s.database_url, "sqlite://data/epatrol.db");
    assert_eq!(s.access_token_ttl.as_secs(), 900);
    assert_eq!(s.sqlite_sync, SqliteSync::Full);
}

#[test]
fn unknown_scheme_is_an_error_naming_the_setting() {
    let err =
        Settings::from_vars(vars(&[("EPATROL_DATABASE_URL", "host=db port=5432")])).unwrap_err();
    assert_eq!(err.key, "EPATROL_DATABASE_URL");
    let err = Settings::from_vars(vars(&[("EPATROL_DATABASE_URL", "mysql://x")])).unwrap_err();
    assert_eq!(err.key, "EPATROL_DATABASE_URL");
}

#[test]
fn url_schemes() {
    assert_eq!(
        DatabaseKind::from_url("postgres://u@h/db"),
        Ok(DatabaseKind::Postgres)
    );
    assert_eq!(
        DatabaseKind::from_url("postgresql://u@h/db"),
        Ok(DatabaseKind::Postgres)
    );
    assert_eq!(
        DatabaseKind::from_url("sqlite:///var/lib/e.db"),
        Ok(DatabaseKind::Sqlite("/var/lib/e.db".into()))
    );
    assert_eq!(
        DatabaseKind::from_url("sqlite:data/e.db"),
        Ok(DatabaseKind::Sqlite("data/e.db".into()))
    );
    assert!(DatabaseKind::from_url("sqlite::memory:").is_err());
}

#[test]
fn unknown_epatrol_key_is_rejected() {
    let err = Settings::from_vars(vars(&[("EPATROL_DATABSE_URL", "x")])).unwrap_err();
    assert_eq!(err.key, "EPATROL_DATABSE_URL");
}

#[test]
fn access_token_ttl_is_capped_at_fifteen_minutes() {
    let err = Settings::from_vars(vars(&[("EPATROL_ACCESS_TOKEN_TTL_SECS", "3600")])).unwrap_err();
    assert_eq!(err.key, "EPATROL_ACCESS_TOKEN_TTL_SECS");
}

#[test]
fn short_jwt_secret_is_rejected() {
    let err = Settings::from_vars(vars(&[("EPATROL_JWT_SECRET", "c2hvcnQ=")])).unwrap_err();
    assert_eq!(err.key, "EPATROL_JWT_SECRET");
}

#[test]
fn serving_outside_the_demo_needs_an_https_public_url() {
    let s = Settings::from_vars(vars(&[])).unwrap();
    assert!(s.check_for_serving(true).is_ok());
    assert_eq!(
        s.check_for_serving(false).unwrap_err().key,
        "EPATROL_PUBLIC_URL"
    );
    let http = Settings::from_vars(vars(&[("EPATROL_PUBLIC_URL", "http://x.example")])).unwrap();
    assert!(http.check_for_serving(false).is_err());
    let https = Settings::from_vars(vars(&[("EPATROL_PUBLIC_URL", "https://x.example/")])).unwrap();
    assert!(https.check_for_serving(false).is_ok());
    assert_eq!(https.public_url, "https://x.example");
}

#[test]
fn the_database_password_does_not_print() {
    let s = Settings::from_vars(vars(&[(
        "EPATROL_DATABASE_URL",
        "postgres://epatrol:hunter2@db.example/epatrol",
    )]))
    .unwrap();
    let printed = format!("{s:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert!(printed.contains("postgres://epatrol:***@db.example/epatrol"));
}

#[test]
fn secrets_do_not_print() {
    assert_eq!(
        format!("{:?}", Secret::new(b"hunter2".to_vec())),
        "Secret(***)"
    );
}
