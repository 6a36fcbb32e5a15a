//! What every operation of the API document says in common: the problem
//! answers the server gives by the shape of an operation, not by its
//! handler (a secured route can answer 401 and 403, a body 413, 415 and 422,
//! a path with an id 404, a write 409 when it loses a race, anything 400,
//! 414 and 503), and the `X-Device-Id` header every request may carry.
//! Handlers document their own statuses with their own words; this fills in
//! only what they left out, so a client generated from the document knows
//! every answer it can get.

use serde_json::{Value, json};
use utoipa::openapi::OpenApi;

fn problem(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    })
}

/// The statuses an operation can answer by its shape, with a description.
fn common_answers(method: &str, path: &str, op: &Value) -> Vec<(&'static str, &'static str)> {
    let mut out = vec![
        (
            "400",
            "Malformed path, query or header (`malformed_path`, `malformed_query`, `invalid_device_id`)",
        ),
        ("414", "Request target too long (`uri_too_long`)"),
        (
            "503",
            "A fault of the server, not of the request; nothing was stored. The code says which: `storage_full` (no room to write), `database_unavailable` (the database cannot be reached or the connection was lost), `database_busy`, `service_unavailable`, and for uploads `overloaded`. Send the same request again after `Retry-After` seconds",
        ),
    ];
    let secured = op
        .get("security")
        .and_then(Value::as_array)
        .is_some_and(|s| !s.is_empty());
    if secured {
        out.push((
            "401",
            "Missing, expired or revoked token, or a disabled account or unit",
        ));
        out.push((
            "403",
            "Not allowed for this role or outside your units (`role_not_allowed`, `outside_your_units`), or the account must choose its own password first (`password_change_required`)",
        ));
    }
    if path.contains('{') {
        out.push(("404", "No such record within your reach (`not_found`)"));
    }
    if op.get("requestBody").is_some() {
        out.push(("413", "Body over the limit (`payload_too_large`)"));
        out.push(("415", "Not a JSON body (`unsupported_media_type`)"));
        out.push((
            "422",
            "Every missing, mistyped or refused field, by path (`validation_failed`)",
        ));
    }
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    if has_query {
        out.push((
            "422",
            "A query value out of range, e.g. `limit` (`validation_failed`)",
        ));
    }
    if method != "get" {
        out.push((
            "409",
            "Lost a race with a request that changed the same record (`conflict`)",
        ));
    }
    out
}

fn retry_after() -> Value {
    json!({
        "description": "Seconds to wait before sending the same request again.",
        "schema": {"type": "integer", "minimum": 1},
    })
}

fn device_header() -> Value {
    json!({
        "name": "X-Device-Id",
        "in": "header",
        "required": false,
        "description": "The handheld or browser the request comes from, recorded in the audit log: 1–64 letters, digits, `-`, `_`, `.` or `:`.",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._:-]{1,64}$"},
    })
}

/// Bytes of a file (an image, a PDF, a printer's stream) as generated
/// clients read them: a binary string of the content's media type, not
/// the array of integers a `Vec<u8>` otherwise becomes.
fn bytes_as_binary(content: &mut Value) {
    let Some(content) = content.as_object_mut() else {
        return;
    };
    for (media_type, body) in content.iter_mut() {
        if media_type.contains("json") {
            continue;
        }
        let schema = body.get("schema");
        let is_bytes = schema.and_then(|s| s.get("type")) == Some(&json!("array"))
            && schema
                .and_then(|s| s.get("items"))
                .and_then(|i| i.get("type"))
                == Some(&json!("integer"));
        let text = media_type.starts_with("text/");
        if let Some(body) = body.as_object_mut()
            && (is_bytes || !body.contains_key("schema"))
        {
            let schema = if text {
                json!({"type": "string"})
            } else {
                json!({"type": "string", "format": "binary"})
            };
            body.insert("schema".into(), schema);
        }
    }
}

/// A page of a list names its item schema by reference rather than
/// carrying its own copy of it: `Page_CaseView.items` is an array of
/// `CaseView`, so a generated client has one `CaseView` type, not eight.
fn pages_by_reference(doc: &mut Value) {
    let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let items: Vec<String> = schemas.keys().cloned().collect();
    for (name, schema) in schemas.iter_mut() {
        let Some(item) = name.strip_prefix("Page_") else {
            continue;
        };
        if items.iter().any(|n| n == item)
            && let Some(list) = schema.pointer_mut("/properties/items/items")
        {
            *list = json!({"$ref": format!("#/components/schemas/{item}")});
        }
    }
}

/// The roles an operation's bearer requirement names (OpenAPI 3.1 lets a
/// non-OAuth requirement list role names), said in its description too.
fn say_roles(op: &mut Value) {
    let roles: Vec<String> = op
        .pointer("/security/0/bearer")
        .and_then(Value::as_array)
        .map(|rs| {
            rs.iter()
                .filter_map(Value::as_str)
                .map(|r| format!("`{r}`"))
                .collect()
        })
        .unwrap_or_default();
    if roles.is_empty() {
        return;
    }
    if let Some(op) = op.as_object_mut() {
        let line = format!("Roles: {}.", roles.join(", "));
        let description = match op.get("description").and_then(Value::as_str) {
            Some(d) => format!("{d}\n\n{line}"),
            None => line,
        };
        op.insert("description".into(), Value::String(description));
    }
}

/// The document, as JSON, with the common answers and headers filled in.
pub fn add_common_answers(api: OpenApi) -> Value {
    let mut doc = serde_json::to_value(&api).unwrap_or(Value::Null);
    pages_by_reference(&mut doc);
    if let Some(root) = doc.as_object_mut() {
        // Clients generated from the document call the server it came from.
        root.entry("servers")
            .or_insert_with(|| json!([{"url": "/", "description": "this server"}]));
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                // An operation without a security requirement is public,
                // and says so rather than leaving it to a global default.
                say_roles(op);
                if let Some(op) = op.as_object_mut() {
                    op.entry("security").or_insert_with(|| json!([]));
                    if let Some(content) =
                        op.get_mut("requestBody").and_then(|b| b.get_mut("content"))
                    {
                        bytes_as_binary(content);
                    }
                    if let Some(Value::Object(responses)) = op.get_mut("responses") {
                        for content in responses.values_mut().filter_map(|a| a.get_mut("content")) {
                            bytes_as_binary(content);
                        }
                    }
                }
                let answers = common_answers(method, path, op);
                let responses = op
                    .as_object_mut()
                    .map(|o| o.entry("responses").or_insert_with(|| json!({})));
                if let Some(Value::Object(responses)) = responses {
                    for (status, description) in answers {
                        responses
                            .entry(status)
                            .or_insert_with(|| problem(description));
                    }
                    // Every 503 and 429 says when to come back.
                    for status in ["503", "429"] {
                        if let Some(Value::Object(answer)) = responses.get_mut(status) {
                            let headers = answer.entry("headers").or_insert_with(|| json!({}));
                            if let Value::Object(headers) = headers {
                                headers.entry("Retry-After").or_insert_with(retry_after);
                            }
                        }
                    }
                }
                if path.starts_with("/api/")
                    && let Some(op) = op.as_object_mut()
                {
                    let params = op.entry("parameters").or_insert_with(|| json!([]));
                    if let Some(list) = params.as_array_mut()
                        && !list.iter().any(|p| p["name"] == "X-Device-Id")
                    {
                        list.push(device_header());
                    }
                }
            }
        }
    }
    doc
}
