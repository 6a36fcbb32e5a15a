//! Evidence files: checked as they come in and as they are read, kept on
//! disk or in a bucket every node shares.

use super::*;

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
