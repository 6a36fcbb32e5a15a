//! One value against its schema: its type, how many items or characters
//! it has, its format and its range.

use serde_json::Value;

use super::Path;
use crate::error::FieldError;

pub(super) fn type_matches(value: &Value, types: &Value) -> bool {
    let one = |t: &str| match t {
        "null" => value.is_null(),
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    match types {
        Value::String(t) => one(t),
        Value::Array(list) => list.iter().filter_map(Value::as_str).any(one),
        _ => true,
    }
}

pub(super) fn describe(types: &Value) -> String {
    match types {
        Value::String(t) => t.clone(),
        Value::Array(list) => list
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "a value".into(),
    }
}

pub(super) fn check_count(
    n: usize,
    schema: &Value,
    min_key: &str,
    max_key: &str,
    path: &Path<'_>,
    errors: &mut Vec<FieldError>,
) {
    let bound = |key: &str| schema.get(key).and_then(Value::as_u64);
    if let Some(min) = bound(min_key)
        && (n as u64) < min
    {
        errors.push(FieldError::new(
            path.name(),
            "too_short",
            format!("at least {min}"),
        ));
    }
    if let Some(max) = bound(max_key)
        && (n as u64) > max
    {
        errors.push(FieldError::new(
            path.name(),
            "too_long",
            format!("at most {max}"),
        ));
    }
}

pub(super) fn check_format(s: &str, schema: &Value, path: &Path<'_>, errors: &mut Vec<FieldError>) {
    let ok = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => chrono::DateTime::parse_from_rfc3339(s).is_ok(),
        Some("date") => chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok(),
        _ => true,
    };
    if !ok {
        let expected = match schema.get("format").and_then(Value::as_str) {
            Some("date") => "a date, YYYY-MM-DD",
            _ => "an RFC 3339 time, e.g. 2026-11-27T14:05:00+08:00",
        };
        errors.push(FieldError::new(path.name(), "format", expected));
    }
}

pub(super) fn check_number(
    n: &serde_json::Number,
    schema: &Value,
    path: &Path<'_>,
    errors: &mut Vec<FieldError>,
) {
    let Some(x) = n.as_f64() else { return };
    let int32 = schema.get("format").and_then(Value::as_str) == Some("int32");
    if int32 && n.as_i64().is_none_or(|i| i32::try_from(i).is_err()) {
        errors.push(FieldError::new(path.name(), "out_of_range", "too large"));
        return;
    }
    if let Some(min) = schema.get("minimum").and_then(Value::as_f64)
        && x < min
    {
        errors.push(FieldError::new(
            path.name(),
            "out_of_range",
            format!("at least {min}"),
        ));
    }
    if let Some(max) = schema.get("maximum").and_then(Value::as_f64)
        && x > max
    {
        errors.push(FieldError::new(
            path.name(),
            "out_of_range",
            format!("at most {max}"),
        ));
    }
}
