//! The OpenAPI document in api-spec/ is the contract: it must equal what the
//! code generates from its routes, and every documented operation must be
//! served. Regenerate after an intended change with
//! `UPDATE_OPENAPI=1 cargo test --test api contract`.

use crate::common::*;
use actix_web::http::Method;

const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/api-spec/openapi.json");

#[test]
fn the_committed_document_matches_the_code() {
    let generated = serde_json::to_string_pretty(&epatrol::app::openapi()).unwrap() + "\n";
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

fn committed() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(SPEC_PATH).unwrap()).unwrap()
}

fn walk<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    out.push(v);
    match v {
        serde_json::Value::Array(items) => items.iter().for_each(|i| walk(i, out)),
        serde_json::Value::Object(map) => map.values().for_each(|i| walk(i, out)),
        _ => {}
    }
}

#[test]
fn every_reference_in_the_document_resolves() {
    let doc = committed();
    let mut all = Vec::new();
    walk(&doc, &mut all);
    let refs: Vec<&str> = all
        .iter()
        .filter_map(|v| v.get("$ref").and_then(|r| r.as_str()))
        .collect();
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r.trim_start_matches('#');
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
}

#[test]
fn example_ticket_numbers_pass_their_own_check_digit() {
    let doc = committed();
    let mut all = Vec::new();
    walk(&doc, &mut all);
    let numbers: Vec<&str> = all
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|s| {
            s.len() == 11 && s.starts_with("TN") && s[2..].bytes().all(|b| b.is_ascii_digit())
        })
        .collect();
    assert!(!numbers.is_empty(), "the document shows a ticket number");
    for n in numbers {
        assert!(
            epatrol::tickets::numbering::parse("TN", n).is_ok(),
            "{n} fails its check digit"
        );
    }
}

#[test]
fn every_operation_documents_the_answers_its_shape_can_give() {
    let doc = committed();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let mut expected = vec!["400", "414", "503"];
            if secured {
                expected.extend(["401", "403"]);
            }
            if op.get("requestBody").is_some() {
                expected.extend(["413", "415", "422"]);
            }
            if path.contains('{') {
                expected.push("404");
            }
            for status in expected {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} lacks {status}"
                );
            }
        }
    }
}

/// An independent validator of the document (openapi-spec-validator, from
/// PyPI): ignored by a plain `cargo test`, run by `--include-ignored` (CI
/// installs it), where its absence fails the test.
#[test]
#[ignore = "needs openapi-spec-validator (pip), and --include-ignored"]
fn the_document_passes_an_independent_openapi_validator() {
    let out = std::process::Command::new("python3")
        .args(["-m", "openapi_spec_validator", SPEC_PATH])
        .output();
    let missing = match &out {
        Ok(o) => String::from_utf8_lossy(&o.stderr).contains("No module named"),
        Err(_) => true,
    };
    assert!(
        !missing,
        "this test needs openapi-spec-validator (pip install openapi-spec-validator)"
    );
    let out = out.unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The README shows exactly the walk-through CI runs.
#[test]
fn the_readme_shows_the_walkthrough_it_runs() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let script = std::fs::read_to_string(root.join("scripts/walkthrough")).unwrap();
    assert!(
        readme.contains(&format!("```sh\n{script}```")),
        "README.md must show scripts/walkthrough as it is"
    );
}
