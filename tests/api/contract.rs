//! The OpenAPI document in api-spec/ is the contract: it must equal what the
//! code generates from its routes, and every documented operation must be
//! served. Regenerate after an intended change with
//! `UPDATE_OPENAPI=1 cargo test --test api contract`.

use crate::common::*;
use actix_web::http::Method;
use epatrol::domain::Role;

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

/// A plausible value of a documented parameter.
fn plausible(param: &serde_json::Value) -> String {
    let schema = &param["schema"];
    let example = param
        .get("example")
        .or_else(|| schema.get("example"))
        .or_else(|| schema.pointer("/enum/0"));
    match example {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => match (schema["type"].as_str(), schema["format"].as_str()) {
            (_, Some("date")) => "2026-11-01".into(),
            (Some("integer"), _) => "1".into(),
            _ => "2026-11".into(),
        },
    }
}

/// An operation's path with its parameters, and its required query, filled
/// in by plausible values.
fn concrete_request(path: &str, op: &serde_json::Value) -> String {
    let query: Vec<String> = op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query" && p["required"] == true)
        .map(|p| format!("{}={}", p["name"].as_str().unwrap(), plausible(p)))
        .collect();
    let path = concrete_path(path);
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A path of the document with its parameters filled in by plausible values
/// of records that do not exist, so that a probe changes nothing.
fn concrete_path(path: &str) -> String {
    path.replace("{month}", "2026-11")
        .replace("{step}", "keying")
        .replace("{sha256}", &"a".repeat(64))
        .replace("{plate}", "ABC-1234")
        .replace("{number}", "AB0000001")
        .replace("{version}", "999")
        .replace("{id}", "999999")
}

/// The roles each operation names are the roles it serves: every other role
/// is refused (403), and no named role is ever told `role_not_allowed`.
/// Operations that decide by the record they touch may instead find nothing
/// (404), and writes may refuse the probe's empty body (422) first.
#[actix_web::test]
async fn every_operation_serves_exactly_the_roles_it_names() {
    const ROLES: [(Role, &str); 6] = [
        (Role::Officer, "officer"),
        (Role::Supervisor, "supervisor"),
        (Role::Admin, "admin"),
        (Role::VendorKeyer, "vendor_keyer"),
        (Role::VendorVerifier, "vendor_verifier"),
        (Role::VendorSupervisor, "vendor_supervisor"),
    ];
    let app = TestApp::new();
    for (i, (role, _)) in ROLES.iter().enumerate() {
        app.user(&format!("ROLE{i}"), app.fx.hq, *role);
    }
    let srv = app.service().await;
    let mut tokens = Vec::new();
    for (i, (_, name)) in ROLES.iter().enumerate() {
        tokens.push((*name, login(&srv, &format!("ROLE{i}")).await));
    }
    let doc = committed();
    let mut probed = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let Some(named) = op.pointer("/security/0/bearer").and_then(|r| r.as_array()) else {
                continue;
            };
            // Signing out would end the probe's own session.
            if path.ends_with("/auth/logout") {
                continue;
            }
            let named: Vec<&str> = named.iter().map(|r| r.as_str().unwrap()).collect();
            assert!(!named.is_empty(), "{method} {path} names no role");
            let description = op["description"].as_str().unwrap_or_default();
            assert!(
                description.contains("Roles: "),
                "{method} {path} does not say its roles in words"
            );
            let decided_by_record = op["operationId"]
                .as_str()
                .is_some_and(|id| id == "close_case" || id.starts_with("vendor_statement"));
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (m != Method::GET).then(|| serde_json::json!({}));
            for (name, token) in &tokens {
                let r = send(
                    &srv,
                    m.clone(),
                    &concrete_request(path, op),
                    Some(token),
                    body.clone(),
                )
                .await;
                // Which queue a role may claim from is the step's: every
                // role is named, each for its own steps.
                if named.contains(name) && !path.contains("{step}") {
                    assert_ne!(
                        r.code(),
                        "role_not_allowed",
                        "{method} {path} names {name} but refuses it"
                    );
                } else if named.contains(name) {
                } else if decided_by_record || body.is_some() {
                    // A body is read beside the token, and the empty probe
                    // may be refused for its shape first.
                    assert!(
                        [403, 404, 422].contains(&r.status),
                        "{method} {path} does not name {name} but answered {} {}",
                        r.status,
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status, 403,
                        "{method} {path} does not name {name} but answered {}",
                        r.body
                    );
                }
                probed += 1;
            }
        }
    }
    assert!(probed > 400, "only {probed} probes");
}
