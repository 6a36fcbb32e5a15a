//! The OpenAPI document in api-spec/ is the contract: it must equal what the
//! code generates from its routes, and every documented operation must be
//! served. Regenerate after an intended change with
//! `UPDATE_OPENAPI=1 cargo test --test api contract`.

use crate::common::*;
use actix_web::http::Method;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/api-spec/openapi.json");

#[test]
fn the_committed_document_matches_the_code() {
    let generated = epatrol::app::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(SPEC_PATH, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(SPEC_PATH).unwrap_or_default();
    assert!(
        committed == generated,
        "api-spec/openapi.json is out of date with the code; run \
         `UPDATE_OPENAPI=1 cargo test --test api contract` and review the diff"
    );
}

#[actix_web::test]
async fn every_documented_operation_is_served() {
    let spec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(SPEC_PATH).unwrap()).unwrap();
    let app = TestApp::new();
    let srv = app.service().await;
    let mut checked = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            let concrete = path.replace("{id}", "1");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let r = send(&srv, method.clone(), &concrete, None, None).await;
            assert_ne!(
                r.code(),
                "route_not_found",
                "{method} {path} is documented but not served"
            );
            checked += 1;
        }
    }
    assert!(checked >= 20, "only {checked} operations documented");
    let mut ids: Vec<&str> = spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|item| item.as_object().unwrap().values())
        .map(|op| op["operationId"].as_str().unwrap())
        .collect();
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "operation ids must be unique");
}

#[actix_web::test]
async fn undocumented_paths_are_not_served() {
    let app = TestApp::new();
    let srv = app.service().await;
    let r = send(&srv, Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_eq!((r.status, r.code()), (404, "route_not_found"));
}
