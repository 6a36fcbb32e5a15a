//! Bad input gets a clear problem response, never a 500, and changes nothing.

use crate::common::*;
use actix_web::test::TestRequest;
use epatrol::domain::Role;

async fn raw(
    srv: &impl actix_web::dev::Service<
        actix_http::Request,
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
    >,
    req: TestRequest,
) -> (u16, serde_json::Value, String) {
    let res = actix_web::test::call_service(srv, req.to_request()).await;
    let status = res.status().as_u16();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = actix_web::test::read_body(res).await;
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        ctype,
    )
}

#[actix_web::test]
async fn malformed_requests_get_problems() {
    let app = TestApp::new();
    app.user("A0001", app.fx.hq, Role::Admin);
    let srv = app.service().await;
    let admin = login(&srv, "A0001").await;
    let auth = ("Authorization", format!("Bearer {admin}"));

    let cases: Vec<(TestRequest, u16, &str)> = vec![
        (
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header(("content-type", "application/json"))
                .set_payload("{not json"),
            400,
            "malformed_body",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header(("content-type", "text/plain"))
                .set_payload("badge=x"),
            415,
            "unsupported_media_type",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header(("content-type", "application/json"))
                .set_payload(r#"{"badge":"A0001","password":"x","extra":1}"#),
            400,
            "malformed_body",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/auth/login")
                .insert_header(("content-type", "application/json"))
                .set_payload(format!(
                    r#"{{"badge":"{}","password":"x"}}"#,
                    "A".repeat(5 * 1024 * 1024)
                )),
            413,
            "payload_too_large",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/users/not-a-number")
                .insert_header(auth.clone()),
            400,
            "malformed_path",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/users/99999999999999999999")
                .insert_header(auth.clone()),
            400,
            "malformed_path",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/users?limit=abc")
                .insert_header(auth.clone()),
            400,
            "malformed_query",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/users?role=root")
                .insert_header(auth.clone()),
            400,
            "malformed_query",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/users/424242")
                .insert_header(auth.clone()),
            404,
            "not_found",
        ),
        (
            TestRequest::post()
                .uri("/api/v1/units")
                .insert_header(auth.clone())
                .insert_header(("content-type", "application/json"))
                .set_payload(r#"{"code":"X1","name":"n","kind":"galaxy","parent_id":1}"#),
            400,
            "malformed_body",
        ),
        (
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("Authorization", "Bearer a.b.c")),
            401,
            "invalid_token",
        ),
    ];
    for (req, status, code) in cases {
        let (got, body, ctype) = raw(&srv, req).await;
        assert_eq!(
            (got, body["code"].as_str().unwrap_or("")),
            (status, code),
            "{body}"
        );
        assert_eq!(ctype, "application/problem+json");
        assert_eq!(body["status"], status);
        assert!(body["type"].as_str().unwrap().ends_with(code));
    }
    // Nothing was written by any of them.
    let units = get(&srv, "/api/v1/units?limit=500", &admin).await;
    assert_eq!(units.body["items"].as_array().unwrap().len(), 6);
}

#[actix_web::test]
async fn probes_answer() {
    let app = TestApp::new();
    let srv = app.service().await;
    let (status, body, _) = raw(&srv, TestRequest::get().uri("/healthz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, _, _) = raw(&srv, TestRequest::get().uri("/readyz")).await;
    assert_eq!(status, 200);
    let res =
        actix_web::test::call_service(&srv, TestRequest::get().uri("/metrics").to_request()).await;
    let text = String::from_utf8(actix_web::test::read_body(res).await.to_vec()).unwrap();
    assert!(text.contains("epatrol_http_requests_total"), "{text}");
    // Routes are labelled by pattern, never by concrete path or query.
    assert!(text.contains(r#"route="/readyz""#));
}

#[actix_web::test]
async fn responses_carry_a_request_id() {
    let app = TestApp::new();
    let srv = app.service().await;
    let res = actix_web::test::call_service(
        &srv,
        TestRequest::get()
            .uri("/healthz")
            .insert_header(("x-request-id", "handheld-42"))
            .to_request(),
    )
    .await;
    assert_eq!(res.headers().get("x-request-id").unwrap(), "handheld-42");
    let res =
        actix_web::test::call_service(&srv, TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(res.headers().get("x-request-id").unwrap().len(), 36);
}
